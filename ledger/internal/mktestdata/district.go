package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/hwledger/hwledger/ledger/ledgertest"
)

// testKey is the fixed, published checkpoint key of the test ledgers
// (verifier: hwledger-testdata+53a5247e+AcZ6iLoSquGlTxAhcx0XZGP34qXRLnmKllcHc/fA7UW/).
// Its name is the ledgers' checkpoint origin, as for a key serve creates.
const testKey = "PRIVATE+KEY+hwledger-testdata+53a5247e+AShHQN75CwDI4B+G/AmSX9TpxAsNPDUdMLnggvAiCr0E"

// adminToken is the admin bootstrap token of the test ledgers.
const adminToken = "testdata-admin-token"

// start is the test clock's first reading (a Monday morning in Zhengzhou).
var start = time.Date(2025, 3, 3, 1, 0, 0, 0, time.UTC)

// district is a small district recorded through ledger.Service, as
// `hwledger serve` would: a fixed clock that advances by a step per command
// and counted ids, so every run writes the same events. Its counters
// survive closing and reopening, so a history continued after a restore
// (the fork) gets fresh, still deterministic ids and times.
type district struct {
	svc   *ledger.Service
	clock *ledgertest.Clock
	ids   atomic.Int64
	ctx   context.Context

	admin, gen, gen2, car, recv, insp ledger.Principal
	// batches are the ids of the registered batches, in order.
	batches []*ledger.Waste
	m1, m2  *ledger.Manifest
}

func newDistrict() *district {
	return &district{clock: ledgertest.NewClock(start), ctx: context.Background()}
}

// open opens the ledger in dir with the test key, writing the key files
// hwledger keeps in its data dir.
func (d *district) open(dir string) error {
	k, err := chain.KeyFromPrivate(testKey)
	if err != nil {
		return err
	}
	if err := writeKey(dir, k); err != nil {
		return err
	}
	d.svc, err = ledger.Open(ledger.Config{
		Dir:    dir,
		Key:    &k,
		Origin: k.Signer.Name(), // what a reader of the dir derives from ledger.key
		Clock:  d.clock.Now,
		NewID:  func() string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", d.ids.Add(1)) },
	})
	return err
}

func (d *district) close() error {
	if d.svc == nil {
		return nil
	}
	err := d.svc.Close()
	d.svc = nil
	return err
}

// tick advances the clock between commands.
func (d *district) tick(by time.Duration) { d.clock.Advance(by) }

func credit(n int) string {
	cc, err := ident.CompleteCreditCode(fmt.Sprintf("91410104MA%07d", n))
	if err != nil {
		panic(err)
	}
	return cc
}

// setup bootstraps the admin and registers the parties: two generators, a
// carrier, a licensed receiver and an inspector.
func (d *district) setup() error {
	id, err := d.svc.Bootstrap(d.ctx, adminToken)
	if err != nil {
		return err
	}
	d.admin = ledger.Principal{Party: id, Roles: []ledger.Role{ledger.RoleAdmin}}
	reg := func(n int, name string, roles []ledger.Role, mod func(*ledger.PartyInput)) (ledger.Principal, error) {
		d.tick(10 * time.Minute)
		in := ledger.PartyInput{Name: name, CreditCode: credit(n), Roles: roles, Street: "南关", Address: "郑州市管城回族区",
			Location: &ledger.Location{Lat: 34.75, Lon: 113.68}, Contact: ledger.Contact{Name: "张三", Phone: "13800000000"}}
		if mod != nil {
			mod(&in)
		}
		p, err := d.svc.RegisterParty(d.ctx, d.admin, in)
		if err != nil {
			return ledger.Principal{}, fmt.Errorf("register %s: %w", name, err)
		}
		return ledger.Principal{Party: p.ID, Roles: p.Roles}, nil
	}
	steps := []struct {
		p     *ledger.Principal
		n     int
		name  string
		roles []ledger.Role
		mod   func(*ledger.PartyInput)
	}{
		{&d.gen, 1, "顺达汽修", []ledger.Role{ledger.RoleGenerator}, nil},
		{&d.gen2, 2, "金彩印刷", []ledger.Role{ledger.RoleGenerator}, func(in *ledger.PartyInput) { in.Street = "东大街" }},
		{&d.car, 4, "豫通危运", []ledger.Role{ledger.RoleTransporter}, func(in *ledger.PartyInput) { in.TransportPermit = "豫交运管许可郑字410100001" }},
		{&d.recv, 6, "郑州环境处置中心", []ledger.Role{ledger.RoleReceiver}, func(in *ledger.PartyInput) {
			in.License = &ledger.License{Number: "豫环许可危废字41010001", Codes: []string{"HW08", "HW49", "HW12"},
				Methods: []string{"D10", "D1", "R9"}, CapacityTonnes: 10, ValidFrom: "2024-01-01", ValidTo: "2028-12-31"}
		}},
		{&d.insp, 8, "管城区生态环境分局", []ledger.Role{ledger.RoleInspector}, nil},
	}
	for _, s := range steps {
		if *s.p, err = reg(s.n, s.name, s.roles, s.mod); err != nil {
			return err
		}
	}
	return nil
}

