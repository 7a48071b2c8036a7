package ledger

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// day is a time in February 2026 (Shanghai noon of that day).
func feb(d int) time.Time { return time.Date(2026, 2, d, 4, 0, 0, 0, time.UTC) }

// A small ledger whose February 2026 figures are worked out by hand:
//
//	900-041-49: 100 kg generated 10 Jan, 50 kg 5 Feb; the January batch
//	  picked up 26 Feb for 郑州环境处置中心, incinerated (D10) 28 Feb.
//	  Opening 0.1 t, generated 0.05 t, outsourced 0.1 t (D10), closing 0.05 t.
//	900-214-08: 30 kg generated 20 Feb, still stored: opening 0, 0.03 t
//	  generated, closing 0.03 t.
func TestDeclarationDraftByHand(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	back := func(code string, kg float64, at time.Time) *Waste {
		w, err := f.s.RegisterWaste(f.ctx, f.gen, WasteInput{Code: code, Form: FormLiquid, Quantity: KgToGrams(kg),
			Container: Container{Type: "铁桶", Count: 1}, GeneratedAt: at, Storage: "暂存间", OccurredAt: &at})
		require.NoError(t, err)
		return w
	}
	jan := back("900-041-49", 100, time.Date(2026, 1, 10, 2, 0, 0, 0, time.UTC))
	back("900-041-49", 50, feb(5))
	back("900-214-08", 30, feb(20))
	m, err := f.s.CreateManifest(f.ctx, f.gen, ManifestInput{Receiver: f.recv.Party, Carriers: []string{f.car1.Party},
		WasteIDs: []string{jan.ID}, PlannedPickupAt: feb(26), OccurredAt: ptime(feb(25))})
	require.NoError(t, err)
	in := scan(m)
	in.OccurredAt = ptime(feb(26))
	_, err = f.s.Pickup(f.ctx, f.car1, m.ID, in)
	require.NoError(t, err)
	_, err = f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{OccurredAt: ptime(feb(27))})
	require.NoError(t, err)
	_, err = f.s.Receive(f.ctx, f.recv, m.ID, ReceiveInput{Lines: f.lines(m, true), OccurredAt: ptime(feb(27).Add(time.Hour))})
	require.NoError(t, err)
	_, err = f.s.Dispose(f.ctx, f.recv, jan.ID, DisposeInput{Method: "D10", Quantity: KgToGrams(100), OccurredAt: ptime(feb(28))})
	require.NoError(t, err)

	d, err := f.s.DeclarationDraft(f.ctx, f.gen, f.gen.Party, "2026-02")
	require.NoError(t, err)
	assert.Equal(t, "C.1", d.Table)
	assert.Equal(t, time.Date(2026, 3, 15, 16, 0, 0, 0, time.UTC), d.DueAt, "by the 15th of March, Shanghai")
	require.Len(t, d.Figures.Rows, 2)
	r := d.Figures.Rows[0]
	assert.Equal(t, "900-041-49", r.Code)
	assert.Equal(t, "HW49", r.Category)
	assert.InDelta(t, 0.1, *r.OpeningT, 1e-9)
	assert.InDelta(t, 0.05, *r.GeneratedT, 1e-9)
	require.Len(t, r.Outsourced, 1)
	assert.Equal(t, "郑州环境处置中心", r.Outsourced[0].ReceiverName)
	assert.Equal(t, "豫环许可危废字41010001", r.Outsourced[0].LicenseNumber)
	assert.Equal(t, "D10", r.Outsourced[0].Method)
	assert.InDelta(t, 0.1, *r.Outsourced[0].QuantityT, 1e-9)
	assert.Empty(t, r.OwnUse)
	assert.InDelta(t, 0.05, *r.ClosingT, 1e-9)
	r = d.Figures.Rows[1]
	assert.Equal(t, "900-214-08", r.Code)
	assert.InDelta(t, 0.0, *r.OpeningT, 1e-9)
	assert.InDelta(t, 0.03, *r.GeneratedT, 1e-9)
	assert.InDelta(t, 0.03, *r.ClosingT, 1e-9)
	assert.Empty(t, r.Outsourced)

	jd, err := f.s.DeclarationDraft(f.ctx, f.gen, f.gen.Party, "2026-01")
	require.NoError(t, err)
	require.Len(t, jd.Figures.Rows, 1)
	assert.InDelta(t, 0.1, *jd.Figures.Rows[0].GeneratedT, 1e-9)
	assert.InDelta(t, 0.1, *jd.Figures.Rows[0].ClosingT, 1e-9, "January's closing is February's opening")
	q, err := f.s.DeclarationDraft(f.ctx, f.gen, f.gen.Party, "2026-Q1")
	require.NoError(t, err)
	assert.Equal(t, "C.2", q.Table)
	assert.InDelta(t, 0.15, *q.Figures.Rows[0].GeneratedT, 1e-9, "the quarter sums its months")
	assert.InDelta(t, 0.0, *q.Figures.Rows[0].OpeningT, 1e-9)

	// Filed as drafted: it matches the ledger. Filed changed: a second
	// version that does not.
	dec, err := f.s.FileDeclaration(f.ctx, f.gen, f.gen.Party, DeclarationInput{Period: "2026-02", Figures: d.Figures, Note: "如实申报"})
	require.NoError(t, err)
	assert.Equal(t, 1, dec.Version)
	assert.True(t, dec.MatchesLedger)
	assert.False(t, dec.Late)
	changed := d.Figures
	changed.Rows = append([]DeclarationRow{}, d.Figures.Rows...)
	changed.Rows[1].GeneratedT = fp(0.031)
	dec2, err := f.s.FileDeclaration(f.ctx, f.gen, f.gen.Party, DeclarationInput{Period: "2026-02", Figures: changed, Note: "复核后更正"})
	require.NoError(t, err)
	assert.Equal(t, 2, dec2.Version)
	assert.False(t, dec2.MatchesLedger)
	list, err := f.s.Declarations(f.ctx, f.insp, f.gen.Party, "")
	require.NoError(t, err)
	require.Len(t, list, 2)
	_, err = f.s.Declarations(f.ctx, f.gen2, f.gen.Party, "")
	require.ErrorIs(t, err, ErrNotFound)
}

