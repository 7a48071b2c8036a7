package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/api/apitest"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/hwledger/hwledger/ledger/ledgertest"
	"github.com/stretchr/testify/require"
)

// t0 is the test clock's start: a Monday morning in Zhengzhou.
var t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// testServer is a real server on a loopback port over an in-memory Badger
// ledger; the ledger is verified (chain and projections) at cleanup.
type testServer struct {
	t      testing.TB
	svc    *ledger.Service
	srv    *Server
	url    string
	clock  *ledgertest.Clock
	client *http.Client
	admin  string // admin bearer token
}

func newTestServer(t testing.TB, mod ...func(*Config)) *testServer {
	t.Helper()
	return newTestServerLedger(t, ledger.Config{}, mod...)
}

// newTestServerLedger is newTestServer over a ledger opened with lcfg (its
// Clock set to the test clock).
func newTestServerLedger(t testing.TB, lcfg ledger.Config, mod ...func(*Config)) *testServer {
	t.Helper()
	clock := ledgertest.NewClock(t0)
	lcfg.Clock = clock.Now
	svc := ledgertest.Open(t, lcfg)
	cfg := Config{Service: svc, TestClock: true, Heartbeat: 200 * time.Millisecond}
	for _, m := range mod {
		m(&cfg)
	}
	srv, err := New(cfg)
	require.NoError(t, err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	ts := &testServer{t: t, svc: svc, srv: srv, url: "http://" + l.Addr().String(), clock: clock,
		client: checkedClient(t, 256)}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, srv.Shutdown(ctx))
		require.NoError(t, <-done)
		ts.client.CloseIdleConnections()
	})
	ts.admin = "hwl_test_admin_token"
	_, err = svc.Bootstrap(context.Background(), ts.admin)
	require.NoError(t, err)
	return ts
}

// checkedClient is the client of a test server: every request it sends and
// every answer it gets is checked against the server's OpenAPI document
// (see package apitest). Benchmarks measure the server, not the checks, so
// their client does not check.
func checkedClient(t testing.TB, maxIdle int) *http.Client {
	t.Helper()
	var rt http.RoundTripper = &http.Transport{MaxIdleConnsPerHost: maxIdle}
	if _, bench := t.(*testing.B); !bench {
		doc, err := OpenAPI()
		require.NoError(t, err)
		rt = apitest.New(t, doc).Transport(rt)
	}
	return &http.Client{Timeout: 30 * time.Second, Transport: rt}
}

// answer is an HTTP answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) String() string { return fmt.Sprintf("%d %s", a.status, a.body) }

// errCode returns the error code of an error answer.
func (a answer) errCode() string {
	var e ErrorBody
	_ = json.Unmarshal(a.body, &e)
	return e.Error.Code
}

func (a answer) decode(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(a.body, v), "answer %s", a)
}

