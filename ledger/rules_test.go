package ledger

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each rule of docs/domain.md that the service enforces, broken.

func TestRuleCreditCodeCheckCharacter(t *testing.T) {
	f := newFixture(t)
	good := credit(100)
	alphabet := "0123456789ABCDEFGHJKLMNPQRTUWXY"
	badCheck := good[:17] + string(alphabet[(strings.IndexByte(alphabet, good[17])+1)%31])
	for _, cc := range []string{badCheck, good[:17], good + "0", strings.Replace(good, good[2:3], "I", 1), "91410104MA0000100O"} {
		err := f.refused(func() error {
			_, err := f.s.RegisterParty(f.ctx, f.admin, PartyInput{Name: "坏代码", CreditCode: cc, Roles: []Role{RoleGenerator}})
			return err
		})
		requireField(t, err, "credit_code")
	}
	// The correct check character is accepted, lower case too.
	_, err := f.s.RegisterParty(f.ctx, f.admin, PartyInput{Name: "好代码", CreditCode: strings.ToLower(good), Roles: []Role{RoleGenerator}})
	require.NoError(t, err)
	// And twice is refused.
	err = f.refused(func() error {
		_, err := f.s.RegisterParty(f.ctx, f.admin, PartyInput{Name: "重复", CreditCode: good, Roles: []Role{RoleGenerator}})
		return err
	})
	requireField(t, err, "credit_code")
}

func TestRuleWasteCodeUnknownOrMalformed(t *testing.T) {
	f := newFixture(t)
	for _, code := range []string{"900-041", "HW49", "900-041-4x", "9000414", "abc", "", "900-041-41", "999-999-49"} {
		err := f.refused(func() error {
			_, err := f.s.RegisterWaste(f.ctx, f.gen, WasteInput{Code: code, Form: "solid", Quantity: 1000,
				Container: Container{Type: "桶", Count: 1}, GeneratedAt: t0.Add(-time.Hour)})
			return err
		})
		requireField(t, err, "code")
		var ve *ValidationError
		require.True(t, errors.As(err, &ve))
		msg := ve.Fields["code"]
		// The message says what a valid code looks like, or why this one is not one.
		assert.True(t, strings.Contains(msg, "NNN-NNN-NN") || strings.Contains(msg, "catalogue") || strings.Contains(msg, "category"),
			"code %q: message %q should say what a valid code looks like", code, msg)
		if strings.Contains(msg, "malformed") {
			assert.Contains(t, msg, "e.g. 900-041-49", "code %q", code)
		}
	}
}

func TestRuleMedical831RecordedAs841(t *testing.T) {
	f := newFixture(t)
	for i, old := range []string{"831-001-01", "83100201", "831-003-01", "831-004-01", "831-005-01"} {
		w := f.waste(f.hosp, old, 5)
		want := fmt.Sprintf("841-00%d-01", i+1)
		assert.Equal(t, want, w.Code)
		assert.True(t, w.Medical)
		assert.Equal(t, "HW01", w.Category)
		l, err := ident.ParseLabel(w.Label)
		require.NoError(t, err)
		assert.Equal(t, strings.ReplaceAll(want, "-", ""), l.CodeDigits, "the label carries the 841 digits")
		assert.Equal(t, w.GeneratedAt.Add(48*time.Hour), w.StorageDeadline)
	}
	// 831-006-01 is not one of the five.
	err := f.refused(func() error {
		_, err := f.s.RegisterWaste(f.ctx, f.hosp, WasteInput{Code: "831-006-01", Form: "solid", Quantity: 1, Container: Container{Type: "箱", Count: 1}, GeneratedAt: t0})
		return err
	})
	requireField(t, err, "code")
}

func TestRuleLabelFormatAndSerials(t *testing.T) {
	f := newFixture(t)
	gen1, err := f.s.Party(f.ctx, f.gen.Party)
	require.NoError(t, err)
	// 2026-03-02 09:00 UTC is 17:00 in Shanghai; 16:30 UTC is already 3 March there.
	day1 := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	lateDay1 := time.Date(2026, 3, 2, 15, 59, 0, 0, time.UTC)
	day2 := time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC)
	f.clock.Advance(10 * time.Hour) // so that day2 is not in the future

	a1 := f.wasteAt(f.gen, "900-041-49", 1, day1)
	a2 := f.wasteAt(f.gen, "900-041-49", 1, lateDay1)
	b1 := f.wasteAt(f.gen, "900-214-08", 1, day1)
	c1 := f.wasteAt(f.gen, "900-041-49", 1, day2)
	o1 := f.wasteAt(f.gen2, "900-041-49", 1, day1)
	a3 := f.wasteAt(f.gen, "90004149", 1, day1)

	for _, w := range []*Waste{a1, a2, b1, c1, o1, a3} {
		require.Len(t, w.Label, 37)
		_, err := ident.ParseLabel(w.Label)
		require.NoError(t, err)
	}
	assert.Equal(t, gen1.CreditCode+"90004149"+"20260302"+"001", a1.Label)
	assert.Equal(t, gen1.CreditCode+"90004149"+"20260302"+"002", a2.Label)
	assert.Equal(t, gen1.CreditCode+"90021408"+"20260302"+"001", b1.Label, "serial per code")
	assert.Equal(t, gen1.CreditCode+"90004149"+"20260303"+"001", c1.Label, "serial per day in Shanghai")
	assert.True(t, strings.HasSuffix(o1.Label, "90004149"+"20260302"+"001"), "serial per generator")
	assert.NotEqual(t, a1.Label[:18], o1.Label[:18])
	assert.Equal(t, gen1.CreditCode+"90004149"+"20260302"+"003", a3.Label)

	// Every label resolves to its batch; a label no batch has, or not a
	// label at all, to nothing.
	for _, w := range []*Waste{a1, a2, b1, c1, o1, a3} {
		got, err := f.s.WasteByLabel(f.ctx, f.insp, " "+w.Label+" ")
		require.NoError(t, err)
		assert.Equal(t, w.ID, got.ID, w.Label)
	}
	for _, l := range []string{a3.Label[:34] + "004", o1.Label[:26] + "20260301001", "not a label"} {
		_, err := f.s.WasteByLabel(f.ctx, f.insp, l)
		assert.ErrorIs(t, err, ErrNotFound, l)
	}
}

