package main

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// The chain's key layout (package chain's doc, "Keys in Badger").
func eventKey(i uint64) []byte { return indexKey("c/e/", i) }
func nodeKey(i uint64) []byte  { return indexKey("c/n/", i) }

var (
	keyHead       = []byte("c/head")
	keyCheckpoint = []byte("c/cp")
)

func indexKey(prefix string, i uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(prefix), i)
}

// raw is direct write access to a case's store, bypassing the chain.
type raw struct{ db *badger.DB }

func openRaw(dir string) (*raw, error) {
	opts := badger.DefaultOptions(filepath.Join(dir, "store")).
		WithSyncWrites(true).
		WithLogger(nil).
		WithCompactL0OnClose(true)
	db, err := badger.Open(opts)
	return &raw{db}, err
}

func (r *raw) get(k []byte) ([]byte, error) {
	var v []byte
	err := r.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(k)
		if err != nil {
			return err
		}
		v, err = item.ValueCopy(nil)
		return err
	})
	return v, err
}

func (r *raw) set(k, v []byte) error {
	return r.db.Update(func(txn *badger.Txn) error { return txn.Set(k, v) })
}

func (r *raw) del(k []byte) error {
	return r.db.Update(func(txn *badger.Txn) error { return txn.Delete(k) })
}

// rewrite decodes event i, lets edit change it and stores the re-encoded
// bytes (still canonical, so only the hashes can tell).
func (r *raw) rewrite(i uint64, edit func(e *chain.Event)) ([]byte, error) {
	b, err := r.get(eventKey(i))
	if err != nil {
		return nil, err
	}
	e, err := chain.Decode(b)
	if err != nil {
		return nil, err
	}
	edit(e)
	if b, err = e.Encode(); err != nil {
		return nil, err
	}
	return b, r.set(eventKey(i), b)
}

func (r *raw) close() error { return r.db.Close() }

// withRaw builds a good ledger of n events, then tampers with it.
func withRaw(dir string, n int, tamper func(r *raw) error) error {
	if err := build(dir, n); err != nil {
		return err
	}
	r, err := openRaw(dir)
	if err != nil {
		return err
	}
	if err := tamper(r); err != nil {
		r.close()
		return err
	}
	return r.close()
}

// lessWaste changes an event's quantity: the fraud the chain must catch.
func lessWaste(e *chain.Event) {
	var d map[string]any
	_ = json.Unmarshal(e.Data, &d)
	d["quantity_g"] = 1
	e.Data, _ = json.Marshal(d)
}

// buildGood: an untampered ledger and a checkpoint saved at its end.
func buildGood(dir string) error {
	g, err := open(dir, 0)
	if err != nil {
		return err
	}
	if err := g.appendN(events, "A"); err != nil {
		g.close()
		return err
	}
	if err := g.saveCheckpoint(dir); err != nil {
		g.close()
		return err
	}
	return g.close()
}

// buildPayload: event 7's data rewritten in place.
func buildPayload(dir string) error {
	return withRaw(dir, events, func(r *raw) error {
		_, err := r.rewrite(7, lessWaste)
		return err
	})
}

// buildPrev: event 7 rewritten and event 8's prev rewritten to its new hash,
// so the link from 7 to 8 holds.
func buildPrev(dir string) error {
	return withRaw(dir, events, func(r *raw) error {
		b, err := r.rewrite(7, lessWaste)
		if err != nil {
			return err
		}
		_, err = r.rewrite(8, func(e *chain.Event) { e.Prev = hex.EncodeToString(chain.HashLeaf(b)) })
		return err
	})
}

// buildDeleted: event 10 and its tree nodes deleted from the middle.
func buildDeleted(dir string) error {
	return withRaw(dir, events, func(r *raw) error {
		if err := r.del(eventKey(10)); err != nil {
			return err
		}
		return r.del(nodeKey(10))
	})
}

