package workday

import (
	"fmt"
	"strings"
	"time"
)

// Calendar knows which days are working days: Monday to Friday except its
// holidays, plus its adjusted working days (weekend days declared working
// days). The zero value is not usable; build one with [New], [LoadFile] or
// [Default]. A Calendar is immutable and safe for concurrent use.
type Calendar struct {
	holidays map[date]bool
	workdays map[date]bool
}

// New builds a calendar from holiday dates and adjusted working days, each
// "YYYY-MM-DD" (surrounding spaces ignored). A malformed date, or a date
// listed as both a holiday and a working day, is an error naming it.
func New(holidays, extraWorkdays []string) (*Calendar, error) {
	c := &Calendar{holidays: map[date]bool{}, workdays: map[date]bool{}}
	for _, s := range holidays {
		d, err := parseDate(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("workday: holiday %q is not a date YYYY-MM-DD", s)
		}
		c.holidays[d] = true
	}
	for _, s := range extraWorkdays {
		d, err := parseDate(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("workday: working day %q is not a date YYYY-MM-DD", s)
		}
		if c.holidays[d] {
			return nil, fmt.Errorf("workday: %s is listed both as a holiday and as a working day", d)
		}
		c.workdays[d] = true
	}
	return c, nil
}

// IsWorkday reports whether t's day in Shanghai is a working day: an
// adjusted working day, or Monday to Friday and not a holiday.
func (c *Calendar) IsWorkday(t time.Time) bool {
	return c.isWorkday(dayOf(t))
}

func (c *Calendar) isWorkday(d date) bool {
	if c.workdays[d] {
		return true
	}
	if c.holidays[d] {
		return false
	}
	wd := d.start().Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkdays returns the deadline n working days after t: the end (24:00
// Shanghai, i.e. the next day's 00:00) of the n-th working day strictly after
// t's day in Shanghai, in UTC. So a receipt confirmed "within 5 working days"
// of an arrival at t is on time if it happens before AddWorkdays(t, 5).
// For n <= 0 it returns the end of t's own day.
func (c *Calendar) AddWorkdays(t time.Time, n int) time.Time {
	d := dayOf(t)
	for n > 0 {
		d = d.next()
		if c.isWorkday(d) {
			n--
		}
	}
	return d.next().start().UTC()
}

// WorkdaysBetween counts the working days strictly after a's day up to and
// including b's day (days in Shanghai). It is 0 when b's day is not after
// a's day. For n > 0, WorkdaysBetween(t, AddWorkdays(t, n).Add(-1)) == n.
func (c *Calendar) WorkdaysBetween(a, b time.Time) int {
	d, end := dayOf(a), dayOf(b)
	n := 0
	for d.before(end) {
		d = d.next()
		if c.isWorkday(d) {
			n++
		}
	}
	return n
}
