package main

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// The chain's key layout (package chain's doc, "Keys in Badger"): event i
// is stored under c/e/<be64 i> as an entry: byte n, n 32-byte tree nodes,
// then the event bytes.
func eventKey(i uint64) []byte { return indexKey("c/e/", i) }

// splitEntry returns an entry's nodes and event bytes.
func splitEntry(v []byte) (nodes, event []byte, err error) {
	if len(v) < 1 || v[0] < 1 || len(v) < 1+32*int(v[0]) {
		return nil, nil, errors.New("malformed entry")
	}
	n := 1 + 32*int(v[0])
	return v[1:n], v[n:], nil
}

func joinEntry(nodes, event []byte) []byte {
	return append(append([]byte{byte(len(nodes) / 32)}, nodes...), event...)
}

// getEvent returns event i's bytes.
func (r *raw) getEvent(i uint64) ([]byte, error) {
	v, err := r.get(eventKey(i))
	if err != nil {
		return nil, err
	}
	_, ev, err := splitEntry(v)
	return ev, err
}

// setEvent replaces event i's bytes, leaving its stored tree nodes as a
// forger without the tree's cooperation would.
func (r *raw) setEvent(i uint64, ev []byte) error {
	v, err := r.get(eventKey(i))
	if err != nil {
		return err
	}
	nodes, _, err := splitEntry(v)
	if err != nil {
		return err
	}
	return r.set(eventKey(i), joinEntry(nodes, ev))
}

var (
	keyHead       = []byte("c/head")
	keyCheckpoint = []byte("c/cp")
)

func indexKey(prefix string, i uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(prefix), i)
}

// raw is direct write access to a case's store, bypassing the chain and
// the domain.
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
func (r *raw) rewrite(i uint64, edit func(e *chain.Event) error) ([]byte, error) {
	b, err := r.getEvent(i)
	if err != nil {
		return nil, err
	}
	e, err := chain.Decode(b)
	if err != nil {
		return nil, err
	}
	if err := edit(e); err != nil {
		return nil, err
	}
	if b, err = e.Encode(); err != nil {
		return nil, err
	}
	return b, r.setEvent(i, b)
}

func (r *raw) close() error { return r.db.Close() }

// withRaw builds the district, lets note record what the tampering needs
// while the service is open, then tampers with the closed store.
func withRaw(dir string, note func(d *district) error, tamper func(r *raw) error) error {
	if _, err := build(dir, note); err != nil {
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

// lessWaste sets every declared quantity in an event's data to 1 kg: the
// fraud the chain must catch. The edited event still replays.
func lessWaste(e *chain.Event) error {
	dec := json.NewDecoder(bytes.NewReader(e.Data))
	dec.UseNumber()
	var d any
	if err := dec.Decode(&d); err != nil {
		return err
	}
	if !setAll(d, "quantity_kg", json.Number("1")) {
		return fmt.Errorf("event %d (%s) declares no quantity_kg", e.Index, e.Type)
	}
	var err error
	e.Data, err = json.Marshal(d)
	return err
}

func setAll(v any, key string, to any) bool {
	found := false
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k == key {
				v[k], found = to, true
			} else if setAll(x, key, to) {
				found = true
			}
		}
	case []any:
		for _, x := range v {
			if setAll(x, key, to) {
				found = true
			}
		}
	}
	return found
}

// The tampered events, chosen in the district (see README.md for the
// indices they land on).

// payloadBatch is the batch whose registration is rewritten (payload, prev).
const payloadBatch = 4

// buildGood: the untampered district and a checkpoint saved at its end.
func buildGood(dir string) error {
	_, err := build(dir, func(d *district) error { return d.saveCheckpoint(dir) })
	return err
}

// buildPayload: the registration of batch 4 rewritten to declare 1 kg.
func buildPayload(dir string) error {
	var at uint64
	return withRaw(dir, func(d *district) error { at = d.batches[payloadBatch].Seq; return nil }, func(r *raw) error {
		_, err := r.rewrite(at, lessWaste)
		return err
	})
}

// buildPrev: the registration of batch 4 rewritten and the next event's
// prev set to its new hash, so the link between them holds.
func buildPrev(dir string) error {
	var at uint64
	return withRaw(dir, func(d *district) error { at = d.batches[payloadBatch].Seq; return nil }, func(r *raw) error {
		b, err := r.rewrite(at, lessWaste)
		if err != nil {
			return err
		}
		_, err = r.rewrite(at+1, func(e *chain.Event) error { e.Prev = hex.EncodeToString(chain.HashLeaf(b)); return nil })
		return err
	})
}

// buildDeleted: the first manifest's pickup event and its tree nodes
// deleted from the middle.
func buildDeleted(dir string) error {
	var at uint64
	return withRaw(dir, func(d *district) error { at = d.m1.Seq + 1; return nil }, func(r *raw) error {
		b, err := r.getEvent(at)
		if err != nil {
			return err
		}
		if e, err := chain.Decode(b); err != nil || e.Type != ledger.EvManifestPickedUp {
			return fmt.Errorf("event %d is not the pickup (%v)", at, err)
		}
		return r.del(eventKey(at))
	})
}

