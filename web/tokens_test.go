package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hwledger/hwledger/ledger"
)

// TestTokensOnThePeoplePage: a manager issues the party's API tokens on
// the people page (one for a machine, one for a person; each shown once),
// sees them listed and revokes one, which stops at once. Another party's
// token cannot be revoked from there, and an operator cannot issue one;
// neither appends anything.
func TestTokensOnThePeoplePage(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	admin, err := f.svc.Authenticate("admin-token-for-web-tests")
	if err != nil {
		t.Fatal(err)
	}
	personToken := func(name, phone, username string, role ledger.PersonRole) (*ledger.NewPerson, string) {
		t.Helper()
		np, err := f.svc.AddPerson(ctx, admin, f.ids["gen"], ledger.PersonInput{Name: name, Phone: phone, Username: username, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		_, tok, err := f.svc.CreateToken(ctx, admin, f.ids["gen"], ledger.TokenInput{Person: np.Person.ID, Label: "浏览器"})
		if err != nil {
			t.Fatal(err)
		}
		return np, tok
	}
	mgr, mtok := personToken("王建国", "13803710101", "wang.jl", ledger.PersonManager)
	c := client(t)
	csrf := signIn(t, f, c, mtok)
	if code, body := page(t, f, c, "/people"); code != http.StatusOK || !strings.Contains(body, `id="tokens"`) {
		t.Fatalf("people page %d without the tokens section", code)
	}
	shown := regexp.MustCompile(`id="new-token-value">([^<]+)<`)
	issue := func(form url.Values) string {
		t.Helper()
		form.Set("csrf", csrf)
		code, _, body := post(t, f, c, "/tokens", form)
		m := shown.FindStringSubmatch(body)
		if code != http.StatusCreated || m == nil {
			t.Fatalf("issue a token: %d", code)
		}
		return m[1]
	}
	machine := issue(url.Values{"label": {"地磅"}})
	p, err := f.svc.Authenticate(machine)
	if err != nil || p.Party != f.ids["gen"] || p.Person != nil {
		t.Fatalf("the machine's token: %+v %v", p, err)
	}
	forMgr := issue(url.Values{"label": {"车载终端"}, "person": {mgr.Person.ID}})
	if p, err = f.svc.Authenticate(forMgr); err != nil || p.Person == nil || p.Person.ID != mgr.Person.ID {
		t.Fatalf("the person's token: %+v %v", p, err)
	}
	_, body := page(t, f, c, "/people")
	if strings.Contains(body, machine) || !strings.Contains(body, "地磅") || !strings.Contains(body, "车载终端") {
		t.Fatal("the list shows the tokens by purpose, never the token itself")
	}

	// Revoke the weighbridge's token: it stops at once.
	toks, err := f.svc.Tokens(ctx, admin, f.ids["gen"])
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, tk := range toks {
		if tk.Label == "地磅" {
			id = tk.ID
		}
	}
	if code, loc, _ := post(t, f, c, "/tokens/"+id+"/revoke", url.Values{"csrf": {csrf}}); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/people") {
		t.Fatalf("revoke: %d %s", code, loc)
	}
	if _, err := f.svc.Authenticate(machine); err == nil {
		t.Fatal("a revoked token still works")
	}

	// Another party's token is out of reach; an operator issues none.
	other, err := f.svc.Tokens(ctx, admin, f.ids["carrier"])
	if err != nil || len(other) == 0 {
		t.Fatal(other, err)
	}
	before := f.svc.Log().Size()
	if code, _, _ := post(t, f, c, "/tokens/"+other[0].ID+"/revoke", url.Values{"csrf": {csrf}}); code == http.StatusSeeOther {
		t.Fatal("a manager revoked another party's token")
	}
	if _, err := f.svc.Authenticate(f.tokens["carrier"]); err != nil || f.svc.Log().Size() != before {
		t.Fatal("the carrier's token stopped, or something was appended:", err)
	}
	_, otok := personToken("李师傅", "13803710102", "li.op", ledger.PersonOperator)
	oc := client(t)
	ocsrf := signIn(t, f, oc, otok)
	before = f.svc.Log().Size()
	if code, _, _ := post(t, f, oc, "/tokens", url.Values{"csrf": {ocsrf}, "label": {"私发"}}); code != http.StatusForbidden {
		t.Fatalf("an operator issued a token: %d", code)
	}
	if f.svc.Log().Size() != before {
		t.Fatal("refused steps appended events")
	}
}
