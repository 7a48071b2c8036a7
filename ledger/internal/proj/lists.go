package proj

import (
	"bytes"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// A List is one list of a secondary index: the index name and its value,
// as "ws/stored/". Its entries are packed into posting blocks
// (postings.go).
type List string

// An Entry is one entry of a list as apply functions compute it: the list
// followed by the entry's suffix (the record's seq, be64; for
// WastesByGeneratedAt the generated-at second, then the seq).
type Entry string

// Entry is the entry of the record with seq in list l (any list but
// WastesByGeneratedAt).
func (l List) Entry(seq uint64) Entry { return Entry(string(l) + be64(seq)) }

// The lists of batches. Every batch is in exactly one WastesInStatus list,
// so the lists of every status together hold every batch; a category's
// batches are the lists of its codes together (Snapshot.CodeLists).
const (
	WastesByGeneratedAt List = listWasteGenerated // by generated-at second, then seq
	WastesOverdue       List = listWasteOverdue   // past their storage or disposal limit
)

// WastesInStatus lists the batches in status.
func WastesInStatus(status string) List { return List(listWasteStatus + status + "/") }

// WastesOfParty lists the batches party generated or is on a manifest of.
func WastesOfParty(party string) List { return List(listWasteParty + party + "/") }

// WastesInStreet lists the batches generated in street.
func WastesInStreet(street string) List { return List(listWasteStreet + street + "/") }

// WastesOfCode lists the batches of waste code code of category.
func WastesOfCode(category, code string) List {
	return List(listWasteCode + category + "/" + code + "/")
}

// GeneratedAtEntry is the entry of batch seq, generated at at, in
// WastesByGeneratedAt.
func GeneratedAtEntry(at time.Time, seq uint64) Entry {
	return Entry(listWasteGenerated + be64(uint64(at.Unix())) + be64(seq))
}

// GeneratedAtBound is the suffix bound of the entries of WastesByGeneratedAt
// generated at unix second sec: every entry of that second sorts at or
// after it, and before the bound of the next second.
func GeneratedAtBound(sec int64) []byte { return []byte(be64(uint64(max(sec, 0)))) }

// The lists of manifests.
const AllManifests List = listManifestAll

// ManifestsInStatus lists the manifests in status.
func ManifestsInStatus(status string) List { return List(listManifestStatus + status + "/") }

// ManifestsOfParty lists the manifests party is on.
func ManifestsOfParty(party string) List { return List(listManifestParty + party + "/") }

// The lists of alerts.
const AllAlerts List = listAlertAll

// AlertsInStatus lists the alerts in status.
func AlertsInStatus(status string) List { return List(listAlertStatus + status + "/") }

// AlertsOfKind lists the alerts of kind.
func AlertsOfKind(kind string) List { return List(listAlertKind + kind + "/") }

// AlertsInStreet lists the alerts of street.
func AlertsInStreet(street string) List { return List(listAlertStreet + street + "/") }

// AlertsOfParty lists the alerts party sees.
func AlertsOfParty(party string) List { return List(listAlertParty + party + "/") }

// CorrectionsInStatus lists the correction requests in status.
func CorrectionsInStatus(status string) List { return List(listCorrStatus + status + "/") }

// CorrectionsOfParty lists the correction requests of the manifests party
// is on.
func CorrectionsOfParty(party string) List { return List(listCorrParty + party + "/") }

// CodeLists returns the WastesOfCode lists of category that hold entries,
// found by skipping from code to code.
func (r *Snapshot) CodeLists(category string) []List {
	p := []byte(prefixIndex + listWasteCode + category + "/")
	it := r.txn.NewIterator(badger.IteratorOptions{Prefix: p})
	defer it.Close()
	var out []List
	for it.Seek(p); it.Valid(); {
		rest := it.Item().Key()[len(p):]
		code, _, ok := bytes.Cut(rest, []byte("/"))
		if !ok {
			it.Next()
			continue
		}
		out = append(out, WastesOfCode(category, string(code)))
		// '0' follows '/': the first key after every entry of this code.
		it.Seek(append(append(append([]byte{}, p...), code...), '0'))
	}
	return out
}
