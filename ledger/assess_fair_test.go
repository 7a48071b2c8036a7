package ledger

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// disposeAll takes ws of p through a manifest to rx, and disposes of them.
func (f *fixture) disposeAll(p, rx Principal, method string, ws ...*Waste) {
	f.t.Helper()
	m := f.manifest(p, rx, []Principal{f.car1}, ws...)
	_, err := f.s.Pickup(f.ctx, f.car1, m.ID, scan(m))
	require.NoError(f.t, err)
	_, err = f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{})
	require.NoError(f.t, err)
	var lines []ReceiveLine
	for _, w := range ws {
		lines = append(lines, ReceiveLine{WasteID: w.ID, Received: w.Quantity, ContainerCount: w.Container.Count, Accepted: yes()})
	}
	_, err = f.s.Receive(f.ctx, rx, m.ID, ReceiveInput{Lines: lines})
	require.NoError(f.t, err)
	for _, w := range ws {
		_, err = f.s.Dispose(f.ctx, rx, w.ID, DisposeInput{Method: method, Quantity: w.Quantity})
		require.NoError(f.t, err)
	}
}

func (f *fixture) assess(q AssessQuery) map[string]AssessRow {
	f.t.Helper()
	if q.From.IsZero() {
		q.From, q.To = t0.Add(-24*time.Hour), t0.Add(72*time.Hour)
	}
	a, err := f.s.Assessment(f.ctx, f.insp, q)
	require.NoError(f.t, err)
	rows := map[string]AssessRow{}
	for _, r := range a.Rows {
		rows[r.Group] = r
	}
	return rows
}

// The worked example of the README's "Assessment (考核)" section and
// docs/api.md: a hospital with three medical batches, A 100 kg disposed of,
// B 50 kg left stored past its 48 h limit, C 20 kg registered 47 h later
// and still inside its limit.
func TestAssessmentWorkedExample(t *testing.T) {
	f := newFixture(t)
	a := f.waste(f.hosp, "841-001-01", 100)
	f.waste(f.hosp, "841-001-01", 50)
	f.disposeAll(f.hosp, f.medRx, "Y10", a)
	f.clock.Advance(48 * time.Hour)
	_, err := f.s.Sweep(f.ctx)
	require.NoError(t, err)
	f.waste(f.hosp, "841-002-01", 20)

	h := f.assess(AssessQuery{})[f.hosp.Party]
	assert.EqualValues(t, 3, h.Batches)
	assert.Equal(t, KgToGrams(170), h.GeneratedKg)
	assert.Equal(t, KgToGrams(150), h.DueKg, "C is not due yet")
	assert.EqualValues(t, 2, h.DueBatches)
	assert.Equal(t, KgToGrams(100), h.DisposedKg)
	assert.Equal(t, 0.6667, h.DisposalRate)        // 100 / 150
	assert.Equal(t, 0.6667, h.MedicalDisposalRate) // all medical
	assert.Equal(t, 0.5, h.OnTimeRate)             // 1 − 1 late / 2 due
	assert.EqualValues(t, 1, h.OverdueAlerts)
	assert.EqualValues(t, 0, h.Discrepancies)
	// 100 − 20·1 − 10·0 − 5·(1 − 0.6667) − 5·(1 − 0.5) = 100 − 20 − 1.6665 − 2.5 = 75.83
	assert.Equal(t, 75.83, h.Score)
}

