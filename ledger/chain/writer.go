package chain

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/transparency-dev/merkle/compact"
	"golang.org/x/mod/sumdb/note"
)

type request struct {
	cmd  Command
	done chan result
}

type result struct {
	events []*Event
	err    error
}

// Submit queues cmd for the single writer and waits until the batch holding
// it is durably committed (synced), then returns the events it appended. If
// cmd fails, its error is returned and nothing of it was written. Once a
// command is queued, Submit waits for its outcome even if ctx ends, so a
// caller never mistakes a committed command for a lost one.
func (l *Log) Submit(ctx context.Context, cmd Command) ([]*Event, error) {
	return l.Enqueue(ctx, cmd)()
}

// Enqueue queues cmd like Submit but returns once it is queued; wait
// returns its outcome, as Submit would. Commands one goroutine enqueues
// run in the order it enqueued them, so a copier can keep several in
// flight (the writer commits one batch while it runs the next).
func (l *Log) Enqueue(ctx context.Context, cmd Command) (wait func() ([]*Event, error)) {
	failed := func(err error) func() ([]*Event, error) { return func() ([]*Event, error) { return nil, err } }
	if l.opts.ReadOnly {
		return failed(ErrReadOnly)
	}
	if err := l.Sealed(); err != nil {
		return failed(err)
	}
	req := &request{cmd: cmd, done: make(chan result, 1)}
	select {
	case <-l.stop:
		return failed(ErrClosed)
	case <-ctx.Done():
		return failed(ctx.Err())
	case l.queue <- req:
	}
	return func() ([]*Event, error) {
		r := <-req.done
		return r.events, r.err
	}
}

// writer is the only goroutine that writes the store. It pipelines group
// commits: while one batch is being synced, it runs the commands of the
// next batch against a view that includes the syncing batch's writes, and
// it commits that next batch only once the previous one is durable. Every
// command is acknowledged only after its own batch's synced commit.
func (l *Log) writer() {
	defer l.wg.Done()
	w := &committer{l: l}
	w.reset()
	defer w.close()
	batch := make([]*request, 0, l.opts.MaxBatch)
	for {
		batch = batch[:0]
		if w.inflight != nil {
			// Wait for either new work or the syncing batch.
			select {
			case req := <-l.queue:
				batch = append(batch, req)
			case err := <-w.inflight.done:
				w.finish(err)
				continue
			}
		} else {
			select {
			case req := <-l.queue:
				batch = append(batch, req)
			case <-l.stop:
				// Drain what was queued before Close, then stop.
				for {
					select {
					case req := <-l.queue:
						w.run([]*request{req})
					default:
						return
					}
				}
			}
		}
		yielded := false
	fill:
		for len(batch) < l.opts.MaxBatch {
			select {
			case req := <-l.queue:
				batch = append(batch, req)
			default:
				if yielded {
					break fill
				}
				// Let callers just acknowledged submit again before this
				// batch closes: it makes batches fuller under load.
				yielded = true
				runtime.Gosched()
			}
		}
		w.run(batch)
	}
}

// committer is the writer's state. Only the writer goroutine touches it.
type committer struct {
	l *Log
	// base is a snapshot of every durable batch (not inflight, which the
	// next batch reads from its writes); baseSize is the log size it holds.
	base     *badger.Txn
	baseSize uint64
	// inflight is the batch being committed, or nil.
	inflight *pending
	// tip is the log as the next batch must extend it (including inflight).
	tipSize uint64
	tipLast []byte
	tipRng  *compact.Range
	// keys is the number of keys the last batch wrote: the next batch's
	// write map starts that large instead of growing step by step.
	keys int
	// next is the Badger transaction the next batch commits in, begun
	// before the batch in flight was committed (see commit), or nil.
	next *badger.Txn
	// recent holds the writes of the last durable batches, newest first:
	// reads of keys written lately (a record rewritten batch after batch,
	// an index block being filled) find them here instead of in Badger,
	// which costs a skiplist and table search per read.
	recent []map[string][]byte
}

// recentBatches is how many durable batches' writes the writer keeps as a
// read cache.
const recentBatches = 4

// pending is one batch: its writes, events and acknowledgements.
type pending struct {
	view    view
	writes  map[string][]byte // nil value = delete
	now     time.Time
	next    uint64
	prev    []byte
	rng     *compact.Range
	bytes   int
	events  []*Event
	encoded [][]byte
	acks    []ack
	root    []byte
	// signed is the checkpoint the batch stores (signed here, or in a
	// follower the latest one a command set), of size cpSize and root
	// cpRoot; nil when it stores none.
	signed []byte
	cpSize uint64
	cpRoot []byte
	done   chan error
}

type ack struct {
	req    *request
	events []*Event
}

