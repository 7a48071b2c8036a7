package ledger

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// HJ 1259 4.2 at its thresholds: under 10 t registered, from 10 t
// simplified, from 100 t key supervision; a licence (own facility) makes a
// party key supervision whatever it generates.
func TestClassThresholds(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	class := func(p Principal) ClassInfo {
		t.Helper()
		ci, err := f.s.ManagementClass(f.ctx, f.insp, p.Party)
		require.NoError(t, err)
		return *ci
	}
	assert.Equal(t, ClassRegistered, class(f.gen).Class, "nothing generated yet")

	f.waste(f.gen, "900-041-49", 9900)
	ci := class(f.gen)
	assert.Equal(t, ClassRegistered, ci.Class, "9.9 t")
	assert.Equal(t, KgToGrams(9900), ci.AnnualKg)
	assert.Equal(t, 2026, ci.AnnualYear)
	assert.Contains(t, ci.Basis, "9.9 t")

	f.waste(f.gen2, "900-041-49", 10000)
	assert.Equal(t, ClassSimplified, class(f.gen2).Class, "10 t")
	f.waste(f.gen2, "900-041-49", 89999.999)
	assert.Equal(t, ClassSimplified, class(f.gen2).Class, "a gram under 100 t")
	f.waste(f.gen2, "900-041-49", 0.001)
	assert.Equal(t, ClassKey, class(f.gen2).Class, "100 t")

	own := f.party(40, "自有焚烧炉化工厂", []Role{RoleGenerator, RoleReceiver}, func(in *PartyInput) {
		in.License = &License{Number: "豫环许可危废字41010040", Codes: []string{"HW08"}, Methods: []string{"D10"},
			CapacityTonnes: 5, ValidFrom: "2024-01-01", ValidTo: "2030-12-31"}
	})
	f.waste(own, "900-214-08", 1)
	ci = class(own)
	assert.Equal(t, ClassKey, ci.Class, "own utilisation/disposal facility")
	assert.True(t, ci.OwnFacility)

	p, err := f.s.Party(f.ctx, f.gen2.Party)
	require.NoError(t, err)
	assert.Equal(t, ClassKey, p.ManagementClass, "the party read carries its class")
	car, err := f.s.Party(f.ctx, f.car1.Party)
	require.NoError(t, err)
	assert.Empty(t, car.ManagementClass, "a carrier has no class")
}

// The annual amount is the highest calendar year among the last three and
// this one (4.2.3): an older year does not count.
func TestClassAnnualAmountRule(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	year := func(y int) time.Time { return time.Date(y, 6, 1, 0, 0, 0, 0, time.UTC) }
	f.wasteAt(f.gen, "900-041-49", 50000, year(2022)) // 4 years back
	f.wasteAt(f.gen, "900-041-49", 12000, year(2024))
	f.wasteAt(f.gen, "900-041-49", 3000, year(2026).AddDate(0, -4, 0))
	ci, err := f.s.ManagementClass(f.ctx, f.insp, f.gen.Party)
	require.NoError(t, err)
	assert.Equal(t, ClassSimplified, ci.Class)
	assert.Equal(t, KgToGrams(12000), ci.AnnualKg)
	assert.Equal(t, 2024, ci.AnnualYear)

	// Operating less than a year: the plan's forecast counts too.
	f.filePlan(f.gen2, 2026, 150, "900-041-49")
	ci, err = f.s.ManagementClass(f.ctx, f.insp, f.gen2.Party)
	require.NoError(t, err)
	assert.Equal(t, ClassKey, ci.Class, "a new party forecasting 150 t")
	assert.Zero(t, ci.AnnualYear)
}

// An inspector's override is an event with a reason; the computed class
// stays beside it. Others may not override, and bad input appends nothing.
func TestClassOverride(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	err := f.refused(func() error {
		_, err := f.s.SetManagementClass(f.ctx, f.gen, f.gen.Party, ClassInput{Class: ClassKey, Reason: "自报"})
		return err
	})
	require.ErrorIs(t, err, ErrForbidden)
	requireField(t, f.refused(func() error {
		_, err := f.s.SetManagementClass(f.ctx, f.insp, f.gen.Party, ClassInput{Class: "major", Reason: "x"})
		return err
	}), "class")
	requireField(t, f.refused(func() error {
		_, err := f.s.SetManagementClass(f.ctx, f.insp, f.gen.Party, ClassInput{Class: ClassKey})
		return err
	}), "reason")
	require.ErrorIs(t, f.refused(func() error {
		_, err := f.s.SetManagementClass(f.ctx, f.insp, f.car1.Party, ClassInput{Class: ClassKey, Reason: "x"})
		return err
	}), ErrRuleViolation)

	p, err := f.s.SetManagementClass(f.ctx, f.insp, f.gen.Party, ClassInput{Class: ClassKey, Reason: "涉重金属重点行业"})
	require.NoError(t, err)
	assert.Equal(t, ClassKey, p.ManagementClass)
	require.NotNil(t, p.ClassOverride)
	assert.Equal(t, ClassRegistered, p.ClassOverride.Computed)
	assert.Equal(t, f.insp.Party, p.ClassOverride.By)
	ci, err := f.s.ManagementClass(f.ctx, f.gen, f.gen.Party)
	require.NoError(t, err)
	assert.Equal(t, ClassKey, ci.Class)
	assert.Equal(t, ClassRegistered, ci.Computed)
	assert.Contains(t, ci.Basis, "涉重金属重点行业")
	_, err = f.s.ManagementClass(f.ctx, f.gen2, f.gen.Party)
	require.ErrorIs(t, err, ErrNotFound, "another party's class is not its business")

	all, err := f.s.Classes(f.ctx, f.insp)
	require.NoError(t, err)
	byID := map[string]ClassInfo{}
	for _, c := range all {
		byID[c.Party] = c
	}
	assert.Equal(t, ClassKey, byID[f.gen.Party].Class, "the district list agrees")
	assert.Equal(t, ClassRegistered, byID[f.gen2.Party].Class)
	assert.Equal(t, ClassKey, byID[f.recv.Party].Class, "a licence holder")
	assert.NotContains(t, byID, f.car1.Party)
}
