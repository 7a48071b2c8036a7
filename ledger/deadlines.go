package ledger

import (
	"bytes"
	"encoding/binary"
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
// Entries are packed by the hour they fall in and their subject's seq:
// dl/<be64 unix hour><be64 subject seq>>deadlineBits> holds entries, each be64
// unix seconds, a one-byte length and "<kind>/<subject>", in the order
// they were added. Batches registered together have neighbouring seqs and
// mostly fall due in the same hour, so a group commit rewrites a few keys,
// not one per batch, and a key never holds more than 32 subjects (an
// entry is about 60 bytes, and a commit rewrites each key it touches).
const deadlineBits = 5

func deadlineKey(at time.Time, seq uint64) []byte {
	k := binary.BigEndian.AppendUint64([]byte(pDeadline), uint64(at.Unix())/3600)
	return binary.BigEndian.AppendUint64(k, seq>>deadlineBits)
}

// subjectSeq returns the seq of an alert's subject (a batch or manifest).
// (Other subjects have no deadlines: 0.)
func subjectSeq(s kv, subjectType, id string) (uint64, error) {
	switch subjectType {
	case "manifest":
		m, err := loadManifest(s, id)
		if err != nil {
			return 0, err
		}
		return m.Seq, nil
	case "waste":
		w, err := loadWaste(s, id)
		if err != nil {
			return 0, err
		}
		return w.Seq, nil
	}
	return 0, nil
}

// deadline is one entry of the index.
type deadline struct {
	at            int64 // unix seconds
	kind, subject string
}

// before orders entries by time, then kind and subject.
func (d deadline) before(o deadline) bool {
	if d.at != o.at {
		return d.at < o.at
	}
	if d.kind != o.kind {
		return d.kind < o.kind
	}
	return d.subject < o.subject
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
func eachDeadline(v []byte, fn func(d deadline, from, to int)) error {
	for off := 0; off < len(v); {
		if off+9 > len(v) || off+9+int(v[off+8]) > len(v) {
			return fmt.Errorf("corrupt deadline block")
		}
		end := off + 9 + int(v[off+8])
		kind, subject, _ := bytes.Cut(v[off+9:end], []byte("/"))
		fn(deadline{int64(binary.BigEndian.Uint64(v[off:])), string(kind), string(subject)}, off, end)
		off = end
	}
	return nil
}

// putDeadline adds an entry (none for a zero time). Adding one that is
// there already is harmless: readers see each entry once.
func putDeadline(s kv, at time.Time, kind, subject string, seq uint64) error {
	if at.IsZero() {
		return nil
	}
	e, err := encodeDeadline(at, kind, subject)
	if err != nil {
		return err
	}
	return extendValue(s, deadlineKey(at, seq), e)
}

// delDeadline removes an entry (every copy of it), if there.
func delDeadline(s kv, at time.Time, kind, subject string, seq uint64) error {
	if at.IsZero() {
		return nil
	}
	k := deadlineKey(at, seq)
	v, ok, err := s.Get(k)
	if err != nil || !ok {
		return err
	}
	out := make([]byte, 0, len(v))
	err = eachDeadline(v, func(d deadline, from, to int) {
		if d.at != at.Unix() || d.kind != kind || d.subject != subject {
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

// hasDeadline reports whether the entry is in the index.
func hasDeadline(s kv, at time.Time, kind, subject string, seq uint64) (bool, error) {
	v, ok, err := s.Get(deadlineKey(at, seq))
	if err != nil || !ok {
		return false, err
	}
	found := false
	err = eachDeadline(v, func(d deadline, _, _ int) {
		found = found || (d.at == at.Unix() && d.kind == kind && d.subject == subject)
	})
	return found, err
}

// dueDeadlines calls fn with the entries due at or before now, in time
// order (then kind and subject), each once, until fn returns errStop.
func dueDeadlines(s kv, now time.Time, fn func(d deadline) error) error {
	end := binary.BigEndian.AppendUint64([]byte(pDeadline), uint64(now.Unix())/3600+1)
	var hour []byte
	var due []deadline
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
	err := s.Scan([]byte(pDeadline), func(k, v []byte) error {
		if bytes.Compare(k, end) >= 0 {
			if err := flush(); err != nil {
				return err
			}
			return errStop
		}
		if h := k[:len(pDeadline)+8]; !bytes.Equal(h, hour) {
			if err := flush(); err != nil {
				return err
			}
			hour = append(hour[:0], h...)
		}
		return eachDeadline(v, func(d deadline, _, _ int) {
			if d.at <= now.Unix() {
				due = append(due, d)
			}
		})
	})
	if err == nil {
		err = flush()
	}
	return err
}
