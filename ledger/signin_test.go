package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSignInFirstPasswordChange(t *testing.T) {
	f := newFixture(t)
	np := f.addPerson(f.admin, f.gen.Party, "wang", PersonManager, "13800000001")
	si, err := f.s.SignIn(f.ctx, SignInInput{Username: " Wang ", Password: np.Password})
	require.NoError(t, err)
	assert.True(t, si.MustChangePassword)
	assert.Equal(t, "顺达汽修", si.Party.Name)
	p, err := f.s.SessionPrincipal(f.ctx, si.SessionID)
	require.NoError(t, err)
	assert.True(t, p.MustChangePassword)
	// Nothing but the change is allowed.
	err = f.refused(func() error {
		_, err := f.s.RegisterWaste(f.ctx, p, WasteInput{Code: "900-041-49", Form: "liquid", Quantity: KgToGrams(1),
			Container: Container{Type: "铁桶", Count: 1}, GeneratedAt: f.clock.Now().Add(-time.Hour), Storage: "暂存间"})
		return err
	})
	assert.ErrorIs(t, err, ErrPasswordChangeRequired)

	// Weak, huge or wrong: refused, nothing changes.
	for new, field := range map[string]string{
		"short":                  "new",
		"短密码":                    "new",
		"wang的密码1234567":         "new", // holds the username
		"1234567890":             "new",
		"aaaaaaaaaaaaaaa":        "new",
		strings.Repeat("长", 129): "new",
	} {
		_, err := f.s.ChangePassword(f.ctx, p, PasswordInput{Current: np.Password, New: new})
		requireField(t, err, field)
	}
	_, err = f.s.ChangePassword(f.ctx, p, PasswordInput{Current: "not-the-password", New: "一个全新的好密码abc"})
	requireField(t, err, "current")
	_, err = f.s.ChangePassword(f.ctx, p, PasswordInput{Current: np.Password, New: np.Password})
	requireField(t, err, "new")

	other, err := f.s.SignIn(f.ctx, SignInInput{Username: "wang", Password: np.Password})
	require.NoError(t, err)
	info, err := f.s.ChangePassword(f.ctx, p, PasswordInput{Current: np.Password, New: "一个全新的好密码abc"})
	require.NoError(t, err)
	assert.False(t, info.MustChangePassword)
	p, err = f.s.SessionPrincipal(f.ctx, si.SessionID)
	require.NoError(t, err)
	assert.False(t, p.MustChangePassword)
	_, err = f.s.SessionPrincipal(f.ctx, other.SessionID)
	assert.ErrorIs(t, err, ErrUnauthenticated, "a password change ends the person's other sessions")
	_, err = f.s.SignIn(f.ctx, SignInInput{Username: "wang", Password: np.Password})
	assert.ErrorIs(t, err, ErrUnauthenticated)
	_, err = f.s.SignIn(f.ctx, SignInInput{Username: "13800000001", Password: "一个全新的好密码abc"})
	require.NoError(t, err)

	// SignOut without everywhere ends only the calling session; with
	// everywhere it ends every session of the person.
	s2, err := f.s.SignIn(f.ctx, SignInInput{Username: "wang", Password: "一个全新的好密码abc"})
	require.NoError(t, err)
	require.NoError(t, f.s.SignOut(f.ctx, p, false))
	_, err = f.s.SessionPrincipal(f.ctx, si.SessionID)
	assert.ErrorIs(t, err, ErrUnauthenticated)
	p2, err := f.s.SessionPrincipal(f.ctx, s2.SessionID)
	require.NoError(t, err)
	require.NoError(t, f.s.SignOut(f.ctx, p2, true))
	_, err = f.s.SessionPrincipal(f.ctx, s2.SessionID)
	assert.ErrorIs(t, err, ErrUnauthenticated)
}

