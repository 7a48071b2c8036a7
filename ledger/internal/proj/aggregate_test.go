package proj

import (
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Day aggregates add up per party and day (Asia/Shanghai), read back by
// day range; a corrupt value is an error, not zeros.
func TestDayAggregates(t *testing.T) {
	db := memDB(t)
	r := newReplayTx(db, nil)
	// 2026-03-01 23:30 UTC is 2026-03-02 in Shanghai.
	day := time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC)
	for i := 0; i < 3; i++ {
		require.NoError(t, BumpAgg(r, day, "p1", func(a *DayAgg) { a.Batches++; a.Generated += 1500; a.DisposalSeconds -= 2 }))
	}
	require.NoError(t, BumpAgg(r, day.Add(24*time.Hour), "p1", func(a *DayAgg) { a.OverdueAlerts = 7 }))
	require.NoError(t, BumpAgg(r, day, "p2", func(a *DayAgg) { a.LatePickups = 1 << 40 }))
	require.NoError(t, r.txn.Commit())

	type row struct {
		party string
		a     DayAgg
	}
	read := func(first, last string) []row {
		var out []row
		require.NoError(t, db.View(func(txn *badger.Txn) error {
			return (&Snapshot{txn}).EachDayAgg(first, last, func(party string, a DayAgg) error {
				out = append(out, row{party, a})
				return nil
			})
		}))
		return out
	}
	assert.Equal(t, []row{{"p1", DayAgg{Batches: 3, Generated: 4500, DisposalSeconds: -6}}, {"p2", DayAgg{LatePickups: 1 << 40}}},
		read("20260302", "20260302"))
	assert.Len(t, read("20260301", "20260303"), 3)
	assert.Empty(t, read("20260301", "20260301"))

	require.NoError(t, db.Update(func(txn *badger.Txn) error { return txn.Set(aggKey(day, "p3"), []byte{0x80}) }))
	err := db.View(func(txn *badger.Txn) error {
		return (&Snapshot{txn}).EachDayAgg("20260302", "20260302", func(string, DayAgg) error { return nil })
	})
	assert.ErrorContains(t, err, "corrupt aggregate")
}
