package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/hwledger/hwledger/ledger/workday"
)

// Event data of manifest steps. Deadlines in force are recorded in the
// events so that replay never depends on configuration.
type (
	custodyData struct {
		Party        string    `json:"party"`
		Labels       []string  `json:"labels"`
		VehiclePlate string    `json:"vehicle_plate"`
		Driver       string    `json:"driver"`
		Location     *Location `json:"location,omitempty"`
		TransitDue   time.Time `json:"transit_due,omitempty"`
		TrackGapDue  time.Time `json:"track_gap_due"`
	}
	positionsData struct {
		Points      []TrackPoint `json:"points"`
		TrackGapDue time.Time    `json:"track_gap_due"`
	}
	deliverData struct {
		Location   *Location `json:"location,omitempty"`
		ReceiptDue time.Time `json:"receipt_due"`
	}
	receiveData struct {
		Lines       []ReceiptLine `json:"lines"`
		DisposalDue time.Time     `json:"disposal_due"`
		Year        int           `json:"year"`
	}
	cancelData struct {
		Reason string `json:"reason"`
	}
)

func init() {
	onEvent(EvManifestCreated, applyManifestCreated)
	onEvent(EvManifestPickedUp, applyCustody)
	onEvent(EvManifestHandover, applyCustody)
	onEvent(EvManifestTrack, applyPositions)
	onEvent(EvManifestDeliver, applyDeliver)
	onEvent(EvManifestReceived, applyReceive)
	onEvent(EvManifestCancel, applyCancel)
	onEvent(EvManifestClosed, func(s kv, e *chain.Event) error {
		return updateManifest(s, e, func(m *Manifest) error {
			at := e.OccurredAt
			m.Status, m.ClosedAt = ManifestClosed, &at
			return nil
		})
	})
}

