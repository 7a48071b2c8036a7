package ledger

import "github.com/hwledger/hwledger/ledger/internal/proj"

// subjectSeq returns the seq of an alert's subject (a batch or manifest),
// which places its deadlines in the index (proj.PutDeadline). Other
// subjects have no deadlines: 0.
func subjectSeq(s proj.Store, subjectType, id string) (uint64, error) {
	switch subjectType {
	case SubjectManifest:
		m, err := loadManifest(s, id)
		if err != nil {
			return 0, err
		}
		return m.Seq, nil
	case SubjectWaste:
		w, err := loadWaste(s, id)
		if err != nil {
			return 0, err
		}
		return w.Seq, nil
	}
	return 0, nil
}
