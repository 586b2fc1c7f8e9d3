package eventgen

import "time"

// Sysmon events come through the Windows integration (Elastic Agent's
// winlog input and the sysmon_operational pipeline): @timestamp is Sysmon's
// UtcTime in milliseconds, event.created when the event was logged, the
// event's data under winlog.event_data, and winlog.record_id counts the
// host's Sysmon channel.

const sysmonIndex = "logs-windows.sysmon_operational-default"

// sysmonEvent appends the document's opening up to and including the event
// object, and a comma. types is the inside of event.type's array, quoted.
func (g *Generator) sysmonEvent(b []byte, h *host, t time.Time, action, category, code, types string) []byte {
	created := t.Add(5*time.Millisecond + time.Duration(g.rng.Int64N(int64(1200*time.Millisecond))))
	b = append(b, `{"@timestamp":"`...)
	b = appendMillis(b, t)
	b = append(b, `",`...)
	b = append(b, h.head...)
	b = append(b, `"data_stream":{"dataset":"windows.sysmon_operational","namespace":"default","type":"logs"},"ecs":{"version":"8.11.0"},"event":{"action":"`...)
	b = append(b, action...)
	b = append(b, `","agent_id_status":"verified","category":["`...)
	b = append(b, category...)
	b = append(b, `"],"code":"`...)
	b = append(b, code...)
	b = append(b, `","created":"`...)
	b = appendMillis(b, created)
	b = append(b, `","dataset":"windows.sysmon_operational","ingested":"`...)
	b = appendRFC3339(b, g.ingested(created))
	b = append(b, `","kind":"event","module":"sysmon","provider":"Microsoft-Windows-Sysmon","type":[`...)
	b = append(b, types...)
	return append(b, `]},`...)
}

// sysmonProcessRef appends the process object of file and network events.
func sysmonProcessRef(b []byte, h *host, pidx int) []byte {
	p := &h.cat.procs[pidx]
	b = append(b, `"process":{"entity_id":"`...)
	b = append(b, h.procs[pidx].entity...)
	b = append(b, `","executable":"`...)
	b = append(b, p.exe...)
	b = append(b, `","name":"`...)
	b = append(b, p.name...)
	b = append(b, `","pid":`...)
	b = appendInt(b, h.procs[pidx].pid)
	return append(b, `},`...)
}

// sysmonWinlog closes the event data and appends the rest of the winlog
// object and the document.
func sysmonWinlog(b []byte, h *host, eventID string, version byte) []byte {
	b = append(b, `},"event_id":"`...)
	b = append(b, eventID...)
	b = append(b, `",`...)
	b = append(b, h.winlogMid...)
	h.seq++
	b = appendInt(b, h.seq)
	b = append(b, `","user":{"domain":"NT AUTHORITY","identifier":"S-1-5-18","name":"SYSTEM","type":"User"},"version":`...)
	b = append(b, version)
	return append(b, `}}`...)
}

func (g *Generator) sysmonFile(t time.Time) string {
	op := &g.op
	h := op.h
	p := &h.cat.procs[op.proc]
	// Sysmon logs a file created or overwritten as event 11, a deletion as
	// 23 when it archives the file and 26 when it only logs it.
	code := "11"
	var b []byte
	switch {
	case op.act != remove:
		b = g.sysmonEvent(g.buf, h, t, "File created (rule: FileCreate)", "file", code, `"creation"`)
	case g.chance(0.5):
		code = "23"
		b = g.sysmonEvent(g.buf, h, t, "File Delete archived (rule: FileDelete)", "file", code, `"deletion"`)
	default:
		code = "26"
		b = g.sysmonEvent(g.buf, h, t, "File Delete logged (rule: FileDeleteDetected)", "file", code, `"deletion"`)
	}
	b = append(b, `"file":{`...)
	b = g.appendFileFields(b, h, true)
	b = append(b, `},`...)
	b = append(b, h.body...)
	b = append(b, `,"log":{"level":"information"},`...)
	b = sysmonProcessRef(b, h, op.proc)
	isExe := "false"
	if g.executable() {
		isExe = "true"
	}
	if code == "23" {
		b = append(b, `"sysmon":{"file":{"archived":true,"is_executable":`...)
		b = append(b, isExe...)
		b = append(b, `}},`...)
	}
	b = append(b, h.users[p.acct]...)
	b = append(b, ',')
	b = append(b, h.winlogOpen...)
	switch code {
	case "23":
		b = append(b, `"Archived":"true","IsExecutable":"`...)
		b = append(b, isExe...)
		b = append(b, `",`...)
	case "26":
		b = append(b, `"IsExecutable":"`...)
		b = append(b, isExe...)
		b = append(b, `",`...)
	}
	b = append(b, `"RuleName":"-","User":"`...)
	b = append(b, h.userAlt[p.acct]...)
	b = append(b, '"')
	if code == "11" {
		g.buf = sysmonWinlog(b, h, code, '2')
	} else {
		g.buf = sysmonWinlog(b, h, code, '5')
	}
	return sysmonIndex
}

