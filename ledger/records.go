package ledger

import (
	"encoding/json"
	"fmt"

	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// The domain's records in the projections: how each is loaded and stored,
// and the index entries it has (proj lists). Every list query reads the
// most selective list it has in seq order, newest first, and filters the
// few records it loads; nothing scans all records.

// wasteIndexKeys returns the entries batch w has in the lists of batches.
func wasteIndexKeys(w *Waste) []proj.Entry {
	if w == nil {
		return nil
	}
	ks := []proj.Entry{
		proj.WastesInStatus(w.Status).Entry(w.Seq),
		proj.WastesOfParty(w.Generator).Entry(w.Seq),
		proj.WastesInStreet(w.Street).Entry(w.Seq),
		proj.WastesOfCode(w.Category, w.Code).Entry(w.Seq),
		proj.GeneratedAtEntry(w.GeneratedAt, w.Seq),
	}
	if w.OverdueSince != nil {
		ks = append(ks, proj.WastesOverdue.Entry(w.Seq))
	}
	for _, p := range w.Parties {
		ks = append(ks, proj.WastesOfParty(p).Entry(w.Seq))
	}
	return ks
}

// manifestIndexKeys returns the entries manifest m has in the lists of
// manifests.
func manifestIndexKeys(m *Manifest) []proj.Entry {
	if m == nil {
		return nil
	}
	ks := []proj.Entry{proj.ManifestsInStatus(m.Status).Entry(m.Seq), proj.AllManifests.Entry(m.Seq),
		proj.ManifestsOfParty(m.Generator).Entry(m.Seq), proj.ManifestsOfParty(m.Receiver).Entry(m.Seq)}
	for _, c := range m.Carriers {
		ks = append(ks, proj.ManifestsOfParty(c).Entry(m.Seq))
	}
	return ks
}

// alertIndexKeys returns the entries alert a has in the lists of alerts.
func alertIndexKeys(a *Alert) []proj.Entry {
	if a == nil {
		return nil
	}
	ks := []proj.Entry{proj.AlertsInStatus(a.Status).Entry(a.Seq), proj.AllAlerts.Entry(a.Seq),
		proj.AlertsOfKind(a.Kind).Entry(a.Seq), proj.AlertsInStreet(a.Street).Entry(a.Seq)}
	for _, p := range a.Parties {
		ks = append(ks, proj.AlertsOfParty(p).Entry(a.Seq))
	}
	return ks
}

// updateWaste loads batch id, lets fn change it, and stores its record;
// its index entries and the counts follow. A batch that leaves the clock
// it was overdue on (picked up, rejected, disposed) is no longer overdue;
// one returned to storage by a cancelled manifest still is.
func updateWaste(s proj.Store, id string, fn func(w *Waste) error) error {
	w, err := loadWaste(s, id)
	if err != nil {
		return err
	}
	before, status, overdue := wasteIndexKeys(w), w.Status, w.OverdueSince != nil
	if err := fn(w); err != nil {
		return err
	}
	switch w.Status {
	case WasteStored, WasteManifested, WasteReceived:
	default:
		w.OverdueSince = nil
	}
	if err := setJSON(s, proj.WasteKey(w.ID), w); err != nil {
		return err
	}
	if status != w.Status {
		if err := proj.BumpCount(s, status, -1); err != nil {
			return err
		}
		if err := proj.BumpCount(s, w.Status, 1); err != nil {
			return err
		}
	}
	if is := w.OverdueSince != nil; overdue != is {
		d := 1
		if overdue {
			d = -1
		}
		if err := proj.BumpCount(s, proj.CountOverdue, d); err != nil {
			return err
		}
	}
	return proj.UpdateIndex(s, "", before, wasteIndexKeys(w)) // found by seq
}

// putManifest stores manifest after (without its track, kept under
// proj.TrackKey) and moves its index entries from before.
func putManifest(s proj.Store, before []proj.Entry, after *Manifest) error {
	track := after.Track
	after.Track = nil
	err := setJSON(s, proj.ManifestKey(after.ID), after)
	after.Track = track
	if err != nil {
		return err
	}
	return proj.UpdateIndex(s, after.ID, before, manifestIndexKeys(after))
}

// putAlert stores alert after and moves its index entries from before.
func putAlert(s proj.Store, before []proj.Entry, after *Alert) error {
	if err := setJSON(s, proj.AlertKey(after.ID), after); err != nil {
		return err
	}
	return proj.UpdateIndex(s, after.ID, before, alertIndexKeys(after))
}

// loadWasteAt reads the batch registered by event seq.
func loadWasteAt(s proj.Store, seq uint64) (*Waste, error) {
	d, err := batchData(s, seq)
	if err != nil {
		return nil, fmt.Errorf("batch at %d: %w", seq, err)
	}
	w := d.waste()
	b, ok, err := s.Get(proj.WasteKey(w.ID))
	if err != nil || !ok {
		return &w, err // unchanged since registration
	}
	var now Waste
	if err := json.Unmarshal(b, &now); err != nil {
		return nil, fmt.Errorf("batch %s: %w", w.ID, err)
	}
	return &now, nil
}

// loadWaste reads batch id: its record, or while it is unchanged since
// registration, its registration event, found through the seq its id
// carries.
func loadWaste(s proj.Store, id string) (*Waste, error) {
	b, ok, err := s.Get(proj.WasteKey(id))
	if err != nil {
		return nil, err
	}
	var w Waste
	if ok {
		if err := json.Unmarshal(b, &w); err != nil {
			return nil, fmt.Errorf("batch %s: %w", id, err)
		}
		return &w, nil
	}
	seq, carried := proj.BatchSeq(id)
	if !carried {
		return nil, notFound("waste", id)
	}
	d, err := batchData(s, seq)
	if err != nil || d.ID != id || d.Seq != seq {
		return nil, notFound("waste", id)
	}
	w = d.waste()
	return &w, nil
}

func loadManifest(s proj.Store, id string) (*Manifest, error) {
	var m Manifest
	ok, err := getJSON(s, proj.ManifestKey(id), &m)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("manifest", id)
	}
	return &m, nil
}

func loadParty(s proj.Store, id string) (*Party, error) {
	var p Party
	ok, err := getJSON(s, proj.PartyKey(id), &p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("party", id)
	}
	return &p, nil
}

func loadAlert(s proj.Store, id string) (*Alert, error) {
	var a Alert
	ok, err := getJSON(s, proj.AlertKey(id), &a)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("alert", id)
	}
	return &a, nil
}

// idsUnder lists the ids that follow prefix in the keys under it, in key
// order (a party's people or tokens).
func idsUnder(r *proj.Snapshot, prefix []byte) ([]string, error) {
	var ids []string
	err := r.Scan(prefix, func(k, _ []byte) error {
		ids = append(ids, string(k[len(prefix):]))
		return nil
	})
	return ids, err
}
