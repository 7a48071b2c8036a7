package ledger

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/workday"
)

// Declaration periods (HJ 1259-2022 7.2): a month "2026-10" (table C.1),
// a quarter "2026-Q3" (C.2) or a year "2026" (C.3), in Asia/Shanghai.
// Key-supervision units declare each month by the 15th of the next, and
// simplified-management units each quarter by the 15th of the next
// quarter's first month; every unit declares each year by 31 March of
// the next. The plan for a year is due by 31 March of that year.

// Period kinds.
const (
	PeriodMonth   = "month"
	PeriodQuarter = "quarter"
	PeriodYear    = "year"
)

// PeriodKinds lists the kinds of declaration period.
var PeriodKinds = []string{PeriodMonth, PeriodQuarter, PeriodYear}

// Period is one declaration period.
type Period struct {
	Kind string
	Year int
	N    int // month 1–12, quarter 1–4; 0 for a year
}

// periodProblem is why a period was refused, in both languages.
var periodProblem = Text{"应为月份 2026-10、季度 2026-Q3 或年份 2026", "must be a month 2026-10, a quarter 2026-Q3 or a year 2026"}

// ParsePeriod reads "2026-10", "2026-Q3" or "2026".
func ParsePeriod(s string) (Period, error) {
	bad := errors.New(periodProblem.En)
	y, rest, _ := strings.Cut(s, "-")
	year, err := strconv.Atoi(y)
	if err != nil || len(y) != 4 || year < 2000 || year > 9998 {
		return Period{}, bad
	}
	switch {
	case rest == "" && !strings.Contains(s, "-"):
		return Period{PeriodYear, year, 0}, nil
	case len(rest) == 2 && rest[0] == 'Q' && rest[1] >= '1' && rest[1] <= '4':
		return Period{PeriodQuarter, year, int(rest[1] - '0')}, nil
	case len(rest) == 2:
		m, err := strconv.Atoi(rest)
		if err != nil || m < 1 || m > 12 {
			return Period{}, bad
		}
		return Period{PeriodMonth, year, m}, nil
	}
	return Period{}, bad
}

// String is the period as ParsePeriod reads it.
func (p Period) String() string {
	switch p.Kind {
	case PeriodMonth:
		return fmt.Sprintf("%04d-%02d", p.Year, p.N)
	case PeriodQuarter:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.N)
	}
	return fmt.Sprintf("%04d", p.Year)
}

// Start is the period's first instant.
func (p Period) Start() time.Time {
	switch p.Kind {
	case PeriodMonth:
		return time.Date(p.Year, time.Month(p.N), 1, 0, 0, 0, 0, workday.Shanghai)
	case PeriodQuarter:
		return time.Date(p.Year, time.Month(3*p.N-2), 1, 0, 0, 0, 0, workday.Shanghai)
	}
	return time.Date(p.Year, 1, 1, 0, 0, 0, 0, workday.Shanghai)
}

// End is the first instant after the period.
func (p Period) End() time.Time {
	switch p.Kind {
	case PeriodMonth:
		return p.Start().AddDate(0, 1, 0)
	case PeriodQuarter:
		return p.Start().AddDate(0, 3, 0)
	}
	return p.Start().AddDate(1, 0, 0)
}

// Due is the first instant past the declaration's deadline: the 16th of
// the month after a month or quarter, 1 April after a year.
func (p Period) Due() time.Time {
	if p.Kind == PeriodYear {
		return planDue(p.Year + 1)
	}
	return p.End().AddDate(0, 0, 15)
}

// Table is the period's table of HJ 1259 Appendix C.
func (p Period) Table() string {
	switch p.Kind {
	case PeriodMonth:
		return "C.1"
	case PeriodQuarter:
		return "C.2"
	}
	return "C.3"
}

// Prev is the period before p, of the same kind.
func (p Period) Prev() Period {
	switch p.Kind {
	case PeriodMonth:
		if p.N == 1 {
			return Period{PeriodMonth, p.Year - 1, 12}
		}
		return Period{PeriodMonth, p.Year, p.N - 1}
	case PeriodQuarter:
		if p.N == 1 {
			return Period{PeriodQuarter, p.Year - 1, 4}
		}
		return Period{PeriodQuarter, p.Year, p.N - 1}
	}
	return Period{PeriodYear, p.Year - 1, 0}
}

// months lists the period's months ("200601").
func (p Period) months() []string {
	var out []string
	for t := p.Start(); t.Before(p.End()); t = t.AddDate(0, 1, 0) {
		out = append(out, t.Format("200601"))
	}
	return out
}

// planDue is the first instant past the deadline of the plan for year:
// 1 April, 00:00 Shanghai.
func planDue(year int) time.Time { return time.Date(year, 4, 1, 0, 0, 0, 0, workday.Shanghai) }

// periodKindsOf lists the kinds of period class declares (HJ 1259 7.2).
func periodKindsOf(class string) []string {
	switch class {
	case ClassKey:
		return []string{PeriodMonth, PeriodYear}
	case ClassSimplified:
		return []string{PeriodQuarter, PeriodYear}
	case ClassRegistered:
		return []string{PeriodYear}
	}
	return nil
}

// periodsDue lists the periods of kind whose deadline passed at or before
// now, newest first, at most n.
func periodsDue(kind string, now time.Time, n int) []Period {
	t := now.In(workday.Shanghai)
	var p Period
	switch kind {
	case PeriodMonth:
		p = Period{PeriodMonth, t.Year(), int(t.Month())}
	case PeriodQuarter:
		p = Period{PeriodQuarter, t.Year(), (int(t.Month())-1)/3 + 1}
	default:
		p = Period{PeriodYear, t.Year(), 0}
	}
	var out []Period
	for len(out) < n {
		if !p.Due().After(now) {
			out = append(out, p)
		}
		p = p.Prev()
		if p.Year < 2000 {
			break
		}
	}
	return out
}