var codes = []string{"900-214-08", "900-041-49", "900-249-08"}

// register registers n batches, alternating between the two generators;
// variant shifts the quantities so a forked history differs.
func (d *district) register(n int, variant float64) error {
	for range n {
		i := len(d.batches)
		p := d.gen
		if i%3 == 2 {
			p = d.gen2
		}
		d.tick(15 * time.Minute)
		w, err := d.svc.RegisterWaste(d.ctx, p, ledger.WasteInput{Code: codes[i%len(codes)], Form: "liquid",
			Quantity: ledger.KgToGrams(50 + 12.5*float64(i) + variant), Container: ledger.Container{Type: "铁桶", Count: 1 + i%3},
			GeneratedAt: d.clock.Now().Add(-2 * time.Hour), Storage: "危废暂存间"})
		if err != nil {
			return fmt.Errorf("register batch %d: %w", i, err)
		}
		d.batches = append(d.batches, w)
	}
	return nil
}

// ofGenerator returns the registered batches of generator p.
func (d *district) ofGenerator(p ledger.Principal) []*ledger.Waste {
	var out []*ledger.Waste
	for _, w := range d.batches {
		if w.Generator == p.Party {
			out = append(out, w)
		}
	}
	return out
}

func scan(m *ledger.Manifest) ledger.CustodyInput {
	return ledger.CustodyInput{Labels: append([]string{}, m.Labels...), VehiclePlate: "豫A12345", Driver: "李四",
		Location: &ledger.Location{Lat: 34.75, Lon: 113.68}}
}

// ship files a manifest for ws from p to the receiver, and has the carrier
// pick it up.
func (d *district) ship(p ledger.Principal, ws []*ledger.Waste) (*ledger.Manifest, error) {
	in := ledger.ManifestInput{Receiver: d.recv.Party, Carriers: []string{d.car.Party}, PlannedPickupAt: d.clock.Now().Add(time.Hour)}
	for _, w := range ws {
		in.WasteIDs = append(in.WasteIDs, w.ID)
	}
	d.tick(10 * time.Minute)
	m, err := d.svc.CreateManifest(d.ctx, p, in)
	if err != nil {
		return nil, fmt.Errorf("create manifest: %w", err)
	}
	d.tick(time.Hour)
	if m, err = d.svc.Pickup(d.ctx, d.car, m.ID, scan(m)); err != nil {
		return nil, fmt.Errorf("pickup: %w", err)
	}
	return m, nil
}

