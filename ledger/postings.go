package ledger

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Secondary index entries are packed into posting blocks: the entries of
// one list (an index and its value, e.g. "ws/stored/") whose seqs share
// seq>>spanBits(list) are one key,
//
//	x/<list><be64 seq>>bits>                               lists in seq order
//	x/wg/<be64 hour of generated-at><be64 seq>>bits>       the generated-at list
//
// holding its entries sorted by suffix: the seq (be64), or for the
// generated-at list the generated-at second then the seq, each followed by
// the record's id and the id's length (one byte). Batch lists store no id: a batch is found by its seq,
// whose registration event names it (loadWasteAt). Registrations committed
// together have neighbouring seqs, so a group commit rewrites one block
// per list it touches instead of writing one key per entry. A block is a
// pure function of the log (its key depends on the seq, not on how
// commands were batched), so a replay rebuilds the same keys.
//
// The blocks of one list never overlap in suffixes, except the blocks of
// one hour of the generated-at list, which a reader takes together.

// spanBits is log2 of the seqs a block of list covers: 64, or 256 for the
// lists of one generator, street or code, which get a share of the
// batches. A commit rewrites each block it touches whole, so spans trade
// keys per commit under load (a commit of 100 registrations touches one
// or two blocks per list) against bytes per commit when commits are small
// (a lone registration rewrites at most a few hundred bytes per list).
func spanBits(list string) uint {
	if strings.HasPrefix(list, "wp/") || strings.HasPrefix(list, "wt/") || strings.HasPrefix(list, "wc/") {
		return 8
	}
	return 6
}

// An index key names one entry as the apply functions compute it: the
// list followed by the suffix ("ws/stored/" + be64(seq)).

// isHourList reports whether list sorts by generated-at (16-byte suffix,
// blocks grouped by hour).
func isHourList(list string) bool { return strings.HasPrefix(list, "wg/") }

func suffixLen(list string) int {
	if isHourList(list) {
		return 16
	}
	return 8
}

// splitIndexKey splits an index key into its list and suffix.
func splitIndexKey(k string) (list, suffix string) {
	n := 8
	if isHourList(k) {
		n = 16
	}
	return k[:len(k)-n], k[len(k)-n:]
}

// blockKey is the key of the block of list that holds suffix.
func blockKey(list, suffix string) []byte {
	k := make([]byte, 0, len(pIndex)+len(list)+16)
	k = append(append(k, pIndex...), list...)
	if isHourList(list) {
		k = binary.BigEndian.AppendUint64(k, fromBe64(suffix[:8])/3600)
	}
	return binary.BigEndian.AppendUint64(k, fromBe64(suffix[len(suffix)-8:])>>spanBits(list))
}

// posting is one decoded entry of a block.
type posting struct {
	suffix []byte
	id     string
}

// Block value: entries sorted by suffix, each the suffix (fixed length for
// the list), the id, then a one-byte id length. With the length last, the
// newest entry is read from the end without walking the block.

// entryStarts returns the offset of each entry of block v (suffixes of n
// bytes), in stored order.
func entryStarts(v []byte, n int) ([]int, error) {
	var starts []int
	for end := len(v); end > 0; {
		start := end - 1 - int(v[end-1]) - n
		if start < 0 {
			return nil, fmt.Errorf("corrupt index block")
		}
		starts = append(starts, start)
		end = start
	}
	for i, j := 0, len(starts)-1; i < j; i, j = i+1, j-1 {
		starts[i], starts[j] = starts[j], starts[i]
	}
	return starts, nil
}

// decodeBlock returns the entries of a block of a list with suffixes of n
// bytes, in stored (ascending) order.
func decodeBlock(v []byte, n int) ([]posting, error) {
	starts, err := entryStarts(v, n)
	if err != nil {
		return nil, err
	}
	out := make([]posting, len(starts))
	for i, at := range starts {
		end := len(v)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		out[i] = posting{suffix: v[at : at+n], id: string(v[at+n : end-1])}
	}
	return out, nil
}

// extender is a store that can grow a value without copying it (the
// writer's chain.Tx): adding the newest entry of a block, the usual case,
// then costs the entry, not the block.
type extender interface {
	Peek(key []byte) ([]byte, bool, error)
	PeekSince(key []byte, since uint64) ([]byte, bool, error)
	Extend(key, b []byte) error
}

// peekValue reads key without a copy when s can (see extender), else as
// Get does. The caller must not change or keep the value.
func peekValue(s kv, key []byte) ([]byte, error) {
	if x, ok := s.(extender); ok {
		v, _, err := x.Peek(key)
		return v, err
	}
	v, _, err := s.Get(key)
	return v, err
}

// extendValue appends b to the value of key, in place when s can.
func extendValue(s kv, key, b []byte) error {
	if x, ok := s.(extender); ok {
		return x.Extend(key, b)
	}
	v, _, err := s.Get(key)
	if err != nil {
		return err
	}
	return s.Set(key, append(v, b...))
}

