package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/ledgertest"
)

// signInWidth is the phone the sign-in tests use: 390 px, a common phone.
const signInWidth = 390

// atWidth sizes the session's tab like a phone signInWidth wide.
func (s *browserSession) atWidth() *browserSession {
	s.do(chromedp.EmulateViewport(signInWidth, 844, chromedp.EmulateMobile))
	return s
}

// fits fails the test when the page is wider than the phone.
func (s *browserSession) fits(name string) {
	s.t.Helper()
	s.waitJS(`document.readyState === "complete"`)
	if w := eval[int](s, `document.documentElement.scrollWidth`); w > signInWidth {
		s.t.Errorf("%s (%s): page is %d px wide at %d px: horizontal overflow", name, s.url(), w, signInWidth)
	}
}

// zhOnly fails the test when the page shows Latin-script words (the
// Chinese walk's rule, zh_walk_test.go).
func (s *browserSession) zhOnly(name string) {
	s.t.Helper()
	if bad := foreignWords(eval[string](s, walkText)); len(bad) > 0 {
		s.t.Errorf("%s (%s): Latin-script words on a Chinese page: %v", name, s.url(), bad)
	}
}

// signInPassword fills the sign-in form with a username (or mobile
// number) and password, and the authenticator's code when given.
func (s *browserSession) signInPassword(username, password, code string) {
	s.t.Helper()
	if s.path() != "/signin" {
		s.open("/signin")
	}
	s.set("#username", username)
	s.set("#password", password)
	if code != "" {
		s.set("#totp", code)
	}
	s.click("#signin")
}

// changePassword fills the password page.
func (s *browserSession) changePassword(current, next string) {
	s.t.Helper()
	s.set("#current", current)
	s.set("#new", next)
	s.set("#confirm", next)
	s.click("#change")
}

func (s *browserSession) wantPath(want string) {
	s.t.Helper()
	if p := s.path(); p != want {
		s.t.Fatalf("at %s, want %s; page says: %s", p, want, s.text("main"))
	}
}

func (s *browserSession) wantText(sel, want string) {
	s.t.Helper()
	if got := s.text(sel); !strings.Contains(got, want) {
		s.t.Fatalf("%s says %q, want %q (at %s)", sel, got, want, s.url())
	}
}

// TestBrowserSignInPeople: on a 390 px phone, a manager the admin added
// signs in with a username and a one-time password and must change it
// first (a weak one is refused on the page); the manager adds an operator,
// who signs in by mobile number. Ten wrong passwords lock the operator
// out, with the page saying so and for how long; the manager's reset is
// the way back at once, and the lock also ends by itself. The operator's
// batch names them on its trace, and the operator may not manage people.
func TestBrowserSignInPeople(t *testing.T) {
	clock := ledgertest.NewClock(time.Date(2026, 3, 18, 2, 30, 0, 0, time.UTC))
	f := newFixtureWith(t, ledger.Config{Clock: clock.Now})
	ctx := t.Context()
	admin, err := f.svc.Authenticate("admin-token-for-web-tests")
	if err != nil {
		t.Fatal(err)
	}
	np, err := f.svc.AddPerson(ctx, admin, f.ids["gen"], ledger.PersonInput{Name: "王建国", Phone: "13803710101",
		Username: "wang.jl", Role: ledger.PersonManager})
	if err != nil {
		t.Fatal(err)
	}
	bctx := newBrowser(t)
	shots := t.TempDir()

	// The manager's first sign-in leads to the password page, and only there.
	mgr := openSession(t, bctx, f.srv.URL, shots).atWidth()
	mgr.open("/signin")
	mgr.fits("sign-in")
	mgr.zhOnly("sign-in")
	mgr.signInPassword("Wang.JL", np.Password, "")
	mgr.wantPath("/password")
	mgr.wantText("#forced", "初始密码")
	mgr.fits("forced password change")
	mgr.open("/wastes")
	mgr.wantPath("/password")
	size := f.svc.Log().Size()
	mgr.changePassword(np.Password, "1234567890")
	mgr.wantPath("/password")
	mgr.wantText("main", "太常见")
	mgr.zhOnly("a weak password refused")
	mgr.changePassword(np.Password, "顺达汽修王经理的密码")
	mgr.wantPath("/wastes")
	mgr.wantText("#me", "王建国")
	if got := f.svc.Log().Size(); got != size {
		t.Errorf("changing a password appended %d events to the ledger", got-size)
	}

	// The manager adds an operator and reads out the one-time password.
	mgr.open("/people")
	mgr.fits("people")
	mgr.zhOnly("people")
	mgr.set("#p-name", "李师傅")
	mgr.set("#p-phone", "13803710102")
	mgr.set("#p-username", "li.op")
	mgr.do(chromedp.SetValue(chromedp.CSS("#p-role"), "operator"))
	mgr.click("#p-add")
	oneTime := strings.TrimSpace(mgr.text("#new-password"))
	if len(oneTime) != 14 {
		t.Fatalf("one-time password %q", oneTime)
	}
	mgr.fits("a person added")
	mgr.zhOnly("a person added")
	mgr.open("/account")
	mgr.zhOnly("account")

	op := openSession(t, bctx, f.srv.URL, shots).atWidth()
	op.signInPassword("13803710102", oneTime, "")
	op.wantPath("/password")
	op.changePassword(oneTime, "李师傅每天称重用的密码")
	op.wantPath("/wastes")
	op.open("/people")
	op.wantText("main", "不能进行此操作")
	wasteID, _ := registerBatch(op, "900-041-49", "12.5", "铁桶")
	op.open("/trace/" + wasteID)
	op.wantText("main", "李师傅 · 郑州顺达汽车维修有限公司")
	op.signOut()

	// Ten wrong passwords in a row lock the account; the right one waits.
	for i := 1; i <= 10; i++ {
		op.signInPassword("li.op", fmt.Sprintf("wrong-password-%d", i), "")
		op.wantPath("/signin")
	}
	op.wantText("#signin-error", "锁定")
	op.wantText("#signin-error", "15 分钟")
	op.fits("locked")
	op.zhOnly("locked")
	op.signInPassword("li.op", "李师傅每天称重用的密码", "")
	op.wantText("#signin-error", "锁定")

	// The way back: the manager sees the lock and resets the password.
	mgr.open("/people")
	mgr.wantText(`li.person[data-username="li.op"]`, "已锁定至")
	mgr.click(`li.person[data-username="li.op"] button.reset`)
	reset := strings.TrimSpace(mgr.text("#new-password"))
	op.signInPassword("li.op", reset, "")
	op.wantPath("/password")
	op.changePassword(reset, "李师傅换过的新密码")
	op.wantPath("/wastes")
	op.signOut()

	// Or wait: a lock ends by itself after 15 minutes.
	for range 10 {
		op.signInPassword("li.op", "wrong-password", "")
	}
	op.wantText("#signin-error", "锁定")
	clock.Advance(15*time.Minute + time.Second)
	op.signInPassword("li.op", "李师傅换过的新密码", "")
	op.wantPath("/wastes")
}

