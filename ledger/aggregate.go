package ledger

import (
	"time"

	"github.com/hwledger/hwledger/ledger/workday"
)

// Daily aggregates for assessment: ag/<yyyymmdd>/<party> holds the figures
// of the batches a party generated that day (Asia/Shanghai), and of the
// overdue alerts raised against it that day. Apply functions keep them, so
// an assessment over a year reads at most 366 records per party instead of
// every batch.
type dayAgg struct {
	Batches         int64 `json:"n,omitempty"`
	Generated       Grams `json:"g,omitempty"`
	MedicalBatches  int64 `json:"mn,omitempty"`
	Medical         Grams `json:"mg,omitempty"`
	Disposed        Grams `json:"d,omitempty"`  // declared quantity of those batches disposed of
	MedicalDisposed Grams `json:"md,omitempty"` // the same, medical
	DisposedBatches int64 `json:"dn,omitempty"`
	DisposalSeconds int64 `json:"ds,omitempty"` // Σ (disposed_at − generated_at)
	LatePickups     int64 `json:"late,omitempty"`
	Discrepancies   int64 `json:"disc,omitempty"`
	OverdueAlerts   int64 `json:"oa,omitempty"` // by the day the alert was raised
}

const pAgg = "ag/"

func aggKey(day time.Time, party string) []byte {
	return key(pAgg, day.In(workday.Shanghai).Format("20060102"), "/", party)
}

// bumpAgg applies fn to the aggregate of party on day.
func bumpAgg(s kv, day time.Time, party string, fn func(a *dayAgg)) error {
	var a dayAgg
	k := aggKey(day, party)
	if _, err := getJSON(s, k, &a); err != nil {
		return err
	}
	fn(&a)
	return setJSON(s, k, a)
}

func isOverdueKind(kind string) bool {
	switch kind {
	case AlertStorageOverdue, AlertTransitOverdue, AlertReceiptOverdue, AlertDisposalOverdue:
		return true
	}
	return false
}