// Serials run 001..999 per generator, code and day, with no gap and no
// repeat; the 1000th batch of a day is refused and appends nothing; the
// next day starts at 001.
func TestRuleLabelSerialLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("registers 1,000 batches; make test runs it")
	}
	t.Parallel()
	f := newFixture(t)
	day := f.clock.Now().Add(-30 * time.Hour)
	for n := 1; n <= 999; n++ {
		w := f.wasteAt(f.gen, "900-041-49", 1, day)
		require.Equal(t, fmt.Sprintf("%03d", n), w.Label[34:], "batch %d", n)
	}
	err := f.refused(func() error {
		_, err := f.s.RegisterWaste(f.ctx, f.gen, WasteInput{Code: "900-041-49", Form: "solid", Quantity: KgToGrams(1),
			Container: Container{Type: "桶", Count: 1}, GeneratedAt: day, Storage: "暂存间"})
		return err
	})
	require.ErrorIs(t, err, ErrRuleViolation)
	assert.Contains(t, err.Error(), "999")
	next := f.wasteAt(f.gen, "900-041-49", 1, day.Add(24*time.Hour))
	assert.Equal(t, "001", next.Label[34:])
}

func TestRuleStorageDeadlines(t *testing.T) {
	f := newFixture(t)
	g := t0.Add(-time.Hour)
	med := f.wasteAt(f.hosp, "841-002-01", 3, g)
	assert.True(t, med.Medical)
	assert.Equal(t, g.Add(48*time.Hour), med.StorageDeadline)
	assert.Equal(t, g.Add(36*time.Hour), med.StorageWarnAt)
	chem := f.wasteAt(f.hosp, "900-047-49", 3, g)
	assert.False(t, chem.Medical)
	assert.Equal(t, g.Add(365*24*time.Hour), chem.StorageDeadline)
	assert.Equal(t, g.Add(335*24*time.Hour), chem.StorageWarnAt)
}

func TestRuleManifestNumberGapFree(t *testing.T) {
	f := newFixture(t)
	var nums []string
	for i := 0; i < 3; i++ {
		w := f.waste(f.gen, "900-214-08", 10)
		nums = append(nums, f.manifest(f.gen, f.recv, []Principal{f.car1}, w).Number)
		// A refused manifest takes no number.
		f.refused(func() error {
			_, err := f.createManifest(f.gen, f.recv, []Principal{f.car1}, t0, w)
			return err
		})
	}
	// A cancelled one keeps its number; the next goes on.
	w := f.waste(f.gen, "900-214-08", 10)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1}, w)
	_, err := f.s.Cancel(f.ctx, f.gen, m.ID, CancelInput{Reason: "改期"})
	require.NoError(t, err)
	nums = append(nums, m.Number, f.manifest(f.gen, f.recv, []Principal{f.car1}, w).Number)
	assert.Equal(t, []string{"20264101000001", "20264101000002", "20264101000003", "20264101000004", "20264101000005"}, nums)
	for _, n := range nums {
		y, prov, city, _, err := ident.ParseManifestNumber(n)
		require.NoError(t, err)
		assert.Equal(t, []any{2026, "41", "01"}, []any{y, prov, city})
	}
}

func TestRuleManifestNumberPerCity(t *testing.T) {
	clock := newTestClock(t0)
	s := openTest(t, Config{Clock: clock.Now, Province: "41", City: "02"})
	f := &fixture{t: t, s: s, clock: clock, ctx: t.Context()}
	adminID, err := s.Bootstrap(f.ctx, "tok")
	require.NoError(t, err)
	f.admin = Principal{Party: adminID, Roles: []Role{RoleAdmin, RoleInspector}}
	f.insp = f.admin
	f.gen = f.party(1, "开封汽修", []Role{RoleGenerator}, nil)
	f.car1 = f.party(2, "开封危运", []Role{RoleTransporter}, func(in *PartyInput) { in.TransportPermit = "豫交运管许可汴字1" })
	f.recv = f.receiver(3, License{Number: "L1", Codes: []string{"HW08"}, Methods: []string{"R9"}, CapacityTonnes: 100, ValidFrom: "2020-01-01", ValidTo: "2030-12-31"})
	w := f.waste(f.gen, "900-214-08", 10)
	assert.Equal(t, "20264102000001", f.manifest(f.gen, f.recv, []Principal{f.car1}, w).Number)
}

func TestRuleManifestBatchNotTheGenerators(t *testing.T) {
	f := newFixture(t)
	theirs := f.waste(f.gen2, "900-214-08", 10)
	mine := f.waste(f.gen, "900-214-08", 10)
	for _, ids := range [][]string{{theirs.ID}, {mine.ID, theirs.ID}, {"no-such-batch"}} {
		err := f.refused(func() error {
			_, err := f.s.CreateManifest(f.ctx, f.gen, ManifestInput{WasteIDs: ids, Carriers: []string{f.car1.Party},
				Receiver: f.recv.Party, PlannedPickupAt: t0.Add(time.Hour)})
			return err
		})
		require.ErrorIs(t, err, ErrRuleViolation)
		assert.Contains(t, err.Error(), "not yours")
	}
	assert.Equal(t, WasteStored, f.get(mine.ID).Status)
}

func TestRuleManifestBatchOnAnotherOpenManifest(t *testing.T) {
	f := newFixture(t)
	w := f.waste(f.gen, "900-214-08", 10)
	w2 := f.waste(f.gen, "900-214-08", 10)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1}, w)
	err := f.refused(func() error {
		_, err := f.createManifest(f.gen, f.recv, []Principal{f.car2}, t0.Add(time.Hour), w2, w)
		return err
	})
	require.ErrorIs(t, err, ErrRuleViolation)
	// Listing the same batch twice is a validation error.
	err = f.refused(func() error {
		_, err := f.createManifest(f.gen, f.recv, []Principal{f.car2}, t0.Add(time.Hour), w2, w2)
		return err
	})
	requireField(t, err, "waste_ids")
	// After cancelling, it may go on another.
	_, err = f.s.Cancel(f.ctx, f.gen, m.ID, CancelInput{Reason: "换车"})
	require.NoError(t, err)
	f.manifest(f.gen, f.recv, []Principal{f.car2}, w2, w)
}

