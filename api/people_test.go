package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// session is a person signed in through the API: their cookie header.
type session struct{ cookie string }

// addPerson adds a person through the API as token and returns them.
func (ts *testServer) addPerson(token, party, username, role, phone string) ledger.NewPerson {
	ts.t.Helper()
	var np ledger.NewPerson
	ts.must(http.StatusCreated, "POST", "/api/v1/parties/"+party+"/people", token,
		map[string]any{"name": "员工" + username, "phone": phone, "username": username, "role": role}, &np)
	return np
}

// signIn signs in and returns the session; newPassword, when set,
// replaces the one-time password at once.
func (ts *testServer) signIn(username, password, newPassword string) session {
	ts.t.Helper()
	a := ts.must(http.StatusOK, "POST", "/api/v1/session", "", map[string]any{"username": username, "password": password}, nil)
	var sess session
	for _, c := range (&http.Response{Header: a.header}).Cookies() {
		if c.Name == httpx.SessionCookie {
			assert.True(ts.t, c.HttpOnly)
			assert.Equal(ts.t, http.SameSiteStrictMode, c.SameSite)
			sess.cookie = c.Name + "=" + c.Value
		}
	}
	require.NotEmpty(ts.t, sess.cookie, "no session cookie in %v", a.header)
	if newPassword != "" {
		ts.with(sess, http.StatusOK, "POST", "/api/v1/session/password", map[string]any{"current": password, "new": newPassword})
	}
	return sess
}

// with sends a request with the session's cookie and requires the status.
func (ts *testServer) with(s session, status int, method, path string, body any, hdr ...string) answer {
	ts.t.Helper()
	a := ts.do(method, path, "", body, append([]string{"Cookie", s.cookie}, hdr...)...)
	require.Equal(ts.t, status, a.status, "%s %s: %s", method, path, a)
	return a
}

func TestPeopleAndSessionsOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	mgrNew := ts.addPerson(ts.admin, d.gen.id, "wang", "manager", "13800000001")
	assert.True(t, mgrNew.Person.MustChangePassword)

	// The first sign-in may only change the password.
	mgr := ts.signIn("wang", mgrNew.Password, "")
	a := ts.with(mgr, http.StatusForbidden, "GET", "/api/v1/wastes", nil)
	assert.Equal(t, CodePasswordChange, a.errCode())
	var info ledger.SessionInfo
	ts.with(mgr, http.StatusOK, "GET", "/api/v1/session", nil).decode(t, &info)
	assert.True(t, info.MustChangePassword)
	assert.Equal(t, "顺达汽修", info.Party.Name)

	// Bad input is refused with nothing appended.
	size := ts.size()
	a = ts.with(mgr, http.StatusBadRequest, "POST", "/api/v1/session/password", map[string]any{"current": mgrNew.Password, "new": "weak"})
	assert.Contains(t, string(a.body), `"new"`)
	a = ts.with(mgr, http.StatusRequestEntityTooLarge, "POST", "/api/v1/session/password",
		`{"current":"x","new":"`+strings.Repeat("a", 10<<20)+`"}`)
	assert.Equal(t, CodeTooLarge, a.errCode())
	a = ts.do("POST", "/api/v1/session", "", `{"username":"wang","password":"`+strings.Repeat("密", 10<<20/3)+`"}`)
	assert.Equal(t, http.StatusRequestEntityTooLarge, a.status, "%s", a)
	a = ts.do("POST", "/api/v1/parties/"+d.gen.id+"/people", ts.admin,
		map[string]any{"name": "王二", "phone": "13800000002", "username": "Wang", "role": "operator"})
	assert.Equal(t, http.StatusBadRequest, a.status)
	assert.Contains(t, string(a.body), `"username"`)
	assert.Equal(t, size, ts.size(), "refused requests append nothing")

	ts.with(mgr, http.StatusOK, "POST", "/api/v1/session/password", map[string]any{"current": mgrNew.Password, "new": "顺达汽修王经理的密码"})
	ts.with(mgr, http.StatusOK, "GET", "/api/v1/wastes", nil)

	// The manager adds an operator; the operator registers a batch as
	// themselves and may not manage people.
	var opNew ledger.NewPerson
	ts.with(mgr, http.StatusCreated, "POST", "/api/v1/parties/"+d.gen.id+"/people",
		map[string]any{"name": "李师傅", "phone": "13800000002", "username": "li.op", "role": "operator"}).decode(t, &opNew)
	op := ts.signIn("13800000002", opNew.Password, "李师傅每天称重用的密码")
	var w ledger.Waste
	ts.with(op, http.StatusCreated, "POST", "/api/v1/wastes", ts.wasteBody("900-041-49", 3)).decode(t, &w)
	b := ts.addPerson(ts.admin, d.gen2.id, "jin", "manager", "13800000004")
	size = ts.size()
	a = ts.with(op, http.StatusForbidden, "POST", "/api/v1/parties/"+d.gen.id+"/people",
		map[string]any{"name": "赵", "phone": "13800000003", "username": "zhao", "role": "operator"})
	ts.with(op, http.StatusForbidden, "POST", "/api/v1/parties/"+d.gen.id+"/tokens", nil)
	ts.with(op, http.StatusForbidden, "POST", "/api/v1/people/"+mgrNew.Person.ID+"/disable", nil)
	// A manager of party A cannot touch party B's people.
	ts.with(mgr, http.StatusForbidden, "POST", "/api/v1/parties/"+d.gen2.id+"/people",
		map[string]any{"name": "赵", "phone": "13800000003", "username": "zhao", "role": "operator"})
	ts.with(mgr, http.StatusNotFound, "POST", "/api/v1/people/"+b.Person.ID+"/reset-password", nil)
	ts.with(mgr, http.StatusForbidden, "GET", "/api/v1/parties/"+d.gen2.id+"/people", nil)
	// A write with the cookie from another site is refused.
	ts.with(mgr, http.StatusForbidden, "POST", "/api/v1/wastes", ts.wasteBody("900-041-49", 3), "Origin", "https://evil.example")
	assert.Equal(t, size, ts.size())

	// Tokens: the manager issues one bound to the operator, lists, revokes.
	var tok TokenAnswer
	ts.with(mgr, http.StatusCreated, "POST", "/api/v1/parties/"+d.gen.id+"/tokens",
		map[string]any{"person": opNew.Person.ID, "label": "手持终端"}).decode(t, &tok)
	ts.must(http.StatusOK, "GET", "/api/v1/wastes/"+w.ID, tok.Token, nil, nil)
	var toks TokenList
	ts.with(mgr, http.StatusOK, "GET", "/api/v1/parties/"+d.gen.id+"/tokens", nil).decode(t, &toks)
	require.Len(t, toks.Items, 2) // the admin's company token and this one
	names := map[string]string{}
	for _, x := range toks.Items {
		if x.Person != nil {
			names[x.ID] = x.Person.Name
		}
	}
	assert.Equal(t, map[string]string{tok.ID: "李师傅"}, names)

	// Disabled: the operator's session and token stop at once.
	var people PersonList
	ts.with(mgr, http.StatusOK, "GET", "/api/v1/parties/"+d.gen.id+"/people", nil).decode(t, &people)
	require.Len(t, people.Items, 2)
	ts.with(mgr, http.StatusOK, "POST", "/api/v1/people/"+opNew.Person.ID+"/disable", nil)
	ts.with(op, http.StatusUnauthorized, "GET", "/api/v1/wastes", nil)
	ts.must(http.StatusUnauthorized, "GET", "/api/v1/wastes", tok.Token, nil, nil)
	ts.with(mgr, http.StatusNoContent, "DELETE", "/api/v1/tokens/"+tok.ID, nil)

	// Sign out everywhere.
	other := ts.signIn("wang", "顺达汽修王经理的密码", "")
	ts.with(mgr, http.StatusNoContent, "DELETE", "/api/v1/session?everywhere=true", nil)
	ts.with(other, http.StatusUnauthorized, "GET", "/api/v1/wastes", nil)
	ts.with(mgr, http.StatusUnauthorized, "GET", "/api/v1/wastes", nil)
}

func TestSignInLockoutOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	np := ts.addPerson(ts.admin, d.gen.id, "wang", "manager", "13800000001")
	size := ts.size()
	for range 9 {
		a := ts.do("POST", "/api/v1/session", "", map[string]any{"username": "wang", "password": "wrong-password"})
		require.Equal(t, http.StatusUnauthorized, a.status, "%s", a)
		assert.Equal(t, CodeUnauthenticated, a.errCode())
	}
	a := ts.do("POST", "/api/v1/session", "", map[string]any{"username": "wang", "password": "wrong-password"})
	require.Equal(t, http.StatusTooManyRequests, a.status, "%s", a)
	var e ErrorBody
	a.decode(t, &e)
	assert.Equal(t, CodeTooManyAttempts, e.Error.Code)
	assert.Equal(t, 900, e.Error.RetryAfter)
	assert.Equal(t, "900", a.header.Get("Retry-After"))
	assert.Contains(t, e.Error.Message, "locked")
	a = ts.do("POST", "/api/v1/session", "", map[string]any{"username": "wang", "password": np.Password})
	require.Equal(t, http.StatusTooManyRequests, a.status)
	assert.Equal(t, size, ts.size(), "failed sign-ins append nothing to the ledger")

	// The admin resets: unlocked at once.
	var reset ledger.NewPerson
	ts.must(http.StatusOK, "POST", "/api/v1/people/"+np.Person.ID+"/reset-password", ts.admin, nil, &reset)
	ts.signIn("wang", reset.Password, "顺达汽修王经理的密码")

	// The security log, for inspectors and admins.
	a = ts.must(http.StatusOK, "GET", "/api/v1/security-log?from=0", d.insp.token, nil, nil)
	assert.Equal(t, "application/x-ndjson", a.header.Get("Content-Type"))
	kinds := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(a.body))
	for sc.Scan() {
		var e ledger.SecurityEntry
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e))
		kinds[e.Kind]++
		if e.Kind == ledger.SecSignInFailed {
			assert.Equal(t, "127.0.0.1", e.Address)
		}
	}
	assert.Equal(t, 10, kinds[ledger.SecSignInFailed])
	assert.Equal(t, 1, kinds[ledger.SecLocked])
	assert.Equal(t, 1, kinds[ledger.SecPasswordReset])
	assert.Equal(t, 1, kinds[ledger.SecPasswordChanged])
	ts.must(http.StatusForbidden, "GET", "/api/v1/security-log", d.gen.token, nil, nil)
	ts.must(http.StatusBadRequest, "GET", "/api/v1/security-log?from=x", d.insp.token, nil, nil)
}

func TestSignInTOTPOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	d := ts.district()
	np := ts.addPerson(ts.admin, d.insp.id, "chen", "inspector", "13800000008")
	s := ts.signIn("chen", np.Password, "陈科长巡查用的密码")
	var info ledger.SessionInfo
	ts.with(s, http.StatusOK, "GET", "/api/v1/session", nil).decode(t, &info)
	assert.True(t, info.TOTPSuggested)
	assert.Equal(t, []ledger.Role{ledger.RoleInspector}, info.Roles)
	// Without an authenticator the inspector may only enrol one (or
	// change the password, or sign out).
	a := ts.with(s, http.StatusForbidden, "GET", "/api/v1/wastes", nil)
	assert.Equal(t, CodeTOTPEnrolment, a.errCode())
	ts.with(s, http.StatusForbidden, "GET", "/api/v1/alerts", nil)

	var en ledger.TOTPEnrolment
	ts.with(s, http.StatusOK, "POST", "/api/v1/people/"+np.Person.ID+"/totp", nil).decode(t, &en)
	ts.must(http.StatusForbidden, "POST", "/api/v1/people/"+np.Person.ID+"/totp", ts.admin, nil, nil)
	ts.with(s, http.StatusBadRequest, "POST", "/api/v1/people/"+np.Person.ID+"/totp/confirm", map[string]any{"code": "abc"})
	code, err := ledger.TOTPCode(en.Secret, ts.clock.Now())
	require.NoError(t, err)
	ts.with(s, http.StatusOK, "POST", "/api/v1/people/"+np.Person.ID+"/totp/confirm", map[string]any{"code": code})

	ts.with(s, http.StatusOK, "GET", "/api/v1/wastes", nil) // enrolled: the same session works

	size := ts.size()
	a = ts.do("POST", "/api/v1/session", "", map[string]any{"username": "chen", "password": "陈科长巡查用的密码"})
	require.Equal(t, http.StatusUnauthorized, a.status)
	assert.Equal(t, ledger.CodeTOTPRequired, a.errCode())
	a = ts.do("POST", "/api/v1/session", "", map[string]any{"username": "chen", "password": "陈科长巡查用的密码", "totp": "000000"})
	require.Equal(t, http.StatusUnauthorized, a.status, "an unknown code")
	assert.Contains(t, string(a.body), `"totp"`)
	assert.Equal(t, size, ts.size())
	ts.clock.Advance(31e9)
	code, err = ledger.TOTPCode(en.Secret, ts.clock.Now())
	require.NoError(t, err)
	ts.must(http.StatusOK, "POST", "/api/v1/session", "", map[string]any{"username": "chen", "password": "陈科长巡查用的密码", "totp": code}, &info)
	assert.False(t, info.TOTPSuggested)
}
