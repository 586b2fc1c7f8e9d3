package estest

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// isoDate accepts what Elasticsearch's strict_date_optional_time accepts:
// a year, optionally month and day, optionally a time with up to nine
// fraction digits, optionally a zone (Z or an offset). The space separator is
// tolerated because sources written by hand use it.
var isoDate = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[Tt ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$`)

// parseISO returns the instant an ISO-8601 string denotes, in milliseconds
// since the epoch (Elasticsearch's date type keeps milliseconds). A string
// without a zone is UTC, as in Elasticsearch.
func parseISO(s string) (int64, bool) {
	m := isoDate.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	num := func(s string, def int) int {
		if s == "" {
			return def
		}
		n, _ := strconv.Atoi(s)
		return n
	}
	year, month, day := num(m[1], 0), num(m[2], 1), num(m[3], 1)
	hour, minute, sec := num(m[4], 0), num(m[5], 0), num(m[6], 0)
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 {
		return 0, false
	}
	nanos := 0
	if m[7] != "" {
		nanos = num((m[7] + "000000000")[:9], 0)
	}
	loc := time.UTC
	if z := m[8]; z != "" && z != "Z" && z != "z" {
		off := strings.ReplaceAll(z[1:], ":", "")
		h := num(off[:2], 0)
		mins := 0
		if len(off) == 4 {
			mins = num(off[2:], 0)
		}
		secs := (h*60 + mins) * 60
		if z[0] == '-' {
			secs = -secs
		}
		loc = time.FixedZone(z, secs)
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nanos, loc)
	if t.Day() != day { // 2026-02-30 rolls over: not a date
		return 0, false
	}
	return t.UnixMilli(), true
}

// dateMillis reads a source value as a date the way a date field with the
// default format (strict_date_optional_time||epoch_millis) does: an ISO string,
// or epoch milliseconds as a number or a string of digits.
func dateMillis(v any) (int64, bool) {
	switch t := v.(type) {
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return 0, false
		}
		return int64(t), true
	case string:
		if ms, ok := parseISO(t); ok {
			return ms, true
		}
		if n, err := strconv.ParseInt(t, 10, 64); err == nil {
			return n, true
		}
	}
	return 0, false
}

// formatMillis renders an instant as Elasticsearch prints dates for
// strict_date_optional_time: UTC with milliseconds.
func formatMillis(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
}

// dateFormat is a parsed "format" parameter ("a||b"): the value must satisfy
// one of its parts.
type dateFormat []string

// knownDateFormats are the named formats this server understands; others are
// refused as unsupported rather than guessed at.
var knownDateFormats = map[string]bool{
	"strict_date_optional_time":       true,
	"strict_date_optional_time_nanos": true,
	"date_optional_time":              true,
	"strict_date_time":                true,
	"date_time":                       true,
	"epoch_millis":                    true,
	"epoch_second":                    true,
}

func parseDateFormat(s string) (dateFormat, *esError) {
	parts := strings.Split(s, "||")
	for _, p := range parts {
		if !knownDateFormats[p] {
			return nil, unsupported("date format [%s] is not supported", p)
		}
	}
	return dateFormat(parts), nil
}

// parse reads a value (a range bound) with the format.
func (f dateFormat) parse(v any) (int64, bool) {
	for _, name := range f {
		switch name {
		case "epoch_millis", "epoch_second":
			var n float64
			switch t := v.(type) {
			case float64:
				n = t
			case string:
				x, err := strconv.ParseFloat(t, 64)
				if err != nil {
					continue
				}
				n = x
			default:
				continue
			}
			if name == "epoch_second" {
				n *= 1000
			}
			return int64(n), true
		default:
			if s, ok := v.(string); ok {
				if ms, ok := parseISO(s); ok {
					return ms, true
				}
			}
		}
	}
	return 0, false
}

// render prints a date for a "fields" entry requested with this format.
func (f dateFormat) render(ms int64) any {
	switch f[0] {
	case "epoch_millis":
		return strconv.FormatInt(ms, 10)
	case "epoch_second":
		return strconv.FormatInt(ms/1000, 10)
	}
	return formatMillis(ms)
}
