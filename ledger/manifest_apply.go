package ledger

import (
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
)

func applyClosed(s proj.Store, e *chain.Event, _ *ManifestClosedData) error {
	return updateManifest(s, e, func(m *Manifest) error {
		at := e.OccurredAt
		m.Status, m.ClosedAt = ManifestClosed, &at
		return nil
	})
}

// updateManifest loads the event's manifest, lets fn change it, stores it
// and records the event in the trace of each of its batches.
func updateManifest(s proj.Store, e *chain.Event, fn func(m *Manifest) error) error {
	m, err := loadManifest(s, e.Subject)
	if err != nil {
		return err
	}
	before := manifestIndexKeys(m)
	if err := fn(m); err != nil {
		return err
	}
	m.LastOccurredAt = e.OccurredAt
	for _, id := range m.WasteIDs {
		if err := traceAlso(s, id, e); err != nil {
			return err
		}
	}
	return putManifest(s, before, m)
}

// updateWastes applies fn to each batch of m.
func updateWastes(s proj.Store, m *Manifest, at time.Time, fn func(w *Waste) error) error {
	for _, id := range m.WasteIDs {
		err := updateWaste(s, id, func(w *Waste) error {
			err := fn(w)
			w.LastOccurredAt = at
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// applyManifestCreated stores a submitted manifest, held by its generator
// until the first carrier picks it up.
func applyManifestCreated(s proj.Store, e *chain.Event, d *ManifestCreatedData) error {
	kind := d.Kind
	if kind == "" {
		kind = ManifestTransfer
	}
	m := Manifest{ID: d.ID, Number: d.Number, Kind: kind, RejectedOn: d.RejectedOn, Generator: d.Generator, Carriers: d.Carriers, Receiver: d.Receiver,
		WasteIDs: d.WasteIDs, Labels: d.Labels, Total: d.Total, PlannedPickupAt: d.PlannedPickupAt,
		EmergencyMeasures: d.EmergencyMeasures,
		Status:            ManifestSubmitted, Holder: d.Generator, CarrierIndex: -1, Custody: []CustodyStep{},
		Seq: e.Index, CreatedAt: e.RecordedAt, LastOccurredAt: e.OccurredAt}
	if d.Paper != nil {
		m.Paper = (*Paper)(d.Paper)
		if err := s.Set(proj.PaperNoKey(d.Paper.Number), []byte(m.ID)); err != nil {
			return err
		}
	}
	if d.Approval != nil {
		m.Approval = (*ApprovalRef)(d.Approval)
	}
	for _, g := range d.DangerousGoods {
		m.DangerousGoods = append(m.DangerousGoods, DangerousGoods(g))
	}
	if err := putManifest(s, nil, &m); err != nil {
		return err
	}
	if err := s.Set(proj.ManifestNoKey(m.Number[:8]), []byte(strings.TrimLeft(m.Number[8:], "0"))); err != nil { // a JSON number: no leading zeros
		return err
	}
	for _, id := range m.WasteIDs {
		if err := s.Set(proj.OpenManifestKey(id), []byte(m.ID)); err != nil {
			return err
		}
		if err := traceAlso(s, id, e); err != nil {
			return err
		}
	}
	if err := addPending(s, &m, m.Total); err != nil {
		return err
	}
	if err := useApproval(s, &m, m.Total); err != nil {
		return err
	}
	others := append(append([]string{}, m.Carriers...), m.Receiver)
	return updateWastes(s, &m, e.OccurredAt, func(w *Waste) error {
		w.Status, w.ManifestID = WasteManifested, m.ID
		for _, o := range others {
			if o != w.Generator && !contains(w.Parties, o) {
				w.Parties = append(w.Parties, o)
			}
		}
		return nil
	})
}

func applyPickedUp(s proj.Store, e *chain.Event, d *ManifestPickedUpData) error {
	at := e.OccurredAt
	var m *Manifest
	var left []*Waste
	err := updateManifest(s, e, func(x *Manifest) error {
		m = x
		var err error
		if left, err = leaveBehind(s, e, x, d); err != nil {
			return err
		}
		x.Status, x.PickedUpAt, x.CarrierIndex = ManifestInTransit, &at, 0
		x.TransitDue = &d.TransitDue
		if err := proj.PutDeadline(s, d.TransitDue, AlertTransitOverdue, x.ID, x.Seq); err != nil {
			return err
		}
		return takeCustody(s, e, x, CustodyPickup, &d.CustodyData, d.TrackGapDue)
	})
	if err != nil {
		return err
	}
	var leftTotal Grams
	for _, w := range left {
		leftTotal += w.Quantity
		if err := returnToStorage(s, w.ID, at); err != nil {
			return err
		}
	}
	if err := addPending(s, m, -leftTotal); err != nil {
		return err
	}
	if leftTotal > 0 { // what stays behind no longer counts against the approval
		if err := useApproval(s, m, -leftTotal); err != nil {
			return err
		}
	}
	return updateWastes(s, m, at, func(w *Waste) error {
		w.Status = WasteInTransit
		if m.Kind != ManifestReturn { // a return brings it back into its generator's storage
			if err := proj.BumpMonth(s, at, w.Generator, w.Code, func(a *proj.MonthAgg) {
				a.Left += int64(w.Quantity)
				a.LeftBatches++
			}); err != nil {
				return err
			}
			if err := proj.BumpHanded(s, at, w.Generator, m.Receiver, w.Code, "", int64(w.Quantity), 1); err != nil {
				return err
			}
		}
		if w.RejectionDue != nil {
			// Rejected batches leave the receiver that refused them.
			if err := proj.DelDeadline(s, *w.RejectionDue, AlertRejectionUnresolved, w.ID, w.Seq); err != nil {
				return err
			}
		}
		w.RejectedBy, w.RejectedOn, w.RejectionDue = "", "", nil
		if m.Kind == ManifestReturn || m.Kind == ManifestRedirect {
			return nil // its storage clocks stopped at its first pickup
		}
		if len(w.Sources) > 0 {
			// A collector's batch leaves it: its clock is the collection's.
			return proj.DelDeadline(s, *w.CollectionDue, AlertCollectionOverdue, w.ID, w.Seq)
		}
		if at.After(w.StorageDeadline) {
			if err := proj.BumpAgg(s, w.GeneratedAt, w.Generator, func(a *proj.DayAgg) { a.LatePickups++ }); err != nil {
				return err
			}
		}
		return delStorageDeadlines(s, w)
	})
}

// leaveBehind takes the batches a partial pickup leaves behind (d's) off
// manifest x, records the event in their traces and returns them.
func leaveBehind(s proj.Store, e *chain.Event, x *Manifest, d *ManifestPickedUpData) ([]*Waste, error) {
	if len(d.LeftBehind) == 0 {
		return nil, nil
	}
	var left []*Waste
	ids, labels := x.WasteIDs[:0:0], x.Labels[:0:0]
	for i, id := range x.WasteIDs {
		if !contains(d.LeftBehind, id) {
			ids, labels = append(ids, id), append(labels, x.Labels[i])
			continue
		}
		w, err := loadWaste(s, id)
		if err != nil {
			return nil, err
		}
		left = append(left, w)
		x.Total -= w.Quantity
		if err := traceAlso(s, id, e); err != nil {
			return nil, err
		}
	}
	x.WasteIDs, x.Labels = ids, labels
	x.LeftBehind, x.LeftBehindReason = d.LeftBehind, d.LeftBehindReason
	return left, nil
}

// returnToStorage takes batch id off its manifest, as a cancellation does:
// back in its generator's storage with its storage clocks, or rejected
// again at the receiver that refused it.
func returnToStorage(s proj.Store, id string, at time.Time) error {
	return updateWaste(s, id, func(w *Waste) error {
		w.ManifestID, w.LastOccurredAt = "", at
		if err := s.Delete(proj.OpenManifestKey(w.ID)); err != nil {
			return err
		}
		if w.RejectedBy != "" {
			w.Status = WasteRejected
			return nil
		}
		w.Status = WasteStored
		return addStorageDeadlines(s, w)
	})
}

func applyHandedOver(s proj.Store, e *chain.Event, d *ManifestHandedOverData) error {
	return updateManifest(s, e, func(x *Manifest) error {
		x.CarrierIndex++
		if err := proj.DelDeadline(s, orZero(x.TrackGapDue), AlertTrackGap, x.ID, x.Seq); err != nil {
			return err
		}
		return takeCustody(s, e, x, CustodyHandover, &d.CustodyData, d.TrackGapDue)
	})
}

// takeCustody records a carrier taking custody of x (step kind pickup or
// handover) and starts the track-gap clock.
func takeCustody(s proj.Store, e *chain.Event, x *Manifest, kind string, d *CustodyData, trackGapDue time.Time) error {
	at := e.OccurredAt
	x.Holder = d.Party
	x.LastPositionAt = &at
	x.Custody = append(x.Custody, CustodyStep{Kind: kind, Party: d.Party, At: at, VehiclePlate: d.VehiclePlate,
		Driver: d.Driver, Escort: d.Escort, VehiclePermit: d.VehiclePermit, Location: (*Location)(d.Location), EventIndex: e.Index})
	x.TrackGapDue = &trackGapDue
	return proj.PutDeadline(s, trackGapDue, AlertTrackGap, x.ID, x.Seq)
}

// orZero returns *t, or the zero time for nil (an unset deadline, whose
// deadline-index key is never written).
func orZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func applyPositions(s proj.Store, e *chain.Event, d *ManifestPositionsData) error {
	m, err := loadManifest(s, e.Subject)
	if err != nil {
		return err
	}
	before := manifestIndexKeys(m)
	for _, pt := range d.Points {
		if err := setJSON(s, proj.TrackKey(m.ID, m.TrackPoints), TrackPoint(pt)); err != nil {
			return err
		}
		if err := s.Set(proj.TrackSlotKey(m.ID, pt.At), nil); err != nil {
			return err
		}
		m.TrackPoints++
		if m.LastPositionAt == nil || pt.At.After(*m.LastPositionAt) {
			at := pt.At
			m.LastPositionAt = &at
		}
	}
	if err := proj.DelDeadline(s, orZero(m.TrackGapDue), AlertTrackGap, m.ID, m.Seq); err != nil {
		return err
	}
	m.TrackGapDue = &d.TrackGapDue
	// While a track-gap alert is open, points that do not close the gap
	// start no new clock.
	if _, open, err := s.Get(proj.AlertCondKey(AlertTrackGap, m.ID)); err != nil {
		return err
	} else if !open {
		if err := proj.PutDeadline(s, d.TrackGapDue, AlertTrackGap, m.ID, m.Seq); err != nil {
			return err
		}
	}
	m.LastOccurredAt = e.OccurredAt
	return putManifest(s, before, m)
}

func applyDeliver(s proj.Store, e *chain.Event, d *ManifestDeliveredData) error {
	at := e.OccurredAt
	var m *Manifest
	err := updateManifest(s, e, func(x *Manifest) error {
		m = x
		if err := proj.DelDeadline(s, orZero(x.TrackGapDue), AlertTrackGap, x.ID, x.Seq); err != nil {
			return err
		}
		if err := proj.DelDeadline(s, orZero(x.TransitDue), AlertTransitOverdue, x.ID, x.Seq); err != nil {
			return err
		}
		x.TrackGapDue = nil
		x.Status, x.DeliveredAt, x.Holder = ManifestDelivered, &at, x.Receiver
		x.ReceiptDue = &d.ReceiptDue
		x.Custody = append(x.Custody, CustodyStep{Kind: CustodyDeliver, Party: e.Actor.Party, At: at, Location: (*Location)(d.Location), EventIndex: e.Index})
		return proj.PutDeadline(s, d.ReceiptDue, AlertReceiptOverdue, x.ID, x.Seq)
	})
	if err != nil {
		return err
	}
	return updateWastes(s, m, at, func(w *Waste) error { w.Status = WasteDelivered; return nil })
}

func applyReceive(s proj.Store, e *chain.Event, d *ManifestReceivedData) error {
	at := e.OccurredAt
	lines := make(map[string]ReceiptLine, len(d.Lines))
	all := make([]ReceiptLine, len(d.Lines))
	var accepted Grams
	for i, l := range d.Lines {
		all[i] = ReceiptLine(l)
		lines[l.WasteID] = all[i]
		if l.Accepted {
			accepted += l.Received
		}
	}
	var m *Manifest
	err := updateManifest(s, e, func(x *Manifest) error {
		m = x
		if x.ReceiptDue != nil {
			if err := proj.DelDeadline(s, *x.ReceiptDue, AlertReceiptOverdue, x.ID, x.Seq); err != nil {
				return err
			}
		}
		x.Status, x.ReceivedAt, x.Lines = ManifestReceived, &at, all
		for _, l := range d.Lines {
			x.Discrepancy = x.Discrepancy || l.Discrepancy
		}
		x.Custody = append(x.Custody, CustodyStep{Kind: CustodyReceive, Party: x.Receiver, At: at, EventIndex: e.Index})
		return nil
	})
	if err != nil {
		return err
	}
	if m.Kind != ManifestReturn {
		recv, err := loadParty(s, m.Receiver)
		if err != nil {
			return err
		}
		if recv.ReceivedYear != d.Year {
			recv.ReceivedYear, recv.ReceivedThisYear = d.Year, 0
		}
		recv.ReceivedThisYear += accepted
		recv.Pending -= m.Total
		if err := setJSON(s, proj.PartyKey(recv.ID), recv); err != nil {
			return err
		}
	}
	return updateWastes(s, m, at, func(w *Waste) error {
		l := lines[w.ID]
		w.Discrepancy = l.Discrepancy
		if l.Discrepancy {
			if err := proj.BumpAgg(s, w.GeneratedAt, w.Generator, func(a *proj.DayAgg) { a.Discrepancies++ }); err != nil {
				return err
			}
		}
		switch {
		case !l.Accepted:
			if err := proj.BumpMonth(s, at, w.Generator, w.Code, func(a *proj.MonthAgg) { a.Returned += int64(w.Quantity) }); err != nil {
				return err
			}
			if m.PickedUpAt != nil { // the receiver did not take it
				if err := proj.BumpHanded(s, *m.PickedUpAt, w.Generator, m.Receiver, w.Code, "", -int64(w.Quantity), -1); err != nil {
					return err
				}
			}
			w.Status, w.ManifestID = WasteRejected, ""
			w.RejectedBy, w.RejectedOn, w.RejectionDue = m.Receiver, m.ID, d.RejectionDue
			if d.RejectionDue != nil {
				if err := proj.PutDeadline(s, *d.RejectionDue, AlertRejectionUnresolved, w.ID, w.Seq); err != nil {
					return err
				}
			}
			return s.Delete(proj.OpenManifestKey(w.ID))
		case d.CollectionDue != nil:
			// At a collector, on the collection clock until passed on.
			due := *d.CollectionDue
			if w.Medical && d.MedicalDisposalDue != nil {
				due = *d.MedicalDisposalDue
			}
			w.Status, w.Received, w.ReceivedAt, w.Receiver, w.CollectionDue = WasteReceived, l.Received, &at, m.Receiver, &due
			return proj.PutDeadline(s, due, AlertCollectionOverdue, w.ID, w.Seq)
		case m.Kind == ManifestReturn:
			// Back in its generator's storage, on its storage clocks.
			w.Status, w.ManifestID = WasteStored, ""
			if err := s.Delete(proj.OpenManifestKey(w.ID)); err != nil {
				return err
			}
			return addStorageDeadlines(s, w)
		}
		due := d.DisposalDue
		if w.Medical && d.MedicalDisposalDue != nil {
			due = *d.MedicalDisposalDue
		}
		w.Status, w.Received, w.ReceivedAt, w.Receiver, w.DisposalDeadline = WasteReceived, l.Received, &at, m.Receiver, &due
		return proj.PutDeadline(s, due, AlertDisposalOverdue, w.ID, w.Seq)
	})
}

func applyCancel(s proj.Store, e *chain.Event, d *ManifestCancelledData) error {
	var m *Manifest
	err := updateManifest(s, e, func(x *Manifest) error {
		m = x
		at := e.OccurredAt
		x.Status, x.CancelReason, x.ClosedAt = ManifestCancelled, d.Reason, &at
		return nil
	})
	if err != nil {
		return err
	}
	if err := addPending(s, m, -m.Total); err != nil {
		return err
	}
	if err := useApproval(s, m, -m.Total); err != nil {
		return err
	}
	for _, id := range m.WasteIDs {
		if err := returnToStorage(s, id, e.OccurredAt); err != nil {
			return err
		}
	}
	return nil
}

// addPending changes what open manifest m carries to its receiver by g
// (nothing on a return: its receiver holds no licence).
func addPending(s proj.Store, m *Manifest, g Grams) error {
	if m.Kind == ManifestReturn {
		return nil
	}
	recv, err := loadParty(s, m.Receiver)
	if err != nil {
		return err
	}
	recv.Pending += g
	return setJSON(s, proj.PartyKey(recv.ID), recv)
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// handedMethod moves a disposed batch's quantity, in what its generator
// handed its receiver in the month of pickup, from "method not yet
// reported" to the method the receiver used.
func handedMethod(s proj.Store, w *Waste, method string) error {
	m, err := loadManifest(s, w.ManifestID)
	if err != nil {
		return err
	}
	if m.PickedUpAt == nil {
		return nil
	}
	if err := proj.BumpHanded(s, *m.PickedUpAt, w.Generator, m.Receiver, w.Code, "", -int64(w.Quantity), -1); err != nil {
		return err
	}
	return proj.BumpHanded(s, *m.PickedUpAt, w.Generator, m.Receiver, w.Code, method, int64(w.Quantity), 1)
}
