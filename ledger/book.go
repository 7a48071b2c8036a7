package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/hwledger/hwledger/ledger/workday"
)

// The HJ 1259-2022 台账 (management ledger, 6.3 and Appendix B) of a
// generator, derived from the ledger's events, never entered twice:
//
//   - generation (B.1 产生) and storage_in (B.2 入库): a batch's
//     registration (it is stored from then on);
//   - storage_out (B.3 出库): each pickup of the batch by a carrier;
//   - own_use (B.4 自行利用/处置): the party's own facility utilising or
//     disposing of it (a manifest to itself, then disposal);
//   - outsourced (B.5 委外利用/处置): another receiver utilising or
//     disposing of it; the row's time is when it left the site (出厂时间).
//
// Record codes follow the standard's pattern, prefix + date, and end with
// the label's code digits and serial, so they are unique, never change
// and lead to the label: HWCS, HWRK, HWCK, HWZXLY/HWZXCZ and HWWWLY/HWWWCZ
// (LY utilisation, an R method; CZ disposal). Each record names the source
// record it follows (入库 → 产生, 出库 → 入库, 利用处置 → 出库). The person
// (经办人) is the one recorded on the event (actor.person), else, when a
// token bound to no person acted, the acting party's name: the 台账 does
// not guess a person. A 出库's generator-side person is whoever filed the
// manifest (the 移出人), its carrier-side the person who scanned the
// pickup, else the driver named on it.

// Record types of the 台账, in the standard's order.
const (
	BookGeneration = "generation"
	BookStorageIn  = "storage_in"
	BookStorageOut = "storage_out"
	BookOwnUse     = "own_use"
	BookOutsourced = "outsourced"
)

// BookRecords lists the record types in the standard's order (B.1–B.5).
var BookRecords = []string{BookGeneration, BookStorageIn, BookStorageOut, BookOwnUse, BookOutsourced}

// BookRow is one record of the 台账.
type BookRow struct {
	Record     string    `json:"record"`
	RecordCode string    `json:"record_code"`
	Time       time.Time `json:"time"`
	WasteID    string    `json:"waste_id"`
	Label      string    `json:"label"`
	// TradeName is the batch's own name (行业俗称/单位内部名称); Name the
	// catalogue's (国家危险废物名录名称).
	TradeName  string    `json:"trade_name"`
	Name       string    `json:"name"`
	Category   string    `json:"category"`
	Code       string    `json:"code"`
	QuantityKg Grams     `json:"quantity_kg"`
	Container  Container `json:"container"`
	// Facility is the generating, storage or own facility's code (from the
	// year's plan, else the batch's storage place); FacilityType a storage
	// facility's type (A.4).
	Facility     string `json:"facility,omitempty"`
	FacilityType string `json:"facility_type,omitempty"`
	// Person did it (经办人): the event's person, else the acting party's
	// name; PersonID when the event names a person.
	Person   string `json:"person"`
	PersonID string `json:"person_id,omitempty"`
	// Carrier is the carrying side's person (运送部门经办人) of a pickup.
	Carrier string `json:"carrier,omitempty"`
	// SourceCode is the record this one follows.
	SourceCode  string     `json:"source_code,omitempty"`
	Destination string     `json:"destination,omitempty"`
	Method      string     `json:"method,omitempty"`
	FinishedAt  *time.Time `json:"finished_at,omitempty"`
	// The receiving unit (B.5).
	ReceiverType   string `json:"receiver_type,omitempty"`
	Receiver       string `json:"receiver,omitempty"`
	ReceiverName   string `json:"receiver_name,omitempty"`
	LicenseNumber  string `json:"license_number,omitempty"`
	ManifestNumber string `json:"manifest_number,omitempty"`
	// EventIndex is the ledger event the record comes from.
	EventIndex uint64 `json:"event_index"`
}

// BookQuery selects records: those whose time is in [From, To) of one
// record type ("" every type, in the standard's order).
type BookQuery struct {
	From, To time.Time
	Record   string
}

// recordCode builds a record code: prefix, the day of at (Shanghai), the
// label's code digits and serial.
func recordCode(prefix string, at time.Time, label string) string {
	tail := label
	if len(label) == 37 {
		tail = label[18:26] + label[34:]
	}
	return prefix + at.In(workday.Shanghai).Format("20060102") + tail
}

// useCode is the record prefix of utilisation (an R method) or disposal.
func useCode(own bool, method string) string {
	p := "HWWW"
	if own {
		p = "HWZX"
	}
	if strings.HasPrefix(method, "R") {
		return p + "LY"
	}
	return p + "CZ"
}