// updateManifest loads the event's manifest, lets fn change it, stores it
// and records the event in the trace of each of its batches.
func updateManifest(s kv, e *chain.Event, fn func(m *Manifest) error) error {
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
func updateWastes(s kv, m *Manifest, at time.Time, fn func(w *Waste) error) error {
	for _, id := range m.WasteIDs {
		w, err := loadWaste(s, id)
		if err != nil {
			return err
		}
		before := wasteIndexKeys(w)
		if err := fn(w); err != nil {
			return err
		}
		w.LastOccurredAt = at
		if err := putWaste(s, before, w); err != nil {
			return err
		}
	}
	return nil
}

func applyManifestCreated(s kv, e *chain.Event) error {
	var m Manifest
	if err := data(e, &m); err != nil {
		return err
	}
	m.Seq, m.CreatedAt, m.LastOccurredAt = e.Index, e.RecordedAt, e.OccurredAt
	if err := putManifest(s, nil, &m); err != nil {
		return err
	}
	if err := s.Set(key(pManifestNo, m.Number[:8]), []byte(strings.TrimLeft(m.Number[8:], "0"))); err != nil { // a JSON number: no leading zeros
		return err
	}
	for _, id := range m.WasteIDs {
		if err := s.Set(key(pOpenMan, id), []byte(m.ID)); err != nil {
			return err
		}
		if err := traceAlso(s, id, e); err != nil {
			return err
		}
	}
	if err := addPending(s, m.Receiver, m.Total); err != nil {
		return err
	}
	others := append(append([]string{}, m.Carriers...), m.Receiver)
	return updateWastes(s, &m, e.OccurredAt, func(w *Waste) error {
		w.Status, w.ManifestID = WasteManifested, m.ID
		for _, o := range others {
			if !contains(w.Parties, o) {
				w.Parties = append(w.Parties, o)
			}
		}
		return nil
	})
}

func applyCustody(s kv, e *chain.Event) error {
	var d custodyData
	if err := data(e, &d); err != nil {
		return err
	}
	at := e.OccurredAt
	var m *Manifest
	err := updateManifest(s, e, func(x *Manifest) error {
		m = x
		kind := "handover"
		if e.Type == EvManifestPickedUp {
			kind = "pickup"
			x.Status, x.PickedUpAt, x.CarrierIndex = ManifestInTransit, &at, 0
			x.TransitDue = &d.TransitDue
			if err := putDeadline(s, d.TransitDue, AlertTransitOverdue, x.ID); err != nil {
				return err
			}
		} else {
			x.CarrierIndex++
			if err := s.Delete(deadlineKey(orZero(x.TrackGapDue), AlertTrackGap, x.ID)); err != nil {
				return err
			}
		}
		x.Holder = d.Party
		x.LastPositionAt = &at
		x.Custody = append(x.Custody, CustodyStep{Kind: kind, Party: d.Party, At: at, VehiclePlate: d.VehiclePlate,
			Driver: d.Driver, Location: d.Location, EventIndex: e.Index})
		x.TrackGapDue = &d.TrackGapDue
		return putDeadline(s, d.TrackGapDue, AlertTrackGap, x.ID)
	})
	if err != nil || e.Type != EvManifestPickedUp {
		return err
	}
	return updateWastes(s, m, at, func(w *Waste) error {
		w.Status = WasteInTransit
		if at.After(w.StorageDeadline) {
			if err := bumpAgg(s, w.GeneratedAt, w.Generator, func(a *dayAgg) { a.LatePickups++ }); err != nil {
				return err
			}
		}
		return delStorageDeadlines(s, w)
	})
}

// orZero returns *t, or the zero time for nil (an unset deadline, whose
// deadline-index key is never written).
func orZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func applyPositions(s kv, e *chain.Event) error {
	var d positionsData
	if err := data(e, &d); err != nil {
		return err
	}
	m, err := loadManifest(s, e.Subject)
	if err != nil {
		return err
	}
	before := manifestIndexKeys(m)
	for _, pt := range d.Points {
		if err := setJSON(s, trackKey(m.ID, m.TrackPoints), pt); err != nil {
			return err
		}
		m.TrackPoints++
		if m.LastPositionAt == nil || pt.At.After(*m.LastPositionAt) {
			at := pt.At
			m.LastPositionAt = &at
		}
	}
	if err := s.Delete(deadlineKey(orZero(m.TrackGapDue), AlertTrackGap, m.ID)); err != nil {
		return err
	}
	m.TrackGapDue = &d.TrackGapDue
	// While a track-gap alert is open, points that do not close the gap
	// start no new clock.
	if _, open, err := s.Get(alertCondKey(AlertTrackGap, m.ID)); err != nil {
		return err
	} else if !open {
		if err := putDeadline(s, d.TrackGapDue, AlertTrackGap, m.ID); err != nil {
			return err
		}
	}
	m.LastOccurredAt = e.OccurredAt
	return putManifest(s, before, m)
}

func applyDeliver(s kv, e *chain.Event) error {
	var d deliverData
	if err := data(e, &d); err != nil {
		return err
	}
	at := e.OccurredAt
	var m *Manifest
	err := updateManifest(s, e, func(x *Manifest) error {
		m = x
		if err := s.Delete(deadlineKey(orZero(x.TrackGapDue), AlertTrackGap, x.ID)); err != nil {
			return err
		}
		if err := s.Delete(deadlineKey(orZero(x.TransitDue), AlertTransitOverdue, x.ID)); err != nil {
			return err
		}
		x.TrackGapDue = nil
		x.Status, x.DeliveredAt, x.Holder = ManifestDelivered, &at, x.Receiver
		x.ReceiptDue = &d.ReceiptDue
		x.Custody = append(x.Custody, CustodyStep{Kind: "deliver", Party: e.Actor.Party, At: at, Location: d.Location, EventIndex: e.Index})
		return putDeadline(s, d.ReceiptDue, AlertReceiptOverdue, x.ID)
	})
	if err != nil {
		return err
	}
	return updateWastes(s, m, at, func(w *Waste) error { w.Status = WasteDelivered; return nil })
}

func applyReceive(s kv, e *chain.Event) error {
	var d receiveData
	if err := data(e, &d); err != nil {
		return err
	}
	at := e.OccurredAt
	lines := map[string]ReceiptLine{}
	var accepted Grams
	for _, l := range d.Lines {
		lines[l.WasteID] = l
		if l.Accepted {
			accepted += l.Received
		}
	}
	var m *Manifest
	err := updateManifest(s, e, func(x *Manifest) error {
		m = x
		if x.ReceiptDue != nil {
			if err := s.Delete(deadlineKey(*x.ReceiptDue, AlertReceiptOverdue, x.ID)); err != nil {
				return err
			}
		}
		x.Status, x.ReceivedAt, x.Lines = ManifestReceived, &at, d.Lines
		for _, l := range d.Lines {
			x.Discrepancy = x.Discrepancy || l.Discrepancy
		}
		x.Custody = append(x.Custody, CustodyStep{Kind: "receive", Party: x.Receiver, At: at, EventIndex: e.Index})
		return nil
	})
	if err != nil {
		return err
	}
	recv, err := loadParty(s, m.Receiver)
	if err != nil {
		return err
	}
	if recv.ReceivedYear != d.Year {
		recv.ReceivedYear, recv.ReceivedThisYear = d.Year, 0
	}
	recv.ReceivedThisYear += accepted
	recv.Pending -= m.Total
	if err := setJSON(s, key(pParty, recv.ID), recv); err != nil {
		return err
	}
	return updateWastes(s, m, at, func(w *Waste) error {
		l := lines[w.ID]
		w.Discrepancy = l.Discrepancy
		if l.Discrepancy {
			if err := bumpAgg(s, w.GeneratedAt, w.Generator, func(a *dayAgg) { a.Discrepancies++ }); err != nil {
				return err
			}
		}
		if !l.Accepted {
			w.Status, w.ManifestID = WasteRejected, ""
			return s.Delete(key(pOpenMan, w.ID))
		}
		due := d.DisposalDue
		w.Status, w.Received, w.ReceivedAt, w.Receiver, w.DisposalDeadline = WasteReceived, l.Received, &at, m.Receiver, &due
		return putDeadline(s, due, AlertDisposalOverdue, w.ID)
	})
}

func applyCancel(s kv, e *chain.Event) error {
	var d cancelData
	if err := data(e, &d); err != nil {
		return err
	}
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
	if err := addPending(s, m.Receiver, -m.Total); err != nil {
		return err
	}
	return updateWastes(s, m, e.OccurredAt, func(w *Waste) error {
		w.Status, w.ManifestID = WasteStored, ""
		if err := s.Delete(key(pOpenMan, w.ID)); err != nil {
			return err
		}
		return addStorageDeadlines(s, w)
	})
}

// addPending changes what open manifests carry to receiver by g.
func addPending(s kv, receiver string, g Grams) error {
	recv, err := loadParty(s, receiver)
	if err != nil {
		return err
	}
	recv.Pending += g
	return setJSON(s, key(pParty, recv.ID), recv)
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// CreateManifest files a transfer manifest for the calling generator.
func (s *Service) CreateManifest(ctx context.Context, p Principal, in ManifestInput) (*Manifest, error) {
	if !p.Has(RoleGenerator) {
		return nil, fmt.Errorf("%w: only a generator files manifests", ErrForbidden)
	}
	f := fieldErrors{}
	if len(in.WasteIDs) == 0 {
		f.add("waste_ids", "name at least one batch")
	}
	if len(in.WasteIDs) > 500 {
		f.add("waste_ids", "at most 500 batches on one manifest")
	}
	seen := map[string]bool{}
	for _, id := range in.WasteIDs {
		if seen[id] {
			f.add("waste_ids", "batch %s is listed twice", id)
		}
		seen[id] = true
	}
	if len(in.Carriers) == 0 {
		f.add("carriers", "name at least one transporter")
	}
	if in.Receiver == "" {
		f.add("receiver", "is required")
	}
	if in.PlannedPickupAt.IsZero() {
		f.add("planned_pickup_at", "is required (RFC 3339 time)")
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Manifest, error) {
		occurred, err := c.occurred(in.OccurredAt, time.Time{})
		if err != nil {
			return nil, err
		}
		gen, err := loadParty(c.tx, p.Party)
		if err != nil {
			return nil, err
		}
		for i, id := range in.Carriers {
			cp, err := loadParty(c.tx, id)
			if err != nil {
				return nil, invalid(fmt.Sprintf("carriers[%d]", i), "no party %s", id)
			}
			if !cp.HasRole(RoleTransporter) || strings.TrimSpace(cp.TransportPermit) == "" {
				return nil, ruleErr("carrier %s holds no transport permit", cp.Name)
			}
		}
		recv, err := loadParty(c.tx, in.Receiver)
		if err != nil {
			return nil, invalid("receiver", "no party %s", in.Receiver)
		}
		if !recv.HasRole(RoleReceiver) || recv.License == nil {
			return nil, ruleErr("%s is not a licensed receiver", recv.Name)
		}
		m := &Manifest{ID: c.s.newID(), Generator: gen.ID, Carriers: in.Carriers, Receiver: recv.ID,
			PlannedPickupAt: in.PlannedPickupAt.UTC().Truncate(time.Microsecond), Status: ManifestSubmitted, Holder: gen.ID, CarrierIndex: -1}
		for _, id := range in.WasteIDs {
			w, err := loadWaste(c.tx, id)
			if err != nil || (w.Generator != p.Party && !canSeeWaste(c.p, w)) {
				return nil, ruleErr("batch %s is not yours", id)
			}
			if w.Generator != p.Party {
				return nil, ruleErr("batch %s is not yours", id)
			}
			if w.Status != WasteStored && w.Status != WasteRejected {
				return nil, ruleErr("batch %s is %s: only stored or rejected batches go on a manifest", w.Label, w.Status)
			}
			if open, ok, err := c.tx.Get(key(pOpenMan, id)); err != nil {
				return nil, err
			} else if ok {
				return nil, ruleErr("batch %s is already on open manifest %s", w.Label, open)
			}
			if prob := licenseProblem(recv.License, w.Code, m.PlannedPickupAt); prob != "" {
				return nil, ruleErr("%s: %s", recv.Name, prob)
			}
			m.WasteIDs = append(m.WasteIDs, w.ID)
			m.Labels = append(m.Labels, w.Label)
			m.Total += w.Quantity
			if w.LastOccurredAt.After(occurred) {
				return nil, invalid("occurred_at", "must not be earlier than batch %s's previous event", w.Label)
			}
		}
		year := c.now.In(workday.Shanghai).Year()
		received := recv.ReceivedThisYear
		if recv.ReceivedYear != year {
			received = 0
		}
		// What it has received this year, what open manifests already
		// bring it, and this manifest.
		capacity := KgToGrams(recv.License.CapacityTonnes * 1000)
		if float64(received+recv.Pending+m.Total) > s.rules.CapacityRefuse*float64(capacity) {
			return nil, ruleErr("%s would pass %.0f %% of its annual capacity of %g t (received %.3f t this year, %.3f t on open manifests)",
				recv.Name, s.rules.CapacityRefuse*100, recv.License.CapacityTonnes, received.Tonnes(), recv.Pending.Tonnes())
		}
		prefix := fmt.Sprintf("%04d%s%s", year, s.prov, s.city)
		var last int
		if _, err := getJSON(c.tx, key(pManifestNo, prefix), &last); err != nil {
			return nil, err
		}
		if m.Number, err = ident.MakeManifestNumber(year, s.prov, s.city, last+1); err != nil {
			return nil, ruleErr("manifest numbers for %d are exhausted", year)
		}
		if _, err := c.emit(EvManifestCreated, m.ID, occurred, m); err != nil {
			return nil, err
		}
		return c.manifest(m.ID)
	})
}

// manifest loads a manifest with its track.
func (c *cmd) manifest(id string) (*Manifest, error) { return readManifest(c.tx, id) }

func readManifest(s kv, id string) (*Manifest, error) {
	m, err := loadManifest(s, id)
	if err != nil {
		return nil, err
	}
	m.Track = []TrackPoint{}
	err = s.Scan(key(pTrack, id, "/"), func(_, v []byte) error {
		var pt TrackPoint
		if err := json.Unmarshal(v, &pt); err != nil {
			return err
		}
		m.Track = append(m.Track, pt)
		return nil
	})
	return m, err
}

// visibleManifest loads a manifest the caller may see, else ErrNotFound.
func (c *cmd) visibleManifest(id string) (*Manifest, error) {
	m, err := loadManifest(c.tx, id)
	if err != nil {
		return nil, err
	}
	if !c.p.SeesAll() && !m.OnManifest(c.p.Party) {
		return nil, notFound("manifest", id)
	}
	return m, nil
}

// labelMismatch compares scanned labels with the manifest's.
func labelMismatch(m *Manifest, scanned []string) *RuleError {
	want := map[string]bool{}
	for _, l := range m.Labels {
		want[l] = true
	}
	got := map[string]bool{}
	var unexpected []string
	for _, l := range scanned {
		l = strings.TrimSpace(l)
		if got[l] {
			continue
		}
		got[l] = true
		if !want[l] {
			unexpected = append(unexpected, l)
		}
	}
	var missing []string
	for _, l := range m.Labels {
		if !got[l] {
			missing = append(missing, l)
		}
	}
	if len(missing) == 0 && len(unexpected) == 0 {
		return nil
	}
	sort.Strings(missing)
	sort.Strings(unexpected)
	if missing == nil {
		missing = []string{}
	}
	if unexpected == nil {
		unexpected = []string{}
	}
	return &RuleError{
		Message: fmt.Sprintf("scanned labels do not match the manifest: %d missing, %d unexpected; nothing was loaded", len(missing), len(unexpected)),
		Details: map[string]any{"missing": missing, "unexpected": unexpected},
	}
}

func validateCustody(in *CustodyInput) error {
	f := fieldErrors{}
	if len(in.Labels) == 0 {
		f.add("labels", "scan every label on the manifest")
	}
	in.VehiclePlate = strings.TrimSpace(in.VehiclePlate)
	if in.VehiclePlate == "" {
		f.add("vehicle_plate", "is required (e.g. 豫A12345)")
	}
	in.Driver = strings.TrimSpace(in.Driver)
	if in.Driver == "" {
		f.add("driver", "is required")
	}
	if in.Location != nil {
		validLocation(f, "location", *in.Location)
	}
	return f.err()
}

// Pickup records loading by the first carrier. The scanned labels must
// equal the manifest's exactly, else nothing is recorded and the
// RuleError lists the missing and unexpected labels.
func (s *Service) Pickup(ctx context.Context, p Principal, id string, in CustodyInput) (*Manifest, error) {
	return s.custody(ctx, p, id, in, true)
}

// Handover records the next carrier taking over from the one holding it.
func (s *Service) Handover(ctx context.Context, p Principal, id string, in CustodyInput) (*Manifest, error) {
	return s.custody(ctx, p, id, in, false)
}

func (s *Service) custody(ctx context.Context, p Principal, id string, in CustodyInput, pickup bool) (*Manifest, error) {
	if !p.Has(RoleTransporter) {
		return nil, fmt.Errorf("%w: only a transporter takes custody", ErrForbidden)
	}
	if err := validateCustody(&in); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Manifest, error) {
		m, err := c.visibleManifest(id)
		if err != nil {
			return nil, err
		}
		typ, next := EvManifestHandover, m.CarrierIndex+1
		if pickup {
			typ, next = EvManifestPickedUp, 0
			if m.Status != ManifestSubmitted {
				return nil, transitionErr("pick up a manifest", m.Status)
			}
		} else if m.Status != ManifestInTransit {
			return nil, transitionErr("hand over a manifest", m.Status)
		}
		if next >= len(m.Carriers) {
			return nil, ruleErr("no further carrier is named on manifest %s", m.Number)
		}
		if m.Carriers[next] != p.Party {
			return nil, ruleErr("carrier %d on manifest %s is another party", next+1, m.Number)
		}
		if bad := labelMismatch(m, in.Labels); bad != nil {
			return nil, bad
		}
		occurred, err := c.occurred(in.OccurredAt, m.LastOccurredAt)
		if err != nil {
			return nil, err
		}
		d := custodyData{Party: p.Party, Labels: m.Labels, VehiclePlate: in.VehiclePlate, Driver: in.Driver,
			Location: in.Location, TrackGapDue: occurred.Add(s.rules.TrackGap)}
		if pickup {
			limit := s.rules.Transit
			if c.anyMedical(m) {
				limit = s.rules.MedicalTransit
			}
			d.TransitDue = occurred.Add(limit)
		}
		if _, err := c.emit(typ, m.ID, occurred, d); err != nil {
			return nil, err
		}
		if pickup {
			for _, wid := range m.WasteIDs {
				for _, k := range []string{AlertStorageDueSoon, AlertStorageOverdue} {
					if err := c.resolve(k, wid, occurred); err != nil {
						return nil, err
					}
				}
			}
		}
		if err := c.resolve(AlertTrackGap, m.ID, occurred); err != nil {
			return nil, err
		}
		return c.manifest(m.ID)
	})
}

