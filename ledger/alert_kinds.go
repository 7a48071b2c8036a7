package ledger

import (
	"fmt"
	"slices"
	"time"

	"github.com/hwledger/hwledger/ledger/workday"
)

// Alert kinds.
const (
	AlertStorageDueSoon  = "storage_due_soon"
	AlertStorageOverdue  = "storage_overdue"
	AlertTransitOverdue  = "transit_overdue"
	AlertReceiptOverdue  = "receipt_overdue"
	AlertDisposalOverdue = "disposal_overdue"
	AlertDiscrepancy     = "discrepancy"
	AlertCapacity        = "capacity_warning"
	AlertTrackGap        = "track_gap"
	AlertIntegrity       = "integrity"
	// AlertRejectionUnresolved: rejected batches have not left the
	// receiver that refused them within the rejection limit.
	AlertRejectionUnresolved = "rejection_unresolved"
	// The generator's filings (HJ 1259-2022): no plan by 31 March, a
	// year's transfers of a code past the plan's forecast, a declaration
	// not filed by its deadline.
	AlertPlanMissing        = "plan_missing"
	AlertPlanExceeded       = "plan_exceeded"
	AlertDeclarationOverdue = "declaration_overdue"
	// AlertCollectionOverdue: a collector has kept a batch past the
	// collection limit without passing it on.
	AlertCollectionOverdue = "collection_overdue"
	// AlertPaperLate: a manifest entered from paper (补录) was entered
	// more than 10 working days after its pickup (办法 Art 20).
	AlertPaperLate = "paper_late"
)

// What an alert is about (Alert.SubjectType).
const (
	SubjectWaste    = "waste"
	SubjectManifest = "manifest"
	SubjectParty    = "party"
	SubjectLedger   = "ledger"
)

// Text is a message in Simplified Chinese and in English.
type Text struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// AlertKind is one row of the table of alert kinds.
type AlertKind struct {
	Kind  string
	Title Text
	// Subject is the type of what its alerts are about (SubjectWaste...).
	Subject string
	// StartedBy lists the event types that start (or restart) its clock,
	// a deadline in the event's data; nil for a kind raised at once.
	StartedBy []string
	// StoppedBy lists the event types about its subject that resolve an
	// open alert of the kind (a position only when it closes the gap). An
	// inspector may acknowledge any open alert; kinds without a clock end
	// only so.
	StoppedBy []string
	// Overdue: its alerts count as overdue alerts in the assessment.
	Overdue bool
	// Supersedes is the kind an alert of this kind resolves when raised.
	Supersedes string
	// due builds the alert for a passed deadline of a kind with a clock,
	// and the facts of its message; ok is false when the subject has left
	// that clock.
	due func(c *cmd, subject string) (a Alert, f alertFacts, ok bool, err error)
	// message says what is wrong.
	message func(f alertFacts) Text
}

// alertFacts is what an alert's message is made from; each kind uses the
// fields of its subject.
type alertFacts struct {
	w        *Waste
	m        *Manifest
	p        *Party
	detail   Text
	workdays int
}