func (g *Generator) sysmonProcess(t time.Time, h *host, pidx int, c started) string {
	p := &h.cat.procs[pidx]
	b := g.sysmonEvent(g.buf, h, t, "Process Create (rule: ProcessCreate)", "process", "1", `"start"`)
	b = append(b, h.body...)
	b = append(b, `,"log":{"level":"information"},"process":{`...)
	b = g.appendArgs(b, p)
	b = append(b, ',')
	b = g.appendStartedProcess(b, h, p, true)
	b = append(b, `"pid":`...)
	b = appendInt(b, c.pid)
	b = append(b, `,"working_directory":"C:\\Windows\\system32\\"},`...)
	b = append(b, h.users[p.acct]...)
	b = append(b, ',')
	b = append(b, h.winlogOpen...)
	if p.acct == acctUser {
		b = append(b, `"IntegrityLevel":"Medium","LogonId":"0x`...)
		b = appendPadded(b, uint64(h.seq>>8&0xfffff), 6, lowerHex)
		b = append(b, `","RuleName":"-","TerminalSessionId":"1","User":"`...)
	} else {
		b = append(b, `"IntegrityLevel":"System","LogonId":"0x3e7","RuleName":"-","TerminalSessionId":"0","User":"`...)
	}
	b = append(b, h.userAlt[p.acct]...)
	b = append(b, '"')
	g.buf = sysmonWinlog(b, h, "1", '5')
	return sysmonIndex
}

func (g *Generator) sysmonNetwork(t time.Time, h *host, n *netTmpl) string {
	p := &h.cat.procs[n.proc]
	remote := g.remoteIP(n)
	b := g.sysmonEvent(g.buf, h, t, "Network connection detected (rule: NetworkConnect)", "network", "3", `"start","connection","protocol"`)
	b = append(b, `"destination":{"ip":"`...)
	b = append(b, remote...)
	b = append(b, `","port":`...)
	b = appendInt(b, n.port)
	b = append(b, `},`...)
	b = append(b, h.body...)
	b = append(b, `,"log":{"level":"information"},"network":{"direction":"egress","transport":"`...)
	b = append(b, n.transport...)
	b = append(b, `","type":"ipv4"},`...)
	b = sysmonProcessRef(b, h, n.proc)
	b = append(b, `"source":{"ip":"`...)
	b = append(b, h.ip...)
	b = append(b, `","port":`...)
	b = appendInt(b, g.ephemeralPort(h))
	b = append(b, `},`...)
	b = append(b, h.users[p.acct]...)
	b = append(b, ',')
	b = append(b, h.winlogOpen...)
	b = append(b, `"DestinationIsIpv6":"false","Initiated":"true","RuleName":"-","SourceIsIpv6":"false","User":"`...)
	b = append(b, h.userAlt[p.acct]...)
	b = append(b, '"')
	g.buf = sysmonWinlog(b, h, "3", '5')
	return sysmonIndex
}
