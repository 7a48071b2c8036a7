package proj

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Monthly figures add up per party, month (Asia/Shanghai) and code, one
// record per party and month, read back by party then month then code; a
// corrupt record is an error, not zeros.
func TestMonthlyFigures(t *testing.T) {
	db := memDB(t)
	r := newReplayTx(db, nil)
	// 2026-02-28 16:30 UTC is 2026-03-01 in Shanghai.
	march := time.Date(2026, 2, 28, 16, 30, 0, 0, time.UTC)
	april := time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)
	gen := func(g int64) func(a *MonthAgg) { return func(a *MonthAgg) { a.Generated += g; a.Batches++ } }
	require.NoError(t, BumpMonth(r, march, "p1", "900-252-12", gen(500)))
	require.NoError(t, BumpMonth(r, march, "p1", "900-041-49", gen(1000)))
	require.NoError(t, BumpMonth(r, march, "p1", "900-041-49", gen(2000)))
	require.NoError(t, BumpMonth(r, march, "p1", "841-001-01", gen(7)))
	require.NoError(t, BumpMonth(r, april, "p1", "900-041-49", func(a *MonthAgg) { a.Left, a.LeftBatches, a.Returned = 3000, 2, -1<<40 }))
	require.NoError(t, BumpMonth(r, march, "p2", "900-041-49", gen(9)))

	type row struct {
		party, month, code string
		a                  MonthAgg
	}
	read := func(party string) []row {
		var out []row
		require.NoError(t, EachMonth(r, party, func(party, month, code string, a MonthAgg) error {
			out = append(out, row{party, month, code, a})
			return nil
		}))
		return out
	}
	p1 := []row{
		{"p1", "202603", "841-001-01", MonthAgg{Generated: 7, Batches: 1}},
		{"p1", "202603", "900-041-49", MonthAgg{Generated: 3000, Batches: 2}},
		{"p1", "202603", "900-252-12", MonthAgg{Generated: 500, Batches: 1}},
		{"p1", "202604", "900-041-49", MonthAgg{Left: 3000, LeftBatches: 2, Returned: -1 << 40}},
	}
	assert.Equal(t, p1, read("p1"))
	assert.Equal(t, append(p1, row{"p2", "202603", "900-041-49", MonthAgg{Generated: 9, Batches: 1}}), read(""))

	rec, ok, err := r.Get(monthKey("p1", "202604"))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "\x0a900-041-49\x00\x00\xf0\x2e\x04\xff\xff\xff\xff\xff\x3f", string(rec), "byte for byte (doc.go)")

	require.NoError(t, r.Set(monthKey("p3", "202603"), []byte("\x0a900-041-49\x02")))
	assert.ErrorContains(t, EachMonth(r, "p3", func(string, string, string, MonthAgg) error { return nil }), "corrupt monthly figures")
}
