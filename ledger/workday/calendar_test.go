package workday

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// March 2026 in Shanghai: Fri 6, Sat 7, Sun 8, Mon 9, Tue 10, Wed 11
// (configured holiday), Thu 12, Fri 13, Sat 14 (adjusted working day),
// Sun 15, Mon 16.
func testCalendar(t *testing.T) *Calendar {
	t.Helper()
	c, err := New([]string{"2026-03-11"}, []string{" 2026-03-14 "})
	require.NoError(t, err)
	return c
}

func sh(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, Shanghai)
}

func TestShanghaiZone(t *testing.T) {
	require.NotNil(t, Shanghai)
	assert.Equal(t, "Asia/Shanghai", Shanghai.String())
	_, off := time.Date(2026, 7, 1, 0, 0, 0, 0, Shanghai).Zone()
	assert.Equal(t, 8*3600, off)
}

func TestIsWorkday(t *testing.T) {
	c := testCalendar(t)
	tests := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"friday", sh(2026, 3, 6, 12, 0), true},
		{"saturday", sh(2026, 3, 7, 12, 0), false},
		{"sunday", sh(2026, 3, 8, 23, 59), false},
		{"monday", sh(2026, 3, 9, 0, 0), true},
		{"configured holiday on a wednesday", sh(2026, 3, 11, 9, 0), false},
		{"adjusted working saturday", sh(2026, 3, 14, 9, 0), true},
		{"UTC friday evening is saturday in Shanghai", time.Date(2026, 3, 6, 16, 0, 0, 0, time.UTC), false},
		{"UTC sunday evening is monday in Shanghai", time.Date(2026, 3, 8, 16, 0, 0, 0, time.UTC), true},
		{"UTC tuesday evening is the holiday in Shanghai", time.Date(2026, 3, 10, 17, 30, 0, 0, time.UTC), false},
		{"UTC friday evening is the working saturday in Shanghai", time.Date(2026, 3, 13, 20, 0, 0, 0, time.UTC), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, c.IsWorkday(tt.at))
		})
	}
}

func TestAddWorkdays(t *testing.T) {
	c := testCalendar(t)
	tests := []struct {
		name string
		from time.Time
		n    int
		want time.Time // 00:00 Shanghai of the day after the n-th working day
	}{
		{"friday +1 skips the weekend", sh(2026, 3, 6, 10, 0), 1, sh(2026, 3, 10, 0, 0)},
		{"saturday +1 is monday", sh(2026, 3, 7, 10, 0), 1, sh(2026, 3, 10, 0, 0)},
		{"tuesday +1 skips the holiday", sh(2026, 3, 10, 10, 0), 1, sh(2026, 3, 13, 0, 0)},
		{"thursday +2 counts the working saturday", sh(2026, 3, 12, 10, 0), 2, sh(2026, 3, 15, 0, 0)},
		{"friday +5 across weekend, holiday and working saturday", sh(2026, 3, 6, 23, 59), 5, sh(2026, 3, 15, 0, 0)},
		{"friday +6 lands on monday after", sh(2026, 3, 6, 0, 0), 6, sh(2026, 3, 17, 0, 0)},
		{"on the holiday itself +1", sh(2026, 3, 11, 8, 0), 1, sh(2026, 3, 13, 0, 0)},
		{"n=0 is the end of the same day", sh(2026, 3, 7, 10, 0), 0, sh(2026, 3, 8, 0, 0)},
		{"negative n is the end of the same day", sh(2026, 3, 7, 10, 0), -3, sh(2026, 3, 8, 0, 0)},
		// 16:30 UTC on Thursday is 00:30 Friday in Shanghai: the first working
		// day after is Monday, not Friday.
		{"UTC time already the next day in Shanghai", time.Date(2026, 3, 5, 16, 30, 0, 0, time.UTC), 1, sh(2026, 3, 10, 0, 0)},
		{"UTC time still the same day in Shanghai", time.Date(2026, 3, 5, 15, 59, 0, 0, time.UTC), 1, sh(2026, 3, 7, 0, 0)},
		{"month and year boundary", sh(2026, 12, 31, 12, 0), 1, sh(2027, 1, 2, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.AddWorkdays(tt.from, tt.n)
			assert.Equal(t, time.UTC, got.Location(), "deadline is returned in UTC")
			assert.True(t, tt.want.Equal(got), "want %s, got %s", tt.want.In(Shanghai), got.In(Shanghai))
		})
	}
}

