package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/workday"
)

// batchPlan is one waste batch to register, and what happens to it at the
// receiver if its collection gets that far.
type batchPlan struct {
	Gen       *party
	In        ledger.WasteInput // GeneratedAt and OccurredAt are set
	Received  ledger.Grams
	Count     int
	Accept    bool
	Note      string
	Method    string
	DisposeAt time.Time // zero: not disposed by now
	// Returned: a rejected batch the receiver returns to its generator a
	// day after refusing it.
	Returned bool

	ID, Label string // set once registered
}

// leg is one carrier's part of a trip, with the GPS fixes it reports.
type leg struct {
	Carrier *party
	Vehicle vehicle
	Points  []ledger.TrackPoint
}

// tripPlan is one collection: a manifest from a generator to a receiver and
// the times of each step. A zero time means the step has not happened (yet);
// a trip without Created is a set of batches still in storage.
type tripPlan struct {
	Gen          *party
	To           *party
	Batches      []*batchPlan
	Carriers     []*party // in order; Legs holds the legs driven so far
	Legs         []leg
	Created      time.Time
	CancelAt     time.Time
	CancelReason string
	Refiled      time.Time // a new manifest after the cancellation
	Planned      time.Time
	Pickup       time.Time
	Handover     time.Time
	Deliver      time.Time
	Receive      time.Time
	// Paper and Approval are the manifest's paper record and
	// cross-province approval, if any; ManifestID is set once filed.
	Paper      *ledger.PaperInput
	Approval   *ledger.ApprovalRef
	ManifestID string
}

// Stages a trip may be stopped after.
const (
	afterCreated = iota
	afterPickup
	afterDeliver
	afterReceive
)

// stopAfter drops every step after stage.
func (t *tripPlan) stopAfter(stage int) {
	if stage < afterReceive {
		t.Receive = time.Time{}
		for _, b := range t.Batches {
			b.DisposeAt = time.Time{}
		}
	}
	if stage < afterDeliver {
		t.Deliver, t.Handover = time.Time{}, time.Time{}
		t.Legs = t.Legs[:1]
	}
	if stage < afterPickup {
		t.Pickup = time.Time{}
		t.Legs[0].Points = nil
	}
	if stage == afterReceive {
		for _, b := range t.Batches {
			b.DisposeAt = time.Time{}
		}
	}
}

// cut drops every step, track point and disposal later than now, and
// everything after a dropped step.
func (t *tripPlan) cut(now time.Time) {
	dropped := false
	for _, p := range []*time.Time{&t.Created, &t.CancelAt, &t.Refiled, &t.Pickup, &t.Handover, &t.Deliver, &t.Receive} {
		if p.IsZero() {
			continue
		}
		if dropped || p.After(now) {
			*p = time.Time{}
			dropped = true
		}
	}
	if t.Pickup.IsZero() && len(t.Legs) > 0 {
		t.Legs[0].Points = nil
	}
	if t.Handover.IsZero() && len(t.Legs) > 1 {
		t.Legs = t.Legs[:1]
	}
	for i := range t.Legs {
		t.Legs[i].Points = slices.DeleteFunc(t.Legs[i].Points, func(p ledger.TrackPoint) bool { return p.At.After(now) })
	}
	for _, b := range t.Batches {
		if t.Receive.IsZero() || b.DisposeAt.After(now) {
			b.DisposeAt = time.Time{}
		}
	}
}

// transferStation is where two carriers hand over a load (南曹).
var transferStation = ledger.Location{Lat: 34.6685, Lon: 113.7352}

// planner draws the demo year. It is single-threaded and deterministic.
type planner struct {
	r     *rand.Rand
	now   time.Time
	d     *district
	trips []*tripPlan
}

// uniform returns a duration in [lo, hi).
func (pl *planner) uniform(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(pl.r.Int64N(int64(hi-lo)))
}

// between returns a time in [a, b), to the second.
func (pl *planner) between(a, b time.Time) time.Time {
	return a.Add(pl.uniform(0, b.Sub(a))).Truncate(time.Second)
}

const (
	minute = time.Minute
	hour   = time.Hour
	day    = 24 * time.Hour
)

