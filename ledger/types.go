package ledger

import (
	"fmt"
	"time"
)

// Role is what a party may do. A party may hold several.
type Role string

// Roles.
const (
	RoleGenerator   Role = "generator"   // 产废单位
	RoleTransporter Role = "transporter" // 承运人
	RoleReceiver    Role = "receiver"    // 接受人 / 经营单位
	RoleCollector   Role = "collector"   // 收集单位: holds a collection licence
	RoleInspector   Role = "inspector"   // 生态环境局
	RoleAdmin       Role = "admin"       // 管理员
	RoleSystem      Role = "system"      // hwledger itself (alerts)
)

// AllRoles lists the roles a party may be registered with.
var AllRoles = []Role{RoleGenerator, RoleTransporter, RoleReceiver, RoleInspector, RoleAdmin, RoleCollector}

// SystemParty is the actor id of events hwledger records by itself.
const SystemParty = "system"

// Location is a WGS-84 point.
type Location struct {
	Lat float64 `json:"lat" validate:"between=-90 90"`
	Lon float64 `json:"lon" validate:"between=-180 180"`
}

// Contact is a person to call.
type Contact struct {
	Name  string `json:"name" validate:"text=50"`
	Phone string `json:"phone" validate:"text=30"`
}

// License is a receiver's or collector's 危险废物经营许可证. Kind is
// LicenseComprehensive (omitted) or LicenseCollection (收集, held by a
// collector, at most 3 years, no methods needed). Codes holds whole
// categories ("HW08") and/or single codes ("900-041-49"). Dates are
// YYYY-MM-DD, inclusive, in Asia/Shanghai.
type License struct {
	Kind           string   `json:"kind,omitempty" validate:"text=20"`
	Number         string   `json:"number" validate:"required,text=100"`
	Codes          []string `json:"codes" validate:"min=1,dive,text=20"`
	Methods        []string `json:"methods" validate:"dive,text=10"`
	CapacityTonnes float64  `json:"capacity_tonnes" validate:"gt=0,lte=10000000"`
	ValidFrom      string   `json:"valid_from" validate:"text=10,datetime=2006-01-02"`
	ValidTo        string   `json:"valid_to" validate:"text=10,datetime=2006-01-02"`
}

// Party is an enterprise, hospital, carrier, facility or bureau.
type Party struct {
	ID              string    `json:"id"`
	Name            string    `json:"name"`
	CreditCode      string    `json:"credit_code"`
	Roles           []Role    `json:"roles"`
	Street          string    `json:"street"`
	Address         string    `json:"address"`
	Location        *Location `json:"location,omitempty"`
	Contact         Contact   `json:"contact"`
	TransportPermit string    `json:"transport_permit,omitempty"`
	// TransportScope is what the transport permit covers (categories and
	// codes); empty when not recorded, which covers every code.
	TransportScope []string `json:"transport_scope,omitempty"`
	License        *License `json:"license,omitempty"`
	// Province and City are the 2-digit parts of its administrative
	// division code (郑州: 41, 01); empty for a party registered before
	// they were recorded, which is the district's.
	Province string `json:"province,omitempty"`
	City     string `json:"city,omitempty"`
	// LicenseHistory holds every earlier licence, oldest first.
	LicenseHistory []License `json:"license_history,omitempty"`
	// ReceivedThisYear is what a receiver has accepted in the current
	// calendar year (Shanghai), against its licence capacity.
	ReceivedThisYear Grams `json:"received_this_year_kg"`
	ReceivedYear     int   `json:"received_year,omitempty"`
	// Pending is what open manifests addressed to a receiver declare and it
	// has not yet received (submitted, in transit, delivered): it counts
	// against the licence capacity from the moment a manifest is filed.
	Pending Grams `json:"pending_kg,omitempty"`
	// ManagementClass is the class in force (HJ 1259 4.2: key, simplified
	// or registered) of a generator or licence holder, computed when the
	// party is read (class.go); never stored.
	ManagementClass string `json:"management_class,omitempty"`
	// ClassOverride is an inspector's decision of the class, if any.
	ClassOverride *ClassOverride `json:"class_override,omitempty"`
	CreatedAt     time.Time      `json:"created_at"`
}

