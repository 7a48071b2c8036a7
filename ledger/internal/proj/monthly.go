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

// A monthly record holds every code of one party and month (doc.go): one
// section per code in code order, each the code's length (uvarint), the
// code, then its MonthAgg. One record per party and month, not per code,
// so that the batches a generator registers together write one key for
// their figures.

// monthSection is one code's figures in a monthly record, and where they
// are: rec[start:end].
type monthSection struct {
	code       string
	agg        MonthAgg
	start, end int
}

// nextMonth reads the section of monthly record rec (key k, for errors)
// that starts at at.
func nextMonth(k, rec []byte, at int) (monthSection, error) {
	n, w := binary.Uvarint(rec[at:])
	if w <= 0 || n == 0 || n > uint64(len(rec)-at-w) {
		return monthSection{}, fmt.Errorf("corrupt monthly figures %q", k)
	}
	c := at + w + int(n)
	sec := monthSection{code: string(rec[at+w : c]), start: at}
	rest, err := readVarints(rec[c:], sec.agg.fields())
	if err != nil {
		return monthSection{}, fmt.Errorf("corrupt monthly figures %q: %w", k, err)
	}
	sec.end = len(rec) - len(rest)
	return sec, nil
}

// BumpMonth applies fn to party's figures of code in the month at falls in.
func BumpMonth(s Store, at time.Time, party, code string, fn func(a *MonthAgg)) error {
	k := monthKey(party, MonthKey(at))
	rec, _, err := s.Peek(k)
	if err != nil {
		return err
	}
	// The section of code, or an empty one where it belongs.
	sec := monthSection{code: code, start: len(rec), end: len(rec)}
	for i := 0; i < len(rec); {
		next, err := nextMonth(k, rec, i)
		if err != nil {
			return err
		}
		if next.code >= code {
			sec = next
			if next.code != code {
				sec = monthSection{code: code, start: i, end: i}
			}
			break
		}
		i = next.end
	}
	fn(&sec.agg)
	out := make([]byte, 0, len(rec)+len(code)+16)
	out = append(out, rec[:sec.start]...)
	out = binary.AppendUvarint(out, uint64(len(code)))
	out = append(out, code...)
	out = appendVarints(out, sec.agg.fields())
	out = append(out, rec[sec.end:]...)
	return s.Set(k, out)
}

// EachMonth calls fn with the monthly figures of party, by month then
// code; with party "", of every party (party by party).
func EachMonth(s Store, party string, fn func(party, month, code string, a MonthAgg) error) error {
	p := prefixMonth
	if party != "" {
		p += party + "/"
	}
	return s.Scan([]byte(p), func(k, v []byte) error {
		who, month, ok := strings.Cut(string(k[len(prefixMonth):]), "/")
		if !ok || len(month) != 6 {
			return fmt.Errorf("corrupt monthly key %q", k)
		}
		for i := 0; i < len(v); {
			sec, err := nextMonth(k, v, i)
			if err != nil {
				return err
			}
			if err := fn(who, month, sec.code, sec.agg); err != nil {
				return err
			}
			i = sec.end
		}
		return nil
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

// decodeVarints reads len(fs) signed varints, which must be all of b (nil
// b: all zero).
func decodeVarints(b []byte, fs []*int64) error {
	if len(b) == 0 {
		return nil
	}
	rest, err := readVarints(b, fs)
	if err == nil && len(rest) != 0 {
		err = errors.New("trailing bytes")
	}
	return err
}

// readVarints reads len(fs) signed varints from the start of b and returns
// the rest.
func readVarints(b []byte, fs []*int64) ([]byte, error) {
	for _, f := range fs {
		v, n := binary.Varint(b)
		if n <= 0 {
			return nil, errors.New("bad varint")
		}
		*f, b = v, b[n:]
	}
	return b, nil
}
