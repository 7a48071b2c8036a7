package proj

import (
	"encoding/binary"
	"math"
)

// The alert notice index: one key per alert event (raised, resolved or
// acknowledged), by its log index, so a stream resumes from where it left
// off (Last-Event-ID) at the cost of what it sends, whatever the size of
// the log. Each is written under every party the alert concerns too.

// NoticeKey is the key recording that event index is about alert id (its
// value is the alert id).
func NoticeKey(index uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(prefixNotice), index)
}

// PartyNoticeKey is NoticeKey in the notices of one party.
func PartyNoticeKey(party string, index uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(prefixNoticeP+party+"/"), index)
}

// PutNotice records that event index is about alert id, for every
// party the alert concerns.
func PutNotice(s Store, index uint64, id string, parties []string) error {
	if err := s.Set(NoticeKey(index), []byte(id)); err != nil {
		return err
	}
	for _, p := range parties {
		if err := s.Set(PartyNoticeKey(p, index), []byte(id)); err != nil {
			return err
		}
	}
	return nil
}

// EachNoticeAfter calls fn with the index and alert id of each alert event
// after index after, in log order: every one with party "", else those of
// party. It reads only the keys it passes to fn.
func EachNoticeAfter(r *Snapshot, party string, after uint64, fn func(index uint64, alert string) error) error {
	if after == math.MaxUint64 {
		return nil
	}
	prefix := []byte(prefixNotice)
	if party != "" {
		prefix = []byte(prefixNoticeP + party + "/")
	}
	start := binary.BigEndian.AppendUint64(append([]byte{}, prefix...), after+1)
	return r.scanFrom(prefix, start, func(k, v []byte) error {
		return fn(fromBe64(k[len(prefix):]), string(v))
	})
}