// complete drives m from in transit to closed: a GPS point, delivery,
// receipt (short by short kg on the first batch: a discrepancy when it
// exceeds the tolerance) and disposal of every batch.
func (d *district) complete(m *ledger.Manifest, ws []*ledger.Waste, short float64) error {
	d.tick(30 * time.Minute)
	if _, err := d.svc.Positions(d.ctx, d.car, m.ID, ledger.PositionsInput{Points: []ledger.TrackPoint{
		{Lat: 34.74, Lon: 113.69, At: d.clock.Now()}}}); err != nil {
		return fmt.Errorf("positions: %w", err)
	}
	d.tick(30 * time.Minute)
	if _, err := d.svc.Deliver(d.ctx, d.car, m.ID, ledger.DeliverInput{Location: &ledger.Location{Lat: 34.70, Lon: 113.75}}); err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	yes := true
	var in ledger.ReceiveInput
	for i, w := range ws {
		got := w.Quantity
		if i == 0 {
			got -= ledger.KgToGrams(short)
		}
		in.Lines = append(in.Lines, ledger.ReceiveLine{WasteID: w.ID, Received: got, ContainerCount: w.Container.Count, Accepted: &yes})
	}
	d.tick(2 * time.Hour)
	if _, err := d.svc.Receive(d.ctx, d.recv, m.ID, in); err != nil {
		return fmt.Errorf("receive: %w", err)
	}
	for i, w := range ws {
		q := in.Lines[i].Received
		d.tick(24 * time.Hour)
		if _, err := d.svc.Dispose(d.ctx, d.recv, w.ID, ledger.DisposeInput{Method: "D10", Quantity: q}); err != nil {
			return fmt.Errorf("dispose %s: %w", w.ID, err)
		}
	}
	return nil
}

// ackDiscrepancies has the inspector acknowledge every open alert.
func (d *district) ackAlerts() error {
	l, err := d.svc.Alerts(d.ctx, d.insp, ledger.AlertFilter{Status: ledger.AlertOpen}, ledger.Page{Limit: 500})
	if err != nil {
		return err
	}
	for _, a := range l.Items {
		d.tick(time.Hour)
		if _, err := d.svc.AckAlert(d.ctx, d.insp, a.ID, ledger.AckInput{Note: "已核实"}); err != nil {
			return fmt.Errorf("ack %s: %w", a.ID, err)
		}
	}
	return nil
}

// The district's history comes in two parts, so that a backup can be taken
// between them (rolledback, forked).
//
// partA: the parties, 10 batches, and the first generator's manifest for
// four of its batches filed and picked up.
func (d *district) partA() error {
	if err := d.setup(); err != nil {
		return err
	}
	if err := d.register(10, 0); err != nil {
		return err
	}
	var err error
	d.m1, err = d.ship(d.gen, d.ofGenerator(d.gen)[:4])
	return err
}

// partB: the first manifest delivered, received 10 kg short on one batch
// (a discrepancy the inspector acknowledges) and disposed, so it closes;
// the second generator's manifest filed and picked up.
func (d *district) partB() error {
	if err := d.complete(d.m1, d.ofGenerator(d.gen)[:4], 10); err != nil {
		return err
	}
	if err := d.ackAlerts(); err != nil {
		return err
	}
	var err error
	d.m2, err = d.ship(d.gen2, d.ofGenerator(d.gen2))
	return err
}

// partBForked is another history after the backup: the first manifest is
// received in full (no discrepancy on record), and more batches are
// registered, so the forked log ends up longer than the original.
func (d *district) partBForked() error {
	if err := d.complete(d.m1, d.ofGenerator(d.gen)[:4], 0); err != nil {
		return err
	}
	if err := d.register(12, 0.5); err != nil {
		return err
	}
	var err error
	d.m2, err = d.ship(d.gen2, d.ofGenerator(d.gen2)[:3])
	return err
}

// saveCheckpoint writes the current signed checkpoint to dir/checkpoint.txt,
// as an inspector keeping it outside the store would.
func (d *district) saveCheckpoint(dir string) error {
	cp, err := d.svc.Log().Checkpoint()
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "checkpoint.txt"), cp, 0o644)
}

// writeKey writes the key files hwledger keeps in its data dir.
func writeKey(dir string, k chain.Key) error {
	if err := os.WriteFile(filepath.Join(dir, "ledger.key"), []byte(testKey+"\n"), 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "ledger.pub"), []byte(k.VerifierKey+"\n"), 0o644)
}

// build makes a case dir holding the whole district; then, if keep is
// set, it runs keep on the open service (to save a checkpoint, or note
// what the tampering needs) before closing.
func build(dir string, keep func(d *district) error) (*district, error) {
	d := newDistrict()
	if err := d.open(dir); err != nil {
		return nil, err
	}
	err := d.partA()
	if err == nil {
		err = d.partB()
	}
	if err == nil && keep != nil {
		err = keep(d)
	}
	if cerr := d.close(); err == nil {
		err = cerr
	}
	return d, err
}
