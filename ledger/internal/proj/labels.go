package proj

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// The batches one generator registered for one day are one label record:
// for each waste code (its 8 digits), the seqs of its batches in serial
// order (doc.go). A section's length gives the code's next serial, and a
// label finds its batch through it and the batch's registration event.
// One record per generator and day, not per code, so that the batches a
// generator registers together write one key for their labels.

// labelDigits is the length of a code's digits in a label record: every
// code of the list is ddd-ddd-dd.
const labelDigits = 8

// labelSection is the place of one code's section in a label record: its
// seqs are rec[seqs:seqs+8n], and the section ends at end.
type labelSection struct {
	found     bool
	start     int // where the section starts, or where it would be inserted
	seqs, end int
	n         int
}

// findLabel finds the section of digits in label record rec (key k, for
// errors).
func findLabel(k, rec []byte, digits string) (labelSection, error) {
	if len(digits) != labelDigits {
		return labelSection{}, fmt.Errorf("label record %q: code digits %q are not %d long", k, digits, labelDigits)
	}
	for at := 0; at < len(rec); {
		if len(rec)-at < labelDigits+1 {
			return labelSection{}, fmt.Errorf("corrupt label record %q", k)
		}
		code := rec[at : at+labelDigits]
		n, w := binary.Uvarint(rec[at+labelDigits:])
		if w <= 0 || n > uint64(len(rec))/8 {
			return labelSection{}, fmt.Errorf("corrupt label record %q", k)
		}
		seqs := at + labelDigits + w
		end := seqs + int(n)*8
		if end > len(rec) {
			return labelSection{}, fmt.Errorf("corrupt label record %q", k)
		}
		switch c := bytes.Compare(code, []byte(digits)); {
		case c == 0:
			return labelSection{found: true, start: at, seqs: seqs, end: end, n: int(n)}, nil
		case c > 0:
			return labelSection{start: at}, nil
		}
		at = end
	}
	return labelSection{start: len(rec)}, nil
}

// LabelCount returns how many serials of a generator, code (its digits)
// and day (yyyymmdd) are taken.
func LabelCount(s Store, generator, digits, day string) (int, error) {
	k := labelKey(generator, day)
	rec, _, err := s.Peek(k)
	if err != nil {
		return 0, err
	}
	sec, err := findLabel(k, rec, digits)
	return sec.n, err
}

// AddLabel records that batch seq has the label of serial, which must be
// the next of its generator, code and day.
func AddLabel(s Store, generator, digits, day string, serial int, seq uint64) error {
	k := labelKey(generator, day)
	rec, _, err := s.Peek(k)
	if err != nil {
		return err
	}
	sec, err := findLabel(k, rec, digits)
	if err != nil {
		return err
	}
	if serial != sec.n+1 {
		return fmt.Errorf("label of batch %d: serial %d follows %d", seq, serial, sec.n)
	}
	out := make([]byte, 0, len(rec)+labelDigits+binary.MaxVarintLen64+8)
	out = append(out, rec[:sec.start]...)
	out = append(out, digits...)
	out = binary.AppendUvarint(out, uint64(serial))
	if sec.found {
		out = append(out, rec[sec.seqs:sec.end]...)
	}
	out = binary.BigEndian.AppendUint64(out, seq)
	if sec.found {
		out = append(out, rec[sec.end:]...)
	} else {
		out = append(out, rec[sec.start:]...)
	}
	return s.Set(k, out)
}

// LabelSeq returns the seq of the batch with serial of a generator, code
// and day (ok false: none).
func LabelSeq(s Store, generator, digits, day string, serial int) (seq uint64, ok bool, err error) {
	k := labelKey(generator, day)
	rec, ok, err := s.Peek(k)
	if err != nil || !ok || len(digits) != labelDigits {
		return 0, false, err
	}
	sec, err := findLabel(k, rec, digits)
	if err != nil || serial < 1 || serial > sec.n {
		return 0, false, err
	}
	at := sec.seqs + (serial-1)*8
	return binary.BigEndian.Uint64(rec[at : at+8]), true, nil
}
