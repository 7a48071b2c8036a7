package proj

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/google/uuid"
)

// A batch's id is a version 8 UUID (RFC 9562) that carries the seq of its
// registration in its first 48 bits, XORed with its last 48 so that ids
// look as random as any; the other 74 bits come from a fresh id. So a
// batch is found from its id without a key per registration: the seq
// gives the registration event, which must name the same id. Its record
// (WasteKey) is written only when the batch first changes; until then the
// registration event's data is the batch as it is.

// maxIDSeq is the largest seq an id carries.
const maxIDSeq = 1<<48 - 1

// BatchID returns the id of the batch registered at seq, its other bits
// taken from fresh: a UUID's own bits, or for any other string the first
// bytes of its SHA-256.
func BatchID(seq uint64, fresh string) (string, error) {
	if seq > maxIDSeq {
		return "", fmt.Errorf("seq %d does not fit in a batch id", seq)
	}
	u, err := uuid.Parse(fresh)
	if err != nil {
		h := sha256.Sum256([]byte(fresh))
		copy(u[:], h[:16])
	}
	var s [8]byte
	binary.BigEndian.PutUint64(s[:], seq)
	for i := 0; i < 6; i++ {
		u[i] = s[2+i] ^ u[10+i]
	}
	u[6] = u[6]&0x0f | 0x80 // version 8
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return u.String(), nil
}

// BatchSeq returns the seq a batch id carries (ok false: id is not a
// batch id).
func BatchSeq(id string) (uint64, bool) {
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
