package mirror_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/hwledger/hwledger/api"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/demo"
	"github.com/hwledger/hwledger/ledger/ledgertest"
	"github.com/hwledger/hwledger/mirror"
	"github.com/stretchr/testify/require"
)

// primary is a ledger served over HTTP on loopback, seeded with the demo
// district.
type primary struct {
	svc       *ledger.Service
	api       http.Handler // the real server
	srv       *httptest.Server
	inspector string             // an inspector's token
	gen       ledger.Principal   // the first generator
	gens      []ledger.Principal // every generator
	// override, when set, answers instead of the real server (a primary
	// that serves something forged).
	mu       sync.Mutex
	override func(w http.ResponseWriter, r *http.Request) bool
}

// district is the demo district seeded once: its events and tokens.
var district struct {
	once   sync.Once
	events [][]byte
	tokens []demo.Token
	err    error
}

// seeded returns the demo district's events and tokens, seeding it on
// first use.
func seeded(t testing.TB) ([][]byte, []demo.Token) {
	t.Helper()
	district.once.Do(func() {
		svc, err := ledger.Open(ledger.Config{InMemory: true})
		if err != nil {
			district.err = err
			return
		}
		defer svc.Close()
		ctx := context.Background()
		if _, err := svc.Bootstrap(ctx, "mirror-test-admin-token-0123456789abcdef"); err != nil {
			district.err = err
			return
		}
		if district.tokens, err = demo.Seed(ctx, svc, demo.Options{}); err != nil {
			district.err = err
			return
		}
		district.err = svc.Log().Events(0, 0, func(_ uint64, b []byte) error {
			district.events = append(district.events, bytes.Clone(b))
			return nil
		})
	})
	require.NoError(t, district.err)
	return district.events, district.tokens
}

// startPrimary serves a ledger holding the demo district (its events
// copied into a ledger of the primary's own key).
func startPrimary(t testing.TB) *primary {
	t.Helper()
	events, toks := seeded(t)
	svc := ledgertest.Open(t, ledger.Config{})
	ctx := context.Background()
	for i := 0; i < len(events); i += 256 {
		require.NoError(t, svc.Import(ctx, events[i:min(len(events), i+256)], nil))
	}
	p := &primary{svc: svc}
	for _, tk := range toks {
		switch tk.Role {
		case "inspector":
			p.inspector = tk.Token
		case "generator":
			g, err := svc.Authenticate(tk.Token)
			require.NoError(t, err)
			p.gens = append(p.gens, g)
		}
	}
	require.NotEmpty(t, p.inspector)
	require.NotEmpty(t, p.gens)
	p.gen = p.gens[0]
	srv, err := api.New(api.Config{Service: svc})
	require.NoError(t, err)
	h := srv.Handler()
	p.api = h
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		o := p.override
		p.mu.Unlock()
		if o != nil && o(w, r) {
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// forge makes the primary answer path with body instead.
func (p *primary) forge(path string, body func() []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.override = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != path {
			return false
		}
		_, _ = w.Write(body())
		return true
	}
}

// answer makes the primary answer with o first (o reports whether it
// answered).
func (p *primary) answer(o func(w http.ResponseWriter, r *http.Request) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.override = o
}

func (p *primary) honest() { p.mu.Lock(); p.override = nil; p.mu.Unlock() }

// register records n more batches at the primary.
func (p *primary) register(t testing.TB, n int) {
	t.Helper()
	for range n {
		_, err := p.svc.RegisterWaste(context.Background(), p.gen, ledger.WasteInput{Code: "900-041-49", Form: "liquid",
			Quantity: ledger.KgToGrams(12), Container: ledger.Container{Type: "铁桶", Count: 1},
			GeneratedAt: p.svc.Now().Add(-time.Hour), Storage: "暂存间"})
		require.NoError(t, err)
	}
}

// openMirror opens a follower of p in dir and a Mirror reading p with
// token ("" reads the public tiles).
func openMirror(t testing.TB, p *primary, dir, token string) (*ledger.Service, *mirror.Mirror) {
	t.Helper()
	svc := ledgertest.Open(t, ledger.Config{Dir: dir, Follow: p.svc.Log().Key().VerifierKey})
	return svc, newMirror(t, p, svc, token)
}

// newMirror returns a Mirror of p into svc reading with token.
func newMirror(t testing.TB, p *primary, svc *ledger.Service, token string) *mirror.Mirror {
	t.Helper()
	c, err := mirror.NewClient(p.srv.URL, token)
	require.NoError(t, err)
	m, err := mirror.New(svc, c, nil)
	require.NoError(t, err)
	return m
}

// requireSameLog checks that the mirror holds the primary's events byte
// for byte up to its checkpoint, and the primary's checkpoint.
func requireSameLog(t testing.TB, p, m *ledger.Service) {
	t.Helper()
	size, root, cp := m.Log().Head()
	pr, err := p.Log().RootAt(size)
	require.NoError(t, err)
	require.Equal(t, pr, root)
	pcp, err := p.Log().Checkpoint()
	require.NoError(t, err)
	require.Equal(t, pcp, cp, "the mirror stores the primary's checkpoint")
	var a, b [][]byte
	collect := func(out *[][]byte) func(uint64, []byte) error {
		return func(_ uint64, e []byte) error { *out = append(*out, bytes.Clone(e)); return nil }
	}
	require.NoError(t, p.Log().Events(0, int(size), collect(&a)))
	require.NoError(t, m.Log().Events(0, int(size), collect(&b)))
	require.Equal(t, len(a), len(b))
	for i := range a {
		require.Equal(t, a[i], b[i], "event %d", i)
	}
}
