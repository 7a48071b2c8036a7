package ledger

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hwledger/hwledger/ledger/catalog"
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
		return 0, invalid("limit", "must be between 1 and %d", MaxLimit)
	}
	return pg.Limit, nil
}

// scanIndex walks index prefix newest first from the cursor, loading each
// id with load, which says whether the record matches. It stops after
// limit matches, or after examining a bounded number of entries (then the
// page may be short, and next_cursor continues the walk). The cursor is the
// hex of the last index key suffix examined, so pages stay correct while
// writes go on: new records sort before the cursor and never shift a page.
func scanIndex[T any](txn *badger.Txn, prefix string, pg Page, load func(r kv, id string) (T, bool, error)) (List[T], error) {
	return scanRange(txn, prefix, nil, nil, pg, load)
}

// scanRange is scanIndex limited to key suffixes in [lo, hi) (nil: open).
func scanRange[T any](txn *badger.Txn, prefix string, lo, hi []byte, pg Page, load func(r kv, id string) (T, bool, error)) (List[T], error) {
	out := List[T]{Items: []T{}}
	limit, err := pg.limit()
	if err != nil {
		return out, err
	}
	var after []byte
	if pg.Cursor != "" {
		if after, err = hex.DecodeString(pg.Cursor); err != nil {
			return out, invalid("cursor", "is not a cursor from a previous page")
		}
	}
	budget := 20*limit + 2000
	p := []byte(pIndex + prefix)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: p, Reverse: true, PrefetchValues: true, PrefetchSize: limit})
	defer it.Close()
	seek := append(append([]byte{}, p...), 0xff)
	if hi != nil {
		seek = append(append([]byte{}, p...), hi...)
	}
	if after != nil {
		seek = append(append([]byte{}, p...), after...)
	}
	r := snapshot{txn}
	var last []byte
	for it.Seek(seek); it.Valid(); it.Next() {
		k := it.Item().Key()
		suffix := k[len(p):]
		if (after != nil && bytes.Equal(suffix, after)) || (hi != nil && bytes.Compare(suffix, hi) >= 0) {
			continue
		}
		if lo != nil && bytes.Compare(suffix, lo) < 0 {
			break
		}
		last = append(last[:0], suffix...)
		id, err := it.Item().ValueCopy(nil)
		if err != nil {
			return out, err
		}
		v, ok, err := load(r, string(id))
		if err != nil {
			return out, err
		}
		if ok {
			out.Items = append(out.Items, v)
		}
		budget--
		if len(out.Items) == limit || budget == 0 {
			it.Next()
			if it.Valid() {
				out.NextCursor = hex.EncodeToString(last)
			}
			break
		}
	}
	return out, nil
}

