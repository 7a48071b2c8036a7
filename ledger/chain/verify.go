package chain

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Fault is what Verify found wrong. Index is the first bad event, or -1 when
// the fault is not about one event (head, checkpoint, saved checkpoint).
type Fault struct {
	Index int64
	What  string
}

func (f *Fault) Error() string {
	if f.Index < 0 {
		return f.What
	}
	return fmt.Sprintf("event %d: %s", f.Index, f.What)
}

// IsFault reports whether err is a verification fault (as opposed to an
// I/O error that stopped verification).
func IsFault(err error) bool {
	var f *Fault
	return errors.As(err, &f)
}

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// Trusted is a signed checkpoint saved earlier, outside the store. When
	// set, the log must be an append-only extension of it: this catches a
	// truncated tail and a restored-and-appended (forked) log.
	Trusted []byte
	// OnEvent, if set, is called for every event in order after its index
	// and link checked out (the domain replays projections here). An error
	// it returns is reported as a fault at that index, unless the tree shows
	// an earlier event was changed: Verify always names the first fault.
	OnEvent func(index uint64, b []byte) error
}

// Report summarises a successful verification.
type Report struct {
	Size       uint64
	Root       []byte
	Bytes      int64
	Checkpoint Checkpoint
}

// Verify re-derives every leaf hash, every prev link and index, every stored
// tree node, the root, and the signature of the stored checkpoint, which
// must cover exactly the stored log (in a follower: the whole log or a
// prefix of it, see follow.go; Report.Checkpoint says which). It reads one
// snapshot and writes nothing. It returns a *Fault naming the first bad
// index and what is wrong.
func (l *Log) Verify(opts VerifyOptions) (Report, error) {
	var trusted *Checkpoint
	if opts.Trusted != nil {
		c, err := OpenCheckpoint(opts.Trusted, l.key.Verifier)
		if err != nil {
			return Report{}, &Fault{-1, "saved checkpoint: " + err.Error()}
		}
		if c.Origin != l.opts.Origin {
			return Report{}, &Fault{-1, fmt.Sprintf("saved checkpoint is for log %q, this is %q", c.Origin, l.opts.Origin)}
		}
		trusted = &c
	}
	var rep Report
	err := l.db.View(func(txn *badger.Txn) error {
		cp, err := storedCheckpoint(txn, l.key)
		if err != nil {
			return err
		}
		var prefix uint64
		if cp != nil && l.follower {
			prefix = cp.Size
		}
		p := startPipeline(txn)
		defer p.stop()
		tree := startTree(trusted, prefix)
		defer tree.stop()

		prevHex := []byte(ZeroPrev)
		var i uint64
		for c := p.nextEvents(); c != nil; c = p.nextEvents() {
			if err := tree.failed(); err != nil {
				return err
			}
			// fault reports f at entry j of c, unless the tree finds an
			// earlier one.
			fault := func(j int, f error) error {
				if err := tree.finish(); err != nil {
					return err
				}
				if err := tree.check(c, j); err != nil {
					return err
				}
				return f
			}
			for j := range c.len() {
				if k := c.keys[j]; c.badKey[j] || k != i {
					switch {
					case c.badKey[j]:
						return fault(j, &Fault{int64(i), "an event is stored under a malformed key"})
					case k > i:
						return fault(j, &Fault{int64(i), fmt.Sprintf("missing: the next stored event is %d", k)})
					}
					return fault(j, &Fault{int64(i), "stored under a wrong key"})
				}
				if c.bad[j] {
					return fault(j, &Fault{int64(i), "the stored entry is malformed (no tree nodes before the event)"})
				}
				b := c.value(j)
				idx, prev, err := peek(b)
				if err != nil {
					return fault(j, &Fault{int64(i), err.Error()})
				}
				if idx != i {
					return fault(j, &Fault{int64(i), fmt.Sprintf("says it is event %d (moved or swapped)", idx)})
				}
				if !bytes.Equal(prev, prevHex) {
					return fault(j, &Fault{int64(i), fmt.Sprintf("prev is %s but event %d hashes to %s", prev, int64(i)-1, prevHex)})
				}
				rep.Bytes += int64(len(b))
				if opts.OnEvent != nil {
					if err := opts.OnEvent(i, b); err != nil {
						return fault(j, &Fault{int64(i), err.Error()})
					}
				}
				prevHex = hexAppend(prevHex[:0], c.leaves[j][:])
				i++
			}
			if c.err != nil {
				return c.err
			}
			tree.send(c)
		}
		if err := tree.finish(); err != nil {
			return err
		}
		rng, trustedRoot := tree.rng, tree.trustedRoot
		root, err := rootOf(rng)
		if err != nil {
			return err
		}
		rep.Size, rep.Root = i, root
		if err := checkHead(txn, i, prevHex); err != nil {
			return err
		}
		if cp != nil && l.follower && cp.Size < i {
			// The follower copied the first events of its next checkpoint.
			cpRoot := tree.prefixRoot
			if cp.Size == 0 {
				cpRoot = rootOfEmpty()
			}
			if cp.Origin != l.opts.Origin || !bytes.Equal(cp.Root, cpRoot) {
				if cp.Origin != l.opts.Origin {
					return &Fault{-1, fmt.Sprintf("the stored checkpoint is for log %q, this log is %q", cp.Origin, l.opts.Origin)}
				}
				return &Fault{-1, fmt.Sprintf("signed checkpoint (size %d, root %x) does not match the first %d stored events (root %x)", cp.Size, cp.Root, cp.Size, cpRoot)}
			}
			rep.Checkpoint = *cp
		} else if cp != nil {
			if cp.Origin != l.opts.Origin || cp.Size != i || !bytes.Equal(cp.Root, root) {
				if cp.Origin != l.opts.Origin {
					return &Fault{-1, fmt.Sprintf("the stored checkpoint is for log %q, this log is %q", cp.Origin, l.opts.Origin)}
				}
				return &Fault{-1, fmt.Sprintf("signed checkpoint (size %d) does not match the stored log (size %d, root %x)", cp.Size, i, root)}
			}
			rep.Checkpoint = *cp
		} else if i > 0 && !l.follower {
			// (A follower that has copied the first events of its first
			// checkpoint holds none yet.)
			return &Fault{-1, "no signed checkpoint is stored"}
		}
		if trusted != nil {
			switch {
			case trusted.Size > i:
				return &Fault{-1, fmt.Sprintf("truncated: saved checkpoint has %d events, the log only %d", trusted.Size, i)}
			case trusted.Size == 0:
				trustedRoot = rootOfEmpty()
			}
			if !bytes.Equal(trustedRoot, trusted.Root) {
				return &Fault{-1, fmt.Sprintf("forked: the first %d events hash to %x, the saved checkpoint says %x", trusted.Size, trustedRoot, trusted.Root)}
			}
		}
		return nil
	})
	return rep, err
}

