package workday

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "holidays.txt")
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

func TestLoadFile(t *testing.T) {
	p := writeFile(t, `# district calendar
2026-03-11        # a holiday
2026-03-12 holiday

2026-03-14 work   # adjusted Saturday
   2026-03-15 WORK
`)
	c, err := LoadFile(p)
	require.NoError(t, err)
	tests := []struct {
		day  int
		want bool
	}{
		{10, true}, {11, false}, {12, false}, {13, true}, {14, true}, {15, true}, {16, true}, {7, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, c.IsWorkday(sh(2026, 3, tt.day, 12, 0)), "2026-03-%02d", tt.day)
	}
}

func TestLoadFileErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		wantErr string
	}{
		{"bad date", "2026-03-11\n\n2026-13-01\n", ":3: \"2026-13-01\" is not a date YYYY-MM-DD"},
		{"bad keyword", "# c\n2026-03-14 holdiay\n", `:2: want "YYYY-MM-DD" or "YYYY-MM-DD work", got "2026-03-14 holdiay"`},
		{"too many fields", "2026-03-14 work now\n", ":1: want"},
		{"conflict", "2026-03-14\n2026-03-14 work\n", "listed both as a holiday and as a working day"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, tt.content)
			_, err := LoadFile(p)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Contains(t, err.Error(), p)
		})
	}
}

func TestLoadFileMissing(t *testing.T) {
	_, err := LoadFile(filepath.Join(t.TempDir(), "nope.txt"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestDefault(t *testing.T) {
	c := Default()
	require.Same(t, c, Default(), "the default calendar is built once")
	tests := []struct {
		date string
		want bool
	}{
		{"2025-01-01", false}, // New Year
		{"2025-01-26", true},  // Sunday worked before Spring Festival
		{"2025-01-28", false}, // Spring Festival eve
		{"2025-02-04", false},
		{"2025-02-05", true},
		{"2025-02-08", true}, // Saturday worked
		{"2025-04-27", true}, // Sunday worked before Labour Day
		{"2025-05-05", false},
		{"2025-09-28", true},
		{"2025-10-08", false},
		{"2025-10-11", true},
		{"2026-01-02", false}, // New Year, Friday
		{"2026-01-04", true},  // Sunday worked
		{"2026-02-14", true},  // Saturday worked before Spring Festival
		{"2026-02-16", false},
		{"2026-02-23", false},
		{"2026-02-24", true},
		{"2026-02-28", true},
		{"2026-04-06", false},
		{"2026-05-05", false},
		{"2026-05-09", true},
		{"2026-06-19", false},
		{"2026-09-25", false},
		{"2026-09-20", true},
		{"2026-10-07", false},
		{"2026-10-10", true},
		{"2026-10-12", true},
		{"2027-02-06", false}, // outside the data: a plain Saturday
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			d, err := time.ParseInLocation("2006-01-02", tt.date, Shanghai)
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.IsWorkday(d.Add(12*time.Hour)))
		})
	}
}

// Every adjusted working day in the embedded data is a weekend day, and
// every year's working days number about 250 (China has 248-251).
func TestDefaultDataSanity(t *testing.T) {
	c := Default()
	for d := range c.workdays {
		wd := d.start().Weekday()
		assert.True(t, wd == time.Saturday || wd == time.Sunday, "%s is a %s", d, wd)
	}
	for _, y := range []int{2025, 2026} {
		n := c.WorkdaysBetween(sh(y-1, 12, 31, 12, 0), sh(y, 12, 31, 12, 0))
		assert.GreaterOrEqual(t, n, 247, "%d", y)
		assert.LessOrEqual(t, n, 251, "%d", y)
	}
	assert.True(t, strings.Contains(defaultData, "VERIFY AGAINST THE STATE COUNCIL NOTICE"))
}

func TestReceiptDeadlineExample(t *testing.T) {
	// Waste arrives Friday 2026-02-13 at 15:00; 5 working days for the
	// receiver: Sat 14 (worked), then the Spring Festival break to the 23rd,
	// then Tue 24, Wed 25, Thu 26, Fri 27 → end of Friday the 27th.
	got := Default().AddWorkdays(sh(2026, 2, 13, 15, 0), 5)
	assert.Equal(t, sh(2026, 2, 28, 0, 0).UTC(), got)
}
