package chain

import (
	"github.com/transparency-dev/merkle/compact"
)

// tree recomputes the Merkle tree for Verify from the leaf hashes, in
// order, and compares every entry's stored nodes with the recomputed ones.
// It runs in its own goroutine beside the checks of indices, links and
// replay, so hashing the inner nodes takes another core. Chunks reach it
// only after those checks passed for every entry.
type tree struct {
	rng         *compact.Range
	trusted     *Checkpoint
	trustedRoot []byte
	// prefix, when not 0, is a size whose root is kept in prefixRoot (a
	// follower's checkpoint may cover a prefix of the log).
	prefix     uint64
	prefixRoot []byte
	want       []byte

	in    chan *chunk
	early chan error // the first fault, as soon as it is found
	done  chan error // the first fault (or nil) once in is closed and drained
	err   error
	ran   bool // finish has collected done
}

func startTree(trusted *Checkpoint, prefix uint64) *tree {
	t := &tree{rng: rangeFactory.NewEmptyRange(0), trusted: trusted, prefix: prefix,
		in: make(chan *chunk, chunksAhead), early: make(chan error, 1), done: make(chan error, 1)}
	go func() {
		var err error
		for c := range t.in {
			if err == nil {
				if err = t.check(c, c.len()); err != nil {
					t.early <- err
				}
			}
			c.release() // the consumer is done with c before sending it
		}
		t.done <- err
	}()
	return t
}

// check appends the first n entries of c to the tree and compares their
// stored nodes. The caller owns t: the goroutine, or the verifier once
// finish has returned.
func (t *tree) check(c *chunk, n int) error {
	visit := func(_ compact.NodeID, h []byte) { t.want = append(t.want, h...) }
	for j := range n {
		i := c.keys[j]
		t.want = t.want[:0]
		if err := t.rng.Append(c.leaves[j][:], visit); err != nil {
			return err
		}
		if err := checkNodes(c.storedNodes(j), i, t.want); err != nil {
			return err
		}
		if t.trusted != nil && i+1 == t.trusted.Size {
			root, err := t.rng.GetRootHash(nil)
			if err != nil {
				return err
			}
			t.trustedRoot = root
		}
		if i+1 == t.prefix {
			root, err := t.rng.GetRootHash(nil)
			if err != nil {
				return err
			}
			t.prefixRoot = root
		}
	}
	return nil
}

// send hands a checked chunk to the tree goroutine.
func (t *tree) send(c *chunk) { t.in <- c }

// failed reports a fault the goroutine already found, without waiting.
func (t *tree) failed() error {
	select {
	case err := <-t.early:
		return err
	default:
		return nil
	}
}

// finish waits until every chunk sent was checked and returns the first
// fault. After it, check may be called directly.
func (t *tree) finish() error {
	if !t.ran {
		close(t.in)
		t.err = <-t.done
		t.ran = true
	}
	return t.err
}

// stop releases the goroutine if Verify returned early.
func (t *tree) stop() { _ = t.finish() }
