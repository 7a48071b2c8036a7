package manifestpdf

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/hwledger/hwledger/ledger/ledgertest"
)

// district is a ledger with a generator, two carriers and a receiver,
// each party with its principal.
type district struct {
	svc                     *ledger.Service
	gen, car1, car2, recv   ledger.Principal
	genP, car1P, car2P, rcP *ledger.Party
}

func newDistrict(t testing.TB) *district {
	t.Helper()
	return districtOn(t, ledgertest.Open(t, ledger.Config{}))
}

// districtOn registers the district's parties in svc.
func districtOn(t testing.TB, svc *ledger.Service) *district {
	t.Helper()
	ctx := context.Background()
	if _, err := svc.Bootstrap(ctx, "admin-token-for-pdf-tests"); err != nil {
		t.Fatal(err)
	}
	admin, err := svc.Authenticate("admin-token-for-pdf-tests")
	if err != nil {
		t.Fatal(err)
	}
	year := svc.Now().Year()
	d := &district{svc: svc}
	reg := func(n int, in ledger.PartyInput) (*ledger.Party, ledger.Principal) {
		cc, err := ident.CompleteCreditCode(fmt.Sprintf("91410104MA%07d", n))
		if err != nil {
			t.Fatal(err)
		}
		in.CreditCode = cc
		p, err := svc.RegisterParty(ctx, admin, in)
		if err != nil {
			t.Fatalf("register %s: %v", in.Name, err)
		}
		_, tok, err := svc.CreateToken(ctx, admin, p.ID, ledger.TokenInput{})
		if err != nil {
			t.Fatal(err)
		}
		pr, err := svc.Authenticate(tok)
		if err != nil {
			t.Fatal(err)
		}
		return p, pr
	}
	d.genP, d.gen = reg(1, ledger.PartyInput{Name: "郑州顺达汽车维修有限公司", Roles: []ledger.Role{ledger.RoleGenerator}, Street: "南关",
		Address: "郑州市管城回族区南关街 18 号", Location: &ledger.Location{Lat: 34.7465, Lon: 113.6852},
		Contact: ledger.Contact{Name: "王建国", Phone: "13803710001"}})
	d.car1P, d.car1 = reg(2, ledger.PartyInput{Name: "河南安运危险货物运输有限公司", Roles: []ledger.Role{ledger.RoleTransporter}, Street: "航海东路",
		Address: "郑州市管城回族区航海东路 1200 号", Contact: ledger.Contact{Name: "赵师傅", Phone: "13803710003"},
		TransportPermit: "豫交运管许可郑字410100001234号"})
	d.car2P, d.car2 = reg(3, ledger.PartyInput{Name: "郑州速达物流有限公司", Roles: []ledger.Role{ledger.RoleTransporter}, Street: "航海东路",
		Address: "郑州市管城回族区航海东路 88 号", Contact: ledger.Contact{Name: "钱师傅", Phone: "13803710006"},
		TransportPermit: "豫交运管许可郑字410100005678号"})
	d.rcP, d.recv = reg(4, ledger.PartyInput{Name: "郑州绿源危废处置有限公司", Roles: []ledger.Role{ledger.RoleReceiver}, Street: "十八里河",
		Address: "郑州市管城回族区十八里河镇", Location: &ledger.Location{Lat: 34.6790, Lon: 113.7260},
		Contact: ledger.Contact{Name: "孙主任", Phone: "13803710004"},
		License: &ledger.License{Number: "豫环许可危废字41010001", Codes: []string{"HW08", "HW49"},
			Methods: []string{"D10", "R9"}, CapacityTonnes: 5000,
			ValidFrom: fmt.Sprintf("%d-01-01", year-1), ValidTo: fmt.Sprintf("%d-12-31", year+3)}})
	return d
}

