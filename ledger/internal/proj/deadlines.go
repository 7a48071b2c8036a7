package proj

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"time"
)

// The deadline index. Apply functions add an entry (when, alert kind,
// subject) when a clock starts (registration, pickup, delivery, receipt, a
// GPS point) and delete it when the clock stops. The sweep reads entries
// due up to now, in time order, and raises one alert per entry; raising
// deletes the entry. So a sweep costs time in proportion to what is due,
// never to the size of the store, and an alert is raised once per
// condition however often the sweep runs or the server restarts.
//
// Entries are packed by the hour they fall in and their subject's seq
// (doc.go gives the bytes). Batches registered together have neighbouring
// seqs and mostly fall due in the same hour, so a group commit rewrites a
// few keys, not one per batch, and a key never holds more than 32
// subjects (an entry is about 60 bytes, and a commit rewrites each key it
// touches).
const deadlineBits = 5

// Deadline is one entry of the index.
type Deadline struct {
	At            int64 // unix seconds
	Kind, Subject string
}

// before orders entries by time, then kind and subject.
func (d Deadline) before(o Deadline) bool {
	if d.At != o.At {
		return d.At < o.At
	}
	if d.Kind != o.Kind {
		return d.Kind < o.Kind
	}
	return d.Subject < o.Subject
}

func encodeDeadline(at time.Time, kind, subject string) ([]byte, error) {
	ks := kind + "/" + subject
	if len(ks) > 255 {
		return nil, fmt.Errorf("deadline subject %q too long", subject)
	}
	e := binary.BigEndian.AppendUint64(nil, uint64(at.Unix()))
	return append(append(e, byte(len(ks))), ks...), nil
}

// eachDeadline calls fn with every entry of block v and its byte range.
func eachDeadline(v []byte, fn func(d Deadline, from, to int)) error {
	for off := 0; off < len(v); {
		if off+9 > len(v) || off+9+int(v[off+8]) > len(v) {
			return fmt.Errorf("corrupt deadline block")
		}
		end := off + 9 + int(v[off+8])
		kind, subject, _ := bytes.Cut(v[off+9:end], []byte("/"))
		fn(Deadline{int64(binary.BigEndian.Uint64(v[off:])), string(kind), string(subject)}, off, end)
		off = end
	}
	return nil
}

// PutDeadline adds the entry (at, kind, subject) for a subject with seq
// (none for a zero time). Adding one that is there already is harmless:
// readers see each entry once.
func PutDeadline(s Store, at time.Time, kind, subject string, seq uint64) error {
	if at.IsZero() {
		return nil
	}
	e, err := encodeDeadline(at, kind, subject)
	if err != nil {
		return err
	}
	return s.Extend(deadlineKey(at, seq), e)
}

// DelDeadline removes an entry (every copy of it), if there.
func DelDeadline(s Store, at time.Time, kind, subject string, seq uint64) error {
	if at.IsZero() {
		return nil
	}
	k := deadlineKey(at, seq)
	v, ok, err := s.Peek(k)
	if err != nil || !ok {
		return err
	}
	out := make([]byte, 0, len(v))
	err = eachDeadline(v, func(d Deadline, from, to int) {
		if d.At != at.Unix() || d.Kind != kind || d.Subject != subject {
			out = append(out, v[from:to]...)
		}
	})
	switch {
	case err != nil:
		return err
	case len(out) == len(v):
		return nil
	case len(out) == 0:
		return s.Delete(k)
	}
	return s.Set(k, out)
}

// HasDeadline reports whether the entry is in the index.
func HasDeadline(s Store, at time.Time, kind, subject string, seq uint64) (bool, error) {
	v, ok, err := s.Peek(deadlineKey(at, seq))
	if err != nil || !ok {
		return false, err
	}
	found := false
	err = eachDeadline(v, func(d Deadline, _, _ int) {
		found = found || (d.At == at.Unix() && d.Kind == kind && d.Subject == subject)
	})
	return found, err
}

// errEnd ends a scan at the end of a range.
var errEnd = errors.New("end of range")

// DueDeadlines calls fn with the entries due at or before now, in time
// order (then kind and subject), each once. It stops at the first error
// fn returns, and returns it.
func DueDeadlines(s Store, now time.Time, fn func(d Deadline) error) error {
	end := binary.BigEndian.AppendUint64([]byte(prefixDeadline), uint64(now.Unix())/3600+1)
	var hour []byte
	var due []Deadline
	flush := func() error {
		sort.Slice(due, func(i, j int) bool { return due[i].before(due[j]) })
		for i, d := range due {
			if i > 0 && d == due[i-1] {
				continue
			}
			if err := fn(d); err != nil {
				return err
			}
		}
		due = due[:0]
		return nil
	}
	err := s.Scan([]byte(prefixDeadline), func(k, v []byte) error {
		if bytes.Compare(k, end) >= 0 {
			if err := flush(); err != nil {
				return err
			}
			return errEnd
		}
		if h := k[:len(prefixDeadline)+8]; !bytes.Equal(h, hour) {
			if err := flush(); err != nil {
				return err
			}
			hour = append(hour[:0], h...)
		}
		return eachDeadline(v, func(d Deadline, _, _ int) {
			if d.At <= now.Unix() {
				due = append(due, d)
			}
		})
	})
	switch {
	case err == errEnd:
		return nil
	case err != nil:
		return err
	}
	return flush()
}