func (c *cmd) anyMedical(m *Manifest) bool {
	for _, id := range m.WasteIDs {
		if w, err := loadWaste(c.tx, id); err == nil && w.Medical {
			return true
		}
	}
	return false
}

// holder checks that the caller is the carrier holding an in-transit manifest.
func (c *cmd) holder(id, what string) (*Manifest, error) {
	m, err := c.visibleManifest(id)
	if err != nil {
		return nil, err
	}
	if m.Status != ManifestInTransit {
		return nil, transitionErr(what, m.Status)
	}
	if m.Holder != c.p.Party {
		return nil, ruleErr("only the carrier holding manifest %s may %s", m.Number, what)
	}
	return m, nil
}

// Positions adds GPS track points from the carrier holding the manifest.
func (s *Service) Positions(ctx context.Context, p Principal, id string, in PositionsInput) (*Manifest, error) {
	if !p.Has(RoleTransporter) {
		return nil, fmt.Errorf("%w: only a transporter sends positions", ErrForbidden)
	}
	f := fieldErrors{}
	if len(in.Points) == 0 || len(in.Points) > 1000 {
		f.add("points", "send between 1 and 1000 points")
	}
	for i, pt := range in.Points {
		validLocation(f, fmt.Sprintf("points[%d]", i), Location{pt.Lat, pt.Lon})
		if pt.At.IsZero() {
			f.add(fmt.Sprintf("points[%d].at", i), "is required (RFC 3339 time)")
		}
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Manifest, error) {
		m, err := c.holder(id, "send positions")
		if err != nil {
			return nil, err
		}
		pts := make([]TrackPoint, len(in.Points))
		latest := time.Time{}
		for i, pt := range in.Points {
			pt.At = pt.At.UTC().Truncate(time.Microsecond)
			if pt.At.After(c.now.Add(s.rules.MaxFutureOccurrence)) {
				return nil, invalid(fmt.Sprintf("points[%d].at", i), "must not be in the future")
			}
			if m.PickedUpAt != nil && pt.At.Before(m.PickedUpAt.Add(-time.Hour)) {
				return nil, invalid(fmt.Sprintf("points[%d].at", i), "must not be before the pickup")
			}
			if pt.At.After(latest) {
				latest = pt.At
			}
			pts[i] = pt
		}
		occurred, err := c.occurred(in.OccurredAt, m.LastOccurredAt)
		if err != nil {
			return nil, err
		}
		last := latest
		if m.LastPositionAt != nil && m.LastPositionAt.After(last) {
			last = *m.LastPositionAt
		}
		if last.Add(s.rules.TrackGap).After(c.now) {
			// The gap is closed: resolve first, so the new deadline is indexed.
			if err := c.resolve(AlertTrackGap, m.ID, occurred); err != nil {
				return nil, err
			}
		}
		if _, err := c.emit(EvManifestTrack, m.ID, occurred, positionsData{Points: pts, TrackGapDue: last.Add(s.rules.TrackGap)}); err != nil {
			return nil, err
		}
		return c.manifest(m.ID)
	})
}

