package ledger

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/catalog"
	"github.com/hwledger/hwledger/ledger/internal/proj"
)

var errStop = errors.New("stop")

// Page limits.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

func (pg Page) limit() (int, error) {
	switch {
	case pg.Limit == 0:
		return DefaultLimit, nil
	case pg.Limit < 0 || pg.Limit > MaxLimit:
		return 0, invalid("limit", Text{"应在 1 到 %d 之间", "must be between 1 and %d"}, MaxLimit)
	}
	return pg.Limit, nil
}

// scanIndex walks list newest first from the cursor, loading each
// id with load, which says whether the record matches. It stops after
// limit matches, or after examining a bounded number of entries (then the
// page may be short, and next_cursor continues the walk). The cursor is the
// hex of the last index key suffix examined, so pages stay correct while
// writes go on: new records sort before the cursor and never shift a page.
func scanIndex[T any](r *proj.Snapshot, list proj.List, pg Page, load func(seq uint64, id string) (T, bool, error)) (List[T], error) {
	return scanRange(r, []proj.List{list}, nil, nil, pg, load)
}

// scanRange is scanIndex over the union of several lists whose entry
// suffixes are alike (e.g. every status list: each suffix is a seq),
// merged newest first, and limited to suffixes in [lo, hi) (nil: open).
func scanRange[T any](r *proj.Snapshot, lists []proj.List, lo, hi []byte, pg Page, load func(seq uint64, id string) (T, bool, error)) (List[T], error) {
	out := List[T]{Items: []T{}}
	limit, err := pg.limit()
	if err != nil || len(lists) == 0 {
		return out, err
	}
	var after []byte
	if pg.Cursor != "" {
		if after, err = hex.DecodeString(pg.Cursor); err != nil {
			return out, invalid("cursor", Text{"不是上一页给出的翻页标记", "is not a cursor from a previous page"})
		}
	}
	start := []byte{0xff}
	switch {
	case after != nil:
		start = after
	case hi != nil:
		start = hi
	}
	its := make([]*proj.Iter, 0, len(lists))
	for _, l := range lists {
		it, err := r.Iter(l, start)
		if err != nil {
			return out, err
		}
		defer it.Close()
		its = append(its, it)
	}
	budget := 20*limit + 2000
	var last []byte
	for {
		// The iterator at the newest suffix goes next.
		var it *proj.Iter
		for _, c := range its {
			if c.Valid() && (it == nil || bytes.Compare(c.Suffix(), it.Suffix()) > 0) {
				it = c
			}
		}
		if it == nil {
			return out, nil
		}
		if it.Err() != nil {
			return out, it.Err()
		}
		suffix := it.Suffix()
		if (after != nil && bytes.Equal(suffix, after)) || (hi != nil && bytes.Compare(suffix, hi) >= 0) {
			it.Next()
			continue
		}
		if lo != nil && bytes.Compare(suffix, lo) < 0 {
			return out, nil
		}
		if len(out.Items) == limit || budget == 0 {
			out.NextCursor = hex.EncodeToString(last)
			return out, nil
		}
		last = append(last[:0], suffix...)
		v, ok, err := load(it.Seq(), it.ID())
		if err != nil {
			return out, err
		}
		if ok {
			out.Items = append(out.Items, v)
		}
		budget--
		it.Next()
	}
}

