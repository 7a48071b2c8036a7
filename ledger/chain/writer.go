package chain

import (
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
	if l.opts.ReadOnly {
		return nil, ErrReadOnly
	}
	req := &request{cmd: cmd, done: make(chan result, 1)}
	select {
	case <-l.stop:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	case l.queue <- req:
	}
	r := <-req.done
	return r.events, r.err
}

// writer is the only goroutine that writes the store.
func (l *Log) writer() {
	defer l.wg.Done()
	batch := make([]*request, 0, l.opts.MaxBatch)
	for {
		batch = batch[:0]
		select {
		case req := <-l.queue:
			batch = append(batch, req)
		case <-l.stop:
			// Drain what was queued before Close, then stop.
			for {
				select {
				case req := <-l.queue:
					l.run([]*request{req})
				default:
					return
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
				// Let callers just acknowledged by the last commit submit
				// again before this batch closes: it costs nothing when
				// none are runnable and makes batches fuller under load.
				yielded = true
				runtime.Gosched()
			}
		}
		l.run(batch)
	}
}

// pending is the state of one batch being built.
type pending struct {
	txn     *badger.Txn
	now     time.Time
	next    uint64
	prev    []byte
	rng     *compact.Range
	bytes   int
	events  []*Event
	encoded [][]byte
	hashes  [][]byte
	acks    []ack
}

type ack struct {
	req    *request
	events []*Event
}

// run applies the requests in order, committing whenever a transaction's
// budget would be exceeded, and acknowledges each after its commit.
func (l *Log) run(reqs []*request) {
	p := l.begin()
	for _, req := range reqs {
		tx := &Tx{txn: p.txn, now: p.now, writes: map[string][]byte{}, next: p.next, prev: p.prev, newID: l.opts.NewID}
		err := safeRun(req.cmd, tx)
		if err == nil && tx.bytes > l.opts.MaxBatchBytes {
			err = ErrTooLarge
		}
		if err != nil {
			req.done <- result{err: err}
			continue
		}
		if p.bytes+tx.bytes > l.opts.MaxBatchBytes && len(p.acks) > 0 {
			// Commit what we have; this command's reads stay valid because
			// the committed state is exactly what it saw.
			l.commit(p)
			p = l.begin()
		}
		if err := p.absorb(tx); err != nil {
			req.done <- result{err: err}
			l.fail(p, err)
			p = l.begin()
			continue
		}
		p.acks = append(p.acks, ack{req: req, events: tx.events})
	}
	if len(p.acks) > 0 {
		l.commit(p)
	} else {
		p.txn.Discard()
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

func (l *Log) begin() *pending {
	l.mu.RLock()
	defer l.mu.RUnlock()
	hashes := make([][]byte, len(l.rng.Hashes()))
	copy(hashes, l.rng.Hashes())
	rng, _ := rangeFactory.NewRange(0, l.size, hashes)
	return &pending{
		txn:  l.db.NewTransaction(true),
		now:  canonTime(l.opts.Clock()),
		next: l.size,
		prev: l.last,
		rng:  rng,
	}
}

// absorb moves a successful command's writes and events into the batch.
func (p *pending) absorb(tx *Tx) error {
	for _, k := range tx.order {
		v := tx.writes[k]
		var err error
		if v == nil {
			err = p.txn.Delete([]byte(k))
		} else {
			err = p.txn.Set([]byte(k), v)
		}
		if err != nil {
			return err
		}
	}
	for i, e := range tx.events {
		h := tx.hashes[i]
		// The visitor reports the leaf itself (level 0) and every node the
		// append completes, in increasing level.
		nodes := make([]byte, 0, 64)
		if err := p.rng.Append(h, func(id compact.NodeID, hash []byte) {
			nodes = append(nodes, hash...)
		}); err != nil {
			return err
		}
		if err := p.txn.Set(eventKey(e.Index), tx.encoded[i]); err != nil {
			return err
		}
		if err := p.txn.Set(nodeKey(e.Index), nodes); err != nil {
			return err
		}
	}
	p.events = append(p.events, tx.events...)
	p.encoded = append(p.encoded, tx.encoded...)
	p.hashes = append(p.hashes, tx.hashes...)
	p.bytes += tx.bytes
	p.next, p.prev = tx.next, tx.prev
	return nil
}

// commit writes head and checkpoint, commits with a synced write, publishes
// the new head and acknowledges every command of the batch.
func (l *Log) commit(p *pending) {
	err := func() error {
		root, err := rootOf(p.rng)
		if err != nil {
			return err
		}
		var signed []byte
		if len(p.events) > 0 {
			if err := p.txn.Set(keyHead, encodeHead(p.next, p.prev)); err != nil {
				return err
			}
			if signed, err = l.sign(p.next, root); err != nil {
				return err
			}
			if err := p.txn.Set(keyCheckpoint, signed); err != nil {
				return err
			}
		}
		if err := p.txn.Commit(); err != nil {
			return err
		}
		if len(p.events) > 0 {
			l.mu.Lock()
			l.size, l.last, l.rng, l.root, l.cp = p.next, p.prev, p.rng, root, signed
			for _, b := range p.encoded {
				l.bytes += int64(len(b))
			}
			l.mu.Unlock()
		}
		return nil
	}()
	if err != nil {
		l.fail(p, err)
		return
	}
	for _, a := range p.acks {
		a.req.done <- result{events: a.events}
	}
	if l.opts.AfterCommit != nil && len(p.events) > 0 {
		l.opts.AfterCommit(p.events)
	}
}

// fail answers every command of an uncommitted batch with err.
func (l *Log) fail(p *pending, err error) {
	p.txn.Discard()
	l.opts.Logger.Error("ledger commit failed", "err", err, "commands", len(p.acks))
	err = fmt.Errorf("commit failed: %w", err)
	for _, a := range p.acks {
		a.req.done <- result{err: err}
	}
}

// sign returns a signed checkpoint note for the tree of the given size.
func (l *Log) sign(size uint64, root []byte) ([]byte, error) {
	text := Checkpoint{Origin: l.opts.Origin, Size: size, Root: root}.Text()
	return note.Sign(&note.Note{Text: text}, l.key.Signer)
}
