package ledger

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A property test: random valid and invalid commands from several parties.
// Every refusal is a typed error and appends nothing; afterwards the stored
// projections equal a replay of the log (Verify), every batch's and
// manifest's status is the one its events imply, the status indexes agree,
// and the open alerts are those the state calls for.

func TestPropertyRandomCommands(t *testing.T) {
	for _, seed := range []uint64{1, 20260302} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			runRandomCommands(t, seed, 350)
		})
	}
}

func runRandomCommands(t *testing.T, seed uint64, steps int) {
	f := newFixture(t)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	gens := []Principal{f.gen, f.gen2, f.hosp}
	cars := []Principal{f.car1, f.car2}
	rxs := []Principal{f.recv, f.medRx}
	codes := map[string][]string{
		f.gen.Party:  {"900-214-08", "900-041-49", "900-252-12", "900-349-34"},
		f.gen2.Party: {"900-253-12", "900-041-49", "900-249-08"},
		f.hosp.Party: {"841-001-01", "831-002-01", "841-003-01", "900-047-49"},
	}
	methods := []string{"D10", "R9", "Y10", "D1", "Y11", "C1"}
	var wastes, manifests []string
	pick := func(xs []string) string {
		if len(xs) == 0 {
			return "missing"
		}
		return xs[rng.IntN(len(xs))]
	}
	pickP := func(ps []Principal) Principal { return ps[rng.IntN(len(ps))] }
	loadM := func(id string) *Manifest {
		m, err := f.s.Manifest(f.ctx, f.insp, id)
		if err != nil {
			return &Manifest{ID: id}
		}
		return m
	}
	byID := map[string]Principal{}
	for _, p := range append(append(append([]Principal{}, gens...), cars...), rxs...) {
		byID[p.Party] = p
	}
	// who returns the party a command should come from most of the time,
	// else a random one of the role.
	who := func(party string, pool []Principal) Principal {
		if p, ok := byID[party]; ok && rng.IntN(4) != 0 {
			return p
		}
		return pickP(pool)
	}
	counts := map[string][2]int{} // op → {ok, refused}
	for step := 0; step < steps; step++ {
		var op string
		var err error
		before := f.size()
		switch r := rng.IntN(100); {
		case r < 22:
			op = "register"
			g := pickP(gens)
			code := pick(codes[g.Party])
			if rng.IntN(10) == 0 {
				code = pick([]string{"123-456-78", "900-041", "841-009-01"})
			}
			kg := float64(rng.IntN(400000)) / 1000
			var w *Waste
			w, err = f.s.RegisterWaste(f.ctx, g, WasteInput{Code: code, Form: pick([]string{"solid", "liquid", "semi_solid"}),
				Quantity: KgToGrams(kg), Container: Container{Type: "桶", Count: 1 + rng.IntN(3)}, GeneratedAt: f.clock.Now().Add(-time.Duration(rng.IntN(48)) * time.Hour)})
			if err == nil {
				wastes = append(wastes, w.ID)
			}
		case r < 36:
			op = "manifest"
			g := pickP(gens)
			in := ManifestInput{Receiver: pickP(rxs).Party, PlannedPickupAt: f.clock.Now().Add(time.Hour)}
			var mine []string // g's batches that may go on a manifest
			medical := false
			for _, id := range recent(wastes) {
				if w := f.get(id); w.Generator == g.Party && (w.Status == WasteStored || w.Status == WasteRejected) {
					mine = append(mine, id)
					medical = medical || w.Medical
				}
			}
			if rng.IntN(5) != 0 && len(mine) > 0 {
				wastes := mine
				for range 1 + rng.IntN(3) {
					if id := pick(wastes); !contains(in.WasteIDs, id) {
						in.WasteIDs = append(in.WasteIDs, id)
					}
				}
				in.Receiver = map[bool]string{true: f.medRx.Party, false: f.recv.Party}[g.Party == f.hosp.Party]
			} else {
				for range 1 + rng.IntN(3) {
					if id := pick(wastes); !contains(in.WasteIDs, id) {
						in.WasteIDs = append(in.WasteIDs, id)
					}
				}
			}
			_ = medical
			in.Carriers = []string{pickP(cars).Party}
			if rng.IntN(2) == 0 {
				in.Carriers = append(in.Carriers, pickP(cars).Party)
			}
			var m *Manifest
			m, err = f.s.CreateManifest(f.ctx, g, in)
			if err == nil {
				manifests = append(manifests, m.ID)
			}
		case r < 46:
			op = "pickup"
			m := loadM(pick(manifests))
			sc := scan(m)
			if rng.IntN(6) == 0 && len(sc.Labels) > 0 {
				sc.Labels = sc.Labels[1:]
			}
			if len(sc.Labels) == 0 {
				sc.Labels = []string{"x"}
			}
			first := ""
			if len(m.Carriers) > 0 {
				first = m.Carriers[0]
			}
			_, err = f.s.Pickup(f.ctx, who(first, cars), m.ID, sc)
		case r < 52:
			op = "handover"
			m := loadM(pick(manifests))
			sc := scan(m)
			if len(sc.Labels) == 0 {
				sc.Labels = []string{"x"}
			}
			next := ""
			if i := m.CarrierIndex + 1; i > 0 && i < len(m.Carriers) {
				next = m.Carriers[i]
			}
			_, err = f.s.Handover(f.ctx, who(next, cars), m.ID, sc)
		case r < 58:
			op = "positions"
			m := loadM(pick(manifests))
			// A point in a slot the track holds is dropped, appending
			// nothing: each point gets a slot of its own.
			f.clock.Advance(10 * time.Second)
			_, err = f.s.Positions(f.ctx, who(m.Holder, cars), m.ID, PositionsInput{Points: []TrackPoint{{34.7, 113.7, f.clock.Now()}}})
		case r < 66:
			op = "deliver"
			m := loadM(pick(manifests))
			_, err = f.s.Deliver(f.ctx, who(m.Holder, cars), m.ID, DeliverInput{})
		case r < 75:
			op = "receive"
			m := loadM(pick(manifests))
			var lines []ReceiveLine
			for _, id := range m.WasteIDs {
				w := f.get(id)
				q := w.Quantity
				if rng.IntN(4) == 0 {
					q = Grams(float64(q) * (0.85 + rng.Float64()*0.3))
				}
				cc := w.Container.Count
				if rng.IntN(8) == 0 {
					cc++
				}
				acc := rng.IntN(6) != 0
				lines = append(lines, ReceiveLine{WasteID: id, Received: max(q, 1), ContainerCount: cc, Accepted: &acc})
			}
			if len(lines) == 0 {
				lines = []ReceiveLine{{WasteID: "x", Received: 1, Accepted: yes()}}
			}
			_, err = f.s.Receive(f.ctx, who(m.Receiver, rxs), m.ID, ReceiveInput{Lines: lines})
		case r < 80:
			op = "cancel"
			m := loadM(pick(manifests))
			_, err = f.s.Cancel(f.ctx, who(m.Generator, gens), m.ID, CancelInput{Reason: "随机取消"})
		case r < 90:
			op = "dispose"
			var received []string
			for _, id := range recent(wastes) {
				if f.get(id).Status == WasteReceived {
					received = append(received, id)
				}
			}
			id := pick(wastes)
			if rng.IntN(4) != 0 && len(received) > 0 {
				id = pick(received)
			}
			q, method, holder := Grams(1000), pick(methods), ""
			if w, e := f.s.Waste(f.ctx, f.insp, id); e == nil && w.Received > 0 {
				q, holder = w.Received, w.Receiver
				if rng.IntN(3) != 0 {
					method = map[bool]string{true: "Y10", false: "D10"}[w.Medical]
				}
			}
			_, err = f.s.Dispose(f.ctx, who(holder, rxs), id, DisposeInput{Method: method, Quantity: q})
		case r < 94:
			op = "correct"
			s := fmt.Sprintf("暂存间%d", rng.IntN(5))
			id := pick(wastes)
			g := pickP(gens)
			if w, e := f.s.Waste(f.ctx, f.insp, id); e == nil {
				g = who(w.Generator, gens)
			}
			_, err = f.s.CorrectWaste(f.ctx, g, id, WasteCorrection{Storage: &s, Reason: "整理"})
		default:
			op = "advance"
			f.clock.Advance(time.Duration(rng.IntN(8*60)) * time.Minute)
			if rng.IntN(10) == 0 {
				f.clock.Advance(time.Duration(rng.IntN(20)) * 24 * time.Hour)
			}
			_, err = f.s.Sweep(f.ctx)
			require.NoError(t, err, "step %d: sweep", step)
		}
		c := counts[op]
		if err != nil {
			require.True(t, typed(err), "step %d %s: untyped error %T: %v", step, op, err, err)
			require.Equal(t, before, f.size(), "step %d %s: refused (%v) but appended", step, op, err)
			c[1]++
		} else {
			if op != "advance" {
				require.Greater(t, f.size(), before, "step %d %s: allowed but appended nothing", step, op)
			}
			c[0]++
		}
		counts[op] = c
	}
	t.Logf("seed %d: %d batches, %d manifests, %d events; ok/refused per op: %v", seed, len(wastes), len(manifests), f.size(), counts)
	// Both outcomes happened for the lifecycle steps (the sequence is not degenerate).
	for _, op := range []string{"register", "manifest", "pickup", "deliver", "receive", "dispose"} {
		assert.Positive(t, counts[op][0], "%s never succeeded", op)
		assert.Positive(t, counts[op][1], "%s never refused", op)
	}

	_, err := f.s.Verify(nil)
	require.NoError(t, err, "projections equal a replay of the log")

	// Status implied by the events, per batch and per manifest.
	wantW, wantM := statusFromLog(t, f)
	for _, id := range wastes {
		assert.Equal(t, wantW[id], f.get(id).Status, "batch %s", id)
	}
	for _, id := range manifests {
		assert.Equal(t, wantM[id], f.getM(id).Status, "manifest %s", id)
	}
	// The status index agrees with the records.
	for _, st := range []string{WasteStored, WasteManifested, WasteInTransit, WasteDelivered, WasteReceived, WasteDisposed, WasteRejected} {
		var got []string
		pg := Page{Limit: 37}
		for {
			l, err := f.s.Wastes(f.ctx, f.insp, WasteFilter{Status: st}, pg)
			require.NoError(t, err)
			for _, w := range l.Items {
				got = append(got, w.ID)
			}
			if l.NextCursor == "" {
				break
			}
			pg.Cursor = l.NextCursor
		}
		var want []string
		for id, s := range wantW {
			if s == st {
				want = append(want, id)
			}
		}
		sort.Strings(got)
		sort.Strings(want)
		assert.Equal(t, want, got, "index of status %s", st)
	}
	// A sweep now leaves exactly the alerts the state calls for open
	// (nothing is acknowledged in this run).
	f.sweep()
	assert.Equal(t, f.expectedOpenAlerts(f.clock.Now()), f.actualOpenAlerts())
}

