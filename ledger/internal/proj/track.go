package proj

import (
	"encoding/binary"
	"time"
)

// TrackSlot is the length of a GPS slot: a manifest's track holds at most
// one point per slot (TrackSlotKey), so a duplicate point (the same time,
// or a time within the slot of one already held) is dropped.
const TrackSlot = 10 * time.Second

// slotOf is the slot of time at.
func slotOf(at time.Time) uint64 { return uint64(at.Unix() / int64(TrackSlot/time.Second)) }

// TrackSlotKey is the key recording that manifest id's track holds a
// point in the slot of at.
func TrackSlotKey(id string, at time.Time) []byte {
	return binary.BigEndian.AppendUint64([]byte(prefixTrackSlot+id+"/"), slotOf(at))
}

// TrackSlotHeld reports whether manifest id's track holds a point in the
// slot of at.
func TrackSlotHeld(s Store, id string, at time.Time) (bool, error) {
	_, ok, err := s.Peek(TrackSlotKey(id, at))
	return ok, err
}

// TrackPoints calls fn with GPS points from..to-1 of manifest id (their
// stored values, in the order they were received).
func TrackPoints(s Store, id string, from, to int, fn func(n int, v []byte) error) error {
	for n := from; n < to; n++ {
		v, ok, err := s.Peek(TrackKey(id, n))
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := fn(n, v); err != nil {
			return err
		}
	}
	return nil
}