// Wastes lists batches the caller may see, newest first.
func (s *Service) Wastes(ctx context.Context, p Principal, f WasteFilter, pg Page) (List[*Waste], error) {
	var codeCat string // the category of f.Code
	if f.Code != "" {
		code, err := s.cat.Lookup(f.Code)
		if err != nil {
			return List[*Waste]{}, invalid("code", codeProblem(err, f.Code))
		}
		f.Code, codeCat = code.Code, code.Category
	}
	if f.Category != "" && !catalog.IsCategoryID(f.Category) {
		return List[*Waste]{}, invalid("category", Text{"应为类别 HW01–HW50", "must be a category HW01–HW50"})
	}
	if f.Status != "" && !wasteStatuses[f.Status] {
		return List[*Waste]{}, invalid("status", Text{"没有状态 %q", "unknown status %q"}, f.Status)
	}
	if !p.SeesAll() {
		if f.Party != "" && f.Party != p.Party {
			return List[*Waste]{Items: []*Waste{}}, nil
		}
		f.Party = p.Party
	}
	now := s.Now()
	var out List[*Waste]
	err := s.view(func(r *proj.Snapshot) error {
		if f.Label != "" {
			out = List[*Waste]{Items: []*Waste{}}
			w, err := s.WasteByLabel(ctx, p, f.Label)
			if err == nil && wasteMatches(w, f, now) {
				out.Items = append(out.Items, w)
			}
			return nil
		}
		// The most selective list the filter has.
		var lists []proj.List
		var lo, hi []byte
		switch {
		case f.Overdue != nil && *f.Overdue:
			lists = []proj.List{proj.WastesOverdue} // as of the last sweep (every minute)
		case f.Party != "":
			lists = []proj.List{proj.WastesOfParty(f.Party)}
		case f.Status != "":
			lists = []proj.List{proj.WastesInStatus(f.Status)}
		case f.From != nil || f.To != nil:
			lists = []proj.List{proj.WastesByGeneratedAt}
			if f.From != nil {
				lo = proj.GeneratedAtBound(f.From.Unix())
			}
			if f.To != nil {
				hi = proj.GeneratedAtBound(f.To.Unix() + 1)
			}
		case f.Code != "":
			lists = []proj.List{proj.WastesOfCode(codeCat, f.Code)}
		case f.Street != "":
			lists = []proj.List{proj.WastesInStreet(f.Street)}
		case f.Category != "":
			lists = r.CodeLists(f.Category)
		case f.Medical != nil && *f.Medical:
			lists = r.CodeLists("HW01") // medical waste is category HW01
		default: // every batch: each is in exactly one status list
			for _, st := range WasteStatuses {
				lists = append(lists, proj.WastesInStatus(st))
			}
		}
		var err error
		out, err = scanRange(r, lists, lo, hi, pg, func(seq uint64, _ string) (*Waste, bool, error) {
			w, err := loadWasteAt(r, seq)
			if err != nil {
				return nil, false, err
			}
			return w, canSeeWaste(p, w) && wasteMatches(w, f, now), nil
		})
		return err
	})
	return out, err
}

// WasteStatuses lists every batch status in lifecycle order.
var WasteStatuses = []string{WasteStored, WasteManifested, WasteInTransit, WasteDelivered, WasteReceived, WasteDisposed, WasteRejected,
	WasteConsolidated}

// WasteCounts is how many batches the district holds in each status, and
// how many are past their storage or disposal limit (as of the last
// sweep, which runs every minute).
type WasteCounts struct {
	ByStatus map[string]int `json:"by_status"`
	Overdue  int            `json:"overdue"`
}

// WasteCounts counts the district's batches without reading them, from
// totals the apply functions keep. Inspectors and admins only.
func (s *Service) WasteCounts(ctx context.Context, p Principal) (*WasteCounts, error) {
	if !p.SeesAll() {
		return nil, fmt.Errorf("%w: only inspectors see district totals", ErrForbidden)
	}
	c := &WasteCounts{ByStatus: map[string]int{}}
	err := s.view(func(r *proj.Snapshot) error {
		for _, st := range WasteStatuses {
			n, err := proj.Count(r, st)
			if err != nil {
				return err
			}
			c.ByStatus[st] = n
		}
		var err error
		c.Overdue, err = proj.Count(r, proj.CountOverdue)
		return err
	})
	return c, err
}

var wasteStatuses = func() map[string]bool {
	m := map[string]bool{}
	for _, st := range WasteStatuses {
		m[st] = true
	}
	return m
}()

func wasteMatches(w *Waste, f WasteFilter, now time.Time) bool {
	switch {
	case f.Status != "" && w.Status != f.Status,
		f.Code != "" && w.Code != f.Code,
		f.Category != "" && w.Category != f.Category,
		f.Street != "" && w.Street != f.Street,
		f.Party != "" && w.Generator != f.Party && !contains(w.Parties, f.Party),
		f.Medical != nil && w.Medical != *f.Medical,
		f.From != nil && w.GeneratedAt.Before(*f.From),
		f.To != nil && w.GeneratedAt.After(*f.To),
		f.Overdue != nil && w.Overdue(now) != *f.Overdue:
		return false
	}
	return true
}

// Overdue reports whether the batch has passed its storage limit while
// still at the generator, or its disposal limit while at the receiver.
func (w *Waste) Overdue(now time.Time) bool {
	switch w.Status {
	case WasteStored, WasteManifested:
		return !now.Before(w.StorageDeadline) // as the sweep: due at the deadline
	case WasteReceived:
		if w.CollectionDue != nil { // at a collector
			return !now.Before(*w.CollectionDue)
		}
		return w.DisposalDeadline != nil && !now.Before(*w.DisposalDeadline)
	}
	return false
}

