package ledger

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// addPerson adds a person as by and fails the test on error.
func (f *fixture) addPerson(by Principal, party, username string, role PersonRole, phone string) *NewPerson {
	f.t.Helper()
	np, err := f.s.AddPerson(f.ctx, by, party, PersonInput{Name: "人员" + username, Phone: phone, Username: username, Role: role})
	require.NoError(f.t, err)
	return np
}

// signedIn signs in and changes the one-time password to pw, returning
// the principal of the session.
func (f *fixture) signedIn(np *NewPerson, pw string) Principal {
	f.t.Helper()
	si, err := f.s.SignIn(f.ctx, SignInInput{Username: np.Person.Username, Password: np.Password})
	require.NoError(f.t, err)
	p, err := f.s.SessionPrincipal(f.ctx, si.SessionID)
	require.NoError(f.t, err)
	if pw == "" {
		return p
	}
	_, err = f.s.ChangePassword(f.ctx, p, PasswordInput{Current: np.Password, New: pw})
	require.NoError(f.t, err)
	p, err = f.s.SessionPrincipal(f.ctx, si.SessionID)
	require.NoError(f.t, err)
	return p
}

func TestPeopleManagedByTheirParty(t *testing.T) {
	f := newFixture(t)
	mgr := f.addPerson(f.admin, f.gen.Party, "wang.mgr", PersonManager, "13800000001")
	assert.Equal(t, PersonActive, mgr.Person.Status)
	assert.True(t, mgr.Person.MustChangePassword)
	assert.Len(t, mgr.Password, 14)
	m := f.signedIn(mgr, "南关汽修的新密码2026")
	assert.Equal(t, []Role{RoleGenerator}, m.Roles)
	assert.Equal(t, PersonManager, m.PersonRole)

	// The manager adds an operator; the operator manages no one.
	op := f.addPerson(m, f.gen.Party, "li.op", PersonOperator, "13800000002")
	o := f.signedIn(op, "李师傅每天称重的密码")
	err := f.refused(func() error {
		_, err := f.s.AddPerson(f.ctx, o, f.gen.Party, PersonInput{Name: "赵六", Phone: "13800000003", Username: "zhao", Role: PersonOperator})
		return err
	})
	assert.ErrorIs(t, err, ErrForbidden)
	_, err = f.s.DisablePerson(f.ctx, o, mgr.Person.ID)
	assert.ErrorIs(t, err, ErrForbidden)
	_, err = f.s.ResetPassword(f.ctx, o, mgr.Person.ID)
	assert.ErrorIs(t, err, ErrForbidden)
	_, _, err = f.s.CreateToken(f.ctx, o, f.gen.Party, TokenInput{})
	assert.ErrorIs(t, err, ErrForbidden)

	// A manager of party A cannot touch party B's people.
	other := f.addPerson(f.admin, f.gen2.Party, "jin.mgr", PersonManager, "13800000004")
	err = f.refused(func() error {
		_, err := f.s.AddPerson(f.ctx, m, f.gen2.Party, PersonInput{Name: "赵六", Phone: "13800000003", Username: "zhao", Role: PersonOperator})
		return err
	})
	assert.ErrorIs(t, err, ErrForbidden)
	for name, fn := range map[string]func() error{
		"disable": func() error { _, err := f.s.DisablePerson(f.ctx, m, other.Person.ID); return err },
		"reset":   func() error { _, err := f.s.ResetPassword(f.ctx, m, other.Person.ID); return err },
		"totp":    func() error { _, err := f.s.RemoveTOTP(f.ctx, m, other.Person.ID); return err },
		"list":    func() error { _, err := f.s.People(f.ctx, m, f.gen2.Party); return err },
		"token":   func() error { _, _, err := f.s.CreateToken(f.ctx, m, f.gen2.Party, TokenInput{}); return err },
	} {
		err := f.refused(fn)
		assert.True(t, strings.Contains(err.Error(), "forbidden") || strings.Contains(err.Error(), "not found"), "%s: %v", name, err)
	}
	// Managers add no inspectors or admins; admins add them only to the bureau.
	_, err = f.s.AddPerson(f.ctx, m, f.gen.Party, PersonInput{Name: "钱", Phone: "13800000005", Username: "qian", Role: PersonInspector})
	assert.ErrorIs(t, err, ErrForbidden)
	_, err = f.s.AddPerson(f.ctx, f.admin, f.gen.Party, PersonInput{Name: "钱", Phone: "13800000005", Username: "qian", Role: PersonInspector})
	requireField(t, err, "role")

	people, err := f.s.People(f.ctx, m, f.gen.Party)
	require.NoError(t, err)
	require.Len(t, people, 2)
	assert.Equal(t, "li.op", people[0].Username)
	assert.False(t, people[0].MustChangePassword)
}

