package rules

import (
	"fmt"
	"strconv"
	"time"
)

// ParseDateMath parses the relative date math Elastic rules use for from and
// to ("now", "now-9m") and returns the offset from now: -9m for "now-9m".
// Rounding ("now/d") and calendar units are not accepted: a scheduler cannot
// turn them into a fixed-width window.
func ParseDateMath(s string) (time.Duration, error) {
	if s == "now" {
		return 0, nil
	}
	if len(s) < 5 || s[:4] != "now-" {
		return 0, fmt.Errorf("%q is not date math of the form now-<n><s|m|h|d>", s)
	}
	d, err := parseAmount(s[4:])
	if err != nil {
		return 0, fmt.Errorf("%q is not date math of the form now-<n><s|m|h|d>", s)
	}
	return -d, nil
}

// ParseInterval parses a schedule interval as Kibana's parseDuration does:
// a whole number followed by s, m, h or d. It must be positive.
func ParseInterval(s string) (time.Duration, error) {
	d, err := parseAmount(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration of the form <n><s|m|h|d>", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration", s)
	}
	return d, nil
}

func parseAmount(s string) (time.Duration, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("too short")
	}
	var unit time.Duration
	switch s[len(s)-1] {
	case 's':
		unit = time.Second
	case 'm':
		unit = time.Minute
	case 'h':
		unit = time.Hour
	case 'd':
		unit = 24 * time.Hour
	default:
		return 0, fmt.Errorf("unknown unit")
	}
	digits := s[:len(s)-1]
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("not a whole number")
		}
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, err
	}
	// A year of lookback is already absurd; the bound keeps n*unit from overflowing.
	if n > int64(366*24*time.Hour/unit) {
		return 0, fmt.Errorf("too large")
	}
	return time.Duration(n) * unit, nil
}
