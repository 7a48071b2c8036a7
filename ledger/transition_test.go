package ledger

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The transition matrix: for every batch/manifest status and every command,
// the command is either allowed or refused with one exact typed error, and
// a refusal appends nothing.

// outcome of a command in a state.
type outcome int

const (
	ok outcome = iota
	iT         // ErrInvalidTransition
	rV         // ErrRuleViolation
	nF         // ErrNotFound (the party may not see the subject at all)
	na         // not applicable (no manifest in this state)
)

// tState is a batch in a status, on a manifest (carriers car1, car2;
// receiver recv) in a status.
type tState struct {
	name  string
	batch string
	man   string // manifest status, "" when there is none
	setup func(f *fixture) (*Waste, *Manifest)
}

func transitionStates() []tState {
	base := func(f *fixture) (*Waste, *Manifest) {
		w := f.waste(f.gen, "900-214-08", 100)
		m := f.manifest(f.gen, f.recv, []Principal{f.car1, f.car2}, w)
		return w, m
	}
	return []tState{
		{"stored", WasteStored, "", func(f *fixture) (*Waste, *Manifest) {
			return f.waste(f.gen, "900-214-08", 100), nil
		}},
		{"manifested/submitted", WasteManifested, ManifestSubmitted, base},
		{"in_transit/in_transit(first carrier)", WasteInTransit, ManifestInTransit, func(f *fixture) (*Waste, *Manifest) {
			w, m := base(f)
			return w, f.pickup(m, f.car1)
		}},
		{"in_transit/in_transit(last carrier)", WasteInTransit, ManifestInTransit, func(f *fixture) (*Waste, *Manifest) {
			w, m := base(f)
			return w, f.handover(f.pickup(m, f.car1), f.car2)
		}},
		{"delivered/delivered", WasteDelivered, ManifestDelivered, func(f *fixture) (*Waste, *Manifest) {
			w, m := base(f)
			return w, f.deliver(f.handover(f.pickup(m, f.car1), f.car2), f.car2)
		}},
		{"received/received", WasteReceived, ManifestReceived, func(f *fixture) (*Waste, *Manifest) {
			w, m := base(f)
			m = f.deliver(f.handover(f.pickup(m, f.car1), f.car2), f.car2)
			return w, f.receiveAll(m, f.recv, true)
		}},
		{"disposed/closed", WasteDisposed, ManifestClosed, func(f *fixture) (*Waste, *Manifest) {
			w, m := base(f)
			m = f.receiveAll(f.deliver(f.handover(f.pickup(m, f.car1), f.car2), f.car2), f.recv, true)
			_, err := f.s.Dispose(f.ctx, f.recv, w.ID, DisposeInput{Method: "D10", Quantity: w.Quantity})
			require.NoError(f.t, err)
			return w, f.getM(m.ID)
		}},
		{"rejected/closed", WasteRejected, ManifestClosed, func(f *fixture) (*Waste, *Manifest) {
			w, m := base(f)
			return w, f.receiveAll(f.deliver(f.handover(f.pickup(m, f.car1), f.car2), f.car2), f.recv, false)
		}},
		{"stored/cancelled", WasteStored, ManifestCancelled, func(f *fixture) (*Waste, *Manifest) {
			w, m := base(f)
			m, err := f.s.Cancel(f.ctx, f.gen, m.ID, CancelInput{Reason: "车辆故障"})
			require.NoError(f.t, err)
			return w, m
		}},
	}
}

// tCommand runs one command by the party entitled to it.
type tCommand struct {
	name    string
	onBatch bool // a batch command (else needs a manifest)
	run     func(f *fixture, w *Waste, m *Manifest) error
}

// carrierOf is the carrier that would act on m now: the holder while in
// transit, else the first or last one.
func carrierOf(f *fixture, m *Manifest) Principal {
	i := m.CarrierIndex
	if i < 0 {
		i = 0
	}
	if i >= len(m.Carriers) {
		i = len(m.Carriers) - 1
	}
	if m.Carriers[i] == f.car2.Party {
		return f.car2
	}
	return f.car1
}

