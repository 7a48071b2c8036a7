package ledger

import (
	"cmp"
	"sort"
	"strings"
)

// notDisposed lists the statuses of a batch not (yet) disposed of.
var notDisposed = []string{WasteStored, WasteManifested, WasteInTransit, WasteDelivered, WasteReceived, WasteRejected}

// assessSort maps each sortable column (its JSON name) to a comparison of
// two rows in ascending order.
var assessSort = map[string]func(a, b *AssessRow) int{
	"rank":                  func(a, b *AssessRow) int { return cmp.Compare(a.Rank, b.Rank) },
	"name":                  func(a, b *AssessRow) int { return strings.Compare(a.Name, b.Name) },
	"street":                func(a, b *AssessRow) int { return strings.Compare(a.Street, b.Street) },
	"batches":               func(a, b *AssessRow) int { return cmp.Compare(a.Batches, b.Batches) },
	"generated_kg":          func(a, b *AssessRow) int { return cmp.Compare(a.GeneratedKg, b.GeneratedKg) },
	"medical_generated_kg":  func(a, b *AssessRow) int { return cmp.Compare(a.MedicalGeneratedKg, b.MedicalGeneratedKg) },
	"due_batches":           func(a, b *AssessRow) int { return cmp.Compare(a.DueBatches, b.DueBatches) },
	"due_kg":                func(a, b *AssessRow) int { return cmp.Compare(a.DueKg, b.DueKg) },
	"disposed_kg":           func(a, b *AssessRow) int { return cmp.Compare(a.DisposedKg, b.DisposedKg) },
	"disposal_rate":         func(a, b *AssessRow) int { return cmp.Compare(a.DisposalRate, b.DisposalRate) },
	"medical_disposal_rate": func(a, b *AssessRow) int { return cmp.Compare(a.MedicalDisposalRate, b.MedicalDisposalRate) },
	"on_time_rate":          func(a, b *AssessRow) int { return cmp.Compare(a.OnTimeRate, b.OnTimeRate) },
	"overdue_alerts":        func(a, b *AssessRow) int { return cmp.Compare(a.OverdueAlerts, b.OverdueAlerts) },
	"open_alerts":           func(a, b *AssessRow) int { return cmp.Compare(a.OpenAlerts, b.OpenAlerts) },
	"discrepancies":         func(a, b *AssessRow) int { return cmp.Compare(a.Discrepancies, b.Discrepancies) },
	"avg_days_to_disposal":  func(a, b *AssessRow) int { return cmp.Compare(a.AvgDaysToDisposal, b.AvgDaysToDisposal) },
	"score":                 func(a, b *AssessRow) int { return cmp.Compare(a.Score, b.Score) },
}

// AssessSortKeys lists the values AssessQuery.Sort accepts (each also with
// a leading "-" for descending order).
var AssessSortKeys = []string{"rank", "name", "street", "batches", "generated_kg", "medical_generated_kg",
	"due_batches", "due_kg", "disposed_kg", "disposal_rate", "medical_disposal_rate", "on_time_rate", "overdue_alerts",
	"open_alerts", "discrepancies", "avg_days_to_disposal", "score"}

// sortRows orders ranked rows by key (a valid AssessQuery.Sort); rows equal
// in that column keep rank order.
func sortRows(rows []AssessRow, key string) {
	desc := strings.HasPrefix(key, "-")
	by := assessSort[strings.TrimPrefix(key, "-")]
	sort.SliceStable(rows, func(i, j int) bool {
		c := by(&rows[i], &rows[j])
		if desc {
			c = -c
		}
		if c != 0 {
			return c < 0
		}
		return rows[i].Rank < rows[j].Rank
	})
}
