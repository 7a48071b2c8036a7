package ledger

import (
	"log/slog"
	"time"

	"github.com/hwledger/hwledger/ledger/catalog"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/workday"
)

// Rules are the configurable limits of docs/domain.md ("default" values there).
type Rules struct {
	MedicalStorage      time.Duration `json:"medical_storage"`        // 48h at the hospital
	MedicalWarnBefore   time.Duration `json:"medical_warn_before"`    // 12h
	Storage             time.Duration `json:"storage"`                // 1 year at a generator
	StorageWarnBefore   time.Duration `json:"storage_warn_before"`    // 30 days
	Transit             time.Duration `json:"transit"`                // 72h picked up → delivered
	MedicalTransit      time.Duration `json:"medical_transit"`        // 48h
	ReceiptWorkdays     int           `json:"receipt_workdays"`       // 5 working days to confirm receipt
	Disposal            time.Duration `json:"disposal"`               // 1 year received → disposed
	MedicalDisposal     time.Duration `json:"medical_disposal_limit"` // 48h medical waste received → disposed
	RejectionWorkdays   int           `json:"rejection_workdays"`     // 10 working days rejected → leaves again
	CollectionWorkdays  int           `json:"collection_workdays"`    // 90 working days at a collector → passed on
	PaperEntryWorkdays  int           `json:"paper_entry_workdays"`   // 10 working days from a paper manifest's pickup to its entry
	TrackGap            time.Duration `json:"track_gap"`              // 2h without a GPS point in transit
	WeightTolerance     float64       `json:"weight_tolerance"`       // 0.10
	CapacityRefuse      float64       `json:"capacity_refuse"`        // 1.20 of annual capacity
	CapacityWarn        float64       `json:"capacity_warn"`          // 1.00
	MaxFutureOccurrence time.Duration `json:"max_future_occurrence"`  // 5 minutes
	// A delivery is refused less than DeliveryMinDistance metres from where
	// the load was taken over (unless the receiver is that close), or
	// sooner than that distance allows at DeliveryMaxSpeed km/h.
	DeliveryMinDistance float64 `json:"delivery_min_distance"` // 200 m
	DeliveryMaxSpeed    float64 `json:"delivery_max_speed"`    // 120 km/h
}

// DefaultRules returns the defaults of docs/domain.md.
func DefaultRules() Rules {
	const day = 24 * time.Hour
	return Rules{
		MedicalStorage:      48 * time.Hour,
		MedicalWarnBefore:   12 * time.Hour,
		Storage:             365 * day,
		StorageWarnBefore:   30 * day,
		Transit:             72 * time.Hour,
		MedicalTransit:      48 * time.Hour,
		ReceiptWorkdays:     5,
		Disposal:            365 * day,
		MedicalDisposal:     48 * time.Hour,
		RejectionWorkdays:   10,
		CollectionWorkdays:  90,
		PaperEntryWorkdays:  10,
		TrackGap:            2 * time.Hour,
		WeightTolerance:     0.10,
		CapacityRefuse:      1.20,
		CapacityWarn:        1.00,
		MaxFutureOccurrence: 5 * time.Minute,
		DeliveryMinDistance: 200,
		DeliveryMaxSpeed:    120,
	}
}

// Config opens a Service.
type Config struct {
	Dir      string // data directory; ignored when InMemory
	InMemory bool
	ReadOnly bool
	// Origin is the checkpoint origin line. Default "hwledger.local/410104".
	Origin string
	// Province and City are the manifest-number origin (docs/domain.md: 41, 01
	// for Zhengzhou).
	Province, City string
	Catalog        *catalog.Catalog  // default catalog.Builtin()
	Calendar       *workday.Calendar // default workday.Default()
	Rules          *Rules            // default DefaultRules()
	Clock          func() time.Time  // default time.Now
	NewID          func() string     // default random UUIDs
	Logger         *slog.Logger
	// Key signs checkpoints instead of the data directory's key (tests,
	// reproducible test data).
	Key *chain.Key
	// OnCommit, if set, is called after each durable commit with the number
	// of events it made (metrics). It must not block.
	OnCommit func(events int)
	// MaxBatch passes through to the chain writer (0: default).
	MaxBatch int
	// Follow makes the ledger a mirror of the ledger whose note verifier
	// key it is (see import.go and chain's follower mode). A data
	// directory that pins such a key opens as a mirror without it.
	Follow string
	// SignIn guards sign-in and sessions (zero fields: defaults).
	SignIn SignInPolicy
	// MaxStreams bounds the live alert streams open at once (Subscribe),
	// MaxStreamsPerToken those of one token; 0: DefaultMaxStreams and
	// DefaultMaxStreamsPerToken.
	MaxStreams, MaxStreamsPerToken int
}
