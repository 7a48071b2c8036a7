package web

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
)

// register records a batch of count containers for the fixture party key.
func register(t *testing.T, f *fixture, key, code string, kg ledger.Grams, count int) *ledger.Waste {
	t.Helper()
	p, err := f.svc.Authenticate(f.tokens[key])
	if err != nil {
		t.Fatal(err)
	}
	w, err := f.svc.RegisterWaste(t.Context(), p, ledger.WasteInput{Code: code, Name: "废矿物油", Form: ledger.FormLiquid,
		Quantity: kg, Container: ledger.Container{Type: "铁桶", Count: count}, GeneratedAt: f.svc.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestLabelPerContainer: a batch of six drums prints six labels, 1/6 to
// 6/6, on the sheet and on its own label page; a batch of more containers
// than maxContainerLabels prints that many and says so.
func TestLabelPerContainer(t *testing.T) {
	f := newFixture(t)
	six := register(t, f, "gen", "900-214-08", 1_200_000, 6)
	one := register(t, f, "gen", "900-214-08", 20_000, 1)
	many := register(t, f, "gen", "900-041-49", 300_000, maxContainerLabels+50)
	c := client(t)
	signIn(t, f, c, f.tokens["gen"])
	for _, path := range []string{"/labels?id=" + six.ID + "&id=" + one.ID, "/wastes/" + six.ID + "/label"} {
		page := get(t, c, f.srv.URL+path)
		for i := 1; i <= 6; i++ {
			if want := fmt.Sprintf("容器 %d/6", i); strings.Count(page, want) != 1 {
				t.Errorf("%s: %q printed %d times, want once", path, want, strings.Count(page, want))
			}
		}
		want := 6
		if strings.HasPrefix(path, "/labels") {
			want = 7 // and the single drum, without a count
		}
		if n := strings.Count(page, `<article class="hwlabel`); n != want {
			t.Errorf("%s: %d labels, want %d", path, n, want)
		}
		if strings.Contains(page, "容器 1/1") {
			t.Errorf("%s: a single container is numbered", path)
		}
	}
	page := get(t, c, f.srv.URL+"/labels?id="+many.ID)
	if n := strings.Count(page, `<article class="hwlabel`); n != maxContainerLabels {
		t.Errorf("a batch of %d containers: %d labels, want %d", many.Container.Count, n, maxContainerLabels)
	}
	if !strings.Contains(page, `id="label-cut"`) || !strings.Contains(page, fmt.Sprintf("共 %d 个容器", many.Container.Count)) {
		t.Error("a cut sheet does not say so")
	}
}

// TestContainerCountAsks: 61 drums where the party's earlier batches
// (200 kg a drum) make 1,200 kg about 6 is asked about, and nothing is
// recorded until the count is confirmed; 6 drums pass at once; 61 bags
// for 2 kg are asked about without any history.
func TestContainerCountAsks(t *testing.T) {
	f := newFixture(t)
	register(t, f, "gen", "900-214-08", 1_200_000, 6)
	c := client(t)
	csrf := signIn(t, f, c, f.tokens["gen"])
	gen, err := f.svc.Authenticate(f.tokens["gen"])
	if err != nil {
		t.Fatal(err)
	}
	batches := func() int {
		l, err := f.svc.Wastes(t.Context(), gen, ledger.WasteFilter{Party: gen.Party}, ledger.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return len(l.Items)
	}
	post := func(kg, ctype, count, confirmed string) (int, string) {
		t.Helper()
		form := url.Values{"csrf": {csrf}, "code": {"900-214-08"}, "form": {"liquid"}, "quantity_kg": {kg},
			"container_type": {ctype}, "container_count": {count}, "storage": {"暂存间"},
			"generated_at": {f.svc.Now().In(shanghai).Add(-time.Hour).Format(dateTimeLocal)}}
		if confirmed != "" {
			form.Set("count_confirmed", confirmed)
		}
		res, err := c.PostForm(f.srv.URL+"/wastes/new", form)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res.StatusCode, html.UnescapeString(string(b))
	}
	before := batches()
	st, page := post("1200", "铁桶", "61", "")
	if st != http.StatusBadRequest || !strings.Contains(page, "估计约 6 个") || !strings.Contains(page, `id="count-confirm"`) {
		t.Fatalf("61 drums for 1200 kg: %d, want 400 with the question:\n%s", st, page)
	}
	if n := batches(); n != before {
		t.Fatalf("the question recorded a batch (%d, had %d)", n, before)
	}
	// Confirming another count than the one typed asks again.
	if st, _ := post("1200", "铁桶", "61", "6"); st != http.StatusBadRequest {
		t.Fatalf("confirmed 6, typed 61: %d, want the question again", st)
	}
	if st, page := post("1200", "铁桶", "61", "61"); st != http.StatusSeeOther {
		t.Fatalf("61 drums confirmed: %d\n%s", st, page)
	}
	if st, page := post("1200", "铁桶", "6", ""); st != http.StatusSeeOther {
		t.Fatalf("6 drums: %d\n%s", st, page)
	}
	if st, _ := post("1300", "铁桶", "8", ""); st != http.StatusSeeOther {
		t.Fatalf("8 drums for 1300 kg (close to 6.5): %d, want no question", st)
	}
	st, page = post("2", "塑料袋", "61", "")
	if st != http.StatusBadRequest || !strings.Contains(page, "每个容器不到 0.1 kg") {
		t.Fatalf("61 bags for 2 kg: %d, want the question", st)
	}
	if n := batches(); n != before+3 {
		t.Fatalf("%d batches, want %d", n, before+3)
	}
}

// optionsOf lists the values of select id's options and the selected one.
func optionsOf(page, id string) (values []string, selected string) {
	i := strings.Index(page, `id="`+id+`"`)
	if i < 0 {
		return nil, ""
	}
	end := strings.Index(page[i:], "</select>")
	for _, opt := range strings.Split(page[i:i+end], "<option")[1:] {
		v, _, _ := strings.Cut(strings.TrimPrefix(opt, ` value="`), `"`)
		if v == "" {
			continue
		}
		values = append(values, v)
		if strings.Contains(opt, " selected") {
			selected = v
		}
	}
	return values, selected
}

// TestManifestFormKnowsTheTrade: the new-manifest form offers only the
// carriers whose transport permit covers the chosen codes, and preselects
// the single fitting carrier and the single fitting receiver.
func TestManifestFormKnowsTheTrade(t *testing.T) {
	f := newFixture(t)
	admin, err := f.svc.Authenticate("admin-token-for-web-tests")
	if err != nil {
		t.Fatal(err)
	}
	med, err := f.svc.RegisterParty(t.Context(), admin, ledger.PartyInput{Name: "郑州康洁医疗废物收运有限公司", CreditCode: credit(t, 300),
		Roles: []ledger.Role{ledger.RoleTransporter}, Street: "南曹", Address: "郑州市管城回族区南曹乡 8 号",
		Location: &ledger.Location{Lat: 34.6660, Lon: 113.7470}, Contact: ledger.Contact{Name: "刘师傅", Phone: "13803710011"},
		TransportPermit: "豫交运管许可郑字410100009999号", TransportScope: []string{"HW01"}})
	if err != nil {
		t.Fatal(err)
	}
	oil := register(t, f, "gen", "900-214-08", 200_000, 1)
	clinic := register(t, f, "gen2", "841-001-01", 5_000, 1)

	c := client(t)
	signIn(t, f, c, f.tokens["gen"])
	page := get(t, c, f.srv.URL+"/manifests/new?waste="+oil.ID)
	carriers, chosen := optionsOf(page, "carrier1")
	if strings.Join(carriers, ",") != f.ids["carrier"] || chosen != f.ids["carrier"] {
		t.Errorf("waste oil: carriers %v (chosen %q), want only and chosen the general carrier %s (not the medical one %s)",
			carriers, chosen, f.ids["carrier"], med.ID)
	}
	if receivers, chosen := optionsOf(page, "receiver"); len(receivers) != 1 || chosen != f.ids["receiver"] {
		t.Errorf("waste oil: receivers %v, chosen %q, want %s chosen", receivers, chosen, f.ids["receiver"])
	}
	if !strings.Contains(page, `<span class="req">`) {
		t.Error("required fields are not marked")
	}

	c2 := client(t)
	signIn(t, f, c2, f.tokens["gen2"])
	page = get(t, c2, f.srv.URL+"/manifests/new?waste="+clinic.ID)
	carriers, chosen = optionsOf(page, "carrier1")
	if len(carriers) != 2 || chosen != "" {
		t.Errorf("medical waste: carriers %v (chosen %q), want both and none chosen", carriers, chosen)
	}
	if _, chosen := optionsOf(page, "receiver"); chosen != f.ids["medrecv"] {
		t.Errorf("medical waste: receiver chosen %q, want %s", chosen, f.ids["medrecv"])
	}
}

// TestCancelAsksForConfirmation: cancelling a manifest needs a reason and
// the ticked confirmation; without either the manifest page comes back
// with the message and the manifest stays as it was.
func TestCancelAsksForConfirmation(t *testing.T) {
	f := newFixture(t)
	w := register(t, f, "gen", "900-214-08", 200_000, 1)
	gen, err := f.svc.Authenticate(f.tokens["gen"])
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.svc.CreateManifest(t.Context(), gen, ledger.ManifestInput{WasteIDs: []string{w.ID}, Carriers: []string{f.ids["carrier"]},
		Receiver: f.ids["receiver"], PlannedPickupAt: f.svc.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	c := client(t)
	csrf := signIn(t, f, c, f.tokens["gen"])
	if page := get(t, c, f.srv.URL+"/manifests/"+m.ID); !strings.Contains(page, `id="cancel-confirm"`) {
		t.Fatal("the cancel form has no confirmation")
	}
	for _, c2 := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"reason": {"客户改期"}}, "请勾选确认后再取消联单"},
		{url.Values{"confirm": {"yes"}}, "请填写取消原因"},
		{url.Values{"reason": {"  "}, "confirm": {"yes"}}, "请填写取消原因"},
	} {
		c2.form.Set("csrf", csrf)
		res, err := c.PostForm(f.srv.URL+"/manifests/"+m.ID+"/cancel", c2.form)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), c2.want) || strings.Contains(string(b), `id="error"`) {
			t.Errorf("cancel %v: %s, want the manifest page with %q", c2.form, res.Status, c2.want)
		}
		if got, _ := f.svc.Manifest(t.Context(), gen, m.ID); got.Status != ledger.ManifestSubmitted {
			t.Fatalf("cancel %v: the manifest is %s", c2.form, got.Status)
		}
	}
	res, err := c.PostForm(f.srv.URL+"/manifests/"+m.ID+"/cancel", url.Values{"csrf": {csrf}, "reason": {"客户改期"}, "confirm": {"yes"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got, _ := f.svc.Manifest(t.Context(), gen, m.ID); res.StatusCode != http.StatusSeeOther || got.Status != ledger.ManifestCancelled {
		t.Fatalf("confirmed cancel: %s, manifest %s", res.Status, got.Status)
	}
}

// TestScanFormStartsWithThePersonsCrew: a driver's scan form starts with
// the plate, driver and escort of the driver's own latest pickup, even
// when a colleague picked up later; a party token starts with the party's
// latest.
func TestScanFormStartsWithThePersonsCrew(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	admin, err := f.svc.Authenticate("admin-token-for-web-tests")
	if err != nil {
		t.Fatal(err)
	}
	gen, err := f.svc.Authenticate(f.tokens["gen"])
	if err != nil {
		t.Fatal(err)
	}
	driverToken := map[string]string{}
	for i, name := range []string{"赵师傅", "孙师傅"} {
		np, err := f.svc.AddPerson(ctx, admin, f.ids["carrier"], ledger.PersonInput{Name: name,
			Phone: fmt.Sprintf("1390371000%d", i), Username: fmt.Sprintf("driver%d", i), Role: ledger.PersonOperator})
		if err != nil {
			t.Fatal(err)
		}
		_, tok, err := f.svc.CreateToken(ctx, admin, f.ids["carrier"], ledger.TokenInput{Person: np.Person.ID})
		if err != nil {
			t.Fatal(err)
		}
		driverToken[name] = tok
	}
	var ms []*ledger.Manifest
	for range 3 {
		w := register(t, f, "gen", "900-214-08", 200_000, 1)
		m, err := f.svc.CreateManifest(ctx, gen, ledger.ManifestInput{WasteIDs: []string{w.ID}, Carriers: []string{f.ids["carrier"]},
			Receiver: f.ids["receiver"], PlannedPickupAt: f.svc.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	for i, c := range []struct{ driver, plate, escort string }{{"赵师傅", "豫A·D3721", "钱押运"}, {"孙师傅", "豫A·F0888", "李押运"}} {
		p, err := f.svc.Authenticate(driverToken[c.driver])
		if err != nil {
			t.Fatal(err)
		}
		w, err := f.svc.Waste(ctx, gen, ms[i].WasteIDs[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Pickup(ctx, p, ms[i].ID, ledger.CustodyInput{Labels: []string{w.Label}, VehiclePlate: c.plate,
			Driver: c.driver, Escort: c.escort}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.AdvanceClock(ctx, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	for who, want := range map[string][3]string{
		driverToken["赵师傅"]:  {"豫A·D3721", "赵师傅", "钱押运"},
		driverToken["孙师傅"]:  {"豫A·F0888", "孙师傅", "李押运"},
		f.tokens["carrier"]: {"豫A·F0888", "孙师傅", "李押运"}, // the party's latest
	} {
		c := client(t)
		signIn(t, f, c, who)
		page := html.UnescapeString(get(t, c, f.srv.URL+"/manifests/"+ms[2].ID+"/scan"))
		for i, id := range []string{"plate", "driver", "escort"} {
			if !strings.Contains(page, `id="`+id+`" value="`+want[i]+`"`) {
				t.Errorf("scan form for %s: %s is not %q", want[1], id, want[i])
			}
		}
	}
}