func transitionCommands() []tCommand {
	return []tCommand{
		{"correct", true, func(f *fixture, w *Waste, _ *Manifest) error {
			s := "二号暂存间"
			_, err := f.s.CorrectWaste(f.ctx, f.gen, w.ID, WasteCorrection{Storage: &s, Reason: "搬移"})
			return err
		}},
		{"create manifest", true, func(f *fixture, w *Waste, _ *Manifest) error {
			_, err := f.s.CreateManifest(f.ctx, f.gen, ManifestInput{WasteIDs: []string{w.ID}, Carriers: []string{f.car1.Party},
				Receiver: f.recv.Party, PlannedPickupAt: f.clock.Now().Add(time.Hour)})
			return err
		}},
		{"pickup", false, func(f *fixture, _ *Waste, m *Manifest) error {
			_, err := f.s.Pickup(f.ctx, f.car1, m.ID, scan(m))
			return err
		}},
		{"handover", false, func(f *fixture, _ *Waste, m *Manifest) error {
			_, err := f.s.Handover(f.ctx, f.car2, m.ID, scan(m))
			return err
		}},
		{"positions", false, func(f *fixture, _ *Waste, m *Manifest) error {
			_, err := f.s.Positions(f.ctx, carrierOf(f, m), m.ID, PositionsInput{Points: []TrackPoint{{34.74, 113.69, f.clock.Now()}}})
			return err
		}},
		{"deliver", false, func(f *fixture, _ *Waste, m *Manifest) error {
			_, err := f.s.Deliver(f.ctx, carrierOf(f, m), m.ID, DeliverInput{})
			return err
		}},
		{"receive", false, func(f *fixture, _ *Waste, m *Manifest) error {
			_, err := f.s.Receive(f.ctx, f.recv, m.ID, ReceiveInput{Lines: f.lines(m, true)})
			return err
		}},
		{"cancel", false, func(f *fixture, _ *Waste, m *Manifest) error {
			_, err := f.s.Cancel(f.ctx, f.gen, m.ID, CancelInput{Reason: "改期"})
			return err
		}},
		{"dispose", true, func(f *fixture, w *Waste, _ *Manifest) error {
			_, err := f.s.Dispose(f.ctx, f.recv, w.ID, DisposeInput{Method: "D10", Quantity: w.Quantity})
			return err
		}},
	}
}

// transitionMatrix: state name → command name → outcome.
var transitionMatrix = map[string]map[string]outcome{
	//                                     correct  create  pickup  handover positions deliver receive cancel dispose
	"stored":                               row(ok, ok, na, na, na, na, na, na, nF),
	"manifested/submitted":                 row(iT, rV, ok, iT, iT, iT, iT, ok, iT),
	"in_transit/in_transit(first carrier)": row(iT, rV, iT, ok, ok, rV, iT, iT, iT),
	"in_transit/in_transit(last carrier)":  row(iT, rV, iT, rV, ok, ok, iT, iT, iT),
	"delivered/delivered":                  row(iT, rV, iT, iT, iT, iT, ok, iT, iT),
	"received/received":                    row(iT, rV, iT, iT, iT, iT, iT, iT, ok),
	"disposed/closed":                      row(iT, rV, iT, iT, iT, iT, iT, iT, iT),
	"rejected/closed":                      row(iT, ok, iT, iT, iT, iT, iT, iT, iT),
	"stored/cancelled":                     row(ok, ok, iT, iT, iT, iT, iT, iT, iT),
}

func row(o ...outcome) map[string]outcome {
	names := []string{"correct", "create manifest", "pickup", "handover", "positions", "deliver", "receive", "cancel", "dispose"}
	out := map[string]outcome{}
	for i, n := range names {
		out[n] = o[i]
	}
	return out
}

