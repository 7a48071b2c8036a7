package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/workday"
)

// The ways real transfers go wrong, and the units that handle them, added
// after the district's year so that everything drawn before stays as it
// was: they draw from a stream of their own (caseStream) and are recorded
// after the plans and declarations, before the final sweep.
//
//   - A licensed collector (收集单位) takes small clinics' bags, consolidates
//     each round into a batch of its own (lineage) and ships it on to the
//     medical disposal centre; the latest round is still stored there.
//   - A drum refused at the general facility's gate goes back to its
//     generator on a return manifest; a drum of used oil refused there
//     is redirected to the used-oil recycler.
//   - Corrections after pickup: one approved by every other party and
//     applied, one refused, one still pending.
//   - Paper manifests (补录): one entered in time, one entered more than
//     10 working days after its pickup (paper_late).
//   - A cross-province transfer to a receiver in Wuhan (Hubei 42/01) under
//     an approval the inspector registered.

// caseStream is the PCG stream of the cases' draws ("cases").
const caseStream = 0x6361_7365_73

// Names of the parties and generators the cases use.
const (
	collectorName = "郑州净源医疗废物收集有限公司"
	remoteName    = "湖北江汉环保处置有限公司"
	// The approval of the transfer to Wuhan.
	approvalAuthority = "河南省生态环境厅"
)

// Generators the cases use, by name.
var (
	collectedClinics = []string{"陇海马路同心诊所", "十八里河卫生院", "南曹仁爱诊所", "郑州康桥口腔门诊部"}
	returnedFrom     = "郑州彩虹丝网印刷厂"
	redirectedFrom   = "郑州宏运汽修厂"
	paperFrom        = []string{"郑州鑫源汽修厂", "郑州驰骋汽车养护中心"}
	remoteFrom       = "郑州华亮表面处理有限公司"
)

// newCaseParties draws the collector and the Wuhan receiver from r.
func newCaseParties(r *rand.Rand, d *district, now time.Time) {
	sh := now.In(workday.Shanghai)
	st := streetByName("南曹")
	loc := near(r, st)
	from := time.Date(sh.Year()-1, sh.Month(), 1, 0, 0, 0, 0, workday.Shanghai)
	d.Collector = &party{Role: ledger.RoleCollector, In: ledger.PartyInput{
		Name: collectorName, CreditCode: creditCode(r, "91", "410104"), Roles: []ledger.Role{ledger.RoleCollector},
		Street: st.Name, Address: address(r, st), Location: &loc,
		Contact: ledger.Contact{Name: personName(r), Phone: landline(r)},
		License: &ledger.License{Kind: ledger.LicenseCollection, Number: fmt.Sprintf("豫环收集字〔%d〕%03d号", sh.Year()-1, 1+r.IntN(200)),
			Codes: []string{"HW01"}, CapacityTonnes: 600,
			ValidFrom: from.Format(time.DateOnly), ValidTo: from.AddDate(3, 0, -1).Format(time.DateOnly)},
	}}
	wuhan := ledger.Location{Lat: round6(30.6331 + (r.Float64()-0.5)*0.01), Lon: round6(114.4163 + (r.Float64()-0.5)*0.01)}
	from = time.Date(sh.Year()-2, sh.Month(), 1, 0, 0, 0, 0, workday.Shanghai)
	d.Remote = &party{Role: ledger.RoleReceiver, Receiver: toGeneral, In: ledger.PartyInput{
		Name: remoteName, CreditCode: creditCode(r, "91", "420107"), Roles: []ledger.Role{ledger.RoleReceiver},
		Address:  fmt.Sprintf("湖北省武汉市青山区工人村街环保产业园%d号", 1+r.IntN(99)),
		Location: &wuhan, Province: "42", City: "01",
		Contact: ledger.Contact{Name: personName(r), Phone: fmt.Sprintf("027-8%07d", r.IntN(10_000_000))},
		License: &ledger.License{Number: fmt.Sprintf("鄂环危废经许〔%d〕%03d号", sh.Year()-2, 1+r.IntN(200)),
			Codes: []string{"HW08", "HW17", "HW49"}, Methods: []string{"D9", "D10", "R9"}, CapacityTonnes: 50000,
			ValidFrom: from.Format(time.DateOnly), ValidTo: from.AddDate(5, 0, -1).Format(time.DateOnly)},
	}}
}

