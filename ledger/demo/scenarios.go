package demo

import (
	"time"
)

// scenario puts one generator's latest collection in a particular state so
// that the demo shows every status and alert, whatever the random draw.
// Route's regular collections stop Until before now; Final plans what
// follows (window start: the last regular pickup). Extra adds batches
// outside the regular routes.
type scenario struct {
	Route int
	Until time.Duration
	Final func(pl *planner, g *party, rt route, prev time.Time) []*tripPlan
	Extra func(pl *planner, g *party) []*tripPlan
}

// scenarios by generator name.
var scenarios = map[string]scenario{
	// A medical collection on the road right now.
	"郑州管城中心医院": {Until: 20 * hour, Final: func(pl *planner, g *party, rt route, prev time.Time) []*tripPlan {
		return pl.fixedTrip(g, rt, prev, pl.now.Add(-50*minute), afterPickup)
	}},
	// Delivered to the disposal centre, not yet confirmed.
	"郑州东区仁济医院": {Until: 22 * hour, Final: func(pl *planner, g *party, rt route, prev time.Time) []*tripPlan {
		return pl.fixedTrip(g, rt, prev, pl.now.Add(-3*hour), afterDeliver)
	}},
	// A manifest filed this morning, pickup planned in two hours.
	"西大街惠民诊所": {Until: 2 * day, Final: func(pl *planner, g *party, rt route, prev time.Time) []*tripPlan {
		bs := pl.batches(g, rt.Streams, maxTime(prev, pl.now.Add(-40*hour)), pl.now.Add(-3*hour))
		if len(bs) == 0 {
			return nil
		}
		tp := &tripPlan{Gen: g, To: pl.d.receiver(rt.To), Batches: bs}
		pl.timeline(tp, pl.now.Add(2*hour), true, true)
		tp.Created = pl.now.Add(-time.Hour).Truncate(time.Second)
		tp.Planned = pl.now.Add(2 * hour).Truncate(time.Minute)
		tp.stopAfter(afterCreated)
		return []*tripPlan{tp}
	}},
	// A missed collection: medical waste stored past 48 hours.
	"南关德仁堂中医诊所": {Until: 5 * day, Final: func(pl *planner, g *party, rt route, prev time.Time) []*tripPlan {
		st := rt.Streams[0]
		return stored(pl.batchAt(g, st, pl.now.Add(-70*hour).Truncate(time.Minute)),
			pl.batchAt(g, st, pl.now.Add(-56*hour).Truncate(time.Minute)))
	}},
	// Laboratory waste received two days ago, awaiting disposal.
	// One of its drums weighed 18 % more than declared: a significant
	// discrepancy the inspector has not yet looked at.
	"郑州中测检测技术有限公司": {Until: 10 * day, Final: func(pl *planner, g *party, rt route, prev time.Time) []*tripPlan {
		tps := pl.fixedTrip(g, rt, prev, pl.now.Add(-3*day), afterReceive)
		for _, tp := range tps {
			discrepant(pl, tp.Batches[0], tp)
		}
		return tps
	}},
	// A manifest cancelled two days ago; its batches are back in storage.
	"郑州管城印务有限公司": {Until: 15 * day, Final: func(pl *planner, g *party, rt route, prev time.Time) []*tripPlan {
		bs := pl.batches(g, rt.Streams, prev, pl.now.Add(-4*day))
		if len(bs) == 0 {
			return nil
		}
		tp := &tripPlan{Gen: g, To: pl.d.receiver(rt.To), Batches: bs}
		pl.timeline(tp, pl.now.Add(5*day), false, true)
		tp.Created = pl.now.Add(-3 * day).Truncate(time.Second)
		tp.Planned = pl.now.Add(5 * day).Truncate(time.Minute)
		tp.stopAfter(afterCreated)
		tp.CancelAt = pl.now.Add(-2 * day).Truncate(time.Second)
		tp.CancelReason = "接收单位焚烧线停炉检修，转移计划顺延"
		return []*tripPlan{tp}
	}},
	// Delivered almost three weeks ago and never confirmed: receipt overdue.
	"郑州城通客运车辆修理有限公司": {Until: 35 * day, Final: func(pl *planner, g *party, rt route, prev time.Time) []*tripPlan {
		return pl.fixedTrip(g, rt, prev, pl.now.Add(-20*day), afterDeliver)
	}},
	// Picked up more than three days ago, the GPS went quiet after 40
	// minutes and it never arrived: transit overdue and a track gap.
	"郑州精工机械制造有限公司": {Until: 30 * day, Final: func(pl *planner, g *party, rt route, prev time.Time) []*tripPlan {
		tps := pl.fixedTrip(g, rt, prev, pl.now.Add(-80*hour), afterPickup)
		for _, tp := range tps {
			limit := tp.Pickup.Add(40 * minute)
			pts := tp.Legs[0].Points[:0]
			for _, p := range tp.Legs[0].Points {
				if !p.At.After(limit) {
					pts = append(pts, p)
				}
			}
			tp.Legs[0].Points = pts
		}
		return tps
	}},
	// Forgotten oily packaging from almost a year ago: storage due soon.
	"郑州管城顺达汽车维修有限公司": {Extra: func(pl *planner, g *party) []*tripPlan {
		return stored(pl.batchAt(g, oilyFilters(1), pl.workTime(pl.now.Add(-345*day), false)))
	}},
	"郑州恒通汽车服务有限公司": {Extra: func(pl *planner, g *party) []*tripPlan {
		return stored(pl.batchAt(g, packaging(1, 20, 60), pl.workTime(pl.now.Add(-352*day), false)))
	}},
}