// alertKinds is the table of alert kinds, in the order lists show them.
var alertKinds = []AlertKind{
	{Kind: AlertStorageDueSoon, Title: Text{"贮存即将到期", "Storage due soon"}, Subject: SubjectWaste,
		StartedBy: []string{EvWasteRegistered, EvManifestCancel}, StoppedBy: []string{EvManifestPickedUp},
		due: func(c *cmd, id string) (Alert, alertFacts, bool, error) {
			return c.storageAlert(id, func(w *Waste) time.Time { return w.StorageWarnAt })
		},
		message: func(f alertFacts) Text {
			at := shanghaiMinute(f.w.StorageDeadline)
			return Text{fmt.Sprintf("%s（%s）贮存将于 %s 到期", f.w.Name, f.w.Label, at),
				fmt.Sprintf("%s (%s): the storage limit ends at %s", f.w.Name, f.w.Label, at)}
		}},
	{Kind: AlertStorageOverdue, Title: Text{"贮存超期", "Storage overdue"}, Subject: SubjectWaste,
		StartedBy: []string{EvWasteRegistered, EvManifestCancel}, StoppedBy: []string{EvManifestPickedUp},
		Overdue: true, Supersedes: AlertStorageDueSoon,
		due: func(c *cmd, id string) (Alert, alertFacts, bool, error) {
			return c.storageAlert(id, func(w *Waste) time.Time { return w.StorageDeadline })
		},
		message: func(f alertFacts) Text {
			at := shanghaiMinute(f.w.StorageDeadline)
			return Text{fmt.Sprintf("%s（%s）已超过贮存期限 %s", f.w.Name, f.w.Label, at),
				fmt.Sprintf("%s (%s): stored past its limit of %s", f.w.Name, f.w.Label, at)}
		}},
	{Kind: AlertTransitOverdue, Title: Text{"运输超时", "Transit overdue"}, Subject: SubjectManifest,
		StartedBy: []string{EvManifestPickedUp}, StoppedBy: []string{EvManifestDeliver}, Overdue: true,
		due: func(c *cmd, id string) (Alert, alertFacts, bool, error) {
			return c.manifestAlert(id, func(m *Manifest) *time.Time { return m.TransitDue })
		},
		message: func(f alertFacts) Text {
			return Text{fmt.Sprintf("联单 %s 运输超时未送达", f.m.Number),
				fmt.Sprintf("manifest %s: in transit too long, not delivered", f.m.Number)}
		}},
	{Kind: AlertReceiptOverdue, Title: Text{"接收确认超时", "Receipt overdue"}, Subject: SubjectManifest,
		StartedBy: []string{EvManifestDeliver}, StoppedBy: []string{EvManifestReceived}, Overdue: true,
		due: func(c *cmd, id string) (Alert, alertFacts, bool, error) {
			a, f, ok, err := c.manifestAlert(id, func(m *Manifest) *time.Time { return m.ReceiptDue })
			if ok {
				a.Party = f.m.Receiver // the receiver must act
			}
			return a, f, ok, err
		},
		message: func(f alertFacts) Text {
			return Text{fmt.Sprintf("联单 %s 送达后 %d 个工作日内未确认接收", f.m.Number, f.workdays),
				fmt.Sprintf("manifest %s: receipt not confirmed within %d working days of delivery", f.m.Number, f.workdays)}
		}},
	{Kind: AlertDisposalOverdue, Title: Text{"处置超期", "Disposal overdue"}, Subject: SubjectWaste,
		StartedBy: []string{EvManifestReceived}, StoppedBy: []string{EvWasteDisposed}, Overdue: true,
		due: func(c *cmd, id string) (Alert, alertFacts, bool, error) {
			w, err := loadWaste(c.tx, id)
			if err != nil {
				return Alert{}, alertFacts{}, false, err
			}
			return Alert{Subject: w.ID, SubjectType: SubjectWaste, Party: w.Receiver, Parties: []string{w.Receiver, w.Generator},
				Street: w.Street, DueAt: w.DisposalDeadline}, alertFacts{w: w}, true, nil
		},
		message: func(f alertFacts) Text {
			at := ""
			if f.w.DisposalDeadline != nil {
				at = shanghaiMinute(*f.w.DisposalDeadline)
			}
			return Text{fmt.Sprintf("%s（%s）超过利用处置期限 %s 仍未利用处置", f.w.Name, f.w.Label, at),
				fmt.Sprintf("%s (%s): not utilised or disposed of by its limit of %s", f.w.Name, f.w.Label, at)}
		}},
	{Kind: AlertDiscrepancy, Title: Text{"重大差异", "Significant discrepancy"}, Subject: SubjectManifest,
		message: func(f alertFacts) Text {
			return Text{fmt.Sprintf("联单 %s 重大差异：%s", f.m.Number, f.detail.Zh),
				fmt.Sprintf("manifest %s: significant discrepancy: %s", f.m.Number, f.detail.En)}
		}},
	{Kind: AlertCapacity, Title: Text{"超出核准能力", "Capacity warning"}, Subject: SubjectParty,
		message: func(f alertFacts) Text {
			got, capacity := f.p.ReceivedThisYear.Tonnes(), f.p.License.CapacityTonnes
			return Text{fmt.Sprintf("%s %d 年接收量 %.3f t 已超过许可能力 %g t", f.p.Name, f.p.ReceivedYear, got, capacity),
				fmt.Sprintf("%s: received %.3f t in %d, past its licensed capacity of %g t", f.p.Name, got, f.p.ReceivedYear, capacity)}
		}},
	{Kind: AlertTrackGap, Title: Text{"轨迹中断", "GPS track gap"}, Subject: SubjectManifest,
		StartedBy: []string{EvManifestPickedUp, EvManifestHandover, EvManifestTrack},
		StoppedBy: []string{EvManifestPickedUp, EvManifestHandover, EvManifestTrack, EvManifestDeliver},
		due: func(c *cmd, id string) (Alert, alertFacts, bool, error) {
			return c.manifestAlert(id, func(m *Manifest) *time.Time { return m.TrackGapDue })
		},
		message: func(f alertFacts) Text {
			return Text{fmt.Sprintf("联单 %s 运输途中 GPS 轨迹中断", f.m.Number),
				fmt.Sprintf("manifest %s: no GPS position in transit", f.m.Number)}
		}},
	{Kind: AlertIntegrity, Title: Text{"账本完整性", "Ledger integrity"}, Subject: SubjectLedger,
		message: func(f alertFacts) Text {
			return Text{"台账完整性校验失败：" + f.detail.Zh, "integrity check failed: " + f.detail.En}
		}},
	{Kind: AlertRejectionUnresolved, Title: Text{"拒收未处理", "Rejection unresolved"}, Subject: SubjectWaste,
		StartedBy: []string{EvManifestReceived}, StoppedBy: []string{EvManifestPickedUp}, Overdue: true,
		due: func(c *cmd, id string) (Alert, alertFacts, bool, error) {
			w, err := loadWaste(c.tx, id)
			if err != nil || w.RejectionDue == nil || (w.Status != WasteRejected && w.Status != WasteManifested) {
				return Alert{}, alertFacts{}, false, err
			}
			return Alert{Subject: w.ID, SubjectType: SubjectWaste, Party: w.RejectedBy, Parties: []string{w.RejectedBy, w.Generator},
				Street: w.Street, DueAt: w.RejectionDue}, alertFacts{w: w, workdays: c.s.rules.RejectionWorkdays}, true, nil
		},
		message: func(f alertFacts) Text {
			return Text{fmt.Sprintf("%s（%s）被拒收后 %d 个工作日内未退回或转至其他接收单位", f.w.Name, f.w.Label, f.workdays),
				fmt.Sprintf("%s (%s): rejected and not returned or redirected within %d working days", f.w.Name, f.w.Label, f.workdays)}
		}},
	{Kind: AlertPlanMissing, Title: Text{"未制定管理计划", "Management plan missing"}, Subject: SubjectParty,
		StoppedBy: []string{EvPlanFiled},
		message: func(f alertFacts) Text {
			return Text{fmt.Sprintf("%s 未在 3 月 31 日前备案 %s 年危险废物管理计划", f.p.Name, f.detail.Zh),
				fmt.Sprintf("%s: no management plan for %s filed by 31 March", f.p.Name, f.detail.En)}
		}},
	{Kind: AlertPlanExceeded, Title: Text{"超出管理计划", "Beyond the management plan"}, Subject: SubjectParty,
		message: func(f alertFacts) Text { return f.detail }},
	{Kind: AlertDeclarationOverdue, Title: Text{"申报逾期", "Declaration overdue"}, Subject: SubjectParty,
		StoppedBy: []string{EvDeclarationFiled},
		message: func(f alertFacts) Text {
			return Text{fmt.Sprintf("%s 未按期申报 %s 危险废物产生、贮存、利用处置情况", f.p.Name, f.detail.Zh),
				fmt.Sprintf("%s: the declaration for %s was not filed by its deadline", f.p.Name, f.detail.En)}
		}},
	{Kind: AlertCollectionOverdue, Title: Text{"收集超期", "Collection overdue"}, Subject: SubjectWaste,
		StartedBy: []string{EvManifestReceived, EvWasteConsolidated, EvManifestCancel},
		StoppedBy: []string{EvManifestPickedUp, EvWasteConsolidated}, Overdue: true,
		due: func(c *cmd, id string) (Alert, alertFacts, bool, error) {
			w, err := loadWaste(c.tx, id)
			if err != nil || w.CollectionDue == nil {
				return Alert{}, alertFacts{}, false, err
			}
			a := Alert{Subject: w.ID, SubjectType: SubjectWaste, Street: w.Street, DueAt: w.CollectionDue}
			switch {
			case w.Status == WasteReceived: // received at the collector
				a.Party, a.Parties = w.Receiver, []string{w.Receiver, w.Generator}
			case len(w.Sources) > 0 && (w.Status == WasteStored || w.Status == WasteManifested): // consolidated by it
				a.Party, a.Parties = w.Generator, []string{w.Generator}
			default:
				return Alert{}, alertFacts{}, false, nil
			}
			return a, alertFacts{w: w, workdays: c.s.rules.CollectionWorkdays}, true, nil
		},
		message: func(f alertFacts) Text {
			at := ""
			if f.w.CollectionDue != nil {
				at = shanghaiMinute(*f.w.CollectionDue)
			}
			return Text{fmt.Sprintf("%s（%s）在收集单位超过期限 %s 仍未转出", f.w.Name, f.w.Label, at),
				fmt.Sprintf("%s (%s): kept by the collector past its limit of %s", f.w.Name, f.w.Label, at)}
		}},
	{Kind: AlertPaperLate, Title: Text{"纸质联单补录逾期", "Paper manifest entered late"}, Subject: SubjectManifest,
		message: func(f alertFacts) Text {
			paper := ""
			if f.m.Paper != nil {
				paper = f.m.Paper.Number
			}
			return Text{fmt.Sprintf("联单 %s 据纸质联单 %s 补录，晚于提货后 %d 个工作日", f.m.Number, paper, f.workdays),
				fmt.Sprintf("manifest %s: entered from paper manifest %s more than %d working days after its pickup", f.m.Number, paper, f.workdays)}
		}},
}

