package eventgen

import "time"

// Elastic Defend writes one data stream per event category, with the
// event's time at 100 ns in @timestamp and event.created, a per-host
// event.sequence, and an event.id that shares a per-host prefix.

// defendStream is the constant text of one Defend data stream's documents.
type defendStream struct {
	index string
	open  string // from data_stream to the event's action
	mid   string // from the action to event.created
	ds    string // from event.created to event.id
}

func newDefendStream(category string) defendStream {
	dataset := "endpoint.events." + category
	return defendStream{
		index: "logs-" + dataset + "-default",
		open:  `"data_stream":{"dataset":"` + dataset + `","namespace":"default","type":"logs"},"ecs":{"version":"8.11.0"},"event":{"action":"`,
		mid:   `","agent_id_status":"verified","category":["` + category + `"],"created":"`,
		ds:    `","dataset":"` + dataset + `","id":"`,
	}
}

var (
	defendFiles     = newDefendStream("file")
	defendProcesses = newDefendStream("process")
	defendNetworks  = newDefendStream("network")

	defendFileActions = [...]string{create: "creation", modify: "modification", overwrite: "overwrite", remove: "deletion"}
	defendFileTypes   = [...]string{create: "creation", modify: "change", overwrite: "change", remove: "deletion"}
)

// defendEvent appends the document's opening up to and including the event
// object, and a comma.
func (g *Generator) defendEvent(b []byte, h *host, t time.Time, s *defendStream, action, typ string) []byte {
	b = append(b, `{"@timestamp":"`...)
	b = append100ns(b, t)
	b = append(b, `",`...)
	b = append(b, h.head...)
	b = append(b, s.open...)
	b = append(b, action...)
	b = append(b, s.mid...)
	b = append100ns(b, t)
	b = append(b, s.ds...)
	h.seq++
	b = append(b, h.idPrefix...)
	b = appendPadded(b, uint64(h.seq), 8, base64s)
	b = append(b, `","ingested":"`...)
	b = appendRFC3339(b, g.ingested(t))
	if h.os == windows {
		b = append(b, `","kind":"event","module":"endpoint","outcome":"success","sequence":`...)
	} else {
		b = append(b, `","kind":"event","module":"endpoint","outcome":"unknown","sequence":`...)
	}
	b = appendInt(b, h.seq)
	b = append(b, `,"type":["`...)
	b = append(b, typ...)
	return append(b, `"]},`...)
}

func (g *Generator) defendFile(t time.Time) string {
	op := &g.op
	h := op.h
	p := &h.cat.procs[op.proc]
	b := g.defendEvent(g.buf, h, t, &defendFiles, defendFileActions[op.act], defendFileTypes[op.act])
	b = append(b, `"file":{`...)
	if h.os == windows && op.act != remove && g.executable() {
		b = append(b, `"Ext":{"header_bytes":"4d5a90000300000004000000ffff0000","windows":{"zone_identifier":-1}},`...)
	}
	b = g.appendFileFields(b, h, false)
	if op.act != remove {
		b = append(b, `,"size":`...)
		b = appendInt(b, g.fileSize())
	}
	b = append(b, `},`...)
	b = append(b, h.body...)
	b = append(b, `,"process":{`...)
	b = appendCodeSignature(b, p)
	b = append(b, `"entity_id":"`...)
	b = append(b, h.procs[op.proc].entity...)
	b = append(b, `","executable":"`...)
	b = append(b, p.exe...)
	b = append(b, `","name":"`...)
	b = append(b, p.name...)
	b = append(b, `","pid":`...)
	b = appendInt(b, h.procs[op.proc].pid)
	b = append(b, `},`...)
	b = append(b, h.users[p.acct]...)
	g.buf = append(b, '}')
	return defendFiles.index
}

// appendFileFields appends file.directory (when directory is set; Defend
// does not write it), extension, name and path from g.dir and g.name,
// without braces.
func (g *Generator) appendFileFields(b []byte, h *host, directory bool) []byte {
	if directory {
		b = append(b, `"directory":"`...)
		b = append(b, g.dir...)
		b = append(b, `",`...)
	}
	if ext := g.extension(); ext != nil {
		b = append(b, `"extension":"`...)
		b = append(b, ext...)
		b = append(b, `",`...)
	}
	b = append(b, `"name":"`...)
	b = append(b, g.name...)
	b = append(b, `","path":"`...)
	b = g.appendFilePath(b, h)
	return append(b, '"')
}

func (g *Generator) appendFilePath(b []byte, h *host) []byte {
	b = append(b, g.dir...)
	if len(g.dir) == 0 || g.dir[len(g.dir)-1] != h.cat.sep[len(h.cat.sep)-1] {
		b = append(b, h.cat.sep...)
	}
	return append(b, g.name...)
}