func TestSignInLockoutAndRecovery(t *testing.T) {
	f := newFixture(t)
	mgr := f.signedIn(f.addPerson(f.admin, f.gen.Party, "wang", PersonManager, "13800000001"), "经理王先生的密码")
	op := f.addPerson(mgr, f.gen.Party, "li.op", PersonOperator, "13800000002")
	ctx := WithClient(f.ctx, Client{Address: "192.0.2.7"})
	size := f.size()
	for i := 1; i <= 9; i++ {
		_, err := f.s.SignIn(ctx, SignInInput{Username: "li.op", Password: "wrong-password"})
		var se *SignInError
		require.True(t, errors.As(err, &se), "attempt %d: %v", i, err)
	}
	_, err := f.s.SignIn(ctx, SignInInput{Username: "li.op", Password: "wrong-password"})
	var tm *TooManyAttemptsError
	require.True(t, errors.As(err, &tm), "the 10th failure locks: %v", err)
	assert.True(t, tm.Locked)
	assert.Equal(t, 15*time.Minute, tm.RetryAfter)
	// Locked: even the right password waits.
	_, err = f.s.SignIn(ctx, SignInInput{Username: "li.op", Password: op.Password})
	require.True(t, errors.As(err, &tm))
	assert.Contains(t, err.Error(), "reset its password")
	assert.Equal(t, size, f.size(), "failures and locks are not ledger events")

	// Time-based unlock.
	f.clock.Advance(15*time.Minute + time.Second)
	_, err = f.s.SignIn(ctx, SignInInput{Username: "li.op", Password: op.Password})
	require.NoError(t, err)

	// Locked again, a manager's reset unlocks at once.
	for range 10 {
		_, _ = f.s.SignIn(ctx, SignInInput{Username: "li.op", Password: "wrong-password"})
	}
	_, err = f.s.SignIn(ctx, SignInInput{Username: "li.op", Password: op.Password})
	require.True(t, errors.As(err, &tm))
	reset, err := f.s.ResetPassword(f.ctx, mgr, op.Person.ID)
	require.NoError(t, err)
	assert.NotEqual(t, op.Password, reset.Password)
	si, err := f.s.SignIn(ctx, SignInInput{Username: "li.op", Password: reset.Password})
	require.NoError(t, err)
	assert.True(t, si.MustChangePassword)

	// The security log has it all, for inspectors.
	var kinds []string
	require.NoError(t, f.s.SecurityLog(f.ctx, f.insp, 0, 1000, func(b []byte) error {
		var e SecurityEntry
		require.NoError(t, json.Unmarshal(b, &e))
		kinds = append(kinds, e.Kind)
		if e.Kind == SecSignInFailed {
			assert.Equal(t, "192.0.2.7", e.Address)
		}
		if e.Kind == SecPasswordReset {
			require.NotNil(t, e.By)
			assert.Equal(t, mgr.Person.ID, e.By.Person.ID)
		}
		return nil
	}))
	for _, k := range []string{SecPasswordIssued, SecSignIn, SecPasswordChanged, SecSignInFailed, SecLocked, SecPasswordReset} {
		assert.Contains(t, kinds, k)
	}
	assert.ErrorIs(t, f.s.SecurityLog(f.ctx, mgr, 0, 10, func([]byte) error { return nil }), ErrForbidden)
}

func TestSignInAddressLimit(t *testing.T) {
	f := newFixtureWith(t, Config{SignIn: SignInPolicy{AddressFailures: 3}})
	np := f.addPerson(f.admin, f.gen.Party, "wang", PersonManager, "13800000001")
	ctx := WithClient(f.ctx, Client{Address: "198.51.100.1"})
	for range 3 {
		_, err := f.s.SignIn(ctx, SignInInput{Username: "nobody", Password: "guess-guess"})
		assert.ErrorIs(t, err, ErrUnauthenticated)
	}
	_, err := f.s.SignIn(ctx, SignInInput{Username: "wang", Password: np.Password})
	var tm *TooManyAttemptsError
	require.True(t, errors.As(err, &tm), "%v", err)
	assert.False(t, tm.Locked)
	_, err = f.s.SignIn(WithClient(f.ctx, Client{Address: "198.51.100.2"}), SignInInput{Username: "wang", Password: np.Password})
	require.NoError(t, err, "another address is not limited")
}