// Wastes lists batches the caller may see, newest first.
func (s *Service) Wastes(ctx context.Context, p Principal, f WasteFilter, pg Page) (List[*Waste], error) {
	if f.Code != "" {
		code, err := s.cat.Lookup(f.Code)
		if err != nil {
			return List[*Waste]{}, invalid("code", "%s", err.Error())
		}
		f.Code = code.Code
	}
	if f.Category != "" && !catalog.IsCategoryID(f.Category) {
		return List[*Waste]{}, invalid("category", "must be a category HW01–HW50")
	}
	if f.Status != "" && !wasteStatuses[f.Status] {
		return List[*Waste]{}, invalid("status", "unknown status %q", f.Status)
	}
	if !p.SeesAll() {
		if f.Party != "" && f.Party != p.Party {
			return List[*Waste]{Items: []*Waste{}}, nil
		}
		f.Party = p.Party
	}
	now := s.Now()
	prefix := "wa/"
	var lo, hi []byte
	switch {
	case f.Label != "":
		prefix = "" // direct lookup below
	case f.Party != "":
		prefix = "wp/" + f.Party + "/"
	case f.Status != "":
		prefix = "ws/" + f.Status + "/"
	case f.From != nil || f.To != nil:
		prefix = "wg/"
		if f.From != nil {
			lo = []byte(be64(uint64(max(f.From.Unix(), 0))))
		}
		if f.To != nil {
			hi = []byte(be64(uint64(max(f.To.Unix()+1, 0))))
		}
	case f.Code != "":
		prefix = "wc/" + f.Code + "/"
	case f.Street != "":
		prefix = "wt/" + f.Street + "/"
	case f.Category != "":
		prefix = "wk/" + f.Category + "/"
	case f.Medical != nil && *f.Medical:
		prefix = "wk/HW01/" // medical waste is category HW01
	}
	var out List[*Waste]
	err := s.viewTxn(func(txn *badger.Txn) error {
		if prefix == "" {
			out = List[*Waste]{Items: []*Waste{}}
			w, err := s.WasteByLabel(ctx, p, f.Label)
			if err == nil && wasteMatches(w, f, now) {
				out.Items = append(out.Items, w)
			}
			return nil
		}
		var err error
		out, err = scanRange(txn, prefix, lo, hi, pg, func(r kv, id string) (*Waste, bool, error) {
			w, err := loadWaste(r, id)
			if err != nil {
				return nil, false, err
			}
			return w, canSeeWaste(p, w) && wasteMatches(w, f, now), nil
		})
		return err
	})
	return out, err
}

var wasteStatuses = map[string]bool{WasteStored: true, WasteManifested: true, WasteInTransit: true,
	WasteDelivered: true, WasteReceived: true, WasteDisposed: true, WasteRejected: true}

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
	if f.Status != "" && !manifestStatuses[f.Status] {
		return List[*Manifest]{}, invalid("status", "unknown status %q", f.Status)
	}
	prefix := "ma/"
	switch {
	case f.Party != "":
		prefix = "mp/" + f.Party + "/"
	case f.Status != "":
		prefix = "ms/" + f.Status + "/"
	}
	var out List[*Manifest]
	err := s.viewTxn(func(txn *badger.Txn) error {
		var err error
		out, err = scanIndex(txn, prefix, pg, func(r kv, id string) (*Manifest, bool, error) {
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

var manifestStatuses = map[string]bool{ManifestSubmitted: true, ManifestInTransit: true, ManifestDelivered: true,
	ManifestReceived: true, ManifestClosed: true, ManifestCancelled: true}

// Alerts lists alerts the caller may see (inspectors: all), newest first.
func (s *Service) Alerts(ctx context.Context, p Principal, f AlertFilter, pg Page) (List[*Alert], error) {
	if f.Kind != "" && !contains(AlertKinds, f.Kind) {
		return List[*Alert]{}, invalid("kind", "unknown alert kind %q", f.Kind)
	}
	if f.Status != "" && f.Status != AlertOpen && f.Status != AlertResolved && f.Status != AlertAcknowledged {
		return List[*Alert]{}, invalid("status", "must be open, resolved or acknowledged")
	}
	if !p.SeesAll() {
		if f.Party != "" && f.Party != p.Party {
			return List[*Alert]{Items: []*Alert{}}, nil
		}
		f.Party = p.Party
	}
	prefix := "aa/"
	switch {
	case f.Party != "":
		prefix = "ap/" + f.Party + "/"
	case f.Status != "":
		prefix = "as/" + f.Status + "/"
	case f.Kind != "":
		prefix = "ak/" + f.Kind + "/"
	case f.Street != "":
		prefix = "at/" + f.Street + "/"
	}
	var out List[*Alert]
	err := s.viewTxn(func(txn *badger.Txn) error {
		var err error
		out, err = scanIndex(txn, prefix, pg, func(r kv, id string) (*Alert, bool, error) {
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
	return out, err
}

// Alert returns one alert the caller may see.
func (s *Service) Alert(ctx context.Context, p Principal, id string) (*Alert, error) {
	var out *Alert
	err := s.view(func(r kv) error {
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

var _ = fmt.Sprint
