package chain

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// encodeAppended returns the canonical bytes of an event whose Data was
// just produced by json.Marshal (so it is already compact and escaped the
// way encoding/json escapes). It writes the envelope directly instead of
// through reflection, and gives exactly the bytes of Encode (json.Marshal
// of the Event), which stays the definition: a test compares the two.
func (e *Event) encodeAppended() ([]byte, error) {
	e.RecordedAt = canonTime(e.RecordedAt)
	e.OccurredAt = canonTime(e.OccurredAt)
	if len(e.Data) == 0 {
		e.Data = json.RawMessage("{}")
	}
	if !plainTime(e.RecordedAt) || !plainTime(e.OccurredAt) {
		return e.Encode() // let encoding/json decide (and refuse) odd years
	}
	// The field names, the index, two times and prev take under 300 bytes.
	n := 300 + len(e.ID) + len(e.Type) + len(e.Actor.Party) + len(e.Actor.Role) + len(e.Subject) + len(e.Data) + len(e.Prev)
	if p := e.Actor.Person; p != nil {
		n += 32 + len(p.ID) + len(p.Name)
	}
	b := make([]byte, 0, n)
	b = append(b, `{"index":`...)
	b = strconv.AppendUint(b, e.Index, 10)
	b = append(b, `,"id":`...)
	b = appendJSONString(b, e.ID)
	b = append(b, `,"type":`...)
	b = appendJSONString(b, e.Type)
	b = append(b, `,"recorded_at":"`...)
	b = e.RecordedAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","occurred_at":"`...)
	b = e.OccurredAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","actor":{"party":`...)
	b = appendJSONString(b, e.Actor.Party)
	b = append(b, `,"role":`...)
	b = appendJSONString(b, e.Actor.Role)
	if p := e.Actor.Person; p != nil {
		b = append(b, `,"person":{"id":`...)
		b = appendJSONString(b, p.ID)
		b = append(b, `,"name":`...)
		b = appendJSONString(b, p.Name)
		b = append(b, '}')
	}
	b = append(b, `},"subject":`...)
	b = appendJSONString(b, e.Subject)
	b = append(b, `,"data":`...)
	b = append(b, e.Data...)
	b = append(b, `,"prev":`...)
	b = appendJSONString(b, e.Prev)
	return append(b, '}'), nil
}

// FastJSON is event data that writes its own JSON, byte for byte what
// encoding/json writes for it (its package must test that), when it
// reports ok; otherwise Append uses encoding/json. It spares the writer
// reflection for the events it appends most.
type FastJSON interface {
	AppendEventJSON(b []byte) (out []byte, ok bool)
}

// AppendJSONString appends s as encoding/json writes a string.
func AppendJSONString(b []byte, s string) []byte { return appendJSONString(b, s) }

// AppendJSONTime appends t as encoding/json writes a time (RFC 3339 with
// nanoseconds, quoted); ok is false for a year encoding/json refuses.
func AppendJSONTime(b []byte, t time.Time) ([]byte, bool) {
	if !plainTime(t) {
		return b, false
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), true
}

// plainTime reports whether encoding/json writes t as its RFC 3339 form
// (years 0–9999).
func plainTime(t time.Time) bool { y := t.Year(); return y >= 0 && y <= 9999 }

// appendJSONString appends s as encoding/json writes a string. Valid
// UTF-8 other than U+2028 and U+2029 is written as is (Chinese names are
// the common case); strings with anything to escape take encoding/json
// itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return appendMarshalled(b, s)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
			return appendMarshalled(b, s)
		}
		i += size
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendMarshalled(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}
