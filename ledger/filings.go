package ledger

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/hwledger/hwledger/ledger/workday"
)

// FilingStatus is one generator's filings for a year and a period: what
// the inspector's overview shows (who filed what and when, who did not).
type FilingStatus struct {
	Party    string `json:"party"`
	Name     string `json:"name"`
	Street   string `json:"street"`
	Class    string `json:"class"`
	Computed string `json:"computed"`
	// Plan is the latest version of the year's plan; nil: none filed.
	Plan *FilingRef `json:"plan,omitempty"`
	// PlanLate: no plan, or the first filed after the 31 March deadline.
	PlanLate bool `json:"plan_late"`
	// DeclarationRequired: the party's class declares periods of the
	// period's kind and the party had started by the period's end.
	DeclarationRequired bool `json:"declaration_required"`
	// Declaration is the latest version for the period; nil: none filed.
	Declaration *FilingRef `json:"declaration,omitempty"`
}

// FilingRef is one filed version.
type FilingRef struct {
	ID      string    `json:"id"`
	Version int       `json:"version"`
	FiledAt time.Time `json:"filed_at"`
	// FirstFiledAt is when version 1 was filed.
	FirstFiledAt time.Time `json:"first_filed_at"`
	Late         bool      `json:"late"`
	// MatchesLedger (declarations): the latest version's figures are the
	// ledger's draft.
	MatchesLedger *bool `json:"matches_ledger,omitempty"`
}

// FilingsQuery asks for the plans of Year and the declarations of Period.
type FilingsQuery struct {
	Year   int
	Period string
}

// Filings lists every generator's plan of a year and declaration of a
// period, by street and name (inspectors and admins).
func (s *Service) Filings(ctx context.Context, p Principal, q FilingsQuery) ([]FilingStatus, error) {
	if !p.SeesAll() {
		return nil, fmt.Errorf("%w: only inspectors and admins see every party's filings", ErrForbidden)
	}
	now := s.Now()
	if q.Year == 0 {
		q.Year = now.In(workday.Shanghai).Year()
	}
	if q.Year < 2000 || q.Year > 9998 {
		return nil, invalid("year", Text{"应为年份，如 2026", "must be a year such as 2026"})
	}
	if q.Period == "" {
		q.Period = fmt.Sprint(q.Year - 1)
	}
	per, err := ParsePeriod(q.Period)
	if err != nil {
		return nil, invalid("period", periodProblem)
	}
	var out []FilingStatus
	err = s.view(func(r *proj.Snapshot) error {
		return proj.EachParty(r, string(RoleGenerator), func(id string) error {
			party, err := loadParty(r, id)
			if err != nil {
				return err
			}
			f, err := figuresOf(r, id, now)
			if err != nil {
				return err
			}
			ci := classify(party, f, now)
			st := FilingStatus{Party: id, Name: party.Name, Street: party.Street, Class: ci.Class, Computed: ci.Computed}
			ids, err := planVersions(r, id, q.Year)
			if err != nil {
				return err
			}
			if len(ids) > 0 {
				first, err := loadPlan(r, ids[0])
				if err != nil {
					return err
				}
				last, err := loadPlan(r, ids[len(ids)-1])
				if err != nil {
					return err
				}
				late := !first.FiledAt.Before(planDue(q.Year))
				st.Plan = &FilingRef{ID: last.ID, Version: last.Version, FiledAt: last.FiledAt, FirstFiledAt: first.FiledAt, Late: late}
				st.PlanLate = late
			} else {
				st.PlanLate = !planDue(q.Year).After(now)
			}
			start := party.CreatedAt
			if f.first != "" {
				if t, err := time.ParseInLocation("200601", f.first, workday.Shanghai); err == nil && t.Before(start) {
					start = t
				}
			}
			st.DeclarationRequired = contains(periodKindsOf(ci.Class), per.Kind) && start.Before(per.End())
			var decls []*Declaration
			if err := proj.EachDeclarationVersion(r, id, per.String(), func(_ string, _ int, did string) error {
				d, err := loadDeclaration(r, did)
				decls = append(decls, d)
				return err
			}); err != nil {
				return err
			}
			if len(decls) > 0 {
				first, last := decls[0], decls[len(decls)-1]
				m := last.MatchesLedger
				st.Declaration = &FilingRef{ID: last.ID, Version: last.Version, FiledAt: last.FiledAt, FirstFiledAt: first.FiledAt,
					Late: first.Late, MatchesLedger: &m}
			}
			out = append(out, st)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Street != out[j].Street {
			return out[i].Street < out[j].Street
		}
		return out[i].Name < out[j].Name
	})
	return out, err
}