// Deliver records arrival at the receiver by the last carrier.
func (s *Service) Deliver(ctx context.Context, p Principal, id string, in DeliverInput) (*Manifest, error) {
	if !p.Has(RoleTransporter) {
		return nil, fmt.Errorf("%w: only a transporter delivers", ErrForbidden)
	}
	if in.Location != nil {
		f := fieldErrors{}
		validLocation(f, "location", *in.Location)
		if err := f.err(); err != nil {
			return nil, err
		}
	}
	return exec(ctx, s, p, func(c *cmd) (*Manifest, error) {
		m, err := c.holder(id, "deliver")
		if err != nil {
			return nil, err
		}
		if m.CarrierIndex != len(m.Carriers)-1 {
			return nil, ruleErr("hand over to the next carrier before delivering manifest %s", m.Number)
		}
		occurred, err := c.occurred(in.OccurredAt, m.LastOccurredAt)
		if err != nil {
			return nil, err
		}
		due := s.cal.AddWorkdays(occurred, s.rules.ReceiptWorkdays)
		if _, err := c.emit(EvManifestDeliver, m.ID, occurred, deliverData{Location: in.Location, ReceiptDue: due}); err != nil {
			return nil, err
		}
		for _, k := range []string{AlertTransitOverdue, AlertTrackGap} {
			if err := c.resolve(k, m.ID, occurred); err != nil {
				return nil, err
			}
		}
		return c.manifest(m.ID)
	})
}

