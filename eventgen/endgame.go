package eventgen

import "time"

// Endgame writes its own endgame.* fields next to ECS ones of ECS 1.5:
// event.category and event.type are strings, @timestamp is epoch
// milliseconds, and there is no data stream. Nothing sets event.ingested on
// the way into endgame-* indices, so it is absent, as in real Endgame
// documents: readers fall back to @timestamp.

const endgameIndex = "endgame-3.61.0-000017"

var (
	endgameFileSubtypes = [...]string{create: "file_create_event", modify: "file_modify_event", overwrite: "file_modify_event", remove: "file_delete_event"}
	endgameFileTypes    = [...]string{create: "creation", modify: "change", overwrite: "change", remove: "deletion"}
	endgameFileOpcodes  = [...]byte{create: '0', modify: '1', overwrite: '1', remove: '2'}
)

// endgameOpen appends the document's opening up to the endgame object's
// first field.
func endgameOpen(b []byte, h *host, t time.Time) []byte {
	b = append(b, `{"@timestamp":`...)
	b = appendInt(b, t.UnixMilli())
	b = append(b, ',')
	b = append(b, h.head...)
	return append(b, `"ecs":{"version":"1.5.0"},"endgame":{`...)
}

// endgameClose appends the endgame object's last fields and the event
// object, with a comma.
func endgameClose(b []byte, h *host, acct account, action, category, typ string) []byte {
	h.seq++
	b = append(b, `"serial_event_id":`...)
	b = appendInt(b, h.seq)
	b = append(b, ',')
	b = append(b, h.userAlt[acct]...)
	b = append(b, `},"event":{"action":"`...)
	b = append(b, action...)
	b = append(b, `","category":"`...)
	b = append(b, category...)
	b = append(b, `","dataset":"esensor","kind":"event","module":"endgame","type":"`...)
	b = append(b, typ...)
	return append(b, `"},`...)
}

func (g *Generator) endgameFile(t time.Time) string {
	op := &g.op
	h := op.h
	p := &h.cat.procs[op.proc]
	pi := &h.procs[op.proc]
	b := endgameOpen(g.buf, h, t)
	b = append(b, `"event_subtype_full":"`...)
	b = append(b, endgameFileSubtypes[op.act]...)
	b = append(b, `","event_type_full":"file_event","file_name":"`...)
	b = append(b, g.name...)
	b = append(b, `","file_path":"`...)
	b = g.appendFilePath(b, h)
	b = append(b, `","opcode":`...)
	b = append(b, endgameFileOpcodes[op.act])
	b = append(b, `,"pid":`...)
	b = appendInt(b, pi.pid)
	b = append(b, `,"process_name":"`...)
	b = append(b, p.name...)
	b = append(b, `","unique_pid":`...)
	b = appendInt(b, pi.unique)
	b = append(b, ',')
	b = endgameClose(b, h, p.acct, endgameFileSubtypes[op.act], "file", endgameFileTypes[op.act])
	b = append(b, `"file":{`...)
	if ext := g.extension(); ext != nil {
		b = append(b, `"extension":"`...)
		b = append(b, ext...)
		b = append(b, `",`...)
	}
	b = append(b, `"name":"`...)
	b = append(b, g.name...)
	b = append(b, `","path":"`...)
	b = g.appendFilePath(b, h)
	b = append(b, `"},`...)
	b = append(b, h.body...)
	b = append(b, `,"process":{"entity_id":"`...)
	b = append(b, pi.entity...)
	b = append(b, `","name":"`...)
	b = append(b, p.name...)
	b = append(b, `","pid":`...)
	b = appendInt(b, pi.pid)
	b = append(b, `},`...)
	b = append(b, h.users[p.acct]...)
	g.buf = append(b, '}')
	return endgameIndex
}

