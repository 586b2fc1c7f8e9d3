package eventgen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Source is a shipper whose documents the generator writes.
type Source uint8

const (
	// Defend is Elastic Defend: logs-endpoint.events.{process,network,file}-default.
	Defend Source = iota + 1
	// Sysmon is Sysmon through the Windows integration:
	// logs-windows.sysmon_operational-default (event codes 1, 3, 11, 23, 26).
	Sysmon
	// Endgame is the Endgame sensor: endgame-3.61.0-000017.
	Endgame
	numSources
)

func (s Source) String() string {
	switch s {
	case Defend:
		return "defend"
	case Sysmon:
		return "sysmon"
	case Endgame:
		return "endgame"
	}
	return fmt.Sprintf("Source(%d)", uint8(s))
}

// sourceWeights is each shipper's share of the events: Defend is the
// common case, Endgame the legacy one.
var sourceWeights = [numSources]float64{Defend: 0.6, Sysmon: 0.2, Endgame: 0.2}

// Kind is what an event is to the built-in rule, "Unusual Executable File
// Creation by a System Critical Process".
type Kind uint8

const (
	// Benign is everyday activity, unrelated to the rule.
	Benign Kind = iota
	// TruePositive is an executable (.exe or .dll, in any case) created or
	// changed by one of the rule's nine critical processes (under any case of
	// its name) on a Windows host, outside the rule's exclusions: the rule
	// must match it.
	TruePositive
	// NearMiss is close to the rule but must not match: its two exclusions,
	// deletions, other extensions, a Linux host, or a process the rule does
	// not name.
	NearMiss
)