func TestRuleLicenceScope(t *testing.T) {
	f := newFixture(t)
	// recv: HW08, HW49, HW12. A HW34 acid is not covered; nor medical waste.
	acid := f.waste(f.gen, "900-349-34", 10)
	oil := f.waste(f.gen, "900-214-08", 10)
	for _, ws := range [][]*Waste{{acid}, {oil, acid}} {
		err := f.refused(func() error {
			_, err := f.createManifest(f.gen, f.recv, []Principal{f.car1}, t0.Add(time.Hour), ws...)
			return err
		})
		require.ErrorIs(t, err, ErrRuleViolation)
		assert.Contains(t, err.Error(), "does not cover 900-349-34")
	}
	med := f.waste(f.hosp, "841-001-01", 2)
	_, err := f.createManifest(f.hosp, f.recv, []Principal{f.car1}, t0.Add(time.Hour), med)
	require.ErrorIs(t, err, ErrRuleViolation)
	// A licence naming single codes covers exactly those.
	single := f.receiver(101, License{Number: "单码", Codes: []string{"900-349-34"}, Methods: []string{"D9"}, CapacityTonnes: 100,
		ValidFrom: "2024-01-01", ValidTo: "2030-12-31"})
	_, err = f.createManifest(f.gen, single, []Principal{f.car1}, t0.Add(time.Hour), oil)
	require.ErrorIs(t, err, ErrRuleViolation)
	f.manifest(f.gen, single, []Principal{f.car1}, acid)
	// Not a receiver at all.
	_, err = f.createManifest(f.gen, f.car2, []Principal{f.car1}, t0.Add(time.Hour), oil)
	require.ErrorIs(t, err, ErrRuleViolation)
}

func TestRuleLicenceValidOnPlannedDate(t *testing.T) {
	f := newFixture(t)
	short := f.receiver(102, License{Number: "三月", Codes: []string{"HW08"}, Methods: []string{"R9"}, CapacityTonnes: 100,
		ValidFrom: "2026-03-03", ValidTo: "2026-03-31"})
	w := f.waste(f.gen, "900-214-08", 10)
	shanghai := time.FixedZone("CST", 8*3600)
	for _, c := range []struct {
		planned time.Time
		ok      bool
	}{
		{time.Date(2026, 3, 2, 23, 59, 0, 0, shanghai), false},
		{time.Date(2026, 3, 3, 0, 0, 0, 0, shanghai), true},
		{time.Date(2026, 3, 31, 23, 59, 0, 0, shanghai), true},
		{time.Date(2026, 4, 1, 0, 0, 0, 0, shanghai), false},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, shanghai), false},
	} {
		if c.ok {
			m, err := f.createManifest(f.gen, short, []Principal{f.car1}, c.planned, w)
			require.NoError(t, err, "planned %s", c.planned)
			_, err = f.s.Cancel(f.ctx, f.gen, m.ID, CancelInput{Reason: "测试"})
			require.NoError(t, err)
			continue
		}
		err := f.refused(func() error {
			_, err := f.createManifest(f.gen, short, []Principal{f.car1}, c.planned, w)
			return err
		})
		require.ErrorIs(t, err, ErrRuleViolation, "planned %s", c.planned)
		assert.Contains(t, err.Error(), "valid 2026-03-03 to 2026-03-31")
	}
}

func TestRuleCapacity120Percent(t *testing.T) {
	f := newFixture(t)
	// recv's capacity is 10 t: up to 12 t may be taken in a year.
	big := f.waste(f.gen, "900-214-08", 9000)
	m := f.toDelivered(f.recv, big)
	f.receiveAll(m, f.recv, true) // 9 t received: under 100 %, no warning
	assert.Empty(t, f.alerts(AlertFilter{Kind: AlertCapacity}))

	over := f.waste(f.gen, "900-214-08", 3000.001) // 12.000001 t
	err := f.refused(func() error {
		_, err := f.createManifest(f.gen, f.recv, []Principal{f.car1}, t0.Add(time.Hour), over)
		return err
	})
	require.ErrorIs(t, err, ErrRuleViolation)
	assert.Contains(t, err.Error(), "120 %")

	exact := f.waste(f.gen, "900-214-08", 3000) // exactly 12 t: allowed, with a warning on receipt
	m = f.toDelivered(f.recv, exact)
	f.receiveAll(m, f.recv, true)
	warn := f.alerts(AlertFilter{Kind: AlertCapacity})
	require.Len(t, warn, 1)
	assert.Equal(t, f.recv.Party, warn[0].Party)

	// Nothing more this year.
	one := f.waste(f.gen, "900-214-08", 0.001)
	_, err = f.createManifest(f.gen, f.recv, []Principal{f.car1}, t0.Add(time.Hour), one)
	require.ErrorIs(t, err, ErrRuleViolation)
}