func (g *Generator) endgameProcess(t time.Time, h *host, pidx int, c started) string {
	p := &h.cat.procs[pidx]
	b := endgameOpen(g.buf, h, t)
	b = append(b, `"command_line":"`...)
	b = g.appendCommandLine(b, p)
	b = append(b, `","event_subtype_full":"creation_event","event_type_full":"process_event","opcode":1,`...)
	if p.parent >= 0 {
		b = append(b, `"parent_process_name":"`...)
		b = append(b, h.cat.procs[p.parent].name...)
		b = append(b, `",`...)
	}
	b = append(b, `"pid":`...)
	b = appendInt(b, c.pid)
	if p.parent >= 0 {
		b = append(b, `,"ppid":`...)
		b = appendInt(b, h.procs[p.parent].pid)
	}
	b = append(b, `,"process_name":"`...)
	b = append(b, p.name...)
	b = append(b, `","process_path":"`...)
	b = append(b, p.exe...)
	b = append(b, `","unique_pid":`...)
	b = appendInt(b, c.unique)
	if p.parent >= 0 {
		b = append(b, `,"unique_ppid":`...)
		b = appendInt(b, h.procs[p.parent].unique)
	}
	b = append(b, ',')
	b = endgameClose(b, h, p.acct, "creation_event", "process", "start")
	b = append(b, h.body...)
	b = append(b, `,"process":{`...)
	b = g.appendArgs(b, p)
	b = append(b, ',')
	b = g.appendStartedProcess(b, h, p, false)
	b = append(b, `"pid":`...)
	b = appendInt(b, c.pid)
	b = append(b, `},`...)
	b = append(b, h.users[p.acct]...)
	g.buf = append(b, '}')
	return endgameIndex
}

func (g *Generator) endgameNetwork(t time.Time, h *host, n *netTmpl) string {
	p := &h.cat.procs[n.proc]
	pi := &h.procs[n.proc]
	remote := g.remoteIP(n)
	local := g.ephemeralPort(h)
	protocol := "6"
	if n.transport == "udp" {
		protocol = "17"
	}
	b := endgameOpen(g.buf, h, t)
	b = append(b, `"destination_address":"`...)
	b = append(b, remote...)
	b = append(b, `","destination_port":`...)
	b = appendInt(b, n.port)
	b = append(b, `,"event_subtype_full":"ipv4_connection_attempt_event","event_type_full":"network_event","opcode":12,"pid":`...)
	b = appendInt(b, pi.pid)
	b = append(b, `,"process_name":"`...)
	b = append(b, p.name...)
	b = append(b, `","process_path":"`...)
	b = append(b, p.exe...)
	b = append(b, `","protocol":`...)
	b = append(b, protocol...)
	b = append(b, `,"source_address":"`...)
	b = append(b, h.ip...)
	b = append(b, `","source_port":`...)
	b = appendInt(b, local)
	b = append(b, `,"unique_pid":`...)
	b = appendInt(b, pi.unique)
	b = append(b, ',')
	b = endgameClose(b, h, p.acct, "ipv4_connection_attempt_event", "network", "start")
	b = append(b, `"destination":{"ip":"`...)
	b = append(b, remote...)
	b = append(b, `","port":`...)
	b = appendInt(b, n.port)
	b = append(b, `},`...)
	b = append(b, h.body...)
	b = append(b, `,"network":{"direction":"outgoing","transport":"`...)
	b = append(b, n.transport...)
	b = append(b, `"},"process":{"entity_id":"`...)
	b = append(b, pi.entity...)
	b = append(b, `","executable":"`...)
	b = append(b, p.exe...)
	b = append(b, `","name":"`...)
	b = append(b, p.name...)
	b = append(b, `","pid":`...)
	b = appendInt(b, pi.pid)
	b = append(b, `},"source":{"ip":"`...)
	b = append(b, h.ip...)
	b = append(b, `","port":`...)
	b = appendInt(b, local)
	b = append(b, `},`...)
	b = append(b, h.users[p.acct]...)
	g.buf = append(b, '}')
	return endgameIndex
}