// do sends a request; body may be nil, a string/[]byte (sent raw) or a
// value marshalled as JSON. hdr is alternating header names and values.
func (ts *testServer) do(method, path, token string, body any, hdr ...string) answer {
	ts.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		require.NoError(ts.t, err)
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, ts.url+path, r)
	require.NoError(ts.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := ts.client.Do(req)
	require.NoError(ts.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(ts.t, err)
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// must sends a request and requires the status.
func (ts *testServer) must(status int, method, path, token string, body any, out any) answer {
	ts.t.Helper()
	a := ts.do(method, path, token, body)
	require.Equal(ts.t, status, a.status, "%s %s: %s", method, path, a)
	if out != nil {
		a.decode(ts.t, out)
	}
	return a
}

func credit(n int) string {
	cc, err := ident.CompleteCreditCode(fmt.Sprintf("91410104MA%07d", n))
	if err != nil {
		panic(err)
	}
	return cc
}

// actor is a registered party with a token.
type actor struct {
	id, token string
}

// district is a small district registered through the API.
type district struct {
	gen, gen2, hosp, car1, car2, recv, medRx, insp actor
	admin                                          actor
}

func partyBody(n int, name string, roles ...string) map[string]any {
	return map[string]any{"name": name, "credit_code": credit(n), "roles": roles, "street": "南关",
		"address": "郑州市管城回族区", "location": map[string]any{"lat": 34.75, "lon": 113.68},
		"contact": map[string]any{"name": "张三", "phone": "13800000000"}}
}

func (ts *testServer) register(body map[string]any) actor {
	ts.t.Helper()
	var p ledger.Party
	ts.must(http.StatusCreated, "POST", "/api/v1/parties", ts.admin, body, &p)
	var tok TokenAnswer
	ts.must(http.StatusCreated, "POST", "/api/v1/parties/"+p.ID+"/tokens", ts.admin, nil, &tok)
	return actor{id: p.ID, token: tok.Token}
}

func (ts *testServer) district() *district {
	ts.t.Helper()
	admin, err := ts.svc.Authenticate(ts.admin)
	require.NoError(ts.t, err)
	d := &district{admin: actor{id: admin.Party, token: ts.admin}}
	d.gen = ts.register(partyBody(1, "顺达汽修", "generator"))
	g2 := partyBody(2, "金彩印刷", "generator")
	g2["street"] = "东大街"
	d.gen2 = ts.register(g2)
	d.hosp = ts.register(partyBody(3, "管城中医院", "generator"))
	c1 := partyBody(4, "豫通危运", "transporter")
	c1["transport_permit"] = "豫交运管许可郑字410100001"
	d.car1 = ts.register(c1)
	c2 := partyBody(5, "中原危运", "transporter")
	c2["transport_permit"] = "豫交运管许可郑字410100002"
	d.car2 = ts.register(c2)
	rx := partyBody(6, "郑州环境处置中心", "receiver")
	rx["license"] = map[string]any{"number": "豫环许可危废字41010001", "codes": []string{"HW08", "HW49", "HW12"},
		"methods": []string{"D10", "D1", "R9"}, "capacity_tonnes": 10, "valid_from": "2024-01-01", "valid_to": "2028-12-31"}
	d.recv = ts.register(rx)
	mrx := partyBody(7, "郑州医疗废物处置中心", "receiver")
	mrx["license"] = map[string]any{"number": "豫环许可危废字41010002", "codes": []string{"HW01"},
		"methods": []string{"Y10", "Y11", "D10"}, "capacity_tonnes": 5000, "valid_from": "2024-01-01", "valid_to": "2028-12-31"}
	d.medRx = ts.register(mrx)
	d.insp = ts.register(partyBody(8, "管城区生态环境分局", "inspector"))
	return d
}

func (ts *testServer) wasteBody(code string, kg float64) map[string]any {
	return map[string]any{"code": code, "form": "liquid", "quantity_kg": kg,
		"container":    map[string]any{"type": "铁桶", "count": 2},
		"generated_at": ts.clock.Now().Add(-time.Hour).Format(time.RFC3339), "storage": "危废暂存间"}
}

func (ts *testServer) waste(gen actor, code string, kg float64) *ledger.Waste {
	ts.t.Helper()
	var w ledger.Waste
	ts.must(http.StatusCreated, "POST", "/api/v1/wastes", gen.token, ts.wasteBody(code, kg), &w)
	return &w
}

func (ts *testServer) manifest(gen actor, rx actor, carriers []actor, ws ...*ledger.Waste) *ledger.Manifest {
	ts.t.Helper()
	body := map[string]any{"receiver": rx.id, "planned_pickup_at": ts.clock.Now().Add(time.Hour).Format(time.RFC3339)}
	var cs, ids []string
	for _, c := range carriers {
		cs = append(cs, c.id)
	}
	for _, w := range ws {
		ids = append(ids, w.ID)
	}
	body["carriers"], body["waste_ids"] = cs, ids
	var m ledger.Manifest
	ts.must(http.StatusCreated, "POST", "/api/v1/manifests", gen.token, body, &m)
	return &m
}

func scanBody(m *ledger.Manifest) map[string]any {
	return map[string]any{"labels": m.Labels, "vehicle_plate": "豫A12345", "driver": "李四",
		"location": map[string]any{"lat": 34.75, "lon": 113.68}}
}

// size is the ledger size now.
func (ts *testServer) size() uint64 { return ts.svc.Log().Size() }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func decodeJSON(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }

// insp is an all-seeing principal for direct Service checks.
func insp(ts *testServer) ledger.Principal {
	p, err := ts.svc.Authenticate(ts.admin)
	require.NoError(ts.t, err)
	return p
}

// newDiskServer is newTestServer over a durable ledger in a temp dir.
func newDiskServer(t testing.TB) *testServer {
	t.Helper()
	clock := ledgertest.NewClock(t0)
	svc, err := ledger.Open(ledger.Config{Dir: t.TempDir(), Clock: clock.Now})
	require.NoError(t, err)
	srv, err := New(Config{Service: svc})
	require.NoError(t, err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	ts := &testServer{t: t, svc: svc, srv: srv, url: "http://" + l.Addr().String(), clock: clock,
		client: checkedClient(t, 1024)}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, srv.Shutdown(ctx))
		require.NoError(t, <-done)
		ts.client.CloseIdleConnections()
		require.NoError(t, svc.Close())
	})
	ts.admin = "hwl_test_admin_token"
	_, err = svc.Bootstrap(context.Background(), ts.admin)
	require.NoError(t, err)
	return ts
}

func drain(resp *http.Response) error {
	defer resp.Body.Close()
	_, err := io.Copy(io.Discard, resp.Body)
	return err
}
