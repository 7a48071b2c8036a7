package ledger

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/stretchr/testify/require"
)

// fixture is a small district: an admin, two generators (one hospital),
// two carriers, a general receiver, a medical receiver and an inspector.
type fixture struct {
	t                       testing.TB
	s                       *Service
	clock                   *testClock
	admin, gen, gen2, hosp  Principal
	car1, car2, recv, medRx Principal
	insp                    Principal
	ctx                     context.Context
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // a Monday

func credit(n int) string {
	cc, err := ident.CompleteCreditCode(fmt.Sprintf("91410104MA%07d", n))
	if err != nil {
		panic(err)
	}
	return cc
}

func newFixture(t testing.TB) *fixture { return newFixtureWith(t, Config{}) }

// newFixtureWith is newFixture on a ledger opened with cfg (its clock is
// the fixture's).
func newFixtureWith(t testing.TB, cfg Config) *fixture {
	clock := newTestClock(t0)
	cfg.Clock = clock.Now
	s := openTest(t, cfg)
	f := &fixture{t: t, s: s, clock: clock, ctx: context.Background()}
	adminID, err := s.Bootstrap(f.ctx, "admin-token")
	require.NoError(t, err)
	f.admin = Principal{Party: adminID, Roles: []Role{RoleAdmin, RoleInspector}}
	reg := func(n int, name string, roles []Role, mod func(*PartyInput)) Principal {
		in := PartyInput{Name: name, CreditCode: credit(n), Roles: roles, Street: "南关", Address: "郑州市管城回族区",
			Location: &Location{34.75, 113.68}, Contact: Contact{"张三", "13800000000"}}
		if mod != nil {
			mod(&in)
		}
		p, err := s.RegisterParty(f.ctx, f.admin, in)
		require.NoError(t, err)
		return Principal{Party: p.ID, Roles: p.Roles}
	}
	f.gen = reg(1, "顺达汽修", []Role{RoleGenerator}, nil)
	f.gen2 = reg(2, "金彩印刷", []Role{RoleGenerator}, func(in *PartyInput) { in.Street = "东大街" })
	f.hosp = reg(3, "管城中医院", []Role{RoleGenerator}, nil)
	f.car1 = reg(4, "豫通危运", []Role{RoleTransporter}, func(in *PartyInput) { in.TransportPermit = "豫交运管许可郑字410100001" })
	f.car2 = reg(5, "中原危运", []Role{RoleTransporter}, func(in *PartyInput) { in.TransportPermit = "豫交运管许可郑字410100002" })
	f.recv = reg(6, "郑州环境处置中心", []Role{RoleReceiver}, func(in *PartyInput) {
		in.License = &License{Number: "豫环许可危废字41010001", Codes: []string{"HW08", "HW49", "HW12"}, Methods: []string{"D10", "D1", "R9"},
			CapacityTonnes: 10, ValidFrom: "2024-01-01", ValidTo: "2028-12-31"}
	})
	f.medRx = reg(7, "郑州医疗废物处置中心", []Role{RoleReceiver}, func(in *PartyInput) {
		in.License = &License{Number: "豫环许可危废字41010002", Codes: []string{"HW01"}, Methods: []string{"Y10", "Y11", "D10"},
			CapacityTonnes: 5000, ValidFrom: "2024-01-01", ValidTo: "2028-12-31"}
	})
	f.insp = reg(8, "管城区生态环境分局", []Role{RoleInspector}, nil)
	return f
}

func (f *fixture) waste(p Principal, code string, kg float64) *Waste {
	f.t.Helper()
	w, err := f.s.RegisterWaste(f.ctx, p, WasteInput{Code: code, Form: "liquid", Quantity: KgToGrams(kg),
		Container: Container{Type: "铁桶", Count: 2}, GeneratedAt: f.clock.Now().Add(-time.Hour), Storage: "危废暂存间"})
	require.NoError(f.t, err)
	return w
}

func (f *fixture) manifest(p Principal, rx Principal, carriers []Principal, ws ...*Waste) *Manifest {
	f.t.Helper()
	in := ManifestInput{Receiver: rx.Party, PlannedPickupAt: f.clock.Now().Add(time.Hour)}
	for _, c := range carriers {
		in.Carriers = append(in.Carriers, c.Party)
	}
	for _, w := range ws {
		in.WasteIDs = append(in.WasteIDs, w.ID)
	}
	m, err := f.s.CreateManifest(f.ctx, p, in)
	require.NoError(f.t, err)
	return m
}

func scan(m *Manifest) CustodyInput {
	return CustodyInput{Labels: append([]string{}, m.Labels...), VehiclePlate: "豫A12345", Driver: "李四", VehiclePermit: "豫交运管郑字410104000001号",
		Location: &Location{34.75, 113.68}}
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }
