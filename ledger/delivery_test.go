package ledger

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fixture's parties, and the scans' pickups, are all at one point.
var pickupPoint = Location{34.75, 113.68}

// north is the point d metres due north of l.
func north(l Location, d float64) *Location {
	return &Location{Lat: l.Lat + d/earthRadius*180/math.Pi, Lon: l.Lon}
}

// farReceiver registers a receiver for HW08 at a, and a carrier.
func (f *fixture) farReceiver(n int, at *Location) Principal {
	return f.party(n, "远处的处置中心", []Role{RoleReceiver}, func(in *PartyInput) {
		in.Location = at
		in.License = &License{Number: "豫环许可危废字4101009" + string(rune('0'+n%10)), Codes: []string{"HW08"}, Methods: []string{"D10"},
			CapacityTonnes: 100, ValidFrom: "2024-01-01", ValidTo: "2028-12-31"}
	})
}

// pickedUp files a manifest of one new batch to rx for car1 and picks it up
// at the pickup point.
func (f *fixture) pickedUp(rx Principal) *Manifest {
	f.t.Helper()
	return f.pickup(f.manifest(f.gen, rx, []Principal{f.car1}, f.waste(f.gen, "900-214-08", 10)), f.car1)
}

// ruleOf requires err to be a refusal by the named delivery rule.
func ruleOf(t *testing.T, err error, rule string) {
	t.Helper()
	var re *RuleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, rule, re.Details["rule"], "%v", err)
	assert.NotEmpty(t, re.MessageZh)
}

func TestDistanceMetres(t *testing.T) {
	assert.InDelta(t, 200, distanceMetres(pickupPoint, *north(pickupPoint, 200)), 1e-6)
	// 0.01° of longitude at 34.75° N is 1 km × cos(34.75°) × 1.11195.
	assert.InDelta(t, 913.7, distanceMetres(Location{34.75, 113.68}, Location{34.75, 113.69}), 0.1)
}

// A delivery less than delivery_min_distance (200 m) from where the load
// was picked up is refused, at any time; 200 m away it is accepted.
func TestDeliveryTooCloseToPickup(t *testing.T) {
	f := newFixture(t)
	rx := f.farReceiver(20, north(pickupPoint, 8000))
	m := f.pickedUp(rx)
	f.clock.Advance(2 * time.Hour) // time is not the problem
	for _, d := range []float64{0, 150, 199.99} {
		err := f.refused(func() error {
			_, err := f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{Location: north(pickupPoint, d)})
			return err
		})
		ruleOf(t, err, "delivery_min_distance")
	}
	got, err := f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{Location: north(pickupPoint, 200.01)})
	require.NoError(t, err)
	assert.Equal(t, ManifestDelivered, got.Status)
}

// A receiver that is itself that close (a hospital's own incinerator next
// door) takes deliveries near the pickup point.
func TestDeliveryCloseWhenTheReceiverIsClose(t *testing.T) {
	f := newFixture(t)
	rx := f.farReceiver(21, north(pickupPoint, 150))
	m := f.pickedUp(rx)
	f.clock.Advance(2 * time.Minute)
	_, err := f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{Location: north(pickupPoint, 140)})
	require.NoError(t, err)

	// A receiver 200 m away is not "that close".
	rx2 := f.farReceiver(22, north(pickupPoint, 200.01))
	m2 := f.pickedUp(rx2)
	f.clock.Advance(2 * time.Minute)
	ruleOf(t, f.refused(func() error {
		_, err := f.s.Deliver(f.ctx, f.car1, m2.ID, DeliverInput{Location: north(pickupPoint, 10)})
		return err
	}), "delivery_min_distance")
}

// A delivery sooner than the distance allows at delivery_max_speed (120
// km/h) is refused: 8 km takes 4 minutes; 4 minutes less a second is
// refused, 4 minutes is accepted.
func TestDeliveryFasterThanTheRoad(t *testing.T) {
	f := newFixture(t)
	far := north(pickupPoint, 8000)
	rx := f.farReceiver(23, far)
	m := f.pickedUp(rx)
	need := 4 * time.Minute // 8 km at 120 km/h
	f.clock.Advance(time.Hour)
	early := m.PickedUpAt.Add(need - time.Second)
	ruleOf(t, f.refused(func() error {
		_, err := f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{Location: far, OccurredAt: &early})
		return err
	}), "delivery_max_speed")
	// Without a location, the receiver's registered location is the end.
	ruleOf(t, f.refused(func() error {
		_, err := f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{OccurredAt: &early})
		return err
	}), "delivery_max_speed")
	onTime := m.PickedUpAt.Add(need + time.Microsecond) // the distance is 8 km less a rounding
	got, err := f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{Location: far, OccurredAt: &onTime})
	require.NoError(t, err)
	assert.Equal(t, ManifestDelivered, got.Status)

	// At once after pickup, as one tap did: refused.
	m2 := f.pickedUp(rx)
	ruleOf(t, f.refused(func() error {
		_, err := f.s.Deliver(f.ctx, f.car1, m2.ID, DeliverInput{Location: far})
		return err
	}), "delivery_max_speed")
}

// After a handover the clock and the place are the handover's.
func TestDeliveryAfterHandover(t *testing.T) {
	f := newFixture(t)
	far := north(pickupPoint, 8000)
	rx := f.farReceiver(24, far)
	m := f.pickup(f.manifest(f.gen, rx, []Principal{f.car1, f.car2}, f.waste(f.gen, "900-214-08", 10)), f.car1)
	f.clock.Advance(3 * time.Hour)
	in := scan(m)
	in.Location = north(pickupPoint, 6000) // the transfer station, 2 km from the receiver
	m, err := f.s.Handover(f.ctx, f.car2, m.ID, in)
	require.NoError(t, err)
	// 2 km take 1 minute at 120 km/h: 30 s after the handover is too soon,
	// although the pickup was 3 hours ago.
	f.clock.Advance(30 * time.Second)
	ruleOf(t, f.refused(func() error {
		_, err := f.s.Deliver(f.ctx, f.car2, m.ID, DeliverInput{Location: far})
		return err
	}), "delivery_max_speed")
	f.clock.Advance(time.Minute)
	_, err = f.s.Deliver(f.ctx, f.car2, m.ID, DeliverInput{Location: far})
	require.NoError(t, err)
}

// Both limits are rules (serve --rule): at 60 km/h, 8 km take 8 minutes.
func TestDeliveryRulesAreConfigurable(t *testing.T) {
	r := DefaultRules()
	assert.Equal(t, 200.0, r.DeliveryMinDistance)
	assert.Equal(t, 120.0, r.DeliveryMaxSpeed)
	r.DeliveryMaxSpeed, r.DeliveryMinDistance = 60, 1000
	f := newFixtureWith(t, Config{Rules: &r})
	far := north(pickupPoint, 8000)
	rx := f.farReceiver(25, far)
	m := f.pickedUp(rx)
	f.clock.Advance(time.Hour)
	at := m.PickedUpAt.Add(6 * time.Minute)
	ruleOf(t, f.refused(func() error {
		_, err := f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{Location: far, OccurredAt: &at})
		return err
	}), "delivery_max_speed")
	ruleOf(t, f.refused(func() error {
		_, err := f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{Location: north(pickupPoint, 999)})
		return err
	}), "delivery_min_distance")
	at = m.PickedUpAt.Add(8*time.Minute + time.Microsecond)
	_, err := f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{Location: far, OccurredAt: &at})
	require.NoError(t, err)
}