// generator returns the named demo generator.
func (d *district) generator(name string) *party {
	for _, g := range d.Generators {
		if g.In.Name == name {
			return g
		}
	}
	panic("demo: unknown generator " + name)
}

// caseRun records the cases.
type caseRun struct {
	pl  *planner
	s   *ledger.Service
	d   *district
	now time.Time
	// Trips the corrections are asked on.
	remote, paper []*tripPlan
}

// runCases records every case, after the district's year.
func runCases(ctx context.Context, s *ledger.Service, r *rand.Rand, d *district, now time.Time) error {
	c := &caseRun{pl: &planner{r: r, now: now, d: d}, s: s, d: d, now: now}
	for _, f := range []func(context.Context) error{c.collection, c.refusals, c.crossProvince, c.paperEntries, c.corrections} {
		if err := f(ctx); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	return nil
}

// at returns now minus ago, in working hours of that day.
func (c *caseRun) at(ago time.Duration, med bool) time.Time {
	return c.pl.workTime(c.now.Add(-ago), med)
}

// tripTo plans a collection from g of streams at T to the receiver to,
// carried by carrier, with everything the plan draws after it.
func (c *caseRun) tripTo(g, to *party, streams []stream, T time.Time, med bool) *tripPlan {
	lo, hi := T.Add(-20*day), T.Add(-day)
	if med {
		lo, hi = T.Add(-30*hour), T.Add(-2*hour)
	}
	var bs []*batchPlan
	for len(bs) == 0 {
		bs = c.pl.batches(g, streams, lo, hi)
	}
	tp := &tripPlan{Gen: g, To: to, Batches: bs}
	c.pl.timeline(tp, T, med, true)
	for _, b := range tp.Batches {
		b.Accept, b.Note, b.Received = true, "", b.In.Quantity
	}
	return tp
}

// run registers the trips' batches and records the trips.
func (c *caseRun) run(ctx context.Context, trips ...*tripPlan) error {
	for _, tp := range trips {
		tp.cut(c.now)
	}
	if err := registerBatches(ctx, c.s, trips); err != nil {
		return err
	}
	return runTrips(ctx, c.s, trips)
}

// collection: four weekly rounds of the clinics' bags to the collector,
// each consolidated into one batch; the first three shipped on to the
// disposal centre and disposed, the latest still stored at the collector.
func (c *caseRun) collection(ctx context.Context) error {
	col, centre := c.d.Collector, c.d.receiver(toMedical)
	bags := []stream{infectious(1, 6, 2, 1), sharps(0.5, 3)}
	const rounds = 4
	for k := range rounds {
		ago := time.Duration(rounds-1-k) * 7 * day
		var trips []*tripPlan
		for i, name := range collectedClinics {
			T := c.at(ago+day, true).Add(time.Duration(i) * 25 * minute)
			if k == rounds-1 {
				T = c.now.Add(-9 * hour).Truncate(minute).Add(time.Duration(i) * 25 * minute)
			}
			tp := c.tripTo(c.d.generator(name), col, bags, T, true)
			for _, b := range tp.Batches {
				b.Method, b.DisposeAt = "", time.Time{} // a collector passes them on
			}
			trips = append(trips, tp)
		}
		if err := c.run(ctx, trips...); err != nil {
			return err
		}
		// The collector sorts the round by code into its own batches.
		last := trips[0].Receive
		byCode := map[string][]*batchPlan{}
		var codes []string
		for _, tp := range trips {
			last = maxTime(last, tp.Receive)
			for _, b := range tp.Batches {
				if byCode[b.In.Code] == nil {
					codes = append(codes, b.In.Code)
				}
				byCode[b.In.Code] = append(byCode[b.In.Code], b)
			}
		}
		consolidated := last.Add(c.pl.uniform(40*minute, 2*hour)).Truncate(time.Second)
		onward := &tripPlan{Gen: col, To: centre}
		for _, code := range codes {
			var ids []string
			var kg ledger.Grams
			var boxes int
			src := byCode[code]
			for _, b := range src {
				ids, kg, boxes = append(ids, b.ID), kg+b.Received, boxes+b.Count
			}
			w, err := c.s.Consolidate(ctx, col.P, ledger.ConsolidateInput{SourceIDs: ids, Code: code, Name: src[0].In.Name,
				Form: src[0].In.Form, Quantity: kg, Container: ledger.Container{Type: src[0].In.Container.Type, Count: max(1, boxes/2)},
				Storage: "收集点医疗废物暂存间（冷藏）", OccurredAt: &consolidated})
			if err != nil {
				return fmt.Errorf("consolidate %s at %s: %w", code, col.In.Name, err)
			}
			onward.Batches = append(onward.Batches, &batchPlan{Gen: col, In: ledger.WasteInput{Code: code, Name: w.Name,
				Form: w.Form, Quantity: w.Quantity, Container: w.Container, GeneratedAt: consolidated, OccurredAt: &consolidated},
				ID: w.ID, Label: w.Label})
		}
		if k == rounds-1 {
			continue // still stored at the collector
		}
		c.pl.timeline(onward, consolidated.Add(c.pl.uniform(3*hour, 8*hour)).Truncate(minute), true, true)
		for _, b := range onward.Batches {
			b.Accept, b.Note, b.Received = true, "", b.In.Quantity
		}
		onward.cut(c.now)
		if err := runTrip(ctx, c.s, onward); err != nil {
			return fmt.Errorf("onward collection from %s: %w", col.In.Name, err)
		}
	}
	return nil
}

// refusals: a drum refused at the gate and returned to its generator; a
// drum of used oil refused and redirected to the used-oil recycler.
func (c *caseRun) refusals(ctx context.Context) error {
	general, oil := c.d.receiver(toGeneral), c.d.receiver(toOil)
	back := c.tripTo(c.d.generator(returnedFrom), general, profiles["printer"].Routes[0].Streams[:1], c.at(12*day, false), false)
	b := back.Batches[0]
	b.Accept, b.Note, b.Method, b.DisposeAt, b.Returned = false, "门卫查验：桶盖密封失效、桶身锈蚀渗漏，拒收并退回产废单位", "", time.Time{}, true
	redirect := c.tripTo(c.d.generator(redirectedFrom), general, []stream{engineOil(1, 150, 400, 1)}, c.at(9*day, false), false)
	rb := redirect.Batches[0]
	rb.Accept, rb.Note, rb.Method, rb.DisposeAt = false, "废机油含水率高、热值不足，超出本厂焚烧线进料标准，拒收；改送废矿物油再生利用单位", "", time.Time{}
	if err := c.run(ctx, back, redirect); err != nil {
		return err
	}
	// The general facility files the redirect the next working day, the
	// first carrier takes the drum on to the recycler.
	l0 := redirect.Legs[0]
	filed := c.pl.workTime(redirect.Receive.Add(day), false)
	pickup := filed.Add(c.pl.uniform(2*hour, 4*hour)).Truncate(time.Second)
	deliver := pickup.Add(c.pl.uniform(40*minute, 90*minute)).Truncate(time.Second)
	received := deliver.Add(c.pl.uniform(20*minute, 2*hour)).Truncate(time.Second)
	disposed := received.Add(c.pl.uniform(2*day, 4*day)).Truncate(time.Second)
	m, err := c.s.CreateManifest(ctx, general.P, ledger.ManifestInput{Kind: ledger.ManifestRedirect, WasteIDs: []string{rb.ID},
		Carriers: []string{l0.Carrier.ID}, Receiver: oil.ID, PlannedPickupAt: pickup, OccurredAt: &filed})
	if err != nil {
		return fmt.Errorf("file the redirect: %w", err)
	}
	if _, err := c.s.Pickup(ctx, l0.Carrier.P, m.ID, ledger.CustodyInput{Labels: []string{rb.Label}, VehiclePlate: l0.Vehicle.Plate,
		Driver: l0.Vehicle.Driver, Location: general.In.Location, OccurredAt: &pickup}); err != nil {
		return fmt.Errorf("pickup redirect %s: %w", m.Number, err)
	}
	if err := positions(ctx, c.s, m, leg{Carrier: l0.Carrier, Points: c.pl.track(*general.In.Location, *oil.In.Location, pickup, deliver)}); err != nil {
		return err
	}
	if _, err := c.s.Deliver(ctx, l0.Carrier.P, m.ID, ledger.DeliverInput{Location: oil.In.Location, OccurredAt: &deliver}); err != nil {
		return fmt.Errorf("deliver redirect %s: %w", m.Number, err)
	}
	yes := true
	if _, err := c.s.Receive(ctx, oil.P, m.ID, ledger.ReceiveInput{OccurredAt: &received, Lines: []ledger.ReceiveLine{{WasteID: rb.ID,
		Received: rb.Received, ContainerCount: rb.In.Container.Count, Accepted: &yes}}}); err != nil {
		return fmt.Errorf("receive redirect %s: %w", m.Number, err)
	}
	if disposed.After(c.now) {
		return nil // not yet recycled
	}
	if _, err := c.s.Dispose(ctx, oil.P, rb.ID, ledger.DisposeInput{Method: "R9", Quantity: rb.Received, OccurredAt: &disposed}); err != nil {
		return fmt.Errorf("dispose redirected %s: %w", rb.Label, err)
	}
	return nil
}

// crossProvince: the inspector registers the province's approval of the
// plating shop's sludge going to Wuhan; two loads went under it, the
// latest received and awaiting disposal.
func (c *caseRun) crossProvince(ctx context.Context) error {
	g, to := c.d.generator(remoteFrom), c.d.Remote
	sh := c.now.In(workday.Shanghai)
	from := time.Date(sh.Year(), sh.Month(), 1, 0, 0, 0, 0, workday.Shanghai).AddDate(0, -2, 0)
	registered := c.pl.workTime(from.Add(-10*day), false)
	in := ledger.ApprovalInput{Number: fmt.Sprintf("豫环跨省危废〔%d〕%03d号", from.Year(), 1+c.pl.r.IntN(300)), Authority: approvalAuthority,
		Generator: g.ID, Receiver: to.ID, Codes: []string{"HW17"}, QuantityT: 12,
		ValidFrom: from.Format(time.DateOnly), ValidTo: from.AddDate(0, 12, -1).Format(time.DateOnly), OccurredAt: &registered}
	a, err := c.s.RegisterApproval(ctx, c.d.Inspector.P, in)
	if err != nil {
		return fmt.Errorf("register approval %s: %w", in.Number, err)
	}
	ref := &ledger.ApprovalRef{Number: a.Number, Authority: a.Authority, ValidTo: a.ValidTo}
	sludge := []stream{{Code: "336-064-17", Name: "废酸洗槽液及磷化污泥", Form: "semi_solid", Container: "塑料吨桶",
		MinKg: 600, MaxKg: 1500, MinCount: 1, MaxCount: 2, Prob: 1, Storage: hwStore}}
	for i, ago := range []time.Duration{40 * day, 6 * day} {
		tp := c.tripTo(g, to, sludge, c.at(ago, false), false)
		// Zhengzhou to Wuhan by expressway: about seven hours.
		tp.Deliver = tp.Pickup.Add(c.pl.uniform(6*hour, 8*hour)).Truncate(time.Second)
		l := &tp.Legs[0]
		l.Points = c.pl.track(*g.In.Location, *to.In.Location, tp.Pickup, tp.Deliver)
		tp.Receive = tp.Deliver.Add(c.pl.uniform(30*minute, 3*hour)).Truncate(time.Second)
		for _, b := range tp.Batches {
			b.Method, b.DisposeAt = "D9", time.Time{}
			if i == 0 {
				b.DisposeAt = tp.Receive.Add(c.pl.uniform(5*day, 15*day)).Truncate(time.Second)
			}
		}
		tp.Approval = ref
		if err := c.run(ctx, tp); err != nil {
			return err
		}
		c.remote = append(c.remote, tp)
	}
	return nil
}

// paper: two auto shops' collections filled in on paper while the
// system was down, one entered three days later, one a month later.
func (c *caseRun) paperEntries(ctx context.Context) error {
	oil := c.d.receiver(toOil)
	for i, name := range paperFrom {
		ago := []time.Duration{5 * day, 30 * day}[i]
		tp := c.tripTo(c.d.generator(name), oil, []stream{engineOil(1, 150, 500, 2)}, c.at(ago, false), false)
		for _, b := range tp.Batches {
			b.Method, b.DisposeAt = "R9", time.Time{}
		}
		tp.Paper = &ledger.PaperInput{
			Number:        fmt.Sprintf("41%s%06d", tp.Created.In(workday.Shanghai).Format("2006"), 100000+c.pl.r.IntN(900000)),
			EnteredReason: "转移当日全省固体废物管理信息系统停机维护，使用纸质联单，系统恢复后补录",
		}
		if err := c.run(ctx, tp); err != nil {
			return err
		}
		c.paper = append(c.paper, tp)
	}
	return nil
}

// corrections: the first load to Wuhan had its declared weight copied
// wrong, corrected with everyone's approval; the paper entry in time asks
// for another container count, which the recycler refuses; the latest
// load to Wuhan asks for its received weight to be corrected, approved by
// the plating shop and still awaiting the carrier.
func (c *caseRun) corrections(ctx context.Context) error {
	ago := func(d time.Duration) *time.Time { t := c.now.Add(-d).Truncate(time.Second); return &t }
	ask := func(tp *tripPlan, by *party, ch ledger.LineChange, reason string, at *time.Time) (*ledger.Correction, error) {
		ch.WasteID = tp.Batches[0].ID
		k, err := c.s.RequestCorrection(ctx, by.P, tp.ManifestID, ledger.CorrectionInput{Changes: ledger.CorrectionChanges{
			Lines: []ledger.LineChange{ch}}, Reason: reason, OccurredAt: at})
		if err != nil {
			return nil, fmt.Errorf("ask for a correction of %s's manifest: %w", tp.Gen.In.Name, err)
		}
		return k, nil
	}
	approve := func(k *ledger.Correction, by *party, at *time.Time) error {
		if _, err := c.s.ApproveCorrection(ctx, by.P, k.ID, ledger.DecisionInput{OccurredAt: at}); err != nil {
			return fmt.Errorf("%s approves correction %s: %w", by.In.Name, k.ID, err)
		}
		return nil
	}

	first := c.remote[0]
	q := first.Batches[0].In.Quantity - ledger.KgToGrams(20)
	k, err := ask(first, first.Gen, ledger.LineChange{Quantity: &q}, "地磅单抄录错误：申报重量多记 20 千克，按地磅原始记录更正", ago(50*hour))
	if err != nil {
		return err
	}
	if err := approve(k, first.Carriers[0], ago(30*hour)); err != nil {
		return err
	}
	if err := approve(k, first.To, ago(26*hour)); err != nil {
		return err
	}

	pp := c.paper[0]
	n := pp.Batches[0].In.Container
	n.Count++
	if k, err = ask(pp, pp.Gen, ledger.LineChange{Container: &n}, "纸质联单补录时少记一只废机油桶", ago(20*hour)); err != nil {
		return err
	}
	if _, err := c.s.RefuseCorrection(ctx, pp.To.P, k.ID, ledger.DecisionInput{Reason: "接收时逐桶清点并拍照留存，桶数与联单一致，不同意更正",
		OccurredAt: ago(5 * hour)}); err != nil {
		return fmt.Errorf("refuse correction %s: %w", k.ID, err)
	}

	last := c.remote[1]
	rcv := last.Batches[0].Received + ledger.KgToGrams(35)
	if k, err = ask(last, last.To, ledger.LineChange{Received: &rcv}, "入厂地磅复检，实收重量更正为复检数", ago(3*hour)); err != nil {
		return err
	}
	return approve(k, last.Gen, ago(time.Hour))
}
