package eventgen

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

// Events are built by appending bytes: static parts are pre-escaped once
// (esc), and what changes per event is numbers, times and placeholder
// digits, none of which needs escaping. Concatenating escaped pieces is
// escaping the concatenation, since JSON escapes character by character.

// esc returns s escaped for the inside of a JSON string. It runs when
// tables and hosts are built, never per event.
func esc(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err) // Encoding a string cannot fail.
	}
	out := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	return string(out[1 : len(out)-1])
}

// appendRFC3339 appends t (UTC) to the second: "2026-12-04T10:00:01Z".
func appendRFC3339(b []byte, t time.Time) []byte {
	return t.Truncate(time.Second).AppendFormat(b, time.RFC3339)
}

// appendMillis appends t (UTC) with exactly three fraction digits, as beats
// write @timestamp: "2026-12-04T10:00:01.250Z".
func appendMillis(b []byte, t time.Time) []byte {
	b = appendRFC3339(b, t)
	b = b[:len(b)-1] // the Z
	return appendFraction(b, t.Nanosecond()/int(time.Millisecond), 3)
}

// append100ns appends t (UTC) to 100 ns, trailing zeros trimmed, as Elastic
// Defend writes Windows-clock times: "2026-12-04T10:00:01.2007223Z".
func append100ns(b []byte, t time.Time) []byte {
	return t.Truncate(100*time.Nanosecond).AppendFormat(b, time.RFC3339Nano)
}

func appendFraction(b []byte, v, digits int) []byte {
	b = append(b, '.')
	var d [9]byte
	for i := digits - 1; i >= 0; i-- {
		d[i] = byte('0' + v%10)
		v /= 10
	}
	b = append(b, d[:digits]...)
	return append(b, 'Z')
}

func appendInt(b []byte, v int64) []byte { return strconv.AppendInt(b, v, 10) }

// appendPadded appends v in exactly n digits of alphabet, most significant
// first: fixed-width ids from counters.
func appendPadded(b []byte, v uint64, n int, alphabet string) []byte {
	base := uint64(len(alphabet))
	var d [16]byte
	for i := n - 1; i >= 0; i-- {
		d[i] = alphabet[v%base]
		v /= base
	}
	return append(b, d[:n]...)
}

const (
	lowerHex = "0123456789abcdef"
	upperHex = "0123456789ABCDEF"
	base64s  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)
