package ledger

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A plan is filed in versions; each is kept and the inspector sees all.
func TestPlanVersions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p1 := f.filePlan(f.gen, 2026, 2, "900-041-49")
	assert.Equal(t, 1, p1.Version)
	assert.Equal(t, ClassRegistered, p1.Class)
	code, err := f.s.Catalog().Lookup("900-041-49")
	require.NoError(t, err)
	assert.Equal(t, code.Name, p1.Sections.A3[0].Name, "the catalogue's name is filled in")
	assert.Equal(t, "HW49", p1.Sections.A3[0].Category)
	p2 := f.filePlan(f.gen, 2026, 3, "900-041-49", "900-214-08")
	assert.Equal(t, 2, p2.Version)

	all, err := f.s.Plans(f.ctx, f.insp, f.gen.Party, 2026)
	require.NoError(t, err)
	require.Len(t, all, 2, "the inspector sees every version")
	assert.Equal(t, p1.ID, all[0].ID)
	assert.Equal(t, 2.0, *all[0].Sections.A3[0].ForecastT, "version 1 is as filed")
	mine, err := f.s.Plans(f.ctx, f.gen, f.gen.Party, 0)
	require.NoError(t, err)
	assert.Len(t, mine, 2)
	_, err = f.s.Plans(f.ctx, f.gen2, f.gen.Party, 0)
	require.ErrorIs(t, err, ErrNotFound, "another generator sees none")
	_, err = f.s.Plan(f.ctx, f.gen2, p1.ID)
	require.ErrorIs(t, err, ErrNotFound)
	got, err := f.s.Plan(f.ctx, f.insp, p1.ID)
	require.NoError(t, err)
	assert.Equal(t, p1, got)
}

// Bad plans are refused naming the field, and append nothing: a plan for
// another party (amending another's plan), missing sections of the class,
// missing fields, a wrong credit code or class, an unknown code.
func TestPlanRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	party, err := f.s.Party(f.ctx, f.gen.Party)
	require.NoError(t, err)
	good := func() PlanSections { return samplePlan(ClassRegistered, party.CreditCode, 2, "900-041-49") }
	file := func(p Principal, party string, s PlanSections) error {
		_, err := f.s.FilePlan(f.ctx, p, party, PlanInput{Year: 2026, Sections: s})
		return err
	}
	f.filePlan(f.gen2, 2026, 1, "900-041-49")
	assert.ErrorIs(t, f.refused(func() error { return file(f.gen, f.gen2.Party, good()) }), ErrForbidden, "a plan for another party")
	assert.ErrorIs(t, f.refused(func() error { return file(f.insp, f.gen.Party, good()) }), ErrForbidden)

	s := good()
	s.A1.CreditCode = credit(99)
	requireField(t, f.refused(func() error { return file(f.gen, f.gen.Party, s) }), "sections.a1.credit_code")
	s = good()
	s.A1.ManagementClass = ClassKey
	requireField(t, f.refused(func() error { return file(f.gen, f.gen.Party, s) }), "sections.a1.management_class")
	s = good()
	s.A3[0].ForecastT = nil
	s.A3[0].Code = "999-999-99"
	s.A7 = nil
	err = f.refused(func() error { return file(f.gen, f.gen.Party, s) })
	requireField(t, err, "sections.a3[0].forecast_t")
	requireField(t, err, "sections.a3[0].code")
	requireField(t, err, "sections.a7")
	assert.Contains(t, err.Error(), "本年度预计产生量", "the standard's heading is named")
	requireField(t, f.refused(func() error {
		_, err := f.s.FilePlan(f.ctx, f.gen, f.gen.Party, PlanInput{Year: 2030, Sections: good()})
		return err
	}), "year")

	// A simplified unit must also file A.4 and A.6; a key unit A.2 too.
	_, err = f.s.SetManagementClass(f.ctx, f.insp, f.gen.Party, ClassInput{Class: ClassKey, Reason: "重点行业"})
	require.NoError(t, err)
	s = samplePlan(ClassKey, party.CreditCode, 2, "900-041-49")
	s.A2, s.A4, s.A6 = nil, nil, nil
	err = f.refused(func() error { return file(f.gen, f.gen.Party, s) })
	requireField(t, err, "sections.a2")
	requireField(t, err, "sections.a4")
	requireField(t, err, "sections.a6")
	require.NoError(t, file(f.gen, f.gen.Party, samplePlan(ClassKey, party.CreditCode, 2, "900-041-49")))
}

// While a year has a plan, a manifest may carry only the codes its A.7
// lists; transfers past a code's forecast raise plan_exceeded, which an
// amended plan with room for them resolves.
func TestPlanTransferRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	oil := f.waste(f.gen, "900-214-08", 10)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1}, oil) // no plan yet: allowed
	f.pickup(m, f.car1)

	pl := f.filePlan(f.gen, 2026, 1, "900-041-49") // 1 t of 900-041-49 only
	rag := f.waste(f.gen, "900-214-08", 10)
	err := f.refused(func() error {
		_, err := f.createManifest(f.gen, f.recv, []Principal{f.car1}, f.clock.Now().Add(time.Hour), rag)
		return err
	})
	require.ErrorIs(t, err, ErrRuleViolation)
	assert.Contains(t, err.Error(), pl.ID, "names the plan")
	assert.Contains(t, err.Error(), "900-214-08")

	a := f.waste(f.gen, "900-041-49", 600)
	b := f.waste(f.gen, "900-041-49", 600)
	f.pickup(f.manifest(f.gen, f.recv, []Principal{f.car1}, a), f.car1)
	subject := f.gen.Party + "-plan-2026-900-041-49"
	assert.Empty(t, f.open(AlertPlanExceeded, subject), "0.6 t of 1 t")
	f.pickup(f.manifest(f.gen, f.recv, []Principal{f.car1}, b), f.car1)
	open := f.open(AlertPlanExceeded, subject)
	require.Len(t, open, 1, "1.2 t past the forecast of 1 t")
	assert.Equal(t, f.gen.Party, open[0].Party)
	assert.Contains(t, open[0].Message, "1.2")

	f.filePlan(f.gen, 2026, 1.5, "900-041-49", "900-214-08")
	assert.Empty(t, f.open(AlertPlanExceeded, subject), "an amended plan with room resolves it")
	_, err = f.createManifest(f.gen, f.recv, []Principal{f.car1}, f.clock.Now().Add(time.Hour), rag)
	require.NoError(t, err, "the amended plan lists 900-214-08")
}
