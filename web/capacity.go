package web

import (
	"fmt"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/workday"
)

// capacityUse is a receiver's licensed annual capacity as its manifests
// page draws it: one bar scaled to the refusal limit (120 % by default),
// the part received this year, then the part open manifests bring, and a
// mark at 100 %. Level is "ok", "warn" past 100 % or "over" at the limit.
type capacityUse struct {
	Shown                          bool
	CapacityT, ReceivedT, PendingT float64
	Received3, Pending3            string // tonnes to the kilogram
	Percent                        int    // received and pending, of capacity
	Received, Pending, Mark        int    // bar positions, 0..100 of the limit
	Level                          string
}

// capacityOf computes p's capacity use at now under rules.
func capacityOf(p *ledger.Party, now time.Time, rules ledger.Rules) capacityUse {
	if p == nil || p.License == nil || p.License.CapacityTonnes <= 0 {
		return capacityUse{}
	}
	received := p.ReceivedIn(now.In(workday.Shanghai).Year())
	c := capacityUse{Shown: true, CapacityT: p.License.CapacityTonnes, ReceivedT: received.Tonnes(), PendingT: p.Pending.Tonnes()}
	c.Received3, c.Pending3 = tonnes3(received), tonnes3(p.Pending)
	limit := c.CapacityT * rules.CapacityRefuse
	pos := func(t float64) int { return int(min(max(t/limit, 0), 1) * 100) }
	c.Received = pos(c.ReceivedT)
	c.Pending = pos(c.ReceivedT+c.PendingT) - c.Received
	c.Mark = pos(c.CapacityT * rules.CapacityWarn)
	used := c.ReceivedT + c.PendingT
	c.Percent = int(used / c.CapacityT * 100)
	c.Level = "ok"
	switch {
	case used >= limit:
		c.Level = "over"
	case used > c.CapacityT*rules.CapacityWarn:
		c.Level = "warn"
	}
	return c
}

// tonnes3 writes g in tonnes with three decimals, rounded to the kilogram.
func tonnes3(g ledger.Grams) string {
	kg := (int64(g) + 500) / 1000
	return fmt.Sprintf("%d.%03d", kg/1000, kg%1000)
}