// Refused declarations append nothing: for another party, for a period not
// yet over, with a bad period, with a negative or missing figure.
func TestDeclarationRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	file := func(p Principal, party, period string, fig DeclarationFigures) error {
		_, err := f.s.FileDeclaration(f.ctx, p, party, DeclarationInput{Period: period, Figures: fig})
		return err
	}
	empty := DeclarationFigures{Rows: []DeclarationRow{}}
	assert.ErrorIs(t, f.refused(func() error { return file(f.gen, f.gen2.Party, "2026-02", empty) }), ErrForbidden)
	requireField(t, f.refused(func() error { return file(f.gen, f.gen.Party, "2026-03", empty) }), "period")
	requireField(t, f.refused(func() error { return file(f.gen, f.gen.Party, "2026-Q1", empty) }), "period")
	requireField(t, f.refused(func() error { return file(f.gen, f.gen.Party, "2027", empty) }), "period")
	requireField(t, f.refused(func() error { return file(f.gen, f.gen.Party, "2026-13", empty) }), "period")
	bad := DeclarationFigures{Rows: []DeclarationRow{{Code: "900-041-49", GeneratedT: fp(-1), OpeningT: fp(0)}}}
	err := f.refused(func() error { return file(f.gen, f.gen.Party, "2026-02", bad) })
	requireField(t, err, "figures.rows[0].generated_t")
	requireField(t, err, "figures.rows[0].closing_t")
	_, err = f.s.DeclarationDraft(f.ctx, f.gen, f.gen.Party, "26-1")
	requireField(t, err, "period")
}