// finishing are adjustments after all trips are planned: a certain
// significant weight discrepancy and a certain rejection.
var finishing = []func(pl *planner){
	func(pl *planner) { pl.firstReceived("郑州亮丽汽车钣喷中心", discrepant) },
	func(pl *planner) { pl.firstReceived("河南华检环境监测有限公司", rejected) },
}

// discrepant makes b's received weight 18 % over the declared weight.
func discrepant(pl *planner, b *batchPlan, tp *tripPlan) {
	b.Received = tenth(b.In.Quantity.Kg() * 1.18)
	b.Note = "复核过磅：实收重量与联单申报重量差异超过10%"
}

// rejected makes the receiver refuse b and return it to its generator.
func rejected(pl *planner, b *batchPlan, tp *tripPlan) {
	b.Accept, b.Note, b.Method, b.DisposeAt = false, "包装桶破损渗漏，拒收并退回产废单位", "", time.Time{}
	b.Returned = true
}

// firstReceived applies f to the first batch of the named generator's
// first collection that is received before now.
func (pl *planner) firstReceived(name string, f func(*planner, *batchPlan, *tripPlan)) {
	for _, tp := range pl.trips {
		if tp.Gen.In.Name == name && !tp.Receive.IsZero() && tp.Receive.Before(pl.now.Add(-30*day)) {
			f(pl, tp.Batches[0], tp)
			return
		}
	}
}

// fixedTrip plans a collection picked up exactly at T and stopped after
// stage.
func (pl *planner) fixedTrip(g *party, rt route, prev, T time.Time, stage int) []*tripPlan {
	tp := pl.trip(g, rt, prev, T, true)
	if tp == nil {
		return nil
	}
	tp.stopAfter(stage)
	return []*tripPlan{tp}
}

// stored wraps batches that stay in storage.
func stored(bs ...*batchPlan) []*tripPlan {
	tp := &tripPlan{}
	for _, b := range bs {
		if b != nil {
			tp.Gen = b.Gen
			tp.Batches = append(tp.Batches, b)
		}
	}
	if len(tp.Batches) == 0 {
		return nil
	}
	return []*tripPlan{tp}
}
