package proj

import (
	"encoding/binary"
	"time"

	"github.com/hwledger/hwledger/ledger/workday"
)

// The key map: every key prefix of the store (doc.go gives each value).
const (
	prefixChain       = "c/"               // the log (package chain); not a projection
	prefixParty       = "p/"               // p/<id>: party record
	prefixCredit      = "pc/"              // pc/<credit code>: party id
	prefixSummary     = "ps/"              // ps/<id>: party summary
	prefixToken       = "t/"               // t/<sha256 hex of token>: token record
	prefixTokenID     = "tid/"             // tid/<token id>: sha256 hex of the token
	prefixWaste       = "w/"               // w/<id>: batch record, once the batch changed
	prefixLabel       = "wn/"              // wn/<generator>/<yyyymmdd>: label record
	prefixManifest    = "m/"               // m/<id>: manifest record
	prefixTrack       = "mt/"              // mt/<id>/<be64 n>: GPS point n of a manifest
	prefixTrackSlot   = "mts/"             // mts/<id>/<be64 slot>: a GPS point in that slot
	prefixManifestNo  = "mn/"              // mn/<year><province><city>: last manifest serial
	prefixOpenMan     = "mo/"              // mo/<batch id>: id of the open manifest holding it
	prefixPaperNo     = "mpn/"             // mpn/<paper number>: id of the manifest entered from it
	prefixApproval    = "apv/"             // apv/<id>: cross-province approval record
	prefixApprovalNo  = "apn/"             // apn/<number>: id of the approval with that number
	prefixCorrection  = "mc/"              // mc/<id>: correction request record
	prefixAlert       = "a/"               // a/<id>: alert record
	prefixAlertCond   = "ac/"              // ac/<kind>/<subject>: id of the open alert
	prefixNotice      = "an/"              // an/<be64 index>: alert id of an alert event
	prefixNoticeP     = "anp/"             // anp/<party>/<be64 index>: the same, per party
	prefixWebhook     = "hk/"              // hk/<id>: webhook subscription record
	prefixDeadline    = "dl/"              // dl/<be64 hour><be64 seq>>deadlineBits>: deadline block
	prefixTrace       = "ev/"              // ev/<subject>/<be64 index>: an event about a subject
	prefixIndex       = "x/"               // x/<list><block>: posting block; x/pr/<role>/<id>: party by role
	prefixCount       = "n/"               // n/<status>, n/overdue: number of batches
	prefixAgg         = "ag/"              // ag/<yyyymmdd>/<party>: day aggregate
	prefixIdem        = "i/"               // i/<party>/<key>: idempotency record; not a projection
	prefixMonth       = "gm/"              // gm/<party>/<yyyymm>: monthly figures
	prefixHanded      = "go/"              // go/<party>/<yyyymm>/<receiver>/<code>/<method>: quantity handed over
	prefixPlan        = "pn/"              // pn/<id>: management plan record
	prefixPlanVersion = "pv/"              // pv/<party>/<yyyy>/<be64 n>: id of version n of a plan
	prefixDeclaration = "dn/"              // dn/<id>: declaration record
	prefixDeclVersion = "dv/"              // dv/<party>/<period>/<be64 n>: id of version n of a declaration
	keyFormat         = "meta/projections" // projection format; not a projection
)

// The key prefixes of people, party tokens and sign-in state.
const (
	prefixPerson      = "u/"   // u/<id>: person record
	prefixUsername    = "un/"  // un/<username>: person id
	prefixPhone       = "uph/" // uph/<mobile>: person id
	prefixPartyPeople = "up/"  // up/<party>/<person id>: empty
	prefixPartyToken  = "tp/"  // tp/<party>/<token id>: empty
	prefixSignIn      = "s/"   // s/…: sign-in state (signin.go); not a projection
)

// List names: the index part of a list x/<name>/<value>/ (postings.go).
const (
	listWasteStatus    = "ws/" // ws/<status>/: batches in a status
	listWasteParty     = "wp/" // wp/<party>/: batches a party generated or is on
	listWasteStreet    = "wt/" // wt/<street>/: batches of a street
	listWasteCode      = "wc/" // wc/<category>/<code>/: batches of a code
	listWasteGenerated = "wg/" // wg/: batches by generated-at
	listWasteOverdue   = "wo/" // wo/: batches past their limit
	listManifestStatus = "ms/" // ms/<status>/: manifests in a status
	listManifestAll    = "ma/" // ma/: every manifest
	listManifestParty  = "mp/" // mp/<party>/: manifests a party is on
	listAlertStatus    = "as/" // as/<status>/: alerts in a status
	listAlertAll       = "aa/" // aa/: every alert
	listAlertKind      = "ak/" // ak/<kind>/: alerts of a kind
	listAlertStreet    = "at/" // at/<street>/: alerts of a street
	listAlertParty     = "ap/" // ap/<party>/: alerts a party sees
	listCorrStatus     = "cs/" // cs/<status>/: corrections in a status
	listCorrParty      = "cp/" // cp/<party>/: corrections of manifests a party is on
	partyRole          = "pr/" // x/pr/<role>/<id>: one key per party and role (not a list)
)

// PartyKey is the key of party id's record.
func PartyKey(id string) []byte { return []byte(prefixParty + id) }

// CreditKey is the key holding the id of the party with a credit code.
func CreditKey(code string) []byte { return []byte(prefixCredit + code) }

