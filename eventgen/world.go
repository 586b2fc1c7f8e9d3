package eventgen

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// catalog is tables.go for one operating system, escaped and indexed.
type catalog struct {
	sep   string // the path separator, escaped
	procs []proc
	// Processes by the events they may appear in, as indices into procs.
	starters  []int // benign process starts (ordinary, and now and then a critical one)
	critical  []int // the rule's nine, under their usual names
	tpWriters []int // critical and variant
	files     []fileTmpl
	nets      []netTmpl
}

type proc struct {
	name, exe string // escaped
	args      []string
	cmdExe    string // exe as a command line starts: quoted when it holds a space
	parent    int    // index in procs; -1 for none
	acct      account
	signer    string
	role      role
}

// pathTmpl is an escaped directory template: pre, then the host's user when
// user is set, then post.
type pathTmpl struct {
	pre, post string
	user      bool
}

type fileTmpl struct {
	proc  int
	dir   pathTmpl
	names []string
}

type netTmpl struct {
	proc      int
	remote    string // the address's first octets, with a trailing dot
	octets    int    // how many octets follow remote
	port      int64
	transport string
	in        bool
}

var catalogs = buildCatalogs()

func buildCatalogs() [numOS]*catalog {
	var cs [numOS]*catalog
	for o := range numOS {
		c := &catalog{sep: "/"}
		if o == windows {
			c.sep = `\\`
		}
		byName := byNames(procSpecs[o])
		for i, s := range procSpecs[o] {
			p := proc{name: esc(s.name), exe: esc(s.exe), cmdExe: esc(s.exe), parent: -1, acct: s.acct, signer: esc(s.signer), role: s.role}
			if strings.Contains(s.exe, " ") {
				p.cmdExe = esc(`"` + s.exe + `"`)
			}
			if s.args != "" {
				for _, a := range strings.Split(s.args, " ") {
					p.args = append(p.args, esc(a))
				}
			}
			if s.parent != "" {
				p.parent = mustIndex(byName, s.parent)
			}
			c.procs = append(c.procs, p)
			switch s.role {
			case ordinary:
				c.starters = append(c.starters, i)
			case critical:
				c.critical = append(c.critical, i)
				c.tpWriters = append(c.tpWriters, i)
			case variant:
				c.tpWriters = append(c.tpWriters, i)
			}
		}
		for _, f := range benignFiles[o] {
			c.files = append(c.files, buildFile(byName, f))
		}
		for _, n := range netSpecs[o] {
			c.nets = append(c.nets, netTmpl{proc: mustIndex(byName, n.proc), remote: n.remote, octets: 4 - strings.Count(n.remote, "."), port: int64(n.port), transport: n.transport, in: n.in})
		}
		cs[o] = c
	}
	return cs
}

func buildFile(byName map[string]int, f fileSpec) fileTmpl {
	t := fileTmpl{proc: mustIndex(byName, f.proc), dir: buildPath(f.dir)}
	for _, n := range f.names {
		t.names = append(t.names, esc(n))
	}
	return t
}

func buildPath(dir string) pathTmpl {
	pre, post, user := strings.Cut(dir, "{user}")
	return pathTmpl{pre: esc(pre), post: esc(post), user: user}
}

func mustIndex(byName map[string]int, name string) int {
	i, ok := byName[name]
	if !ok {
		panic("eventgen: tables name an unknown process " + name)
	}
	return i
}

// The near-miss and true-positive tables, built against the Windows and
// Linux catalogs.
var scenarios = buildScenarios()

type scenarioTables struct {
	tpDirs   []pathTmpl
	tpNames  []string
	tpTraps  []trapTmpl
	wpbbin   []fixedPath
	eac      []fixedPath
	otherExt []fileTmpl
	otherExe []fileTmpl
	linux    fileTmpl
	smss     []int // smss.exe under the names the exclusion's process.name accepts
	lsass    []int
}

type trapTmpl struct {
	dir     pathTmpl
	name    string
	writers []int
}

type fixedPath struct{ dir, name string }

