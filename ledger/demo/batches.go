package demo

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/workday"
)

// workers is how many goroutines submit commands at once, so that the
// ledger's writer can group many commands into one durable commit.
const workers = 64

// registerBatches registers every planned batch. Label serials count per
// generator, code and day, so each generator-day is registered in order by
// one goroutine, and different generator-days run in parallel.
func registerBatches(ctx context.Context, s *ledger.Service, trips []*tripPlan) error {
	type groupKey struct {
		gen  *party
		date string
	}
	groups := map[groupKey][]*batchPlan{}
	var order []groupKey
	for _, tp := range trips {
		for _, b := range tp.Batches {
			k := groupKey{b.Gen, b.In.GeneratedAt.In(workday.Shanghai).Format(time.DateOnly)}
			if _, ok := groups[k]; !ok {
				order = append(order, k)
			}
			groups[k] = append(groups[k], b)
		}
	}
	return parallel(ctx, order, func(ctx context.Context, k groupKey) error {
		bs := groups[k]
		slices.SortStableFunc(bs, func(a, b *batchPlan) int { return a.In.OccurredAt.Compare(*b.In.OccurredAt) })
		for _, b := range bs {
			w, err := s.RegisterWaste(ctx, b.Gen.P, b.In)
			if err != nil {
				return fmt.Errorf("demo: register %s batch of %s generated %s: %w",
					b.In.Code, b.Gen.In.Name, b.In.GeneratedAt.Format(time.RFC3339), err)
			}
			b.ID, b.Label = w.ID, w.Label
		}
		return nil
	})
}

// runTrips files and moves every planned manifest, trips in parallel.
func runTrips(ctx context.Context, s *ledger.Service, trips []*tripPlan) error {
	var active []*tripPlan
	for _, tp := range trips {
		if !tp.Created.IsZero() {
			active = append(active, tp)
		}
	}
	return parallel(ctx, active, func(ctx context.Context, tp *tripPlan) error {
		if err := runTrip(ctx, s, tp); err != nil {
			return fmt.Errorf("demo: collection from %s to %s planned %s: %w",
				tp.Gen.In.Name, tp.To.In.Name, tp.Planned.Format(time.RFC3339), err)
		}
		return nil
	})
}

// runTrip records one collection's steps in order, up to where the plan
// stops.
func runTrip(ctx context.Context, s *ledger.Service, tp *tripPlan) error {
	ids := make([]string, len(tp.Batches))
	labels := make([]string, len(tp.Batches))
	for i, b := range tp.Batches {
		ids[i], labels[i] = b.ID, b.Label
	}
	carriers := make([]string, len(tp.Carriers))
	for i, c := range tp.Carriers {
		carriers[i] = c.ID
	}
	file := func(at time.Time) (*ledger.Manifest, error) {
		m, err := s.CreateManifest(ctx, tp.Gen.P, ledger.ManifestInput{WasteIDs: ids, Carriers: carriers,
			Receiver: tp.To.ID, PlannedPickupAt: tp.Planned, Paper: tp.Paper, Approval: tp.Approval, OccurredAt: &at})
		if err != nil {
			return nil, fmt.Errorf("file manifest: %w", err)
		}
		return m, nil
	}
	m, err := file(tp.Created)
	if err != nil {
		return err
	}
	if !tp.CancelAt.IsZero() {
		if _, err := s.Cancel(ctx, tp.Gen.P, m.ID, ledger.CancelInput{Reason: tp.CancelReason, OccurredAt: &tp.CancelAt}); err != nil {
			return fmt.Errorf("cancel %s: %w", m.Number, err)
		}
		if tp.Refiled.IsZero() {
			return nil
		}
		if m, err = file(tp.Refiled); err != nil {
			return err
		}
	}
	tp.ManifestID = m.ID
	if tp.Pickup.IsZero() {
		return nil
	}
	l0 := tp.Legs[0]
	if _, err := s.Pickup(ctx, l0.Carrier.P, m.ID, ledger.CustodyInput{Labels: labels, VehiclePlate: l0.Vehicle.Plate,
		Driver: l0.Vehicle.Driver, Location: tp.Gen.In.Location, OccurredAt: &tp.Pickup}); err != nil {
		return fmt.Errorf("pickup %s: %w", m.Number, err)
	}
	if err := positions(ctx, s, m, l0); err != nil {
		return err
	}
	holder := l0.Carrier
	if !tp.Handover.IsZero() && len(tp.Legs) > 1 {
		l1 := tp.Legs[1]
		loc := transferStation
		if _, err := s.Handover(ctx, l1.Carrier.P, m.ID, ledger.CustodyInput{Labels: labels, VehiclePlate: l1.Vehicle.Plate,
			Driver: l1.Vehicle.Driver, Location: &loc, OccurredAt: &tp.Handover}); err != nil {
			return fmt.Errorf("handover %s: %w", m.Number, err)
		}
		if err := positions(ctx, s, m, l1); err != nil {
			return err
		}
		holder = l1.Carrier
	}
	if tp.Deliver.IsZero() {
		return nil
	}
	if _, err := s.Deliver(ctx, holder.P, m.ID, ledger.DeliverInput{Location: tp.To.In.Location, OccurredAt: &tp.Deliver}); err != nil {
		return fmt.Errorf("deliver %s: %w", m.Number, err)
	}
	if tp.Receive.IsZero() {
		return nil
	}
	lines := make([]ledger.ReceiveLine, len(tp.Batches))
	for i, b := range tp.Batches {
		accept := b.Accept
		lines[i] = ledger.ReceiveLine{WasteID: b.ID, Received: b.Received, ContainerCount: b.Count, Accepted: &accept, Note: b.Note}
	}
	if _, err := s.Receive(ctx, tp.To.P, m.ID, ledger.ReceiveInput{Lines: lines, OccurredAt: &tp.Receive}); err != nil {
		return fmt.Errorf("receive %s: %w", m.Number, err)
	}
	if err := returnRejected(ctx, s, tp); err != nil {
		return err
	}
	for _, b := range tp.Batches {
		if b.DisposeAt.IsZero() {
			continue
		}
		if _, err := s.Dispose(ctx, tp.To.P, b.ID, ledger.DisposeInput{Method: b.Method, Quantity: b.Received, OccurredAt: &b.DisposeAt}); err != nil {
			return fmt.Errorf("dispose %s (%s) by %s: %w", b.Label, b.In.Code, b.Method, err)
		}
	}
	return nil
}

