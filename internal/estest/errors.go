package estest

import (
	"fmt"
	"net/http"
)

// esError is an Elasticsearch exception as it appears on the wire: a status,
// a type, a reason, the metadata fields Elasticsearch adds after the reason
// (index, resource.id, ...) and an optional cause.
type esError struct {
	status int
	typ    string
	reason string
	meta   object
	cause  *esError
	header http.Header // response headers the error carries (WWW-Authenticate)
}

// fields renders the exception object: the shape of "error", of a bulk
// item's "error" and of each "root_cause" entry.
func (e *esError) fields() object {
	o := object{{"type", e.typ}, {"reason", e.reason}}
	o = append(o, e.meta...)
	if e.cause != nil {
		o = append(o, member{"caused_by", e.cause.fields()})
	}
	return o
}

// body renders the whole response body. Elasticsearch reports as root cause
// the innermost exception of the chain.
func (e *esError) body() object {
	root := e
	for root.cause != nil {
		root = root.cause
	}
	rootFields := object{{"type", root.typ}, {"reason", root.reason}}
	rootFields = append(rootFields, root.meta...)
	errObj := append(object{{"root_cause", []any{rootFields}}}, e.fields()...)
	return object{{"error", errObj}, {"status", e.status}}
}

func newError(status int, typ, format string, args ...any) *esError {
	return &esError{status: status, typ: typ, reason: fmt.Sprintf(format, args...)}
}

// indexNotFound is what index resolution and single-index APIs answer for a
// missing index or a wildcard expression that matches nothing.
func indexNotFound(name string) *esError {
	return indexNotFoundReason("no such index ["+name+"]", name)
}

func indexNotFoundReason(reason, name string) *esError {
	e := newError(http.StatusNotFound, "index_not_found_exception", "%s", reason)
	e.meta = object{{"resource.type", "index_or_alias"}, {"resource.id", name}, {"index_uuid", "_na_"}, {"index", name}}
	return e
}

// unsupported marks a request the test server does not implement. The status
// is 400 so that a client treating it as a transient failure does not retry.
func unsupported(format string, args ...any) *esError {
	return newError(http.StatusBadRequest, "estest_unsupported", "estest: "+format, args...)
}

func parsingError(format string, args ...any) *esError {
	return newError(http.StatusBadRequest, "parsing_exception", format, args...)
}

func illegalArgument(format string, args ...any) *esError {
	return newError(http.StatusBadRequest, "illegal_argument_exception", format, args...)
}

// injectedError is the body served for a status queued with FailNext, chosen
// to be what Elasticsearch (or the proxy in front of it) sends for that
// status, so the client's error classification is exercised for real.
func injectedError(status int) *esError {
	switch status {
	case http.StatusBadRequest:
		return parsingError("injected: failed to parse request")
	case http.StatusUnauthorized:
		return newError(status, "security_exception", "injected: unable to authenticate user")
	case http.StatusForbidden:
		return newError(status, "security_exception", "injected: action is unauthorized")
	case http.StatusNotFound:
		return newError(status, "resource_not_found_exception", "injected: resource not found")
	case http.StatusConflict:
		return newError(status, "version_conflict_engine_exception", "injected: version conflict")
	case http.StatusTooManyRequests:
		return newError(status, "es_rejected_execution_exception", "injected: rejected execution of coordinating operation")
	case http.StatusInternalServerError:
		return newError(status, "internal_server_error", "injected: internal server error")
	case http.StatusServiceUnavailable:
		return newError(status, "unavailable_shards_exception", "injected: primary shard is not active Timeout: [1m]")
	}
	return newError(status, "exception", "injected")
}

// injectedItemError is the error object of a bulk item failed by
// FailBulkItems.
func injectedItemError(status int) *esError {
	if status == http.StatusInternalServerError {
		return newError(status, "exception", "injected")
	}
	return injectedError(status)
}

// proxyBody is what a reverse proxy in front of Elasticsearch sends for 502
// and 504: HTML, not JSON, which the client must cope with.
func proxyBody(status int) []byte {
	text := fmt.Sprintf("%d %s", status, http.StatusText(status))
	return []byte("<html>\r\n<head><title>" + text + "</title></head>\r\n<body>\r\n<center><h1>" + text +
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
}