// Open manifests count against the capacity as soon as they are filed:
// several together may not pass 120 %; a cancelled one frees its share,
// and a received one moves it from pending to received.
func TestRuleCapacityCountsOpenManifests(t *testing.T) {
	f := newFixture(t)
	// recv's capacity is 10 t: up to 12 t may be taken in a year.
	pending := func() Grams {
		p, err := f.s.Party(f.ctx, f.recv.Party)
		require.NoError(t, err)
		return p.Pending
	}
	m1 := f.manifest(f.gen, f.recv, []Principal{f.car1}, f.waste(f.gen, "900-214-08", 5000))
	m2 := f.manifest(f.gen, f.recv, []Principal{f.car1}, f.waste(f.gen, "900-214-08", 5000))
	assert.Equal(t, KgToGrams(10000), pending())
	third := f.waste(f.gen, "900-214-08", 2500) // 12.5 t with the two open ones
	err := f.refused(func() error {
		_, err := f.createManifest(f.gen, f.recv, []Principal{f.car1}, t0.Add(time.Hour), third)
		return err
	})
	require.ErrorIs(t, err, ErrRuleViolation)
	assert.Contains(t, err.Error(), "10.000 t on open manifests")
	var re *RuleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "郑州环境处置中心 将超过年度核准经营规模 10 吨的 120 %（本年已接收 0.000 吨，在途联单 10.000 吨）", re.MessageZh)

	_, err = f.s.Cancel(f.ctx, f.gen, m2.ID, CancelInput{Reason: "改期"})
	require.NoError(t, err)
	assert.Equal(t, KgToGrams(5000), pending())
	_, err = f.createManifest(f.gen, f.recv, []Principal{f.car1}, t0.Add(time.Hour), third)
	require.NoError(t, err)
	assert.Equal(t, KgToGrams(7500), pending())

	f.receiveAll(f.deliver(f.pickup(m1, f.car1), f.car1), f.recv, true)
	p, err := f.s.Party(f.ctx, f.recv.Party)
	require.NoError(t, err)
	assert.Equal(t, KgToGrams(2500), p.Pending, "m3 is still open")
	assert.Equal(t, KgToGrams(5000), p.ReceivedThisYear)
}

func TestRuleCarrierWithoutPermit(t *testing.T) {
	f := newFixture(t)
	w := f.waste(f.gen, "900-214-08", 10)
	for _, c := range []Principal{f.gen2, f.recv, f.insp} {
		err := f.refused(func() error {
			_, err := f.createManifest(f.gen, f.recv, []Principal{f.car1, c}, t0.Add(time.Hour), w)
			return err
		})
		require.ErrorIs(t, err, ErrRuleViolation)
		assert.Contains(t, err.Error(), "transport permit")
	}
	err := f.refused(func() error {
		_, err := f.s.CreateManifest(f.ctx, f.gen, ManifestInput{WasteIDs: []string{w.ID}, Carriers: []string{"nobody"},
			Receiver: f.recv.Party, PlannedPickupAt: t0})
		return err
	})
	requireField(t, err, "carriers[0]")
	// A transporter cannot be registered without a permit.
	err = f.refused(func() error {
		_, err := f.s.RegisterParty(f.ctx, f.admin, PartyInput{Name: "无证", CreditCode: credit(103), Roles: []Role{RoleTransporter}})
		return err
	})
	requireField(t, err, "transport_permit")
}

func TestRulePickupLabelMismatch(t *testing.T) {
	f := newFixture(t)
	w1 := f.waste(f.gen, "900-214-08", 10)
	w2 := f.waste(f.gen, "900-041-49", 10)
	other := f.waste(f.gen, "900-041-49", 10)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1}, w1, w2)
	in := scan(m)
	in.Labels = []string{w1.Label, other.Label, "not-a-label"}
	err := f.refused(func() error { _, err := f.s.Pickup(f.ctx, f.car1, m.ID, in); return err })
	require.ErrorIs(t, err, ErrRuleViolation)
	var re *RuleError
	require.True(t, errors.As(err, &re))
	assert.Equal(t, []string{w2.Label}, re.Details["missing"])
	unexpected := []string{other.Label, "not-a-label"}
	if unexpected[1] < unexpected[0] {
		unexpected[0], unexpected[1] = unexpected[1], unexpected[0]
	}
	assert.Equal(t, unexpected, re.Details["unexpected"])
	assert.Equal(t, ManifestSubmitted, f.getM(m.ID).Status)
	assert.Equal(t, WasteManifested, f.get(w1.ID).Status)

	// Only missing.
	in.Labels = []string{w2.Label}
	err = f.refused(func() error { _, err := f.s.Pickup(f.ctx, f.car1, m.ID, in); return err })
	require.True(t, errors.As(err, &re))
	assert.Equal(t, []string{w1.Label}, re.Details["missing"])
	assert.Equal(t, []string{}, re.Details["unexpected"])

	// Duplicates and spaces are tolerated; the order does not matter.
	in.Labels = []string{" " + w2.Label + " ", w1.Label, w2.Label}
	_, err = f.s.Pickup(f.ctx, f.car1, m.ID, in)
	require.NoError(t, err)

	// Handover checks labels too.
	m2 := f.manifest(f.gen, f.recv, []Principal{f.car1, f.car2}, other)
	f.pickup(m2, f.car1)
	in = scan(m2)
	in.Labels = []string{w1.Label}
	err = f.refused(func() error { _, err := f.s.Handover(f.ctx, f.car2, m2.ID, in); return err })
	require.ErrorIs(t, err, ErrRuleViolation)
}