// returnRejected files the return of the trip's rejected batches marked
// Returned: the receiver files it the next day, the first carrier takes
// them back the same day and the generator takes them back into storage.
func returnRejected(ctx context.Context, s *ledger.Service, tp *tripPlan) error {
	var ids, labels []string
	for _, b := range tp.Batches {
		if b.Returned && !b.Accept {
			ids, labels = append(ids, b.ID), append(labels, b.Label)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	l0 := tp.Legs[0]
	filed := tp.Receive.Add(20 * time.Hour).Truncate(time.Second)
	pickup, deliver := filed.Add(2*time.Hour), filed.Add(3*time.Hour)
	received := deliver.Add(20 * time.Minute)
	m, err := s.CreateManifest(ctx, tp.To.P, ledger.ManifestInput{Kind: ledger.ManifestReturn, WasteIDs: ids,
		Carriers: []string{l0.Carrier.ID}, Receiver: tp.Gen.ID, PlannedPickupAt: pickup, OccurredAt: &filed})
	if err != nil {
		return fmt.Errorf("file the return: %w", err)
	}
	if _, err := s.Pickup(ctx, l0.Carrier.P, m.ID, ledger.CustodyInput{Labels: labels, VehiclePlate: l0.Vehicle.Plate,
		Driver: l0.Vehicle.Driver, Location: tp.To.In.Location, OccurredAt: &pickup}); err != nil {
		return fmt.Errorf("pickup return %s: %w", m.Number, err)
	}
	if _, err := s.Deliver(ctx, l0.Carrier.P, m.ID, ledger.DeliverInput{Location: tp.Gen.In.Location, OccurredAt: &deliver}); err != nil {
		return fmt.Errorf("deliver return %s: %w", m.Number, err)
	}
	var lines []ledger.ReceiveLine
	for _, b := range tp.Batches {
		if contains(ids, b.ID) {
			yes := true
			lines = append(lines, ledger.ReceiveLine{WasteID: b.ID, Received: b.In.Quantity, ContainerCount: b.In.Container.Count,
				Accepted: &yes, Note: "已退回，待重新包装后另行转移"})
		}
	}
	if _, err := s.Receive(ctx, tp.Gen.P, m.ID, ledger.ReceiveInput{Lines: lines, OccurredAt: &received}); err != nil {
		return fmt.Errorf("take back return %s: %w", m.Number, err)
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// positions reports a leg's GPS fixes, if any, as its carrier.
func positions(ctx context.Context, s *ledger.Service, m *ledger.Manifest, l leg) error {
	if len(l.Points) == 0 {
		return nil
	}
	at := l.Points[len(l.Points)-1].At
	if _, err := s.Positions(ctx, l.Carrier.P, m.ID, ledger.PositionsInput{Points: l.Points, OccurredAt: &at}); err != nil {
		return fmt.Errorf("positions %s: %w", m.Number, err)
	}
	return nil
}

// parallel calls fn for every item on [workers] goroutines and returns the
// first error; after an error the remaining items are skipped.
func parallel[T any](ctx context.Context, items []T, fn func(context.Context, T) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ch := make(chan T)
	var wg sync.WaitGroup
	for range min(workers, len(items)) {
		wg.Go(func() {
			for it := range ch {
				if ctx.Err() != nil {
					continue
				}
				if err := fn(ctx, it); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for _, it := range items {
		select {
		case ch <- it:
		case <-ctx.Done():
			break feed
		}
	}
	close(ch)
	wg.Wait()
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return nil
}
