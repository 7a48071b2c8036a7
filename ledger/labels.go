package ledger

import (
	"fmt"
	"strings"

	"github.com/hwledger/hwledger/ledger/ident"
)

// The batches of one generator, code and day, by label serial, are one
// record: wn/<generator>/<code digits>/<yyyymmdd> holds their ids in
// serial order, each a one-byte length and the id. Its length gives the
// next serial, and a label (credit code, code digits, date, serial) finds
// its batch through it, so a registration writes one key for its label.

func labelKey(generator, digits, day string) []byte {
	return key(pLabelSeq, generator, "/", digits, "/", day)
}

// labelIDs decodes a label record.
func labelIDs(v []byte) ([]string, error) {
	var ids []string
	for len(v) > 0 {
		n := int(v[0])
		if len(v) < 1+n {
			return nil, fmt.Errorf("corrupt label record")
		}
		ids = append(ids, string(v[1:1+n]))
		v = v[1+n:]
	}
	return ids, nil
}

// labelCount returns how many serials of a generator, code and day are
// taken.
func labelCount(s kv, generator, digits, day string) (int, error) {
	k := labelKey(generator, digits, day)
	var v []byte
	var err error
	if x, ok := s.(extender); ok {
		v, _, err = x.Peek(k)
	} else {
		v, _, err = s.Get(k)
	}
	if err != nil {
		return 0, err
	}
	ids, err := labelIDs(v)
	return len(ids), err
}

// addLabel records that batch id has label l, whose serial must be the
// next of its generator, code and day.
func addLabel(s kv, generator string, l ident.Label, id string) error {
	n, err := labelCount(s, generator, l.CodeDigits, l.Date)
	if err != nil {
		return err
	}
	if l.Serial != n+1 {
		return fmt.Errorf("label %s: serial %d follows %d", id, l.Serial, n)
	}
	if len(id) > 255 {
		return fmt.Errorf("batch id %q too long", id)
	}
	ent := append([]byte{byte(len(id))}, id...)
	k := labelKey(generator, l.CodeDigits, l.Date)
	if x, ok := s.(extender); ok {
		return x.Extend(k, ent)
	}
	v, _, err := s.Get(k)
	if err != nil {
		return err
	}
	return s.Set(k, append(v, ent...))
}

// labelBatch returns the id of the batch with label (ok false: none).
func labelBatch(r kv, label string) (id string, ok bool, err error) {
	l, err := ident.ParseLabel(strings.TrimSpace(label))
	if err != nil {
		return "", false, nil
	}
	gen, ok, err := r.Get(key(pCredit, l.Credit))
	if err != nil || !ok {
		return "", false, err
	}
	v, ok, err := r.Get(labelKey(string(gen), l.CodeDigits, l.Date))
	if err != nil || !ok {
		return "", false, err
	}
	ids, err := labelIDs(v)
	if err != nil || l.Serial > len(ids) {
		return "", false, err
	}
	return ids[l.Serial-1], true, nil
}