func TestRuleCustodyParties(t *testing.T) {
	f := newFixture(t)
	car3 := f.party(104, "第三危运", []Role{RoleTransporter}, func(in *PartyInput) { in.TransportPermit = "豫交运管许可郑字3" })
	w := f.waste(f.gen, "900-214-08", 10)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1, f.car2, car3}, w)

	// Pickup by a carrier other than the first.
	err := f.refused(func() error { _, err := f.s.Pickup(f.ctx, f.car2, m.ID, scan(m)); return err })
	require.ErrorIs(t, err, ErrRuleViolation)
	m = f.pickup(m, f.car1)

	// Handover: car3 is not next; car1 cannot hand to itself.
	for _, c := range []Principal{car3, f.car1} {
		err := f.refused(func() error { _, err := f.s.Handover(f.ctx, c, m.ID, scan(m)); return err })
		require.ErrorIs(t, err, ErrRuleViolation)
	}
	// Positions and delivery by a carrier not holding it.
	err = f.refused(func() error {
		_, err := f.s.Positions(f.ctx, f.car2, m.ID, PositionsInput{Points: []TrackPoint{{34.7, 113.7, f.clock.Now()}}})
		return err
	})
	require.ErrorIs(t, err, ErrRuleViolation)
	err = f.refused(func() error { _, err := f.s.Deliver(f.ctx, f.car2, m.ID, DeliverInput{}); return err })
	require.ErrorIs(t, err, ErrRuleViolation)
	// The holder may not deliver before the last carrier has it.
	err = f.refused(func() error { _, err := f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{}); return err })
	require.ErrorIs(t, err, ErrRuleViolation)

	m = f.handover(m, f.car2)
	err = f.refused(func() error { _, err := f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{}); return err })
	require.ErrorIs(t, err, ErrRuleViolation, "car1 no longer holds it")
	m = f.handover(m, car3)
	assert.Equal(t, car3.Party, m.Holder)
	assert.Len(t, m.Custody, 3)

	// A carrier that is not on the manifest does not see it.
	outsider := f.party(105, "外部危运", []Role{RoleTransporter}, func(in *PartyInput) { in.TransportPermit = "x" })
	err = f.refused(func() error { _, err := f.s.Deliver(f.ctx, outsider, m.ID, DeliverInput{}); return err })
	require.ErrorIs(t, err, ErrNotFound)

	m = f.deliver(m, car3)
	// Receipt by another receiver: not visible to it.
	err = f.refused(func() error {
		_, err := f.s.Receive(f.ctx, f.medRx, m.ID, ReceiveInput{Lines: f.lines(m, true)})
		return err
	})
	require.ErrorIs(t, err, ErrNotFound)
	f.receiveAll(m, f.recv, true)
	// Disposal by another receiver.
	err = f.refused(func() error {
		_, err := f.s.Dispose(f.ctx, f.medRx, w.ID, DisposeInput{Method: "D10", Quantity: w.Quantity})
		return err
	})
	require.ErrorIs(t, err, ErrNotFound)
}

func TestRuleReceiptTolerance(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		declared, received float64
		containers         int
		disc               bool
	}{
		{100, 100, 2, false},
		{100, 110, 2, false},  // exactly 10 % over: not a discrepancy
		{100, 90, 2, false},   // exactly 10 % under
		{100, 110.1, 2, true}, // 10.1 %
		{100, 89.9, 2, true},  // 10.1 % under
		{30, 33, 2, false},    // 10 % of an awkward number
		{30, 33.001, 2, true}, // one gram over
		{0.3, 0.33, 2, false}, // small quantities
		{123.457, 135.8, 2, false},
		{100, 100, 1, true}, // a container missing
		{100, 100, 3, true}, // an extra container
	} {
		t.Run(fmt.Sprintf("%g→%g/%d", c.declared, c.received, c.containers), func(t *testing.T) {
			f.t = t
			w := f.waste(f.gen, "900-214-08", c.declared) // 2 containers
			m := f.toDelivered(f.recv, w)
			m, err := f.s.Receive(f.ctx, f.recv, m.ID, ReceiveInput{Lines: []ReceiveLine{{WasteID: w.ID,
				Received: KgToGrams(c.received), ContainerCount: c.containers, Accepted: yes()}}})
			require.NoError(t, err)
			assert.Equal(t, c.disc, m.Discrepancy)
			assert.Equal(t, c.disc, m.Lines[0].Discrepancy)
			assert.Equal(t, c.disc, f.get(w.ID).Discrepancy)
			disc := 0
			for _, a := range f.alerts(AlertFilter{Kind: AlertDiscrepancy}) {
				if a.Subject == m.ID {
					disc++
				}
			}
			assert.Equal(t, map[bool]int{true: 1, false: 0}[c.disc], disc)
		})
	}
}

func TestRuleReceiptToleranceConfigurable(t *testing.T) {
	clock := newTestClock(t0)
	r := DefaultRules()
	r.WeightTolerance = 0.02
	s := openTest(t, Config{Clock: clock.Now, Rules: &r})
	f := &fixture{t: t, s: s, clock: clock, ctx: t.Context()}
	adminID, err := s.Bootstrap(f.ctx, "tok")
	require.NoError(t, err)
	f.admin = Principal{Party: adminID, Roles: []Role{RoleAdmin, RoleInspector}}
	f.insp = f.admin
	f.gen = f.party(1, "汽修", []Role{RoleGenerator}, nil)
	f.car1 = f.party(2, "危运", []Role{RoleTransporter}, func(in *PartyInput) { in.TransportPermit = "p" })
	f.recv = f.receiver(3, License{Number: "L", Codes: []string{"HW08"}, Methods: []string{"R9"}, CapacityTonnes: 100, ValidFrom: "2020-01-01", ValidTo: "2030-12-31"})
	w := f.waste(f.gen, "900-214-08", 100)
	m := f.toDelivered(f.recv, w)
	m, err = f.s.Receive(f.ctx, f.recv, m.ID, ReceiveInput{Lines: []ReceiveLine{{WasteID: w.ID, Received: KgToGrams(103), ContainerCount: 2, Accepted: yes()}}})
	require.NoError(t, err)
	assert.True(t, m.Discrepancy, "3 %% is beyond a 2 %% tolerance")
}

