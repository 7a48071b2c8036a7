package ledger

import (
	"encoding/json"
	"fmt"

	"github.com/hwledger/hwledger/ledger/chain"
)

// A batch unchanged since registration is read from its registration
// event (its data, WasteRegisteredData, holds the whole batch). Found
// through the seq its id carries (wasteid.go), it has no key; a batch
// whose id carries none has a reference to the event as its record: a
// zero byte, then the event's index (be64). JSON records never start with
// a zero byte.

func eventRef(seq uint64) []byte { return []byte("\x00" + be64(seq)) }

func isEventRef(b []byte) (uint64, bool) {
	if len(b) != 9 || b[0] != 0 {
		return 0, false
	}
	return fromBe64(string(b[1:])), true
}

// eventData decodes the data of event seq, as store s sees the log, into v.
func eventData[D any](s kv, seq uint64, v *D) error {
	if tx, ok := s.(*chain.Tx); ok { // the writer: the event may be this command's
		e, err := tx.Event(seq)
		if err != nil {
			return err
		}
		return data(e, v)
	}
	var b []byte
	var err error
	if l, ok := s.(eventLog); ok { // a replay that may read the log elsewhere
		b, err = l.loggedEvent(seq)
	} else {
		b, err = storedEvent(s, seq)
	}
	if err != nil {
		return err
	}
	d := chain.DataOf(b)
	if d == nil {
		return fmt.Errorf("event %d: malformed event", seq)
	}
	return json.Unmarshal(d, v)
}

// storedEvent reads the bytes of event seq from store s.
func storedEvent(s kv, seq uint64) ([]byte, error) {
	entry, ok, err := s.Get(chain.EventKey(seq))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("event %d: %w", seq, chain.ErrRange)
	}
	b, err := chain.EntryEvent(entry)
	if err != nil {
		return nil, fmt.Errorf("event %d: %w", seq, err)
	}
	return b, nil
}

// eventLog is a store that reads the log from elsewhere (the projection
// checker replays into memory, beside the log it verifies).
type eventLog interface {
	loggedEvent(seq uint64) ([]byte, error)
}
