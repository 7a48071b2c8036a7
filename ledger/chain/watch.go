package chain

import (
	"bytes"
	"fmt"

	"github.com/transparency-dev/merkle/compact"
)

// Watcher verifies new events as they land: each Check re-derives the leaf
// hashes, indices and prev links of the events appended since the last
// Check and compares the recomputed root with the root of the log at that
// size. Its cost is proportional to what is new. Not safe for concurrent
// use; one goroutine owns a Watcher.
type Watcher struct {
	next uint64
	prev []byte
	rng  *compact.Range
}

// NewWatcher starts watching from an empty log (the first Check reads all).
func NewWatcher() *Watcher {
	return &Watcher{prev: []byte(ZeroPrev), rng: rangeFactory.NewEmptyRange(0)}
}

// Checked is how many events the watcher has verified.
func (w *Watcher) Checked() uint64 { return w.next }

// Check verifies the events appended since the last call. A *Fault names
// the first bad event.
func (w *Watcher) Check(l *Log) error {
	size, root, _ := l.Head()
	if size < w.next {
		return &Fault{-1, fmt.Sprintf("the log shrank from %d to %d events", w.next, size)}
	}
	if size == w.next {
		return nil
	}
	err := l.Events(w.next, int(size-w.next), func(i uint64, b []byte) error {
		if i != w.next {
			return &Fault{int64(w.next), fmt.Sprintf("missing: the next stored event is %d", i)}
		}
		idx, prev, err := peek(b)
		if err != nil {
			return &Fault{int64(i), err.Error()}
		}
		if idx != i {
			return &Fault{int64(i), fmt.Sprintf("says it is event %d (moved or swapped)", idx)}
		}
		if !bytes.Equal(prev, w.prev) {
			return &Fault{int64(i), "prev does not match the event before it"}
		}
		leaf := HashLeaf(b)
		if err := w.rng.Append(leaf, nil); err != nil {
			return err
		}
		w.prev = hexAppend(w.prev[:0], leaf)
		w.next++
		return nil
	})
	if err != nil {
		return err
	}
	if w.next < size {
		return &Fault{int64(w.next), "missing"}
	}
	got, err := rootOf(w.rng)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, root) {
		return &Fault{-1, fmt.Sprintf("events up to %d hash to root %x, the log's tree says %x", size, got, root)}
	}
	return nil
}

// NewWatcherAt returns a watcher that takes the first rep.Size events of l
// as verified: call it right after l.Verify returned rep. When l has grown
// since, or its tree differs from rep, it returns a watcher that starts
// from the empty log instead, so nothing unverified is taken as checked.
func NewWatcherAt(l *Log, rep Report) *Watcher {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.size != rep.Size || !bytes.Equal(l.root, rep.Root) {
		return NewWatcher()
	}
	prev := []byte(ZeroPrev)
	if l.size > 0 {
		prev = hexAppend(nil, l.last)
	}
	return &Watcher{next: l.size, prev: prev, rng: cloneRange(l.rng)}
}
