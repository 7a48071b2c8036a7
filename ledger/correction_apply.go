package ledger

import (
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// correctionIndexKeys returns the entries correction k has in the lists
// of corrections.
func correctionIndexKeys(k *Correction) []proj.Entry {
	if k == nil {
		return nil
	}
	ks := []proj.Entry{proj.CorrectionsInStatus(k.Status).Entry(k.Seq)}
	for _, p := range k.Parties {
		ks = append(ks, proj.CorrectionsOfParty(p).Entry(k.Seq))
	}
	return ks
}

func loadCorrection(s proj.Store, id string) (*Correction, error) {
	var k Correction
	ok, err := getJSON(s, proj.CorrectionKey(id), &k)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("correction", id)
	}
	return &k, nil
}

func putCorrection(s proj.Store, before []proj.Entry, k *Correction) error {
	if err := setJSON(s, proj.CorrectionKey(k.ID), k); err != nil {
		return err
	}
	return proj.UpdateIndex(s, k.ID, before, correctionIndexKeys(k))
}

// traceCorrection records event e in the traces of the manifest and of
// the batches correction changes lists.
func traceCorrection(s proj.Store, manifest string, changes []LineChange, e *chain.Event) error {
	if err := traceAlso(s, manifest, e); err != nil {
		return err
	}
	for _, l := range changes {
		if err := traceAlso(s, l.WasteID, e); err != nil {
			return err
		}
	}
	return nil
}

func applyCorrectionRequested(s proj.Store, e *chain.Event, d *CorrectionRequestedData) error {
	k := Correction{ID: d.ID, Manifest: d.Manifest, ManifestNumber: d.Number, Status: CorrectionPending,
		RequestedBy: e.Actor.Party, Reason: d.Reason, Changes: correctionChanges(d.Changes), Parties: d.Parties,
		Awaiting: d.Awaiting, Approvals: []CorrectionVote{}, RequestedAt: e.OccurredAt, EventIndex: e.Index, Seq: e.Index}
	if k.Awaiting == nil {
		k.Awaiting = []string{}
	}
	if err := putCorrection(s, nil, &k); err != nil {
		return err
	}
	m, err := loadManifest(s, d.Manifest)
	if err != nil {
		return err
	}
	before := manifestIndexKeys(m)
	m.Corrections = append(m.Corrections, k.ID)
	m.PendingCorrection = k.ID
	if err := putManifest(s, before, m); err != nil {
		return err
	}
	return traceCorrection(s, k.Manifest, k.Changes.Lines, e)
}

// correctionChanges is the read model of changes d.
func correctionChanges(d CorrectionChangesData) CorrectionChanges {
	var out CorrectionChanges
	for _, l := range d.Lines {
		c := LineChange{WasteID: l.WasteID, Quantity: l.Quantity, Received: l.Received, Code: l.Code}
		if l.Container != nil {
			ct := Container(*l.Container)
			c.Container = &ct
		}
		out.Lines = append(out.Lines, c)
	}
	for _, st := range d.Steps {
		out.Steps = append(out.Steps, StepChange(st))
	}
	return out
}

// updateCorrection loads the correction event e is about, lets fn change
// it, stores it and traces e.
func updateCorrection(s proj.Store, e *chain.Event, fn func(k *Correction)) error {
	k, err := loadCorrection(s, e.Subject)
	if err != nil {
		return err
	}
	before := correctionIndexKeys(k)
	fn(k)
	if err := putCorrection(s, before, k); err != nil {
		return err
	}
	return traceCorrection(s, k.Manifest, k.Changes.Lines, e)
}

func applyCorrectionApproved(s proj.Store, e *chain.Event, _ *CorrectionApprovedData) error {
	return updateCorrection(s, e, func(k *Correction) {
		k.Approvals = append(k.Approvals, CorrectionVote{Party: e.Actor.Party, At: e.OccurredAt})
		awaiting := []string{}
		for _, x := range k.Awaiting {
			if x != e.Actor.Party {
				awaiting = append(awaiting, x)
			}
		}
		k.Awaiting = awaiting
	})
}

func applyCorrectionRefused(s proj.Store, e *chain.Event, d *CorrectionRefusedData) error {
	err := updateCorrection(s, e, func(k *Correction) {
		at := e.OccurredAt
		k.Status, k.RefusedBy, k.RefusalReason, k.DecidedAt = CorrectionRefused, e.Actor.Party, d.Reason, &at
	})
	if err != nil {
		return err
	}
	return clearPending(s, d.Manifest)
}