func TestPersonInputRefused(t *testing.T) {
	f := newFixture(t)
	f.addPerson(f.admin, f.gen.Party, "wang", PersonManager, "13800000001")
	for field, in := range map[string]PersonInput{
		"username": {Name: "王二", Phone: "13800000002", Username: "WANG", Role: PersonOperator}, // taken, in any case
		"phone":    {Name: "王二", Phone: "13800000001", Username: "wang2", Role: PersonOperator},
		"name":     {Name: "王\x00二", Phone: "13800000002", Username: "wang3", Role: PersonOperator},
		"role":     {Name: "王二", Phone: "13800000002", Username: "wang4", Role: "boss"},
	} {
		err := f.refused(func() error { _, err := f.s.AddPerson(f.ctx, f.admin, f.gen.Party, in); return err })
		requireField(t, err, field)
	}
	for _, u := range []string{"ab", "9lives", "wang zhang", strings.Repeat("a", 33), "王五"} {
		err := f.refused(func() error {
			_, err := f.s.AddPerson(f.ctx, f.admin, f.gen.Party, PersonInput{Name: "某", Phone: "13800000009", Username: u, Role: PersonOperator})
			return err
		})
		requireField(t, err, "username")
	}
}

func TestDisabledPersonStopsAtOnce(t *testing.T) {
	f := newFixture(t)
	mgr := f.signedIn(f.addPerson(f.admin, f.recv.Party, "sun", PersonManager, "13800000001"), "处置中心孙主任的密码")
	opNew := f.addPerson(mgr, f.recv.Party, "zhou", PersonOperator, "13800000002")
	op := f.signedIn(opNew, "过磅员周工的新密码")
	si2, err := f.s.SignIn(f.ctx, SignInInput{Username: "13800000002", Password: "过磅员周工的新密码"}) // by mobile
	require.NoError(t, err)
	id, tok, err := f.s.CreateToken(f.ctx, mgr, f.recv.Party, TokenInput{Person: opNew.Person.ID, Label: "地磅"})
	require.NoError(t, err)
	tp, err := f.s.Authenticate(tok)
	require.NoError(t, err)
	assert.Equal(t, "zhou", opNew.Person.Username)
	assert.Equal(t, opNew.Person.ID, tp.Person.ID)
	toks, err := f.s.Tokens(f.ctx, mgr, f.recv.Party)
	require.NoError(t, err)
	require.Len(t, toks, 1)
	assert.Equal(t, id, toks[0].ID)
	assert.Equal(t, "人员zhou", toks[0].Person.Name)

	// No one disables themselves.
	_, err = f.s.DisablePerson(f.ctx, mgr, mgr.Person.ID)
	require.ErrorIs(t, err, ErrRuleViolation)

	_, err = f.s.DisablePerson(f.ctx, mgr, opNew.Person.ID)
	require.NoError(t, err)
	_, err = f.s.SessionPrincipal(f.ctx, si2.SessionID)
	assert.ErrorIs(t, err, ErrUnauthenticated)
	_, err = f.s.Authenticate(tok)
	assert.ErrorIs(t, err, ErrUnauthenticated)
	_, err = f.s.SignIn(f.ctx, SignInInput{Username: "zhou", Password: "过磅员周工的新密码"})
	assert.ErrorIs(t, err, ErrUnauthenticated)
	_ = op
	// Disabling again is refused; the username stays taken, the number is free.
	_, err = f.s.DisablePerson(f.ctx, mgr, opNew.Person.ID)
	assert.ErrorIs(t, err, ErrInvalidTransition)
	_, err = f.s.AddPerson(f.ctx, mgr, f.recv.Party, PersonInput{Name: "周", Phone: "13800000002", Username: "zhou", Role: PersonOperator})
	requireField(t, err, "username")
	f.addPerson(mgr, f.recv.Party, "zhou2", PersonOperator, "13800000002")
}
