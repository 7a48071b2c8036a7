package witness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// Remote is a witness a ledger submits its checkpoints to.
type Remote struct {
	// URL is the witness's submission prefix: requests go to
	// URL + "/add-checkpoint".
	URL string
	// Verifier checks the witness's cosignatures (cosignature/v1).
	Verifier note.Verifier
}

// ParseRemote reads "URL=VKEY" (the server's --witness flag): the
// witness's submission prefix, and its verifier key as it wrote it to
// witness.pub.
func ParseRemote(s string) (Remote, error) {
	raw, vkey, ok := strings.Cut(s, "=")
	if !ok {
		return Remote{}, fmt.Errorf("--witness %q: want URL=VKEY", clip([]byte(s)))
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Remote{}, fmt.Errorf("--witness %q: the URL must be http(s)://host[:port][/prefix]", clip([]byte(raw)))
	}
	v, err := NewVerifier(vkey)
	if err != nil {
		return Remote{}, fmt.Errorf("--witness %s: %v", raw, err)
	}
	return Remote{URL: strings.TrimRight(raw, "/"), Verifier: v}, nil
}

// Log is what a Collector reads from the ledger.
type Log interface {
	// Checkpoint returns the latest signed checkpoint note.
	Checkpoint() ([]byte, error)
	// ConsistencyProof returns the RFC 6962 proof from size1 to size2.
	ConsistencyProof(size1, size2 uint64) ([][]byte, error)
}

// CollectorConfig configures a Collector.
type CollectorConfig struct {
	Log Log
	// Witnesses are the witnesses to submit to (at least one).
	Witnesses []Remote
	// Policy is how many witnesses must cosign a checkpoint before it is
	// published (0 < Policy ≤ len(Witnesses); 0 means all of them).
	Policy int
	// Timeout bounds each submission, and is how long a witness may stay
	// without cosigning the latest checkpoint before it is reported silent.
	// Default 10 s.
	Timeout time.Duration
	// Interval is the least time between two rounds of submissions: a
	// round takes the checkpoint of whatever the ledger committed since
	// the last one. Default 1 s.
	Interval time.Duration
	// OnProblem is called when a witness refuses a checkpoint, answers
	// something that does not verify, or stays silent past Timeout; once
	// per problem until the witness cosigns again. It must not block for
	// long (it runs on the collector's goroutine).
	OnProblem func(ctx context.Context, message string)
	Logger    *slog.Logger
	// Client sends the requests. Default: a client with keep-alive.
	Client *http.Client
}

// Collector submits a ledger's checkpoints to its witnesses in the
// background and collects their cosignatures. Each round submits the
// latest checkpoint to every witness that is not waiting out a backoff,
// all at once, and waits for every answer (at most Timeout), so at most
// one submission per witness is ever in flight and the witnesses cosign
// the same checkpoints; writes never wait for a round.
type Collector struct {
	cfg   CollectorConfig
	lg    *slog.Logger
	wake  chan struct{}
	state []*remoteState

	mu        sync.Mutex
	current   *cosigned // the checkpoint of the latest round and its cosignatures
	published *cosigned // the newest checkpoint cosigned by Policy witnesses
}

// cosigned is a checkpoint with the cosignature lines collected for it.
type cosigned struct {
	note []byte   // the checkpoint note as the log signed it
	sigs [][]byte // by witness index: its signature line, nil until it cosigns
}

// count is how many witnesses have cosigned.
func (cs *cosigned) count() int {
	n := 0
	for _, s := range cs.sigs {
		if s != nil {
			n++
		}
	}
	return n
}

// remoteState is the collector's view of one witness. The collector's
// goroutine and the submissions of its rounds use it; Status reads the
// fields the round updates under mu.
type remoteState struct {
	Remote
	known        uint64    // the witness's latest cosigned size, as last learnt
	lastOK       time.Time // when it last cosigned (or the collector started)
	failing      time.Time // when the submissions that have failed since then began
	retryAt      time.Time // no submission before this
	backoff      time.Duration
	problem      string // the problem reported, "" while it cosigns
	cosignedN    uint64 // size of the checkpoint it last cosigned
	cosignedNote []byte // and its note, to skip resubmitting it
}

// Status is one witness as the collector sees it.
type Status struct {
	URL     string
	Size    uint64 // the size of the latest checkpoint it cosigned for this server
	LastOK  time.Time
	Problem string // "" when it cosigns
}