func TestAddWorkdaysReturnsUTCInstant(t *testing.T) {
	c := testCalendar(t)
	got := c.AddWorkdays(sh(2026, 3, 6, 10, 0), 1)
	assert.Equal(t, time.Date(2026, 3, 9, 16, 0, 0, 0, time.UTC), got)
}

func TestWorkdaysBetween(t *testing.T) {
	c := testCalendar(t)
	tests := []struct {
		name string
		a, b time.Time
		want int
	}{
		{"same day", sh(2026, 3, 9, 8, 0), sh(2026, 3, 9, 18, 0), 0},
		{"b before a", sh(2026, 3, 12, 8, 0), sh(2026, 3, 9, 18, 0), 0},
		{"friday to monday", sh(2026, 3, 6, 8, 0), sh(2026, 3, 9, 0, 0), 1},
		{"friday to sunday", sh(2026, 3, 6, 8, 0), sh(2026, 3, 8, 23, 0), 0},
		{"monday to friday skips the holiday", sh(2026, 3, 9, 8, 0), sh(2026, 3, 13, 8, 0), 3},
		{"friday to sunday after counts the working saturday", sh(2026, 3, 6, 8, 0), sh(2026, 3, 15, 8, 0), 5},
		{"UTC b already monday in Shanghai", sh(2026, 3, 6, 8, 0), time.Date(2026, 3, 8, 16, 0, 0, 0, time.UTC), 1},
		{"UTC a already saturday in Shanghai", time.Date(2026, 3, 6, 16, 0, 0, 0, time.UTC), sh(2026, 3, 9, 8, 0), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, c.WorkdaysBetween(tt.a, tt.b))
		})
	}
}

// AddWorkdays and WorkdaysBetween agree: the deadline is the first instant
// at which n working days have fully passed.
func TestAddWorkdaysAgreesWithWorkdaysBetween(t *testing.T) {
	c := Default()
	start := sh(2025, 1, 1, 15, 0)
	for day := 0; day < 730; day += 3 {
		from := start.AddDate(0, 0, day)
		for _, n := range []int{1, 2, 5, 10} {
			dl := c.AddWorkdays(from, n)
			require.Equal(t, n, c.WorkdaysBetween(from, dl.Add(-time.Nanosecond)), "from %s n %d", from, n)
			require.Equal(t, n+boolInt(c.IsWorkday(dl)), c.WorkdaysBetween(from, dl), "from %s n %d", from, n)
			require.True(t, c.IsWorkday(dl.Add(-time.Nanosecond)), "the n-th day is a working day")
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name               string
		holidays, workdays []string
		wantErr            string
	}{
		{"bad holiday", []string{"2026-02-30"}, nil, `holiday "2026-02-30" is not a date`},
		{"bad workday", nil, []string{"2026/02/14"}, `working day "2026/02/14" is not a date`},
		{"both", []string{"2026-02-14"}, []string{"2026-02-14"}, "2026-02-14 is listed both as a holiday and as a working day"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.holidays, tt.workdays)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestEmptyCalendarIsWeekdays(t *testing.T) {
	c, err := New(nil, nil)
	require.NoError(t, err)
	assert.True(t, c.IsWorkday(sh(2026, 2, 17, 12, 0)), "no holidays configured")
	assert.False(t, c.IsWorkday(sh(2026, 2, 14, 12, 0)))
}
