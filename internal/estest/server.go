package estest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is an in-process Elasticsearch 8 stand-in. It is safe for
// concurrent use by the code under test and the test itself.
type Server struct {
	tb        testing.TB
	url       string
	addr      string
	eql       func(query string, source map[string]any) (bool, error)
	sequences func(query string, events []Doc) ([][]Doc, [][]any, error)
	auth      []credential // accepted credentials; none means no security

	life   sync.Mutex // guards srv and closed; never held with mu
	srv    *httptest.Server
	closed bool

	mu         sync.Mutex
	indices    map[string]*index
	templates  map[string]*template
	order      int64
	requests   []Request
	faults     []*fault
	itemFaults []itemFault
	shardFails int
}

// Option configures a Server.
type Option func(*Server)

// WithEQL decides which events an EQL query matches: match is called with the
// query string and each candidate event's _source (a copy the callback may
// keep). An error is answered as a 400 verification_exception carrying the
// error's text, the way Elasticsearch rejects a query it cannot verify.
// Without this option every event matches.
func WithEQL(match func(query string, source map[string]any) (bool, error)) Option {
	return func(s *Server) { s.eql = match }
}

// WithSequences answers sequence queries. For every EQL search, find is
// called first with the query and the candidate events (filtered by the
// request's filter and sorted as EQL sorts them); when it returns non-nil
// sequences the response carries hits.sequences, each with the join keys at
// the same position in keys (a shorter keys leaves the rest without). A Doc
// with empty Index and ID stands for a missing event ("missing": true). When
// find returns nil sequences and no error, the query is answered as an event
// query through WithEQL.
func WithSequences(find func(query string, events []Doc) (sequences [][]Doc, keys [][]any, err error)) Option {
	return func(s *Server) { s.sequences = find }
}

// WithBasicAuth turns security on: requests must carry HTTP basic
// credentials for user and pass (or a key given to WithAPIKey), else they get
// Elasticsearch's 401 security_exception.
func WithBasicAuth(user, pass string) Option {
	return func(s *Server) {
		s.auth = append(s.auth, credential{"Basic", base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))})
	}
}

// WithAPIKey turns security on: requests must carry "Authorization: ApiKey
// <key>", key being the encoded form the client is configured with (or the
// credentials given to WithBasicAuth).
func WithAPIKey(key string) Option {
	return func(s *Server) { s.auth = append(s.auth, credential{"ApiKey", key}) }
}

// credential is an accepted Authorization header: a scheme, matched without
// regard to case as Elasticsearch does (the Go client sends "APIKey"), and
// the credentials, matched exactly.
type credential struct {
	scheme, value string
}

func (c credential) accepts(header string) bool {
	scheme, value, _ := strings.Cut(header, " ")
	return strings.EqualFold(scheme, c.scheme) && value == c.value
}

// New starts a server on a loopback port; it is closed when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{
		tb:        tb,
		indices:   map[string]*index{},
		templates: map[string]*template{},
	}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.url = s.srv.URL
	s.addr = s.srv.Listener.Addr().String()
	tb.Cleanup(s.Close)
	return s
}

// URL is the server's base URL; it stays the same across Stop and Restart.
func (s *Server) URL() string { return s.url }

// Stop closes the listener and every open connection, waiting for requests
// in flight: until Restart, connecting to URL is refused. Data is kept.
func (s *Server) Stop() {
	s.life.Lock()
	defer s.life.Unlock()
	if s.srv != nil {
		s.srv.Close()
		s.srv = nil
	}
}

// Restart starts serving again at the same address, stopping first if the
// server is running (which drops the client's open connections). Data,
// templates, recordings and queued faults are kept.
func (s *Server) Restart() {
	s.tb.Helper()
	s.Stop()
	s.life.Lock()
	defer s.life.Unlock()
	if s.closed {
		s.tb.Fatalf("estest: Restart after Close")
		return
	}
	l, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.tb.Fatalf("estest: restart on %s: %v", s.addr, err)
		return
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	s.srv = srv
}