// Receive confirms receipt with one line per batch. A weight difference
// beyond the tolerance, a different container count or a rejection is a
// significant discrepancy (重大差异) and raises an alert. Rejected batches
// return to their generator's control and may go on a new manifest.
func (s *Service) Receive(ctx context.Context, p Principal, id string, in ReceiveInput) (*Manifest, error) {
	if !p.Has(RoleReceiver) {
		return nil, fmt.Errorf("%w: only a receiver confirms receipt", ErrForbidden)
	}
	f := fieldErrors{}
	if len(in.Lines) == 0 {
		f.add("lines", "give one line per batch")
	}
	for i, l := range in.Lines {
		if l.WasteID == "" {
			f.add(fmt.Sprintf("lines[%d].waste_id", i), "is required")
		}
		if l.Received < 0 {
			f.add(fmt.Sprintf("lines[%d].received_kg", i), "must not be negative")
		}
		if l.ContainerCount < 0 || l.ContainerCount > 10000 {
			f.add(fmt.Sprintf("lines[%d].container_count", i), "must be between 0 and 10000")
		}
		if l.Accepted == nil {
			f.add(fmt.Sprintf("lines[%d].accepted", i), "is required (true or false)")
		} else if *l.Accepted && l.Received <= 0 {
			f.add(fmt.Sprintf("lines[%d].received_kg", i), "must be greater than 0 for an accepted batch")
		}
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Manifest, error) {
		m, err := c.visibleManifest(id)
		if err != nil {
			return nil, err
		}
		if m.Receiver != p.Party {
			return nil, ruleErr("only the receiver named on manifest %s may confirm receipt", m.Number)
		}
		if m.Status != ManifestDelivered {
			return nil, transitionErr("confirm receipt", m.Status)
		}
		byID := map[string]ReceiveLine{}
		for i, l := range in.Lines {
			if _, dup := byID[l.WasteID]; dup {
				return nil, invalid(fmt.Sprintf("lines[%d].waste_id", i), "batch %s is listed twice", l.WasteID)
			}
			if !contains(m.WasteIDs, l.WasteID) {
				return nil, invalid(fmt.Sprintf("lines[%d].waste_id", i), "batch %s is not on this manifest", l.WasteID)
			}
			byID[l.WasteID] = l
		}
		if len(byID) != len(m.WasteIDs) {
			return nil, invalid("lines", "give one line for each of the %d batches", len(m.WasteIDs))
		}
		occurred, err := c.occurred(in.OccurredAt, m.LastOccurredAt)
		if err != nil {
			return nil, err
		}
		d := receiveData{DisposalDue: occurred.Add(s.rules.Disposal), Year: occurred.In(workday.Shanghai).Year()}
		var problems []string
		for _, wid := range m.WasteIDs {
			w, err := loadWaste(c.tx, wid)
			if err != nil {
				return nil, err
			}
			in := byID[wid]
			l := ReceiptLine{WasteID: wid, Received: in.Received, ContainerCount: in.ContainerCount, Accepted: *in.Accepted,
				Note: strings.TrimSpace(in.Note), Declared: w.Quantity}
			diff := float64(l.Received - w.Quantity)
			if diff < 0 {
				diff = -diff
			}
			l.Discrepancy = !l.Accepted || diff > s.rules.WeightTolerance*float64(w.Quantity) || l.ContainerCount != w.Container.Count
			if l.Discrepancy {
				problems = append(problems, discrepancyText(w, l))
			}
			d.Lines = append(d.Lines, l)
		}
		if _, err := c.emit(EvManifestReceived, m.ID, occurred, d); err != nil {
			return nil, err
		}
		if err := c.resolve(AlertReceiptOverdue, m.ID, occurred); err != nil {
			return nil, err
		}
		if len(problems) > 0 {
			if err := c.raiseDiscrepancy(m, strings.Join(problems, "; ")); err != nil {
				return nil, err
			}
		}
		if err := c.checkCapacity(m.Receiver); err != nil {
			return nil, err
		}
		if err := c.closeIfDone(m.ID, occurred); err != nil {
			return nil, err
		}
		return c.manifest(m.ID)
	})
}

