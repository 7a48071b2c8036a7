package ledger

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/hwledger/hwledger/ledger/workday"
)

// The calendar deadlines of the generator's filings, checked by every
// sweep: the plan of a year (due by 31 March), and the declarations of
// the months (key supervision), quarters (simplified management) and
// years (every class). At a deadline, each generator that owes the filing
// and has not filed it gets one alert (plan_missing, declaration_overdue),
// resolved when it files.
//
// A party owes the filings of a period that began after it started:
// registered in the ledger or generating waste (back-entered history
// counts) before the period ended (for a plan, before its deadline). The
// class in force now decides which declarations it owes. An alert is
// raised once per party and period: one acknowledged by an inspector is
// not raised again (the alert's trace remembers it).
//
// The sweep looks at the last 12 months, 4 quarters and 2 years whose
// deadlines have passed, and the plans of this year and the last. It
// remembers in memory which (party, period) pairs are settled, so a sweep
// costs a scan of the generators and the figures of those not settled.

// calendarDue is one filing a party may owe: the alert kind and subject,
// the deadline and how to say what is missing.
type calendarDue struct {
	kind, subject string
	due           time.Time
	what          Text
	filed         func(r proj.Store, party string) (bool, error)
}

// calendarCandidates lists the filings whose deadline has passed at now,
// for a party of class that started at start.
func calendarCandidates(party, class string, start, now time.Time) []calendarDue {
	var out []calendarDue
	year := now.In(workday.Shanghai).Year()
	for _, y := range []int{year, year - 1} {
		if due := planDue(y); !due.After(now) && start.Before(due) {
			y := y
			out = append(out, calendarDue{kind: AlertPlanMissing, subject: planSubject(party, y), due: due,
				what: Text{strconv.Itoa(y), strconv.Itoa(y)},
				filed: func(r proj.Store, party string) (bool, error) {
					ids, err := planVersions(r, party, y)
					return len(ids) > 0, err
				}})
		}
	}
	limits := map[string]int{PeriodMonth: 12, PeriodQuarter: 4, PeriodYear: 2}
	for _, kind := range periodKindsOf(class) {
		for _, per := range periodsDue(kind, now, limits[kind]) {
			if !start.Before(per.End()) {
				continue
			}
			per := per
			out = append(out, calendarDue{kind: AlertDeclarationOverdue, subject: declSubject(party, per), due: per.Due(),
				what: Text{per.String() + "（" + per.Table() + "）", per.String() + " (" + per.Table() + ")"},
				filed: func(r proj.Store, party string) (bool, error) {
					n := 0
					err := proj.EachDeclarationVersion(r, party, per.String(), func(string, int, string) error { n++; return nil })
					return n > 0, err
				}})
		}
	}
	return out
}

// errFound ends a walk at its first result.
var errFound = errors.New("found")

// everRaised reports whether an alert about subject was ever raised (its
// trace holds the raising event).
func everRaised(r proj.Store, subject string) (bool, error) {
	err := proj.EachTrace(r, subject, func(uint64) error { return errFound })
	if err == errFound {
		return true, nil
	}
	return false, err
}

// sweepCalendar raises the filing alerts due at now; it returns how many.
func (s *Service) sweepCalendar(ctx context.Context) (int, error) {
	now := s.Now()
	type owed struct {
		party *Party
		due   calendarDue
	}
	var todo []owed
	err := s.view(func(r *proj.Snapshot) error {
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
			start := party.CreatedAt
			if f.first != "" {
				if t, err := time.ParseInLocation("200601", f.first, workday.Shanghai); err == nil && t.Before(start) {
					start = t
				}
			}
			for _, d := range calendarCandidates(id, ci.Class, start, now) {
				if _, settled := s.calSettled.Load(d.subject); settled {
					continue
				}
				filed, err := d.filed(r, id)
				if err != nil {
					return err
				}
				raised, err := everRaised(r, d.subject)
				if err != nil {
					return err
				}
				if filed || raised {
					s.calSettled.Store(d.subject, true)
					continue
				}
				todo = append(todo, owed{party, d})
			}
			return nil
		})
	})
	if err != nil || len(todo) == 0 {
		return 0, err
	}
	return exec(ctx, s, Principal{}, func(c *cmd) (int, error) {
		n := 0
		for _, o := range todo {
			filed, err := o.due.filed(c.tx, o.party.ID)
			if err != nil {
				return n, err
			}
			raised, err := everRaised(c.tx, o.due.subject)
			if err != nil {
				return n, err
			}
			if filed || raised {
				continue
			}
			due := o.due.due.UTC()
			if err := c.raise(Alert{Kind: o.due.kind, Subject: o.due.subject, Party: o.party.ID, Parties: []string{o.party.ID},
				Street: o.party.Street, DueAt: &due}, alertFacts{p: o.party, detail: o.due.what}); err != nil {
				return n, err
			}
			n++
		}
		return n, nil
	})
}
