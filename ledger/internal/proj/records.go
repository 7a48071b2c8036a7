package proj

import (
	"encoding/json"
	"fmt"
)

// Records that are keys of their own: the JSON records (party, token,
// batch, manifest, GPS point, alert) are the domain's, stored under the
// keys of keys.go; these helpers read what has a layout of its own.

// Summary is what a registration needs of its generator, one small record
// per party: credit code, name and street.
type Summary struct{ ID, CreditCode, Name, Street string }

// SummaryKey is the key of party id's summary.
func SummaryKey(id string) []byte { return []byte(prefixSummary + id) }

// EncodeSummary is the stored value of a summary: the JSON array [credit
// code, name, street]. JSON quotes each string, so any text (a newline in
// a name) reads back as it was.
func EncodeSummary(p Summary) []byte {
	b, err := json.Marshal([3]string{p.CreditCode, p.Name, p.Street})
	if err != nil {
		panic(err) // three strings always marshal
	}
	return b
}

func decodeSummary(id string, b []byte) (Summary, error) {
	var f []string
	if err := json.Unmarshal(b, &f); err != nil || len(f) != 3 {
		return Summary{}, fmt.Errorf("corrupt party summary %s", id)
	}
	return Summary{ID: id, CreditCode: f[0], Name: f[1], Street: f[2]}, nil
}

// LoadSummary reads party id's summary (ok false: no such party).
func LoadSummary(s Store, id string) (sum Summary, ok bool, err error) {
	b, ok, err := s.Peek(SummaryKey(id))
	if err != nil || !ok {
		return Summary{}, false, err
	}
	sum, err = decodeSummary(id, b)
	return sum, err == nil, err
}

// EachSummary calls fn with the summary of every party. A corrupt one is
// passed over (LoadSummary reports it; verify finds it).
func EachSummary(s Store, fn func(p Summary) error) error {
	return s.Scan([]byte(prefixSummary), func(k, v []byte) error {
		p, err := decodeSummary(string(k[len(prefixSummary):]), v)
		if err != nil {
			return nil
		}
		return fn(p)
	})
}

// EachParty calls fn with the id of every party that has role, in id
// order; with role "", of every party.
func EachParty(s Store, role string, fn func(id string) error) error {
	if role == "" {
		return s.Scan([]byte(prefixParty), func(k, _ []byte) error { return fn(string(k[len(prefixParty):])) })
	}
	return s.Scan([]byte(prefixIndex+partyRole+role+"/"), func(_, v []byte) error { return fn(string(v)) })
}

// EachTrace calls fn with the index of every event recorded about subject
// (TraceKey), in log order.
func EachTrace(s Store, subject string, fn func(index uint64) error) error {
	prefix := []byte(prefixTrace + subject + "/")
	return s.Scan(prefix, func(k, _ []byte) error { return fn(fromBe64(k[len(prefix):])) })
}

// EachWebhook calls fn with every webhook subscription record.
func EachWebhook(s Store, fn func(record []byte) error) error {
	return s.Scan([]byte(prefixWebhook), func(_, v []byte) error { return fn(v) })
}