// plan draws every generator's collections over the past year, then the
// scenarios that put batches and manifests in every status.
func (pl *planner) plan() {
	for _, g := range pl.d.Generators {
		sc, hasSc := scenarios[g.In.Name]
		for ri, rt := range profiles[g.Kind].Routes {
			interval := time.Duration(rt.Interval * float64(day))
			start := pl.now.Add(-365 * day).Add(pl.uniform(0, interval))
			end := pl.now.Add(interval)
			special := hasSc && ri == sc.Route && sc.Final != nil
			if special {
				end = pl.now.Add(-sc.Until)
			}
			prev := pl.regular(g, rt, start, end)
			if special {
				pl.trips = append(pl.trips, sc.Final(pl, g, rt, prev)...)
			}
		}
		if hasSc && sc.Extra != nil {
			pl.trips = append(pl.trips, sc.Extra(pl, g)...)
		}
	}
	for _, f := range finishing {
		f(pl)
	}
	for _, t := range pl.trips {
		t.cut(pl.now)
	}
}

// regular plans a route's collections from start until end and returns the
// last pickup time.
func (pl *planner) regular(g *party, rt route, start, end time.Time) time.Time {
	med := rt.To == toMedical
	interval := time.Duration(rt.Interval * float64(day))
	jitter := time.Duration(rt.Jitter * float64(day))
	prev := maxTime(start.Add(-interval), pl.now.Add(-364*day))
	for t := start; t.Before(end); t = t.Add(interval + pl.uniform(-jitter, jitter+1)) {
		T := pl.workTime(t, med)
		if tp := pl.trip(g, rt, prev, T, false); tp != nil {
			pl.trips = append(pl.trips, tp)
		}
		prev = T
	}
	return prev
}

// workTime moves t to working hours on its day in Shanghai: medical
// collections run every day 08:00–15:00; others on weekdays 09:00–16:00.
func (pl *planner) workTime(t time.Time, med bool) time.Time {
	sh := t.In(workday.Shanghai)
	first := 8
	if !med {
		first = 9
		switch sh.Weekday() {
		case time.Saturday:
			sh = sh.AddDate(0, 0, 2)
		case time.Sunday:
			sh = sh.AddDate(0, 0, 1)
		}
	}
	d := time.Date(sh.Year(), sh.Month(), sh.Day(), first, 0, 0, 0, workday.Shanghai)
	return d.Add(pl.uniform(0, 7*hour)).Truncate(minute).UTC()
}

// trip plans one collection at T of the batches generated since from.
// fixed keeps the pickup at T and never cancels (for scenarios).
func (pl *planner) trip(g *party, rt route, from, T time.Time, fixed bool) *tripPlan {
	med := rt.To == toMedical
	lo, hi := from, T.Add(-day)
	if med {
		lo, hi = maxTime(from, T.Add(-44*hour)), T.Add(-2*hour)
	}
	bs := pl.batches(g, rt.Streams, lo, hi)
	if len(bs) == 0 {
		return nil
	}
	tp := &tripPlan{Gen: g, To: pl.d.receiver(rt.To), Batches: bs}
	pl.timeline(tp, T, med, fixed)
	return tp
}