// buildSwapped: events 5 and 6 swapped.
func buildSwapped(dir string) error {
	return withRaw(dir, events, func(r *raw) error {
		a, err := r.get(eventKey(5))
		if err != nil {
			return err
		}
		b, err := r.get(eventKey(6))
		if err != nil {
			return err
		}
		if err := r.set(eventKey(5), b); err != nil {
			return err
		}
		return r.set(eventKey(6), a)
	})
}

// buildTruncated: a checkpoint is saved at 20 events, then the attacker, who
// holds the signing key, deletes events 15..19 and their nodes and rewrites
// and re-signs the head and checkpoint. The store alone is a valid log of 15
// events; only the saved checkpoint shows the tail is gone.
func buildTruncated(dir string) error {
	g, err := open(dir, 0)
	if err != nil {
		return err
	}
	if err := g.appendN(events, "A"); err != nil {
		g.close()
		return err
	}
	if err := g.saveCheckpoint(dir); err != nil {
		g.close()
		return err
	}
	if err := g.close(); err != nil {
		return err
	}
	r, err := openRaw(dir)
	if err != nil {
		return err
	}
	defer r.close()
	const keep = 15
	for i := uint64(keep); i < events; i++ {
		if err := r.del(eventKey(i)); err != nil {
			return err
		}
		if err := r.del(nodeKey(i)); err != nil {
			return err
		}
	}
	return r.resign(keep)
}

// resign rewrites the head and the stored checkpoint for the first size
// events as they are stored, signing with the (stolen) key.
func (r *raw) resign(size uint64) error {
	rf := &compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}
	rng := rf.NewEmptyRange(0)
	var last []byte
	for i := range size {
		b, err := r.get(eventKey(i))
		if err != nil {
			return err
		}
		last = chain.HashLeaf(b)
		if err := rng.Append(last, nil); err != nil {
			return err
		}
	}
	if size == 0 {
		return errors.New("resign: empty log")
	}
	root, err := rng.GetRootHash(nil)
	if err != nil {
		return err
	}
	k, err := chain.KeyFromPrivate(testKey)
	if err != nil {
		return err
	}
	text := chain.Checkpoint{Origin: "hwledger", Size: size, Root: root}.Text()
	signed, err := note.Sign(&note.Note{Text: text}, k.Signer)
	if err != nil {
		return err
	}
	head := binary.BigEndian.AppendUint64(nil, size)
	if err := r.set(keyHead, append(head, last...)); err != nil {
		return err
	}
	return r.set(keyCheckpoint, signed)
}

// buildRolledBack: a backup taken at 12 events is restored after a
// checkpoint was saved at 20. Caught by the saved checkpoint as truncation.
func buildRolledBack(dir string) error {
	return backupRestore(dir, false)
}

// buildForked: a backup taken at 12 events is restored after a checkpoint
// was saved at 20, then 10 different events are appended (22 in all, more
// than the saved checkpoint). Caught by the saved checkpoint as a fork.
func buildForked(dir string) error {
	return backupRestore(dir, true)
}

func backupRestore(dir string, appendAfter bool) error {
	const backupAt = 12
	if err := build(dir, backupAt); err != nil {
		return err
	}
	store, backup := filepath.Join(dir, "store"), filepath.Join(dir, "backup")
	if err := copyDir(store, backup); err != nil {
		return err
	}
	g, err := open(dir, backupAt)
	if err != nil {
		return err
	}
	if err := g.appendN(events-backupAt, "A"); err != nil {
		g.close()
		return err
	}
	if err := g.saveCheckpoint(dir); err != nil {
		g.close()
		return err
	}
	if err := g.close(); err != nil {
		return err
	}
	if err := os.RemoveAll(store); err != nil {
		return err
	}
	if err := os.Rename(backup, store); err != nil {
		return err
	}
	if !appendAfter {
		return nil
	}
	if g, err = open(dir, backupAt); err != nil {
		return err
	}
	if err := g.appendN(10, "B (after restore)"); err != nil {
		g.close()
		return err
	}
	return g.close()
}

func copyDir(src, dst string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
