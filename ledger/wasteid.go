package ledger

import (
	"encoding/binary"

	"github.com/google/uuid"
)

// A batch's id is a version 8 UUID (RFC 9562) that carries the seq of its
// registration in its first 48 bits, XORed with its last 48 so that ids
// look as random as any; the other 74 bits come from a fresh id (random,
// or the configured NewID). So a batch is found from its id
// without a key per registration: the seq gives the registration event,
// which must name the same id. Its record key w/<id> is written only when
// the batch first changes. Ids that carry no seq (batches registered
// before this layout) keep a reference to their event (eventref.go).

const maxIDSeq = 1<<48 - 1

// wasteID returns the id of the batch registered at seq, its other bits
// taken from fresh (a UUID). It returns fresh unchanged when fresh is not a
// UUID or seq does not fit.
func wasteID(seq uint64, fresh string) string {
	u, err := uuid.Parse(fresh)
	if err != nil || seq > maxIDSeq {
		return fresh
	}
	var s [8]byte
	binary.BigEndian.PutUint64(s[:], seq)
	for i := 0; i < 6; i++ {
		u[i] = s[2+i] ^ u[10+i]
	}
	u[6] = u[6]&0x0f | 0x80 // version 8
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return u.String()
}

// idSeq returns the seq a batch id carries (ok false: none).
func idSeq(id string) (uint64, bool) {
	if len(id) != 36 {
		return 0, false
	}
	u, err := uuid.Parse(id)
	if err != nil || u.Version() != 8 || u.Variant() != uuid.RFC4122 || u.String() != id {
		return 0, false
	}
	var s [8]byte
	for i := 0; i < 6; i++ {
		s[2+i] = u[i] ^ u[10+i]
	}
	return binary.BigEndian.Uint64(s[:]), true
}
