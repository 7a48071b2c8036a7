package web

import (
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
)

// The bar turns amber once a third of the limit is left: 13 h of a 48 h
// medical limit is amber, 17 h green; a year's limit is amber 4 months out.
func TestStorageClockLevels(t *testing.T) {
	rules := ledger.DefaultRules()
	gen := time.Date(2026, 3, 1, 8, 0, 0, 0, shanghai)
	med := &ledger.Waste{Status: ledger.WasteStored, Medical: true, GeneratedAt: gen, StorageDeadline: gen.Add(48 * time.Hour)}
	year := &ledger.Waste{Status: ledger.WasteStored, GeneratedAt: gen, StorageDeadline: gen.AddDate(1, 0, 0)}
	for _, c := range []struct {
		name string
		w    *ledger.Waste
		left time.Duration
		want string
	}{
		{"medical 17 h left", med, 17 * time.Hour, "ok"},
		{"medical 16 h 1 min left", med, 16*time.Hour + time.Minute, "ok"},
		{"medical 16 h left", med, 16 * time.Hour, "warn"},
		{"medical 13 h left", med, 13 * time.Hour, "warn"},
		{"medical 1 min left", med, time.Minute, "warn"},
		{"medical at the limit", med, 0, "over"},
		{"year 130 days left", year, 130 * 24 * time.Hour, "ok"},
		{"year 120 days left", year, 120 * 24 * time.Hour, "warn"},
		{"year overdue", year, -time.Hour, "over"},
	} {
		got := storageClock(c.w, c.w.StorageDeadline.Add(-c.left), rules)
		if got.Level != c.want {
			t.Errorf("%s: level %q, want %q", c.name, got.Level, c.want)
		}
	}
}
