package proj

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// The batches one generator registered for one day are one label record:
// for each waste code (its 8 digits), the seqs of its batches in serial
// order (doc.go). A section's count gives the code's next serial, and a
// label finds its batch through it and the batch's registration event.
// One record per generator and day, not per code, so that the batches a
// generator registers together write one key for their labels; seqs are
// stored as the first and then each one's distance from the one before,
// so a day of a busy generator stays a small value.

// labelDigits is the length of a code's digits in a label record: every
// code of the list is ddd-ddd-dd.
const labelDigits = 8

// labelSection is one code's section of a label record rec: rec[start:end],
// its n seqs encoded in rec[seqs:end]. A missing section has start = seqs
// = end = where it belongs.
type labelSection struct {
	found            bool
	start, seqs, end int
	n                int
}

// findLabel finds the section of digits in label record rec (key k, for
// errors).
func findLabel(k, rec []byte, digits string) (labelSection, error) {
	if len(digits) != labelDigits {
		return labelSection{}, fmt.Errorf("label record %q: code digits %q are not %d long", k, digits, labelDigits)
	}
	for at := 0; at < len(rec); {
		sec := labelSection{start: at, seqs: at + labelDigits}
		var n, size uint64
		w := 0
		if sec.seqs < len(rec) {
			n, w = binary.Uvarint(rec[sec.seqs:])
		}
		if w > 0 {
			sec.seqs += w
			size, w = binary.Uvarint(rec[sec.seqs:])
			sec.seqs += w
		}
		if w <= 0 || n == 0 || size < n || size > uint64(len(rec)-sec.seqs) {
			return labelSection{}, fmt.Errorf("corrupt label record %q", k)
		}
		sec.n, sec.end = int(n), sec.seqs+int(size)
		switch c := bytes.Compare(rec[at:at+labelDigits], []byte(digits)); {
		case c == 0:
			sec.found = true
			return sec, nil
		case c > 0:
			return labelSection{start: at, seqs: at, end: at}, nil
		}
		at = sec.end
	}
	return labelSection{start: len(rec), seqs: len(rec), end: len(rec)}, nil
}

// each decodes the seqs of section sec of label record rec: each is the
// one before plus a uvarint; it calls fn with each in turn until fn
// returns false, and returns the last it read.
func (sec labelSection) each(k, rec []byte, fn func(i int, seq uint64) bool) (uint64, error) {
	var seq uint64
	at := sec.seqs
	for i := 0; i < sec.n; i++ {
		d, w := binary.Uvarint(rec[at:sec.end])
		if w <= 0 || (i > 0 && d == 0) {
			return 0, fmt.Errorf("corrupt label record %q", k)
		}
		seq, at = seq+d, at+w
		if !fn(i, seq) {
			break
		}
	}
	return seq, nil
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
// the next of its generator, code and day; seq must follow the code's
// batches before it.
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
	last, err := sec.each(k, rec, func(int, uint64) bool { return true })
	if err != nil {
		return err
	}
	if sec.found && seq <= last {
		return fmt.Errorf("label of batch %d: it follows batch %d", seq, last)
	}
	seqs := binary.AppendUvarint(rec[sec.seqs:sec.end:sec.end], seq-last)
	out := make([]byte, 0, len(rec)+labelDigits+3*binary.MaxVarintLen64)
	out = append(out, rec[:sec.start]...)
	out = append(out, digits...)
	out = binary.AppendUvarint(out, uint64(serial))
	out = binary.AppendUvarint(out, uint64(len(seqs)))
	out = append(out, seqs...)
	out = append(out, rec[sec.end:]...)
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
	_, err = sec.each(k, rec, func(i int, v uint64) bool {
		seq = v
		return i+1 < serial
	})
	return seq, err == nil, err
}
