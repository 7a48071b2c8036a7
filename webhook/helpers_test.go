package webhook_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/hwledger/hwledger/webhook"
	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// received is one delivery a receiver accepted.
type received struct {
	Index     uint64
	Event     []byte
	Signature string
	Body      []byte
}

// receiver is a subscriber's endpoint on loopback. While down it answers
// 503; it checks nothing itself (the test does).
type receiver struct {
	srv  *httptest.Server
	mu   sync.Mutex
	down bool
	got  []received
	hits int // every request, accepted or not
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.hits++
		if r.down {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		var d struct {
			Index uint64          `json:"index"`
			Event json.RawMessage `json:"event"`
		}
		if err := json.Unmarshal(b, &d); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.got = append(r.got, received{Index: d.Index, Event: d.Event, Signature: req.Header.Get(webhook.HeaderSignature), Body: b})
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) setDown(down bool) { r.mu.Lock(); r.down = down; r.mu.Unlock() }

func (r *receiver) deliveries() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

func (r *receiver) requests() int { r.mu.Lock(); defer r.mu.Unlock(); return r.hits }

// distinct returns the indices received, each once, in the order first
// received; it fails t if one arrived before an index below it was last
// received (out of order) or if a repeat is not of the one just before.
func distinct(t *testing.T, got []received) []uint64 {
	t.Helper()
	var out []uint64
	for i, g := range got {
		if i > 0 && g.Index < got[i-1].Index {
			t.Fatalf("out of order: index %d after %d", g.Index, got[i-1].Index)
		}
		if i > 0 && g.Index == got[i-1].Index {
			continue // delivered again: at least once
		}
		out = append(out, g.Index)
	}
	return out
}

// checkBody verifies a delivery as a receiver would: the signature with
// the secret, the checkpoint with the ledger's key, the event's inclusion
// proof against it, and that the event is the ledger's.
func checkBody(t *testing.T, svc *ledger.Service, secret string, g received) {
	t.Helper()
	require.Equal(t, webhook.Sign(secret, g.Body), g.Signature, "index %d: signature", g.Index)
	var d struct {
		Index          uint64          `json:"index"`
		Event          json.RawMessage `json:"event"`
		InclusionProof []string        `json:"inclusion_proof"`
		Checkpoint     string          `json:"checkpoint"`
	}
	require.NoError(t, json.Unmarshal(g.Body, &d))
	n, err := note.Open([]byte(d.Checkpoint), note.VerifierList(svc.Log().Key().Verifier))
	require.NoError(t, err, "index %d: checkpoint", g.Index)
	cp, err := chain.ParseCheckpoint(n.Text)
	require.NoError(t, err)
	hashes := make([][]byte, len(d.InclusionProof))
	for i, h := range d.InclusionProof {
		hashes[i], err = base64.StdEncoding.DecodeString(h)
		require.NoError(t, err)
	}
	require.NoError(t, proof.VerifyInclusion(rfc6962.DefaultHasher, d.Index, cp.Size, chain.HashLeaf(d.Event), hashes, cp.Root),
		"index %d: inclusion proof", g.Index)
	want, err := svc.Log().Event(d.Index)
	require.NoError(t, err)
	require.Equal(t, string(want), string(d.Event))
}

// district is a small ledger: an admin, an inspector, two generators, a
// carrier and a receiver, each with its principal.
type district struct {
	svc                                *ledger.Service
	admin, insp, genA, genB, car, recv ledger.Principal
}

func newDistrict(t *testing.T, svc *ledger.Service) *district {
	t.Helper()
	ctx := context.Background()
	d := &district{svc: svc}
	_, err := svc.Bootstrap(ctx, "webhook-test-admin-token-0123456789abcdef")
	require.NoError(t, err)
	d.admin, err = svc.Authenticate("webhook-test-admin-token-0123456789abcdef")
	require.NoError(t, err)
	party := func(n int, role ledger.Role, extra func(*ledger.PartyInput)) ledger.Principal {
		cc, err := ident.CompleteCreditCode(fmt.Sprintf("91410104MA%07d", n))
		require.NoError(t, err)
		in := ledger.PartyInput{Name: fmt.Sprintf("单位%d", n), CreditCode: cc, Roles: []ledger.Role{role},
			Street: "南关", Address: "郑州市", Contact: ledger.Contact{Name: "张", Phone: "1"}}
		if extra != nil {
			extra(&in)
		}
		p, err := svc.RegisterParty(ctx, d.admin, in)
		require.NoError(t, err)
		_, tok, err := svc.CreateToken(ctx, d.admin, p.ID, ledger.TokenInput{})
		require.NoError(t, err)
		pr, err := svc.Authenticate(tok)
		require.NoError(t, err)
		return pr
	}
	d.insp = party(1, ledger.RoleInspector, nil)
	d.genA = party(2, ledger.RoleGenerator, nil)
	d.genB = party(3, ledger.RoleGenerator, nil)
	d.car = party(4, ledger.RoleTransporter, func(in *ledger.PartyInput) { in.TransportPermit = "豫交运管许可郑字410100001" })
	d.recv = party(5, ledger.RoleReceiver, func(in *ledger.PartyInput) {
		in.License = &ledger.License{Number: "豫环许可危废字41010001", Codes: []string{"HW08", "HW49"}, Methods: []string{"D10", "R9"},
			CapacityTonnes: 1000, ValidFrom: "2020-01-01", ValidTo: "2035-12-31"}
	})
	return d
}

// register records n batches of generator g.
func (d *district) register(t *testing.T, g ledger.Principal, n int) []*ledger.Waste {
	t.Helper()
	var out []*ledger.Waste
	for range n {
		w, err := d.svc.RegisterWaste(context.Background(), g, ledger.WasteInput{Code: "900-041-49", Form: "liquid",
			Quantity: ledger.KgToGrams(12), Container: ledger.Container{Type: "铁桶", Count: 1},
			GeneratedAt: d.svc.Now().Add(-time.Hour), Storage: "暂存间"})
		require.NoError(t, err)
		out = append(out, w)
	}
	return out
}

// run runs the dispatcher until the returned stop is called.
func run(d *webhook.Dispatcher) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	return func() { cancel(); <-done }
}

// waitFor polls cond for up to 30 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
