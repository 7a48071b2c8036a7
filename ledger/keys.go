package ledger

import (
	"encoding/binary"
	"strings"
)

// Projection keys. Everything here is derived from the log by apply
// functions, except idempotency records (prefix "i/"), which are a transport
// cache and are not part of the replayed state.
//
//	p/<id>                       party
//	pc/<credit code>             party id
//	t/<sha256 hex of token>      token record
//	tid/<token id>               sha256 hex of the token
//	w/<id>                       waste batch, once changed (wasteid.go)
//	wn/<generator>/<code digits>/<yyyymmdd>  seqs of the batches by label
//	                             serial (labels.go)
//	m/<id>                       manifest
//	mt/<id>/<be64 n>             GPS track point n of a manifest
//	mn/<year><province><city>    last manifest serial
//	mo/<waste id>                id of the open manifest holding the batch
//	a/<id>                       alert
//	ac/<kind>/<subject>          id of the open alert for that condition
//	dl/<be64 unix hour><bucket>  deadline index (deadlines.go)
//	ev/<subject>/<be64 index>    events about a subject (trace; a batch's
//	                             registration is its seq, not listed here)
//	x/<index name>/<value>/<be64 block>  secondary indexes, entries packed
//	                             into posting blocks (index.go, postings.go);
//	                             x/pr/<role>/<party id>: one key per party
//	n/<status>, n/overdue        number of batches in that status, overdue
//	i/<party>/<key>              idempotency records (not replayed)
//	meta/projections             the projection format (format.go; not replayed)
const (
	pParty      = "p/"
	pCredit     = "pc/"
	pToken      = "t/"
	pTokenID    = "tid/"
	pWaste      = "w/"
	pLabelSeq   = "wn/"
	pManifest   = "m/"
	pTrack      = "mt/"
	pManifestNo = "mn/"
	pOpenMan    = "mo/"
	pAlert      = "a/"
	pAlertCond  = "ac/"
	pDeadline   = "dl/"
	pSubjectEv  = "ev/"
	pIndex      = "x/"
	pCount      = "n/"
	pIdem       = "i/"
)

func key(parts ...string) []byte { return []byte(strings.Join(parts, "")) }

func be64(n uint64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return string(b[:])
}

func fromBe64(s string) uint64 {
	if len(s) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64([]byte(s))
}

func evKey(subject string, index uint64) []byte {
	return key(pSubjectEv, subject, "/", be64(index))
}

func trackKey(manifest string, n int) []byte {
	return key(pTrack, manifest, "/", be64(uint64(n)))
}
