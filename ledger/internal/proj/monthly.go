package proj

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/workday"
)

// Monthly figures of one generator: what the HJ 1259 declarations and the
// management class are computed from. Apply functions keep them, so a
// party's yearly declaration reads at most a few hundred small records and
// the class of every party in the district one scan, never a batch.
// Quantities are grams, months are Asia/Shanghai ("200601").

// MonthAgg holds the figures of one generator's batches of one waste code
// in one month.
type MonthAgg struct {
	Generated   int64 // declared quantity of the batches generated in the month
	Batches     int64 // how many
	Left        int64 // declared quantity of its batches picked up in the month (left the site)
	LeftBatches int64
	Returned    int64 // declared quantity of its batches rejected by a receiver in the month
}

func (a *MonthAgg) fields() []*int64 {
	return []*int64{&a.Generated, &a.Batches, &a.Left, &a.LeftBatches, &a.Returned}
}

// MonthKey is the month of t in Asia/Shanghai, "200601".
func MonthKey(t time.Time) string { return t.In(workday.Shanghai).Format("200601") }

// BumpMonth applies fn to party's figures of code in the month at falls in.
func BumpMonth(s Store, at time.Time, party, code string, fn func(a *MonthAgg)) error {
	k := monthKey(party, MonthKey(at), code)
	b, _, err := s.Peek(k)
	if err != nil {
		return err
	}
	var a MonthAgg
	if err := decodeVarints(b, a.fields()); err != nil {
		return fmt.Errorf("corrupt monthly figures %q: %w", k, err)
	}
	fn(&a)
	return s.Set(k, appendVarints(nil, a.fields()))
}

// EachMonth calls fn with the monthly figures of party, by month then
// code; with party "", of every party (party by party).
func EachMonth(s Store, party string, fn func(party, month, code string, a MonthAgg) error) error {
	p := prefixMonth
	if party != "" {
		p += party + "/"
	}
	return s.Scan([]byte(p), func(k, v []byte) error {
		parts := strings.Split(string(k[len(prefixMonth):]), "/")
		if len(parts) != 3 {
			return fmt.Errorf("corrupt monthly key %q", k)
		}
		var a MonthAgg
		if err := decodeVarints(v, a.fields()); err != nil {
			return fmt.Errorf("corrupt monthly figures %q: %w", k, err)
		}
		return fn(parts[0], parts[1], parts[2], a)
	})
}

// Handed is one generator's quantity of a code handed to one receiver in
// one month (by the month of pickup), by the method the receiver reported
// ("" until it has utilised or disposed of the batches).
type Handed struct {
	Month, Receiver, Code, Method string
	Grams, Batches                int64
}

// BumpHanded changes the quantity party handed to receiver in the month
// pickedUp falls in, for code and method, by grams and batches.
func BumpHanded(s Store, pickedUp time.Time, party, receiver, code, method string, grams, batches int64) error {
	k := handedKey(party, MonthKey(pickedUp), receiver, code, method)
	b, _, err := s.Peek(k)
	if err != nil {
		return err
	}
	var g, n int64
	if err := decodeVarints(b, []*int64{&g, &n}); err != nil {
		return fmt.Errorf("corrupt handed figures %q: %w", k, err)
	}
	g, n = g+grams, n+batches
	if g == 0 && n == 0 {
		return s.Delete(k)
	}
	return s.Set(k, appendVarints(nil, []*int64{&g, &n}))
}

// EachHanded calls fn with what party handed over, by month, receiver,
// code and method.
func EachHanded(s Store, party string, fn func(h Handed) error) error {
	p := prefixHanded + party + "/"
	return s.Scan([]byte(p), func(k, v []byte) error {
		parts := strings.Split(string(k[len(p):]), "/")
		if len(parts) != 4 {
			return fmt.Errorf("corrupt handed key %q", k)
		}
		h := Handed{Month: parts[0], Receiver: parts[1], Code: parts[2], Method: parts[3]}
		if err := decodeVarints(v, []*int64{&h.Grams, &h.Batches}); err != nil {
			return fmt.Errorf("corrupt handed figures %q: %w", k, err)
		}
		return fn(h)
	})
}

func appendVarints(b []byte, fs []*int64) []byte {
	for _, f := range fs {
		b = binary.AppendVarint(b, *f)
	}
	return b
}

// decodeVarints reads len(fs) signed varints (nil b: all zero).
func decodeVarints(b []byte, fs []*int64) error {
	if len(b) == 0 {
		return nil
	}
	for _, f := range fs {
		v, n := binary.Varint(b)
		if n <= 0 {
			return errors.New("bad varint")
		}
		*f, b = v, b[n:]
	}
	if len(b) != 0 {
		return errors.New("trailing bytes")
	}
	return nil
}