// buildSwapped: the registrations of batches 1 and 2 swapped.
func buildSwapped(dir string) error {
	var a, b uint64
	return withRaw(dir, func(d *district) error { a, b = d.batches[1].Seq, d.batches[2].Seq; return nil }, func(r *raw) error {
		if b != a+1 {
			return fmt.Errorf("batches 1 and 2 are events %d and %d, not adjacent", a, b)
		}
		va, err := r.get(eventKey(a))
		if err != nil {
			return err
		}
		vb, err := r.get(eventKey(b))
		if err != nil {
			return err
		}
		if err := r.set(eventKey(a), vb); err != nil {
			return err
		}
		return r.set(eventKey(b), va)
	})
}

// buildState: the log untouched, but the stored state of batch 0 (disposed)
// rewritten to say it is still stored, as someone hiding a disposal record
// from the UI and API would. Only the replay of the log catches it.
func buildState(dir string) error {
	var id string
	return withRaw(dir, func(d *district) error {
		w, err := d.svc.Waste(d.ctx, d.admin, d.batches[0].ID)
		if err != nil {
			return err
		}
		if w.Status != ledger.WasteDisposed {
			return fmt.Errorf("batch 0 is %s, not disposed", w.Status)
		}
		id = w.ID
		return nil
	}, func(r *raw) error {
		k := proj.WasteKey(id)
		v, err := r.get(k)
		if err != nil {
			return err
		}
		from, to := []byte(`"status":"disposed"`), []byte(`"status":"stored"`)
		if bytes.Count(v, from) != 1 {
			return fmt.Errorf("%s: want one %s in %s", k, from, v)
		}
		return r.set(k, bytes.Replace(v, from, to, 1))
	})
}

// truncatedBy is how many events the truncated case deletes from the tail.
const truncatedBy = 5

// buildTruncated: a checkpoint is saved at the end, then the attacker, who
// holds the signing key, deletes the last 5 events and their nodes,
// rewrites and re-signs the head and checkpoint, and rebuilds the state
// from the shorter log (hwledger reindex). The store alone is a valid,
// consistent ledger; only the saved checkpoint shows the tail is gone.
func buildTruncated(dir string) error {
	var size uint64
	err := withRaw(dir, func(d *district) error {
		size = d.svc.Log().Size()
		return d.saveCheckpoint(dir)
	}, func(r *raw) error {
		keep := size - truncatedBy
		for i := keep; i < size; i++ {
			if err := r.del(eventKey(i)); err != nil {
				return err
			}
		}
		return r.resign(keep)
	})
	if err != nil {
		return err
	}
	k, err := chain.KeyFromPrivate(testKey)
	if err != nil {
		return err
	}
	_, err = ledger.Reindex(ledger.Config{Dir: dir, Key: &k, Origin: k.Signer.Name()})
	return err
}

// resign rewrites the head and the stored checkpoint for the first size
// events as they are stored, signing with the (stolen) key.
func (r *raw) resign(size uint64) error {
	rf := &compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}
	rng := rf.NewEmptyRange(0)
	var last []byte
	for i := range size {
		b, err := r.getEvent(i)
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
	text := chain.Checkpoint{Origin: k.Signer.Name(), Size: size, Root: root}.Text()
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

// buildRolledBack: a backup taken after part A of the district is
// restored after a checkpoint was saved at the end. Caught by the saved
// checkpoint as truncation.
func buildRolledBack(dir string) error {
	return backupRestore(dir, false)
}

// buildForked: the same backup restored, then another history appended
// (the first manifest received in full, more batches), longer than the
// saved checkpoint. Caught by the saved checkpoint as a fork.
func buildForked(dir string) error {
	return backupRestore(dir, true)
}

func backupRestore(dir string, fork bool) error {
	d := newDistrict()
	if err := d.open(dir); err != nil {
		return err
	}
	err := d.partA()
	if cerr := d.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	store, backup := filepath.Join(dir, "store"), filepath.Join(dir, "backup")
	if err := copyDir(store, backup); err != nil {
		return err
	}
	if err := d.open(dir); err != nil {
		return err
	}
	err = d.partB()
	if err == nil {
		err = d.saveCheckpoint(dir)
	}
	if cerr := d.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.RemoveAll(store); err != nil {
		return err
	}
	if err := os.Rename(backup, store); err != nil {
		return err
	}
	if !fork {
		return nil
	}
	// The fork continues with the clock and ids where they are now, from
	// part A's parties, batches and first manifest (part B registered no
	// batches; its manifest is lost with the restore).
	f := &district{clock: d.clock, ctx: d.ctx, admin: d.admin, gen: d.gen, gen2: d.gen2, car: d.car, recv: d.recv,
		insp: d.insp, batches: d.batches, m1: d.m1}
	f.ids.Store(d.ids.Load())
	if err := f.open(dir); err != nil {
		return err
	}
	err = f.partBForked()
	if cerr := f.close(); err == nil {
		err = cerr
	}
	return err
}

// copyDir copies the files of src (a Badger store: no subdirectories) to
// dst, leaving runs of zeros as holes, so that Badger's mostly empty
// DISCARD file stays sparse on disk as in the original.
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
		if err := writeSparse(filepath.Join(dst, e.Name()), b); err != nil {
			return err
		}
	}
	return nil
}

func writeSparse(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	const block = 4096
	zero := make([]byte, block)
	for off := 0; off < len(b); off += block {
		chunk := b[off:min(off+block, len(b))]
		if bytes.Equal(chunk, zero[:len(chunk)]) {
			continue
		}
		if _, err := f.WriteAt(chunk, int64(off)); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Truncate(int64(len(b))); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
