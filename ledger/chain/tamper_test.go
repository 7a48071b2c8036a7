package chain

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dgraph-io/badger/v4"
	"github.com/hwledger/hwledger/internal/testfs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

// ledgersDir holds the good and tampered ledgers written by `make testdata`.
const ledgersDir = "../../testdata/ledgers"

// tamperCases says what the chain's Verify must report for each case in
// ledgersDir (domain ledgers: see testdata/ledgers/README.md), without and
// with the checkpoint saved in the case (checkpoint.txt). The chain alone
// sees no fault in "state": only its stored projections were changed,
// which the domain's replay catches (ledger.Service.Verify, and
// cmd/hwledger's verify tests).
var tamperCases = []struct {
	name          string
	index         int64  // first bad event, -1 for a fault not about one event
	fault         string // part of the fault; "" means the store alone verifies
	withSaved     string // part of the fault with the saved checkpoint; "" means it verifies
	size          uint64 // events in the store, when it verifies
	hasCheckpoint bool
}{
	{name: "good", size: 31, hasCheckpoint: true},
	{name: "payload", index: 11, fault: "content changed"},
	{name: "prev", index: 11, fault: "content changed"},
	{name: "deleted", index: 18, fault: "missing: the next stored event is 19"},
	{name: "swapped", index: 8, fault: "says it is event 9"},
	{name: "state", size: 31},
	{name: "truncated", index: -1, size: 26, withSaved: "truncated: saved checkpoint has 31 events, the log only 26", hasCheckpoint: true},
	{name: "rolledback", index: -1, size: 19, withSaved: "truncated: saved checkpoint has 31 events, the log only 19", hasCheckpoint: true},
	{name: "forked", index: -1, size: 41, withSaved: "forked: the first 31 events hash to", hasCheckpoint: true},
}

func TestVerifyCatchesTampering(t *testing.T) {
	for _, c := range tamperCases {
		t.Run(c.name, func(t *testing.T) {
			dir := testfs.CopyDir(t, filepath.Join(ledgersDir, c.name))
			l, err := Open(Options{Dir: dir, ReadOnly: true})
			require.NoError(t, err)
			defer l.Close()

			rep, err := l.Verify(VerifyOptions{})
			if c.fault != "" {
				var f *Fault
				require.ErrorAs(t, err, &f)
				assert.Equal(t, c.index, f.Index)
				assert.Contains(t, f.What, c.fault)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.size, rep.Size)

			if !c.hasCheckpoint {
				return
			}
			saved, err := os.ReadFile(filepath.Join(dir, "checkpoint.txt"))
			require.NoError(t, err)
			_, err = l.Verify(VerifyOptions{Trusted: saved})
			if c.withSaved == "" {
				require.NoError(t, err)
				return
			}
			var f *Fault
			require.ErrorAs(t, err, &f)
			assert.Equal(t, int64(-1), f.Index)
			assert.Contains(t, f.What, c.withSaved)
		})
	}
}

func TestSavedCheckpointMustBeSignedByTheLogKey(t *testing.T) {
	dir := testfs.CopyDir(t, filepath.Join(ledgersDir, "good"))
	l, err := Open(Options{Dir: dir, ReadOnly: true})
	require.NoError(t, err)
	defer l.Close()
	other, err := NewKey(l.opts.Origin) // same name, other key
	require.NoError(t, err)
	_, root, _ := l.Head()
	text := Checkpoint{Origin: l.opts.Origin, Size: l.Size(), Root: root}.Text()
	forged, err := note.Sign(&note.Note{Text: text}, other.Signer)
	require.NoError(t, err)
	_, err = l.Verify(VerifyOptions{Trusted: forged})
	require.True(t, IsFault(err), "%v", err)
	assert.Contains(t, err.Error(), "saved checkpoint")
}

// TestVerifyFaultsPastTheFirstChunk tampers with a log longer than one
// read-ahead chunk, so faults fall in later chunks and on their edges.
func TestVerifyFaultsPastTheFirstChunk(t *testing.T) {
	l, err := Open(Options{InMemory: true})
	require.NoError(t, err)
	defer l.Close()
	fillLog(t, l, 3100)
	cases := []struct {
		name   string
		key    []byte // the one key tampered with
		tamper func(txn *badger.Txn) error
		index  int64
		what   string
	}{
		{"event rewritten at a chunk edge", eventKey(2 * chunkEvents), func(txn *badger.Txn) error {
			return txn.Set(eventKey(2*chunkEvents), rewritten(t, txn, 2*chunkEvents))
		}, 2 * chunkEvents, "content changed"},
		{"event rewritten mid-chunk", eventKey(2500), func(txn *badger.Txn) error {
			return txn.Set(eventKey(2500), rewritten(t, txn, 2500))
		}, 2500, "content changed"},
		{"nodes cut from an entry", eventKey(chunkEvents - 1), func(txn *badger.Txn) error {
			_, ev, _ := splitEntry(stored(t, txn, eventKey(chunkEvents-1)))
			return txn.Set(eventKey(chunkEvents-1), append([]byte{0}, ev...))
		}, chunkEvents - 1, "malformed"},
		{"upper node changed", eventKey(2047), func(txn *badger.Txn) error {
			v := stored(t, txn, eventKey(2047)) // completes levels 0..11
			v[1+32*11] ^= 1
			return txn.Set(eventKey(2047), v)
		}, 2047, "stored Merkle tree nodes differ"},
		{"event deleted", eventKey(3000), func(txn *badger.Txn) error { return txn.Delete(eventKey(3000)) },
			3000, "missing: the next stored event is 3001"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var orig []byte
			require.NoError(t, l.db.View(func(txn *badger.Txn) error { orig = stored(t, txn, c.key); return nil }))
			require.NoError(t, l.db.Update(c.tamper))
			_, err = l.Verify(VerifyOptions{})
			var f *Fault
			require.ErrorAs(t, err, &f)
			assert.Equal(t, c.index, f.Index, f.Error())
			assert.Contains(t, f.What, c.what)
			require.NoError(t, l.db.Update(func(txn *badger.Txn) error { return txn.Set(c.key, orig) }))
			_, err = l.Verify(VerifyOptions{})
			require.NoError(t, err)
		})
	}
}

func stored(t *testing.T, txn *badger.Txn, k []byte) []byte {
	item, err := txn.Get(k)
	require.NoError(t, err)
	v, err := item.ValueCopy(nil)
	require.NoError(t, err)
	return v
}

// rewritten returns event i's entry with the event rewritten (still
// canonical) and its stored nodes kept, as a forger would leave them.
func rewritten(t *testing.T, txn *badger.Txn, i uint64) []byte {
	nodes, ev, ok := splitEntry(stored(t, txn, eventKey(i)))
	require.True(t, ok)
	e, err := Decode(ev)
	require.NoError(t, err)
	e.Subject = "changed"
	b, err := e.Encode()
	require.NoError(t, err)
	return encodeEntry(nodes, b)
}
