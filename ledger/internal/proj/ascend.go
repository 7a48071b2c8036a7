package proj

import "fmt"

// EachEntry calls fn with the seq and id of every entry of list, oldest
// first, reading one posting block at a time: a walk of a long list (a
// party's batches for its 台账) holds one block in memory, not the list.
// The generated-at list, whose blocks overlap, is not walked this way.
func EachEntry(s Store, list List, fn func(seq uint64, id string) error) error {
	l := string(list)
	if isHourList(l) {
		return fmt.Errorf("EachEntry: %s is walked by hour (Snapshot.Iter)", l)
	}
	n := suffixLen(l)
	return s.Scan([]byte(prefixIndex+l), func(_, v []byte) error {
		ps, err := decodeBlock(v, n)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if err := fn(fromBe64(p.suffix[len(p.suffix)-8:]), p.id); err != nil {
				return err
			}
		}
		return nil
	})
}
