package alerting

import (
	"encoding/json"
	"testing"
)

func TestReasonFollowsKibanasTemplate(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"nothing of interest", `{}`, "event created high alert R."},
		{"category only", `{"event":{"category":["file"]}}`, "file event created high alert R."},
		{"source ip only, as Kibana's unit test", `{"source":{"ip":"127.0.0.1"}}`,
			"event with source 127.0.0.1 created high alert R."},
		{"file event of the Kibana example",
			`{"event":{"category":["file"]},"process":{"name":"smss.exe"},"file":{"name":"a.exe"},"user":{"name":"SYSTEM"},"host":{"name":"WIN-DC01"}}`,
			"file event with process smss.exe, file a.exe, by SYSTEM on WIN-DC01 created high alert R."},
		{"ports as strings and parent process",
			`{"process":{"name":"nc","parent":{"name":"bash"}},"source":{"ip":"10.0.0.1","port":"4444"},"destination":{"ip":"10.0.0.2","port":["22"]}}`,
			"event with process nc, parent process bash, source 10.0.0.1:4444, destination 10.0.0.2:22, created high alert R."},
		{"a numeric port in _source is absent, as in Kibana", `{"source":{"ip":"10.0.0.1","port":4444}}`,
			"event with source 10.0.0.1 created high alert R."},
		{"dotted keys read like nested ones", `{"event.category":"network","host.name":"h1"}`,
			"network event on h1 created high alert R."},
		{"arrays are joined, a lone dash is absent", `{"event":{"category":["process","file"]},"user":{"name":"-"},"host":{"name":["a","b"]}}`,
			"process, file event on a, b created high alert R."},
		{"user without host", `{"user":{"name":"bob"}}`, "event by bob created high alert R."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := decodeJSONObject(json.RawMessage(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if got := Reason(doc, "high", "R"); got != tt.want {
				t.Errorf("Reason() =\n  %q\nwant\n  %q", got, tt.want)
			}
		})
	}
}
