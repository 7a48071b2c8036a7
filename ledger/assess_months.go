package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/hwledger/hwledger/ledger/workday"
)

// MonthTotals is one month's district totals: the waste generated in it
// and, of that waste, what has been disposed of.
type MonthTotals struct {
	Month       time.Time // its first instant, Asia/Shanghai
	GeneratedKg Grams
	DisposedKg  Grams
}

// DistrictMonths returns the twelve months of year (Asia/Shanghai), each
// with the district's generated and disposed-of quantities up to now: the
// GeneratedKg and DisposedKg of the district totals of Assessment over
// that month (zero for months after now). It reads the generators' day
// aggregates once, so its cost grows with the days of the year, not with
// the batches. Inspectors and admins only.
func (s *Service) DistrictMonths(ctx context.Context, p Principal, year int) ([]MonthTotals, error) {
	if !p.SeesAll() {
		return nil, fmt.Errorf("%w: only inspectors and admins see the district's totals", ErrForbidden)
	}
	loc := workday.Shanghai
	out := make([]MonthTotals, 12)
	for i := range out {
		out[i].Month = time.Date(year, time.Month(i+1), 1, 0, 0, 0, 0, loc)
	}
	now := s.Now()
	today := now.In(loc).Add(-time.Nanosecond).Format("20060102")
	err := s.view(func(r *proj.Snapshot) error {
		gens := map[string]bool{}
		if err := proj.EachParty(r, string(RoleGenerator), func(id string) error {
			gens[id] = true
			return nil
		}); err != nil {
			return err
		}
		for i := range out {
			m := &out[i]
			if !now.After(m.Month) {
				break
			}
			first := m.Month.Format("20060102")
			last := min(m.Month.AddDate(0, 1, -1).Format("20060102"), today)
			if err := r.EachDayAgg(first, last, func(party string, a proj.DayAgg) error {
				if gens[party] {
					m.GeneratedKg += Grams(a.Generated)
					m.DisposedKg += Grams(a.Disposed)
				}
				return ctx.Err()
			}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}