func TestRuleReceiptLinesAndRejection(t *testing.T) {
	f := newFixture(t)
	w1 := f.waste(f.gen, "900-214-08", 10)
	w2 := f.waste(f.gen, "900-041-49", 10)
	stranger := f.waste(f.gen, "900-041-49", 10)
	m := f.toDelivered(f.recv, w1, w2)
	// Every batch, once, and only the manifest's.
	for _, lines := range [][]ReceiveLine{
		{{WasteID: w1.ID, Received: 10000, ContainerCount: 2, Accepted: yes()}},
		{{WasteID: w1.ID, Received: 10000, ContainerCount: 2, Accepted: yes()}, {WasteID: w1.ID, Received: 10000, ContainerCount: 2, Accepted: yes()}},
		{{WasteID: w1.ID, Received: 10000, ContainerCount: 2, Accepted: yes()}, {WasteID: stranger.ID, Received: 10000, ContainerCount: 2, Accepted: yes()}},
		{{WasteID: w1.ID, Received: 0, ContainerCount: 2, Accepted: yes()}, {WasteID: w2.ID, Received: 10000, ContainerCount: 2, Accepted: yes()}},
	} {
		err := f.refused(func() error { _, err := f.s.Receive(f.ctx, f.recv, m.ID, ReceiveInput{Lines: lines}); return err })
		var ve *ValidationError
		require.True(t, errors.As(err, &ve), "%v", err)
	}
	// Reject w2: discrepancy, w2 rejected, w1 received; the manifest is received (w1 not yet disposed).
	m, err := f.s.Receive(f.ctx, f.recv, m.ID, ReceiveInput{Lines: []ReceiveLine{
		{WasteID: w1.ID, Received: 10000, ContainerCount: 2, Accepted: yes()},
		{WasteID: w2.ID, Received: 10000, ContainerCount: 2, Accepted: no(), Note: "包装破损"},
	}})
	require.NoError(t, err)
	assert.True(t, m.Discrepancy)
	assert.Equal(t, ManifestReceived, m.Status)
	assert.Equal(t, WasteReceived, f.get(w1.ID).Status)
	r2 := f.get(w2.ID)
	assert.Equal(t, WasteRejected, r2.Status)
	assert.Empty(t, r2.ManifestID)
	// Only accepted quantities count against capacity.
	rx, err := f.s.Party(f.ctx, f.recv.Party)
	require.NoError(t, err)
	assert.Equal(t, KgToGrams(10), rx.ReceivedThisYear)

	// The rejected batch goes on a new manifest to another receiver.
	other := f.receiver(106, License{Number: "其他", Codes: []string{"HW49"}, Methods: []string{"D10"}, CapacityTonnes: 10, ValidFrom: "2024-01-01", ValidTo: "2030-12-31"})
	m2 := f.toDelivered(other, r2)
	m2 = f.receiveAll(m2, other, true)
	assert.Equal(t, WasteReceived, f.get(w2.ID).Status)
	_, err = f.s.Dispose(f.ctx, other, w2.ID, DisposeInput{Method: "D10", Quantity: KgToGrams(10)})
	require.NoError(t, err)
	assert.Equal(t, ManifestClosed, f.getM(m2.ID).Status)
	// The first manifest closes when w1 is disposed of.
	assert.Equal(t, ManifestReceived, f.getM(m.ID).Status)
	_, err = f.s.Dispose(f.ctx, f.recv, w1.ID, DisposeInput{Method: "R9", Quantity: KgToGrams(10)})
	require.NoError(t, err)
	assert.Equal(t, ManifestClosed, f.getM(m.ID).Status)
}

func TestRuleManifestClosesWhenAllDisposedOrRejected(t *testing.T) {
	f := newFixture(t)
	// All rejected: closes at once.
	w := f.waste(f.gen, "900-214-08", 10)
	m := f.receiveAll(f.toDelivered(f.recv, w), f.recv, false)
	assert.Equal(t, ManifestClosed, m.Status)
	require.NotNil(t, m.ClosedAt)

	// Three batches, disposed one by one.
	ws := []*Waste{f.waste(f.gen, "900-214-08", 10), f.waste(f.gen, "900-214-08", 10), f.waste(f.gen, "900-041-49", 10)}
	m = f.receiveAll(f.toDelivered(f.recv, ws...), f.recv, true)
	for i, w := range ws {
		assert.Equal(t, ManifestReceived, f.getM(m.ID).Status, "before batch %d", i)
		_, err := f.s.Dispose(f.ctx, f.recv, w.ID, DisposeInput{Method: "D10", Quantity: w.Quantity})
		require.NoError(t, err)
	}
	assert.Equal(t, ManifestClosed, f.getM(m.ID).Status)
	// Disposing twice is an invalid transition.
	err := f.refused(func() error {
		_, err := f.s.Dispose(f.ctx, f.recv, ws[0].ID, DisposeInput{Method: "D10", Quantity: 1})
		return err
	})
	require.ErrorIs(t, err, ErrInvalidTransition)
}

func TestRuleDisposalMethod(t *testing.T) {
	f := newFixture(t)
	// recv allows D10, D1, R9.
	w := f.waste(f.gen, "900-214-08", 10)
	f.receiveAll(f.toDelivered(f.recv, w), f.recv, true)
	for _, method := range []string{"R2", "C1", "Y10"} {
		err := f.refused(func() error {
			_, err := f.s.Dispose(f.ctx, f.recv, w.ID, DisposeInput{Method: method, Quantity: w.Quantity})
			return err
		})
		require.ErrorIs(t, err, ErrRuleViolation, method)
		assert.Contains(t, err.Error(), "does not allow method "+method)
	}
	// More than received + 10 % is refused.
	err := f.refused(func() error {
		_, err := f.s.Dispose(f.ctx, f.recv, w.ID, DisposeInput{Method: "R9", Quantity: KgToGrams(11.001)})
		return err
	})
	requireField(t, err, "quantity_kg")
	d, err := f.s.Dispose(f.ctx, f.recv, w.ID, DisposeInput{Method: "r9", Quantity: KgToGrams(11)})
	require.NoError(t, err)
	assert.Equal(t, "R9", d.Method)
	assert.Equal(t, WasteDisposed, d.Status)
}

func TestRuleMedicalOnlyYCodesOrD10(t *testing.T) {
	f := newFixture(t)
	// A receiver whose licence covers HW01 and allows non-medical methods.
	wide := f.receiver(107, License{Number: "综合", Codes: []string{"HW01", "HW49"}, Methods: []string{"D9", "D1", "C1", "Y10", "D10", "Y13"},
		CapacityTonnes: 100, ValidFrom: "2024-01-01", ValidTo: "2030-12-31"})
	ws := []*Waste{f.waste(f.hosp, "841-001-01", 1), f.waste(f.hosp, "841-002-01", 1), f.waste(f.hosp, "841-003-01", 1)}
	f.receiveAll(f.toDelivered(wide, ws...), wide, true)
	for _, method := range []string{"D9", "D1", "C1"} {
		err := f.refused(func() error {
			_, err := f.s.Dispose(f.ctx, wide, ws[0].ID, DisposeInput{Method: method, Quantity: ws[0].Quantity})
			return err
		})
		require.ErrorIs(t, err, ErrRuleViolation, method)
		assert.Contains(t, err.Error(), "medical waste")
	}
	for i, method := range []string{"Y10", "D10", "Y13"} {
		_, err := f.s.Dispose(f.ctx, wide, ws[i].ID, DisposeInput{Method: method, Quantity: ws[i].Quantity})
		require.NoError(t, err, method)
	}
	// Non-medical waste at the same receiver may use D9.
	chem := f.waste(f.hosp, "900-047-49", 1)
	f.receiveAll(f.toDelivered(wide, chem), wide, true)
	_, err := f.s.Dispose(f.ctx, wide, chem.ID, DisposeInput{Method: "D9", Quantity: chem.Quantity})
	require.NoError(t, err)
}

