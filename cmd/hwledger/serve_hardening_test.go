package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// status answers the status of GET url with token ("" for none).
func status(t *testing.T, client *http.Client, url, token string) int {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// ledgerSize opens the ledger in dir read-only and returns its size.
func ledgerSize(t *testing.T, dir string) uint64 {
	t.Helper()
	svc, err := ledger.Open(ledger.Config{Dir: dir, ReadOnly: true})
	require.NoError(t, err)
	defer svc.Close()
	return svc.Log().Size()
}

// A weak HWLEDGER_ADMIN_TOKEN is refused with the rule, exit 2, before
// anything is created or appended.
func TestAdminTokenWeakRefused(t *testing.T) {
	weak := []string{"a", strings.Repeat("a", 40), strings.Repeat("password", 4),
		"0123456789abcdef0123456789abcdef", "abcdefghijklmnopqrstuvwxyz012345", "Tr0ub4dor&3Tr0ub4dor&3Tr0ub4dor&3",
		"a strong-looking token with spaces in it", "短" + strings.Repeat("x", 40)}
	dir := t.TempDir()
	for _, tok := range weak {
		// Checked first, so that a token wrongly accepted fails here rather
		// than start a server that serves until the test times out.
		require.Error(t, checkAdminToken(tok), "%q", tok)
		t.Setenv(adminTokenEnv, tok)
		var out, errb bytes.Buffer
		code := cmdServe([]string{"--data", dir, "--addr", "127.0.0.1:0"}, &out, &errb)
		assert.Equal(t, 2, code, "%q: %s", tok, errb.String())
		assert.Contains(t, errb.String(), "HWLEDGER_ADMIN_TOKEN is too weak: an admin token must be at least 32 characters")
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		assert.Empty(t, entries, "%q: nothing may be created", tok)
	}

	// On an existing ledger: refused, nothing appended, the old token works.
	good := ledger.NewToken()
	t.Setenv(adminTokenEnv, good)
	serveInProcess(t, serveOptions{dir: dir}).stop(t)
	size := ledgerSize(t, dir)
	t.Setenv(adminTokenEnv, "a")
	require.Error(t, checkAdminToken("a"))
	var out, errb bytes.Buffer
	assert.Equal(t, 2, cmdServe([]string{"--data", dir, "--addr", "127.0.0.1:0"}, &out, &errb), errb.String())
	assert.Equal(t, size, ledgerSize(t, dir))
	t.Setenv(adminTokenEnv, good)
	p := serveInProcess(t, serveOptions{dir: dir})
	assert.Equal(t, http.StatusOK, status(t, http.DefaultClient, p.url+"/api/v1/parties", good))
	p.stop(t)
	assert.Equal(t, size, ledgerSize(t, dir), "the same token again appends nothing")

	// A weak token in the file is refused the same way.
	t.Setenv(adminTokenEnv, "")
	dir2 := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir2, adminTokenFile), []byte("admin\n"), 0o600))
	errb.Reset()
	require.Error(t, checkAdminToken("admin"))
	assert.Equal(t, 2, cmdServe([]string{"--data", dir2, "--addr", "127.0.0.1:0"}, &out, &errb))
	assert.Contains(t, errb.String(), "holds a weak token")
	assert.False(t, hasLedger(dir2))
}

// Random tokens of 128 bits and more pass the rule: it refuses weak
// tokens, not random ones.
func TestAdminTokenRuleAcceptsRandomTokens(t *testing.T) {
	for range 2000 {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		require.NoError(t, checkAdminToken(hex.EncodeToString(b)))
		require.NoError(t, checkAdminToken(ledger.NewToken()))
	}
}

// A new HWLEDGER_ADMIN_TOKEN replaces the previous bootstrap token (which
// then fails), a revoked one never comes back, and serve starts anyway.
func TestAdminTokenRotationAndRevocation(t *testing.T) {
	dir := t.TempDir()
	a, b := ledger.NewToken(), ledger.NewToken()
	t.Setenv(adminTokenEnv, a)
	p := serveInProcess(t, serveOptions{dir: dir})
	assert.Equal(t, http.StatusOK, status(t, http.DefaultClient, p.url+"/api/v1/parties", a))
	p.stop(t)

	t.Setenv(adminTokenEnv, b)
	p = serveInProcess(t, serveOptions{dir: dir})
	assert.Equal(t, http.StatusUnauthorized, status(t, http.DefaultClient, p.url+"/api/v1/parties", a), "the old token stops working")
	assert.Equal(t, http.StatusOK, status(t, http.DefaultClient, p.url+"/api/v1/parties", b))
	p.stop(t)

	// Going back to the replaced token does not revive it.
	size := ledgerSize(t, dir)
	t.Setenv(adminTokenEnv, a)
	p = serveInProcess(t, serveOptions{dir: dir})
	assert.Contains(t, p.out.String(), "admin token: none: the token in the HWLEDGER_ADMIN_TOKEN environment variable was revoked")
	assert.Equal(t, http.StatusUnauthorized, status(t, http.DefaultClient, p.url+"/api/v1/parties", a))
	assert.Equal(t, http.StatusOK, status(t, http.DefaultClient, p.url+"/api/v1/parties", b))
	p.stop(t)
	assert.Equal(t, size, ledgerSize(t, dir), "nothing appended for a revoked token")

	// An operator revokes the bootstrap token: serve still starts.
	svc, err := ledger.Open(ledger.Config{Dir: dir, ReadOnly: true})
	require.NoError(t, err)
	pb, err := svc.Authenticate(b)
	require.NoError(t, err)
	require.NoError(t, svc.Close())
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"token", "revoke", "--data", dir, "--id", pb.TokenID}, &out, &errb), errb.String())
	t.Setenv(adminTokenEnv, b)
	p = serveInProcess(t, serveOptions{dir: dir})
	assert.Contains(t, p.out.String(), "was revoked")
	assert.Equal(t, http.StatusUnauthorized, status(t, http.DefaultClient, p.url+"/api/v1/parties", b))
	p.stop(t)

	// The file source: a new file token replaces the revoked one.
	t.Setenv(adminTokenEnv, "")
	p = serveInProcess(t, serveOptions{dir: dir})
	tok, err := os.ReadFile(filepath.Join(dir, adminTokenFile))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status(t, http.DefaultClient, p.url+"/api/v1/parties", strings.TrimSpace(string(tok))))
	p.stop(t)
	verifyLedger(t, dir)
}

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their files and a pool trusting the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hwledger test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kb, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600))
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// sessionCookie returns the Set-Cookie line of the session cookie and the
// HSTS header of GET url (the sign-in page).
func sessionCookie(t *testing.T, client *http.Client, url string) (cookie, hsts string) {
	t.Helper()
	resp, err := client.Get(url)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for _, c := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "hw_sid=") {
			cookie = c
		}
	}
	require.NotEmpty(t, cookie, "the sign-in page sets the session cookie")
	return cookie, resp.Header.Get("Strict-Transport-Security")
}