// TestBrowserInspectorTOTP: an inspector enrols an authenticator on their
// account page at 390 px (a wrong code refused), and from then on signs
// in with its code; an unknown code is refused on the page.
func TestBrowserInspectorTOTP(t *testing.T) {
	clock := ledgertest.NewClock(time.Date(2026, 3, 18, 2, 30, 0, 0, time.UTC))
	f := newFixtureWith(t, ledger.Config{Clock: clock.Now})
	admin, err := f.svc.Authenticate("admin-token-for-web-tests")
	if err != nil {
		t.Fatal(err)
	}
	np, err := f.svc.AddPerson(t.Context(), admin, f.ids["inspector"], ledger.PersonInput{Name: "陈志强", Phone: "13803710201",
		Username: "chen.kz", Role: ledger.PersonInspector})
	if err != nil {
		t.Fatal(err)
	}
	s := openSession(t, newBrowser(t), f.srv.URL, t.TempDir()).atWidth()
	s.signInPassword("chen.kz", np.Password, "")
	s.changePassword(np.Password, "陈科长巡查用的密码")
	// An inspector must enrol an authenticator before anything else: the
	// UI holds them on the account page, and the API refuses the rest.
	s.wantPath("/account")
	s.wantText("#totp-suggested", "须先绑定")
	s.open("/dashboard")
	s.wantPath("/account")
	s.click("#totp-start")
	s.fits("authenticator enrolment")
	s.zhOnly("authenticator enrolment")
	first := strings.TrimSpace(s.text("#totp-secret"))
	s.set("#totp-code", "000000")
	s.click("#totp-confirm")
	s.wantText("main", "不是身份验证器当前的动态码")
	// The refused code left the enrolment pending: start again.
	s.click("#totp-start")
	secret := strings.TrimSpace(s.text("#totp-secret"))
	if len(secret) < 16 || secret == first {
		t.Fatalf("a new enrolment shows a new secret: %q after %q", secret, first)
	}
	code, err := ledger.TOTPCode(secret, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	s.set("#totp-code", code)
	s.click("#totp-confirm")
	s.wantText("#done", "")
	s.wantText("#totp-state", "已")
	s.signOut()

	// The password alone now asks for the code; an unknown code is refused.
	s.signInPassword("chen.kz", "陈科长巡查用的密码", "")
	s.wantPath("/signin")
	s.wantText("#signin-error", "动态码")
	s.set("#password", "陈科长巡查用的密码")
	s.set("#totp", "123456")
	s.click("#signin")
	s.wantPath("/signin")
	clock.Advance(30 * time.Second)
	code, err = ledger.TOTPCode(secret, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	s.set("#password", "陈科长巡查用的密码")
	s.set("#totp", code)
	s.click("#signin")
	s.wantPath("/dashboard")
	s.wantText("#me", "陈志强")
}