// batches draws the batches of streams generated in [from, to), each
// registered shortly after generation; none later than now.
func (pl *planner) batches(g *party, streams []stream, from, to time.Time) []*batchPlan {
	if !to.After(from) {
		to = from.Add(hour)
	}
	var out []*batchPlan
	for i, st := range streams {
		if pl.r.Float64() >= st.Prob && !(i == len(streams)-1 && len(out) == 0) {
			continue
		}
		n := 1
		if st.Max > 1 {
			n += pl.r.IntN(st.Max)
		}
		for range n {
			if b := pl.batchAt(g, st, pl.between(from, to)); b != nil {
				out = append(out, b)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b *batchPlan) int { return a.In.GeneratedAt.Compare(b.In.GeneratedAt) })
	return out
}

// batchAt draws one batch of st generated at gen, or nil when gen is too
// close to now.
func (pl *planner) batchAt(g *party, st stream, gen time.Time) *batchPlan {
	if !st.medical() {
		// Workshops and labs fill their containers in working hours.
		if sh := gen.In(workday.Shanghai); sh.Hour() < 8 || sh.Hour() >= 18 {
			gen = time.Date(sh.Year(), sh.Month(), sh.Day(), 8+pl.r.IntN(10), sh.Minute(), sh.Second(), 0, workday.Shanghai).UTC()
		}
	}
	if gen.After(pl.now.Add(-10 * minute)) {
		return nil
	}
	reg := gen.Add(pl.uniform(3*minute, 90*minute)).Truncate(time.Second)
	if reg.After(pl.now) {
		reg = pl.now
	}
	kg := st.MinKg + pl.r.Float64()*(st.MaxKg-st.MinKg)
	count := st.MinCount
	if st.MaxCount > st.MinCount {
		count += pl.r.IntN(st.MaxCount - st.MinCount + 1)
	}
	return &batchPlan{Gen: g, In: ledger.WasteInput{
		Code: st.Code, Name: st.Name, Form: st.Form, Quantity: tenth(kg),
		Container:   ledger.Container{Type: st.Container, Count: count},
		GeneratedAt: gen, Storage: st.Storage, OccurredAt: &reg,
	}}
}

// tenth rounds kilograms to 0.1 kg, at least 0.1 kg.
func tenth(kg float64) ledger.Grams {
	g := ledger.Grams(math.Round(kg*10) * 100)
	return max(g, 100)
}

var cancelReasons = []string{
	"运输车辆故障，改派车辆后重新填报联单",
	"接收单位临时检修，转移时间调整",
	"联单信息填报有误，作废后重新填报",
	"承运车辆调度冲突，改期转移",
}

// timeline fills in the manifest, pickup, transport, delivery, receipt and
// disposal of tp around a planned pickup at T.
func (pl *planner) timeline(tp *tripPlan, T time.Time, med, fixed bool) {
	last := tp.Batches[0].In.OccurredAt
	for _, b := range tp.Batches {
		if b.In.OccurredAt.After(*last) {
			last = b.In.OccurredAt
		}
	}
	lead := pl.uniform(20*hour, 72*hour)
	if med {
		lead = pl.uniform(30*minute, 2*hour)
	}
	tp.Created = maxTime(T.Add(-lead), last.Add(pl.uniform(5*minute, 20*minute))).Truncate(time.Second)
	cur := tp.Created
	if !fixed && pl.r.Float64() < 0.02 {
		tp.CancelAt = cur.Add(pl.uniform(40*minute, 5*hour)).Truncate(time.Second)
		tp.CancelReason = cancelReasons[pl.r.IntN(len(cancelReasons))]
		tp.Refiled = tp.CancelAt.Add(pl.uniform(15*minute, 3*hour)).Truncate(time.Second)
		cur = tp.Refiled
	}
	if T.Before(cur.Add(30 * minute)) {
		T = cur.Add(pl.uniform(30*minute, hour)).Truncate(minute)
	}
	tp.Planned = T
	tp.Pickup = T
	if !fixed {
		tp.Pickup = T.Add(pl.uniform(-10*minute, 40*minute)).Truncate(time.Second)
	}
	if tp.Pickup.Before(cur.Add(5 * minute)) {
		tp.Pickup = cur.Add(5 * minute)
	}

	// Carriers: the medical waste carrier, or one or two dangerous-goods
	// carriers meeting at the transfer station.
	ts := pl.d.Transporters
	carriers := []*party{ts[0]}
	if !med {
		a := 1 + pl.r.IntN(len(ts)-1)
		carriers = []*party{ts[a]}
		if !fixed && pl.r.Float64() < 0.12 {
			b := 1 + pl.r.IntN(len(ts)-2)
			if b >= a {
				b++
			}
			carriers = append(carriers, ts[b])
		}
	}
	tp.Carriers = carriers
	travel := pl.uniform(60*minute, 200*minute)
	if med {
		travel = pl.uniform(35*minute, 100*minute)
	}
	tp.Deliver = tp.Pickup.Add(travel).Truncate(time.Second)
	from, to := *tp.Gen.In.Location, *tp.To.In.Location
	if len(carriers) == 1 {
		c := carriers[0]
		tp.Legs = []leg{{Carrier: c, Vehicle: c.Vehicles[pl.r.IntN(len(c.Vehicles))], Points: pl.track(from, to, tp.Pickup, tp.Deliver)}}
	} else {
		tp.Handover = tp.Pickup.Add(time.Duration(float64(travel) * (0.4 + 0.2*pl.r.Float64()))).Truncate(time.Second)
		c0, c1 := carriers[0], carriers[1]
		tp.Legs = []leg{
			{Carrier: c0, Vehicle: c0.Vehicles[pl.r.IntN(len(c0.Vehicles))], Points: pl.track(from, transferStation, tp.Pickup, tp.Handover)},
			{Carrier: c1, Vehicle: c1.Vehicles[pl.r.IntN(len(c1.Vehicles))], Points: pl.track(transferStation, to, tp.Handover, tp.Deliver)},
		}
	}
	wait := pl.uniform(30*minute, 28*hour)
	if med {
		wait = pl.uniform(10*minute, hour)
	}
	tp.Receive = tp.Deliver.Add(wait).Truncate(time.Second)
	for _, b := range tp.Batches {
		pl.receipt(b, tp)
	}
}

// receipt draws the receiver's finding for b and, when accepted, its
// disposal.
func (pl *planner) receipt(b *batchPlan, tp *tripPlan) {
	kind := tp.To.Receiver
	declared := b.In.Quantity.Kg()
	f := 1 + math.Max(-0.04, math.Min(0.04, pl.r.NormFloat64()*0.012))
	b.Accept, b.Count = true, b.In.Container.Count
	switch x := pl.r.Float64(); {
	case kind != toMedical && x < 0.006:
		b.Accept, b.Note = false, "包装破损渗漏，标签与实物不符，拒收"
	case x < 0.015:
		if pl.r.IntN(2) == 0 {
			f = 1.12 + 0.13*pl.r.Float64()
		} else {
			f = 0.78 + 0.10*pl.r.Float64()
		}
		b.Note = "复核过磅：实收重量与联单申报重量差异超过10%"
	}
	b.Received = tenth(declared * f)
	if !b.Accept {
		return
	}
	b.Method = pl.method(b.In.Code, kind)
	var delay time.Duration
	switch kind {
	case toMedical:
		delay = pl.uniform(2*hour, 22*hour)
	case toOil:
		delay = pl.uniform(5*day, 40*day)
	default:
		delay = pl.uniform(3*day, 45*day)
	}
	b.DisposeAt = tp.Receive.Add(delay).Truncate(time.Second)
}

// method picks a disposal method the receiver's licence allows and that
// suits the waste.
func (pl *planner) method(code string, kind receiverKind) string {
	pick := func(a, b string, pa float64) string {
		if pl.r.Float64() < pa {
			return a
		}
		return b
	}
	switch kind {
	case toMedical:
		if code == "841-001-01" || code == "841-002-01" {
			return pick("Y11", "Y10", 0.85) // steam sterilisation, incineration
		}
		return "Y10"
	case toOil:
		return "R9"
	}
	switch code {
	case "900-039-49":
		return pick("C1", "D10", 0.6)
	case "900-252-12", "900-253-12", "900-041-49":
		return pick("D10", "C1", 0.7)
	case "336-064-17":
		return pick("D9", "D1", 0.6)
	case "900-349-34", "900-399-35":
		return "D9"
	case "900-023-29", "900-044-49":
		return "D1"
	case "900-047-49":
		return pick("D10", "D9", 0.7)
	}
	return "D10"
}

// track draws GPS fixes every 8–15 minutes from a to b between t0 and t1.
func (pl *planner) track(a, b ledger.Location, t0, t1 time.Time) []ledger.TrackPoint {
	var pts []ledger.TrackPoint
	span := t1.Sub(t0)
	for t := t0.Add(pl.uniform(2*minute, 6*minute)); t.Before(t1); t = t.Add(pl.uniform(8*minute, 15*minute)) {
		f := float64(t.Sub(t0)) / float64(span)
		pts = append(pts, ledger.TrackPoint{
			Lat: round6(a.Lat + (b.Lat-a.Lat)*f + (pl.r.Float64()-0.5)*0.003),
			Lon: round6(a.Lon + (b.Lon-a.Lon)*f + (pl.r.Float64()-0.5)*0.003),
			At:  t.Truncate(time.Second),
		})
	}
	return pts
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