// Manifests lists manifests the caller may see, newest first.
func (s *Service) Manifests(ctx context.Context, p Principal, f ManifestFilter, pg Page) (List[*Manifest], error) {
	if !p.SeesAll() {
		if f.Party != "" && f.Party != p.Party {
			return List[*Manifest]{Items: []*Manifest{}}, nil
		}
		f.Party = p.Party
	}
	if f.Status != "" && !contains(ManifestStatuses, f.Status) {
		return List[*Manifest]{}, invalid("status", Text{"没有状态 %q", "unknown status %q"}, f.Status)
	}
	list := proj.AllManifests
	switch {
	case f.Status == ManifestSubmitted || f.Status == ManifestInTransit || f.Status == ManifestDelivered:
		// Manifests under way are few in the district, however many a
		// party has filed over the years: read those and keep the party's.
		list = proj.ManifestsInStatus(f.Status)
	case f.Party != "":
		list = proj.ManifestsOfParty(f.Party)
	case f.Status != "":
		list = proj.ManifestsInStatus(f.Status)
	}
	var out List[*Manifest]
	err := s.view(func(r *proj.Snapshot) error {
		var err error
		out, err = scanIndex(r, list, pg, func(_ uint64, id string) (*Manifest, bool, error) {
			m, err := loadManifest(r, id)
			if err != nil {
				return nil, false, err
			}
			ok := (p.SeesAll() || m.OnManifest(p.Party)) && (f.Status == "" || m.Status == f.Status) &&
				(f.Party == "" || m.OnManifest(f.Party))
			return m, ok, nil
		})
		return err
	})
	return out, err
}

// Alerts lists alerts the caller may see (inspectors: all), newest first.
func (s *Service) Alerts(ctx context.Context, p Principal, f AlertFilter, pg Page) (List[*Alert], error) {
	if f.Kind != "" && !contains(AlertKinds, f.Kind) {
		return List[*Alert]{}, invalid("kind", Text{"没有预警类型 %q", "unknown alert kind %q"}, f.Kind)
	}
	if f.Status != "" && !contains(AlertStatuses, f.Status) {
		return List[*Alert]{}, invalid("status", Text{"应为以下之一：%s", "must be one of %s"}, strings.Join(AlertStatuses, ", "))
	}
	if !p.SeesAll() {
		if f.Party != "" && f.Party != p.Party {
			return List[*Alert]{Items: []*Alert{}}, nil
		}
		f.Party = p.Party
	}
	list := proj.AllAlerts
	switch {
	case f.Party != "":
		list = proj.AlertsOfParty(f.Party)
	case f.Status != "":
		list = proj.AlertsInStatus(f.Status)
	case f.Kind != "":
		list = proj.AlertsOfKind(f.Kind)
	case f.Street != "":
		list = proj.AlertsInStreet(f.Street)
	}
	var out List[*Alert]
	err := s.view(func(r *proj.Snapshot) error {
		var err error
		out, err = scanIndex(r, list, pg, func(_ uint64, id string) (*Alert, bool, error) {
			a, err := loadAlert(r, id)
			if err != nil {
				return nil, false, err
			}
			ok := canSeeAlert(p, a) && (f.Kind == "" || a.Kind == f.Kind) && (f.Status == "" || a.Status == f.Status) &&
				(f.Street == "" || a.Street == f.Street) && (f.Party == "" || contains(a.Parties, f.Party))
			return a, ok, nil
		})
		return err
	})
	out.Items = s.withReadOnlyAlert(p, f, pg, out.Items)
	return out, err
}

// Alert returns one alert the caller may see.
func (s *Service) Alert(ctx context.Context, p Principal, id string) (*Alert, error) {
	if st, ro := s.ReadOnly(); ro && id == ReadOnlyAlertID && canSeeAlert(p, st.Alert) {
		return st.Alert, nil
	}
	var out *Alert
	err := s.view(func(r *proj.Snapshot) error {
		a, err := loadAlert(r, id)
		if err != nil {
			return err
		}
		if !canSeeAlert(p, a) {
			return notFound("alert", id)
		}
		out = a
		return nil
	})
	return out, err
}