func hexAppend(dst, h []byte) []byte {
	dst = append(dst, make([]byte, hex.EncodedLen(len(h)))...)
	hex.Encode(dst[len(dst)-hex.EncodedLen(len(h)):], h)
	return dst
}

// checkNodes compares the stored tree nodes of leaf i with the recomputed.
func checkNodes(v []byte, i uint64, want []byte) error {
	if !bytes.Equal(v, want) {
		if len(v) >= 32 && !bytes.Equal(v[:32], want[:32]) {
			return &Fault{int64(i), "content changed: its leaf hash differs from the one in the Merkle tree"}
		}
		return &Fault{int64(i), "stored Merkle tree nodes differ from the recomputed ones"}
	}
	return nil
}

func checkHead(txn *badger.Txn, size uint64, lastHex []byte) error {
	item, err := txn.Get(keyHead)
	if errors.Is(err, badger.ErrKeyNotFound) {
		if size == 0 {
			return nil
		}
		return &Fault{-1, "ledger head is missing"}
	}
	if err != nil {
		return err
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return err
	}
	hs, last, ok := decodeHead(v)
	if !ok || hs != size || (size > 0 && hex.EncodeToString(last) != string(lastHex)) {
		return &Fault{-1, fmt.Sprintf("ledger head says %d events, %d are stored", hs, size)}
	}
	return nil
}

func storedCheckpoint(txn *badger.Txn, key Key) (*Checkpoint, error) {
	item, err := txn.Get(keyCheckpoint)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return nil, err
	}
	cp, err := OpenCheckpoint(v, key.Verifier)
	if err != nil {
		return nil, &Fault{-1, "stored " + err.Error()}
	}
	return &cp, nil
}
