package esclient

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// Error is an error answer from Elasticsearch: its HTTP status and the type
// and reason of its error body.
type Error struct {
	Status int
	Type   string
	Reason string
}

func (e *Error) Error() string {
	if e.Type == "" {
		return fmt.Sprintf("elasticsearch: HTTP %d: %s", e.Status, e.Reason)
	}
	return fmt.Sprintf("elasticsearch: HTTP %d: %s: %s", e.Status, e.Type, e.Reason)
}

// UserError reports an error caused by the rule or the cluster's content
// rather than by the cluster's health (Kibana's check_error_details): a
// query Elasticsearch rejects, a missing index, a permission.
func (e *Error) UserError() bool {
	for _, t := range []string{"verification_exception", "parsing_exception", "index_not_found_exception",
		"status_exception", "x_content_parse_exception", "security_exception"} {
		if strings.Contains(e.Type, t) || strings.Contains(e.Reason, t) {
			return true
		}
	}
	return false
}

// Check turns a failed esapi call or an error answer into an error, and
// leaves a successful response for the caller to read and close.
func Check(res *esapi.Response, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if !res.IsError() {
		return nil
	}
	defer res.Body.Close()
	return fmt.Errorf("%s: %w", what, ParseError(res.StatusCode, res.Body))
}

// ParseError reads an Elasticsearch error body:
// {"error":{"type":..,"reason":..,"root_cause":[..]},"status":..}, or a
// proxy's plain text.
func ParseError(status int, body io.Reader) *Error {
	data, _ := io.ReadAll(io.LimitReader(body, 64<<10))
	var parsed struct {
		Error json.RawMessage `json:"error"`
	}
	e := &Error{Status: status}
	if json.Unmarshal(data, &parsed) == nil && len(parsed.Error) > 0 {
		var detail struct {
			Type     string `json:"type"`
			Reason   string `json:"reason"`
			CausedBy *struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			} `json:"caused_by"`
		}
		if json.Unmarshal(parsed.Error, &detail) == nil {
			e.Type, e.Reason = detail.Type, detail.Reason
			if detail.CausedBy != nil && detail.CausedBy.Reason != "" && detail.CausedBy.Reason != e.Reason {
				e.Reason += " (caused by " + detail.CausedBy.Type + ": " + detail.CausedBy.Reason + ")"
			}
			return e
		}
		// Some errors are a bare string.
		var s string
		if json.Unmarshal(parsed.Error, &s) == nil {
			e.Reason = s
			return e
		}
	}
	e.Reason = strings.TrimSpace(string(data))
	if len(e.Reason) > 512 {
		e.Reason = e.Reason[:512] + "…"
	}
	if e.Reason == "" {
		e.Reason = "empty answer"
	}
	return e
}
