package proj

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Posting blocks: the entries of one list whose seqs share
// seq>>spanBits(list) are one key (doc.go gives the bytes). Registrations
// committed together have neighbouring seqs, so a group commit rewrites
// one block per list it touches instead of writing one key per entry. A
// block is a pure function of the log (its key depends on the seq, not on
// how commands were batched), so a replay rebuilds the same keys.
//
// The blocks of one list never overlap in suffixes, except the blocks of
// one hour of WastesByGeneratedAt, which a reader takes together.

// spanBits is log2 of the seqs a block of list covers: 64, or 256 for the
// lists of one generator, street or code, which get a share of the
// batches. A commit rewrites each block it touches whole, so spans trade
// keys per commit under load (a commit of 100 registrations touches one
// or two blocks per list) against bytes per commit when commits are small
// (a lone registration rewrites at most a few hundred bytes per list).
func spanBits(list string) uint {
	if strings.HasPrefix(list, listWasteParty) || strings.HasPrefix(list, listWasteStreet) || strings.HasPrefix(list, listWasteCode) {
		return 8
	}
	return 6
}

// isHourList reports whether list sorts by generated-at (16-byte suffix,
// blocks grouped by hour).
func isHourList(list string) bool { return strings.HasPrefix(list, listWasteGenerated) }

func suffixLen(list string) int {
	if isHourList(list) {
		return 16
	}
	return 8
}

// split splits an entry into its list and suffix.
func (e Entry) split() (list, suffix string) {
	n := suffixLen(string(e))
	return string(e[:len(e)-n]), string(e[len(e)-n:])
}

// blockKey is the key of the block of list that holds suffix.
func blockKey(list, suffix string) []byte {
	k := make([]byte, 0, len(prefixIndex)+len(list)+16)
	k = append(append(k, prefixIndex...), list...)
	if isHourList(list) {
		k = binary.BigEndian.AppendUint64(k, fromBe64([]byte(suffix[:8]))/3600)
	}
	return binary.BigEndian.AppendUint64(k, fromBe64([]byte(suffix[len(suffix)-8:]))>>spanBits(list))
}

// posting is one decoded entry of a block.
type posting struct {
	suffix []byte
	id     string
}

// entryStarts returns the offset of each entry of block v (suffixes of n
// bytes), in stored order. An entry ends with its id's length, so the
// entries are found from the end.
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

// blockAdd puts the entry (suffix, id) into its block of list, replacing
// an entry with the same suffix. The newest entry of a block, the usual
// case, is appended in place: it costs the entry, not the block.
func blockAdd(s Store, list, suffix, id string) error {
	if len(id) > 255 {
		return fmt.Errorf("index id %q too long", id)
	}
	k := blockKey(list, suffix)
	sfx := []byte(suffix)
	n := len(sfx)
	ent := make([]byte, 0, n+len(id)+1)
	ent = append(append(append(ent, sfx...), id...), byte(len(id)))
	// Only events from the block's first seq on write to it.
	bits := spanBits(list)
	v, _, err := s.PeekSince(k, fromBe64(sfx[n-8:])>>bits<<bits)
	if err != nil {
		return err
	}
	last, err := lastSuffix(v, n)
	if err != nil {
		return fmt.Errorf("%w %q", err, k)
	}
	if last == nil || bytes.Compare(last, sfx) < 0 {
		return s.Extend(k, ent)
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

// blockRemove removes the entry with suffix from its block of list, and
// the block when it was the last.
func blockRemove(s Store, list, suffix string) error {
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

// UpdateIndex replaces the entries of one record: it removes those of
// before that after lacks and adds those of after that before lacks. id
// is stored with each entry ("" for batches, which are found by seq:
// batchid.go).
func UpdateIndex(s Store, id string, before, after []Entry) error {
	if len(before) == 0 {
		for _, e := range after {
			list, suffix := e.split()
			if err := blockAdd(s, list, suffix, id); err != nil {
				return err
			}
		}
		return nil
	}
	keep := make(map[Entry]bool, len(after))
	for _, e := range after {
		keep[e] = true
	}
	for _, e := range before {
		if !keep[e] {
			list, suffix := e.split()
			if err := blockRemove(s, list, suffix); err != nil {
				return err
			}
		}
	}
	old := make(map[Entry]bool, len(before))
	for _, e := range before {
		old[e] = true
	}
	for _, e := range after {
		if !old[e] {
			list, suffix := e.split()
			if err := blockAdd(s, list, suffix, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// EachID calls fn with the id of every entry of list in suffix order
// (for small lists: open alerts).
func EachID(r Store, list List, fn func(id string) error) error {
	l := string(list)
	n := suffixLen(l)
	var all []posting
	if err := r.Scan([]byte(prefixIndex+l), func(_, v []byte) error {
		ps, err := decodeBlock(v, n)
		all = append(all, ps...)
		return err
	}); err != nil {
		return err
	}
	if isHourList(l) {
		sort.Slice(all, func(i, j int) bool { return bytes.Compare(all[i].suffix, all[j].suffix) < 0 })
	}
	for _, p := range all {
		if err := fn(p.id); err != nil {
			return err
		}
	}
	return nil
}

// Iter walks one list newest first (descending suffix), block by block
// (for WastesByGeneratedAt, hour by hour).
type Iter struct {
	it     *badger.Iterator
	prefix []byte // x/<list>
	n      int    // suffix length
	hour   bool
	start  []byte    // no entry after it is yielded
	unit   []posting // the current block (or hour), descending
	err    error
}

// Iter returns an iterator over list at the newest entry whose suffix is
// at most start (a suffix, a prefix of one, or 0xff: all). The caller
// must Close it.
func (r *Snapshot) Iter(list List, start []byte) (*Iter, error) {
	l := string(list)
	p := []byte(prefixIndex + l)
	// A block holds up to 256 entries: read ahead one or two.
	it := r.txn.NewIterator(badger.IteratorOptions{Prefix: p, Reverse: true, PrefetchValues: true, PrefetchSize: 2})
	i := &Iter{it: it, prefix: p, n: suffixLen(l), hour: isHourList(l), start: start}
	seek := append([]byte{}, p...)
	switch {
	case len(start) >= 8 && i.hour:
		seek = binary.BigEndian.AppendUint64(seek, fromBe64(start[:8])/3600)
	case len(start) >= 8:
		seek = binary.BigEndian.AppendUint64(seek, fromBe64(start[:8])>>spanBits(l))
	}
	it.Seek(append(seek, 0xff))
	i.load()
	return i, i.err
}

// load reads blocks until one has an entry at most start.
func (i *Iter) load() {
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

// Valid reports whether the iterator is at an entry.
func (i *Iter) Valid() bool { return len(i.unit) > 0 }

// Suffix is the suffix of the current entry (the iterator's to keep).
func (i *Iter) Suffix() []byte { return i.unit[0].suffix }

// Seq is the seq of the current entry's record.
func (i *Iter) Seq() uint64 { s := i.unit[0].suffix; return fromBe64(s[len(s)-8:]) }

// ID is the id stored with the current entry ("" in lists of batches).
func (i *Iter) ID() string { return i.unit[0].id }

// Err is the error that ended the walk, if any.
func (i *Iter) Err() error { return i.err }

// Next moves to the next older entry.
func (i *Iter) Next() {
	i.unit = i.unit[1:]
	i.load()
}

// Close releases the iterator.
func (i *Iter) Close() { i.it.Close() }