func (k Kind) String() string {
	switch k {
	case Benign:
		return "benign"
	case TruePositive:
		return "true positive"
	case NearMiss:
		return "near miss"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Defaults for Options' zero values.
const (
	DefaultRate              = 1000.0 // events per second
	DefaultTruePositiveShare = 0.005
	DefaultNearMissShare     = 0.01
)

// maxIngestDelay bounds how long after its @timestamp an event is ingested
// (event.ingested): callers that want no event ingested in the future start
// this much before the clock.
const maxIngestDelay = 4 * time.Second

// Options configure a Generator.
type Options struct {
	// Seed makes the fleet and the events: the same Options give the same bytes.
	Seed int64
	// Start is the time of the first event. Zero means now.
	Start time.Time
	// Rate is events per second of event time: event i is at Start + i/Rate.
	// Zero means DefaultRate.
	Rate float64
	// TruePositiveShare and NearMissShare are fractions of all events. Zero
	// means the default; a negative share means none.
	TruePositiveShare, NearMissShare float64
	// Sources are the shippers to imitate; nil means all three.
	Sources []Source
}

// Event is one generated document.
type Event struct {
	// Index is the data stream or index the event belongs to.
	Index string
	// Time is the event's @timestamp, exactly; the document writes it at the
	// shipper's precision (100 ns for Defend, 1 ms for Sysmon and Endgame).
	Time time.Time
	// Line is the document: one JSON object, no newline. It is valid until
	// the next call to Next.
	Line []byte
	// Kind is the event's ground truth for the built-in rule; the document
	// does not carry it.
	Kind Kind
}

// Generator makes events, in time order. It is not safe for concurrent use.
type Generator struct {
	rng     *rand.Rand
	start   time.Time
	step    time.Duration
	n       int64
	tp, nm  float64
	sources []Source
	cum     []float64 // cumulative source weights, normalised
	hosts   [numSources][]*host
	fleet   *fleet

	// Per-event scratch, reused so that Next allocates nothing.
	buf       []byte
	dir, name []byte
	args      []byte
	argEnds   []int
	entity    []byte
	bits      uint64
	nbits     uint
	op        fileOp
}

// Validate reports the first problem with o, if any.
func (o Options) Validate() error {
	if o.Rate < 0 {
		return fmt.Errorf("rate %v is negative", o.Rate)
	}
	if o.Rate > 0 && time.Duration(float64(time.Second)/o.Rate) < 1 {
		return fmt.Errorf("rate %v is more than one event a nanosecond", o.Rate)
	}
	tp, nm := o.shares()
	switch {
	case tp > 1:
		return fmt.Errorf("true positive share %v is more than 1", tp)
	case nm > 1:
		return fmt.Errorf("near miss share %v is more than 1", nm)
	case tp+nm > 1:
		return fmt.Errorf("true positive and near miss shares add up to %.4g, more than 1", tp+nm)
	}
	for _, s := range o.Sources {
		if s < Defend || s >= numSources {
			return fmt.Errorf("unknown source %v", s)
		}
	}
	return nil
}

// shares are the true positive and near miss shares, defaults applied.
func (o Options) shares() (tp, nm float64) {
	share := func(v, def float64) float64 {
		switch {
		case v == 0:
			return def
		case v < 0:
			return 0
		}
		return v
	}
	return share(o.TruePositiveShare, DefaultTruePositiveShare), share(o.NearMissShare, DefaultNearMissShare)
}

// New returns a generator for opts.
func New(opts Options) (*Generator, error) {
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("eventgen: %w", err)
	}
	rate := opts.Rate
	if rate == 0 {
		rate = DefaultRate
	}
	start := opts.Start
	if start.IsZero() {
		start = time.Now()
	}
	sources := opts.Sources
	if len(sources) == 0 {
		sources = []Source{Defend, Sysmon, Endgame}
	}
	g := &Generator{
		rng:   rand.New(rand.NewPCG(uint64(opts.Seed), 0x65716c72756e6e72)), // "eqlrunnr"
		start: start.UTC().Round(0),
		step:  time.Duration(float64(time.Second) / rate),
	}
	g.tp, g.nm = opts.shares()
	total := 0.0
	for _, s := range sources {
		if slices.Contains(g.sources, s) {
			continue
		}
		g.sources = append(g.sources, s)
		total += sourceWeights[s]
		g.cum = append(g.cum, total)
	}
	for i := range g.cum {
		g.cum[i] /= total
	}
	g.fleet = newFleet(g.rng, g.start)
	for s := range numSources {
		for o := range numOS {
			g.hosts[s] = append(g.hosts[s], g.fleet.bySource[s][o]...)
		}
	}
	return g, nil
}

// ParseSources parses a comma-separated list of source names (defend,
// sysmon, endgame).
func ParseSources(s string) ([]Source, error) {
	var out []Source
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		found := false
		for src := Defend; src < numSources; src++ {
			if strings.EqualFold(name, src.String()) {
				out = append(out, src)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown source %q (want defend, sysmon or endgame)", name)
		}
	}
	return out, nil
}

// nextTime is the time of the event Next returns next.
func (g *Generator) nextTime() time.Time {
	return g.start.Add(time.Duration(g.n) * g.step)
}

// Next returns the next event.
func (g *Generator) Next() Event {
	t := g.nextTime()
	g.n++
	kind := Benign
	switch u := g.rng.Float64(); {
	case u < g.tp:
		kind = TruePositive
	case u < g.tp+g.nm:
		kind = NearMiss
	}
	src := g.sources[0]
	if len(g.sources) > 1 {
		u := g.rng.Float64()
		for i, c := range g.cum {
			if u < c || i == len(g.cum)-1 {
				src = g.sources[i]
				break
			}
		}
	}
	g.buf = g.buf[:0]
	var index string
	switch kind {
	case Benign:
		index = g.benign(src, t)
	case TruePositive:
		g.truePositive(src)
		index = g.writeFile(src, t)
	case NearMiss:
		g.nearMiss(src)
		index = g.writeFile(src, t)
	}
	return Event{Index: index, Time: t, Line: g.buf, Kind: kind}
}

// action is what happens to a file.
type action uint8

const (
	create action = iota
	modify
	overwrite
	remove
)

// fileOp is a file event before it takes a shape: the host, the process
// (an index in the host's catalog), the action and the escaped path, in
// g.dir and g.name.
type fileOp struct {
	h    *host
	proc int
	act  action
}

func (g *Generator) intn(n int) int { return g.rng.IntN(n) }

// chance reports true with probability p.
func (g *Generator) chance(p float64) bool { return g.rng.Float64() < p }

// writeAction picks how a file is written: mostly created.
func (g *Generator) writeAction() action {
	switch u := g.intn(20); {
	case u < 12:
		return create
	case u < 17:
		return modify
	}
	return overwrite
}

func (g *Generator) windowsHost(src Source) *host {
	return pick(g.rng, g.fleet.bySource[src][windows])
}

// setPath fills g.dir and g.name from templates.
func (g *Generator) setPath(h *host, dir pathTmpl, name string) {
	g.dir = g.appendPath(g.dir[:0], h, dir)
	g.name = g.fillTemplate(g.name[:0], name)
}

func (g *Generator) appendPath(b []byte, h *host, p pathTmpl) []byte {
	b = g.fillTemplate(b, p.pre)
	if p.user {
		b = append(b, h.user...)
		b = g.fillTemplate(b, p.post)
	}
	return b
}

// truePositive sets g.op to a write the rule must match.
func (g *Generator) truePositive(src Source) {
	h := g.windowsHost(src)
	sc := &scenarios
	if g.chance(0.25) {
		t := &sc.tpTraps[g.intn(len(sc.tpTraps))]
		g.op = fileOp{h: h, proc: pick(g.rng, t.writers), act: g.writeAction()}
		g.setPath(h, t.dir, t.name)
		return
	}
	g.op = fileOp{h: h, proc: pick(g.rng, h.cat.tpWriters), act: g.writeAction()}
	g.setPath(h, pick(g.rng, sc.tpDirs), pick(g.rng, sc.tpNames))
}

// nearMiss sets g.op to a file event the rule must not match.
func (g *Generator) nearMiss(src Source) {
	h := g.windowsHost(src)
	sc := &scenarios
	u := g.intn(100)
	if u >= 90 && src != Defend {
		u = g.intn(90) // Only Defend ships from Linux hosts here.
	}
	switch {
	case u < 15: // The first exclusion: smss.exe writing wpbbin.exe in System32.
		p := pick(g.rng, sc.wpbbin)
		g.op = fileOp{h: h, proc: pick(g.rng, sc.smss), act: g.writeAction()}
		g.dir = append(g.dir[:0], p.dir...)
		g.name = g.fillTemplate(g.name[:0], p.name)
	case u < 30: // The second: lsass.exe writing an eac_usermode DLL in System32.
		p := pick(g.rng, sc.eac)
		g.op = fileOp{h: h, proc: pick(g.rng, sc.lsass), act: g.writeAction()}
		g.dir = append(g.dir[:0], p.dir...)
		g.name = g.fillTemplate(g.name[:0], p.name)
	case u < 50: // A critical process deleting an executable.
		g.op = fileOp{h: h, proc: pick(g.rng, h.cat.tpWriters), act: remove}
		g.setPath(h, pick(g.rng, sc.tpDirs), pick(g.rng, sc.tpNames))
	case u < 70: // A critical process writing something else.
		f := &sc.otherExt[g.intn(len(sc.otherExt))]
		g.op = fileOp{h: h, proc: f.proc, act: g.writeAction()}
		g.setPath(h, f.dir, pick(g.rng, f.names))
	case u < 90: // Another process writing an executable.
		f := &sc.otherExe[g.intn(len(sc.otherExe))]
		g.op = fileOp{h: h, proc: f.proc, act: g.writeAction()}
		g.setPath(h, f.dir, pick(g.rng, f.names))
	default: // A process named lsass.exe writing executables on Linux.
		h = pick(g.rng, g.fleet.bySource[Defend][linux])
		f := &sc.linux
		g.op = fileOp{h: h, proc: f.proc, act: g.writeAction()}
		g.setPath(h, f.dir, pick(g.rng, f.names))
	}
}

// benignFile sets g.op to an everyday write on h.
func (g *Generator) benignFile(h *host) {
	f := &h.cat.files[g.intn(len(h.cat.files))]
	act := g.writeAction()
	if g.chance(0.15) {
		act = remove
	}
	g.op = fileOp{h: h, proc: f.proc, act: act}
	g.setPath(h, f.dir, pick(g.rng, f.names))
}

// benign writes an everyday event of src and returns its index.
func (g *Generator) benign(src Source, t time.Time) string {
	h := pick(g.rng, g.hosts[src])
	u := g.intn(100)
	switch {
	case u < 30:
		return g.writeProcess(src, t, h, g.starter(h))
	case u < 58:
		return g.writeNetwork(src, t, h, &h.cat.nets[g.intn(len(h.cat.nets))])
	}
	g.benignFile(h)
	return g.writeFile(src, t)
}

// starter picks a process to start on h: now and then (at boot, at logon)
// a critical one.
func (g *Generator) starter(h *host) int {
	if len(h.cat.critical) > 0 && g.chance(0.04) {
		return pick(g.rng, h.cat.critical)
	}
	return pick(g.rng, h.cat.starters)
}

func (g *Generator) writeFile(src Source, t time.Time) string {
	switch src {
	case Defend:
		return g.defendFile(t)
	case Sysmon:
		return g.sysmonFile(t)
	}
	return g.endgameFile(t)
}

func (g *Generator) writeProcess(src Source, t time.Time, h *host, p int) string {
	g.fillArgs(&h.cat.procs[p])
	child := g.startProcess(h, p, t)
	switch src {
	case Defend:
		return g.defendProcess(t, h, p, child)
	case Sysmon:
		return g.sysmonProcess(t, h, p, child)
	}
	return g.endgameProcess(t, h, p, child)
}

func (g *Generator) writeNetwork(src Source, t time.Time, h *host, n *netTmpl) string {
	switch src {
	case Defend:
		return g.defendNetwork(t, h, n)
	case Sysmon:
		return g.sysmonNetwork(t, h, n)
	}
	return g.endgameNetwork(t, h, n)
}

// started is a process a start event creates: its pid, its Endgame
// unique_pid, and its entity id in g.entity.
type started struct{ pid, unique int64 }

func (g *Generator) startProcess(h *host, p int, t time.Time) started {
	c := started{pid: 4 * (250 + g.rng.Int64N(10000)), unique: 1000 + g.rng.Int64N(900000)}
	if h.os != windows {
		c.pid = 200 + g.rng.Int64N(400000)
	}
	e := g.entity[:0]
	switch h.src {
	case Defend:
		e = appendDefendEntity(e, h, c.pid, t.Unix())
	case Sysmon:
		sec := uint64(t.Unix())
		e = append(e, '{')
		e = append(e, h.guid...)
		e = append(e, '-')
		e = appendPadded(e, sec>>16&0xffff, 4, lowerHex)
		e = append(e, '-')
		e = appendPadded(e, sec&0xffff, 4, lowerHex)
		e = append(e, '-')
		e = appendPadded(e, uint64(p)<<8|g.nibble(), 4, lowerHex)
		e = append(e, '-')
		e = appendPadded(e, uint64(c.pid)<<16|g.nibble(), 12, lowerHex)
		e = append(e, '}')
	case Endgame:
		e = appendInt(e, c.unique)
	}
	g.entity = e
	return c
}

// fillTemplate appends tmpl with its placeholders filled: '#' a lowercase
// hex digit, '@' an uppercase one, '%' a decimal digit.
func (g *Generator) fillTemplate(b []byte, tmpl string) []byte {
	for i := 0; i < len(tmpl); i++ {
		switch c := tmpl[i]; c {
		case '#':
			b = append(b, lowerHex[g.nibble()])
		case '@':
			b = append(b, upperHex[g.nibble()])
		case '%':
			b = append(b, byte('0'+g.intn(10)))
		default:
			b = append(b, c)
		}
	}
	return b
}

// nibble returns 4 random bits, 16 to a draw.
func (g *Generator) nibble() uint64 {
	if g.nbits < 4 {
		g.bits, g.nbits = g.rng.Uint64(), 64
	}
	v := g.bits & 0xf
	g.bits >>= 4
	g.nbits -= 4
	return v
}

// fillArgs fills p's argument templates into g.args, ending each at
// g.argEnds.
func (g *Generator) fillArgs(p *proc) {
	g.args, g.argEnds = g.args[:0], g.argEnds[:0]
	for _, a := range p.args {
		g.args = g.fillTemplate(g.args, a)
		g.argEnds = append(g.argEnds, len(g.args))
	}
}

// appendArgs appends the filled arguments as a JSON array after the
// executable, then args_count.
func (g *Generator) appendArgs(b []byte, p *proc) []byte {
	b = append(b, `"args":["`...)
	b = append(b, p.exe...)
	last := 0
	for _, end := range g.argEnds {
		b = append(b, `","`...)
		b = append(b, g.args[last:end]...)
		last = end
	}
	b = append(b, `"],"args_count":`...)
	return appendInt(b, int64(1+len(g.argEnds)))
}

// appendCommandLine appends the command line the filled arguments make.
func (g *Generator) appendCommandLine(b []byte, p *proc) []byte {
	b = append(b, p.cmdExe...)
	last := 0
	for _, end := range g.argEnds {
		b = append(b, ' ')
		b = append(b, g.args[last:end]...)
		last = end
	}
	return b
}

// extension returns the extension of the file name in g.name ("" for none).
func (g *Generator) extension() []byte {
	for i := len(g.name) - 1; i > 0; i-- {
		if g.name[i] == '.' {
			return g.name[i+1:]
		}
	}
	return nil
}

// executable reports whether the file in g.name is a PE image, by extension.
func (g *Generator) executable() bool {
	ext := g.extension()
	return len(ext) == 3 && (strings.EqualFold(string(ext), "exe") || strings.EqualFold(string(ext), "dll"))
}

// fileSize is a plausible size for the file in g.name.
func (g *Generator) fileSize() int64 {
	if g.executable() {
		return 16384 + 512*int64(g.intn(8000))
	}
	return int64(g.intn(1 << 20))
}

// ingested is when an event at created reaches the cluster: a second or two
// later, at the second, as Fleet's final pipeline writes event.ingested.
func (g *Generator) ingested(created time.Time) time.Time {
	return created.Add(time.Second + time.Duration(g.rng.Int64N(int64(time.Second))))
}

// DefaultStart is the start that makes count events at rate (zero:
// DefaultRate) end just before now, all ingested by now.
func DefaultStart(now time.Time, count int, rate float64) time.Time {
	if rate == 0 {
		rate = DefaultRate
	}
	span := time.Duration(float64(count) / rate * float64(time.Second))
	return now.Add(-span - maxIngestDelay)
}
