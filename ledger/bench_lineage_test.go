package ledger

import (
	"context"
	"testing"
	"time"
)

// benchCollectors numbers the parties BenchmarkTraceConsolidated registers.
var benchCollectors int

// BenchmarkTraceConsolidated reports p50/p99 of the trace of a batch a
// collector consolidated from 50 sources (ten generators' collections of
// five batches each), in a store of HWLEDGER_BENCH_BATCHES batches: the
// trace holds every event of the new batch and of its sources, each with
// its inclusion proof.
func BenchmarkTraceConsolidated(b *testing.B) {
	d := district(b, benchBatches())
	ctx := context.Background()
	admin, err := d.s.Authenticate("bench-admin")
	if err != nil {
		b.Fatal(err)
	}
	reg := func(n int, name string, roles []Role, mod func(*PartyInput)) Principal {
		in := PartyInput{Name: name, CreditCode: credit(n), Roles: roles, Street: "南关", Address: "郑州", Contact: Contact{"张", "1"}}
		mod(&in)
		p, err := d.s.RegisterParty(ctx, admin, in)
		if err != nil {
			b.Fatal(err)
		}
		return Principal{Party: p.ID, Roles: p.Roles}
	}
	benchCollectors += 2 // the benchmark runs more than once on one store
	car := reg(3000+benchCollectors, "收集运输", []Role{RoleTransporter}, func(in *PartyInput) { in.TransportPermit = "豫交运管许可郑字410100009" })
	col := reg(3001+benchCollectors, "收集站", []Role{RoleCollector}, func(in *PartyInput) {
		in.License = &License{Kind: LicenseCollection, Number: "豫环收集字41010099", Codes: []string{"HW49"}, CapacityTonnes: 100000,
			ValidFrom: "2025-06-01", ValidTo: "2028-05-31"}
	})
	var sources []string
	for g := 0; g < 10; g++ {
		gen := d.gens[g]
		var ids, labels []string
		for i := 0; i < 5; i++ {
			w, err := d.s.RegisterWaste(ctx, gen, WasteInput{Code: "900-041-49", Form: "solid", Quantity: KgToGrams(12),
				Container: Container{Type: "桶", Count: 1}, GeneratedAt: d.clock.Now().Add(-time.Hour), Storage: "暂存间"})
			if err != nil {
				b.Fatal(err)
			}
			ids, labels = append(ids, w.ID), append(labels, w.Label)
		}
		m, err := d.s.CreateManifest(ctx, gen, ManifestInput{WasteIDs: ids, Carriers: []string{car.Party}, Receiver: col.Party,
			PlannedPickupAt: d.clock.Now().Add(time.Hour)})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.s.Pickup(ctx, car, m.ID, CustodyInput{Labels: labels, VehiclePlate: "豫A12345", Driver: "李四"}); err != nil {
			b.Fatal(err)
		}
		if _, err := d.s.Deliver(ctx, car, m.ID, DeliverInput{}); err != nil {
			b.Fatal(err)
		}
		var lines []ReceiveLine
		yes := true
		for _, id := range ids {
			lines = append(lines, ReceiveLine{WasteID: id, Received: KgToGrams(12), ContainerCount: 1, Accepted: &yes})
		}
		if _, err := d.s.Receive(ctx, col, m.ID, ReceiveInput{Lines: lines}); err != nil {
			b.Fatal(err)
		}
		sources = append(sources, ids...)
	}
	n, err := d.s.Consolidate(ctx, col, ConsolidateInput{SourceIDs: sources, Code: "900-041-49", Form: "solid",
		Quantity: KgToGrams(600), Container: Container{Type: "吨袋", Count: 1}})
	if err != nil {
		b.Fatal(err)
	}
	tr, err := d.s.Trace(ctx, d.insp, n.ID)
	if err != nil || len(tr.Lineage) != 50 {
		b.Fatalf("trace: %d sources, %v", len(tr.Lineage), err)
	}
	b.ResetTimer()
	lat := make([]time.Duration, 0, b.N)
	for i := 0; i < b.N; i++ {
		t := time.Now()
		if _, err := d.s.Trace(ctx, d.insp, n.ID); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	b.ReportMetric(float64(len(tr.Events)), "events")
	b.ReportMetric(float64(percentile(lat, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
}