// Close stops the server for good. It is registered with t.Cleanup by New;
// calling it again is harmless.
func (s *Server) Close() {
	s.Stop()
	s.life.Lock()
	s.closed = true
	s.life.Unlock()
}

// Request is one recorded HTTP request, as received. Header includes
// Authorization: tests inspect it, and should never log it.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
}

// JSON decodes the body as a JSON object, numbers as json.Number; nil when
// the body is not exactly one object.
func (r Request) JSON() map[string]any {
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil {
		return nil
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil
	}
	return m
}

// NDJSON decodes a _bulk body: one object per non-empty line, numbers as
// json.Number; nil when a line is not a JSON object.
func (r Request) NDJSON() []map[string]any {
	var out []map[string]any
	for _, line := range bytes.Split(r.Body, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		m := Request{Body: line}.JSON()
		if m == nil {
			return nil
		}
		out = append(out, m)
	}
	return out
}

// Requests returns every request received since New or the last Reset, in
// arrival order, including those refused by auth or fault injection.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// RequestsTo returns the recorded requests whose path contains substr.
func (s *Server) RequestsTo(substr string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if strings.Contains(r.Path, substr) {
			out = append(out, r)
		}
	}
	return out
}

// Reset forgets the recorded requests; data and faults stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// MatchPath matches requests whose path contains substr (for FailNext).
func MatchPath(substr string) func(*http.Request) bool {
	return func(r *http.Request) bool { return strings.Contains(r.URL.Path, substr) }
}

// MatchMethodPath matches requests with this method whose path contains
// substr (for FailNext).
func MatchMethodPath(method, substr string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.Method == method && strings.Contains(r.URL.Path, substr) }
}

type fault struct {
	match func(*http.Request) bool
	queue []injected
}

// injected is one queued response: an Elasticsearch error, or with err nil a
// proxy's HTML page with that status.
type injected struct {
	status int
	err    *esError
}

type itemFault struct {
	match  func(id string) bool
	status int
}

// FailNext queues error responses: each following request for which match
// returns true is answered, instead of being served, with the next status
// and the body Elasticsearch sends for it (429 es_rejected_execution_exception,
// 503 unavailable_shards_exception, 400 parsing_exception, 500
// internal_server_error, ...); 502 and 504 get the HTML page a proxy sends.
// The request body is readable in match. Several FailNext calls queue
// independently; the first with statuses left whose match accepts a request
// answers it. match must not call the Server.
func (s *Server) FailNext(match func(*http.Request) bool, statuses ...int) {
	f := &fault{match: match}
	for _, st := range statuses {
		in := injected{status: st}
		if st != http.StatusBadGateway && st != http.StatusGatewayTimeout {
			in.err = injectedError(st)
		}
		f.queue = append(f.queue, in)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// FailNextWith queues one error response with a chosen type and reason, for
// errors FailNext does not pick by status, such as a 503
// cluster_block_exception.
func (s *Server) FailNextWith(match func(*http.Request) bool, status int, errType, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{
		match: match,
		queue: []injected{{status: status, err: newError(status, errType, "%s", reason)}},
	})
}

// FailBulkItems makes every following bulk item whose _id satisfies match
// fail with status (500 gives {"type":"exception","reason":"injected"}),
// while the other items of the request proceed. It lasts until ClearFaults.
// match must not call the Server.
func (s *Server) FailBulkItems(match func(id string) bool, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.itemFaults = append(s.itemFaults, itemFault{match: match, status: status})
}

// FailShards makes the next successful EQL response partial: n entries in
// shard_failures and "is_partial": true, hits unchanged.
func (s *Server) FailShards(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shardFails = n
}

// ClearFaults drops every queued or standing fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults, s.itemFaults, s.shardFails = nil, nil, 0
}