func TestTransitionMatrix(t *testing.T) {
	for _, st := range transitionStates() {
		// One fixture per state; each command acts on its own fresh copy of
		// the state (its own batch and manifest), so cells are independent.
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			for _, cmd := range transitionCommands() {
				want := transitionMatrix[st.name][cmd.name]
				if want == na {
					continue
				}
				t.Run(cmd.name, func(t *testing.T) {
					parent := f.t
					f.t = t
					defer func() { f.t = parent }()
					w, m := st.setup(f)
					// The state is what it says.
					require.Equal(t, st.batch, f.get(w.ID).Status)
					if m != nil {
						require.Equal(t, st.man, f.getM(m.ID).Status)
						m = f.getM(m.ID)
					}
					f.clock.Advance(time.Minute)
					before := f.size()
					err := cmd.run(f, w, m)
					switch want {
					case ok:
						require.NoError(t, err, "%s while %s must be allowed", cmd.name, st.name)
						require.Greater(t, f.size(), before, "an allowed command appends")
						return
					case iT:
						require.ErrorIs(t, err, ErrInvalidTransition, "%s while %s", cmd.name, st.name)
					case rV:
						require.ErrorIs(t, err, ErrRuleViolation, "%s while %s", cmd.name, st.name)
						var re *RuleError
						require.True(t, errors.As(err, &re))
					case nF:
						require.ErrorIs(t, err, ErrNotFound, "%s while %s", cmd.name, st.name)
					}
					// Exactly one kind of error.
					kinds := 0
					for _, e := range []error{ErrInvalidTransition, ErrRuleViolation, ErrNotFound, ErrForbidden, ErrConflict} {
						if errors.Is(err, e) {
							kinds++
						}
					}
					require.Equal(t, 1, kinds, "error %v", err)
					require.Equal(t, before, f.size(), "a refused command appends nothing")
					// And nothing changed.
					require.Equal(t, st.batch, f.get(w.ID).Status)
					if m != nil {
						require.Equal(t, st.man, f.getM(m.ID).Status)
					}
				})
			}
		})
	}
}

// Every command refuses malformed input with a *ValidationError naming the
// field, before looking at any state, and appends nothing.
func TestCommandValidationNamesField(t *testing.T) {
	f := newFixture(t)
	w := f.waste(f.gen, "900-214-08", 100)
	stored := f.waste(f.gen, "900-214-08", 100)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1}, w)
	empty := ""
	bad := scan(m)
	cases := []struct {
		field string
		run   func() error
	}{
		{"code", func() error {
			_, err := f.s.RegisterWaste(f.ctx, f.gen, WasteInput{Code: "900-041", Form: "solid", Quantity: 1000, Container: Container{Type: "桶", Count: 1}, GeneratedAt: t0})
			return err
		}},
		{"form", func() error {
			_, err := f.s.RegisterWaste(f.ctx, f.gen, WasteInput{Code: "900-041-49", Form: "plasma", Quantity: 1000, Container: Container{Type: "桶", Count: 1}, GeneratedAt: t0})
			return err
		}},
		{"quantity_kg", func() error {
			_, err := f.s.RegisterWaste(f.ctx, f.gen, WasteInput{Code: "900-041-49", Form: "solid", Quantity: 0, Container: Container{Type: "桶", Count: 1}, GeneratedAt: t0})
			return err
		}},
		{"container.count", func() error {
			_, err := f.s.RegisterWaste(f.ctx, f.gen, WasteInput{Code: "900-041-49", Form: "solid", Quantity: 1, Container: Container{Type: "桶", Count: 0}, GeneratedAt: t0})
			return err
		}},
		{"generated_at", func() error {
			_, err := f.s.RegisterWaste(f.ctx, f.gen, WasteInput{Code: "900-041-49", Form: "solid", Quantity: 1, Container: Container{Type: "桶", Count: 1}})
			return err
		}},
		{"reason", func() error {
			_, err := f.s.CorrectWaste(f.ctx, f.gen, stored.ID, WasteCorrection{Storage: &empty})
			return err
		}},
		{"waste_ids", func() error {
			_, err := f.s.CreateManifest(f.ctx, f.gen, ManifestInput{Carriers: []string{f.car1.Party}, Receiver: f.recv.Party, PlannedPickupAt: t0})
			return err
		}},
		{"carriers", func() error {
			_, err := f.s.CreateManifest(f.ctx, f.gen, ManifestInput{WasteIDs: []string{w.ID}, Receiver: f.recv.Party, PlannedPickupAt: t0})
			return err
		}},
		{"planned_pickup_at", func() error {
			_, err := f.s.CreateManifest(f.ctx, f.gen, ManifestInput{WasteIDs: []string{w.ID}, Carriers: []string{f.car1.Party}, Receiver: f.recv.Party})
			return err
		}},
		{"vehicle_plate", func() error {
			in := bad
			in.VehiclePlate = " "
			_, err := f.s.Pickup(f.ctx, f.car1, m.ID, in)
			return err
		}},
		{"driver", func() error {
			in := bad
			in.Driver = ""
			_, err := f.s.Handover(f.ctx, f.car1, m.ID, in)
			return err
		}},
		{"labels", func() error {
			in := bad
			in.Labels = nil
			_, err := f.s.Pickup(f.ctx, f.car1, m.ID, in)
			return err
		}},
		{"points[0].lat", func() error {
			_, err := f.s.Positions(f.ctx, f.car1, m.ID, PositionsInput{Points: []TrackPoint{{91, 113, t0}}})
			return err
		}},
		{"location.lat", func() error {
			_, err := f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{Location: &Location{-100, 0}})
			return err
		}},
		{"lines[0].accepted", func() error {
			_, err := f.s.Receive(f.ctx, f.recv, m.ID, ReceiveInput{Lines: []ReceiveLine{{WasteID: w.ID, Received: 1000, ContainerCount: 2}}})
			return err
		}},
		{"lines", func() error {
			_, err := f.s.Receive(f.ctx, f.recv, m.ID, ReceiveInput{})
			return err
		}},
		{"reason", func() error {
			_, err := f.s.Cancel(f.ctx, f.gen, m.ID, CancelInput{Reason: "  "})
			return err
		}},
		{"method", func() error {
			_, err := f.s.Dispose(f.ctx, f.recv, w.ID, DisposeInput{Method: "X1", Quantity: 1})
			return err
		}},
		{"quantity_kg", func() error {
			_, err := f.s.Dispose(f.ctx, f.recv, w.ID, DisposeInput{Method: "D10"})
			return err
		}},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d-%s", i, c.field), func(t *testing.T) {
			err := f.refused(c.run)
			requireField(t, err, c.field)
		})
	}
}