func (g *Generator) defendProcess(t time.Time, h *host, pidx int, c started) string {
	p := &h.cat.procs[pidx]
	action := "start"
	if h.os != windows {
		action = "exec"
	}
	b := g.defendEvent(g.buf, h, t, &defendProcesses, action, "start")
	b = append(b, h.body...)
	b = append(b, `,"process":{`...)
	b = g.appendArgs(b, p)
	b = append(b, ',')
	b = appendCodeSignature(b, p)
	b = g.appendStartedProcess(b, h, p, true)
	b = append(b, `"pid":`...)
	b = appendInt(b, c.pid)
	b = append(b, `},`...)
	b = append(b, h.users[p.acct]...)
	g.buf = append(b, '}')
	return defendProcesses.index
}

func (g *Generator) defendNetwork(t time.Time, h *host, n *netTmpl) string {
	p := &h.cat.procs[n.proc]
	action, direction := "connection_attempted", "egress"
	if n.in {
		action, direction = "connection_accepted", "ingress"
	}
	remote := g.remoteIP(n)
	local := g.ephemeralPort(h)
	b := g.defendEvent(g.buf, h, t, &defendNetworks, action, "start")
	if n.in {
		b = appendAddress(b, `"destination":`, h.ip, n.port)
	} else {
		b = appendAddress(b, `"destination":`, remote, n.port)
	}
	b = append(b, ',')
	b = append(b, h.body...)
	b = append(b, `,"network":{"direction":"`...)
	b = append(b, direction...)
	b = append(b, `","transport":"`...)
	b = append(b, n.transport...)
	b = append(b, `","type":"ipv4"},"process":{"entity_id":"`...)
	b = append(b, h.procs[n.proc].entity...)
	b = append(b, `","executable":"`...)
	b = append(b, p.exe...)
	b = append(b, `","name":"`...)
	b = append(b, p.name...)
	b = append(b, `","pid":`...)
	b = appendInt(b, h.procs[n.proc].pid)
	b = append(b, `},`...)
	if n.in {
		b = appendAddress(b, `"source":`, remote, local)
	} else {
		b = appendAddress(b, `"source":`, h.ip, local)
	}
	b = append(b, ',')
	b = append(b, h.users[p.acct]...)
	g.buf = append(b, '}')
	return defendNetworks.index
}

// appendCodeSignature appends a signed process's code_signature and a comma.
func appendCodeSignature(b []byte, p *proc) []byte {
	if p.signer == "" {
		return b
	}
	b = append(b, `"code_signature":{"subject_name":"`...)
	b = append(b, p.signer...)
	return append(b, `","trusted":true},`...)
}

// appendAddress appends key and an {address, ip, port} object.
func appendAddress[T string | []byte](b []byte, key string, ip T, port int64) []byte {
	b = append(b, key...)
	b = append(b, `{"address":"`...)
	b = append(b, ip...)
	b = append(b, `","ip":"`...)
	b = append(b, ip...)
	b = append(b, `","port":`...)
	b = appendInt(b, port)
	return append(b, '}')
}

// remoteIP fills g.dir with an address in n's remote range and returns it.
func (g *Generator) remoteIP(n *netTmpl) []byte {
	b := append(g.dir[:0], n.remote...)
	for i := n.octets; i > 0; i-- {
		b = appendInt(b, int64(1+g.intn(254)))
		if i > 1 {
			b = append(b, '.')
		}
	}
	g.dir = b
	return b
}

// ephemeralPort is a local port from the host's dynamic range.
func (g *Generator) ephemeralPort(h *host) int64 {
	if h.os == windows {
		return int64(49152 + g.intn(16384))
	}
	return int64(32768 + g.intn(28232))
}

// appendStartedProcess writes the fields every shipper gives a started
// process, from its command line to its parent, leaving the object open
// after a trailing comma. Endgame names the parent without its executable.
func (g *Generator) appendStartedProcess(b []byte, h *host, p *proc, parentExe bool) []byte {
	b = append(b, `"command_line":"`...)
	b = g.appendCommandLine(b, p)
	b = append(b, `","entity_id":"`...)
	b = append(b, g.entity...)
	b = append(b, `","executable":"`...)
	b = append(b, p.exe...)
	b = append(b, `","name":"`...)
	b = append(b, p.name...)
	b = append(b, `",`...)
	if p.parent >= 0 {
		b = append(b, `"parent":{"entity_id":"`...)
		b = append(b, h.procs[p.parent].entity...)
		if parentExe {
			b = append(b, `","executable":"`...)
			b = append(b, h.cat.procs[p.parent].exe...)
		}
		b = append(b, `","name":"`...)
		b = append(b, h.cat.procs[p.parent].name...)
		b = append(b, `","pid":`...)
		b = appendInt(b, h.procs[p.parent].pid)
		b = append(b, `},`...)
	}
	return b
}
