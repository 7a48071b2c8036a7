package ledger

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/workday"
)

// Receive confirms receipt with one line per batch. A weight difference
// beyond the tolerance, a different container count or a rejection is a
// significant discrepancy (重大差异) and raises an alert. Rejected batches
// stay with the receiver that refused them, on the rejection clock, until
// they leave on a return or redirect manifest (or a new manifest of their
// generator). On a return the generator takes every batch back.
func (s *Service) Receive(ctx context.Context, p Principal, id string, in ReceiveInput) (*Manifest, error) {
	if !p.HasAny(RoleReceiver, RoleCollector, RoleGenerator) {
		return nil, fmt.Errorf("%w: only a receiver, or a generator taking back a return, confirms receipt", ErrForbidden)
	}
	f := fieldErrors{}
	checkTags(f, &in)
	for i, l := range in.Lines {
		if l.Accepted != nil && *l.Accepted && l.Received <= 0 {
			f.add(fmt.Sprintf("lines[%d].received_kg", i), Text{"接收的批次实收重量应大于 0", "must be greater than 0 for an accepted batch"})
		}
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Manifest, error) {
		m, err := c.visibleManifest(id)
		if err != nil {
			return nil, err
		}
		if m.Receiver != p.Party {
			return nil, ruleErr(Text{"只有联单 %s 上的接收单位可以确认接收", "only the receiver named on manifest %s may confirm receipt"}, m.Number)
		}
		c.p.acting = orCollector(p, RoleReceiver)
		if m.Kind == ManifestReturn {
			c.p.acting = RoleGenerator // the generator takes its batches back
		}
		if m.Status != ManifestDelivered {
			return nil, transitionErr(Text{"确认接收", "confirm receipt"}, m.Status)
		}
		byID := map[string]ReceiveLine{}
		for i, l := range in.Lines {
			if _, dup := byID[l.WasteID]; dup {
				return nil, invalid(fmt.Sprintf("lines[%d].waste_id", i), Text{"批次 %s 填了两次", "batch %s is listed twice"}, l.WasteID)
			}
			if !contains(m.WasteIDs, l.WasteID) {
				return nil, invalid(fmt.Sprintf("lines[%d].waste_id", i), Text{"批次 %s 不在本联单上", "batch %s is not on this manifest"}, l.WasteID)
			}
			byID[l.WasteID] = l
		}
		if len(byID) != len(m.WasteIDs) {
			return nil, invalid("lines", Text{"请为全部 %d 个批次各填一行", "give one line for each of the %d batches"}, len(m.WasteIDs))
		}
		if m.Kind == ManifestReturn {
			for i, l := range in.Lines {
				if !*l.Accepted {
					return nil, invalid(fmt.Sprintf("lines[%d].accepted", i), Text{"退回的批次由产生单位收回，不能拒收", "a returned batch is taken back by its generator: it cannot be refused"})
				}
			}
		}
		occurred, err := c.occurred(in.OccurredAt, m.LastOccurredAt)
		if err != nil {
			return nil, err
		}
		d := ManifestReceivedData{DisposalDue: occurred.Add(s.rules.Disposal), Year: occurred.In(workday.Shanghai).Year()}
		if m.Kind != ManifestReturn {
			recv, err := loadParty(c.tx, m.Receiver)
			if err != nil {
				return nil, err
			}
			if recv.Collects() {
				due := s.cal.AddWorkdays(occurred, s.rules.CollectionWorkdays)
				d.CollectionDue = &due
			}
		}
		var problems []Text
		for _, wid := range m.WasteIDs {
			w, err := loadWaste(c.tx, wid)
			if err != nil {
				return nil, err
			}
			in := byID[wid]
			l := ReceiptLine{WasteID: wid, Received: in.Received, ContainerCount: in.ContainerCount, Accepted: *in.Accepted,
				Note: strings.TrimSpace(in.Note), Declared: w.Quantity}
			diff := float64(l.Received - w.Quantity)
			if diff < 0 {
				diff = -diff
			}
			l.Discrepancy = !l.Accepted || diff > s.rules.WeightTolerance*float64(w.Quantity) || l.ContainerCount != w.Container.Count
			if l.Discrepancy {
				problems = append(problems, discrepancyText(w, l))
			}
			switch {
			case !l.Accepted && d.RejectionDue == nil:
				due := s.cal.AddWorkdays(occurred, s.rules.RejectionWorkdays)
				d.RejectionDue = &due
			case l.Accepted && w.Medical && m.Kind != ManifestReturn && d.MedicalDisposalDue == nil:
				due := occurred.Add(s.rules.MedicalDisposal)
				d.MedicalDisposalDue = &due
			}
			d.Lines = append(d.Lines, ReceiptLineData(l))
		}
		if _, err := c.emit(EvManifestReceived, m.ID, occurred, d); err != nil {
			return nil, err
		}
		if err := c.stopManifestClocks(EvManifestReceived, m, occurred); err != nil {
			return nil, err
		}
		if len(problems) > 0 {
			if err := c.raiseDiscrepancy(m, joinTexts(problems)); err != nil {
				return nil, err
			}
		}
		if err := c.checkCapacity(m.Receiver); err != nil {
			return nil, err
		}
		if err := c.closeIfDone(m.ID, occurred); err != nil {
			return nil, err
		}
		return c.manifest(m.ID)
	})
}

// discrepancyText says how line l of batch w differs from what was declared.
func discrepancyText(w *Waste, l ReceiptLine) Text {
	switch {
	case !l.Accepted:
		return Text{fmt.Sprintf("%s 被拒收", w.Label), fmt.Sprintf("%s rejected", w.Label)}
	case l.ContainerCount != w.Container.Count:
		return Text{fmt.Sprintf("%s 容器数 %d≠%d", w.Label, l.ContainerCount, w.Container.Count),
			fmt.Sprintf("%s: %d containers, not %d", w.Label, l.ContainerCount, w.Container.Count)}
	default:
		return Text{fmt.Sprintf("%s 重量 %s kg≠%s kg", w.Label, kgString(l.Received), kgString(w.Quantity)),
			fmt.Sprintf("%s: %s kg, not %s kg", w.Label, kgString(l.Received), kgString(w.Quantity))}
	}
}

// joinTexts joins texts as a list in each language.
func joinTexts(ts []Text) Text {
	var zh, en []string
	for _, t := range ts {
		zh, en = append(zh, t.Zh), append(en, t.En)
	}
	return Text{strings.Join(zh, "；"), strings.Join(en, "; ")}
}

// closeIfDone closes a received manifest whose batches are all disposed of
// or rejected.
func (c *cmd) closeIfDone(manifestID string, at time.Time) error {
	if manifestID == "" {
		return nil
	}
	m, err := loadManifest(c.tx, manifestID)
	if err != nil {
		return err
	}
	if m.Status != ManifestReceived {
		return nil
	}
	for _, id := range m.WasteIDs {
		w, err := loadWaste(c.tx, id)
		if err != nil {
			return err
		}
		if w.Status != WasteDisposed && w.Status != WasteRejected && w.Status != WasteConsolidated && w.ManifestID == m.ID {
			return nil
		}
	}
	_, err = c.emitAs(chain.Actor{Party: SystemParty, Role: string(RoleSystem)}, EvManifestClosed, m.ID, at, ManifestClosedData{Number: m.Number})
	return err
}
