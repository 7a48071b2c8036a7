package ledger

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// raisedAlert is the alert event e raised, as it opened.
func raisedAlert(e *chain.Event, d *AlertRaisedData) Alert {
	parties := d.Parties
	if parties == nil {
		parties = []string{} // "parties": [], never null
	}
	return Alert{ID: d.ID, Kind: d.Kind, Status: AlertOpen, Subject: d.Subject, SubjectType: d.SubjectType,
		Party: d.Party, Parties: parties, Street: d.Street, Message: d.Message, MessageEn: d.MessageEn, DueAt: d.DueAt,
		RaisedAt: e.OccurredAt, Ongoing: true, EventIndex: e.Index, Seq: e.Index}
}

func applyAlertRaised(s proj.Store, e *chain.Event, d *AlertRaisedData) error {
	a := raisedAlert(e, d)
	if a.DueAt != nil {
		seq, err := subjectSeq(s, a.SubjectType, a.Subject)
		if err != nil {
			return err
		}
		if err := proj.DelDeadline(s, *a.DueAt, a.Kind, a.Subject, seq); err != nil {
			return err
		}
	}
	if err := s.Set(proj.AlertCondKey(a.Kind, a.Subject), []byte(a.ID)); err != nil {
		return err
	}
	switch a.Kind {
	case AlertStorageDueSoon:
		// The warning is out: the overdue deadline is next.
		w, err := loadWaste(s, a.Subject)
		if err != nil {
			return err
		}
		if err := proj.PutDeadline(s, w.StorageDeadline, AlertStorageOverdue, w.ID, w.Seq); err != nil {
			return err
		}
	case AlertStorageOverdue, AlertDisposalOverdue, AlertCollectionOverdue:
		due := e.OccurredAt
		if a.DueAt != nil {
			due = *a.DueAt
		}
		err := updateWaste(s, a.Subject, func(w *Waste) error {
			w.OverdueSince = &due
			return nil
		})
		if err != nil {
			return err
		}
	}
	if k, _ := alertKind(a.Kind); k.Overdue && a.Party != "" {
		if err := proj.BumpAgg(s, a.RaisedAt, a.Party, func(g *proj.DayAgg) { g.OverdueAlerts++ }); err != nil {
			return err
		}
	}
	if a.Subject != "" && a.Subject != a.ID {
		if err := traceAlso(s, a.Subject, e); err != nil {
			return err
		}
	}
	if err := proj.PutNotice(s, e.Index, a.ID, a.Parties); err != nil {
		return err
	}
	return putAlert(s, nil, &a)
}

func applyAlertResolved(s proj.Store, e *chain.Event, _ *AlertResolvedData) error {
	return closeAlert(s, e, func(a *Alert) {
		at := e.OccurredAt
		a.Status, a.ResolvedAt, a.Ongoing = AlertResolved, &at, false
	})
}

// applyAlertAcked records an inspector's acknowledgement. An alert of a
// kind with a clock stays ongoing until its condition ends, and is
// resolved then (its condition is still tracked); one of a kind without a
// clock ends with the acknowledgement.
func applyAlertAcked(s proj.Store, e *chain.Event, d *AlertAcknowledgedData) error {
	return closeAlert(s, e, func(a *Alert) {
		at := e.OccurredAt
		k, _ := alertKind(a.Kind)
		a.Status, a.AckedAt, a.AckBy, a.AckNote = AlertAcknowledged, &at, e.Actor.Party, d.Note
		a.Ongoing = len(k.StoppedBy) > 0
	})
}

// closeAlert lets fn change the alert event e is about; once the alert is
// no longer ongoing its condition is no longer tracked.
func closeAlert(s proj.Store, e *chain.Event, fn func(a *Alert)) error {
	a, err := loadAlert(s, e.Subject)
	if err != nil {
		return err
	}
	before := alertIndexKeys(a)
	fn(a)
	if !a.Ongoing {
		if err := s.Delete(proj.AlertCondKey(a.Kind, a.Subject)); err != nil {
			return err
		}
	}
	if a.Subject != "" {
		if err := traceAlso(s, a.Subject, e); err != nil {
			return err
		}
	}
	if err := proj.PutNotice(s, e.Index, a.ID, a.Parties); err != nil {
		return err
	}
	return putAlert(s, before, a)
}

var systemActor = chain.Actor{Party: SystemParty, Role: string(RoleSystem)}

// raise opens an alert of kind a.Kind about a.Subject unless one is
// already open, with the subject type and the message of its kind (made
// from f). The alert is recorded by the system actor.
func (c *cmd) raise(a Alert, f alertFacts) error {
	k, ok := alertKind(a.Kind)
	if !ok {
		return fmt.Errorf("unknown alert kind %q", a.Kind)
	}
	if _, ok, err := c.tx.Get(proj.AlertCondKey(a.Kind, a.Subject)); err != nil || ok {
		return err
	}
	msg := k.message(f)
	d := AlertRaisedData{ID: c.s.newID(), Kind: a.Kind, Subject: a.Subject, SubjectType: k.Subject, Party: a.Party,
		Parties: a.Parties, Street: a.Street, Message: msg.Zh, MessageEn: msg.En, DueAt: a.DueAt}
	_, err := c.emitAs(systemActor, EvAlertRaised, d.ID, c.now, d)
	return err
}

// resolve closes the open alert of kind about subject, if there is one.
func (c *cmd) resolve(kind, subject string, at time.Time) error {
	id, ok, err := c.tx.Get(proj.AlertCondKey(kind, subject))
	if err != nil || !ok {
		return err
	}
	if at.Before(c.now) {
		at = c.now
	}
	_, err = c.emitAs(systemActor, EvAlertResolved, string(id), at, AlertResolvedData{Kind: kind, Subject: subject})
	return err
}

