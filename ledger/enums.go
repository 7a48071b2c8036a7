package ledger

// The domain's enumerations that have no other home, each listed once. The
// API checks query parameters against them, the web UI offers them in its
// forms and filters, and the OpenAPI document's test holds its enums to
// them. The others: AllRoles (types.go), WasteStatuses (query.go),
// AlertKinds (the alert kind table) and catalog.Hazards.

// Physical forms of a batch (物理形态).
const (
	FormSolid     = "solid"
	FormSemiSolid = "semi_solid"
	FormLiquid    = "liquid"
	FormGas       = "gas"
)

// WasteForms lists every physical form.
var WasteForms = []string{FormSolid, FormSemiSolid, FormLiquid, FormGas}

// ManifestStatuses lists every manifest status in lifecycle order.
var ManifestStatuses = []string{ManifestSubmitted, ManifestInTransit, ManifestDelivered, ManifestReceived,
	ManifestClosed, ManifestCancelled}

// Kinds of licence (License.Kind).
const (
	// LicenseComprehensive: 综合经营许可证, to collect, store, utilise and
	// dispose of (stored as the empty kind).
	LicenseComprehensive = "comprehensive"
	// LicenseCollection: 收集经营许可证, to collect and pass on only.
	LicenseCollection = "collection"
)

// LicenseKinds lists every kind of licence; the first is the default.
var LicenseKinds = []string{LicenseComprehensive, LicenseCollection}

// Kinds of manifest (Manifest.Kind, ManifestInput.Kind).
const (
	// ManifestTransfer is an ordinary transfer from the batches' generator.
	ManifestTransfer = "transfer"
	// ManifestReturn takes rejected batches from the receiver that refused
	// them back to their generator.
	ManifestReturn = "return"
	// ManifestRedirect takes rejected batches from the receiver that
	// refused them to another licensed receiver.
	ManifestRedirect = "redirect"
)

// ManifestKinds lists every kind of manifest; the first is the default.
var ManifestKinds = []string{ManifestTransfer, ManifestReturn, ManifestRedirect}

// AlertStatuses lists every alert status.
var AlertStatuses = []string{AlertOpen, AlertResolved, AlertAcknowledged}

// Kinds of a manifest's custody steps (CustodyStep.Kind).
const (
	CustodyPickup   = "pickup"
	CustodyHandover = "handover"
	CustodyDeliver  = "deliver"
	CustodyReceive  = "receive"
)

// CustodyKinds lists every kind of custody step, in the order they happen.
var CustodyKinds = []string{CustodyPickup, CustodyHandover, CustodyDeliver, CustodyReceive}

// Assessment groupings (AssessQuery.GroupBy).
const (
	GroupByParty  = "party"
	GroupByStreet = "street"
)

// AssessGroupings lists every grouping; the first is the default.
var AssessGroupings = []string{GroupByParty, GroupByStreet}

// RoleNames lists AllRoles as strings.
func RoleNames() []string {
	out := make([]string, len(AllRoles))
	for i, r := range AllRoles {
		out[i] = string(r)
	}
	return out
}

// Management classes of HJ 1259-2022 4.2 (管理类别), most demanding first.
const (
	ClassKey        = "key"        // 危险废物环境重点监管单位
	ClassSimplified = "simplified" // 危险废物简化管理单位
	ClassRegistered = "registered" // 危险废物登记管理单位
)

// ManagementClasses lists every management class, most demanding first.
var ManagementClasses = []string{ClassKey, ClassSimplified, ClassRegistered}

// ClassNames are the classes' names in the standard.
var ClassNames = map[string]Text{
	ClassKey:        {"危险废物环境重点监管单位", "key supervision"},
	ClassSimplified: {"危险废物简化管理单位", "simplified management"},
	ClassRegistered: {"危险废物登记管理单位", "registration management"},
}