// reset rebuilds the tip from the committed log (at start, after a failure).
func (w *committer) reset() {
	w.recent = nil
	if w.next != nil {
		w.next.Discard()
		w.next = nil
	}
	if w.base != nil {
		w.base.Discard()
	}
	w.base = w.l.db.NewTransaction(false)
	w.l.mu.RLock()
	defer w.l.mu.RUnlock()
	w.tipSize, w.tipLast, w.tipRng = w.l.size, w.l.last, cloneRange(w.l.rng)
	w.baseSize = w.l.size
}

func (w *committer) close() {
	if w.inflight != nil {
		w.finish(<-w.inflight.done)
	}
	if w.next != nil {
		w.next.Discard()
	}
	w.base.Discard()
}

func cloneRange(r *compact.Range) *compact.Range {
	hashes := make([][]byte, len(r.Hashes()))
	copy(hashes, r.Hashes())
	c, _ := rangeFactory.NewRange(r.Begin(), r.End(), hashes)
	return c
}

// begin starts a batch on top of the tip.
func (w *committer) begin() *pending {
	p := &pending{writes: make(map[string][]byte, w.keys), now: canonTime(w.l.opts.Clock()),
		next: w.tipSize, prev: w.tipLast, rng: cloneRange(w.tipRng)}
	p.view.base, p.view.baseSize = w.base, w.baseSize
	p.view.layers = []map[string][]byte{p.writes}
	if w.inflight != nil {
		p.view.layers = append(p.view.layers, w.inflight.writes)
	}
	p.view.layers = append(p.view.layers, w.recent...)
	return p
}

// run applies the requests in order, starting a commit whenever a batch's
// budget would be exceeded, and at the end.
func (w *committer) run(reqs []*request) {
	l := w.l
	if err := l.Sealed(); err != nil {
		w.refuse(reqs, err)
		return
	}
	p := w.begin()
	// One Tx serves the commands in turn: its write map and key order are
	// emptied for each (absorb has copied what they held into the batch).
	writes, order := make(map[string][]byte, 16), make([]string, 0, 16)
	for i, req := range reqs {
		if err := l.Sealed(); err != nil {
			p.answer(err)
			w.refuse(reqs[i:], err)
			return
		}
		clear(writes)
		// The command reads its own writes first, then the batch's.
		tx := &Tx{view: &view{layers: p.view.layers, base: p.view.base, baseSize: p.view.baseSize},
			now: p.now, writes: writes, order: order[:0], next: p.next, prev: p.prev, newID: l.opts.NewID,
			follower: l.follower, verifier: l.key.Verifier}
		err := safeRun(req.cmd, tx)
		order = tx.order
		if err == nil && tx.bytes > l.opts.MaxBatchBytes {
			err = ErrTooLarge
		}
		if err == nil && tx.checkpoint != nil {
			err = p.checkCheckpoint(tx)
		}
		if err != nil {
			req.done <- result{err: err}
			continue
		}
		if p.bytes+tx.bytes > l.opts.MaxBatchBytes && len(p.acks) > 0 {
			// This command's reads stay valid: the next batch's view is
			// exactly what it saw.
			w.commit(p)
			p = w.begin()
		}
		p.absorb(tx)
		p.acks = append(p.acks, ack{req: req, events: tx.events})
	}
	if len(p.acks) > 0 {
		w.commit(p)
	}
}

func safeRun(cmd Command, tx *Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("command panicked: %v", r)
		}
	}()
	return cmd(tx)
}

// absorb moves a successful command's writes and events into the batch.
func (p *pending) absorb(tx *Tx) {
	for _, k := range tx.order {
		if old, seen := p.writes[k]; seen {
			p.bytes -= len(k) + len(old) + 16 // rewritten: counted once
		}
		p.writes[k] = tx.writes[k]
	}
	for i, e := range tx.events {
		h := tx.hashes[i]
		// The visitor reports the leaf itself (level 0) and every node the
		// append completes, in increasing level.
		nodes := make([]byte, 0, 64)
		_ = p.rng.Append(h, func(id compact.NodeID, hash []byte) { nodes = append(nodes, hash...) })
		p.writes[string(eventKey(e.Index))] = encodeEntry(nodes, tx.encoded[i])
	}
	if tx.checkpoint != nil {
		p.signed, p.cpSize, p.cpRoot = tx.checkpoint, tx.cpSize, tx.cpRoot
	}
	p.events = append(p.events, tx.events...)
	p.encoded = append(p.encoded, tx.encoded...)
	p.bytes += tx.bytes
	p.next, p.prev = tx.next, tx.prev
}

// refuse answers reqs with err (the log is sealed), once the batch in
// flight is finished: Seal's barrier is answered only after it.
func (w *committer) refuse(reqs []*request, err error) {
	if w.inflight != nil {
		w.finish(<-w.inflight.done)
	}
	for _, req := range reqs {
		req.done <- result{err: err}
	}
}

