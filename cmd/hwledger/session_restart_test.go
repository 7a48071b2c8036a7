package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSessionsSurviveServerRestart: a person signed in (API and web UI
// share the session cookie) is still signed in after the server stops and
// starts again on the same data dir; signing out ends it for good.
func TestSessionsSurviveServerRestart(t *testing.T) {
	dir := t.TempDir()
	admin := ledger.NewToken()
	t.Setenv(adminTokenEnv, admin)
	p := serveInProcess(t, serveOptions{dir: dir})

	send := func(method, url, token, cookie string, body any) (int, []byte, http.Header) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, err := json.Marshal(body)
			require.NoError(t, err)
			rd = bytes.NewReader(b)
		}
		req, err := http.NewRequest(method, p.url+url, rd)
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res.StatusCode, b, res.Header
	}

	var parties struct {
		Items []ledger.Party `json:"items"`
	}
	code, b, _ := send("GET", "/api/v1/parties?role=admin", admin, "", nil)
	require.Equal(t, http.StatusOK, code, "%s", b)
	require.NoError(t, json.Unmarshal(b, &parties))
	require.Len(t, parties.Items, 1)
	var np ledger.NewPerson
	code, b, _ = send("POST", "/api/v1/parties/"+parties.Items[0].ID+"/people", admin, "",
		map[string]any{"name": "刘振华", "phone": "13800000021", "username": "liu.admin", "role": "admin"})
	require.Equal(t, http.StatusCreated, code, "%s", b)
	require.NoError(t, json.Unmarshal(b, &np))

	code, b, h := send("POST", "/api/v1/session", "", "", map[string]any{"username": "liu.admin", "password": np.Password})
	require.Equal(t, http.StatusOK, code, "%s", b)
	var cookie string
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == httpx.SessionCookie {
			cookie = c.Name + "=" + c.Value
		}
	}
	require.NotEmpty(t, cookie)
	code, b, _ = send("POST", "/api/v1/session/password", "", cookie, map[string]any{"current": np.Password, "new": "刘振华管理员的新密码"})
	require.Equal(t, http.StatusOK, code, "%s", b)
	p.stop(t)

	p = serveInProcess(t, serveOptions{dir: dir})
	var info ledger.SessionInfo
	code, b, _ = send("GET", "/api/v1/session", "", cookie, nil)
	require.Equal(t, http.StatusOK, code, "a restart signs nobody out: %s", b)
	require.NoError(t, json.Unmarshal(b, &info))
	assert.Equal(t, "刘振华", info.Person.Name)
	// (An admin without an authenticator is held on the account page.)
	code, b, _ = send("GET", "/account", "", cookie, nil)
	require.Equal(t, http.StatusOK, code, "the web UI's session is the same: %s", b)
	assert.True(t, strings.Contains(string(b), "刘振华"))

	code, _, _ = send("DELETE", "/api/v1/session", "", cookie, nil)
	require.Equal(t, http.StatusNoContent, code)
	p.stop(t)
	p = serveInProcess(t, serveOptions{dir: dir})
	code, _, _ = send("GET", "/api/v1/session", "", cookie, nil)
	assert.Equal(t, http.StatusUnauthorized, code, "signed out stays signed out")
	code, _, h = send("GET", "/dashboard", "", cookie, nil)
	assert.Equal(t, http.StatusSeeOther, code)
	assert.True(t, strings.HasPrefix(h.Get("Location"), "/signin"))
}