// NewCollector checks cfg and returns a collector; Run starts it.
func NewCollector(cfg CollectorConfig) (*Collector, error) {
	if cfg.Log == nil || len(cfg.Witnesses) == 0 {
		return nil, errors.New("witness collector: a log and at least one witness are required")
	}
	if cfg.Policy == 0 {
		cfg.Policy = len(cfg.Witnesses)
	}
	if cfg.Policy < 0 || cfg.Policy > len(cfg.Witnesses) {
		return nil, fmt.Errorf("--witness-policy %d: must be from 1 to the number of witnesses (%d)", cfg.Policy, len(cfg.Witnesses))
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Interval <= 0 {
		cfg.Interval = time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.OnProblem == nil {
		cfg.OnProblem = func(context.Context, string) {}
	}
	if cfg.Client == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 2
		cfg.Client = &http.Client{Transport: t}
	}
	seen := map[string]bool{}
	c := &Collector{cfg: cfg, lg: cfg.Logger, wake: make(chan struct{}, 1)}
	for _, w := range cfg.Witnesses {
		id := fmt.Sprintf("%s+%08x", w.Verifier.Name(), w.Verifier.KeyHash())
		if seen[id] {
			return nil, fmt.Errorf("witness key %s is configured twice", w.Verifier.Name())
		}
		seen[id] = true
		c.state = append(c.state, &remoteState{Remote: w})
	}
	return c, nil
}

// Notify tells the collector the ledger committed; it never blocks.
func (c *Collector) Notify() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Policy is the number of witnesses that must cosign a checkpoint.
func (c *Collector) Policy() int { return c.cfg.Policy }

// Witnesses returns the configured witnesses.
func (c *Collector) Witnesses() []Remote { return c.cfg.Witnesses }

// Checkpoint returns the checkpoint the server publishes, with the
// cosignature lines appended, and how many witnesses cosigned it: the
// newest checkpoint that Policy witnesses have cosigned. Until one has
// been, it is the ledger's latest checkpoint with whatever cosignatures
// were collected for it.
func (c *Collector) Checkpoint() ([]byte, int, error) {
	latest, err := c.cfg.Log.Checkpoint()
	if err != nil {
		return nil, 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if p := c.published; p != nil {
		return p.withSigs(), p.count(), nil
	}
	if cur := c.current; cur != nil && bytes.Equal(cur.note, latest) {
		return cur.withSigs(), cur.count(), nil
	}
	return latest, 0, nil
}

// withSigs is the note with the cosignatures appended, in witness order.
// Called with c.mu held (a later round may add to sigs).
func (cs *cosigned) withSigs() []byte {
	out := append([]byte(nil), cs.note...)
	for _, s := range cs.sigs {
		out = append(out, s...)
	}
	return out
}

// Status reports each witness.
func (c *Collector) Status() []Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Status, len(c.state))
	for i, w := range c.state {
		out[i] = Status{URL: w.URL, Size: w.cosignedN, LastOK: w.lastOK, Problem: w.problem}
	}
	return out
}

// Run submits checkpoints until ctx ends: a round after each Notify (at
// most one per Interval), and every Interval to retry witnesses that
// failed and to notice silence.
func (c *Collector) Run(ctx context.Context) {
	now := time.Now()
	c.mu.Lock()
	for _, w := range c.state {
		w.lastOK = now
	}
	c.mu.Unlock()
	tick := time.NewTicker(c.cfg.Interval)
	defer tick.Stop()
	for {
		start := time.Now()
		c.round(ctx)
		if wait := c.cfg.Interval - time.Since(start); wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-c.wake:
		case <-tick.C:
		}
	}
}

// round submits the latest checkpoint to every witness due for it and
// records the answers.
func (c *Collector) round(ctx context.Context) {
	signed, err := c.cfg.Log.Checkpoint()
	if err != nil {
		c.lg.Error("witnesses: reading the checkpoint", "err", err)
		return
	}
	// A note is its text (ending in a newline), a blank line, signatures.
	text, _, _ := bytes.Cut(signed, []byte("\n\n"))
	cp, err := ParseCheckpoint(string(text) + "\n")
	if err != nil {
		c.lg.Error("witnesses: the ledger's own checkpoint does not parse", "err", err)
		return
	}
	now := time.Now()
	type answer struct {
		sigs []byte
		err  error
	}
	answers := make([]*answer, len(c.state))
	var wg sync.WaitGroup
	for i, w := range c.state {
		if bytes.Equal(w.cosignedNote, signed) || now.Before(w.retryAt) {
			continue
		}
		a := &answer{}
		answers[i] = a
		wg.Go(func() { a.sigs, a.err = c.submit(ctx, w, cp, signed) })
	}
	wg.Wait()
	if ctx.Err() != nil {
		return
	}

	c.mu.Lock()
	if c.current == nil || !bytes.Equal(c.current.note, signed) {
		c.current = &cosigned{note: signed, sigs: make([][]byte, len(c.state))}
	}
	var problems []string
	for i, a := range answers {
		w := c.state[i]
		switch {
		case a == nil && bytes.Equal(w.cosignedNote, signed):
			continue // it cosigned this checkpoint in an earlier round
		case a == nil:
			// Waiting out a backoff: only the silence check below.
		case a.err == nil:
			c.current.sigs[i] = a.sigs
			w.cosignedN, w.cosignedNote, w.lastOK = cp.Size, signed, now
			w.failing, w.backoff, w.retryAt = time.Time{}, 0, time.Time{}
			if w.problem != "" {
				c.lg.Info("witness cosigns again", "witness", w.URL, "size", cp.Size)
				w.problem = ""
			}
			continue
		default:
			w.backoff = min(max(2*w.backoff, time.Second), time.Minute)
			w.retryAt = time.Now().Add(w.backoff)
			var ref *refused
			if errors.As(a.err, &ref) {
				problems = append(problems, c.flag(w, a.err.Error()))
				continue
			}
			if w.failing.IsZero() {
				w.failing = now // the submission began at the start of this round
			}
			c.lg.Warn("witness did not answer", "witness", w.URL, "err", a.err)
		}
		if !w.failing.IsZero() && w.problem == "" {
			if silent := time.Since(w.failing); silent >= c.cfg.Timeout {
				msg := fmt.Sprintf("witness %s has not answered for %s", w.URL, silent.Round(time.Second))
				if a != nil {
					msg += ": " + a.err.Error()
				}
				problems = append(problems, c.flag(w, msg))
			}
		}
	}
	if c.current.count() >= c.cfg.Policy {
		c.published = c.current
	}
	c.mu.Unlock()
	for _, p := range problems {
		if p != "" {
			c.cfg.OnProblem(ctx, p)
		}
	}
}

