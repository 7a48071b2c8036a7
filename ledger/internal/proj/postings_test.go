package proj

import (
	"bytes"
	"fmt"
	"math/rand"
	"sort"
	"testing"

	"github.com/dgraph-io/badger/v4"
	"github.com/stretchr/testify/require"
)

// Posting blocks against a model: random adds (mostly newest, some out of
// order, some replacing), removes, then every list read back whole, newest
// first, and from random cursors.
func TestPostingBlocksMatchAModel(t *testing.T) {
	db := memDB(t)
	rng := rand.New(rand.NewSource(7))
	lists := []string{"ws/stored/", "wp/p1/", "wg/"}
	model := map[string]map[string]string{} // list → suffix → id
	for _, l := range lists {
		model[l] = map[string]string{}
	}
	suffixFor := func(list string, seq uint64) string {
		if isHourList(list) {
			return be64(1_700_000_000+uint64(rng.Intn(5*3600))) + be64(seq)
		}
		return be64(seq)
	}
	r := newReplayTx(db, nil)
	seq := uint64(0)
	for i := 0; i < 3000; i++ {
		list := lists[rng.Intn(len(lists))]
		switch op := rng.Intn(10); {
		case op < 6: // the newest
			seq += uint64(1 + rng.Intn(3))
			sfx := suffixFor(list, seq)
			id := fmt.Sprintf("id-%d", seq)
			require.NoError(t, blockAdd(r, list, sfx, id))
			model[list][sfx] = id
		case op < 8: // an older seq, or the same suffix again with another id
			old := suffixFor(list, uint64(rng.Intn(int(seq)+1)))
			for s := range model[list] {
				if rng.Intn(2) == 0 {
					old = s
				}
				break
			}
			id := fmt.Sprintf("re-%d", i)
			require.NoError(t, blockAdd(r, list, old, id))
			model[list][old] = id
		default:
			for s := range model[list] {
				require.NoError(t, blockRemove(r, list, s))
				delete(model[list], s)
				break
			}
		}
		if i%500 == 0 {
			require.NoError(t, r.flush())
		}
	}
	require.NoError(t, r.txn.Commit())

	for _, name := range lists {
		list := List(name)
		var want []posting
		for s, id := range model[name] {
			want = append(want, posting{suffix: []byte(s), id: id})
		}
		sort.Slice(want, func(i, j int) bool { return bytes.Compare(want[i].suffix, want[j].suffix) > 0 })
		require.NoError(t, db.View(func(txn *badger.Txn) error {
			// All of it, newest first; then from every tenth entry on.
			for start := 0; start < len(want); start += 10 {
				from := []byte{0xff}
				if start > 0 {
					from = want[start].suffix
				}
				it, err := (&Snapshot{txn}).Iter(list, from)
				require.NoError(t, err)
				var got []posting
				for ; it.Valid(); it.Next() {
					got = append(got, posting{suffix: bytes.Clone(it.Suffix()), id: it.ID()})
				}
				it.Close()
				require.Equal(t, len(want)-start, len(got), "%s from %d", list, start)
				for i := range got {
					require.Equal(t, want[start+i].suffix, got[i].suffix, "%s from %d at %d", list, start, i)
					require.Equal(t, want[start+i].id, got[i].id)
				}
			}
			n := 0
			require.NoError(t, EachID(&Snapshot{txn}, list, func(id string) error {
				require.Equal(t, want[len(want)-1-n].id, id, "ascending")
				n++
				return nil
			}))
			require.Equal(t, len(want), n)
			return nil
		}))
	}
}
