package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
)

// Options configure Open. Zero values give the documented defaults.
type Options struct {
	// Dir is the ledger's data directory: the dispatcher keeps its state in
	// Dir/webhooks. "" keeps it in memory (tests; secrets then change at
	// every start).
	Dir string
	// Service is the ledger whose events are delivered.
	Service *ledger.Service
	// Checkpoint returns the checkpoint deliveries prove their events
	// against (the server's published one). Default: the ledger's latest.
	Checkpoint func() ([]byte, error)
	// Client posts the deliveries. Default: a client with a 10 s timeout.
	Client *http.Client
	// FirstRetry is the wait after a failed attempt, doubled after each
	// further one up to MaxRetry. Defaults 1 s and 5 minutes.
	FirstRetry, MaxRetry time.Duration
	// Poll is how often the dispatcher looks for new events and
	// subscriptions when Notify does not wake it. Default 1 s.
	Poll time.Duration
	// Logger receives failures. Default: discard.
	Logger *slog.Logger
}

// Dispatcher delivers the ledger's events to the active subscriptions: one
// worker per subscription, which goes through the ledger in order from its
// durable cursor, skips the events the subscriber may not see, and posts
// each of the others until the receiver answers 2xx (at least once, never
// out of order). Run starts and stops the workers.
type Dispatcher struct {
	o    Options
	st   *store
	wake chan struct{}

	mu      sync.Mutex
	workers map[string]*worker
	errs    map[string]string // subscription → last failure, while undelivered
}

// Open opens the dispatcher's state (creating it on first use).
func Open(o Options) (*Dispatcher, error) {
	if o.Service == nil {
		return nil, errors.New("webhook: Options.Service is required")
	}
	if o.Checkpoint == nil {
		o.Checkpoint = o.Service.Log().Checkpoint
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if o.FirstRetry <= 0 {
		o.FirstRetry = time.Second
	}
	if o.MaxRetry <= 0 {
		o.MaxRetry = 5 * time.Minute
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	dir := ""
	if o.Dir != "" {
		dir = filepath.Join(o.Dir, "webhooks")
	}
	st, err := openStore(dir)
	if err != nil {
		return nil, err
	}
	return &Dispatcher{o: o, st: st, wake: make(chan struct{}, 1), workers: map[string]*worker{}, errs: map[string]string{}}, nil
}

// Close closes the dispatcher's state; call it after Run has returned.
func (d *Dispatcher) Close() error { return d.st.close() }

// Secret returns the secret that signs subscription id's deliveries (the
// HMAC key of Hwledger-Signature).
func (d *Dispatcher) Secret(id string) string { return d.st.secret(id) }

// State returns where subscription w's deliveries stand.
func (d *Dispatcher) State(w *ledger.Webhook) (State, error) {
	st, err := d.st.state(w.ID, w.From)
	d.mu.Lock()
	st.LastError = d.errs[w.ID]
	d.mu.Unlock()
	return st, err
}

// Deliveries returns one page of subscription id's delivery log, newest
// first (the cursor is the last item's seq; ErrBadCursor for another).
func (d *Dispatcher) Deliveries(id string, pg ledger.Page) (ledger.List[Delivery], error) {
	items, next, err := d.st.deliveries(id, pg.Limit, pg.Cursor)
	return ledger.List[Delivery]{Items: items, NextCursor: next}, err
}

// Notify wakes the workers: the ledger has new events (or subscriptions).
// It never blocks.
func (d *Dispatcher) Notify() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run runs a worker for every active subscription until ctx ends, and
// waits for them to stop.
func (d *Dispatcher) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	t := time.NewTicker(d.o.Poll)
	defer t.Stop()
	for {
		d.reconcile(ctx, &wg)
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-t.C:
		}
		d.mu.Lock()
		for _, w := range d.workers {
			w.poke()
		}
		d.mu.Unlock()
	}
}

// reconcile starts a worker for each new active subscription and stops
// the workers of deleted ones.
func (d *Dispatcher) reconcile(ctx context.Context, wg *sync.WaitGroup) {
	subs, err := d.o.Service.ActiveWebhooks()
	if err != nil {
		d.o.Logger.Error("webhooks: list the subscriptions", "err", err)
		return
	}
	active := map[string]bool{}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, s := range subs {
		active[s.ID] = true
		if _, ok := d.workers[s.ID]; ok {
			continue
		}
		wctx, cancel := context.WithCancel(ctx)
		w := &worker{d: d, sub: s, cancel: cancel, wake: make(chan struct{}, 1)}
		d.workers[s.ID] = w
		wg.Add(1)
		go func() { defer wg.Done(); w.run(wctx) }()
	}
	for id, w := range d.workers {
		if !active[id] {
			w.cancel()
			delete(d.workers, id)
		}
	}
}

func (d *Dispatcher) setErr(id, msg string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if msg == "" {
		delete(d.errs, id)
	} else {
		d.errs[id] = msg
	}
}

// worker delivers one subscription's events.
type worker struct {
	d      *Dispatcher
	sub    *ledger.Webhook
	cancel context.CancelFunc
	wake   chan struct{}
}

func (w *worker) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// pageEvents is how many events a worker reads at a time.
const pageEvents = 256

