package eql

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name  string
		json  string
		field string
		want  []Value
	}{
		{"nested object", `{"process":{"name":"cmd.exe"}}`, "process.name", []Value{StringValue("cmd.exe")}},
		{"dotted key", `{"process.name":"cmd.exe"}`, "process.name", []Value{StringValue("cmd.exe")}},
		{"mixed dotted and nested", `{"process":{"parent.name":"x"}}`, "process.parent.name", []Value{StringValue("x")}},
		{"escaped dotted key", `{"process\u002ename":"x"}`, "process.name", []Value{StringValue("x")}},
		{"empty step", `{"process.":{"name":"x"},"process..name":"y"}`, "process.name", nil},
		{"array of values", `{"a":["x",["y"],null,"z"]}`, "a", []Value{StringValue("x"), StringValue("y"), StringValue("z")}},
		{"array of objects", `{"a":[{"b":1},{"b":2},{"c":3}]}`, "a.b", []Value{IntValue(1), IntValue(2)}},
		{"escapes", `{"a":"C:\\Windows\\x\u00e9\"\n"}`, "a", []Value{StringValue("C:\\Windows\\xé\"\n")}},
		{"surrogate pair", `{"a":"\ud83d\ude00"}`, "a", []Value{StringValue("😀")}},
		{"numbers", `{"a":[1,-2.5,1e3,9223372036854775808]}`, "a", []Value{IntValue(1), FloatValue(-2.5), FloatValue(1000), FloatValue(9223372036854775808)}},
		{"booleans", `{"a":[true,false]}`, "a", []Value{True, False}},
		{"null is missing", `{"a":null}`, "a", nil},
		{"an object is no value", `{"a":{"b":1}}`, "a", nil},
		{"timestamp string", `{"@timestamp":"2020-01-01T00:00:00.5Z"}`, "@timestamp", []Value{DateValue(1577836800500000000)}},
		{"timestamp millis", `{"@timestamp":1577836800000}`, "@timestamp", []Value{DateValue(1577836800000000000)}},
		{"timestamp with offset", `{"@timestamp":"2020-01-01T01:00:00+01:00"}`, "@timestamp", []Value{DateValue(1577836800000000000)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := NewFieldTable()
			ts := ft.ID("@timestamp")
			ft.markDate(ts)
			id := ft.ID(tt.field)
			dec, err := NewDecoder(ft, nil)
			if err != nil {
				t.Fatal(err)
			}
			doc := NewDoc(ft)
			if err := dec.Decode([]byte(tt.json), doc); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			got := append([]Value(nil), doc.Values(id)...)
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b Value) bool { return a == b })); diff != "" {
				t.Errorf("values of %s (-want +got):\n%s", tt.field, diff)
			}
		})
	}
}

// TestDecodeManyFields reads objects with more wanted keys than the
// decoder searches in order.
func TestDecodeManyFields(t *testing.T) {
	ft := NewFieldTable()
	var obj, nested []string
	for i := range 20 {
		ft.ID(fmt.Sprintf("f%d", i))
		ft.ID(fmt.Sprintf("n.g%d", i))
		obj = append(obj, fmt.Sprintf(`"f%d":%d`, i, i))
		nested = append(nested, fmt.Sprintf(`"g%d":%d`, i, 100+i))
	}
	dec, err := NewDecoder(ft, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc := NewDoc(ft)
	line := "{" + strings.Join(obj, ",") + `,"skip":{"f1":1},"n":{` + strings.Join(nested, ",") + "}}"
	if err := dec.Decode([]byte(line), doc); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		for name, want := range map[string]int64{fmt.Sprintf("f%d", i): int64(i), fmt.Sprintf("n.g%d", i): int64(100 + i)} {
			id, _ := ft.Lookup(name)
			if got := doc.Values(id); len(got) != 1 || got[0] != IntValue(want) {
				t.Errorf("%s = %v, want %d", name, got, want)
			}
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct{ json, want string }{
		{`[1]`, "event is not a JSON object"},
		{`{"a":1`, "expected ',' or '}'"},
		{`{"a":tru}`, "invalid literal"},
		{`{"a":1} x`, "unexpected data after the JSON object"},
		{`{"x":{"y":[1,}}`, "unexpected character"},
		{`{"@timestamp":"yesterday"}`, "cannot parse [yesterday] as a date"},
		{strings.Repeat(`{"a":`, 600) + "1" + strings.Repeat("}", 600), "nested more than 512 levels"},
	}
	for _, tt := range tests {
		ft := NewFieldTable()
		ft.markDate(ft.ID("@timestamp"))
		ft.ID("a")
		dec, _ := NewDecoder(ft, nil)
		err := dec.Decode([]byte(tt.json), NewDoc(ft))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Decode(%.40q) = %v, want %q", tt.json, err, tt.want)
		}
	}
}

func TestDateFormats(t *testing.T) {
	s, err := ParseMapping([]byte(`{"properties":{"d":{"type":"date","format":"dd-MM-yyyy"},"e":{"type":"alias","path":"d"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := Compile(`any where e == "2022-12-17"`, Options{Schema: s})
	if err != nil {
		t.Fatal(err)
	}
	res, skipped, err := prog.Search([]Input{{Index: "i", ID: "1", Source: []byte(`{"d":"17-12-2022"}`)}}, map[string]*Schema{"i": s}, RunOptions{})
	if err != nil || len(skipped) > 0 || len(res.Events) != 1 {
		t.Errorf("alias to a formatted date: %v %v %+v", err, skipped, res)
	}
}