func TestRuleCancel(t *testing.T) {
	f := newFixture(t)
	w := f.waste(f.gen, "900-214-08", 10)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1}, w)
	// Only the generator of the manifest (another generator does not see it).
	err := f.refused(func() error { _, err := f.s.Cancel(f.ctx, f.gen2, m.ID, CancelInput{Reason: "x"}); return err })
	require.ErrorIs(t, err, ErrNotFound)
	f.pickup(m, f.car1)
	err = f.refused(func() error { _, err := f.s.Cancel(f.ctx, f.gen, m.ID, CancelInput{Reason: "太晚"}); return err })
	require.ErrorIs(t, err, ErrInvalidTransition)
	assert.Equal(t, WasteInTransit, f.get(w.ID).Status)

	w2 := f.waste(f.gen, "900-214-08", 10)
	m2 := f.manifest(f.gen, f.recv, []Principal{f.car1}, w2)
	m2, err = f.s.Cancel(f.ctx, f.gen, m2.ID, CancelInput{Reason: "车辆故障"})
	require.NoError(t, err)
	assert.Equal(t, ManifestCancelled, m2.Status)
	assert.Equal(t, "车辆故障", m2.CancelReason)
	back := f.get(w2.ID)
	assert.Equal(t, WasteStored, back.Status)
	assert.Empty(t, back.ManifestID)
}

func TestRuleCorrectionKeepsHistory(t *testing.T) {
	f := newFixture(t)
	w := f.waste(f.gen, "900-214-08", 10)
	q := KgToGrams(12)
	// Another generator cannot correct it (does not see it).
	err := f.refused(func() error {
		_, err := f.s.CorrectWaste(f.ctx, f.gen2, w.ID, WasteCorrection{Quantity: &q, Reason: "x"})
		return err
	})
	require.ErrorIs(t, err, ErrNotFound)
	c, err := f.s.CorrectWaste(f.ctx, f.gen, w.ID, WasteCorrection{Quantity: &q, Reason: "复称"})
	require.NoError(t, err)
	assert.Equal(t, q, c.Quantity)
	assert.Equal(t, 1, c.Corrections)
	assert.Equal(t, w.Label, c.Label)
	tr, err := f.s.Trace(f.ctx, f.gen, w.ID)
	require.NoError(t, err)
	require.Len(t, tr.Events, 2)
	assert.Contains(t, string(tr.Events[1].Event), `"before":{"name"`)
	assert.Contains(t, string(tr.Events[1].Event), `"quantity_kg":10`)
	assert.Contains(t, string(tr.Events[1].Event), `"quantity_kg":12`)
	// Invalid corrected values are refused.
	bad := "plasma"
	err = f.refused(func() error {
		_, err := f.s.CorrectWaste(f.ctx, f.gen, w.ID, WasteCorrection{Form: &bad, Reason: "x"})
		return err
	})
	requireField(t, err, "form")
}

func TestRuleLicenceRenewalKeepsHistory(t *testing.T) {
	f := newFixture(t)
	acid := f.waste(f.gen, "900-349-34", 10)
	_, err := f.createManifest(f.gen, f.recv, []Principal{f.car1}, t0.Add(time.Hour), acid)
	require.ErrorIs(t, err, ErrRuleViolation)
	old, err := f.s.Party(f.ctx, f.recv.Party)
	require.NoError(t, err)

	renewed := License{Number: "豫环许可危废字41010001-2", Codes: []string{"HW08", "HW49", "HW12", "HW34"}, Methods: []string{"D10", "D9"},
		CapacityTonnes: 20, ValidFrom: "2026-03-01", ValidTo: "2031-02-28"}
	p, err := f.s.RenewLicense(f.ctx, f.admin, f.recv.Party, renewed)
	require.NoError(t, err)
	assert.Equal(t, renewed.Number, p.License.Number)
	require.Len(t, p.LicenseHistory, 1)
	assert.Equal(t, *old.License, p.LicenseHistory[0])
	f.manifest(f.gen, f.recv, []Principal{f.car1}, acid)

	// A second renewal appends.
	renewed.Number += "-3"
	p, err = f.s.RenewLicense(f.ctx, f.admin, f.recv.Party, renewed)
	require.NoError(t, err)
	require.Len(t, p.LicenseHistory, 2)
	assert.Equal(t, old.License.Number, p.LicenseHistory[0].Number)

	// Refusals: not admin, not a receiver, invalid licence.
	err = f.refused(func() error { _, err := f.s.RenewLicense(f.ctx, f.insp, f.recv.Party, renewed); return err })
	require.ErrorIs(t, err, ErrForbidden)
	err = f.refused(func() error { _, err := f.s.RenewLicense(f.ctx, f.admin, f.gen.Party, renewed); return err })
	require.ErrorIs(t, err, ErrRuleViolation)
	bad := renewed
	bad.Codes = []string{"HW99x"}
	err = f.refused(func() error { _, err := f.s.RenewLicense(f.ctx, f.admin, f.recv.Party, bad); return err })
	requireField(t, err, "license.codes[0]")
	bad = renewed
	bad.ValidTo = "2020-01-01"
	err = f.refused(func() error { _, err := f.s.RenewLicense(f.ctx, f.admin, f.recv.Party, bad); return err })
	requireField(t, err, "license.valid_to")
}

