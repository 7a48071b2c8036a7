package ledger

import (
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// The log's schema: every event type, the struct its data is, and the
// apply function that turns it into projections.
//
// Event data types are their own structs, nested parts included, apart
// from the read models (Waste, Manifest, Party, Alert): a read model's JSON
// may change without changing what a logged event means. An event's data
// holds what the event says, the deadlines in force included, so that
// replay never depends on configuration. TestEventGolden holds the bytes
// of one event of every type.

// Event types.
const (
	// EvPartyRegistered: an admin registers a party (PartyRegisteredData).
	// Subject: the party.
	EvPartyRegistered = "party.registered"
	// EvLicenseRenewed: an admin records a receiver's new licence, which
	// replaces the one in force (LicenseRenewedData). Subject: the party.
	EvLicenseRenewed = "party.license_renewed"
	// EvClassSet: an inspector sets a party's management class, with the
	// reason (ClassSetData). Subject: the party.
	EvClassSet = "party.class_set"
	// EvRegionSet: an admin records a party's province and city codes
	// (RegionSetData). Subject: the party.
	EvRegionSet = "party.region_set"
	// EvTokenCreated: an admin or the party's manager issues a bearer
	// token to a party, optionally bound to one of its people; the data
	// holds its SHA-256, never the token (TokenCreatedData). Subject: the
	// token id.
	EvTokenCreated = "token.created"
	// EvTokenRevoked: an admin or the party's manager revokes a token
	// (TokenRevokedData). Subject: the token id.
	EvTokenRevoked = "token.revoked"
	// EvPersonAdded: an admin or the party's manager adds a person to a
	// party (PersonAddedData); their password is sign-in state, not in the
	// log. Subject: the person.
	EvPersonAdded = "person.added"
	// EvPersonDisabled: an admin or the party's manager disables a person
	// for good (PersonDisabledData). Subject: the person.
	EvPersonDisabled = "person.disabled"
	// EvWasteRegistered: a generator registers a batch, which is stored
	// from then on (WasteRegisteredData). Subject: the batch.
	EvWasteRegistered = "waste.registered"
	// EvWasteConsolidated: a collector consolidates batches it received
	// into a new batch with its own label; the new batch is stored from then
	// on and each source is consolidated (WasteConsolidatedData). Subject:
	// the new batch, whose seq is this event's index.
	EvWasteConsolidated = "waste.consolidated"
	// EvWasteCorrected: the generator corrects declared fields of a stored
	// batch (WasteCorrectedData). Subject: the batch.
	EvWasteCorrected = "waste.corrected"
	// EvWasteDisposed: the receiver holding a batch utilises or disposes
	// of it (WasteDisposedData). Subject: the batch.
	EvWasteDisposed = "waste.disposed"
	// EvManifestCreated: a generator files a transfer manifest for stored
	// batches (ManifestCreatedData). Subject: the manifest.
	EvManifestCreated = "manifest.created"
	// EvManifestPickedUp: the first carrier loads the batches
	// (ManifestPickedUpData). Subject: the manifest.
	EvManifestPickedUp = "manifest.picked_up"
	// EvManifestHandover: the next carrier takes over
	// (ManifestHandedOverData). Subject: the manifest.
	EvManifestHandover = "manifest.handed_over"
	// EvManifestTrack: GPS fixes of the carrying vehicle
	// (ManifestPositionsData). Subject: the manifest.
	EvManifestTrack = "manifest.positions"
	// EvManifestDeliver: the carrier holding the manifest delivers to the
	// receiver (ManifestDeliveredData). Subject: the manifest.
	EvManifestDeliver = "manifest.delivered"
	// EvManifestReceived: the receiver weighs, accepts or rejects each
	// batch (ManifestReceivedData). Subject: the manifest.
	EvManifestReceived = "manifest.received"
	// EvManifestCancel: the generator cancels a manifest not yet picked
	// up; its batches return to storage (ManifestCancelledData). Subject:
	// the manifest.
	EvManifestCancel = "manifest.cancelled"
	// EvManifestClosed: hwledger closes a received manifest whose batches
	// are all disposed of or rejected (ManifestClosedData). Subject: the
	// manifest.
	EvManifestClosed = "manifest.closed"
	// EvCorrectionRequested: a party named on a manifest asks to correct
	// it after pickup (CorrectionRequestedData). Subject: the correction.
	EvCorrectionRequested = "correction.requested"
	// EvCorrectionApproved: another party named on the manifest approves
	// a pending correction (CorrectionApprovedData). Subject: the
	// correction.
	EvCorrectionApproved = "correction.approved"
	// EvCorrectionRefused: another party named on the manifest refuses a
	// pending correction, which ends it (CorrectionRefusedData). Subject:
	// the correction.
	EvCorrectionRefused = "correction.refused"
	// EvManifestCorrected: hwledger applies a correction every other party
	// approved, recording each value before and after
	// (ManifestCorrectedData). Subject: the manifest.
	EvManifestCorrected = "manifest.corrected"
	// EvPlanFiled: a generator files a version of its management plan
	// for a year (PlanFiledData). Subject: the plan.
	EvPlanFiled = "plan.filed"
	// EvDeclarationFiled: a generator files its declaration (申报) for a
	// period (DeclarationFiledData). Subject: the declaration.
	EvDeclarationFiled = "declaration.filed"
	// EvApprovalRegistered: an inspector registers a province's approval
	// of cross-province transfers from a generator to a receiver
	// (ApprovalRegisteredData). Subject: the approval.
	EvApprovalRegistered = "approval.registered"
	// EvAlertRaised: hwledger raises an alert (AlertRaisedData). Subject:
	// the alert.
	EvAlertRaised = "alert.raised"
	// EvAlertResolved: hwledger resolves an alert whose condition has
	// ended (AlertResolvedData). Subject: the alert.
	EvAlertResolved = "alert.resolved"
	// EvAlertAcked: an inspector acknowledges an open alert
	// (AlertAcknowledgedData). Subject: the alert.
	EvAlertAcked = "alert.acknowledged"
	// EvWebhookSubscribed: a party, or an inspector for the bureau,
	// subscribes a URL to the events it may see; the data holds no secret
	// (WebhookSubscribedData). Subject: the subscription.
	EvWebhookSubscribed = "webhook.subscribed"
	// EvWebhookDeleted: the subscription ends (WebhookDeletedData).
	// Subject: the subscription.
	EvWebhookDeleted = "webhook.deleted"
)

// eventTypes is the table of event types: each type's data struct and
// apply function. Apply functions read only the event and the projections
// before it, so replaying the log rebuilds every projection exactly.
var eventTypes = map[string]eventType{
	EvPartyRegistered:     on[PartyRegisteredData](applyPartyRegistered),
	EvLicenseRenewed:      on[LicenseRenewedData](applyLicenseRenewed),
	EvTokenCreated:        on[TokenCreatedData](applyTokenCreated),
	EvTokenRevoked:        on[TokenRevokedData](applyTokenRevoked),
	EvPersonAdded:         on[PersonAddedData](applyPersonAdded),
	EvPersonDisabled:      on[PersonDisabledData](applyPersonDisabled),
	EvWasteRegistered:     on[WasteRegisteredData](applyWasteRegistered),
	EvWasteCorrected:      on[WasteCorrectedData](applyWasteCorrected),
	EvWasteConsolidated:   on[WasteConsolidatedData](applyWasteConsolidated),
	EvWasteDisposed:       on[WasteDisposedData](applyWasteDisposed),
	EvManifestCreated:     on[ManifestCreatedData](applyManifestCreated),
	EvManifestPickedUp:    on[ManifestPickedUpData](applyPickedUp),
	EvManifestHandover:    on[ManifestHandedOverData](applyHandedOver),
	EvManifestTrack:       on[ManifestPositionsData](applyPositions),
	EvManifestDeliver:     on[ManifestDeliveredData](applyDeliver),
	EvManifestReceived:    on[ManifestReceivedData](applyReceive),
	EvManifestCancel:      on[ManifestCancelledData](applyCancel),
	EvManifestClosed:      on[ManifestClosedData](applyClosed),
	EvCorrectionRequested: on[CorrectionRequestedData](applyCorrectionRequested),
	EvCorrectionApproved:  on[CorrectionApprovedData](applyCorrectionApproved),
	EvCorrectionRefused:   on[CorrectionRefusedData](applyCorrectionRefused),
	EvManifestCorrected:   on[ManifestCorrectedData](applyManifestCorrected),
	EvApprovalRegistered:  on[ApprovalRegisteredData](applyApprovalRegistered),
	EvRegionSet:           on[RegionSetData](applyRegionSet),
	EvAlertRaised:         on[AlertRaisedData](applyAlertRaised),
	EvAlertResolved:       on[AlertResolvedData](applyAlertResolved),
	EvAlertAcked:          on[AlertAcknowledgedData](applyAlertAcked),
	EvClassSet:            on[ClassSetData](applyClassSet),
	EvPlanFiled:           on[PlanFiledData](applyPlanFiled),
	EvDeclarationFiled:    on[DeclarationFiledData](applyDeclarationFiled),
	EvWebhookSubscribed:   on[WebhookSubscribedData](applyWebhookSubscribed),
	EvWebhookDeleted:      on[WebhookDeletedData](applyWebhookDeleted),
}

// EventTypes lists every event type, sorted.
func EventTypes() []string { return slices.Sorted(maps.Keys(eventTypes)) }

// eventType is one row of eventTypes.
type eventType struct {
	data  reflect.Type // the data struct
	apply func(s proj.Store, e *chain.Event) error
}

// on makes the row of an event type whose data is a D.
func on[D any](fn func(s proj.Store, e *chain.Event, d *D) error) eventType {
	return eventType{data: reflect.TypeFor[D](), apply: func(s proj.Store, e *chain.Event) error {
		var d D
		if err := data(e, &d); err != nil {
			return err
		}
		return fn(s, e, &d)
	}}
}

// PartyRegisteredData is the data of party.registered.
type PartyRegisteredData struct {
	ID              string        `json:"id"`
	Name            string        `json:"name"`
	CreditCode      string        `json:"credit_code"`
	Roles           []Role        `json:"roles"`
	Street          string        `json:"street"`
	Address         string        `json:"address"`
	Location        *LocationData `json:"location,omitempty"`
	Contact         ContactData   `json:"contact"`
	TransportPermit string        `json:"transport_permit,omitempty"`
	TransportScope  []string      `json:"transport_scope,omitempty"`
	License         *LicenseData  `json:"license,omitempty"`
	// Province and City are its administrative division (2 digits each).
	Province string `json:"province,omitempty"`
	City     string `json:"city,omitempty"`
}

// LicenseRenewedData is the data of party.license_renewed: the new licence.
type LicenseRenewedData struct {
	LicenseData
}

// LicenseData is a receiver's licence in event data (see License).
type LicenseData struct {
	Kind           string   `json:"kind,omitempty"`
	Number         string   `json:"number"`
	Codes          []string `json:"codes"`
	Methods        []string `json:"methods"`
	CapacityTonnes float64  `json:"capacity_tonnes"`
	ValidFrom      string   `json:"valid_from"`
	ValidTo        string   `json:"valid_to"`
}

// LocationData is a WGS-84 point in event data.
type LocationData struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// ContactData is a person to call, in event data.
type ContactData struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// TokenCreatedData is the data of token.created. Hash is the sha256 hex of
// the token; Person, the person it acts for (none: a machine's token);
// Label, what it is for. Bootstrap marks the admin bootstrap token
// (Service.Bootstrap), of which at most one is valid at a time.
type TokenCreatedData struct {
	ID        string `json:"id"`
	Party     string `json:"party"`
	Hash      string `json:"hash"`
	Person    string `json:"person,omitempty"`
	Label     string `json:"label,omitempty"`
	Bootstrap bool   `json:"bootstrap,omitempty"`
}

// TokenRevokedData is the data of token.revoked: whose token it was.
type TokenRevokedData struct {
	Party string `json:"party"`
}

// PersonAddedData is the data of person.added: who joins which party in
// which role (PersonRole).
type PersonAddedData struct {
	ID       string     `json:"id"`
	Party    string     `json:"party"`
	Name     string     `json:"name"`
	Phone    string     `json:"phone"`
	Username string     `json:"username"`
	Role     PersonRole `json:"role"`
}

// PersonDisabledData is the data of person.disabled: whose person it was.
type PersonDisabledData struct {
	Party    string `json:"party"`
	Username string `json:"username"`
}

// WasteRegisteredData is the data of waste.registered: the batch as
// registered. Status is always stored; the storage deadline and early
// warning are those in force; Seq is the event's index. Until the batch
// first changes it is read from this event (loadWaste), so the data
// carries every field a stored batch has. It writes its own JSON
// (waste_json.go): registration is the event appended most.
type WasteRegisteredData struct {
	ID              string        `json:"id"`
	Label           string        `json:"label"`
	Generator       string        `json:"generator"`
	GeneratorName   string        `json:"generator_name"`
	Street          string        `json:"street"`
	Code            string        `json:"code"`
	Category        string        `json:"category"`
	CatalogEdition  string        `json:"catalog_edition"`
	Name            string        `json:"name"`
	MainComponents  string        `json:"main_components"`
	Form            string        `json:"form"`
	Hazards         []string      `json:"hazards"`
	Quantity        Grams         `json:"quantity_kg"`
	Container       ContainerData `json:"container"`
	GeneratedAt     time.Time     `json:"generated_at"`
	Storage         string        `json:"storage"`
	Status          string        `json:"status"`
	Medical         bool          `json:"medical"`
	StorageDeadline time.Time     `json:"storage_deadline"`
	StorageWarnAt   time.Time     `json:"storage_warn_at"`
	RegisteredAt    time.Time     `json:"registered_at"`
	LastOccurredAt  time.Time     `json:"last_occurred_at"`
	Seq             uint64        `json:"seq"`
	// Identification is there when the generator named an identification
	// report (always for a 900-000-xx code).
	Identification *IdentificationData `json:"identification,omitempty"`
}

// WasteConsolidatedData is the data of waste.consolidated: the new batch
// as registered (its generator is the collector, its storage deadline the
// collection deadline in force, the earliest of its sources'), and the
// batches consumed.
type WasteConsolidatedData struct {
	Batch   WasteRegisteredData `json:"batch"`
	Sources []string            `json:"sources"`
}

// ContainerData is how a batch is packed, in event data.
type ContainerData struct {
	Type    string  `json:"type"`
	Count   int     `json:"count"`
	VolumeL float64 `json:"volume_l,omitempty"`
}

// IdentificationData is an identification report, in event data.
type IdentificationData struct {
	ReportNumber string    `json:"report_number"`
	IssuedBy     string    `json:"issued_by"`
	IssuedAt     time.Time `json:"issued_at"`
}

// WasteCorrectedData is the data of waste.corrected: the declared fields
// before and after, and why.
type WasteCorrectedData struct {
	Reason string            `json:"reason"`
	Before WasteDeclaredData `json:"before"`
	After  WasteDeclaredData `json:"after"`
}

// WasteDeclaredData is what a generator declares of a batch and may
// correct.
type WasteDeclaredData struct {
	Name           string        `json:"name"`
	MainComponents string        `json:"main_components"`
	Form           string        `json:"form"`
	Hazards        []string      `json:"hazards"`
	Quantity       Grams         `json:"quantity_kg"`
	Container      ContainerData `json:"container"`
	Storage        string        `json:"storage"`
}

// WasteDisposedData is the data of waste.disposed.
type WasteDisposedData struct {
	Method   string `json:"method"`
	Quantity Grams  `json:"quantity_kg"`
	Receiver string `json:"receiver"`
}

// ManifestCreatedData is the data of manifest.created. Labels are the
// batches' labels in the order of WasteIDs; Total is what they declare.
// Generator is the consignor. Kind is empty for an ordinary transfer, else
// ManifestReturn or ManifestRedirect, whose RejectedOn lists the manifests
// the batches were refused on.
type ManifestCreatedData struct {
	ID              string    `json:"id"`
	Number          string    `json:"number"`
	Kind            string    `json:"kind,omitempty"`
	RejectedOn      []string  `json:"rejected_on,omitempty"`
	Generator       string    `json:"generator"`
	Carriers        []string  `json:"carriers"`
	Receiver        string    `json:"receiver"`
	WasteIDs        []string  `json:"waste_ids"`
	Labels          []string  `json:"labels"`
	Total           Grams     `json:"total_kg"`
	PlannedPickupAt time.Time `json:"planned_pickup_at"`
	// EmergencyMeasures and DangerousGoods are what the consignor declared
	// (办法 Art 10): the emergency measures, and each batch's
	// dangerous-goods class and UN number where it has them.
	EmergencyMeasures string               `json:"emergency_measures,omitempty"`
	DangerousGoods    []DangerousGoodsData `json:"dangerous_goods,omitempty"`
	// Paper is set on a back-entry (补录) of a paper manifest.
	Paper *PaperData `json:"paper,omitempty"`
	// Approval is the cross-province approval the manifest goes under.
	Approval *ApprovalRefData `json:"approval,omitempty"`
}

// PaperData is the paper manifest a manifest was entered from, and why,
// in event data.
type PaperData struct {
	Number        string `json:"number"`
	EnteredReason string `json:"entered_reason"`
}

// DangerousGoodsData is one batch's dangerous-goods class and UN number,
// in event data.
type DangerousGoodsData struct {
	WasteID  string `json:"waste_id"`
	DGClass  string `json:"dg_class,omitempty"`
	UNNumber string `json:"un_number,omitempty"`
}

// CustodyData is what a carrier taking custody records: who, the labels
// scanned, the vehicle and where.
type CustodyData struct {
	Party        string   `json:"party"`
	Labels       []string `json:"labels"`
	VehiclePlate string   `json:"vehicle_plate"`
	Driver       string   `json:"driver"`
	Escort       string   `json:"escort,omitempty"`
	// VehiclePermit is the vehicle's road transport certificate.
	VehiclePermit string        `json:"vehicle_permit,omitempty"`
	Location      *LocationData `json:"location,omitempty"`
}

// ManifestPickedUpData is the data of manifest.picked_up, with the transit
// and track-gap deadlines in force. Labels are those loaded; LeftBehind
// lists the batches of a partial pickup that stay behind (they return to
// storage, off the manifest), and LeftBehindReason says why.
type ManifestPickedUpData struct {
	CustodyData
	TransitDue       time.Time `json:"transit_due"`
	TrackGapDue      time.Time `json:"track_gap_due"`
	LeftBehind       []string  `json:"left_behind,omitempty"`
	LeftBehindReason string    `json:"left_behind_reason,omitempty"`
}

// ManifestHandedOverData is the data of manifest.handed_over, with the
// track-gap deadline in force.
type ManifestHandedOverData struct {
	CustodyData
	TrackGapDue time.Time `json:"track_gap_due"`
}

// ManifestPositionsData is the data of manifest.positions: the fixes, and
// the track-gap deadline counted from the latest.
type ManifestPositionsData struct {
	Points      []TrackPointData `json:"points"`
	TrackGapDue time.Time        `json:"track_gap_due"`
}

// TrackPointData is one GPS fix in event data.
type TrackPointData struct {
	Lat float64   `json:"lat"`
	Lon float64   `json:"lon"`
	At  time.Time `json:"at"`
}

// ManifestDeliveredData is the data of manifest.delivered, with the
// receipt deadline in force.
type ManifestDeliveredData struct {
	Location   *LocationData `json:"location,omitempty"`
	ReceiptDue time.Time     `json:"receipt_due"`
}

// ManifestReceivedData is the data of manifest.received: one line per
// batch, the disposal deadline in force for batches accepted at a
// facility (MedicalDisposalDue for medical waste, when there is any), the
// deadline by which rejected batches must leave again (when any is
// rejected) and the calendar year (Shanghai) the receipt counts in. On a
// return the generator takes its batches back into storage: no disposal
// deadline applies and nothing counts against a licence.
type ManifestReceivedData struct {
	Lines              []ReceiptLineData `json:"lines"`
	DisposalDue        time.Time         `json:"disposal_due"`
	MedicalDisposalDue *time.Time        `json:"medical_disposal_due,omitempty"`
	RejectionDue       *time.Time        `json:"rejection_due,omitempty"`
	// CollectionDue is set when the receiver is a collector: accepted
	// batches must be passed on by then (medical waste by
	// MedicalDisposalDue), and no disposal deadline applies.
	CollectionDue *time.Time `json:"collection_due,omitempty"`
	Year          int        `json:"year"`
}

// ReceiptLineData is the receiver's finding for one batch, in event data.
type ReceiptLineData struct {
	WasteID        string `json:"waste_id"`
	Received       Grams  `json:"received_kg"`
	ContainerCount int    `json:"container_count"`
	Accepted       bool   `json:"accepted"`
	Note           string `json:"note,omitempty"`
	Declared       Grams  `json:"declared_kg"`
	Discrepancy    bool   `json:"discrepancy"`
}

// ManifestCancelledData is the data of manifest.cancelled.
type ManifestCancelledData struct {
	Reason string `json:"reason"`
}

// ManifestClosedData is the data of manifest.closed.
type ManifestClosedData struct {
	Number string `json:"number"`
}

// CorrectionRequestedData is the data of correction.requested: the
// manifest, the parties whose approval it awaits (every other party named
// on it), why, and the changes asked for. The requester is the actor.
type CorrectionRequestedData struct {
	ID       string                `json:"id"`
	Manifest string                `json:"manifest"`
	Number   string                `json:"number"`
	Parties  []string              `json:"parties"`
	Awaiting []string              `json:"awaiting"`
	Reason   string                `json:"reason"`
	Changes  CorrectionChangesData `json:"changes"`
}

// CorrectionChangesData is what a correction changes: declared or
// received quantities, codes and containers of batches, and the times of
// custody steps.
type CorrectionChangesData struct {
	Lines []LineChangeData `json:"lines,omitempty"`
	Steps []StepChangeData `json:"steps,omitempty"`
}

// LineChangeData is the change asked for one batch; nil fields stay.
type LineChangeData struct {
	WasteID   string         `json:"waste_id"`
	Quantity  *Grams         `json:"quantity_kg,omitempty"`
	Received  *Grams         `json:"received_kg,omitempty"`
	Code      *string        `json:"code,omitempty"`
	Container *ContainerData `json:"container,omitempty"`
}

// StepChangeData is the corrected time of custody step Index (0-based,
// in the manifest's custody order).
type StepChangeData struct {
	Index int       `json:"index"`
	At    time.Time `json:"at"`
}

// CorrectionApprovedData is the data of correction.approved; the approver
// is the actor.
type CorrectionApprovedData struct {
	Manifest string `json:"manifest"`
}

// CorrectionRefusedData is the data of correction.refused, with the
// reason; the party refusing is the actor.
type CorrectionRefusedData struct {
	Manifest string `json:"manifest"`
	Reason   string `json:"reason"`
}

// ManifestCorrectedData is the data of manifest.corrected: the correction
// applied, its reason, and each changed value before and after.
// ReceiptYear is the calendar year (Shanghai) the manifest's receipt
// counts in (0 before receipt), whose received total a corrected received
// quantity changes.
type ManifestCorrectedData struct {
	Correction  string              `json:"correction"`
	Reason      string              `json:"reason"`
	Lines       []LineCorrectedData `json:"lines,omitempty"`
	Steps       []StepCorrectedData `json:"steps,omitempty"`
	ReceiptYear int                 `json:"receipt_year,omitempty"`
}

// LineCorrectedData is one batch's values before and after a correction.
type LineCorrectedData struct {
	WasteID string         `json:"waste_id"`
	Before  LineValuesData `json:"before"`
	After   LineValuesData `json:"after"`
}

// LineValuesData is what a correction may change of a batch on a
// manifest. Received is 0 before receipt and for a rejected batch.
type LineValuesData struct {
	Quantity  Grams         `json:"quantity_kg"`
	Received  Grams         `json:"received_kg"`
	Code      string        `json:"code"`
	Category  string        `json:"category"`
	Container ContainerData `json:"container"`
}

// StepCorrectedData is one custody step's time before and after.
type StepCorrectedData struct {
	Index  int       `json:"index"`
	Kind   string    `json:"kind"`
	Before time.Time `json:"before"`
	After  time.Time `json:"after"`
}

// AlertRaisedData is the data of alert.raised. Subject is the waste,
// manifest or party (or "ledger") it is about; Party must act; Parties may
// see it; DueAt is the deadline that passed, if any.
type AlertRaisedData struct {
	ID          string     `json:"id"`
	Kind        string     `json:"kind"`
	Subject     string     `json:"subject"`
	SubjectType string     `json:"subject_type"`
	Party       string     `json:"party"`
	Parties     []string   `json:"parties"`
	Street      string     `json:"street"`
	Message     string     `json:"message"`    // Chinese
	MessageEn   string     `json:"message_en"` // English
	DueAt       *time.Time `json:"due_at,omitempty"`
}

// AlertResolvedData is the data of alert.resolved: the condition that ended.
type AlertResolvedData struct {
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
}

// AlertAcknowledgedData is the data of alert.acknowledged, with the
// inspector's note.
type AlertAcknowledgedData struct {
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	Note    string `json:"note"`
}
