package ledger

import (
	"errors"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/stretchr/testify/require"
)

// Helpers shared by the domain tests (transition, rules, race, property,
// time, alerts, query). They build on fixture_test.go.

// size is the number of committed ledger events.
func (f *fixture) size() uint64 { return f.s.Log().Size() }

// refused runs fn, requires it to fail and the ledger size to stay the
// same, and returns the error.
func (f *fixture) refused(fn func() error) error {
	f.t.Helper()
	before := f.size()
	err := fn()
	require.Error(f.t, err)
	require.Equal(f.t, before, f.size(), "a refused command must append nothing (error: %v)", err)
	return err
}

// wasteAt registers a batch generated at gen.
func (f *fixture) wasteAt(p Principal, code string, kg float64, gen time.Time) *Waste {
	f.t.Helper()
	w, err := f.s.RegisterWaste(f.ctx, p, WasteInput{Code: code, Form: "solid", Quantity: KgToGrams(kg),
		Container: Container{Type: "周转箱", Count: 1}, GeneratedAt: gen, Storage: "暂存间"})
	require.NoError(f.t, err)
	return w
}

// pickup, handover, deliver and receiveAll move a manifest along with the
// right parties; they fail the test on error.
func (f *fixture) pickup(m *Manifest, car Principal) *Manifest {
	f.t.Helper()
	m, err := f.s.Pickup(f.ctx, car, m.ID, scan(m))
	require.NoError(f.t, err)
	return m
}

func (f *fixture) handover(m *Manifest, car Principal) *Manifest {
	f.t.Helper()
	m, err := f.s.Handover(f.ctx, car, m.ID, scan(m))
	require.NoError(f.t, err)
	return m
}

func (f *fixture) deliver(m *Manifest, car Principal) *Manifest {
	f.t.Helper()
	m, err := f.s.Deliver(f.ctx, car, m.ID, DeliverInput{})
	require.NoError(f.t, err)
	return m
}

// lines returns receipt lines accepting every batch of m as declared.
func (f *fixture) lines(m *Manifest, accepted bool) []ReceiveLine {
	f.t.Helper()
	var out []ReceiveLine
	for _, id := range m.WasteIDs {
		w, err := f.s.Waste(f.ctx, f.insp, id)
		require.NoError(f.t, err)
		a := accepted
		out = append(out, ReceiveLine{WasteID: id, Received: w.Quantity, ContainerCount: w.Container.Count, Accepted: &a})
	}
	return out
}

func (f *fixture) receiveAll(m *Manifest, rx Principal, accepted bool) *Manifest {
	f.t.Helper()
	m, err := f.s.Receive(f.ctx, rx, m.ID, ReceiveInput{Lines: f.lines(m, accepted)})
	require.NoError(f.t, err)
	return m
}

// get reloads a batch as the inspector sees it.
func (f *fixture) get(id string) *Waste {
	f.t.Helper()
	w, err := f.s.Waste(f.ctx, f.insp, id)
	require.NoError(f.t, err)
	return w
}

// getM reloads a manifest as the inspector sees it.
func (f *fixture) getM(id string) *Manifest {
	f.t.Helper()
	m, err := f.s.Manifest(f.ctx, f.insp, id)
	require.NoError(f.t, err)
	return m
}

// openAlerts lists every open alert (inspector's view), all pages.
func (f *fixture) alerts(flt AlertFilter) []*Alert {
	f.t.Helper()
	var out []*Alert
	pg := Page{Limit: MaxLimit}
	for {
		l, err := f.s.Alerts(f.ctx, f.insp, flt, pg)
		require.NoError(f.t, err)
		out = append(out, l.Items...)
		if l.NextCursor == "" {
			return out
		}
		pg.Cursor = l.NextCursor
	}
}

func (f *fixture) sweep() {
	f.t.Helper()
	_, err := f.s.Sweep(f.ctx)
	require.NoError(f.t, err)
}

// requireField requires err to be a *ValidationError naming field.
func requireField(t testing.TB, err error, field string) {
	t.Helper()
	var ve *ValidationError
	require.True(t, errors.As(err, &ve), "want a validation error naming %s, got %T: %v", field, err, err)
	require.Contains(t, ve.Fields, field, "validation error %v does not name %s", ve, field)
}

// typed reports whether err is one of the service's typed errors.
func typed(err error) bool {
	var ve *ValidationError
	return errors.As(err, &ve) || errors.Is(err, ErrInvalidTransition) || errors.Is(err, ErrRuleViolation) ||
		errors.Is(err, ErrNotFound) || errors.Is(err, ErrForbidden) || errors.Is(err, ErrConflict)
}

func ptime(t time.Time) *time.Time { return &t }

// party registers another party with credit(n).
func (f *fixture) party(n int, name string, roles []Role, mod func(*PartyInput)) Principal {
	f.t.Helper()
	in := PartyInput{Name: name, CreditCode: credit(n), Roles: roles, Street: "南关", Address: "郑州市管城回族区",
		Contact: Contact{"王五", "13900000000"}}
	if mod != nil {
		mod(&in)
	}
	p, err := f.s.RegisterParty(f.ctx, f.admin, in)
	require.NoError(f.t, err)
	return Principal{Party: p.ID, Roles: p.Roles}
}

// receiver registers a receiver with the given licence.
func (f *fixture) receiver(n int, lic License) Principal {
	f.t.Helper()
	return f.party(n, "接收单位"+lic.Number, []Role{RoleReceiver}, func(in *PartyInput) { in.License = &lic })
}

// createManifest files a manifest and returns the error.
func (f *fixture) createManifest(p, rx Principal, carriers []Principal, planned time.Time, ws ...*Waste) (*Manifest, error) {
	in := ManifestInput{Receiver: rx.Party, PlannedPickupAt: planned}
	for _, c := range carriers {
		in.Carriers = append(in.Carriers, c.Party)
	}
	for _, w := range ws {
		in.WasteIDs = append(in.WasteIDs, w.ID)
	}
	return f.s.CreateManifest(f.ctx, p, in)
}

// toDelivered runs a one-carrier manifest (car1) up to delivery.
func (f *fixture) toDelivered(rx Principal, ws ...*Waste) *Manifest {
	f.t.Helper()
	m := f.manifest(f.genOf(ws[0]), rx, []Principal{f.car1}, ws...)
	return f.deliver(f.pickup(m, f.car1), f.car1)
}

// genOf returns the fixture principal that generated w.
func (f *fixture) genOf(w *Waste) Principal {
	for _, p := range []Principal{f.gen, f.gen2, f.hosp} {
		if p.Party == w.Generator {
			return p
		}
	}
	f.t.Fatalf("batch %s has no fixture generator", w.ID)
	return Principal{}
}

// decodeEvent decodes one event's canonical bytes.
func decodeEvent(t testing.TB, b []byte) *chain.Event {
	t.Helper()
	e, err := chain.Decode(b)
	require.NoError(t, err)
	return e
}

// allPages reads every page of a list, limit items a page.
func allPages[T any](t testing.TB, limit int, fetch func(Page) (List[T], error)) []T {
	t.Helper()
	var out []T
	pg := Page{Limit: limit}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 100_000, "paging does not end")
		l, err := fetch(pg)
		require.NoError(t, err)
		out = append(out, l.Items...)
		if l.NextCursor == "" {
			return out
		}
		pg.Cursor = l.NextCursor
	}
}