// takeFault returns the injected response for r, if one is due. The match
// functions run without s.mu; the consumption is atomic.
func (s *Server) takeFault(r *http.Request, body []byte) (in injected, ok bool) {
	s.mu.Lock()
	faults := slices.Clone(s.faults)
	s.mu.Unlock()
	var matched []*fault
	for _, f := range faults {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if f.match(r) {
			matched = append(matched, f)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range matched {
		if len(f.queue) > 0 {
			in, f.queue = f.queue[0], f.queue[1:]
			return in, true
		}
	}
	return injected{}, false
}

// call is a request being served.
type call struct {
	method string
	path   string
	segs   []string
	query  url.Values
	body   []byte
	start  time.Time
}

func (c *call) took() int64 { return time.Since(c.start).Milliseconds() }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest) // the client went away mid-body
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, Request{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Header: r.Header.Clone(),
		Body:   body,
	})
	s.mu.Unlock()

	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	contentType := "application/json"
	if strings.Contains(r.Header.Get("Accept"), "compatible-with=8") {
		contentType = "application/vnd.elasticsearch+json;compatible-with=8"
	}

	if in, ok := s.takeFault(r, body); ok {
		if in.err == nil {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(in.status)
			_, _ = w.Write(proxyBody(in.status))
			return
		}
		s.reply(w, r, contentType, in.status, in.err.body())
		return
	}
	if e := s.authenticate(r); e != nil {
		for k, v := range e.header {
			w.Header()[k] = v
		}
		s.reply(w, r, contentType, e.status, e.body())
		return
	}

	c := &call{method: r.Method, path: r.URL.Path, query: r.URL.Query(), body: body, start: start}
	if p := strings.Trim(r.URL.Path, "/"); p != "" {
		c.segs = strings.Split(p, "/")
	}
	status, out, e := s.route(c)
	if e != nil {
		status, out = e.status, e.body()
	}
	s.reply(w, r, contentType, status, out)
}