// Every filing deadline fires at its moment under the test clock, once,
// and filing resolves it.
func TestFilingDeadlines(t *testing.T) {
	t.Parallel()
	f := newFixture(t) // the clock starts on 2 March 2026
	_, err := f.s.SetManagementClass(f.ctx, f.insp, f.gen.Party, ClassInput{Class: ClassKey, Reason: "重点行业"})
	require.NoError(t, err)
	_, err = f.s.SetManagementClass(f.ctx, f.insp, f.gen2.Party, ClassInput{Class: ClassSimplified, Reason: "简化管理"})
	require.NoError(t, err)
	f.filePlan(f.hosp, 2026, 1, "841-001-01")
	until := func(at time.Time) {
		f.clock.Advance(at.Sub(f.clock.Now()))
		f.sweep()
	}
	planGen := f.gen.Party + "-plan-2026"

	until(time.Date(2026, 3, 31, 15, 59, 59, 0, time.UTC)) // 23:59:59 on 31 March in Shanghai
	assert.Empty(t, f.open(AlertPlanMissing, planGen))
	assert.Empty(t, f.open(AlertDeclarationOverdue, f.gen.Party+"-decl-2026-02"), "February was before the party started")
	until(time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC))
	require.Len(t, f.open(AlertPlanMissing, planGen), 1, "1 April 00:00 Shanghai")
	assert.Len(t, f.open(AlertPlanMissing, f.gen2.Party+"-plan-2026"), 1)
	assert.Empty(t, f.open(AlertPlanMissing, f.hosp.Party+"-plan-2026"), "filed in time")

	march, q1 := f.gen.Party+"-decl-2026-03", f.gen2.Party+"-decl-2026-Q1"
	until(time.Date(2026, 4, 15, 15, 59, 59, 0, time.UTC))
	assert.Empty(t, f.open(AlertDeclarationOverdue, march))
	assert.Empty(t, f.open(AlertDeclarationOverdue, q1))
	until(time.Date(2026, 4, 15, 16, 0, 0, 0, time.UTC))
	require.Len(t, f.open(AlertDeclarationOverdue, march), 1, "key: the month, by the 15th")
	require.Len(t, f.open(AlertDeclarationOverdue, q1), 1, "simplified: the quarter, by the 15th of the next quarter's first month")
	assert.Empty(t, f.open(AlertDeclarationOverdue, f.gen2.Party+"-decl-2026-03"), "simplified declares no months")
	assert.Empty(t, f.open(AlertDeclarationOverdue, f.hosp.Party+"-decl-2026-Q1"), "registered declares only years")
	f.sweep()
	assert.Equal(t, 1, f.raisedCount(AlertDeclarationOverdue, march), "raised once")

	// Acknowledged, it is not raised again; filed late, it is resolved.
	_, err = f.s.AckAlert(f.ctx, f.insp, f.open(AlertPlanMissing, planGen)[0].ID, AckInput{Note: "已督促"})
	require.NoError(t, err)
	f.sweep()
	assert.Empty(t, f.open(AlertPlanMissing, planGen))
	assert.Equal(t, 1, f.raisedCount(AlertPlanMissing, planGen))
	d, err := f.s.DeclarationDraft(f.ctx, f.gen, f.gen.Party, "2026-03")
	require.NoError(t, err)
	dec, err := f.s.FileDeclaration(f.ctx, f.gen, f.gen.Party, DeclarationInput{Period: "2026-03", Figures: d.Figures})
	require.NoError(t, err)
	assert.True(t, dec.Late)
	assert.Empty(t, f.open(AlertDeclarationOverdue, march))

	yearly := f.hosp.Party + "-decl-2026"
	until(time.Date(2027, 3, 31, 15, 59, 59, 0, time.UTC))
	assert.Empty(t, f.open(AlertDeclarationOverdue, yearly))
	until(time.Date(2027, 3, 31, 16, 0, 0, 0, time.UTC))
	assert.Len(t, f.open(AlertDeclarationOverdue, yearly), 1, "every class: the year, by 31 March")
	assert.Len(t, f.open(AlertPlanMissing, f.hosp.Party+"-plan-2027"), 1)
}