// ReceivedIn is what a receiver accepted in calendar year (Shanghai): its
// running total if that is the year it counts, else nothing yet.
func (p *Party) ReceivedIn(year int) Grams {
	if p.ReceivedYear != year {
		return 0
	}
	return p.ReceivedThisYear
}

// Collects reports whether p is a collector receiving under a collection
// licence.
func (p *Party) Collects() bool {
	return p.HasRole(RoleCollector) && p.License != nil && p.License.Kind == LicenseCollection
}

// Receives reports whether p may be a manifest's receiver: a licensed
// receiver, or a collector.
func (p *Party) Receives() bool {
	return p.License != nil && (p.HasRole(RoleReceiver) || p.Collects())
}

// HasRole reports whether p holds r.
func (p *Party) HasRole(r Role) bool {
	for _, x := range p.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Waste batch statuses.
const (
	WasteStored     = "stored"
	WasteManifested = "manifested"
	WasteInTransit  = "in_transit"
	WasteDelivered  = "delivered"
	WasteReceived   = "received"
	WasteDisposed   = "disposed"
	WasteRejected   = "rejected"
	// WasteConsolidated: a collector consolidated the batch into a new one
	// (Waste.ConsolidatedInto).
	WasteConsolidated = "consolidated"
)

// Container is how a batch is packed.
type Container struct {
	Type  string `json:"type" validate:"required,text=100"` // e.g. 周转箱, 吨桶, 铁桶
	Count int    `json:"count" validate:"between=1 10000"`
	// VolumeL is one container's volume in litres, when declared: the
	// label's size follows it (HJ 1276-2022: up to 50 L 100 × 100 mm, up to
	// 450 L 150 × 150 mm, larger 200 × 200 mm).
	VolumeL float64 `json:"volume_l,omitempty" validate:"between=0 100000"`
}

// Identification is the report of the identification testing (危险废物鉴别,
// GB 5085.1–7, HJ 298) that found a waste hazardous. A batch of a
// 900-000-xx code must name one; a batch of a listed code may.
type Identification struct {
	ReportNumber string    `json:"report_number" validate:"required,text=100"` // the report's number
	IssuedBy     string    `json:"issued_by" validate:"required,text=200"`     // the testing body that issued it
	IssuedAt     time.Time `json:"issued_at" validate:"required"`              // when it was issued, not in the future
}

// Waste is one container or lot with one label (HJ 1276-2022).
type Waste struct {
	ID            string `json:"id"`
	Label         string `json:"label"`
	Generator     string `json:"generator"`
	GeneratorName string `json:"generator_name"`
	Street        string `json:"street"`
	Code          string `json:"code"`
	Category      string `json:"category"`
	// CatalogEdition is the edition of the list the code was checked
	// against: the one in force when the batch was generated. It is omitted
	// when empty, as for a batch whose registration event does not hold it;
	// so is MainComponents.
	CatalogEdition string `json:"catalog_edition,omitempty"`
	Name           string `json:"name"`
	// MainComponents (主要成分) is what the generator declares the waste is
	// made of (default: the catalogue's description); the label prints it.
	MainComponents string `json:"main_components,omitempty"`
	// Identification is the identification report of a batch of waste
	// found hazardous by testing (always there for a 900-000-xx code).
	Identification  *Identification `json:"identification,omitempty"`
	Form            string          `json:"form"`
	Hazards         []string        `json:"hazards"`
	Quantity        Grams           `json:"quantity_kg"`
	Container       Container       `json:"container"`
	GeneratedAt     time.Time       `json:"generated_at"`
	Storage         string          `json:"storage"`
	Status          string          `json:"status"`
	Medical         bool            `json:"medical"`
	StorageDeadline time.Time       `json:"storage_deadline"`
	// StorageWarnAt is when the early warning (storage_due_soon) is due.
	StorageWarnAt time.Time `json:"storage_warn_at"`
	ManifestID    string    `json:"manifest_id,omitempty"`
	// Parties other than the generator that may see this batch (carriers
	// and receivers of its manifests).
	Parties     []string   `json:"parties,omitempty"`
	Receiver    string     `json:"receiver,omitempty"`
	Received    Grams      `json:"received_kg,omitempty"`
	ReceivedAt  *time.Time `json:"received_at,omitempty"`
	Discrepancy bool       `json:"discrepancy,omitempty"`
	// DisposalDeadline is set on receipt: the limit for disposal in force.
	DisposalDeadline *time.Time `json:"disposal_deadline,omitempty"`
	Method           string     `json:"method,omitempty"`
	Disposed         Grams      `json:"disposed_kg,omitempty"`
	DisposedAt       *time.Time `json:"disposed_at,omitempty"`
	// RejectedBy is the receiver that refused the batch and holds it until
	// it leaves again on a return or redirect manifest (or a new manifest
	// of its generator); RejectedOn is the manifest it was refused on and
	// RejectionDue when rejection_unresolved falls due. All three are
	// cleared when the batch is picked up again.
	RejectedBy   string     `json:"rejected_by,omitempty"`
	RejectedOn   string     `json:"rejected_on,omitempty"`
	RejectionDue *time.Time `json:"rejection_due,omitempty"`
	// CollectionDue is when a batch at a collector (received there, or
	// consolidated by it) must have been passed on: collection_overdue.
	CollectionDue *time.Time `json:"collection_due,omitempty"`
	// Sources are the batches a collector consolidated into this one;
	// ConsolidatedInto is the batch this one was consolidated into.
	Sources          []string `json:"sources,omitempty"`
	ConsolidatedInto string   `json:"consolidated_into,omitempty"`
	Corrections      int      `json:"corrections,omitempty"`
	// OverdueSince is the limit the batch has passed on the clock running
	// now (storage while stored or manifested, disposal once received),
	// set when the sweep raises the overdue alert; nil otherwise.
	OverdueSince *time.Time `json:"overdue_since,omitempty"`
	RegisteredAt time.Time  `json:"registered_at"`
	// LastOccurredAt is the field time of the latest event about the batch.
	LastOccurredAt time.Time `json:"last_occurred_at"`
	// Seq orders batches (the ledger index of the registration event).
	Seq uint64 `json:"seq"`
}

// Manifest statuses.
const (
	ManifestSubmitted = "submitted"
	ManifestInTransit = "in_transit"
	ManifestDelivered = "delivered"
	ManifestReceived  = "received"
	ManifestClosed    = "closed"
	ManifestCancelled = "cancelled"
)

// CustodyStep is one change of hands.
type CustodyStep struct {
	Kind         string    `json:"kind"` // one of CustodyKinds
	Party        string    `json:"party"`
	At           time.Time `json:"at"`
	VehiclePlate string    `json:"vehicle_plate,omitempty"`
	Driver       string    `json:"driver,omitempty"`
	Escort       string    `json:"escort,omitempty"`
	// VehiclePermit is the vehicle's road transport certificate (道路运输证).
	VehiclePermit string    `json:"vehicle_permit,omitempty"`
	Location      *Location `json:"location,omitempty"`
	EventIndex    uint64    `json:"event_index"`
}

// TrackPoint is one GPS fix of the vehicle carrying a manifest.
type TrackPoint struct {
	Lat float64   `json:"lat" validate:"between=-90 90"`
	Lon float64   `json:"lon" validate:"between=-180 180"`
	At  time.Time `json:"at" validate:"required"`
}

// ReceiptLine is the receiver's finding for one batch.
type ReceiptLine struct {
	WasteID        string `json:"waste_id"`
	Received       Grams  `json:"received_kg"`
	ContainerCount int    `json:"container_count"`
	Accepted       bool   `json:"accepted"`
	Note           string `json:"note,omitempty"`
	Declared       Grams  `json:"declared_kg"`
	Discrepancy    bool   `json:"discrepancy"`
}

// Manifest is an electronic transfer manifest (电子转移联单). Generator is
// the consignor (移出人) of this transfer: the batches' generator, or on a
// return or redirect the receiver that refused them.
type Manifest struct {
	ID     string `json:"id"`
	Number string `json:"number"`
	// Kind is one of ManifestKinds: an ordinary transfer, or the return or
	// redirect of rejected batches.
	Kind string `json:"kind"`
	// RejectedOn lists the manifests on which the batches of a return or
	// redirect were refused (the first leg).
	RejectedOn      []string  `json:"rejected_on,omitempty"`
	Generator       string    `json:"generator"`
	Carriers        []string  `json:"carriers"`
	Receiver        string    `json:"receiver"`
	WasteIDs        []string  `json:"waste_ids"`
	Labels          []string  `json:"labels"`
	Total           Grams     `json:"total_kg"`
	PlannedPickupAt time.Time `json:"planned_pickup_at"`
	// EmergencyMeasures are the consignor's emergency measures;
	// DangerousGoods each batch's dangerous-goods class and UN number
	// where declared.
	EmergencyMeasures string           `json:"emergency_measures,omitempty"`
	DangerousGoods    []DangerousGoods `json:"dangerous_goods,omitempty"`
	// Paper is set when the manifest was entered from a paper one (补录):
	// its times are the paper's.
	Paper *Paper `json:"paper,omitempty"`
	// Approval is the cross-province approval it goes under, if any.
	Approval       *ApprovalRef  `json:"approval,omitempty"`
	Status         string        `json:"status"`
	Holder         string        `json:"holder"` // party with custody now
	CarrierIndex   int           `json:"carrier_index"`
	Custody        []CustodyStep `json:"custody"`
	Track          []TrackPoint  `json:"track,omitempty"`
	TrackPoints    int           `json:"track_points"`
	LastPositionAt *time.Time    `json:"last_position_at,omitempty"`
	// Deadlines in force (from the events that set them).
	TransitDue   *time.Time    `json:"transit_due,omitempty"`
	TrackGapDue  *time.Time    `json:"track_gap_due,omitempty"`
	ReceiptDue   *time.Time    `json:"receipt_due,omitempty"`
	Lines        []ReceiptLine `json:"lines,omitempty"`
	Discrepancy  bool          `json:"discrepancy"`
	CancelReason string        `json:"cancel_reason,omitempty"`
	// LeftBehind lists the batches a partial pickup left behind (they went
	// back to storage and are no longer on the manifest); LeftBehindReason
	// says why.
	LeftBehind       []string `json:"left_behind,omitempty"`
	LeftBehindReason string   `json:"left_behind_reason,omitempty"`
	// Corrections are the ids of the manifest's correction requests,
	// oldest first; PendingCorrection the one awaiting approval, if any.
	Corrections       []string   `json:"corrections,omitempty"`
	PendingCorrection string     `json:"pending_correction,omitempty"`
	CreatedAt         time.Time  `json:"created_at"`
	PickedUpAt        *time.Time `json:"picked_up_at,omitempty"`
	DeliveredAt       *time.Time `json:"delivered_at,omitempty"`
	ReceivedAt        *time.Time `json:"received_at,omitempty"`
	ClosedAt          *time.Time `json:"closed_at,omitempty"`
	LastOccurredAt    time.Time  `json:"last_occurred_at"`
	Seq               uint64     `json:"seq"`
}

// OnManifest reports whether party is the generator, a carrier or the
// receiver of m.
func (m *Manifest) OnManifest(party string) bool {
	if m.Generator == party || m.Receiver == party {
		return true
	}
	for _, c := range m.Carriers {
		if c == party {
			return true
		}
	}
	return false
}

// Paper is the paper manifest a manifest was entered from, and why the
// system was not used.
type Paper struct {
	Number        string `json:"number"`
	EnteredReason string `json:"entered_reason"`
}

// DangerousGoods is one batch's dangerous-goods class (GB 6944) and UN
// number on a manifest.
type DangerousGoods struct {
	WasteID  string `json:"waste_id"`
	DGClass  string `json:"dg_class,omitempty"`
	UNNumber string `json:"un_number,omitempty"`
}

// DangerousGoodsOf is the class and UN number declared for batch id on m
// (zero when none).
func (m *Manifest) DangerousGoodsOf(id string) DangerousGoods {
	for _, g := range m.DangerousGoods {
		if g.WasteID == id {
			return g
		}
	}
	return DangerousGoods{}
}

// Alert statuses.
const (
	AlertOpen         = "open"
	AlertResolved     = "resolved"
	AlertAcknowledged = "acknowledged"
)

// Alert is a warning (预警) raised by hwledger about a batch, manifest or
// party; raising, resolving and acknowledging are ledger events.
type Alert struct {
	ID          string   `json:"id"`
	Kind        string   `json:"kind"`
	Status      string   `json:"status"`
	Subject     string   `json:"subject"`      // waste, manifest or party id
	SubjectType string   `json:"subject_type"` // SubjectWaste, SubjectManifest, SubjectParty, SubjectLedger
	Party       string   `json:"party"`        // who must act
	Parties     []string `json:"parties"`      // who may see it
	Street      string   `json:"street"`
	// Message says what is wrong, in Chinese; MessageEn in English.
	Message    string     `json:"message"`
	MessageEn  string     `json:"message_en"`
	DueAt      *time.Time `json:"due_at,omitempty"`
	RaisedAt   time.Time  `json:"raised_at"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
	AckedAt    *time.Time `json:"acknowledged_at,omitempty"`
	AckBy      string     `json:"acknowledged_by,omitempty"`
	AckNote    string     `json:"note,omitempty"`
	// Ongoing: its condition still holds. An open alert is ongoing; an
	// acknowledged one of a kind with a clock stays ongoing (and
	// acknowledged) until its condition ends and it is resolved.
	Ongoing    bool   `json:"ongoing"`
	EventIndex uint64 `json:"event_index"`
	Seq        uint64 `json:"seq"`
}

// Principal is who is asking: a party and the roles it may act in, and
// the person when a person signed in (or uses a token bound to them).
// Roles of a person are those of their place in the party (personRoles).
type Principal struct {
	Party   string `json:"party"`
	Roles   []Role `json:"roles"`
	TokenID string `json:"token_id,omitempty"`
	// Person is who acts, nil for a party token of a machine.
	Person *PersonRef `json:"person,omitempty"`
	// PersonRole is the person's role inside the party.
	PersonRole PersonRole `json:"person_role,omitempty"`
	// Session is the SHA-256 hex of the session id, for a signed-in person.
	Session string `json:"-"`
	// MustChangePassword: the person signed in with a one-time password
	// and may do nothing but change it (or sign out).
	MustChangePassword bool `json:"-"`
	// MustEnrolTOTP: an inspector or admin signed in without an
	// authenticator, who may do nothing but enrol one (or change the
	// password, or sign out): their sign-in must need a second factor.
	MustEnrolTOTP bool `json:"-"`
	// acting is the role the command in progress acts in (actAs).
	acting Role
}

// PersonRef names a person in an event's actor and in answers.
type PersonRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// actAs returns p acting in role r, which the event the command appends
// records as its actor's role, or ErrForbidden with why when p does not
// hold r.
func (p Principal) actAs(r Role, why string) (Principal, error) {
	if !p.Has(r) {
		return p, fmt.Errorf("%w: %s", ErrForbidden, why)
	}
	p.acting = r
	return p, nil
}

// actAsAny is actAs in the first of roles p holds.
func (p Principal) actAsAny(why string, roles ...Role) (Principal, error) {
	for _, r := range roles {
		if p.Has(r) {
			p.acting = r
			return p, nil
		}
	}
	return p, fmt.Errorf("%w: %s", ErrForbidden, why)
}

// Has reports whether the principal holds role r.
func (p Principal) Has(r Role) bool {
	for _, x := range p.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// HasAny reports whether the principal holds one of roles.
func (p Principal) HasAny(roles ...Role) bool {
	for _, r := range roles {
		if p.Has(r) {
			return true
		}
	}
	return false
}

// SeesAll reports whether the principal reads everything (inspector, admin).
func (p Principal) SeesAll() bool { return p.Has(RoleInspector) || p.Has(RoleAdmin) }