// commit prepares p's Badger transaction (head and checkpoint included)
// while the batch in flight syncs, waits for that batch to be durable,
// then starts p's commit and makes p the tip. A sealed log commits
// nothing more: p's commands answer the seal's error.
func (w *committer) commit(p *pending) {
	if err := w.l.Sealed(); err != nil {
		p.answer(err)
		return
	}
	txn, err := w.prepare(p)
	if w.inflight != nil {
		if !w.finish(<-w.inflight.done) {
			// p was built on a batch that failed: it fails too.
			if txn != nil {
				txn.Discard()
			}
			w.fail(p, fmt.Errorf("an earlier batch failed to commit"))
			return
		}
	}
	if err != nil {
		w.fail(p, err)
		w.reset()
		return
	}
	// The next batch's transaction begins now: begun after this commit
	// starts, it would wait for it to be applied. It only writes (Badger
	// checks no conflicts here), so its older read time does not matter.
	w.next = w.l.db.NewTransaction(true)
	p.done = make(chan error, 1)
	txn.CommitWith(func(err error) { p.done <- err })
	w.inflight = p
	w.keys = len(p.writes)
	w.tipSize, w.tipLast, w.tipRng = p.next, p.prev, p.rng
}

// prepare returns p's writes, head and signed checkpoint in a Badger
// transaction ready to commit.
func (w *committer) prepare(p *pending) (*badger.Txn, error) {
	root, err := rootOf(p.rng)
	if err != nil {
		return nil, err
	}
	p.root = root
	if len(p.events) > 0 {
		p.writes[string(keyHead)] = encodeHead(p.next, p.prev)
		if !w.l.follower {
			if p.signed, err = w.l.sign(p.next, root); err != nil {
				return nil, err
			}
			p.cpSize, p.cpRoot = p.next, root
		}
	}
	if p.signed != nil {
		p.writes[string(keyCheckpoint)] = p.signed
	}
	txn := w.next
	w.next = nil
	if txn == nil {
		txn = w.l.db.NewTransaction(true)
	}
	for k, v := range p.writes {
		if v == nil {
			err = txn.Delete([]byte(k))
		} else {
			err = txn.Set([]byte(k), v)
		}
		if err != nil {
			txn.Discard()
			return nil, err
		}
	}
	return txn, nil
}

// finish completes the batch in flight: on success it publishes the new
// head and acknowledges every command; on failure it fails them all and
// resets the tip to the durable log. It reports success.
func (w *committer) finish(err error) bool {
	p := w.inflight
	w.inflight = nil
	l := w.l
	if err != nil {
		w.fail(p, err)
		w.reset()
		return false
	}
	// The next batch reads a snapshot that includes p, and p's writes
	// first.
	w.base.Discard()
	w.base, w.baseSize = l.db.NewTransaction(false), p.next
	w.recent = append([]map[string][]byte{p.writes}, w.recent[:min(len(w.recent), recentBatches-1)]...)
	if len(p.events) > 0 || p.signed != nil {
		l.mu.Lock()
		l.size, l.last, l.rng, l.root = p.next, p.prev, p.rng, p.root
		if p.signed != nil {
			l.cp, l.cpSize, l.cpRoot = p.signed, p.cpSize, p.cpRoot
		}
		for _, b := range p.encoded {
			l.bytes += int64(len(b))
		}
		l.mu.Unlock()
	}
	for _, a := range p.acks {
		a.req.done <- result{events: a.events}
	}
	if l.opts.AfterCommit != nil && len(p.events) > 0 {
		l.opts.AfterCommit(p.events)
	}
	return true
}

// answer answers every command of an uncommitted batch with err.
func (p *pending) answer(err error) {
	for _, a := range p.acks {
		a.req.done <- result{err: err}
	}
}

// fail answers every command of an uncommitted batch with err.
func (w *committer) fail(p *pending, err error) {
	w.l.opts.Logger.Error("ledger commit failed", "err", err, "commands", len(p.acks))
	err = fmt.Errorf("commit failed: %w", err)
	for _, a := range p.acks {
		a.req.done <- result{err: err}
	}
}

// checkCheckpoint checks that the checkpoint tx set (SetCheckpoint) is
// for the log as tx leaves it: its size, and its root, that of the batch's
// tree extended with tx's events.
func (p *pending) checkCheckpoint(tx *Tx) error {
	if tx.cpSize != tx.next {
		return fmt.Errorf("%w: the checkpoint has %d events, the command left the log with %d", ErrCopy, tx.cpSize, tx.next)
	}
	r := cloneRange(p.rng)
	for _, h := range tx.hashes {
		if err := r.Append(h, nil); err != nil {
			return err
		}
	}
	root, err := rootOf(r)
	if err != nil {
		return err
	}
	if !bytes.Equal(root, tx.cpRoot) {
		return fmt.Errorf("%w: the checkpoint of %d events has root %x, the log's first %d events hash to %x",
			ErrCopy, tx.cpSize, tx.cpRoot, tx.cpSize, root)
	}
	return nil
}

// sign returns a signed checkpoint note for the tree of the given size.
func (l *Log) sign(size uint64, root []byte) ([]byte, error) {
	text := Checkpoint{Origin: l.opts.Origin, Size: size, Root: root}.Text()
	return note.Sign(&note.Note{Text: text}, l.key.Signer)
}
