package web

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/hwledger/hwledger/ledger/ledgertest"
)

// fixture is an empty in-memory ledger with a small Guancheng district
// registered through the Service, each party with a token, and the UI
// served by httptest.
type fixture struct {
	svc    *ledger.Service
	srv    *httptest.Server
	tokens map[string]string // by key: gen, gen2, carrier, receiver, medrecv, inspector
	ids    map[string]string // party ids by the same keys
}

// drive moves the ledger's clock on by the half hour the road from a
// pickup to the receiver takes: a delivery at once would be refused as
// implausible (docs/domain.md, "Delivery").
func (f *fixture) drive(t testing.TB) {
	t.Helper()
	if err := f.svc.AdvanceClock(t.Context(), 30*time.Minute); err != nil {
		t.Fatal(err)
	}
}

func credit(t testing.TB, n int) string {
	t.Helper()
	cc, err := ident.CompleteCreditCode(fmt.Sprintf("91410104MA%07d", n))
	if err != nil {
		t.Fatal(err)
	}
	return cc
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureWith(t, ledger.Config{})
}

// newFixtureWith is newFixture over a ledger opened with cfg (a test clock).
func newFixtureWith(t testing.TB, cfg ledger.Config) *fixture {
	t.Helper()
	svc := ledgertest.Open(t, cfg)
	ctx := t.Context()
	if _, err := svc.Bootstrap(ctx, "admin-token-for-web-tests"); err != nil {
		t.Fatal(err)
	}
	admin, err := svc.Authenticate("admin-token-for-web-tests")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{svc: svc, tokens: map[string]string{}, ids: map[string]string{}}
	year := svc.Now().Year()
	parties := []struct {
		key string
		in  ledger.PartyInput
	}{
		{"gen", ledger.PartyInput{Name: "郑州顺达汽车维修有限公司", Roles: []ledger.Role{ledger.RoleGenerator}, Street: "南关",
			Address: "郑州市管城回族区南关街 18 号", Location: &ledger.Location{Lat: 34.7465, Lon: 113.6852},
			Contact: ledger.Contact{Name: "王建国", Phone: "13803710001"}}},
		{"gen2", ledger.PartyInput{Name: "紫荆山南路社区卫生服务中心", Roles: []ledger.Role{ledger.RoleGenerator}, Street: "紫荆山南路",
			Address: "郑州市管城回族区紫荆山南路 66 号", Location: &ledger.Location{Lat: 34.7380, Lon: 113.6890},
			Contact: ledger.Contact{Name: "李护士", Phone: "13803710002"}}},
		{"carrier", ledger.PartyInput{Name: "河南安运危险货物运输有限公司", Roles: []ledger.Role{ledger.RoleTransporter}, Street: "航海东路",
			Address: "郑州市管城回族区航海东路 1200 号", Location: &ledger.Location{Lat: 34.7120, Lon: 113.7150},
			Contact: ledger.Contact{Name: "赵师傅", Phone: "13803710003"}, TransportPermit: "豫交运管许可郑字410100001234号"}},
		{"receiver", ledger.PartyInput{Name: "郑州绿源危废处置有限公司", Roles: []ledger.Role{ledger.RoleReceiver}, Street: "十八里河",
			Address: "郑州市管城回族区十八里河镇", Location: &ledger.Location{Lat: 34.6790, Lon: 113.7260},
			Contact: ledger.Contact{Name: "孙主任", Phone: "13803710004"},
			License: &ledger.License{Number: "豫环许可危废字41010001", Codes: []string{"HW08", "HW49", "HW12"},
				Methods: []string{"D10", "R9", "D1"}, CapacityTonnes: 5000,
				ValidFrom: fmt.Sprintf("%d-01-01", year-1), ValidTo: fmt.Sprintf("%d-12-31", year+3)}}},
		{"medrecv", ledger.PartyInput{Name: "郑州医疗废物集中处置中心", Roles: []ledger.Role{ledger.RoleReceiver}, Street: "南曹",
			Address: "郑州市管城回族区南曹乡", Location: &ledger.Location{Lat: 34.6650, Lon: 113.7480},
			Contact: ledger.Contact{Name: "周工", Phone: "13803710005"},
			License: &ledger.License{Number: "豫环许可危废字41010002", Codes: []string{"HW01"},
				Methods: []string{"Y10", "Y11"}, CapacityTonnes: 3000,
				ValidFrom: fmt.Sprintf("%d-01-01", year-1), ValidTo: fmt.Sprintf("%d-12-31", year+3)}}},
		{"inspector", ledger.PartyInput{Name: "管城回族区生态环境分局监察大队", Roles: []ledger.Role{ledger.RoleInspector}, Street: "北下街",
			Address: "郑州市管城回族区北下街 9 号", Location: &ledger.Location{Lat: 34.7560, Lon: 113.6790},
			Contact: ledger.Contact{Name: "陈科长", Phone: "0371-66660000"}}},
	}
	for i, p := range parties {
		p.in.CreditCode = credit(t, 100+i)
		party, err := svc.RegisterParty(ctx, admin, p.in)
		if err != nil {
			t.Fatalf("register %s: %v", p.key, err)
		}
		_, tok, err := svc.CreateToken(ctx, admin, party.ID, ledger.TokenInput{})
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[p.key], f.ids[p.key] = tok, party.ID
	}
	h, err := New(svc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close) // runs before the ledger's cleanup (LIFO)
	return f
}
