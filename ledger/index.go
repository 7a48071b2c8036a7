package ledger

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Secondary indexes: lists x/<name>/<value>/ of (seq, id) entries, packed
// into posting blocks (postings.go). Every list query reads the most
// selective index it has in seq order, newest first, and
// filters the few records it loads; nothing scans all records. Some lists
// merge several indexes whose suffixes are seqs, so a registration writes
// fewer entries: every batch is the merge of the status indexes (each
// batch is in exactly one), a category the merge of its codes' indexes
// (x/wc/<category>/<code>/). x/wo/ holds the batches past their limit.
// Batches are listed by generated-at from x/wg/, whose entries sort by the
// generated-at second, then the seq.

func wasteIndexKeys(w *Waste) []string {
	if w == nil {
		return nil
	}
	seq := be64(w.Seq)
	ks := []string{
		"ws/" + w.Status + "/" + seq,
		"wp/" + w.Generator + "/" + seq,
		"wt/" + w.Street + "/" + seq,
		"wc/" + w.Category + "/" + w.Code + "/" + seq, // a category's batches: merge its codes
		"wg/" + be64(uint64(w.GeneratedAt.Unix())) + seq,
	}
	if w.OverdueSince != nil {
		ks = append(ks, "wo/"+seq)
	}
	for _, p := range w.Parties {
		ks = append(ks, "wp/"+p+"/"+seq)
	}
	return ks
}

// statusOf returns the status a batch's index keys record ("" for none).
func statusOf(keys []string) string {
	for _, k := range keys {
		if rest, ok := strings.CutPrefix(k, "ws/"); ok {
			st, _, _ := strings.Cut(rest, "/")
			return st
		}
	}
	return ""
}

// countKey holds how many batches are in a status, or overdue (district
// totals kept by the apply functions, so the dashboard counts without
// reading them).
func countKey(status string) []byte { return key(pCount, status) }

// bumpCount changes the count of batches in status by d. A count is a
// be64 (it changes with nearly every event; JSON cost a parse and a
// format each time).
func bumpCount(s kv, status string, d int) error {
	n, err := loadCount(s, status)
	if err != nil {
		return err
	}
	return s.Set(countKey(status), []byte(be64(uint64(n+d))))
}

// loadCount reads the count of batches in status (0 when none).
func loadCount(s kv, status string) (int, error) {
	b, ok, err := s.Get(countKey(status))
	if err != nil || !ok {
		return 0, err
	}
	if len(b) != 8 {
		return 0, fmt.Errorf("corrupt count of %s", status)
	}
	return int(int64(fromBe64(string(b)))), nil
}

func manifestIndexKeys(m *Manifest) []string {
	if m == nil {
		return nil
	}
	seq := be64(m.Seq)
	ks := []string{"ms/" + m.Status + "/" + seq, "ma/" + seq, "mp/" + m.Generator + "/" + seq, "mp/" + m.Receiver + "/" + seq}
	for _, c := range m.Carriers {
		ks = append(ks, "mp/"+c+"/"+seq)
	}
	return ks
}

func alertIndexKeys(a *Alert) []string {
	if a == nil {
		return nil
	}
	seq := be64(a.Seq)
	ks := []string{"as/" + a.Status + "/" + seq, "aa/" + seq, "ak/" + a.Kind + "/" + seq, "at/" + a.Street + "/" + seq}
	for _, p := range a.Parties {
		ks = append(ks, "ap/"+p+"/"+seq)
	}
	return ks
}

