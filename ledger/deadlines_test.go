package ledger

import (
	"fmt"
	"math/rand"
	"sort"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/stretchr/testify/require"
)

// The deadline index against a model: random adds (some twice), removes,
// then what is due at random instants, in order, each entry once.
func TestDeadlineIndexMatchesAModel(t *testing.T) {
	db, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithLogger(nil))
	require.NoError(t, err)
	defer db.Close()
	r := newReplayer(db)
	rng := rand.New(rand.NewSource(3))
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	model := map[deadline]bool{}
	var all []deadline
	for i := 0; i < 2000; i++ {
		switch op := rng.Intn(10); {
		case op < 6 || len(all) == 0:
			d := deadline{at: base.Add(time.Duration(rng.Intn(48*3600)) * time.Second).Unix(),
				kind: []string{AlertStorageDueSoon, AlertTrackGap}[rng.Intn(2)], subject: fmt.Sprint(rng.Intn(300))}
			require.NoError(t, putDeadline(r, time.Unix(d.at, 0), d.kind, d.subject, seqOf(d)))
			model[d] = true
			all = append(all, d)
		case op < 7: // again: still one entry
			d := all[rng.Intn(len(all))]
			require.NoError(t, putDeadline(r, time.Unix(d.at, 0), d.kind, d.subject, seqOf(d)))
			model[d] = true
		default:
			d := all[rng.Intn(len(all))]
			require.NoError(t, delDeadline(r, time.Unix(d.at, 0), d.kind, d.subject, seqOf(d)))
			delete(model, d)
		}
		if i%300 == 0 {
			require.NoError(t, r.flush())
		}
	}
	for _, d := range all[:50] {
		ok, err := hasDeadline(r, time.Unix(d.at, 0), d.kind, d.subject, seqOf(d))
		require.NoError(t, err)
		require.Equal(t, model[d], ok)
	}
	for n := 0; n < 20; n++ {
		now := base.Add(time.Duration(rng.Intn(50*3600)) * time.Second)
		var want []deadline
		for d := range model {
			if d.at <= now.Unix() {
				want = append(want, d)
			}
		}
		sort.Slice(want, func(i, j int) bool { return want[i].before(want[j]) })
		var got []deadline
		err := dueDeadlines(r, now, func(d deadline) error {
			got = append(got, d)
			return nil
		})
		require.NoError(t, orNil(err))
		require.Equal(t, want, got, "due at %s", now)
	}
}

func orNil(err error) error {
	if err == errStop {
		return nil
	}
	return err
}

// seqOf gives each test subject a seq, spreading them over blocks.
func seqOf(d deadline) uint64 {
	var n uint64
	fmt.Sscan(d.subject, &n)
	return n * 37
}