func buildScenarios() scenarioTables {
	win := byNames(procSpecs[windows])
	s := scenarioTables{
		smss:  []int{win["smss.exe"], win["SMSS.EXE"]},
		lsass: []int{win["lsass.exe"], win["LSASS.EXE"]},
		linux: buildFile(byNames(procSpecs[linux]), nmLinux),
	}
	for _, d := range tpDirs {
		s.tpDirs = append(s.tpDirs, buildPath(d))
	}
	for _, n := range tpNames {
		s.tpNames = append(s.tpNames, esc(n))
	}
	for _, t := range tpTraps {
		tt := trapTmpl{dir: buildPath(t.dir), name: esc(t.name)}
		for _, w := range strings.Fields(t.writers) {
			tt.writers = append(tt.writers, mustIndex(win, w))
		}
		s.tpTraps = append(s.tpTraps, tt)
	}
	for _, p := range nmWpbbin {
		s.wpbbin = append(s.wpbbin, fixedPath{esc(p.dir), esc(p.name)})
	}
	for _, p := range nmEAC {
		s.eac = append(s.eac, fixedPath{esc(p.dir), esc(p.name)})
	}
	for _, f := range nmOtherExtensions {
		s.otherExt = append(s.otherExt, buildFile(win, f))
	}
	for _, f := range nmOtherProcesses {
		s.otherExe = append(s.otherExe, buildFile(win, f))
	}
	return s
}

// byNames indexes specs by name; a name used twice (svchost.exe) means the
// first.
func byNames(specs []procSpec) map[string]int {
	m := map[string]int{}
	for i, s := range specs {
		if _, ok := m[s.name]; !ok {
			m[s.name] = i
		}
	}
	return m
}

// host is one machine of the fleet, with everything about it that does not
// change from event to event rendered once in its shipper's shape.
type host struct {
	src Source
	os  osKind
	cat *catalog

	ip      string
	user    string // the interactive user's name, escaped, for paths
	agentID string

	// head is the "agent" object and a comma; body is the "host" object.
	// users are "user" objects, and
	// userAlt the account as the shape also writes it elsewhere (Sysmon's
	// event_data.User, Endgame's endgame.user_*).
	head, body string
	users      [numAccounts]string
	userAlt    [numAccounts]string

	procs []procInst // like cat.procs

	// Sysmon's winlog object, around the event data and the record id.
	winlogOpen, winlogMid string

	seq      int64  // Defend event.sequence, Sysmon record_id, Endgame serial_event_id
	idPrefix string // Defend event.id: this, then the sequence in base64
	guid     string // Sysmon: the first group of process GUIDs on this host
}

// procInst is a process running on a host: the one that writes files and
// opens connections in events (a process start makes a new one).
type procInst struct {
	pid    int64
	entity string
	unique int64 // Endgame unique_pid
}

// fleet is the hosts of every shipper, from the seed.
type fleet struct {
	bySource  [numSources][numOS][]*host
	domainSID string
}

func newFleet(rng *rand.Rand, start time.Time) *fleet {
	f := &fleet{domainSID: fmt.Sprintf("S-1-5-21-%d-%d-%d", 1e9+rng.Int64N(3e9), 1e9+rng.Int64N(3e9), 1e9+rng.Int64N(3e9))}
	names := map[string]bool{}
	unique := func(gen func() string) string {
		for {
			if n := gen(); !names[n] {
				names[n] = true
				return n
			}
		}
	}
	workstation := func() string {
		kind := "ws"
		if rng.IntN(3) == 0 {
			kind = "lt"
		}
		return fmt.Sprintf("%s-%s-%04d", pick(rng, departments), kind, rng.IntN(400))
	}
	add := func(src Source, o osKind, name string, rel osRelease, server bool) {
		h := newHost(rng, f, src, o, name, rel, server, start)
		f.bySource[src][o] = append(f.bySource[src][o], h)
	}
	for range 24 {
		add(Defend, windows, unique(workstation), pick(rng, osReleases[windows]), false)
	}
	for range 8 {
		add(Defend, linux, unique(func() string { return fmt.Sprintf("%s-%02d", pick(rng, linuxRoles), 1+rng.IntN(20)) }), pick(rng, osReleases[linux]), true)
	}
	for range 6 {
		add(Defend, macos, unique(func() string { return "mbp-" + pick(rng, userNames) }), pick(rng, osReleases[macos]), false)
	}
	for range 4 {
		add(Sysmon, windows, unique(func() string { return fmt.Sprintf("%s%02d", pick(rng, serverRoles), 1+rng.IntN(4)) }), pick(rng, windowsServers), true)
	}
	for range 8 {
		add(Sysmon, windows, unique(workstation), pick(rng, osReleases[windows]), false)
	}
	for range 8 {
		add(Endgame, windows, unique(workstation), osReleases[windows][1], false)
	}
	return f
}

