package web

import (
	"time"

	"github.com/hwledger/hwledger/ledger"
)

// warnFraction is the part of a storage limit left when its bar turns amber.
const warnFraction = 1.0 / 3

// deadline is a batch's storage clock as the inventory draws it: a bar of
// the fraction of allowed storage time used, green while more than a third
// of the limit is left (warnFraction), amber from then on (16 h before the
// 48 h medical limit, about four months before a year; earlier still if
// the ledger's own early warning, Rules.StorageWarnBefore or
// MedicalWarnBefore, is longer), red once overdue.
type deadline struct {
	Shown bool   // the batch is still held by its generator
	Width int    // 0..100, bar length in percent
	Level string // "ok", "warn" or "over"
	Hours int    // hours left (negative when overdue)
}

// DaysLeft is Hours in whole days.
func (d deadline) DaysLeft() int { return d.Hours / 24 }

// Abs is the magnitude of Hours, for "overdue by".
func (d deadline) Abs() int {
	if d.Hours < 0 {
		return -d.Hours
	}
	return d.Hours
}

// storageClock computes the clock of w at now under rules.
func storageClock(w *ledger.Waste, now time.Time, rules ledger.Rules) deadline {
	switch w.Status {
	case ledger.WasteStored, ledger.WasteManifested, ledger.WasteRejected:
	default:
		return deadline{}
	}
	total := w.StorageDeadline.Sub(w.GeneratedAt)
	if total <= 0 {
		return deadline{}
	}
	used := now.Sub(w.GeneratedAt)
	frac := float64(used) / float64(total)
	d := deadline{Shown: true, Width: int(min(max(frac, 0), 1) * 100), Level: "ok",
		Hours: int(w.StorageDeadline.Sub(now).Hours())}
	warn := rules.StorageWarnBefore
	if w.Medical {
		warn = rules.MedicalWarnBefore
	}
	warn = max(warn, time.Duration(float64(total)*warnFraction))
	switch {
	case !now.Before(w.StorageDeadline):
		d.Level = "over"
	case !now.Before(w.StorageDeadline.Add(-warn)):
		d.Level = "warn"
	}
	if d.Width < 2 {
		d.Width = 2 // keep a visible sliver
	}
	return d
}