func discrepancyText(w *Waste, l ReceiptLine) string {
	switch {
	case !l.Accepted:
		return fmt.Sprintf("%s 被拒收 rejected", w.Label)
	case l.ContainerCount != w.Container.Count:
		return fmt.Sprintf("%s 容器数 %d≠%d containers", w.Label, l.ContainerCount, w.Container.Count)
	default:
		return fmt.Sprintf("%s 重量 %s kg≠%s kg weight", w.Label, kgString(l.Received), kgString(w.Quantity))
	}
}

// closeIfDone closes a received manifest whose batches are all disposed of
// or rejected.
func (c *cmd) closeIfDone(manifestID string, at time.Time) error {
	if manifestID == "" {
		return nil
	}
	m, err := loadManifest(c.tx, manifestID)
	if err != nil {
		return err
	}
	if m.Status != ManifestReceived {
		return nil
	}
	for _, id := range m.WasteIDs {
		w, err := loadWaste(c.tx, id)
		if err != nil {
			return err
		}
		if w.Status != WasteDisposed && w.Status != WasteRejected && w.ManifestID == m.ID {
			return nil
		}
	}
	_, err = c.emitAs(chain.Actor{Party: SystemParty, Role: string(RoleSystem)}, EvManifestClosed, m.ID, at, map[string]string{"number": m.Number})
	return err
}

