package proj

import (
	"fmt"
	"math/rand"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The deadline index against a model: random adds (some twice), removes,
// then what is due at random instants, in order, each entry once.
func TestDeadlineIndexMatchesAModel(t *testing.T) {
	db := memDB(t)
	r := newReplayTx(db, nil)
	rng := rand.New(rand.NewSource(3))
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	model := map[Deadline]bool{}
	var all []Deadline
	for i := 0; i < 2000; i++ {
		switch op := rng.Intn(10); {
		case op < 6 || len(all) == 0:
			d := Deadline{At: base.Add(time.Duration(rng.Intn(48*3600)) * time.Second).Unix(),
				Kind: []string{"storage_due_soon", "track_gap"}[rng.Intn(2)], Subject: fmt.Sprint(rng.Intn(300))}
			require.NoError(t, PutDeadline(r, time.Unix(d.At, 0), d.Kind, d.Subject, seqOf(d)))
			model[d] = true
			all = append(all, d)
		case op < 7: // again: still one entry
			d := all[rng.Intn(len(all))]
			require.NoError(t, PutDeadline(r, time.Unix(d.At, 0), d.Kind, d.Subject, seqOf(d)))
			model[d] = true
		default:
			d := all[rng.Intn(len(all))]
			require.NoError(t, DelDeadline(r, time.Unix(d.At, 0), d.Kind, d.Subject, seqOf(d)))
			delete(model, d)
		}
		if i%300 == 0 {
			require.NoError(t, r.flush())
		}
	}
	for _, d := range all[:50] {
		ok, err := HasDeadline(r, time.Unix(d.At, 0), d.Kind, d.Subject, seqOf(d))
		require.NoError(t, err)
		require.Equal(t, model[d], ok)
	}
	for n := 0; n < 20; n++ {
		now := base.Add(time.Duration(rng.Intn(50*3600)) * time.Second)
		var want []Deadline
		for d := range model {
			if d.At <= now.Unix() {
				want = append(want, d)
			}
		}
		sort.Slice(want, func(i, j int) bool { return want[i].before(want[j]) })
		var got []Deadline
		err := DueDeadlines(r, now, func(d Deadline) error {
			got = append(got, d)
			return nil
		})
		require.NoError(t, err)
		require.Equal(t, want, got, "due at %s", now)
	}
}

// seqOf gives each test subject a seq, spreading them over blocks.
func seqOf(d Deadline) uint64 {
	var n uint64
	fmt.Sscan(d.Subject, &n)
	return n * 37
}