// AlertKinds lists every kind, in the order of the table.
var AlertKinds = func() []string {
	out := make([]string, len(alertKinds))
	for i, k := range alertKinds {
		out[i] = k.Kind
	}
	return out
}()

// AlertKindTable returns the table of alert kinds (a copy).
func AlertKindTable() []AlertKind { return slices.Clone(alertKinds) }

// alertKind returns the row of kind (ok false: no such kind).
func alertKind(kind string) (AlertKind, bool) {
	for _, k := range alertKinds {
		if k.Kind == kind {
			return k, true
		}
	}
	return AlertKind{}, false
}

func shanghaiMinute(t time.Time) string { return t.In(workday.Shanghai).Format("2006-01-02 15:04") }

// storageAlert builds a storage alert for batch id, due at the time at
// gives, unless the batch has left storage.
func (c *cmd) storageAlert(id string, at func(w *Waste) time.Time) (Alert, alertFacts, bool, error) {
	w, err := loadWaste(c.tx, id)
	if err != nil || (w.Status != WasteStored && w.Status != WasteManifested) {
		return Alert{}, alertFacts{}, false, err
	}
	due := at(w)
	return Alert{Subject: w.ID, SubjectType: SubjectWaste, Party: w.Generator, Parties: []string{w.Generator},
		Street: w.Street, DueAt: &due}, alertFacts{w: w}, true, nil
}

