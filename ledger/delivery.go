package ledger

import (
	"math"
	"time"
)

// The delivery plausibility rule (docs/domain.md, "Delivery"): a carrier
// confirms delivery where the receiver is, after the time the road takes.
// A delivery that is too close to where the load was taken over, or that
// would mean driving faster than a road allows, is refused, and nothing is
// recorded.

// earthRadius is the mean radius of the Earth in metres (IUGG).
const earthRadius = 6_371_008.8

// distanceMetres is the great-circle distance between a and b (haversine).
func distanceMetres(a, b Location) float64 {
	rad := math.Pi / 180
	dLat, dLon := (b.Lat-a.Lat)*rad, (b.Lon-a.Lon)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadius * math.Asin(math.Min(1, math.Sqrt(h)))
}

// takenOver is where and when the load of m was taken over on its way: the
// latest pickup or handover that recorded a location, else the generator's
// registered location at the pickup. ok is false when neither is known.
func (c *cmd) takenOver(m *Manifest) (at Location, when time.Time, ok bool) {
	for i := len(m.Custody) - 1; i >= 0; i-- {
		st := m.Custody[i]
		if (st.Kind == CustodyPickup || st.Kind == CustodyHandover) && st.Location != nil {
			return *st.Location, st.At, true
		}
	}
	gen, err := loadParty(c.tx, m.Generator)
	if err != nil || gen.Location == nil || m.PickedUpAt == nil {
		return Location{}, time.Time{}, false
	}
	return *gen.Location, *m.PickedUpAt, true
}

// checkDelivery refuses a delivery of m at loc (nil: not sent) at time at
// that is implausible in place or time:
//
//   - place: loc is less than rules.DeliveryMinDistance from where the load
//     was taken over, unless the receiver's registered location is that
//     close too;
//   - time: from where the load was taken over to loc (or, without loc, to
//     the receiver's registered location) is farther than
//     rules.DeliveryMaxSpeed allows in the time since.
//
// A check whose places are not known is not made.
func (c *cmd) checkDelivery(m *Manifest, loc *Location, at time.Time) error {
	from, since, ok := c.takenOver(m)
	if !ok {
		return nil
	}
	recv, err := loadParty(c.tx, m.Receiver)
	if err != nil {
		return err
	}
	to := loc
	if to == nil {
		to = recv.Location
	}
	if to == nil {
		return nil
	}
	d := distanceMetres(from, *to)
	r := c.s.rules
	if loc != nil && d < r.DeliveryMinDistance && (recv.Location == nil || distanceMetres(from, *recv.Location) >= r.DeliveryMinDistance) {
		e := ruleErr(Text{
			"送达位置距装车（交接）地点只有 %.0f 米：到达接收单位 %s 后再确认送达（送达地点应距装车地点至少 %.0f 米）",
			"the delivery location is %.0f m from where the load was taken over: confirm delivery at %s, at least %.0f m away (rule delivery_min_distance)"},
			d, recv.Name, r.DeliveryMinDistance)
		e.Details = map[string]any{"rule": "delivery_min_distance", "distance_m": math.Round(d), "min_distance_m": r.DeliveryMinDistance}
		return e
	}
	elapsed := at.Sub(since)
	if d == 0 || r.DeliveryMaxSpeed <= 0 {
		return nil
	}
	if elapsed <= 0 || d/1000/elapsed.Hours() > r.DeliveryMaxSpeed {
		minutes := elapsed.Minutes()
		need := time.Duration(d / 1000 / r.DeliveryMaxSpeed * float64(time.Hour)).Round(time.Minute)
		e := ruleErr(Text{
			"从装车（交接）地点到送达位置 %.1f 公里，只用了 %.0f 分钟，超过道路运输可能的速度（每小时 %.0f 公里）：至少需要 %.0f 分钟",
			"%.1f km from where the load was taken over in %.0f minutes is faster than a road allows (%.0f km/h): it takes at least %.0f minutes (rule delivery_max_speed)"},
			d/1000, math.Max(0, minutes), r.DeliveryMaxSpeed, need.Minutes())
		e.Details = map[string]any{"rule": "delivery_max_speed", "distance_m": math.Round(d),
			"minutes": math.Round(math.Max(0, minutes)), "max_speed_kmh": r.DeliveryMaxSpeed}
		return e
	}
	return nil
}