// blockAdd puts the entry (suffix, id) into its block of list, replacing
// an entry with the same suffix.
func blockAdd(s kv, list, suffix, id string) error {
	if len(id) > 255 {
		return fmt.Errorf("index id %q too long", id)
	}
	k := blockKey(list, suffix)
	sfx := []byte(suffix)
	n := len(sfx)
	ent := make([]byte, 0, n+len(id)+1)
	ent = append(append(append(ent, sfx...), id...), byte(len(id)))
	if x, ok := s.(extender); ok {
		// Only events from the block's first seq on write to it.
		bits := spanBits(list)
		v, _, err := x.PeekSince(k, fromBe64(suffix[len(suffix)-8:])>>bits<<bits)
		if err != nil {
			return err
		}
		last, err := lastSuffix(v, n)
		if err != nil {
			return fmt.Errorf("%w %q", err, k)
		}
		if last == nil || bytes.Compare(last, sfx) < 0 {
			return x.Extend(k, ent)
		}
	}
	v, _, err := s.Get(k)
	if err != nil {
		return err
	}
	starts, err := entryStarts(v, n)
	if err != nil {
		return fmt.Errorf("%w %q", err, k)
	}
	// Where the entry goes, in suffix order; an equal suffix is replaced.
	at, next := len(v), len(v)
	for i, off := range starts {
		if c := bytes.Compare(v[off:off+n], sfx); c >= 0 {
			at, next = off, off
			if c == 0 {
				next = len(v)
				if i+1 < len(starts) {
					next = starts[i+1]
				}
			}
			break
		}
	}
	out := make([]byte, 0, len(v)+len(ent))
	out = append(append(append(out, v[:at]...), ent...), v[next:]...)
	return s.Set(k, out)
}

// lastSuffix returns the suffix of the last entry of block v (nil: empty).
func lastSuffix(v []byte, n int) ([]byte, error) {
	if len(v) == 0 {
		return nil, nil
	}
	end := len(v) - 1 - int(v[len(v)-1])
	if end-n < 0 {
		return nil, fmt.Errorf("corrupt index block")
	}
	return v[end-n : end], nil
}

// blockRemove removes the entry with suffix from its block of list, and
// the block when it was the last.
func blockRemove(s kv, list, suffix string) error {
	k := blockKey(list, suffix)
	v, ok, err := s.Get(k)
	if err != nil || !ok {
		return err
	}
	n, sfx := len(suffix), []byte(suffix)
	starts, err := entryStarts(v, n)
	if err != nil {
		return fmt.Errorf("%w %q", err, k)
	}
	for i, off := range starts {
		if !bytes.Equal(v[off:off+n], sfx) {
			continue
		}
		next := len(v)
		if i+1 < len(starts) {
			next = starts[i+1]
		}
		v = append(v[:off], v[next:]...)
		if len(v) == 0 {
			return s.Delete(k)
		}
		return s.Set(k, v)
	}
	return nil
}

// eachPosting calls fn for every entry of list in suffix order (small
// lists: open alerts).
func eachPosting(r kv, list string, fn func(p posting) error) error {
	n := suffixLen(list)
	var all []posting
	if err := r.Scan(key(pIndex, list), func(_, v []byte) error {
		ps, err := decodeBlock(v, n)
		all = append(all, ps...)
		return err
	}); err != nil {
		return err
	}
	if isHourList(list) {
		sort.Slice(all, func(i, j int) bool { return bytes.Compare(all[i].suffix, all[j].suffix) < 0 })
	}
	for _, p := range all {
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// indexIter walks one list newest first (descending suffix), block by
// block (for the generated-at list, hour by hour).
type indexIter struct {
	it     *badger.Iterator
	prefix []byte // x/<list>
	n      int    // suffix length
	hour   bool
	start  []byte    // no entry after it is yielded
	unit   []posting // the current block (or hour), descending
	err    error
}

// newIndexIter positions an iterator over list at the newest entry whose
// suffix is at most start (a suffix, a prefix of one, or 0xff: all).
func newIndexIter(txn *badger.Txn, list string, start []byte) (*indexIter, error) {
	p := []byte(pIndex + list)
	// A block holds up to 128 entries: read ahead one or two.
	it := txn.NewIterator(badger.IteratorOptions{Prefix: p, Reverse: true, PrefetchValues: true, PrefetchSize: 2})
	i := &indexIter{it: it, prefix: p, n: suffixLen(list), hour: isHourList(list), start: start}
	seek := append([]byte{}, p...)
	switch {
	case len(start) >= 8 && i.hour:
		seek = binary.BigEndian.AppendUint64(seek, fromBe64(string(start[:8]))/3600)
	case len(start) >= 8:
		seek = binary.BigEndian.AppendUint64(seek, fromBe64(string(start[:8]))>>spanBits(list))
	}
	it.Seek(append(seek, 0xff))
	i.load()
	return i, i.err
}

// load reads blocks until one has an entry at most start.
func (i *indexIter) load() {
	for len(i.unit) == 0 && i.it.Valid() {
		var all []posting
		group := bytes.Clone(i.it.Item().Key())
		if i.hour {
			group = group[:len(i.prefix)+8]
		}
		for i.it.Valid() && bytes.HasPrefix(i.it.Item().Key(), group) {
			v, err := i.it.Item().ValueCopy(nil)
			if err == nil {
				var ps []posting
				ps, err = decodeBlock(v, i.n)
				all = append(all, ps...)
			}
			if err != nil {
				i.err = err
				return
			}
			i.it.Next()
		}
		sort.Slice(all, func(a, b int) bool { return bytes.Compare(all[a].suffix, all[b].suffix) > 0 })
		for len(all) > 0 && bytes.Compare(all[0].suffix, i.start) > 0 {
			all = all[1:]
		}
		i.unit = all
	}
}

func (i *indexIter) valid() bool    { return len(i.unit) > 0 }
func (i *indexIter) suffix() []byte { return i.unit[0].suffix }
func (i *indexIter) id() string     { return i.unit[0].id }
func (i *indexIter) close()         { i.it.Close() }

func (i *indexIter) next() {
	i.unit = i.unit[1:]
	i.load()
}