// AckAlert records an inspector's acknowledgement of an open alert.
func (s *Service) AckAlert(ctx context.Context, p Principal, id string, in AckInput) (*Alert, error) {
	p, err := p.actAs(RoleInspector, "only an inspector acknowledges alerts")
	if err != nil {
		return nil, err
	}
	in.Note = strings.TrimSpace(in.Note)
	if err := ValidateInput(&in); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Alert, error) {
		a, err := loadAlert(c.tx, id)
		if err != nil {
			return nil, err
		}
		if a.Status != AlertOpen {
			return nil, transitionErr(Text{"确认预警", "acknowledge an alert"}, a.Status)
		}
		occurred, err := c.occurred(in.OccurredAt, a.RaisedAt)
		if err != nil {
			return nil, err
		}
		if _, err := c.emit(EvAlertAcked, a.ID, occurred, AlertAcknowledgedData{Kind: a.Kind, Subject: a.Subject, Note: in.Note}); err != nil {
			return nil, err
		}
		return loadAlert(c.tx, id)
	})
}

// Sweep raises an alert for every deadline that has passed. It runs on
// start, every minute and after a test-clock advance; its cost is
// proportional to what is due.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := exec(ctx, s, Principal{}, func(c *cmd) (int, error) { return c.sweep(200) })
		total += n
		if err != nil {
			return total, err
		}
		if n < 200 {
			m, err := s.sweepCalendar(ctx)
			return total + m, err
		}
	}
}

// sweep raises alerts for up to max due deadline entries. Entries whose
// alert is already open are passed over (they are consumed when that alert
// is raised again after it closes, or stay harmlessly), so a sweep always
// makes progress and ends.
func (c *cmd) sweep(max int) (int, error) {
	raised := 0
	err := proj.DueDeadlines(c.tx, c.now, func(d proj.Deadline) error {
		if raised >= max {
			return errStop
		}
		ok, err := c.fire(d.Kind, d.Subject)
		if ok {
			raised++
		}
		return err
	})
	if err != nil && err != errStop {
		return 0, err
	}
	return raised, nil
}

// sweepSubject raises at once any storage alert already due for w (a batch
// registered late, or returned to storage by a cancelled manifest): only
// for deadlines still in the index.
func (c *cmd) sweepSubject(w *Waste) error {
	for _, k := range []struct {
		at   time.Time
		kind string
	}{{w.StorageWarnAt, AlertStorageDueSoon}, {w.StorageDeadline, AlertStorageOverdue}} {
		if k.at.After(c.now) {
			continue
		}
		if ok, err := proj.HasDeadline(c.tx, k.at, k.kind, w.ID, w.Seq); err != nil || !ok {
			if err != nil {
				return err
			}
			continue
		}
		if _, err := c.fire(k.kind, w.ID); err != nil {
			return err
		}
	}
	return nil
}

// fire raises the alert for one due deadline entry and reports whether it
// did. An entry whose alert is already open, or whose subject has left
// that clock, raises nothing.
func (c *cmd) fire(kind, subject string) (bool, error) {
	if _, open, err := c.tx.Get(proj.AlertCondKey(kind, subject)); err != nil || open {
		return false, err
	}
	k, ok := alertKind(kind)
	if !ok || k.due == nil {
		return false, fmt.Errorf("unknown deadline kind %q", kind)
	}
	a, f, ok, err := k.due(c, subject)
	if err != nil || !ok {
		return false, err
	}
	a.Kind = kind
	if err := c.raise(a, f); err != nil {
		return false, err
	}
	if k.Supersedes != "" {
		return true, c.resolve(k.Supersedes, subject, c.now)
	}
	if kind == AlertStorageDueSoon && !f.w.StorageDeadline.After(c.now) {
		// Already past the limit too (a late registration, a long
		// outage): the overdue deadline just indexed is due now.
		_, err := c.fire(AlertStorageOverdue, subject)
		return true, err
	}
	return true, nil
}

// raiseDiscrepancy opens a significant-discrepancy alert for a receipt.
func (c *cmd) raiseDiscrepancy(m *Manifest, detail Text) error {
	gen, err := loadParty(c.tx, m.Generator)
	if err != nil {
		return err
	}
	return c.raise(Alert{Kind: AlertDiscrepancy, Subject: m.ID, Party: m.Receiver,
		Parties: []string{m.Generator, m.Receiver}, Street: gen.Street}, alertFacts{m: m, detail: detail})
}

// checkCapacity warns when a receiver has passed its annual capacity.
func (c *cmd) checkCapacity(receiver string) error {
	r, err := loadParty(c.tx, receiver)
	if err != nil || r.License == nil {
		return err
	}
	capacity := KgToGrams(r.License.CapacityTonnes * 1000)
	if float64(r.ReceivedThisYear) <= c.s.rules.CapacityWarn*float64(capacity) {
		return nil
	}
	return c.raise(Alert{Kind: AlertCapacity, Subject: fmt.Sprintf("%s-%d", r.ID, r.ReceivedYear),
		Party: r.ID, Parties: []string{r.ID}, Street: r.Street}, alertFacts{p: r})
}

// RaiseIntegrity opens an integrity alert (the background verification
// found a fault). message says what is wrong.
func (s *Service) RaiseIntegrity(ctx context.Context, message string) error {
	_, err := exec(ctx, s, Principal{}, func(c *cmd) (struct{}, error) {
		return struct{}{}, c.raise(Alert{Kind: AlertIntegrity, Subject: SubjectLedger, Party: SystemParty},
			alertFacts{detail: Text{message, message}})
	})
	return err
}
