package ledger

import (
	"encoding/json"
	"time"
)

// The inputs of Service methods mirror the request bodies of docs/api.md; the
// API decodes JSON straight into them. OccurredAt is the optional field
// time (offline scans, paper fallback): at most 5 minutes in the future and
// not before the subject's previous event; nil means now. Their shape
// rules are `validate` tags (validate.go); the Service checks them before
// the rules that need the catalogue or the ledger.

// WasteInput registers a batch (POST /wastes).
type WasteInput struct {
	Code           string          `json:"code" validate:"text=20"`
	Name           string          `json:"name" validate:"text=500"` // room for the longest name in the list (210)
	MainComponents string          `json:"main_components" validate:"text=500"`
	Identification *Identification `json:"identification"`
	Form           string          `json:"form" validate:"form,text=20"`
	Hazards        []string        `json:"hazards" validate:"dive,text=10"`
	Quantity       Grams           `json:"quantity_kg" validate:"gt=0,lte=100000"` // kg
	Container      Container       `json:"container"`
	GeneratedAt    time.Time       `json:"generated_at" validate:"required"`
	Storage        string          `json:"storage" validate:"text=200"`
	OccurredAt     *time.Time      `json:"occurred_at"`
}

// WasteCorrection changes declared fields of a stored batch; nil fields
// stay as they are. Code and generated_at are part of the label and cannot
// be corrected: register a new batch instead.
type WasteCorrection struct {
	Name           *string    `json:"name" validate:"omitnil,text=500"`
	MainComponents *string    `json:"main_components" validate:"omitnil,text=500"`
	Form           *string    `json:"form" validate:"omitnil,text=20"`
	Hazards        []string   `json:"hazards" validate:"dive,text=10"`
	Quantity       *Grams     `json:"quantity_kg"`
	Container      *Container `json:"container"`
	Storage        *string    `json:"storage" validate:"omitnil,text=200"`
	Reason         string     `json:"reason" validate:"note=500"`
	OccurredAt     *time.Time `json:"occurred_at"`
}

// DisposeInput records utilisation or disposal (POST /wastes/{id}/dispose).
type DisposeInput struct {
	Method     string     `json:"method" validate:"required,text=10"`
	Quantity   Grams      `json:"quantity_kg" validate:"gt=0"`
	OccurredAt *time.Time `json:"occurred_at"`
}

// ManifestInput files a manifest (POST /manifests). Kind is empty or
// "transfer" for an ordinary transfer, "return" or "redirect" for rejected
// batches leaving the receiver that refused them.
type ManifestInput struct {
	Kind            string    `json:"kind" validate:"text=20"`
	WasteIDs        []string  `json:"waste_ids" validate:"min=1,max=500,unique,dive,text=64"`
	Carriers        []string  `json:"carriers" validate:"min=1,dive,text=64"`
	Receiver        string    `json:"receiver" validate:"required,text=64"`
	PlannedPickupAt time.Time `json:"planned_pickup_at" validate:"required"`
	// EmergencyMeasures are the generator's emergency measures for the
	// load (办法 Art 10): what to do on a spill, fire or exposure.
	EmergencyMeasures string `json:"emergency_measures" validate:"note=2000"`
	// DangerousGoods give batches of WasteIDs their dangerous-goods class
	// and UN number, where they have them (GB 6944, GB 12268): one line a
	// batch.
	DangerousGoods []DangerousGoodsInput `json:"dangerous_goods" validate:"max=500,dive"`
	// Paper is the paper manifest this one is entered from (补录, 办法 Art
	// 20): its times are the paper's, OccurredAt (required with it) the
	// time it was filled in.
	Paper *PaperInput `json:"paper"`
	// Approval names the cross-province approval (办法 Art 21–28) the
	// manifest goes under: required when the receiver is in another
	// province than the consignor.
	Approval   *ApprovalRef `json:"approval"`
	OccurredAt *time.Time   `json:"occurred_at"`
}

// PaperInput names the paper manifest a manifest is entered from, and
// why the system was not used.
type PaperInput struct {
	Number        string `json:"number" validate:"required,text=50"`
	EnteredReason string `json:"entered_reason" validate:"required,note=500"`
}