func newHost(rng *rand.Rand, f *fleet, src Source, o osKind, name string, rel osRelease, server bool, start time.Time) *host {
	h := &host{src: src, os: o, cat: catalogs[o], agentID: uuid(rng)}
	user := pick(rng, userNames)
	if strings.HasPrefix(name, "mbp-") {
		user = strings.TrimPrefix(name, "mbp-")
	}
	if server && o == windows {
		user = "adm-" + user
	}
	h.user = esc(user)
	h.ip = fmt.Sprintf("10.%d.%d.%d", 20+rng.IntN(40), rng.IntN(256), 2+rng.IntN(250))
	boot := start.Add(-time.Hour - time.Duration(rng.Int64N(int64(20*24*time.Hour)))).Unix()
	h.seq = 1e5 + rng.Int64N(5e6)
	h.idPrefix = randomString(rng, 16, base64s)
	h.guid = randomString(rng, 8, lowerHex)

	var userID, userDomain string
	switch o {
	case windows:
		userID, userDomain = fmt.Sprintf("%s-%d", f.domainSID, 1100+rng.IntN(4000)), "CORP"
	case linux:
		userID = strconv.Itoa(1000 + rng.IntN(20))
	case macos:
		userID = "501"
	}
	accounts := windowsAccounts
	if o != windows {
		accounts = unixAccounts
	}
	for a := range numAccounts {
		acc := accounts[a]
		if a == acctUser {
			acc = accountInfo{domain: userDomain, id: userID, name: user}
		}
		h.users[a], h.userAlt[a] = renderUser(src, o, acc)
	}

	switch src {
	case Defend:
		h.head = fmt.Sprintf(`"agent":{"id":"%s","type":"endpoint","version":"9.2.1"},`, h.agentID)
		h.body = fmt.Sprintf(`"host":{"hostname":"%[1]s","id":"%[2]s","name":"%[1]s","os":{"family":"%[3]s","name":"%[4]s","platform":"%[5]s","type":"%[6]s","version":"%[7]s"}}`,
			esc(name), randomString(rng, 32, lowerHex), rel.family, esc(rel.name), rel.platform, rel.kind, rel.version)
	case Sysmon:
		upper := esc(strings.ToUpper(name))
		fqdn := esc(name + ".corp.example")
		h.head = fmt.Sprintf(`"agent":{"id":"%s","name":"%s","type":"filebeat","version":"8.17.4"},`, h.agentID, upper)
		h.body = fmt.Sprintf(`"host":{"architecture":"x86_64","hostname":"%s","id":"%s","name":"%s","os":{"build":"%s","family":"%s","kernel":"%s","name":"%s","platform":"%s","type":"%s","version":"%s"}}`,
			upper, uuid(rng), fqdn, rel.build, rel.family, esc(rel.kernel), esc(rel.variant), rel.platform, rel.kind, rel.version)
		h.winlogOpen = fmt.Sprintf(`"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","computer_name":"%s","event_data":{`, fqdn)
		h.winlogMid = fmt.Sprintf(`"process":{"pid":%d,"thread":{"id":%d}},"provider_guid":"{5770385f-c22a-43e0-bf4c-06f5698ffbd9}","provider_name":"Microsoft-Windows-Sysmon","record_id":"`,
			4*(300+rng.IntN(2000)), 4*(300+rng.IntN(3000)))
	case Endgame:
		upper := esc(strings.ToUpper(name))
		h.head = fmt.Sprintf(`"agent":{"id":"%s","type":"endgame","version":"3.61.0"},`, strings.ToUpper(h.agentID))
		h.body = fmt.Sprintf(`"host":{"hostname":"%s","ip":"%s","name":"%s","os":{"family":"%s","name":"%s","platform":"%s","type":"%s","version":"6.3"}}`,
			upper, h.ip, upper, rel.family, esc(rel.name), rel.platform, rel.kind)
	}

	h.procs = make([]procInst, len(h.cat.procs))
	for i, p := range h.cat.procs {
		started := boot + 5 + rng.Int64N(60)
		if p.role == ordinary {
			started = boot + rng.Int64N(start.Unix()-boot)
		}
		h.procs[i] = h.newProc(rng, p.role, started)
	}
	return h
}