// The wrong role is refused with ErrForbidden whatever the state.
func TestCommandWrongRoleForbidden(t *testing.T) {
	f := newFixture(t)
	w := f.waste(f.gen, "900-214-08", 100)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1}, w)
	for name, run := range map[string]func() error{
		"register by carrier": func() error {
			_, err := f.s.RegisterWaste(f.ctx, f.car1, WasteInput{Code: "900-041-49", Form: "solid", Quantity: 1, Container: Container{Type: "桶", Count: 1}, GeneratedAt: t0})
			return err
		},
		"manifest by receiver": func() error {
			_, err := f.s.CreateManifest(f.ctx, f.recv, ManifestInput{WasteIDs: []string{w.ID}})
			return err
		},
		"pickup by generator": func() error { _, err := f.s.Pickup(f.ctx, f.gen, m.ID, scan(m)); return err },
		"deliver by receiver": func() error { _, err := f.s.Deliver(f.ctx, f.recv, m.ID, DeliverInput{}); return err },
		"receive by carrier":  func() error { _, err := f.s.Receive(f.ctx, f.car1, m.ID, ReceiveInput{}); return err },
		"cancel by carrier":   func() error { _, err := f.s.Cancel(f.ctx, f.car1, m.ID, CancelInput{Reason: "x"}); return err },
		"dispose by generator": func() error {
			_, err := f.s.Dispose(f.ctx, f.gen, w.ID, DisposeInput{Method: "D10", Quantity: 1})
			return err
		},
		"ack by generator": func() error { _, err := f.s.AckAlert(f.ctx, f.gen, "x", AckInput{Note: "n"}); return err },
	} {
		t.Run(name, func(t *testing.T) {
			require.ErrorIs(t, f.refused(run), ErrForbidden)
		})
	}
}