func TestSignInTOTPForInspector(t *testing.T) {
	f := newFixture(t)
	np := f.addPerson(f.admin, f.insp.Party, "chen", PersonInspector, "13800000008")
	p := f.signedIn(np, "陈科长巡查用的密码")
	assert.Equal(t, []Role{RoleInspector}, p.Roles)
	info, err := f.s.Session(f.ctx, p)
	require.NoError(t, err)
	assert.True(t, info.TOTPSuggested)
	// Until they enrol, an inspector may do nothing else: nothing appended.
	before := f.s.Log().Size()
	_, err = f.s.SubscribeWebhook(f.ctx, p, WebhookInput{URL: "https://bureau.example/hook"})
	assert.ErrorIs(t, err, ErrTOTPEnrolmentRequired)
	assert.Equal(t, before, f.s.Log().Size())

	// Only oneself enrols.
	_, err = f.s.StartTOTP(f.ctx, f.admin, np.Person.ID)
	assert.ErrorIs(t, err, ErrForbidden)
	en, err := f.s.StartTOTP(f.ctx, p, np.Person.ID)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(en.URI, "otpauth://totp/hwledger:chen?"), en.URI)
	_, err = f.s.ConfirmTOTP(f.ctx, p, np.Person.ID, TOTPConfirmInput{Code: "000000"})
	requireField(t, err, "code")
	code, err := TOTPCode(en.Secret, f.clock.Now())
	require.NoError(t, err)
	person, err := f.s.ConfirmTOTP(f.ctx, p, np.Person.ID, TOTPConfirmInput{Code: code})
	require.NoError(t, err)
	assert.True(t, person.TOTP)

	// Now the code is required, right, and used once.
	_, err = f.s.SignIn(f.ctx, SignInInput{Username: "chen", Password: "陈科长巡查用的密码"})
	var se *SignInError
	require.True(t, errors.As(err, &se))
	assert.Equal(t, CodeTOTPRequired, se.Code)
	_, err = f.s.SignIn(f.ctx, SignInInput{Username: "chen", Password: "陈科长巡查用的密码", TOTP: code})
	require.True(t, errors.As(err, &se), "a code is accepted once")
	assert.Contains(t, se.Fields, "totp")
	_, err = f.s.SignIn(f.ctx, SignInInput{Username: "chen", Password: "陈科长巡查用的密码", TOTP: "12345x"})
	requireField(t, err, "totp")
	f.clock.Advance(30 * time.Second)
	code, err = TOTPCode(en.Secret, f.clock.Now())
	require.NoError(t, err)
	si, err := f.s.SignIn(f.ctx, SignInInput{Username: "chen", Password: "陈科长巡查用的密码", TOTP: code})
	require.NoError(t, err)
	assert.False(t, si.TOTPSuggested)
	enrolled, err := f.s.SessionPrincipal(f.ctx, si.SessionID)
	require.NoError(t, err)
	_, err = f.s.SubscribeWebhook(f.ctx, enrolled, WebhookInput{URL: "https://bureau.example/hook"})
	require.NoError(t, err, "signed in with the second factor, the inspector works")

	// A lost phone: an admin removes it; a manager of another party cannot.
	_, err = f.s.RemoveTOTP(f.ctx, f.gen, np.Person.ID)
	assert.Error(t, err)
	_, err = f.s.RemoveTOTP(f.ctx, f.admin, np.Person.ID)
	require.NoError(t, err)
	_, err = f.s.SignIn(f.ctx, SignInInput{Username: "chen", Password: "陈科长巡查用的密码"})
	require.NoError(t, err)
}

func TestSessionsSurviveRestartAndIdle(t *testing.T) {
	dir := t.TempDir()
	clock := newTestClock(t0)
	open := func() *Service {
		s, err := Open(Config{Dir: dir, Clock: clock.Now})
		require.NoError(t, err)
		return s
	}
	s := open()
	ctx := context.Background()
	adminID, err := s.Bootstrap(ctx, "admin-token")
	require.NoError(t, err)
	admin := Principal{Party: adminID, Roles: []Role{RoleAdmin, RoleInspector}}
	np, err := s.AddPerson(ctx, admin, adminID, PersonInput{Name: "系统管理员甲", Phone: "13800000009", Username: "admin.jia", Role: PersonAdmin})
	require.NoError(t, err)
	si, err := s.SignIn(ctx, SignInInput{Username: "admin.jia", Password: np.Password})
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s = open()
	p, err := s.SessionPrincipal(ctx, si.SessionID)
	require.NoError(t, err, "a restart signs nobody out")
	assert.Equal(t, []Role{RoleAdmin, RoleInspector}, p.Roles)
	_, err = s.Verify(nil)
	require.NoError(t, err, "sign-in state is no projection: the store verifies")
	clock.Advance(7 * time.Hour)
	_, err = s.SessionPrincipal(ctx, si.SessionID)
	require.NoError(t, err)
	clock.Advance(8*time.Hour + time.Minute)
	_, err = s.SessionPrincipal(ctx, si.SessionID)
	assert.ErrorIs(t, err, ErrUnauthenticated, "8 hours idle ends a session")
	require.NoError(t, s.Close())
}
