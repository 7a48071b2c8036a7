package workday

import (
	"time"
	_ "time/tzdata" // embed the zone database so Asia/Shanghai loads on any machine
)

// Shanghai is the Asia/Shanghai location (UTC+8, no daylight saving time)
// in which days and deadlines are reckoned.
var Shanghai = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("workday: " + err.Error())
	}
	return loc
}

// date is a civil date in Shanghai, comparable and usable as a map key.
type date struct {
	y int
	m time.Month
	d int
}

// dayOf returns t's civil date in Shanghai.
func dayOf(t time.Time) date {
	y, m, d := t.In(Shanghai).Date()
	return date{y, m, d}
}

// start returns 00:00 of the date in Shanghai.
func (d date) start() time.Time {
	return time.Date(d.y, d.m, d.d, 0, 0, 0, 0, Shanghai)
}

// next returns the following date.
func (d date) next() date {
	return dayOf(time.Date(d.y, d.m, d.d+1, 12, 0, 0, 0, Shanghai))
}

// before reports whether d is earlier than e.
func (d date) before(e date) bool {
	if d.y != e.y {
		return d.y < e.y
	}
	if d.m != e.m {
		return d.m < e.m
	}
	return d.d < e.d
}

func (d date) String() string {
	return d.start().Format(dateLayout)
}

const dateLayout = "2006-01-02"

// parseDate parses "YYYY-MM-DD" strictly.
func parseDate(s string) (date, error) {
	t, err := time.ParseInLocation(dateLayout, s, Shanghai)
	if err != nil {
		return date{}, err
	}
	return dayOf(t), nil
}
