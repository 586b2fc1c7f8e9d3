package estest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

func (s *Server) putIndex(c *call, name string) (int, any, *esError) {
	if e := validateIndexName(name); e != nil {
		return 0, nil, e
	}
	if len(bytes.TrimSpace(c.body)) > 0 {
		body, err := decodeObject(c.body)
		if err != nil {
			return 0, nil, parsingError("request body must be a JSON object: %v", err)
		}
		// Aliases are not modelled; accepting them would make require_alias
		// writes fail here while succeeding against Elasticsearch.
		if a, ok := body["aliases"].(map[string]any); ok && len(a) > 0 {
			return 0, nil, unsupported("index aliases are not supported")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if idx := s.indices[name]; idx != nil {
		e := newError(http.StatusBadRequest, "resource_already_exists_exception", "index [%s/%s] already exists", name, idx.uuid)
		e.meta = object{{"index_uuid", idx.uuid}, {"index", name}}
		return 0, nil, e
	}
	s.createIndex(name)
	return http.StatusOK, object{{"acknowledged", true}, {"shards_acknowledged", true}, {"index", name}}, nil
}

func (s *Server) indexExists(expr string) (int, any, *esError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, e := s.resolve(expr, indicesOptions{}); e != nil {
		return http.StatusNotFound, nil, nil
	}
	return http.StatusOK, nil, nil
}

func (s *Server) putTemplate(c *call, name string) (int, any, *esError) {
	body, err := decodeObject(c.body)
	if err != nil {
		return 0, nil, parsingError("request body is required and must be a JSON object: %v", err)
	}
	t := &template{body: body}
	switch p := body["index_patterns"].(type) {
	case string:
		t.patterns = []string{p}
	case []any:
		for _, x := range p {
			if ps, ok := x.(string); ok {
				t.patterns = append(t.patterns, ps)
			}
		}
	}
	if len(t.patterns) == 0 {
		return 0, nil, newError(http.StatusBadRequest, "action_request_validation_exception",
			"Validation Failed: 1: index patterns are missing;")
	}
	if pr, ok := body["priority"].(float64); ok {
		t.priority = pr
	}
	if _, ok := body["data_stream"]; ok {
		return 0, nil, unsupported("data stream templates are not supported")
	}
	if tmpl, ok := body["template"].(map[string]any); ok {
		if a, ok := tmpl["aliases"].(map[string]any); ok && len(a) > 0 {
			return 0, nil, unsupported("index template aliases are not supported")
		}
	}
	create, e := boolParam(c.query, "create", false)
	if e != nil {
		return 0, nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if create && s.templates[name] != nil {
		return 0, nil, illegalArgument("index template [%s] already exists", name)
	}
	if e := s.templateOverlap(name, t); e != nil {
		return 0, nil, e
	}
	s.templates[name] = t
	return http.StatusOK, object{{"acknowledged", true}}, nil
}

// templateOverlap refuses a template whose patterns can match an index that
// another template of the same priority also matches, as Elasticsearch does
// (it could not choose between them at index creation). Callers hold s.mu.
func (s *Server) templateOverlap(name string, t *template) *esError {
	var names, overlaps []string
	for _, other := range sortedKeys(s.templates) {
		o := s.templates[other]
		if other == name || o.priority != t.priority {
			continue
		}
		for _, p := range t.patterns {
			if slices.ContainsFunc(o.patterns, func(q string) bool { return globsIntersect(p, q) }) {
				names = append(names, other)
				overlaps = append(overlaps, other+" => ["+strings.Join(o.patterns, ", ")+"]")
				break
			}
		}
	}
	if len(names) == 0 {
		return nil
	}
	return illegalArgument("index template [%s] has index patterns [%s] matching patterns from existing templates [%s] "+
		"with patterns (%s) that have the same priority [%s], multiple index templates may not match during index creation, "+
		"please use a different priority", name, strings.Join(t.patterns, ", "), strings.Join(names, ","),
		strings.Join(overlaps, ","), strconv.FormatFloat(t.priority, 'f', -1, 64))
}

func (s *Server) getTemplate(name string) (int, any, *esError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []any
	for _, tname := range sortedKeys(s.templates) {
		if name == "" || globMatch(name, tname) {
			body, _ := marshal(s.templates[tname].body)
			out = append(out, object{{"name", tname}, {"index_template", json.RawMessage(body)}})
		}
	}
	if len(out) == 0 && name != "" {
		return 0, nil, newError(http.StatusNotFound, "resource_not_found_exception", "index template matching [%s] not found", name)
	}
	if out == nil {
		out = []any{}
	}
	return http.StatusOK, object{{"index_templates", out}}, nil
}

// writeParams reads the parameters of a document write; the ones that ask
// for behaviour this server does not model are refused.
func writeParams(q url.Values) (requireAlias bool, e *esError) {
	for _, p := range []string{"if_seq_no", "if_primary_term", "version", "version_type", "pipeline"} {
		if q.Has(p) {
			return false, unsupported("write parameter [%s] is not supported", p)
		}
	}
	return boolParam(q, "require_alias", false)
}

func requireAliasError(name string) *esError {
	return indexNotFoundReason(fmt.Sprintf(
		"no such index [%s] and [require_alias] request flag is [true] and [%s] is not an alias", name, name), name)
}

func versionConflict(idx *index, existing *doc) *esError {
	e := newError(http.StatusConflict, "version_conflict_engine_exception",
		"[%s]: version conflict, document already exists (current version [%d])", existing.id, existing.version)
	e.meta = object{{"index_uuid", idx.uuid}, {"shard", "0"}, {"index", idx.name}}
	return e
}

func sourceError(err error) *esError {
	return newError(http.StatusBadRequest, "document_parsing_exception", "[1:1] failed to parse: %v", err)
}

// compactSource validates a document source and returns it compacted, the
// way it is stored and served.
func compactSource(data []byte) ([]byte, map[string]any, error) {
	src, err := decodeObject(data)
	if err != nil {
		return nil, nil, err
	}
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		return nil, nil, err
	}
	return b.Bytes(), src, nil
}

// writeResult is the body of a successful write, alone (single document
// APIs) or inside a bulk item.
func writeResult(d *doc) object {
	result := "created"
	if d.version > 1 {
		result = "updated"
	}
	return object{
		{"_index", d.index}, {"_id", d.id}, {"_version", d.version}, {"result", result},
		{"_shards", object{{"total", 2}, {"successful", 1}, {"failed", 0}}},
		{"_seq_no", d.seqNo}, {"_primary_term", 1},
	}
}

func writeStatus(d *doc) int {
	if d.version > 1 {
		return http.StatusOK
	}
	return http.StatusCreated
}

// writeDoc serves PUT/POST /<index>/_doc[/<id>] and /<index>/_create/<id>.
func (s *Server) writeDoc(c *call, name, id string, create bool) (int, any, *esError) {
	requireAlias, e := writeParams(c.query)
	if e != nil {
		return 0, nil, e
	}
	switch op := c.query.Get("op_type"); op {
	case "", "index":
	case "create":
		create = true
	default:
		return 0, nil, illegalArgument("opType must be 'create' or 'index', found: [%s]", op)
	}
	if requireAlias {
		return 0, nil, requireAliasError(name)
	}
	if e := validateIndexName(name); e != nil {
		return 0, nil, e
	}
	raw, src, err := compactSource(c.body)
	if err != nil {
		return 0, nil, sourceError(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	idx := s.ensureIndex(name)
	if id == "" {
		id = idx.nextAutoID()
	}
	d, existing := s.put(idx, id, raw, src, create)
	if existing != nil {
		return 0, nil, versionConflict(idx, existing)
	}
	return writeStatus(d), writeResult(d), nil
}

func (s *Server) getDoc(name, id string) (int, any, *esError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	idx := s.indices[name]
	if idx == nil {
		return 0, nil, indexNotFound(name)
	}
	i, ok := idx.pos[id]
	if !ok {
		return http.StatusNotFound, object{{"_index", name}, {"_id", id}, {"found", false}}, nil
	}
	d := idx.docs[i]
	return http.StatusOK, object{
		{"_index", name}, {"_id", id}, {"_version", d.version}, {"_seq_no", d.seqNo},
		{"_primary_term", 1}, {"found", true}, {"_source", json.RawMessage(d.raw)},
	}, nil
}

// bulkItem is one parsed action of a _bulk body.
type bulkItem struct {
	action       string // create or index
	index        string
	id           string
	requireAlias bool
	source       []byte
}

// bulkMetaIgnored are action metadata keys accepted without effect here.
var bulkMetaIgnored = map[string]bool{"routing": true, "dynamic_templates": true}

// parseBulk splits an NDJSON _bulk body into its items. Syntax errors fail
// the whole request, as in Elasticsearch; errors of a single document are
// left for the item.
func parseBulk(body []byte, defIndex string, defRequireAlias bool) ([]bulkItem, *esError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, newError(http.StatusBadRequest, "action_request_validation_exception",
			"Validation Failed: 1: no requests added;")
	}
	if !bytes.HasSuffix(body, []byte("\n")) {
		return nil, illegalArgument(`The bulk request must be terminated by a newline [\n]`)
	}
	lines := bytes.Split(body[:len(body)-1], []byte("\n"))
	var items []bulkItem
	var missing []string
	for i := 0; i < len(lines); i++ {
		lineNo := i + 1
		if len(bytes.TrimSpace(lines[i])) == 0 {
			continue
		}
		action, err := decodeObject(lines[i])
		if err != nil || len(action) != 1 {
			return nil, illegalArgument("Malformed action/metadata line [%d], expected a JSON object with a single action", lineNo)
		}
		var it bulkItem
		var meta any
		for k, v := range action {
			it.action, meta = k, v
		}
		switch it.action {
		case "create", "index":
		case "update", "delete":
			return nil, unsupported("bulk action [%s] is not supported", it.action)
		default:
			return nil, illegalArgument("Malformed action/metadata line [%d], expected field [create], [delete], [index] or [update] but found [%s]", lineNo, it.action)
		}
		m, ok := meta.(map[string]any)
		if !ok {
			return nil, illegalArgument("Malformed action/metadata line [%d], expected START_OBJECT but found [%s]", lineNo, toString(meta))
		}
		it.index, it.requireAlias = defIndex, defRequireAlias
		for k, v := range m {
			switch {
			case k == "_index" || k == "_id":
				str, ok := v.(string)
				if !ok {
					return nil, illegalArgument("Action/metadata line [%d] field [%s] must be a string", lineNo, k)
				}
				if k == "_index" {
					it.index = str
				} else {
					it.id = str
				}
			case k == "require_alias":
				b, ok := v.(bool)
				if !ok {
					return nil, illegalArgument("Action/metadata line [%d] field [require_alias] must be a boolean", lineNo)
				}
				it.requireAlias = b
			case bulkMetaIgnored[k]:
			case k == "if_seq_no" || k == "if_primary_term" || k == "version" || k == "version_type" || k == "pipeline":
				return nil, unsupported("bulk metadata [%s] is not supported", k)
			default:
				return nil, illegalArgument("Action/metadata line [%d] contains an unknown parameter [%s]", lineNo, k)
			}
		}
		i++
		if i >= len(lines) {
			return nil, illegalArgument("Malformed bulk request: the action on line [%d] has no source line", lineNo)
		}
		it.source = lines[i]
		if it.index == "" {
			missing = append(missing, fmt.Sprintf("%d: index is missing;", len(missing)+1))
		}
		items = append(items, it)
	}
	if len(missing) > 0 {
		return nil, newError(http.StatusBadRequest, "action_request_validation_exception",
			"Validation Failed: %s", strings.Join(missing, ""))
	}
	return items, nil
}

// bulk serves _bulk. Items succeed or fail one by one; the response is 200
// with "errors" telling whether any failed, as in Elasticsearch.
func (s *Server) bulk(c *call, defIndex string) (int, any, *esError) {
	requireAlias, e := writeParams(c.query)
	if e != nil {
		return 0, nil, e
	}
	items, e := parseBulk(c.body, defIndex, requireAlias)
	if e != nil {
		return 0, nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]any, len(items))
	failed := false
	for i, it := range items {
		res := s.bulkItem(it)
		if res.err != nil {
			failed = true
			var id any
			if res.id != "" {
				id = res.id
			}
			out[i] = object{{it.action, object{{"_index", it.index}, {"_id", id}, {"status", res.err.status}, {"error", res.err.fields()}}}}
			continue
		}
		out[i] = object{{it.action, append(writeResult(res.doc), member{"status", writeStatus(res.doc)})}}
	}
	return http.StatusOK, object{{"errors", failed}, {"took", c.took()}, {"items", out}}, nil
}

type bulkResult struct {
	id  string
	doc *doc
	err *esError
}

// bulkItem applies one item. Callers hold s.mu; FailBulkItems matchers run
// under it.
func (s *Server) bulkItem(it bulkItem) bulkResult {
	if it.requireAlias {
		return bulkResult{id: it.id, err: requireAliasError(it.index)}
	}
	if e := validateIndexName(it.index); e != nil {
		return bulkResult{id: it.id, err: e}
	}
	raw, src, err := compactSource(it.source)
	if err != nil {
		return bulkResult{id: it.id, err: sourceError(err)}
	}
	idx := s.ensureIndex(it.index)
	id := it.id
	if id == "" {
		id = idx.nextAutoID()
	}
	for _, f := range s.itemFaults {
		if f.match(id) {
			return bulkResult{id: id, err: injectedItemError(f.status)}
		}
	}
	d, existing := s.put(idx, id, raw, src, it.action == "create")
	if existing != nil {
		return bulkResult{id: id, err: versionConflict(idx, existing)}
	}
	return bulkResult{id: id, doc: d}
}