// Registering a batch inside its storage limit moves no figure that ranks:
// a clinic's 3.2 kg of today does not lower its rates, score or rank.
func TestAssessmentRegistrationRanksNothing(t *testing.T) {
	f := newFixture(t)
	old := f.waste(f.gen, "900-214-08", 40)
	f.disposeAll(f.gen, f.recv, "R9", old)
	f.waste(f.gen2, "900-041-49", 10) // stored, inside its limit
	late := f.waste(f.hosp, "841-001-01", 8)
	f.clock.Advance(49 * time.Hour)
	_, err := f.s.Sweep(f.ctx)
	require.NoError(t, err)
	_ = late

	before := f.assess(AssessQuery{})
	for _, p := range []Principal{f.gen, f.gen2, f.hosp} {
		code := "900-214-08"
		if p.Party == f.hosp.Party {
			code = "841-001-01"
		}
		f.waste(p, code, 3.2)
	}
	after := f.assess(AssessQuery{})
	for id, b := range before {
		a := after[id]
		assert.Equal(t, b.DisposalRate, a.DisposalRate, id)
		assert.Equal(t, b.OnTimeRate, a.OnTimeRate, id)
		assert.Equal(t, b.Score, a.Score, id)
		assert.Equal(t, b.Rank, a.Rank, id)
		assert.Equal(t, b.Batches+1, a.Batches, id)
	}
	assert.Equal(t, 1.0, after[f.gen2.Party].DisposalRate, "nothing due, nothing wrong")
}

// A street with overdue alerts ranks below a street with none, however
// much the latter holds in storage inside its limits.
func TestAssessmentOverdueStreetRanksBelow(t *testing.T) {
	f := newFixture(t)
	// 南关: gen disposes of everything; the hospital leaves two batches past 48 h.
	w := f.waste(f.gen, "900-214-08", 500)
	f.disposeAll(f.gen, f.recv, "R9", w)
	f.waste(f.hosp, "841-001-01", 2)
	f.waste(f.hosp, "841-001-01", 3)
	// 东大街: gen2 stores a lot, inside the one-year limit.
	f.waste(f.gen2, "900-041-49", 900)
	f.clock.Advance(49 * time.Hour)
	_, err := f.s.Sweep(f.ctx)
	require.NoError(t, err)

	rows := f.assess(AssessQuery{GroupBy: GroupByStreet})
	nan, dong := rows["南关"], rows["东大街"]
	assert.EqualValues(t, 2, nan.OverdueAlerts)
	assert.Equal(t, 1, dong.Rank)
	assert.Equal(t, 2, nan.Rank)
	assert.Less(t, nan.Score, 61.0, "two overdue alerts take 40 points")

	worst, err := f.s.Assessment(f.ctx, f.insp, AssessQuery{From: t0.Add(-24 * time.Hour), To: t0.Add(72 * time.Hour), GroupBy: GroupByStreet, Sort: "-rank"})
	require.NoError(t, err)
	require.Len(t, worst.Rows, 2)
	assert.Equal(t, "南关", worst.Rows[0].Group, "worst first")
}

// Every column sorts both ways; an unknown column is refused by name.
func TestAssessmentSortEveryColumn(t *testing.T) {
	f := newFixture(t)
	w := f.waste(f.gen, "900-214-08", 40)
	f.disposeAll(f.gen, f.recv, "R9", w)
	f.waste(f.gen2, "900-041-49", 10)
	f.waste(f.hosp, "841-001-01", 8)
	f.clock.Advance(49 * time.Hour)
	_, err := f.s.Sweep(f.ctx)
	require.NoError(t, err)
	require.Len(t, assessSort, len(AssessSortKeys))
	q := AssessQuery{From: t0.Add(-24 * time.Hour), To: t0.Add(72 * time.Hour)}
	for _, key := range AssessSortKeys {
		by := assessSort[key]
		require.NotNil(t, by, key)
		for _, desc := range []bool{false, true} {
			q.Sort = key
			if desc {
				q.Sort = "-" + key
			}
			a, err := f.s.Assessment(f.ctx, f.insp, q)
			require.NoError(t, err)
			require.Len(t, a.Rows, 3)
			for i := 1; i < len(a.Rows); i++ {
				c := by(&a.Rows[i-1], &a.Rows[i])
				if desc {
					c = -c
				}
				assert.LessOrEqual(t, c, 0, "%s: row %d", q.Sort, i)
				if c == 0 {
					assert.Less(t, a.Rows[i-1].Rank, a.Rows[i].Rank, "ties keep rank order")
				}
			}
		}
	}
	q.Sort = "colour"
	_, err = f.s.Assessment(f.ctx, f.insp, q)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, ve.Fields, "sort")
}