// eventActor is the actor of a stored event, with the person when the
// event names one.
type eventActor struct {
	Type  string `json:"type"`
	Actor struct {
		Party  string `json:"party"`
		Person *struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"person"`
	} `json:"actor"`
}

// book walks one party's 台账.
type book struct {
	r       proj.Store
	party   *Party
	q       BookQuery
	parties map[string]*Party
	plans   map[int]*Plan
}

func (b *book) in(t time.Time) bool { return !t.Before(b.q.From) && t.Before(b.q.To) }

func (b *book) partyOf(id string) *Party {
	if p, ok := b.parties[id]; ok {
		return p
	}
	p, err := loadParty(b.r, id)
	if err != nil {
		p = nil
	}
	b.parties[id] = p
	return p
}

// actor reads who did event index: the person, else the acting party's
// name.
func (b *book) actor(index uint64) (name, id string, typ string) {
	raw, err := proj.RawEvent(b.r, index)
	if err != nil {
		return "", "", ""
	}
	var a eventActor
	if json.Unmarshal(raw, &a) != nil {
		return "", "", ""
	}
	if a.Actor.Person != nil && a.Actor.Person.Name != "" {
		return a.Actor.Person.Name, a.Actor.Person.ID, a.Type
	}
	if p := b.partyOf(a.Actor.Party); p != nil {
		return p.Name, "", a.Type
	}
	return "", "", a.Type
}

// plan returns the party's plan of the year at falls in (nil: none).
func (b *book) plan(at time.Time) *Plan {
	y := at.In(workday.Shanghai).Year()
	if p, ok := b.plans[y]; ok {
		return p
	}
	p, _ := latestPlan(b.r, b.party.ID, y)
	b.plans[y] = p
	return p
}

// base is a row's batch columns.
func base(record string, w *Waste) BookRow {
	return BookRow{Record: record, WasteID: w.ID, Label: w.Label, TradeName: w.Name, Category: w.Category, Code: w.Code,
		QuantityKg: w.Quantity, Container: w.Container}
}

// registrations emits the generation or storage_in records.
func (b *book) registrations(s *Service, record string, emit func(BookRow) error) error {
	return proj.EachEntry(b.r, proj.WastesOfParty(b.party.ID), func(seq uint64, _ string) error {
		var d WasteRegisteredData
		if err := eventData(b.r, seq, &d); err != nil {
			return err
		}
		if d.Generator != b.party.ID {
			return nil
		}
		w, err := loadWasteAt(b.r, seq)
		if err != nil {
			return err
		}
		stored := d.LastOccurredAt // the registration's field time
		at := d.GeneratedAt
		if record == BookStorageIn {
			at = stored
		}
		if !b.in(at) {
			return nil
		}
		row := base(record, w)
		row.Time, row.EventIndex = at, seq
		if c, err := s.cat.Lookup(w.Code); err == nil {
			row.Name = c.Name
		}
		row.Person, row.PersonID, _ = b.actor(seq)
		pl := b.plan(d.GeneratedAt)
		switch record {
		case BookGeneration:
			row.RecordCode = recordCode("HWCS", d.GeneratedAt, w.Label)
			row.Destination = "贮存"
			if pl != nil {
				if g := pl.Sections.generationRow(w.Code); g != nil {
					row.Facility = g.FacilityCode
				}
			}
		case BookStorageIn:
			row.RecordCode = recordCode("HWRK", stored, w.Label)
			row.SourceCode = recordCode("HWCS", d.GeneratedAt, w.Label)
			row.Carrier = row.Person
			row.Facility = w.Storage
			if pl != nil {
				if st := pl.Sections.storageRow(w.Code); st != nil {
					row.Facility, row.FacilityType = st.FacilityCode, st.FacilityType
				}
			}
		}
		return emit(row)
	})
}

// departures emits the storage_out, own_use or outsourced records, from
// the party's manifests in the order they were filed.
func (b *book) departures(s *Service, record string, emit func(BookRow) error) error {
	return proj.EachEntry(b.r, proj.ManifestsOfParty(b.party.ID), func(_ uint64, id string) error {
		m, err := loadManifest(b.r, id)
		if err != nil {
			return err
		}
		if m.Generator != b.party.ID || m.PickedUpAt == nil || len(m.Custody) == 0 {
			return nil
		}
		own := m.Receiver == b.party.ID
		if (record == BookOwnUse) != own && record != BookStorageOut {
			return nil
		}
		pickup := m.Custody[0]
		rx := b.partyOf(m.Receiver)
		for _, wid := range m.WasteIDs {
			w, err := loadWaste(b.r, wid)
			if err != nil {
				return err
			}
			row := base(record, w)
			row.ManifestNumber = m.Number
			if c, err := s.cat.Lookup(w.Code); err == nil {
				row.Name = c.Name
			}
			out := recordCode("HWCK", *m.PickedUpAt, w.Label)
			if record == BookStorageOut {
				if !b.in(*m.PickedUpAt) {
					continue
				}
				row.RecordCode, row.Time, row.EventIndex = out, *m.PickedUpAt, pickup.EventIndex
				row.SourceCode = recordCode("HWRK", w.RegisteredAt, w.Label)
				if d, err := b.registration(w.Seq); err == nil {
					row.SourceCode = recordCode("HWRK", d.LastOccurredAt, w.Label)
				}
				row.Person, row.PersonID, _ = b.actor(m.Seq)
				carrier, id, _ := b.actor(pickup.EventIndex)
				row.Carrier = carrier
				if pickup.Driver != "" && id == "" {
					row.Carrier = pickup.Driver // the driver who scanned the labels
				}
				row.Facility = w.Storage
				if rx != nil {
					row.Destination = rx.Name
				}
				if err := emit(row); err != nil {
					return err
				}
				continue
			}
			if w.Status != WasteDisposed || w.ManifestID != m.ID || w.DisposedAt == nil {
				continue
			}
			at := *m.PickedUpAt
			if own {
				at = *w.DisposedAt
			}
			if !b.in(at) {
				continue
			}
			row.RecordCode, row.Time, row.SourceCode = recordCode(useCode(own, w.Method), at, w.Label), at, out
			row.Method, row.FinishedAt = w.Method, w.DisposedAt
			if idx, ok := b.disposal(w.ID); ok {
				row.EventIndex = idx
				row.Person, row.PersonID, _ = b.actor(idx)
			}
			if rx != nil {
				row.Receiver, row.ReceiverName = rx.ID, rx.Name
				if rx.License != nil {
					row.LicenseNumber = rx.License.Number
					row.ReceiverType = ReceiverTypes[0]
				}
			}
			if err := emit(row); err != nil {
				return err
			}
		}
		return nil
	})
}

// registration reads batch seq's registration data.
func (b *book) registration(seq uint64) (*WasteRegisteredData, error) {
	var d WasteRegisteredData
	err := eventData(b.r, seq, &d)
	return &d, err
}

// disposal finds the index of the disposal event of batch id.
func (b *book) disposal(id string) (uint64, bool) {
	var found uint64
	ok := false
	_ = proj.EachTrace(b.r, id, func(index uint64) error {
		raw, err := proj.RawEvent(b.r, index)
		if err != nil {
			return err
		}
		if strings.Contains(string(raw[:min(len(raw), 200)]), `"type":"`+EvWasteDisposed+`"`) {
			found, ok = index, true
		}
		return nil
	})
	return found, ok
}

// errBadRecord: an unknown record type.
var errBadRecord = errors.New("unknown record")

// LedgerBook calls fn with each record of a party's 台账 that q selects,
// one at a time (an export holds one row, not the book): the party
// itself, inspectors and admins may read it.
func (s *Service) LedgerBook(ctx context.Context, p Principal, partyID string, q BookQuery, fn func(BookRow) error) error {
	f := fieldErrors{}
	if q.Record != "" && !contains(BookRecords, q.Record) {
		f.add("record", Text{"应为 %s 之一", "must be one of %s"}, strings.Join(BookRecords, ", "))
	}
	if q.From.IsZero() || q.To.IsZero() || !q.To.After(q.From) {
		f.add("to", Text{"必须给出起止时间，止晚于起", "from and to are required, to after from"})
	} else if q.To.Sub(q.From) > 6*366*24*time.Hour {
		f.add("to", Text{"时段最长六年", "a period is at most six years"})
	}
	if err := f.err(); err != nil {
		return err
	}
	if !canSeeFilings(p, partyID) {
		return notFound("party", partyID)
	}
	return s.view(func(r *proj.Snapshot) error {
		party, err := loadParty(r, partyID)
		if err != nil {
			return err
		}
		if !party.HasRole(RoleGenerator) {
			return ruleErr(Text{"%s 不是产废单位，没有本单位危险废物台账", "%s is not a generator: it keeps no 台账 of its own waste"}, party.Name)
		}
		b := &book{r: r, party: party, q: q, parties: map[string]*Party{}, plans: map[int]*Plan{}}
		records := BookRecords
		if q.Record != "" {
			records = []string{q.Record}
		}
		for _, rec := range records {
			if err := ctx.Err(); err != nil {
				return err
			}
			var err error
			switch rec {
			case BookGeneration, BookStorageIn:
				err = b.registrations(s, rec, fn)
			case BookStorageOut, BookOwnUse, BookOutsourced:
				err = b.departures(s, rec, fn)
			default:
				err = fmt.Errorf("%w %q", errBadRecord, rec)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}