// RoleKey is the key that lists party id under role.
func RoleKey(role, id string) []byte { return []byte(prefixIndex + partyRole + role + "/" + id) }

// TokenKey is the key of the record of the token with SHA-256 hex hash.
func TokenKey(hash string) []byte { return []byte(prefixToken + hash) }

// TokenIDKey is the key holding the hash of token id.
func TokenIDKey(id string) []byte { return []byte(prefixTokenID + id) }

// WasteKey is the key of batch id's record (absent until the batch first
// changes: batchid.go).
func WasteKey(id string) []byte { return []byte(prefixWaste + id) }

// ManifestKey is the key of manifest id's record.
func ManifestKey(id string) []byte { return []byte(prefixManifest + id) }

// TrackKey is the key of GPS point n of manifest id.
func TrackKey(id string, n int) []byte {
	return binary.BigEndian.AppendUint64([]byte(prefixTrack+id+"/"), uint64(n))
}

// ManifestNoKey is the key of the last manifest serial of a year, province
// and city ("2026" "41" "01").
func ManifestNoKey(yearProvinceCity string) []byte {
	return []byte(prefixManifestNo + yearProvinceCity)
}

// OpenManifestKey is the key holding the id of the open manifest batch
// id is on.
func OpenManifestKey(batch string) []byte { return []byte(prefixOpenMan + batch) }

// PaperNoKey is the key holding the id of the manifest entered from the
// paper manifest numbered number.
func PaperNoKey(number string) []byte { return []byte(prefixPaperNo + number) }

// ApprovalKey is the key of cross-province approval id's record.
func ApprovalKey(id string) []byte { return []byte(prefixApproval + id) }

// ApprovalNoKey is the key holding the id of the approval numbered number.
func ApprovalNoKey(number string) []byte { return []byte(prefixApprovalNo + number) }

// EachApproval calls fn with every approval record, in id order.
func EachApproval(s Store, fn func(record []byte) error) error {
	return s.Scan([]byte(prefixApproval), func(_, v []byte) error { return fn(v) })
}

// CorrectionKey is the key of correction request id's record.
func CorrectionKey(id string) []byte { return []byte(prefixCorrection + id) }

// AlertKey is the key of alert id's record.
func AlertKey(id string) []byte { return []byte(prefixAlert + id) }

// AlertCondKey is the key holding the id of the open alert of kind about
// subject (absent: none open).
func AlertCondKey(kind, subject string) []byte { return []byte(prefixAlertCond + kind + "/" + subject) }

// TraceKey is the key recording that event index is about subject.
func TraceKey(subject string, index uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(prefixTrace+subject+"/"), index)
}

// PersonKey is the key of person id's record.
func PersonKey(id string) []byte { return []byte(prefixPerson + id) }

// UsernameKey is the key holding the id of the person with a username
// (lower case).
func UsernameKey(username string) []byte { return []byte(prefixUsername + username) }

// PhoneKey is the key holding the id of the person with a mobile number.
func PhoneKey(mobile string) []byte { return []byte(prefixPhone + mobile) }

// PartyPersonKey is the key that lists person id among party's people.
func PartyPersonKey(party, id string) []byte { return []byte(prefixPartyPeople + party + "/" + id) }

// PartyPeoplePrefix is the prefix of party's people keys; the person id
// follows it.
func PartyPeoplePrefix(party string) []byte { return []byte(prefixPartyPeople + party + "/") }

// PartyTokenKey is the key that lists token id among party's tokens.
func PartyTokenKey(party, id string) []byte { return []byte(prefixPartyToken + party + "/" + id) }

// PartyTokensPrefix is the prefix of party's token keys; the token id
// follows it.
func PartyTokensPrefix(party string) []byte { return []byte(prefixPartyToken + party + "/") }

// WebhookKey is the key of webhook subscription id's record.
func WebhookKey(id string) []byte { return []byte(prefixWebhook + id) }

// IdemKey is the key of a party's idempotency record for a client key.
func IdemKey(party, key string) []byte { return []byte(prefixIdem + party + "/" + key) }

// countKey is the key of a count (counts.go).
func countKey(name string) []byte { return []byte(prefixCount + name) }

// labelKey is the key of a generator's label record of a day (labels.go).
func labelKey(generator, day string) []byte {
	return []byte(prefixLabel + generator + "/" + day)
}

// aggKey is the key of party's aggregate of a day (aggregate.go).
func aggKey(day time.Time, party string) []byte {
	return []byte(prefixAgg + day.In(workday.Shanghai).Format("20060102") + "/" + party)
}

// monthKey is the key of party's monthly figures (monthly.go).
func monthKey(party, month string) []byte {
	return []byte(prefixMonth + party + "/" + month)
}

// handedKey is the key of what party handed to receiver in month, of code,
// by method (monthly.go).
func handedKey(party, month, receiver, code, method string) []byte {
	return []byte(prefixHanded + party + "/" + month + "/" + receiver + "/" + code + "/" + method)
}

// deadlineKey is the key of the deadline block holding at for subject seq
// (deadlines.go).
func deadlineKey(at time.Time, seq uint64) []byte {
	k := binary.BigEndian.AppendUint64([]byte(prefixDeadline), uint64(at.Unix())/3600)
	return binary.BigEndian.AppendUint64(k, seq>>deadlineBits)
}

// be64 is n as 8 big-endian bytes (a string, for building keys).
func be64(n uint64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return string(b[:])
}

// fromBe64 reads 8 big-endian bytes (0 when b is not 8 bytes).
func fromBe64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}
