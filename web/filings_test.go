package web

import (
	"bytes"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/xuri/excelize/v2"
)

// The generator files a plan through the form (a missing forecast is
// refused naming the field), sees its 台账 and downloads it as Excel,
// reviews a declaration draft and files it; the inspector sees who filed
// and sets a class.
func TestFilingPages(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	gen := f.principal(t, "gen")
	if _, err := f.svc.RegisterWaste(ctx, gen, ledger.WasteInput{Code: "900-214-08", Form: "liquid", Quantity: 20000,
		Container: ledger.Container{Type: "铁桶", Count: 1}, GeneratedAt: f.svc.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	c := client(t)
	csrf := signIn(t, f, c, f.tokens["gen"])
	page := get(t, c, f.srv.URL+"/filings")
	if !strings.Contains(page, "登记管理单位") || !strings.Contains(page, "尚未备案管理计划") {
		t.Fatalf("filings page: %s", page)
	}
	form := get(t, c, f.srv.URL+"/plans/new")
	if !strings.Contains(form, `value="900-214-08"`) {
		t.Fatal("the form offers the codes the party registered")
	}
	v := url.Values{"csrf": {csrf}, "year": {"2026"}, "division": {"410104"}, "industry": {"汽车修理与维护"},
		"industry_code": {"8111"}, "legal": {"赵一"}, "legal_phone": {"13800000001"}, "lead": {"钱二"}, "lead_phone": {"13800000002"},
		"eia": {"no"}, "permit": {"no"}, "gen_code": {"TA001"}, "gen_name": {"维修车间"}, "stage": {"保养"}, "code0": {"900-214-08"}, "components0": {"矿物油"}, "form0": {"liquid"},
		"method0": {"R9"}, "receiver0": {"郑州环境处置中心"}, "license0": {"豫环许可危废字41010001"}}
	before := f.svc.Log().Size()
	status, _, body := post(t, f, c, "/plans/new", v)
	if status != 400 || !strings.Contains(body, "本年度预计产生量") || f.svc.Log().Size() != before {
		t.Fatalf("a plan without a forecast: %d, appended %d: %s", status, f.svc.Log().Size()-before, body)
	}
	v.Set("forecast0", "30")
	if status, loc, body := post(t, f, c, "/plans/new", v); status != 303 || loc != "/filings" {
		t.Fatalf("plan: %d %s %s", status, loc, body)
	}
	plans, err := f.svc.Plans(ctx, gen, gen.Party, 2026)
	if err != nil || len(plans) != 1 || *plans[0].Sections.A7[0].ForecastT != 30 {
		t.Fatalf("plans %v %v", plans, err)
	}

	book := get(t, c, f.srv.URL+"/ledger-book?record=generation")
	if !strings.Contains(book, "HWCS") {
		t.Fatal("the 台账 shows the generation record")
	}
	res, err := c.Get(f.srv.URL + "/ledger-book.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(ledger.BookTitles[ledger.BookGeneration].En)
	if err != nil || len(rows) != 3 || rows[1][1] != "产生批次编码" || rows[2][6] != "900-214-08" {
		t.Fatalf("xlsx rows %v %v", rows, err)
	}

	last := f.svc.Now().In(shanghai).AddDate(-1, 0, 0).Format("2006")
	if status, loc, body := post(t, f, c, "/declarations", url.Values{"csrf": {csrf}, "period": {last}, "note": {"无"}}); status != 303 {
		t.Fatalf("declaration: %d %s %s", status, loc, body)
	}
	if ds, err := f.svc.Declarations(ctx, gen, gen.Party, last); err != nil || len(ds) != 1 {
		t.Fatalf("declarations %v %v", ds, err)
	}
	future := f.svc.Now().In(shanghai).Format("2006")
	before = f.svc.Log().Size()
	if status, _, _ := post(t, f, c, "/declarations", url.Values{"csrf": {csrf}, "period": {future}}); status != 400 || f.svc.Log().Size() != before {
		t.Fatalf("a declaration for a period not over: %d", status)
	}

	ic := client(t)
	icsrf := signIn(t, f, ic, f.tokens["inspector"])
	comp := get(t, ic, f.srv.URL+"/compliance?year=2026&period="+last)
	if !strings.Contains(comp, "郑州顺达汽车维修有限公司") || !strings.Contains(comp, "v1") {
		t.Fatalf("compliance page: %s", comp)
	}
	if status, loc, _ := post(t, f, ic, "/parties/"+gen.Party+"/class", url.Values{"csrf": {icsrf}, "class": {"key"}, "reason": {"重点行业"}}); status != 303 || loc != "/compliance" {
		t.Fatalf("set class: %d %s", status, loc)
	}
	if ci, err := f.svc.ManagementClass(ctx, gen, gen.Party); err != nil || ci.Class != ledger.ClassKey {
		t.Fatalf("class %v %v", ci, err)
	}
}