// Cancel cancels a manifest before pickup; its batches return to stored.
func (s *Service) Cancel(ctx context.Context, p Principal, id string, in CancelInput) (*Manifest, error) {
	if !p.Has(RoleGenerator) {
		return nil, fmt.Errorf("%w: only the generator cancels its manifest", ErrForbidden)
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
		return nil, invalid("reason", "say why the manifest is cancelled")
	}
	return exec(ctx, s, p, func(c *cmd) (*Manifest, error) {
		m, err := c.visibleManifest(id)
		if err != nil {
			return nil, err
		}
		if m.Generator != p.Party {
			return nil, ruleErr("only the generator of manifest %s may cancel it", m.Number)
		}
		if m.Status != ManifestSubmitted {
			return nil, transitionErr("cancel a manifest", m.Status)
		}
		occurred, err := c.occurred(in.OccurredAt, m.LastOccurredAt)
		if err != nil {
			return nil, err
		}
		if _, err := c.emit(EvManifestCancel, m.ID, occurred, cancelData{Reason: in.Reason}); err != nil {
			return nil, err
		}
		for _, wid := range m.WasteIDs {
			w, err := loadWaste(c.tx, wid)
			if err != nil {
				return nil, err
			}
			if deferredAlerts(ctx) {
				break
			}
			if err := c.sweepSubject(w); err != nil {
				return nil, err
			}
		}
		return c.manifest(m.ID)
	})
}

// Manifest returns a manifest the caller may see, with its track.
func (s *Service) Manifest(ctx context.Context, p Principal, id string) (*Manifest, error) {
	var out *Manifest
	err := s.view(func(r kv) error {
		m, err := readManifest(r, id)
		if err != nil {
			return err
		}
		if !p.SeesAll() && !m.OnManifest(p.Party) {
			return notFound("manifest", id)
		}
		out = m
		return nil
	})
	return out, err
}
