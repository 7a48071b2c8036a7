package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/hwledger/hwledger/ledger"
)

// reviewAge is how long ago a discrepancy must have been found for the
// inspector to have reviewed it already.
const reviewAge = 14 * day

// reviewNote is the inspector's note on a reviewed discrepancy.
const reviewNote = "已核实：接收单位已书面告知产废单位并报备，差异原因已查明，按实收量入账。"

// reviewDiscrepancies has the inspector acknowledge the discrepancy alerts
// of manifests received more than [reviewAge] before now, as an inspector
// working through the inbox would have; recent ones stay open.
func reviewDiscrepancies(ctx context.Context, s *ledger.Service, inspector ledger.Principal, now time.Time) error {
	var old []*ledger.Alert
	pg := ledger.Page{Limit: 500}
	for {
		l, err := s.Alerts(ctx, inspector, ledger.AlertFilter{Kind: ledger.AlertDiscrepancy, Status: ledger.AlertOpen}, pg)
		if err != nil {
			return fmt.Errorf("demo: list discrepancies: %w", err)
		}
		for _, a := range l.Items {
			m, err := s.Manifest(ctx, inspector, a.Subject)
			if err != nil {
				return fmt.Errorf("demo: manifest of alert %s: %w", a.ID, err)
			}
			if m.ReceivedAt != nil && m.ReceivedAt.Before(now.Add(-reviewAge)) {
				old = append(old, a)
			}
		}
		if l.NextCursor == "" {
			break
		}
		pg.Cursor = l.NextCursor
	}
	return parallel(ctx, old, func(ctx context.Context, a *ledger.Alert) error {
		if _, err := s.AckAlert(ctx, inspector, a.ID, ledger.AckInput{Note: reviewNote}); err != nil {
			return fmt.Errorf("demo: acknowledge alert %s: %w", a.ID, err)
		}
		return nil
	})
}