// batch registers a batch of waste oil.
func (d *district) batch(t testing.TB, kg float64, components string) *ledger.Waste {
	t.Helper()
	w, err := d.svc.RegisterWaste(t.Context(), d.gen, ledger.WasteInput{Code: "900-214-08", Name: "废矿物油",
		MainComponents: components, Form: ledger.FormLiquid, Hazards: []string{"T", "I"}, Quantity: ledger.KgToGrams(kg),
		Container: ledger.Container{Type: "铁桶", Count: 2}, GeneratedAt: d.svc.Now().Add(-24 * time.Hour), Storage: "危废暂存间 A"})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// What the fixture's manifests declare: emergency measures, and the first
// carrier's vehicle permit.
const (
	emergencyMeasures = "泄漏时用沙土围堵吸附，禁止明火；皮肤接触用大量清水冲洗。应急电话 0371-12345678"
	vehiclePermit     = "豫交运管许可郑字410104000123号"
)

// manifest files a manifest of n batches over both carriers and takes it
// to status (one of ledger.ManifestStatuses).
func (d *district) manifest(t testing.TB, n int, status string) *ledger.Manifest {
	t.Helper()
	ctx := t.Context()
	var ids []string
	for i := range n {
		ids = append(ids, d.batch(t, 100+float64(i), fmt.Sprintf("矿物油、水、杂质 %d", i)).ID)
	}
	m, err := d.svc.CreateManifest(ctx, d.gen, ledger.ManifestInput{WasteIDs: ids, Carriers: []string{d.car1P.ID, d.car2P.ID},
		Receiver: d.rcP.ID, PlannedPickupAt: d.svc.Now().Add(time.Hour), EmergencyMeasures: emergencyMeasures,
		DangerousGoods: []ledger.DangerousGoodsInput{{WasteID: ids[0], DGClass: "3", UNNumber: "UN1270"}}})
	if err != nil {
		t.Fatal(err)
	}
	step := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	switch status {
	case ledger.ManifestSubmitted:
		return m
	case ledger.ManifestCancelled:
		m, err = d.svc.Cancel(ctx, d.gen, m.ID, ledger.CancelInput{Reason: "车辆故障，改日转移"})
		step(err)
		return m
	}
	m, err = d.svc.Pickup(ctx, d.car1, m.ID, ledger.CustodyInput{Labels: m.Labels, VehiclePlate: "豫A·D1234", Driver: "赵大勇",
		VehiclePermit: vehiclePermit})
	step(err)
	m, err = d.svc.Positions(ctx, d.car1, m.ID, ledger.PositionsInput{Points: []ledger.TrackPoint{{Lat: 34.74, Lon: 113.69, At: d.svc.Now()}}})
	step(err)
	m, err = d.svc.Handover(ctx, d.car2, m.ID, ledger.CustodyInput{Labels: m.Labels, VehiclePlate: "豫A·E5678", Driver: "钱小明"})
	step(err)
	if status == ledger.ManifestInTransit {
		return m
	}
	step(d.svc.AdvanceClock(ctx, 30*time.Minute)) // the road to the receiver
	m, err = d.svc.Deliver(ctx, d.car2, m.ID, ledger.DeliverInput{Location: d.rcP.Location})
	step(err)
	if status == ledger.ManifestDelivered {
		return m
	}
	yes := true
	var lines []ledger.ReceiveLine
	for _, id := range m.WasteIDs {
		w, err := d.svc.Waste(ctx, d.recv, id)
		step(err)
		lines = append(lines, ledger.ReceiveLine{WasteID: id, Received: w.Quantity, ContainerCount: w.Container.Count, Accepted: &yes})
	}
	m, err = d.svc.Receive(ctx, d.recv, m.ID, ledger.ReceiveInput{Lines: lines})
	step(err)
	if status == ledger.ManifestReceived {
		return m
	}
	for _, id := range m.WasteIDs {
		w, err := d.svc.Waste(ctx, d.recv, id)
		step(err)
		_, err = d.svc.Dispose(ctx, d.recv, id, ledger.DisposeInput{Method: "R9", Quantity: w.Received})
		step(err)
	}
	m, err = d.svc.Manifest(ctx, d.recv, m.ID)
	step(err)
	if m.Status != ledger.ManifestClosed {
		t.Fatalf("manifest is %s after disposal, want closed", m.Status)
	}
	return m
}
