package chain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/transparency-dev/merkle/rfc6962"
)

// Actor is who caused an event: a party id, the role it acted in (the
// role the step needs), and the person who acted for it when a person did
// (absent for a machine's token and for the system). The system itself
// acts as party "system" with role "system". Canonically the fields are
// in this order and person is left out when absent, so the events of the
// log before people existed keep their bytes.
type Actor struct {
	Party  string       `json:"party"`
	Role   string       `json:"role"`
	Person *ActorPerson `json:"person,omitempty"`
}

// ActorPerson is the person who acted: their id and their name as it was
// when they acted.
type ActorPerson struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Event is one entry of the log. Its JSON encoding, with the fields in this
// order, is the canonical byte form that is hashed (see the package doc).
type Event struct {
	Index      uint64          `json:"index"`
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	RecordedAt time.Time       `json:"recorded_at"`
	OccurredAt time.Time       `json:"occurred_at"`
	Actor      Actor           `json:"actor"`
	Subject    string          `json:"subject"`
	Data       json.RawMessage `json:"data"`
	Prev       string          `json:"prev"`

	// Value is the Go value Data was encoded from, when the event was just
	// appended (nil when read back from storage). It lets the appender use
	// the value without decoding Data again; it is not part of the event.
	Value any `json:"-"`
}

// Draft is what a caller supplies to append an event; the writer fills in
// index, id, recorded_at and prev. A zero OccurredAt means "now".
type Draft struct {
	Type       string
	OccurredAt time.Time
	Actor      Actor
	Subject    string
	Data       any // marshalled with encoding/json; nil becomes {}
}

// ZeroPrev is the prev of the first event.
const ZeroPrev = "0000000000000000000000000000000000000000000000000000000000000000"

// HashLeaf returns the RFC 6962 leaf hash of event bytes.
func HashLeaf(b []byte) []byte { return rfc6962.DefaultHasher.HashLeaf(b) }

// Encode returns the canonical bytes of e. Times are normalised to UTC with
// microsecond precision and Data is compacted.
func (e *Event) Encode() ([]byte, error) {
	e.RecordedAt = canonTime(e.RecordedAt)
	e.OccurredAt = canonTime(e.OccurredAt)
	if len(e.Data) == 0 {
		e.Data = json.RawMessage("{}")
	}
	return json.Marshal(e)
}

func canonTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Decode parses canonical event bytes and checks that they are canonical:
// re-encoding the parsed event must give the same bytes.
func Decode(b []byte) (*Event, error) {
	var e Event
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&e); err != nil {
		return nil, fmt.Errorf("not an event: %w", err)
	}
	again, err := e.Encode()
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(again, b) {
		return nil, errors.New("event bytes are not canonical")
	}
	return &e, nil
}

// DataOf returns the data field of canonical event bytes (aliasing b), or
// nil when b is not shaped as an event. It does not verify b: use it on
// events read from a verified store to avoid a full parse.
func DataOf(b []byte) json.RawMessage {
	const tail = len(`,"prev":"`) + 64 + len(`"}`)
	// The canonical form is {"index":…,"subject":"…","data":{…},"prev":"…"}.
	// Before data come only numbers, the actor object and strings, and an
	// escaped string never holds `","` (its quotes follow a backslash), so
	// the first `","data":` is the end of the subject and the data's start.
	if len(b) < tail {
		return nil
	}
	i := bytes.Index(b[:len(b)-tail], []byte(`","data":`))
	if i < 0 {
		return nil
	}
	return json.RawMessage(b[i+len(`","data":`) : len(b)-tail])
}

// peek reads index and prev (as hex) from canonical event bytes without a full parse:
// the canonical form starts with {"index":N, and ends with ,"prev":"<hex>"}.
func peek(b []byte) (index uint64, prev []byte, err error) {
	const head = `{"index":`
	const tail = len(`,"prev":"`) + 64 + len(`"}`)
	if !bytes.HasPrefix(b, []byte(head)) || len(b) < len(head)+tail {
		return 0, nil, errors.New("event bytes do not start with the index field")
	}
	rest := b[len(head):]
	n := bytes.IndexByte(rest, ',')
	if n <= 0 {
		return 0, nil, errors.New("malformed index field")
	}
	index, err = strconv.ParseUint(string(rest[:n]), 10, 64)
	if err != nil {
		return 0, nil, errors.New("malformed index field")
	}
	t := b[len(b)-tail:]
	if !bytes.HasPrefix(t, []byte(`,"prev":"`)) || !bytes.HasSuffix(t, []byte(`"}`)) {
		return 0, nil, errors.New("event bytes do not end with the prev field")
	}
	return index, t[len(`,"prev":"`) : len(`,"prev":"`)+64], nil
}
