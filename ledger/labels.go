package ledger

import (
	"fmt"
	"strings"

	"github.com/hwledger/hwledger/ledger/ident"
)

// The batches of one generator, code and day, by label serial, are one
// record: wn/<generator>/<code digits>/<yyyymmdd> holds their seqs (be64)
// in serial order. Its length gives the next serial, and a label (credit
// code, code digits, date, serial) finds its batch through it and the
// batch's registration event, so a registration writes one small key for
// its label.

func labelKey(generator, digits, day string) []byte {
	return key(pLabelSeq, generator, "/", digits, "/", day)
}

// labelCount returns how many serials of a generator, code and day are
// taken.
func labelCount(s kv, generator, digits, day string) (int, error) {
	k := labelKey(generator, digits, day)
	v, err := peekValue(s, k)
	if err != nil {
		return 0, err
	}
	if len(v)%8 != 0 {
		return 0, fmt.Errorf("corrupt label record %q", k)
	}
	return len(v) / 8, nil
}

// addLabel records that batch seq has label l, whose serial must be the
// next of its generator, code and day.
func addLabel(s kv, generator string, l ident.Label, seq uint64) error {
	n, err := labelCount(s, generator, l.CodeDigits, l.Date)
	if err != nil {
		return err
	}
	if l.Serial != n+1 {
		return fmt.Errorf("label of batch %d: serial %d follows %d", seq, l.Serial, n)
	}
	return extendValue(s, labelKey(generator, l.CodeDigits, l.Date), []byte(be64(seq)))
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
	if err != nil || !ok || l.Serial > len(v)/8 {
		return "", false, err
	}
	var d WasteRegisteredData
	if err := eventData(r, fromBe64(string(v[(l.Serial-1)*8:l.Serial*8])), &d); err != nil {
		return "", false, err
	}
	return d.ID, true, nil
}
