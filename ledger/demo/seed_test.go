package demo

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/ident"
)

// testNow is the fixed clock of the tests: a Wednesday morning in Zhengzhou.
var testNow = time.Date(2026, 3, 18, 10, 30, 0, 0, time.FixedZone("CST", 8*3600))

// seeded is a ledger seeded once and shared by the read-only tests.
type seeded struct {
	s       *ledger.Service
	admin   ledger.Principal
	tokens  []Token
	dir     string
	took    time.Duration
	err     error
	initted sync.Once
}

var shared seeded

// newSeeded opens an in-memory ledger with the fixed clock, bootstraps the
// admin and seeds the demo district into it.
func newSeeded(t testing.TB, dir string) (*ledger.Service, ledger.Principal, []Token, time.Duration, error) {
	s, err := ledger.Open(ledger.Config{InMemory: true, Clock: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	adminID, err := s.Bootstrap(context.Background(), "demo-test-admin-token")
	if err != nil {
		t.Fatal(err)
	}
	admin := ledger.Principal{Party: adminID, Roles: []ledger.Role{ledger.RoleAdmin}}
	start := time.Now()
	tokens, err := Seed(context.Background(), s, Options{Dir: dir})
	return s, admin, tokens, time.Since(start), err
}

// seededLedger returns the shared seeded ledger, seeding it on first use.
func seededLedger(t *testing.T) *seeded {
	t.Helper()
	shared.initted.Do(func() {
		// A directory of this process alone: test binaries of other
		// checkouts may run at the same time.
		dir, err := os.MkdirTemp("", "hwledger-demo-test-")
		if err != nil {
			shared.err = err
			return
		}
		shared.dir = dir
		shared.s, shared.admin, shared.tokens, shared.took, shared.err = newSeeded(t, shared.dir)
	})
	if shared.err != nil {
		t.Fatalf("Seed: %v", shared.err)
	}
	return &shared
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.s != nil {
		_ = shared.s.Close()
	}
	if shared.dir != "" {
		_ = os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

var allStatuses = []string{ledger.WasteStored, ledger.WasteManifested, ledger.WasteInTransit, ledger.WasteDelivered,
	ledger.WasteReceived, ledger.WasteDisposed, ledger.WasteRejected, ledger.WasteConsolidated}

// wastes lists every batch matching f, page by page.
func wastes(t testing.TB, s *ledger.Service, p ledger.Principal, f ledger.WasteFilter) []*ledger.Waste {
	t.Helper()
	return every(t, func(pg ledger.Page) (ledger.List[*ledger.Waste], error) {
		return s.Wastes(context.Background(), p, f, pg)
	})
}

// every reads every page of a list.
func every[T any](t testing.TB, list func(ledger.Page) (ledger.List[T], error)) []T {
	t.Helper()
	var out []T
	pg := ledger.Page{Limit: 500}
	for {
		l, err := list(pg)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, l.Items...)
		if l.NextCursor == "" {
			return out
		}
		pg.Cursor = l.NextCursor
	}
}

// statusCounts counts batches per status.
func statusCounts(t testing.TB, s *ledger.Service, p ledger.Principal) map[string]int {
	counts := map[string]int{}
	for _, st := range allStatuses {
		counts[st] = len(wastes(t, s, p, ledger.WasteFilter{Status: st}))
	}
	return counts
}

// alertCounts counts alerts per kind and status.
func alertCounts(t testing.TB, s *ledger.Service, p ledger.Principal) map[string]int {
	t.Helper()
	counts := map[string]int{}
	pg := ledger.Page{Limit: 500}
	for {
		l, err := s.Alerts(context.Background(), p, ledger.AlertFilter{}, pg)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range l.Items {
			counts[a.Kind+"/"+a.Status]++
		}
		if l.NextCursor == "" {
			return counts
		}
		pg.Cursor = l.NextCursor
	}
}

func TestSeedParties(t *testing.T) {
	sd := seededLedger(t)
	ctx := context.Background()
	t.Logf("seeded in %s", sd.took)
	count := func(r ledger.Role) []*ledger.Party {
		ps, err := sd.s.Parties(ctx, ledger.PartyFilter{Role: r})
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
	gens := count(ledger.RoleGenerator)
	if len(gens) < 40 {
		t.Errorf("%d generators, want at least 40", len(gens))
	}
	streetsSeen := map[string]bool{}
	for _, g := range gens {
		streetsSeen[g.Street] = true
		if err := ident.ValidateCreditCode(g.CreditCode); err != nil {
			t.Errorf("%s: %v", g.Name, err)
		}
		if g.Location == nil || g.Location.Lat < 34.67 || g.Location.Lat > 34.73 || g.Location.Lon < 113.67 || g.Location.Lon > 113.73 {
			t.Errorf("%s at %+v: outside the district", g.Name, g.Location)
		}
		if g.Address == "" || g.Contact.Name == "" || g.Contact.Phone == "" {
			t.Errorf("%s: missing address or contact: %+v", g.Name, g)
		}
	}
	if len(streetsSeen) != len(streets) {
		t.Errorf("generators in %d streets, want all %d", len(streetsSeen), len(streets))
	}
	if ts := count(ledger.RoleTransporter); len(ts) < 3 {
		t.Errorf("%d transporters, want at least 3", len(ts))
	} else {
		for _, tp := range ts {
			if tp.TransportPermit == "" {
				t.Errorf("%s has no transport permit", tp.Name)
			}
		}
	}
	rs := count(ledger.RoleReceiver)
	if len(rs) != 4 {
		t.Errorf("%d receivers, want 4 (3 in the district, 1 in Wuhan)", len(rs))
	}
	for _, r := range rs {
		if r.License == nil || len(r.License.Codes) == 0 || len(r.License.Methods) == 0 || r.License.CapacityTonnes <= 0 {
			t.Errorf("%s: licence %+v", r.Name, r.License)
		}
	}
	inspectors := 0
	for _, p := range count(ledger.RoleInspector) {
		if !p.HasRole(ledger.RoleAdmin) {
			inspectors++
		}
	}
	if inspectors != 1 {
		t.Errorf("%d inspector parties besides the admin, want 1", inspectors)
	}
}

func TestSeedBatches(t *testing.T) {
	sd := seededLedger(t)
	counts := statusCounts(t, sd.s, sd.admin)
	total := 0
	for _, st := range allStatuses {
		total += counts[st]
		if counts[st] == 0 {
			t.Errorf("no batch is %s", st)
		}
	}
	t.Logf("%d batches: %v", total, counts)
	if total < 2000 {
		t.Errorf("%d batches, want at least 2000", total)
	}
	all := wastes(t, sd.s, sd.admin, ledger.WasteFilter{})
	if len(all) != total {
		t.Errorf("listing all gives %d batches, per status %d", len(all), total)
	}
	oldest, discrepancies, medical := testNow, 0, 0
	for _, w := range all {
		if w.GeneratedAt.Before(oldest) {
			oldest = w.GeneratedAt
		}
		if w.Discrepancy {
			discrepancies++
		}
		if w.Medical {
			medical++
		}
		if w.LastOccurredAt.After(testNow) {
			t.Errorf("batch %s: last event at %s, after now", w.Label, w.LastOccurredAt)
		}
	}
	t.Logf("%d medical, %d with discrepancies, oldest generated %s", medical, discrepancies, oldest)
	if discrepancies == 0 {
		t.Error("no batch has a discrepancy")
	}
	if age := testNow.Sub(oldest); age < 300*day || age > 366*day {
		t.Errorf("oldest batch is %s old, want about a year", age)
	}

	alerts := alertCounts(t, sd.s, sd.admin)
	t.Logf("alerts: %v", alerts)
	for _, k := range []string{ledger.AlertStorageOverdue, ledger.AlertStorageDueSoon, ledger.AlertDiscrepancy,
		ledger.AlertReceiptOverdue, ledger.AlertTransitOverdue, ledger.AlertTrackGap} {
		if alerts[k+"/"+ledger.AlertOpen] == 0 {
			t.Errorf("no open %s alert", k)
		}
	}

	ms, err := sd.s.Manifests(context.Background(), sd.admin, ledger.ManifestFilter{Status: ledger.ManifestCancelled}, ledger.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms.Items) == 0 {
		t.Error("no cancelled manifest")
	}
}

func TestSeedTokens(t *testing.T) {
	sd := seededLedger(t)
	if len(sd.tokens) < 40+3+3+1 {
		t.Errorf("%d tokens", len(sd.tokens))
	}
	for _, tok := range sd.tokens {
		p, err := sd.s.Authenticate(tok.Token)
		if err != nil {
			t.Errorf("%s: %v", tok.PartyName, err)
			continue
		}
		if p.Party != tok.PartyID || !p.Has(ledger.Role(tok.Role)) {
			t.Errorf("%s: token authenticates as %+v, want party %s with role %s", tok.PartyName, p, tok.PartyID, tok.Role)
		}
		party, err := sd.s.Party(context.Background(), tok.PartyID)
		if err != nil || party.Name != tok.PartyName {
			t.Errorf("token party %s: %v %v", tok.PartyID, party, err)
		}
	}

	path := filepath.Join(sd.dir, TokensFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []Token
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(sd.tokens) || got[0] != sd.tokens[0] {
		t.Errorf("%s holds %d tokens, Seed returned %d", path, len(got), len(sd.tokens))
	}
}

func TestSeedTwiceFails(t *testing.T) {
	sd := seededLedger(t)
	_, err := Seed(context.Background(), sd.s, Options{})
	if !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("second Seed: %v, want ErrNotEmpty", err)
	}
}

func TestSeedNeedsAdmin(t *testing.T) {
	s, err := ledger.Open(ledger.Config{InMemory: true, Clock: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Seed(context.Background(), s, Options{}); !errors.Is(err, ErrNoAdmin) {
		t.Fatalf("Seed without admin: %v, want ErrNoAdmin", err)
	}
}

func TestSeedDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: seeding a second demo district takes a minute under -race; make test runs it")
	}
	type summary struct {
		parties []string
		counts  map[string]int
		labels  map[string]bool
	}
	sum := func(s *ledger.Service, admin ledger.Principal) summary {
		ps, err := s.Parties(context.Background(), ledger.PartyFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var out summary
		for _, p := range ps {
			out.parties = append(out.parties, p.Name+" "+p.CreditCode+" "+p.Address)
		}
		out.counts = statusCounts(t, s, admin)
		out.labels = map[string]bool{}
		for _, w := range wastes(t, s, admin, ledger.WasteFilter{}) {
			out.labels[w.Label+" "+w.Status] = true
		}
		return out
	}
	sd := seededLedger(t)
	s, admin, _, took, err := newSeeded(t, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t.Logf("seeded again in %s", took)
	a, b := sum(sd.s, sd.admin), sum(s, admin)
	if len(a.parties) != len(b.parties) {
		t.Fatalf("%d parties, then %d", len(a.parties), len(b.parties))
	}
	for i := range a.parties {
		if a.parties[i] != b.parties[i] {
			t.Errorf("party %d: %s, then %s", i, a.parties[i], b.parties[i])
		}
	}
	for _, st := range allStatuses {
		if a.counts[st] != b.counts[st] {
			t.Errorf("%s: %d batches, then %d", st, a.counts[st], b.counts[st])
		}
	}
	diff := 0
	for l := range a.labels {
		if !b.labels[l] {
			diff++
		}
	}
	if diff != 0 || len(a.labels) != len(b.labels) {
		t.Errorf("%d of %d labels (with status) differ", diff, len(a.labels))
	}
}

// BenchmarkSeed seeds a fresh on-disk ledger (durable commits) per iteration.
func BenchmarkSeed(b *testing.B) {
	for b.Loop() {
		s, err := ledger.Open(ledger.Config{Dir: b.TempDir(), Clock: func() time.Time { return testNow }})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Bootstrap(context.Background(), "bench-admin-token"); err != nil {
			b.Fatal(err)
		}
		if _, err := Seed(context.Background(), s, Options{}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(s.Log().Size()), "events")
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// The demo shows a return: a rejected batch taken back by its generator.
// Medical waste received at the disposal centre is due for disposal 48
// hours after receipt, other waste a year after (received batches and
// disposed ones, whose page still shows the limit they were held to).
func TestSeedReturnAndDisposalLimits(t *testing.T) {
	sd := seededLedger(t)
	ms, err := sd.s.Manifests(context.Background(), sd.admin, ledger.ManifestFilter{Status: ledger.ManifestClosed}, ledger.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	returns := 0
	for pg := ms; ; {
		for _, m := range pg.Items {
			if m.Kind == ledger.ManifestReturn {
				returns++
				if len(m.RejectedOn) != 1 {
					t.Errorf("return %s: rejected on %v", m.Number, m.RejectedOn)
				}
			}
		}
		if pg.NextCursor == "" {
			break
		}
		if pg, err = sd.s.Manifests(context.Background(), sd.admin, ledger.ManifestFilter{Status: ledger.ManifestClosed},
			ledger.Page{Limit: 500, Cursor: pg.NextCursor}); err != nil {
			t.Fatal(err)
		}
	}
	if returns == 0 {
		t.Error("no return manifest")
	}
	checked := 0
	for _, w := range wastes(t, sd.s, sd.admin, ledger.WasteFilter{}) {
		if w.Status != ledger.WasteReceived && w.Status != ledger.WasteDisposed {
			continue
		}
		if w.ReceivedAt == nil || w.DisposalDeadline == nil {
			t.Errorf("batch %s without receipt time or disposal deadline", w.Label)
			continue
		}
		limit := 365 * day
		if w.Medical {
			limit = 48 * time.Hour
			checked++
		}
		if got := w.DisposalDeadline.Sub(*w.ReceivedAt); got != limit {
			t.Errorf("batch %s (medical %v) received %s is due %s, %s later", w.Label, w.Medical, w.ReceivedAt, w.DisposalDeadline, got)
		}
	}
	if checked == 0 {
		t.Error("no medical batch was received in the demo")
	}
}
