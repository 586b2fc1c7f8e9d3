package eql

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseDefaultDate parses s as Elasticsearch's default date format,
// strict_date_optional_time||epoch_millis, into nanoseconds since the
// epoch.
func parseDefaultDate(s string) (int64, bool) {
	if ns, ok := parseISODate(s); ok {
		return ns, true
	}
	return parseEpochMillis(s)
}

// parseEpochMillis reads "1516116808349" or "-12.5" as milliseconds.
func parseEpochMillis(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	ms, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || ms > 9e12 || ms < -9e12 {
		return 0, false
	}
	ns := ms * 1e6
	if hasFrac {
		if frac == "" || len(frac) > 6 {
			return 0, false
		}
		for _, c := range frac {
			if c < '0' || c > '9' {
				return 0, false
			}
		}
		f, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
		if strings.HasPrefix(whole, "-") {
			f = -f
		}
		ns += f
	}
	return ns, true
}

// parseISODate parses strict_date_optional_time: yyyy[-MM[-dd]] then
// optionally T, HH[:mm[:ss[.fraction]]] and a zone (Z, ±HH:mm, ±HHmm,
// ±HH); no zone means UTC.
func parseISODate(s string) (int64, bool) {
	n := func(i, w int) (int, bool) {
		if i+w > len(s) {
			return 0, false
		}
		v := 0
		for _, c := range []byte(s[i : i+w]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	year, ok := n(0, 4)
	if !ok {
		return 0, false
	}
	i := 4
	month, day := 1, 1
	if i < len(s) && s[i] == '-' {
		if month, ok = n(i+1, 2); !ok {
			return 0, false
		}
		i += 3
		if i < len(s) && s[i] == '-' {
			if day, ok = n(i+1, 2); !ok {
				return 0, false
			}
			i += 3
		}
	}
	var hour, minute, sec, nanos int
	if i < len(s) && s[i] == 'T' {
		if hour, ok = n(i+1, 2); !ok {
			return 0, false
		}
		i += 3
		if i < len(s) && s[i] == ':' {
			if minute, ok = n(i+1, 2); !ok {
				return 0, false
			}
			i += 3
			if i < len(s) && s[i] == ':' {
				if sec, ok = n(i+1, 2); !ok {
					return 0, false
				}
				i += 3
				if i < len(s) && (s[i] == '.' || s[i] == ',') {
					j := i + 1
					for j < len(s) && s[j] >= '0' && s[j] <= '9' {
						j++
					}
					digits := s[i+1 : j]
					if digits == "" || len(digits) > 9 {
						return 0, false
					}
					nanos, _ = strconv.Atoi((digits + "000000000")[:9])
					i = j
				}
			}
		}
	}
	offset := 0
	if i < len(s) {
		switch s[i] {
		case 'Z':
			i++
		case '+', '-':
			sign := 1
			if s[i] == '-' {
				sign = -1
			}
			h, ok := n(i+1, 2)
			if !ok {
				return 0, false
			}
			i += 3
			m := 0
			if i < len(s) && s[i] == ':' {
				i++
			}
			if i < len(s) {
				if m, ok = n(i, 2); !ok {
					return 0, false
				}
				i += 2
			}
			offset = sign * (h*3600 + m*60)
		default:
			return 0, false
		}
	}
	if i != len(s) || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 {
		return 0, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nanos, time.UTC)
	if t.Day() != day {
		return 0, false
	}
	return t.Add(-time.Duration(offset) * time.Second).UnixNano(), true
}

// dateFormat parses dates in one mapping format: a named format or a
// Java DateTimeFormatter pattern of y, M, d, H, m, s, S and literals.
type dateFormat struct {
	name   string
	layout string // Go layout for patterns; empty for named formats.
}

func newDateFormat(spec string) ([]dateFormat, error) {
	var out []dateFormat
	for part := range strings.SplitSeq(spec, "||") {
		part = strings.TrimSpace(part)
		switch part {
		case "strict_date_optional_time", "date_optional_time", "strict_date_optional_time_nanos", "epoch_millis", "epoch_second":
			out = append(out, dateFormat{name: part})
			continue
		}
		layout, err := javaLayout(part)
		if err != nil {
			return nil, err
		}
		out = append(out, dateFormat{name: part, layout: layout})
	}
	return out, nil
}

func javaLayout(p string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(p); {
		c := p[i]
		j := i
		for j < len(p) && p[j] == c {
			j++
		}
		run := p[i:j]
		switch {
		case c == '\'':
			end := strings.IndexByte(p[i+1:], '\'')
			if end < 0 {
				return "", fmt.Errorf("unterminated quote in date format %q", p)
			}
			b.WriteString(p[i+1 : i+1+end])
			i += end + 2
			continue
		case run == "yyyy" || run == "uuuu":
			b.WriteString("2006")
		case run == "MM":
			b.WriteString("01")
		case run == "dd":
			b.WriteString("02")
		case run == "HH":
			b.WriteString("15")
		case run == "mm":
			b.WriteString("04")
		case run == "ss":
			b.WriteString("05")
		case c == 'S':
			// Go writes fractions as ".000": the dot before them is part
			// of the layout element.
			s := b.String()
			if !strings.HasSuffix(s, ".") {
				return "", fmt.Errorf("date format %q: fractions of a second must follow a '.'", p)
			}
			b.WriteString(strings.Repeat("0", len(run)))
		case c == 'X' || c == 'Z':
			b.WriteString("Z07:00")
		case isLetter(c):
			return "", fmt.Errorf("date format %q: pattern letter %q is not supported", p, run)
		default:
			b.WriteString(run)
		}
		i = j
	}
	return b.String(), nil
}

func parseWithFormats(s string, formats []dateFormat) (int64, bool) {
	for _, f := range formats {
		switch f.name {
		case "strict_date_optional_time", "date_optional_time", "strict_date_optional_time_nanos":
			if ns, ok := parseISODate(s); ok {
				return ns, true
			}
			continue
		case "epoch_millis":
			if ns, ok := parseEpochMillis(s); ok {
				return ns, true
			}
			continue
		case "epoch_second":
			if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
				return sec * 1e9, true
			}
			continue
		}
		if t, err := time.Parse(f.layout, s); err == nil {
			return t.UnixNano(), true
		}
	}
	return 0, false
}
