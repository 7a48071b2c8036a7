package proj

import "fmt"

// The batches of one generator, code and day are one label record: the
// seqs of their registrations in serial order (doc.go). Its length gives
// the next serial, and a label finds its batch through it and the batch's
// registration event, so a registration writes one small key for its
// label.

// LabelCount returns how many serials of a generator, code (its digits)
// and day (yyyymmdd) are taken.
func LabelCount(s Store, generator, digits, day string) (int, error) {
	k := labelKey(generator, digits, day)
	v, _, err := s.Peek(k)
	if err != nil {
		return 0, err
	}
	if len(v)%8 != 0 {
		return 0, fmt.Errorf("corrupt label record %q", k)
	}
	return len(v) / 8, nil
}

// AddLabel records that batch seq has the label of serial, which must be
// the next of its generator, code and day.
func AddLabel(s Store, generator, digits, day string, serial int, seq uint64) error {
	n, err := LabelCount(s, generator, digits, day)
	if err != nil {
		return err
	}
	if serial != n+1 {
		return fmt.Errorf("label of batch %d: serial %d follows %d", seq, serial, n)
	}
	return s.Extend(labelKey(generator, digits, day), []byte(be64(seq)))
}

// LabelSeq returns the seq of the batch with serial of a generator, code
// and day (ok false: none).
func LabelSeq(s Store, generator, digits, day string, serial int) (seq uint64, ok bool, err error) {
	v, ok, err := s.Peek(labelKey(generator, digits, day))
	if err != nil || !ok || serial < 1 || serial > len(v)/8 {
		return 0, false, err
	}
	return fromBe64(v[(serial-1)*8 : serial*8]), true, nil
}