// flag records a witness's problem and returns the message to report,
// "" when that problem was already reported. Called with c.mu held.
func (c *Collector) flag(w *remoteState, msg string) string {
	c.lg.Error("WITNESS PROBLEM", "witness", w.URL, "problem", msg)
	if w.problem != "" {
		return ""
	}
	w.problem = msg
	return msg
}

// refused is a witness's refusal of a checkpoint (as opposed to silence).
type refused struct{ msg string }

func (r *refused) Error() string { return r.msg }

// submit sends one checkpoint to one witness, catching up once if the
// witness holds another size than the collector believed, and returns
// the witness's verified cosignature lines.
func (c *Collector) submit(ctx context.Context, w *remoteState, cp Checkpoint, signed []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	for attempt := 0; ; attempt++ {
		old := w.known
		if old > cp.Size {
			return nil, &refused{fmt.Sprintf("witness %s has cosigned %d events of this ledger, which now has only %d: "+
				"the ledger was rolled back (restored from an old backup?) or forked", w.URL, old, cp.Size)}
		}
		var p [][]byte
		if old > 0 && old < cp.Size {
			var err error
			if p, err = c.cfg.Log.ConsistencyProof(old, cp.Size); err != nil {
				return nil, fmt.Errorf("consistency proof %d→%d: %w", old, cp.Size, err)
			}
		}
		status, body, err := c.post(ctx, w.URL+"/add-checkpoint", Request{Old: old, Proof: p, Checkpoint: signed}.Marshal())
		if err != nil {
			return nil, err
		}
		switch status {
		case http.StatusOK:
			n, err := note.Open(append(append([]byte(nil), signed...), body...), note.VerifierList(w.Verifier))
			if err != nil {
				return nil, &refused{fmt.Sprintf("witness %s answered a cosignature that does not verify with its key: %v", w.URL, err)}
			}
			w.known = cp.Size
			// Keep only the lines of this witness's key, which verified.
			var lines []byte
			for _, s := range n.Sigs {
				lines = fmt.Appendf(lines, "— %s %s\n", s.Name, s.Base64)
			}
			return lines, nil
		case http.StatusConflict:
			held, err := canonicalUint(strings.TrimSpace(string(body)))
			switch {
			case err != nil:
				return nil, &refused{fmt.Sprintf("witness %s refuses checkpoint %d (409 Conflict): %s", w.URL, cp.Size, clip(body))}
			case held == old:
				return nil, &refused{fmt.Sprintf("witness %s refuses checkpoint %d: it cosigned another root at size %d (a fork)", w.URL, cp.Size, held)}
			}
			w.known = held
			if attempt > 0 {
				return nil, &refused{fmt.Sprintf("witness %s keeps answering 409 (its size %d)", w.URL, held)}
			}
		case http.StatusUnprocessableEntity:
			return nil, &refused{fmt.Sprintf("witness %s refuses the consistency proof from size %d to %d: this ledger's history is not the one it cosigned (a fork): %s",
				w.URL, old, cp.Size, clip(body))}
		case http.StatusForbidden:
			return nil, &refused{fmt.Sprintf("witness %s does not accept this ledger's checkpoint key (403)", w.URL)}
		case http.StatusNotFound:
			return nil, &refused{fmt.Sprintf("witness %s does not follow a log with origin %q (404)", w.URL, cp.Origin)}
		case http.StatusBadRequest:
			return nil, &refused{fmt.Sprintf("witness %s refuses the request (400): %s", w.URL, clip(bytes.TrimSpace(body)))}
		default:
			return nil, fmt.Errorf("witness %s answered %d: %s", w.URL, status, clip(bytes.TrimSpace(body)))
		}
	}
}

func (c *Collector) post(ctx context.Context, u string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := c.cfg.Client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, b, nil
}