// clearPending records that manifest id has no pending correction.
func clearPending(s proj.Store, id string) error {
	m, err := loadManifest(s, id)
	if err != nil {
		return err
	}
	before := manifestIndexKeys(m)
	m.PendingCorrection = ""
	return putManifest(s, before, m)
}

// applyManifestCorrected applies an approved correction to the manifest,
// its batches, the receiver's totals and the day aggregates.
func applyManifestCorrected(s proj.Store, e *chain.Event, d *ManifestCorrectedData) error {
	var m *Manifest
	err := updateManifest(s, e, func(x *Manifest) error {
		m = x
		x.PendingCorrection = ""
		for _, l := range d.Lines {
			x.Total += l.After.Quantity - l.Before.Quantity
			if r := receiptLine(x, l.WasteID); r != nil {
				r.Declared = l.After.Quantity
				if r.Accepted {
					r.Received = l.After.Received
				}
			}
		}
		for _, st := range d.Steps {
			at := st.After
			x.Custody[st.Index].At = at
			switch st.Kind {
			case CustodyPickup:
				x.PickedUpAt = &at
			case CustodyDeliver:
				x.DeliveredAt = &at
			case CustodyReceive:
				x.ReceivedAt = &at
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var pending, received Grams
	for _, l := range d.Lines {
		dq := l.After.Quantity - l.Before.Quantity
		pending += dq
		received += l.After.Received - l.Before.Received
		err := updateWaste(s, l.WasteID, func(w *Waste) error {
			w.Quantity, w.Code, w.Category, w.Container = l.After.Quantity, l.After.Code, l.After.Category, Container(l.After.Container)
			if w.Status == WasteReceived || w.Status == WasteDisposed {
				w.Received = l.After.Received
			}
			w.Corrections++
			if dq == 0 || len(w.Sources) > 0 { // a consolidated batch is no new waste
				return nil
			}
			return proj.BumpAgg(s, w.GeneratedAt, w.Generator, func(a *proj.DayAgg) {
				a.Generated += int64(dq)
				if w.Medical {
					a.Medical += int64(dq)
				}
				if w.Status == WasteDisposed {
					a.Disposed += int64(dq)
					if w.Medical {
						a.MedicalDisposed += int64(dq)
					}
				}
			})
		})
		if err != nil {
			return err
		}
	}
	for _, st := range d.Steps {
		if st.Kind != CustodyReceive {
			continue
		}
		at := st.After
		for _, id := range m.WasteIDs {
			err := updateWaste(s, id, func(w *Waste) error {
				if w.ReceivedAt != nil && w.ManifestID == m.ID {
					w.ReceivedAt = &at
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	if m.Kind != ManifestReturn && (pending != 0 || received != 0) {
		recv, err := loadParty(s, m.Receiver)
		if err != nil {
			return err
		}
		if m.ReceivedAt == nil {
			recv.Pending += pending
		} else if recv.ReceivedYear == d.ReceiptYear {
			recv.ReceivedThisYear += received
		}
		if err := setJSON(s, proj.PartyKey(recv.ID), recv); err != nil {
			return err
		}
	}
	return updateCorrection(s, &chain.Event{Index: e.Index, Subject: d.Correction, OccurredAt: e.OccurredAt, Actor: e.Actor},
		func(k *Correction) {
			at := e.OccurredAt
			k.Status, k.DecidedAt, k.AppliedIndex = CorrectionApplied, &at, e.Index
			k.Applied = correctionApplied(d)
		})
}

// correctionApplied is the read model of what d changed.
func correctionApplied(d *ManifestCorrectedData) *CorrectionChange {
	a := &CorrectionChange{}
	for _, l := range d.Lines {
		a.Lines = append(a.Lines, LineCorrected{WasteID: l.WasteID, Before: lineValues(l.Before), After: lineValues(l.After)})
	}
	for _, st := range d.Steps {
		a.Steps = append(a.Steps, StepCorrected(st))
	}
	return a
}

func lineValues(d LineValuesData) LineValues {
	return LineValues{Quantity: d.Quantity, Received: d.Received, Code: d.Code, Category: d.Category, Container: Container(d.Container)}
}