func (s *Server) reply(w http.ResponseWriter, r *http.Request, contentType string, status int, body any) {
	if r.Method == http.MethodHead || body == nil {
		w.WriteHeader(status)
		return
	}
	data, err := marshal(body)
	if err != nil {
		s.tb.Errorf("estest: encoding a response to %s %s: %v", r.Method, r.URL.Path, err)
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// authenticate checks the Authorization header when security is on, refusing
// as Elasticsearch does: 401 security_exception naming the request, with the
// WWW-Authenticate challenges of the realms it offers.
func (s *Server) authenticate(r *http.Request) *esError {
	if len(s.auth) == 0 {
		return nil
	}
	got := r.Header.Get("Authorization")
	for _, c := range s.auth {
		if c.accepts(got) {
			return nil
		}
	}
	uri := r.URL.RequestURI()
	var e *esError
	switch user, _, basic := r.BasicAuth(); {
	case got == "":
		e = newError(http.StatusUnauthorized, "security_exception", "missing authentication credentials for REST request [%s]", uri)
	case basic:
		e = newError(http.StatusUnauthorized, "security_exception", "unable to authenticate user [%s] for REST request [%s]", user, uri)
	default:
		e = newError(http.StatusUnauthorized, "security_exception", "unable to authenticate with provided credentials and anonymous access is not allowed for this request")
	}
	challenges := []string{`Basic realm="security", charset="UTF-8"`, `Bearer realm="security"`, "ApiKey"}
	e.header = http.Header{"Www-Authenticate": challenges}
	e.meta = object{{"header", object{{"WWW-Authenticate", challenges}}}}
	return e
}

// route dispatches to the endpoint handlers; anything else is refused as
// unsupported so that a client depending on it fails visibly.
func (s *Server) route(c *call) (int, any, *esError) {
	seg := func(i int) string {
		if i < len(c.segs) {
			return c.segs[i]
		}
		return ""
	}
	is := func(methods ...string) bool { return slices.Contains(methods, c.method) }
	get, post, put, head := http.MethodGet, http.MethodPost, http.MethodPut, http.MethodHead
	n := len(c.segs)
	switch {
	case n == 0 && is(get, head):
		return s.info()
	case n == 1 && seg(0) == "_bulk" && is(post, put):
		return s.bulk(c, "")
	case n == 1 && seg(0) == "_search" && is(get, post):
		return s.search(c, "")
	case n == 1 && seg(0) == "_refresh" && is(get, post):
		return s.refresh("")
	case n == 1 && seg(0) == "_index_template" && is(get):
		return s.getTemplate("")
	case n == 2 && seg(0) == "_index_template" && is(put, post):
		return s.putTemplate(c, seg(1))
	case n == 2 && seg(0) == "_index_template" && is(get):
		return s.getTemplate(seg(1))
	case strings.HasPrefix(seg(0), "_") && seg(0) != "_all": // an API this server lacks
	case n == 1 && is(head):
		return s.indexExists(seg(0))
	case n == 1 && is(put):
		return s.putIndex(c, seg(0))
	case n == 2 && seg(1) == "_search" && is(get, post):
		return s.search(c, seg(0))
	case n == 3 && seg(1) == "_eql" && seg(2) == "search" && is(get, post):
		return s.eqlSearch(c, seg(0))
	case n == 2 && seg(1) == "_bulk" && is(post, put):
		return s.bulk(c, seg(0))
	case n == 2 && seg(1) == "_refresh" && is(get, post):
		return s.refresh(seg(0))
	case n == 2 && seg(1) == "_doc" && is(post):
		return s.writeDoc(c, seg(0), "", false)
	case n == 3 && seg(1) == "_doc" && is(put, post):
		return s.writeDoc(c, seg(0), seg(2), false)
	case n == 3 && seg(1) == "_create" && is(put, post):
		return s.writeDoc(c, seg(0), seg(2), true)
	case n == 3 && seg(1) == "_doc" && is(get):
		return s.getDoc(seg(0), seg(2))
	}
	return 0, nil, unsupported("endpoint [%s %s] is not supported", c.method, c.path)
}

// boolParam reads a boolean query parameter as Elasticsearch does: present
// without a value means true; anything but true or false is refused.
func boolParam(q url.Values, name string, def bool) (bool, *esError) {
	if !q.Has(name) {
		return def, nil
	}
	switch v := q.Get(name); v {
	case "", "true":
		return true, nil
	case "false":
		return false, nil
	default:
		return false, illegalArgument("Failed to parse value [%s] as only [true] or [false] are allowed.", v)
	}
}

// indicesParams reads allow_no_indices and ignore_unavailable over the API's
// defaults.
func indicesParams(q url.Values, def indicesOptions) (indicesOptions, *esError) {
	var e *esError
	if def.allowNoIndices, e = boolParam(q, "allow_no_indices", def.allowNoIndices); e != nil {
		return def, e
	}
	if def.ignoreUnavailable, e = boolParam(q, "ignore_unavailable", def.ignoreUnavailable); e != nil {
		return def, e
	}
	return def, nil
}

func (s *Server) info() (int, any, *esError) {
	return http.StatusOK, object{
		{"name", "estest"},
		{"cluster_name", "estest"},
		{"cluster_uuid", "estest-cluster-uuid"},
		{"version", object{
			{"number", "8.19.0"},
			{"build_flavor", "default"},
			{"build_type", "docker"},
			{"build_hash", "estest"},
			{"build_date", "2025-07-24T00:00:00.000Z"},
			{"build_snapshot", false},
			{"lucene_version", "9.12.2"},
			{"minimum_wire_compatibility_version", "7.17.0"},
			{"minimum_index_compatibility_version", "7.0.0"},
		}},
		{"tagline", "You Know, for Search"},
	}, nil
}
