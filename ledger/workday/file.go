package workday

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// LoadFile reads a calendar from a text file with one date per line:
// "YYYY-MM-DD" is a holiday, "YYYY-MM-DD work" an adjusted working day
// ("YYYY-MM-DD holiday" is also accepted). Text after '#' is a comment;
// blank lines are ignored. Errors name the file and line.
func LoadFile(path string) (*Calendar, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("workday: %w", err)
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads a calendar in the [LoadFile] format from r; name is used in
// error messages.
func Parse(r io.Reader, name string) (*Calendar, error) {
	var holidays, workdays []string
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		if _, err := parseDate(fields[0]); err != nil {
			return nil, fmt.Errorf("workday: %s:%d: %q is not a date YYYY-MM-DD", name, line, fields[0])
		}
		switch {
		case len(fields) == 1, len(fields) == 2 && strings.EqualFold(fields[1], "holiday"):
			holidays = append(holidays, fields[0])
		case len(fields) == 2 && strings.EqualFold(fields[1], "work"):
			workdays = append(workdays, fields[0])
		default:
			return nil, fmt.Errorf("workday: %s:%d: want \"YYYY-MM-DD\" or \"YYYY-MM-DD work\", got %q", name, line, strings.TrimSpace(text))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("workday: %s: %w", name, err)
	}
	c, err := New(holidays, workdays)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, name)
	}
	return c, nil
}

//go:embed data/china.txt
var defaultData string

// DefaultFile is the name of the embedded calendar data, for messages.
const DefaultFile = "data/china.txt"

var defaultCalendar = sync.OnceValue(func() *Calendar {
	c, err := Parse(strings.NewReader(defaultData), DefaultFile)
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return c
})

// Default returns the built-in calendar: China's statutory holidays and
// adjusted working days for 2025 and 2026, from embedded data. Outside
// those years it knows only weekends.
func Default() *Calendar {
	return defaultCalendar()
}
