package proj

import "fmt"

// Counts are district totals the apply functions keep, so the dashboard
// counts without reading records: the number of batches in each status
// (named by the status), and CountOverdue. A count is a be64: it changes
// with nearly every event.

// CountOverdue names the count of the batches in WastesOverdue.
const CountOverdue = "overdue"

// BumpCount changes count name by d.
func BumpCount(s Store, name string, d int) error {
	n, err := Count(s, name)
	if err != nil {
		return err
	}
	return s.Set(countKey(name), []byte(be64(uint64(n+d))))
}

// Count reads count name (0 when none).
func Count(s Store, name string) (int, error) {
	b, ok, err := s.Peek(countKey(name))
	if err != nil || !ok {
		return 0, err
	}
	if len(b) != 8 {
		return 0, fmt.Errorf("corrupt count of %s", name)
	}
	return int(int64(fromBe64(b))), nil
}
