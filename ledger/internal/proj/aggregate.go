package proj

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// DayAgg holds the figures of the batches a party generated on one day
// (Asia/Shanghai), and of the overdue alerts raised against it that day.
// Apply functions keep them, so an assessment over a year reads at most
// 366 records per party instead of every batch. Quantities are grams.
type DayAgg struct {
	Batches         int64
	Generated       int64
	MedicalBatches  int64
	Medical         int64
	Disposed        int64 // declared quantity of those batches disposed of
	MedicalDisposed int64 // the same, medical
	DisposedBatches int64
	DisposalSeconds int64 // Σ (disposed_at − generated_at)
	LatePickups     int64
	Discrepancies   int64
	OverdueAlerts   int64 // by the day the alert was raised
}

// BumpAgg applies fn to the aggregate of party on day.
func BumpAgg(s Store, day time.Time, party string, fn func(a *DayAgg)) error {
	k := aggKey(day, party)
	b, _, err := s.Peek(k)
	if err != nil {
		return err
	}
	a, err := decodeAgg(b)
	if err != nil {
		return fmt.Errorf("corrupt aggregate %q: %w", k, err)
	}
	fn(&a)
	return s.Set(k, a.encode())
}

// EachDayAgg calls fn with the aggregates of the days first to last
// (yyyymmdd, inclusive), day by day.
func (r *Snapshot) EachDayAgg(first, last string, fn func(party string, a DayAgg) error) error {
	err := r.scanFrom([]byte(prefixAgg), []byte(prefixAgg+first), func(k, v []byte) error {
		rest := k[len(prefixAgg):]
		if len(rest) < 9 {
			return fmt.Errorf("corrupt aggregate key %q", k)
		}
		if string(rest[:8]) > last {
			return errEnd
		}
		a, err := decodeAgg(v)
		if err != nil {
			return fmt.Errorf("corrupt aggregate %q: %w", k, err)
		}
		return fn(string(rest[9:]), a)
	})
	if err == errEnd {
		return nil
	}
	return err
}

// fields are the aggregate's fields in their stored order.
func (a *DayAgg) fields() []*int64 {
	return []*int64{&a.Batches, &a.Generated, &a.MedicalBatches, &a.Medical, &a.Disposed,
		&a.MedicalDisposed, &a.DisposedBatches, &a.DisposalSeconds, &a.LatePickups, &a.Discrepancies, &a.OverdueAlerts}
}

func (a DayAgg) encode() []byte {
	b := make([]byte, 0, 32)
	for _, f := range a.fields() {
		b = binary.AppendVarint(b, *f)
	}
	return b
}

// decodeAgg decodes a stored aggregate (nil: none yet, all zero).
func decodeAgg(b []byte) (DayAgg, error) {
	var a DayAgg
	if len(b) == 0 {
		return a, nil
	}
	for _, f := range a.fields() {
		v, n := binary.Varint(b)
		if n <= 0 {
			return a, errors.New("bad varint")
		}
		*f, b = v, b[n:]
	}
	if len(b) != 0 {
		return a, errors.New("trailing bytes")
	}
	return a, nil
}
