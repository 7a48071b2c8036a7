package ledger

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A driver loads part of a manifest and says why the rest stays behind:
// the batches not scanned go back to storage, off the manifest, and the
// manifest carries on with the others.
func TestPartialPickup(t *testing.T) {
	f := newFixture(t)
	w1, w2, w3 := f.waste(f.gen, "900-214-08", 100), f.waste(f.gen, "900-214-08", 50), f.waste(f.gen, "900-041-49", 20)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1}, w1, w2, w3)
	pending := func() Grams {
		p, err := f.s.Party(f.ctx, f.recv.Party)
		require.NoError(t, err)
		return p.Pending
	}
	require.Equal(t, KgToGrams(170), pending())

	in := scan(m)
	in.Labels = []string{w1.Label, w2.Label}
	// Without a reason a missing label refuses the pickup.
	err := f.refused(func() error { _, err := f.s.Pickup(f.ctx, f.car1, m.ID, in); return err })
	var re *RuleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, []string{w3.Label}, re.Details["missing"])
	assert.Contains(t, re.MessageZh, "原因")

	in.LeftBehindReason = "车厢已满，废包装桶下次再运"
	in.Escort = "王押运"
	got, err := f.s.Pickup(f.ctx, f.car1, m.ID, in)
	require.NoError(t, err)
	assert.Equal(t, ManifestInTransit, got.Status)
	assert.Equal(t, []string{w1.ID, w2.ID}, got.WasteIDs)
	assert.Equal(t, []string{w1.Label, w2.Label}, got.Labels)
	assert.Equal(t, KgToGrams(150), got.Total)
	assert.Equal(t, []string{w3.ID}, got.LeftBehind)
	assert.Equal(t, "车厢已满，废包装桶下次再运", got.LeftBehindReason)
	assert.Equal(t, "王押运", got.Custody[0].Escort)
	assert.Equal(t, KgToGrams(150), pending(), "what stays behind no longer counts against the receiver's capacity")

	back := f.get(w3.ID)
	assert.Equal(t, WasteStored, back.Status)
	assert.Empty(t, back.ManifestID)
	assert.Equal(t, WasteInTransit, f.get(w1.ID).Status)
	// The batch's trace shows the pickup that left it behind.
	tr, err := f.s.Trace(f.ctx, f.gen, w3.ID)
	require.NoError(t, err)
	last := decodeEvent(t, tr.Events[len(tr.Events)-1].Event)
	assert.Equal(t, EvManifestPickedUp, last.Type)
	assert.Contains(t, string(last.Data), `"left_behind":["`+w3.ID+`"]`)
	assert.Contains(t, string(last.Data), `"escort":"王押运"`)

	// The rest of the manifest goes on as usual: receipt has a line per
	// batch loaded; the batch left behind goes on a new manifest.
	f.clock.Advance(time.Hour)
	f.receiveAll(f.deliver(got, f.car1), f.recv, true)
	m2 := f.manifest(f.gen, f.recv, []Principal{f.car1}, back)
	assert.Equal(t, []string{w3.ID}, m2.WasteIDs)
}

// A left-behind reason is for a pickup with batches left behind; a label
// that is not the manifest's still refuses it.
func TestPartialPickupRefusals(t *testing.T) {
	f := newFixture(t)
	w1, w2 := f.waste(f.gen, "900-214-08", 100), f.waste(f.gen, "900-214-08", 50)
	other := f.waste(f.gen, "900-214-08", 5)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1, f.car2}, w1, w2)

	in := scan(m)
	in.LeftBehindReason = "客户要求"
	requireField(t, f.refused(func() error { _, err := f.s.Pickup(f.ctx, f.car1, m.ID, in); return err }), "left_behind_reason")
	in.Labels = []string{w1.Label, other.Label}
	err := f.refused(func() error { _, err := f.s.Pickup(f.ctx, f.car1, m.ID, in); return err })
	require.ErrorIs(t, err, ErrRuleViolation)
	in.Labels = nil
	requireField(t, f.refused(func() error { _, err := f.s.Pickup(f.ctx, f.car1, m.ID, in); return err }), "labels")

	m = f.pickup(m, f.car1)
	in = scan(m)
	in.Labels, in.LeftBehindReason = []string{w1.Label}, "装不下"
	requireField(t, f.refused(func() error { _, err := f.s.Handover(f.ctx, f.car2, m.ID, in); return err }), "left_behind_reason")
}

// A transport permit with a scope carries only what it covers: a medical
// waste collector is refused for waste oil, and is not listed for it.
func TestTransportScope(t *testing.T) {
	f := newFixture(t)
	medCar := f.party(30, "康洁医废收运", []Role{RoleTransporter}, func(in *PartyInput) {
		in.TransportPermit, in.TransportScope = "豫交运管许可郑字410100030", []string{"hw01"}
	})
	p, err := f.s.Party(f.ctx, medCar.Party)
	require.NoError(t, err)
	assert.Equal(t, []string{"HW01"}, p.TransportScope)

	oil := f.waste(f.gen, "900-214-08", 10)
	err = f.refused(func() error {
		_, err := f.createManifest(f.gen, f.recv, []Principal{medCar}, t0.Add(time.Hour), oil)
		return err
	})
	var re *RuleError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, re.Message, "covers HW01, not 900-214-08")
	assert.Contains(t, re.MessageZh, "运输许可范围（HW01）不包括 900-214-08")

	med := f.waste(f.hosp, "841-001-01", 3)
	_, err = f.createManifest(f.hosp, f.medRx, []Principal{medCar}, t0.Add(time.Hour), med)
	require.NoError(t, err)

	names := func(code string) []string {
		ps, err := f.s.Parties(f.ctx, PartyFilter{Role: RoleTransporter, Code: code})
		require.NoError(t, err)
		var out []string
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	assert.NotContains(t, names("900-214-08"), "康洁医废收运")
	assert.Contains(t, names("900-214-08"), "豫通危运", "a permit without a recorded scope covers every code")
	assert.Contains(t, names("841-001-01"), "康洁医废收运")

	// Only a transporter has a scope, and it names categories or codes.
	err = f.refused(func() error {
		_, err := f.s.RegisterParty(f.ctx, f.admin, PartyInput{Name: "x", CreditCode: credit(31), Roles: []Role{RoleGenerator},
			TransportScope: []string{"HW08"}})
		return err
	})
	requireField(t, err, "transport_scope")
	err = f.refused(func() error {
		_, err := f.s.RegisterParty(f.ctx, f.admin, PartyInput{Name: "x", CreditCode: credit(32), Roles: []Role{RoleTransporter},
			TransportPermit: "p", TransportScope: []string{"oil"}})
		return err
	})
	requireField(t, err, "transport_scope[0]")
}
