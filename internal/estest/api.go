package estest

// AddEvents stores sources in index (created if missing) with generated ids
// "<index>-<n>", which it returns in order. Call it from the test goroutine:
// a source that does not encode as JSON, or an invalid index name, fails the
// test.
func (s *Server) AddEvents(index string, sources ...map[string]any) []string {
	s.tb.Helper()
	raws := s.encodeSources("AddEvents", index, sources)
	s.mu.Lock()
	defer s.mu.Unlock()
	idx := s.ensureIndex(index)
	ids := make([]string, len(raws))
	for i, r := range raws {
		ids[i] = idx.nextAutoID()
		s.put(idx, ids[i], r.raw, r.src, false)
	}
	return ids
}

// AddDoc stores (or replaces) the document id in index, created if missing.
func (s *Server) AddDoc(index, id string, source map[string]any) {
	s.tb.Helper()
	r := s.encodeSources("AddDoc", index, []map[string]any{source})[0]
	s.mu.Lock()
	defer s.mu.Unlock()
	s.put(s.ensureIndex(index), id, r.raw, r.src, false)
}

type encoded struct {
	raw []byte
	src map[string]any
}

// encodeSources turns test-supplied sources into what a write over HTTP
// would store, so both paths behave alike (numbers become float64, times
// their JSON form).
func (s *Server) encodeSources(op, index string, sources []map[string]any) []encoded {
	s.tb.Helper()
	if e := validateIndexName(index); e != nil {
		s.tb.Fatalf("estest: %s: %s", op, e.reason)
	}
	out := make([]encoded, len(sources))
	for i, src := range sources {
		if src == nil {
			src = map[string]any{}
		}
		data, err := marshal(src)
		if err != nil {
			s.tb.Fatalf("estest: %s: source %d of %s: %v", op, i, index, err)
		}
		raw, decoded, err := compactSource(data)
		if err != nil {
			s.tb.Fatalf("estest: %s: source %d of %s: %v", op, i, index, err)
		}
		out[i] = encoded{raw: raw, src: decoded}
	}
	return out
}

// Docs returns copies of the documents of index in insertion order (an
// update keeps its place); nil if the index does not exist.
func (s *Server) Docs(index string) []Doc {
	s.mu.Lock()
	defer s.mu.Unlock()
	idx := s.indices[index]
	if idx == nil {
		return nil
	}
	out := make([]Doc, len(idx.docs))
	for i, d := range idx.docs {
		out[i] = d.public()
	}
	return out
}

// CreateIndex creates an empty index, as PUT /<name> does; an existing index
// is left alone. An invalid name fails the test.
func (s *Server) CreateIndex(name string) {
	s.tb.Helper()
	if e := validateIndexName(name); e != nil {
		s.tb.Fatalf("estest: CreateIndex: %s", e.reason)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ensureIndex(name)
}

// Indices lists the existing indices, sorted.
func (s *Server) Indices() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.indices)
}

// Template returns a copy of the body stored by PUT /_index_template/<name>,
// or nil.
func (s *Server) Template(name string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.templates[name]
	if t == nil {
		return nil
	}
	data, _ := marshal(t.body)
	body, _ := decodeObject(data)
	return body
}

// IndexTemplateOf names the index template whose pattern matched index when
// it was created ("" when none did, or the index does not exist). Templates
// are recorded, not applied: settings and mappings have no effect here.
func (s *Server) IndexTemplateOf(index string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if idx := s.indices[index]; idx != nil {
		return idx.template
	}
	return ""
}