// DangerousGoodsInput is what the consignor declares of one batch on a
// manifest: its dangerous-goods class (GB 6944: 1–9 and their divisions,
// such as 3, 6.1, 8) and UN number (UN and 4 digits), both or neither.
type DangerousGoodsInput struct {
	WasteID  string `json:"waste_id" validate:"required,text=64"`
	DGClass  string `json:"dg_class" validate:"text=10"`
	UNNumber string `json:"un_number" validate:"text=10"`
}

// CustodyInput is a pickup or handover scan. Escort is the 押运员 riding
// with the load. LeftBehindReason, at a pickup only, says why the batches
// whose labels were not scanned stay behind: they go back to storage and
// the rest is loaded (a partial pickup); without it every label must be
// scanned.
type CustodyInput struct {
	Labels       []string `json:"labels" validate:"min=1,dive,text=64"`
	VehiclePlate string   `json:"vehicle_plate" validate:"required,text=20"`
	Driver       string   `json:"driver" validate:"required,text=100"`
	Escort       string   `json:"escort" validate:"text=100"`
	// VehiclePermit is the vehicle's road transport certificate (道路运输证).
	VehiclePermit    string     `json:"vehicle_permit" validate:"text=100"`
	LeftBehindReason string     `json:"left_behind_reason" validate:"note=1000"`
	Location         *Location  `json:"location"`
	OccurredAt       *time.Time `json:"occurred_at"`
}

// PositionsInput adds GPS track points.
type PositionsInput struct {
	Points     []TrackPoint `json:"points" validate:"min=1,max=1000,dive"`
	OccurredAt *time.Time   `json:"occurred_at"`
}

// DeliverInput marks arrival at the receiver.
type DeliverInput struct {
	Location   *Location  `json:"location"`
	OccurredAt *time.Time `json:"occurred_at"`
}

// ReceiveLine is the receiver's finding for one batch.
type ReceiveLine struct {
	WasteID        string `json:"waste_id" validate:"required,text=64"`
	Received       Grams  `json:"received_kg" validate:"gte=0"`
	ContainerCount int    `json:"container_count" validate:"between=0 10000"`
	Accepted       *bool  `json:"accepted" validate:"required"`
	Note           string `json:"note" validate:"note=1000"`
}

// ReceiveInput confirms receipt, one line per batch.
type ReceiveInput struct {
	Lines      []ReceiveLine `json:"lines" validate:"min=1,dive"`
	OccurredAt *time.Time    `json:"occurred_at"`
}

// CancelInput cancels a manifest before pickup.
type CancelInput struct {
	Reason     string     `json:"reason" validate:"required,note=1000"`
	OccurredAt *time.Time `json:"occurred_at"`
}

// AckInput acknowledges an alert.
type AckInput struct {
	Note       string     `json:"note" validate:"required,note=1000"`
	OccurredAt *time.Time `json:"occurred_at"`
}

// Page asks for one page of a list: Limit (default 50, max 500) items
// after Cursor (from the previous page's NextCursor).
type Page struct {
	Limit  int
	Cursor string
}

// List is one page of results.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// WasteFilter selects batches (GET /wastes). Empty fields match all.
// From and To bound generated_at (inclusive).
type WasteFilter struct {
	Status   string
	Code     string
	Category string
	Party    string
	Street   string
	Label    string
	Medical  *bool
	Overdue  *bool
	From, To *time.Time
}

// ManifestFilter selects manifests (GET /manifests).
type ManifestFilter struct {
	Status string
	Party  string
}

// AlertFilter selects alerts (GET /alerts).
type AlertFilter struct {
	Kind   string
	Status string
	Party  string
	Street string
}

// TraceEvent is one ledger event about a subject with its inclusion proof
// against the trace's checkpoint.
type TraceEvent struct {
	Index          uint64          `json:"index"`
	LeafHash       string          `json:"leaf_hash"` // hex
	Event          json.RawMessage `json:"event"`     // the exact hashed bytes
	InclusionProof [][]byte        `json:"inclusion_proof"`
}

// Trace is every event about a batch or manifest, provable against a
// signed checkpoint (GET /wastes/{id}/trace).
type Trace struct {
	Waste    *Waste    `json:"waste,omitempty"`
	Manifest *Manifest `json:"manifest,omitempty"`
	// Lineage lists the batches whose events a batch's trace includes
	// besides its own: its sources and what it was consolidated into.
	Lineage    []LineageBatch `json:"lineage,omitempty"`
	Events     []TraceEvent   `json:"events"`
	Checkpoint string         `json:"checkpoint"`
	Size       uint64         `json:"size"`
}
