package ledger

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/hwledger/hwledger/ledger/workday"
)

// Daily aggregates for assessment: ag/<yyyymmdd>/<party> holds the figures
// of the batches a party generated that day (Asia/Shanghai), and of the
// overdue alerts raised against it that day. Apply functions keep them, so
// an assessment over a year reads at most 366 records per party instead of
// every batch.
type dayAgg struct {
	Batches         int64
	Generated       Grams
	MedicalBatches  int64
	Medical         Grams
	Disposed        Grams // declared quantity of those batches disposed of
	MedicalDisposed Grams // the same, medical
	DisposedBatches int64
	DisposalSeconds int64 // Σ (disposed_at − generated_at)
	LatePickups     int64
	Discrepancies   int64
	OverdueAlerts   int64 // by the day the alert was raised
}

const pAgg = "ag/"

func aggKey(day time.Time, party string) []byte {
	return key(pAgg, day.In(workday.Shanghai).Format("20060102"), "/", party)
}

// bumpAgg applies fn to the aggregate of party on day.
func bumpAgg(s kv, day time.Time, party string, fn func(a *dayAgg)) error {
	k := aggKey(day, party)
	b, _, err := s.Get(k)
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

// An aggregate is stored as its fields in order, each a varint: small and
// cheap on the hot path of every registration.
func (a *dayAgg) fields() []*int64 {
	return []*int64{&a.Batches, (*int64)(&a.Generated), &a.MedicalBatches, (*int64)(&a.Medical), (*int64)(&a.Disposed),
		(*int64)(&a.MedicalDisposed), &a.DisposedBatches, &a.DisposalSeconds, &a.LatePickups, &a.Discrepancies, &a.OverdueAlerts}
}

func (a dayAgg) encode() []byte {
	b := make([]byte, 0, 32)
	for _, f := range a.fields() {
		b = binary.AppendVarint(b, *f)
	}
	return b
}

func decodeAgg(b []byte) (dayAgg, error) {
	var a dayAgg
	for _, f := range a.fields() {
		if len(b) == 0 {
			break // absent or shorter record: the rest are zero
		}
		v, n := binary.Varint(b)
		if n <= 0 {
			return a, errors.New("bad varint")
		}
		*f, b = v, b[n:]
	}
	return a, nil
}

func isOverdueKind(kind string) bool {
	switch kind {
	case AlertStorageOverdue, AlertTransitOverdue, AlertReceiptOverdue, AlertDisposalOverdue:
		return true
	}
	return false
}