// manifestAlert builds an alert about manifest id for its holder, due at
// the deadline due gives.
func (c *cmd) manifestAlert(id string, due func(m *Manifest) *time.Time) (Alert, alertFacts, bool, error) {
	m, err := loadManifest(c.tx, id)
	if err != nil {
		return Alert{}, alertFacts{}, false, err
	}
	street := ""
	if gen, _ := loadParty(c.tx, m.Generator); gen != nil {
		street = gen.Street
	}
	a := Alert{Subject: m.ID, SubjectType: SubjectManifest, Party: m.Holder, Street: street,
		Parties: append([]string{m.Generator, m.Receiver}, m.Carriers...), DueAt: due(m)}
	return a, alertFacts{m: m, workdays: c.s.rules.ReceiptWorkdays}, true, nil
}

// stopClocks resolves the open alerts about subject (of subjectType)
// whose clock an event of type typ stops.
func (c *cmd) stopClocks(typ, subjectType, subject string, at time.Time) error {
	for _, k := range alertKinds {
		if k.Subject == subjectType && slices.Contains(k.StoppedBy, typ) {
			if err := c.resolve(k.Kind, subject, at); err != nil {
				return err
			}
		}
	}
	return nil
}

// stopManifestClocks is stopClocks for an event about manifest m: the
// clocks of the manifest and of each of its batches.
func (c *cmd) stopManifestClocks(typ string, m *Manifest, at time.Time) error {
	for _, id := range m.WasteIDs {
		if err := c.stopClocks(typ, SubjectWaste, id, at); err != nil {
			return err
		}
	}
	return c.stopClocks(typ, SubjectManifest, m.ID, at)
}