// newProc starts a process on h at unix second started.
func (h *host) newProc(rng *rand.Rand, r role, started int64) procInst {
	var pi procInst
	switch {
	case h.os != windows:
		pi.pid = 200 + rng.Int64N(400000)
	case r == critical:
		pi.pid = 4 * (75 + rng.Int64N(250))
	default:
		pi.pid = 4 * (250 + rng.Int64N(10000))
	}
	pi.unique = 1000 + rng.Int64N(90000)
	switch h.src {
	case Defend:
		pi.entity = defendEntity(h, pi.pid, started)
	case Sysmon:
		pi.entity = fmt.Sprintf("{%s-%04x-%04x-%04x-%012x}", h.guid, started>>16&0xffff, started&0xffff, rng.IntN(0x10000), rng.Int64N(1<<48))
	case Endgame:
		pi.entity = strconv.FormatInt(pi.unique, 10)
	}
	return pi
}

// defendEntity is Defend's process entity id: base64 of the agent id's
// first group, the pid and the start time.
func defendEntity(h *host, pid, started int64) string {
	return string(appendDefendEntity(nil, h, pid, started))
}

func appendDefendEntity(b []byte, h *host, pid, started int64) []byte {
	var raw [40]byte
	r := append(raw[:0], h.agentID[:8]...)
	r = append(r, '-')
	r = appendInt(r, pid)
	r = append(r, '-')
	r = appendInt(r, started%100000)
	return base64.StdEncoding.AppendEncode(b, r)
}

type accountInfo struct{ domain, id, name string }

var (
	windowsAccounts = [numAccounts]accountInfo{
		acctSystem:  {"NT AUTHORITY", "S-1-5-18", "SYSTEM"},
		acctLocal:   {"NT AUTHORITY", "S-1-5-19", "LOCAL SERVICE"},
		acctNetwork: {"NT AUTHORITY", "S-1-5-20", "NETWORK SERVICE"},
	}
	unixAccounts = [numAccounts]accountInfo{
		acctSystem:  {"", "0", "root"},
		acctLocal:   {"", "104", "syslog"},
		acctNetwork: {"", "33", "www-data"},
	}
)

// renderUser renders an account as the shape's "user" object and its
// alternative spelling.
func renderUser(src Source, o osKind, a accountInfo) (user, alt string) {
	d, id, n := esc(a.domain), esc(a.id), esc(a.name)
	switch {
	case src == Endgame:
		return fmt.Sprintf(`"user":{"domain":"%s","name":"%s"}`, d, n),
			fmt.Sprintf(`"user_domain":"%s","user_name":"%s"`, d, n)
	case o == windows:
		return fmt.Sprintf(`"user":{"domain":"%s","id":"%s","name":"%s"}`, d, id, n),
			d + `\\` + n
	default:
		// Defend on Linux and macOS writes numeric ids.
		return fmt.Sprintf(`"user":{"id":%s,"name":"%s"}`, id, n), n
	}
}

func uuid(rng *rand.Rand) string {
	s := randomString(rng, 32, lowerHex)
	return s[:8] + "-" + s[8:12] + "-4" + s[13:16] + "-a" + s[17:20] + "-" + s[20:]
}

func randomString(rng *rand.Rand, n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

func pick[T any](rng *rand.Rand, s []T) T { return s[rng.IntN(len(s))] }
