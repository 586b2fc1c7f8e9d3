// Package scheduler decides when each rule runs and over which time window.
package scheduler
