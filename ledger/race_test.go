package ledger

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Concurrent commands on the same subject: exactly one wins, the others get
// the typed error, and the chain verifies afterwards (openTest cleanup).

func TestRaceHundredPickups(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := f.waste(f.gen, "900-214-08", 10)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1}, w)
	before := f.size()
	const n = 100
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = f.s.Pickup(f.ctx, f.car1, m.ID, scan(m))
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		require.ErrorIs(t, err, ErrInvalidTransition)
	}
	assert.Equal(t, 1, won)
	assert.Equal(t, before+1, f.size(), "one pickup event")
	got := f.getM(m.ID)
	assert.Equal(t, ManifestInTransit, got.Status)
	assert.Len(t, got.Custody, 1)
}

func TestRaceTwoManifestsOneBatch(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for round := range 20 {
		w := f.waste(f.gen, "900-214-08", 1)
		own := f.waste(f.gen, "900-041-49", 1) // each manifest also has a batch of its own
		own2 := f.waste(f.gen, "900-041-49", 1)
		before := f.size()
		var wg sync.WaitGroup
		start := make(chan struct{})
		res := make([]*Manifest, 2)
		errs := make([]error, 2)
		for i, extra := range []*Waste{own, own2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				res[i], errs[i] = f.createManifest(f.gen, f.recv, []Principal{f.car1}, t0.Add(time.Hour), extra, w)
			}()
		}
		close(start)
		wg.Wait()
		won := -1
		for i, err := range errs {
			if err == nil {
				require.Equal(t, -1, won, "round %d: both manifests took the batch", round)
				won = i
				continue
			}
			require.ErrorIs(t, err, ErrRuleViolation, "round %d", round)
		}
		require.NotEqual(t, -1, won, "round %d: neither won", round)
		assert.Equal(t, before+1, f.size())
		assert.Equal(t, res[won].ID, f.get(w.ID).ManifestID)
		// The loser's own batch is untouched.
		loser := []*Waste{own, own2}[1-won]
		assert.Equal(t, WasteStored, f.get(loser.ID).Status)
	}
}

// Many parties doing many things at once keep the ledger consistent: every
// registration gets a distinct label and every manifest a distinct number.
func TestRaceMixedWriters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const per = 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	labels := map[string]bool{}
	numbers := map[string]bool{}
	for _, g := range []Principal{f.gen, f.gen2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range per {
				w, err := f.s.RegisterWaste(f.ctx, g, WasteInput{Code: "900-041-49", Form: "solid", Quantity: 1000,
					Container: Container{Type: "桶", Count: 1}, GeneratedAt: t0.Add(-time.Hour)})
				if !assert.NoError(t, err) {
					return
				}
				m, err := f.s.CreateManifest(f.ctx, g, ManifestInput{WasteIDs: []string{w.ID}, Carriers: []string{f.car1.Party},
					Receiver: f.recv.Party, PlannedPickupAt: t0.Add(time.Hour)})
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				assert.False(t, labels[w.Label], "label %s twice", w.Label)
				assert.False(t, numbers[m.Number], "number %s twice", m.Number)
				labels[w.Label], numbers[m.Number] = true, true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Len(t, numbers, 2*per)
	// Gap-free: 1..40.
	for i := 1; i <= 2*per; i++ {
		assert.True(t, numbers[fmt.Sprintf("20264101%06d", i)], "number %d missing", i)
	}
}