// updateIndex replaces the index entries of one record (postings.go); id
// is stored with them ("" for batches, found by seq).
func updateIndex(s kv, id string, before, after []string) error {
	keep := make(map[string]bool, len(after))
	for _, k := range after {
		keep[k] = true
	}
	for _, k := range before {
		if !keep[k] {
			list, suffix := splitIndexKey(k)
			if err := blockRemove(s, list, suffix); err != nil {
				return err
			}
		}
	}
	old := make(map[string]bool, len(before))
	for _, k := range before {
		old[k] = true
	}
	for _, k := range after {
		if !old[k] {
			list, suffix := splitIndexKey(k)
			if err := blockAdd(s, list, suffix, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// putWaste stores a changed batch, moves its index entries and keeps the
// status counts. before holds the index keys the record had. A batch that
// leaves the clock it was overdue on (picked up, rejected, disposed) is no
// longer overdue; one returned to storage by a cancelled manifest still is.
func putWaste(s kv, before []string, after *Waste) error {
	switch after.Status {
	case WasteStored, WasteManifested, WasteReceived:
	default:
		after.OverdueSince = nil
	}
	if err := setJSON(s, key(pWaste, after.ID), after); err != nil {
		return err
	}
	if was := statusOf(before); was != after.Status {
		if err := bumpCount(s, was, -1); err != nil {
			return err
		}
		if err := bumpCount(s, after.Status, 1); err != nil {
			return err
		}
	}
	if was, is := hasOverdueKey(before), after.OverdueSince != nil; was != is {
		d := 1
		if was {
			d = -1
		}
		if err := bumpCount(s, countOverdue, d); err != nil {
			return err
		}
	}
	return updateIndex(s, "", before, wasteIndexKeys(after)) // found by seq
}

// updateWaste loads batch id, lets fn change it and stores it with
// putWaste (index entries and counts follow).
func updateWaste(s kv, id string, fn func(w *Waste) error) error {
	w, err := loadWaste(s, id)
	if err != nil {
		return err
	}
	before := wasteIndexKeys(w)
	if err := fn(w); err != nil {
		return err
	}
	return putWaste(s, before, w)
}

// countOverdue is the count of batches in the overdue index (not a status).
const countOverdue = "overdue"

func hasOverdueKey(keys []string) bool {
	for _, k := range keys {
		if strings.HasPrefix(k, "wo/") {
			return true
		}
	}
	return false
}

func putManifest(s kv, before []string, after *Manifest) error {
	track := after.Track
	after.Track = nil // kept under mt/, loaded on read
	err := setJSON(s, key(pManifest, after.ID), after)
	after.Track = track
	if err != nil {
		return err
	}
	return updateIndex(s, after.ID, before, manifestIndexKeys(after))
}

func putAlert(s kv, before []string, after *Alert) error {
	if err := setJSON(s, key(pAlert, after.ID), after); err != nil {
		return err
	}
	return updateIndex(s, after.ID, before, alertIndexKeys(after))
}

// loadWasteAt reads the batch registered by event seq.
func loadWasteAt(s kv, seq uint64) (*Waste, error) {
	var d WasteRegisteredData
	if err := eventData(s, seq, &d); err != nil {
		return nil, fmt.Errorf("batch at %d: %w", seq, err)
	}
	w := d.waste()
	return currentWaste(s, &w)
}

// currentWaste returns the batch as it is now, given it as registered: its
// record if it has changed since.
func currentWaste(s kv, registered *Waste) (*Waste, error) {
	b, ok, err := s.Get(key(pWaste, registered.ID))
	if err != nil {
		return nil, err
	}
	if _, ref := isEventRef(b); !ok || ref {
		return registered, nil // unchanged since registration
	}
	var w Waste
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("batch %s: %w", registered.ID, err)
	}
	return &w, nil
}

// loadWaste reads batch id: its record, or while it is unchanged since
// registration, its registration event (found through the seq its id
// carries, or a reference).
func loadWaste(s kv, id string) (*Waste, error) {
	b, ok, err := s.Get(key(pWaste, id))
	if err != nil {
		return nil, err
	}
	var w Waste
	var d WasteRegisteredData
	switch seq, ref := isEventRef(b); {
	case ok && ref:
		err = eventData(s, seq, &d)
		w = d.waste()
	case ok:
		err = json.Unmarshal(b, &w)
	default:
		seq, carried := idSeq(id)
		if !carried || eventData(s, seq, &d) != nil || d.ID != id || d.Seq != seq {
			return nil, notFound("waste", id)
		}
		w = d.waste()
	}
	if err != nil {
		return nil, fmt.Errorf("batch %s: %w", id, err)
	}
	return &w, nil
}

func loadManifest(s kv, id string) (*Manifest, error) {
	var m Manifest
	ok, err := getJSON(s, key(pManifest, id), &m)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("manifest", id)
	}
	return &m, nil
}

func loadParty(s kv, id string) (*Party, error) {
	var p Party
	ok, err := getJSON(s, key(pParty, id), &p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("party", id)
	}
	return &p, nil
}

func loadAlert(s kv, id string) (*Alert, error) {
	var a Alert
	ok, err := getJSON(s, key(pAlert, id), &a)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("alert", id)
	}
	return &a, nil
}