// --tls-cert/--tls-key and --behind-tls-proxy each make the session
// cookie Secure and send HSTS (on the UI and the API); a plain server does
// neither.
func TestServeTLSAndProxyHeaders(t *testing.T) {
	t.Setenv(adminTokenEnv, "")
	certFile, keyFile, pool := selfSigned(t)
	tlsClient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	secure := regexp.MustCompile(`(?i);\s*Secure(;|$)`)

	p := serveInProcess(t, serveOptions{dir: t.TempDir(), tlsCert: certFile, tlsKey: keyFile})
	require.True(t, strings.HasPrefix(p.url, "https://"), p.url)
	assert.Contains(t, p.out.String(), "hwledger listening on https://")
	c, h := sessionCookie(t, tlsClient, p.url+"/signin")
	assert.Regexp(t, secure, c)
	assert.Equal(t, "max-age=31536000", h)
	resp, err := tlsClient.Get(p.url + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "max-age=31536000", resp.Header.Get("Strict-Transport-Security"), "the API sends HSTS too")
	assert.Equal(t, http.StatusBadRequest, status(t, http.DefaultClient, strings.Replace(p.url, "https://", "http://", 1)+"/healthz", ""),
		"plain HTTP is refused on the TLS listener")
	p.stop(t)

	p = serveInProcess(t, serveOptions{dir: t.TempDir(), behindTLSProxy: true})
	c, h = sessionCookie(t, http.DefaultClient, p.url+"/signin")
	assert.Regexp(t, secure, c)
	assert.Equal(t, "max-age=31536000", h)
	p.stop(t)

	p = serveInProcess(t, serveOptions{dir: t.TempDir()})
	c, h = sessionCookie(t, http.DefaultClient, p.url+"/signin")
	assert.NotRegexp(t, secure, c)
	assert.Empty(t, h)
	p.stop(t)

	var out, errb bytes.Buffer
	assert.Equal(t, 2, cmdServe([]string{"--data", t.TempDir(), "--tls-cert", certFile}, &out, &errb), "a cert needs its key")
	errb.Reset()
	dir := t.TempDir()
	assert.Equal(t, 2, cmdServe([]string{"--data", dir, "--addr", "127.0.0.1:0", "--tls-cert", keyFile, "--tls-key", keyFile}, &out, &errb))
	assert.Contains(t, errb.String(), "--tls-cert/--tls-key")
	assert.False(t, hasLedger(dir))
}

// /metrics needs an admin's or inspector's token on the server's address;
// with --metrics-addr it is served there without one, and not on --addr.
func TestMetricsAccess(t *testing.T) {
	t.Setenv(adminTokenEnv, "")
	dir := t.TempDir()
	p := serveInProcess(t, serveOptions{dir: dir})
	admin, err := os.ReadFile(filepath.Join(dir, adminTokenFile))
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, status(t, http.DefaultClient, p.url+"/metrics", ""))
	assert.Equal(t, http.StatusUnauthorized, status(t, http.DefaultClient, p.url+"/metrics", "hwl_not-a-token"))
	assert.Equal(t, http.StatusOK, status(t, http.DefaultClient, p.url+"/metrics", strings.TrimSpace(string(admin))))
	p.stop(t)

	p = serveInProcess(t, serveOptions{dir: dir, metricsAddr: "127.0.0.1:0"})
	m := regexp.MustCompile(`metrics: (http://\S+/metrics) \(no token\)`).FindStringSubmatch(p.out.String())
	require.NotNil(t, m, p.out.String())
	resp, err := http.Get(m[1])
	require.NoError(t, err)
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body.String(), "hwledger_ledger_size ")
	assert.Equal(t, http.StatusNotFound, status(t, http.DefaultClient, p.url+"/metrics", strings.TrimSpace(string(admin))),
		"with --metrics-addr the main address does not serve metrics")
	p.stop(t)

	// serve -h says so.
	var out, errb bytes.Buffer
	cmdServe([]string{"-h"}, &out, &errb)
	assert.Contains(t, errb.String(), "/metrics on --addr needs an admin's or an inspector's bearer token")
	assert.Contains(t, errb.String(), "-metrics-addr")
}