// statusFromLog derives every batch's and manifest's status from the event
// types alone.
func statusFromLog(t *testing.T, f *fixture) (wastes, manifests map[string]string) {
	wastes, manifests = map[string]string{}, map[string]string{}
	onMan := map[string][]string{}
	setAll := func(m, st string) {
		for _, id := range onMan[m] {
			wastes[id] = st
		}
	}
	require.NoError(t, f.s.Log().Events(0, 0, func(_ uint64, b []byte) error {
		e := decodeEvent(t, b)
		switch e.Type {
		case EvWasteRegistered:
			wastes[e.Subject] = WasteStored
		case EvWasteDisposed:
			wastes[e.Subject] = WasteDisposed
		case EvManifestCreated:
			var d struct {
				WasteIDs []string `json:"waste_ids"`
			}
			require.NoError(t, json.Unmarshal(e.Data, &d))
			onMan[e.Subject] = d.WasteIDs
			manifests[e.Subject] = ManifestSubmitted
			setAll(e.Subject, WasteManifested)
		case EvManifestPickedUp:
			manifests[e.Subject] = ManifestInTransit
			setAll(e.Subject, WasteInTransit)
		case EvManifestDeliver:
			manifests[e.Subject] = ManifestDelivered
			setAll(e.Subject, WasteDelivered)
		case EvManifestReceived:
			var d struct {
				Lines []struct {
					WasteID  string `json:"waste_id"`
					Accepted bool   `json:"accepted"`
				} `json:"lines"`
			}
			require.NoError(t, json.Unmarshal(e.Data, &d))
			manifests[e.Subject] = ManifestReceived
			for _, l := range d.Lines {
				wastes[l.WasteID] = map[bool]string{true: WasteReceived, false: WasteRejected}[l.Accepted]
			}
		case EvManifestCancel:
			manifests[e.Subject] = ManifestCancelled
			setAll(e.Subject, WasteStored)
		case EvManifestClosed:
			manifests[e.Subject] = ManifestClosed
		}
		return nil
	}))
	// A manifest closes exactly when received and all its batches that are
	// still its own are disposed of or rejected.
	return wastes, manifests
}

// recent is the tail of ids the random steps look at closely.
func recent(ids []string) []string {
	if len(ids) > 30 {
		return ids[len(ids)-30:]
	}
	return ids
}