func TestRuleTokenRevoke(t *testing.T) {
	f := newFixture(t)
	id, tok, err := f.s.CreateToken(f.ctx, f.admin, f.gen.Party, TokenInput{})
	require.NoError(t, err)
	p, err := f.s.Authenticate(tok)
	require.NoError(t, err)
	assert.Equal(t, f.gen.Party, p.Party)
	assert.Equal(t, []Role{RoleGenerator}, p.Roles)
	assert.Equal(t, id, p.TokenID)
	// The token itself is not in the log.
	require.NoError(t, f.s.Log().Events(0, 0, func(_ uint64, b []byte) error {
		assert.NotContains(t, string(b), tok)
		return nil
	}))
	_, _, err = f.s.CreateToken(f.ctx, f.gen, f.gen.Party, TokenInput{})
	require.ErrorIs(t, err, ErrForbidden)
	require.ErrorIs(t, f.s.RevokeToken(f.ctx, f.gen, id), ErrForbidden)
	require.NoError(t, f.s.RevokeToken(f.ctx, f.admin, id))
	_, err = f.s.Authenticate(tok)
	require.ErrorIs(t, err, ErrUnauthenticated)
	// Revoking again appends nothing; an unknown id is not found.
	n := f.size()
	require.NoError(t, f.s.RevokeToken(f.ctx, f.admin, id))
	assert.Equal(t, n, f.size())
	require.ErrorIs(t, f.s.RevokeToken(f.ctx, f.admin, "nope"), ErrNotFound)
	_, err = f.s.Authenticate("")
	require.ErrorIs(t, err, ErrUnauthenticated)
	_, err = f.s.Authenticate("hwl_unknown")
	require.ErrorIs(t, err, ErrUnauthenticated)
}

func TestRuleIdempotency(t *testing.T) {
	f := newFixture(t)
	in := WasteInput{Code: "900-214-08", Form: "liquid", Quantity: KgToGrams(5), Container: Container{Type: "桶", Count: 1}, GeneratedAt: t0.Add(-time.Hour)}
	ctx := WithIdempotency(f.ctx, "key-1", "hash-a")
	w1, err := f.s.RegisterWaste(ctx, f.gen, in)
	require.NoError(t, err)
	n := f.size()
	w2, err := f.s.RegisterWaste(ctx, f.gen, in)
	require.NoError(t, err)
	assert.Equal(t, n, f.size(), "a replay appends nothing")
	assert.Equal(t, w1.ID, w2.ID)
	assert.Equal(t, w1.Label, w2.Label)

	_, err = f.s.RegisterWaste(WithIdempotency(f.ctx, "key-1", "hash-b"), f.gen, in)
	require.ErrorIs(t, err, ErrConflict)
	assert.Equal(t, n, f.size())

	// Keys are per party: the same key from another party is a new request.
	w3, err := f.s.RegisterWaste(ctx, f.gen2, in)
	require.NoError(t, err)
	assert.NotEqual(t, w1.ID, w3.ID)
	// Another key is a new request.
	w4, err := f.s.RegisterWaste(WithIdempotency(f.ctx, "key-2", "hash-a"), f.gen, in)
	require.NoError(t, err)
	assert.NotEqual(t, w1.ID, w4.ID)

	// A failed request does not consume the key.
	mctx := WithIdempotency(f.ctx, "m-1", "h")
	_, err = f.s.CreateManifest(mctx, f.gen, ManifestInput{WasteIDs: []string{w1.ID}, Carriers: []string{f.car1.Party}, Receiver: f.medRx.Party, PlannedPickupAt: t0})
	require.ErrorIs(t, err, ErrRuleViolation)
	m1, err := f.s.CreateManifest(mctx, f.gen, ManifestInput{WasteIDs: []string{w1.ID}, Carriers: []string{f.car1.Party}, Receiver: f.recv.Party, PlannedPickupAt: t0})
	require.NoError(t, err)
	// Replaying a state change after the state moved on still returns the first answer.
	pctx := WithIdempotency(f.ctx, "p-1", "h")
	p1, err := f.s.Pickup(pctx, f.car1, m1.ID, scan(m1))
	require.NoError(t, err)
	n = f.size()
	p2, err := f.s.Pickup(pctx, f.car1, m1.ID, scan(m1))
	require.NoError(t, err, "a retried pickup returns the first response, not an invalid transition")
	assert.Equal(t, n, f.size())
	assert.Equal(t, p1.Status, p2.Status)
	assert.Equal(t, p1.Number, p2.Number)
}

func TestRulePartyValidation(t *testing.T) {
	f := newFixture(t)
	cases := map[string]PartyInput{
		"name":                    {CreditCode: credit(110), Roles: []Role{RoleGenerator}},
		"roles":                   {Name: "x", CreditCode: credit(110), Roles: []Role{"king"}},
		"license":                 {Name: "x", CreditCode: credit(110), Roles: []Role{RoleReceiver}},
		"location.lat":            {Name: "x", CreditCode: credit(110), Roles: []Role{RoleGenerator}, Location: &Location{95, 0}},
		"license.methods":         {Name: "x", CreditCode: credit(110), Roles: []Role{RoleReceiver}, License: &License{Number: "n", Codes: []string{"HW08"}, CapacityTonnes: 1, ValidFrom: "2024-01-01", ValidTo: "2025-01-01"}},
		"license.capacity_tonnes": {Name: "x", CreditCode: credit(110), Roles: []Role{RoleReceiver}, License: &License{Number: "n", Codes: []string{"HW08"}, Methods: []string{"D10"}, ValidFrom: "2024-01-01", ValidTo: "2025-01-01"}},
	}
	for field, in := range cases {
		err := f.refused(func() error { _, err := f.s.RegisterParty(f.ctx, f.admin, in); return err })
		requireField(t, err, field)
	}
	_, err := f.s.RegisterParty(f.ctx, f.gen, PartyInput{Name: "x", CreditCode: credit(111), Roles: []Role{RoleGenerator}})
	require.ErrorIs(t, err, ErrForbidden)
}