func (w *worker) run(ctx context.Context) {
	next, ok, err := w.d.st.cursor(w.sub.ID)
	if err != nil {
		w.d.o.Logger.Error("webhooks: read the cursor", "webhook", w.sub.ID, "err", err)
		return
	}
	if !ok {
		next = w.sub.From
	}
	for ctx.Err() == nil {
		moved, err := w.step(ctx, &next)
		if err != nil && ctx.Err() == nil {
			w.d.o.Logger.Error("webhooks: delivery stopped", "webhook", w.sub.ID, "err", err)
		}
		if moved && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
		case <-w.wake:
		case <-time.After(w.d.o.Poll):
		}
	}
}

// step delivers the events from *next up to the checkpoint (at most a
// page), moving *next and the durable cursor past each one delivered or
// skipped. It reports whether it moved.
func (w *worker) step(ctx context.Context, next *uint64) (bool, error) {
	if _, ro := w.d.o.Service.ReadOnly(); ro {
		return false, nil // the ledger failed its integrity check: deliver nothing from it
	}
	cp, err := w.d.o.Checkpoint()
	if err != nil {
		return false, err
	}
	text, _, _ := bytes.Cut(cp, []byte("\n\n"))
	c, err := chain.ParseCheckpoint(string(text) + "\n")
	if err != nil {
		return false, err
	}
	if *next >= c.Size {
		return false, nil
	}
	log := w.d.o.Service.Log()
	n := min(c.Size-*next, pageEvents)
	events := make([][]byte, 0, n)
	if err := log.Events(*next, int(n), func(_ uint64, b []byte) error {
		events = append(events, bytes.Clone(b))
		return nil
	}); err != nil {
		return false, err
	}
	start := *next
	skipped := false
	for j, b := range events {
		i := start + uint64(j)
		e, err := chain.Decode(b)
		if err != nil {
			return j > 0, err
		}
		visible, err := w.d.o.Service.EventVisibleTo(w.sub.Principal(), e)
		if err != nil {
			return j > 0, err
		}
		if !visible {
			*next, skipped = i+1, true
			continue
		}
		proof, err := log.InclusionProof(i, c.Size)
		if err != nil {
			return j > 0, err
		}
		if err := w.deliver(ctx, i, e.Type, body{Index: i, Event: b, InclusionProof: proof, Checkpoint: string(cp)}); err != nil {
			if skipped {
				_ = w.d.st.record(w.sub.ID, nil, next)
			}
			return j > 0, err
		}
		*next, skipped = i+1, false
	}
	if skipped {
		if err := w.d.st.record(w.sub.ID, nil, next); err != nil {
			return true, err
		}
	}
	return true, nil
}

// body is a delivery's JSON body.
type body struct {
	Index          uint64          `json:"index"`
	Event          json.RawMessage `json:"event"`
	InclusionProof [][]byte        `json:"inclusion_proof"`
	Checkpoint     string          `json:"checkpoint"`
}

// Headers of a delivery.
const (
	// HeaderSignature is "sha256=" and the hex HMAC-SHA256 of the body
	// under the subscription's secret.
	HeaderSignature = "Hwledger-Signature"
	// HeaderWebhook names the subscription; HeaderIndex the event's
	// ledger index (a receiver drops a repeated delivery by it).
	HeaderWebhook = "Hwledger-Webhook"
	HeaderIndex   = "Hwledger-Event-Index"
)

// Sign returns the Hwledger-Signature value of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// deliver posts event i until the receiver answers 2xx, logging every
// attempt; the cursor moves past i with the successful attempt's record.
// It returns only on success or when ctx ends.
func (w *worker) deliver(ctx context.Context, i uint64, typ string, b body) error {
	payload, err := json.Marshal(b)
	if err != nil {
		return err
	}
	sig := Sign(w.d.st.secret(w.sub.ID), payload)
	for attempt := 1; ; attempt++ {
		start := time.Now()
		status, err := w.post(ctx, payload, sig, i)
		d := &Delivery{Index: i, EventType: typ, Attempt: attempt, At: start.UTC(),
			DurationMS: float64(time.Since(start).Microseconds()) / 1000, HTTPStatus: status}
		if ctx.Err() != nil {
			return ctx.Err() // stopped: not an attempt to log
		}
		if err == nil {
			d.Status = Delivered
			next := i + 1
			if err := w.d.st.record(w.sub.ID, d, &next); err != nil {
				return err
			}
			w.d.setErr(w.sub.ID, "")
			return nil
		}
		wait := min(w.d.o.FirstRetry<<min(attempt-1, 20), w.d.o.MaxRetry)
		at := time.Now().Add(wait).UTC()
		d.Status, d.Error, d.NextAttemptAt = Failed, err.Error(), &at
		if err := w.d.st.record(w.sub.ID, d, nil); err != nil {
			return err
		}
		w.d.setErr(w.sub.ID, fmt.Sprintf("event %d: %v", i, err))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// post sends one attempt; a non-2xx answer is an error.
func (w *worker) post(ctx context.Context, payload []byte, sig string, i uint64) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.sub.URL, bytes.NewReader(payload))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderSignature, sig)
	req.Header.Set(HeaderWebhook, w.sub.ID)
	req.Header.Set(HeaderIndex, fmt.Sprint(i))
	resp, err := w.d.o.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("the receiver answered %s", resp.Status)
	}
	return resp.StatusCode, nil
}
