package ledger

import (
	"errors"
	"fmt"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// Replay: projections are a pure function of the log (package proj).
// Reindex rebuilds them; Verify proves the stored ones equal a fresh
// replay.

// Reindex deletes every projection of the ledger in cfg.Dir and rebuilds
// them from the log. Run it with the server stopped.
func Reindex(cfg Config) (events uint64, err error) {
	s, err := Open(cfg)
	if err != nil {
		return 0, err
	}
	defer func() {
		if cerr := s.Close(); err == nil {
			err = cerr
		}
	}()
	if s.rebuilt { // Open already rebuilt them (another format)
		return s.log.Size(), nil
	}
	events, err = proj.Rebuild(s.log, apply)
	s.stateChecked.Store(err == nil)
	return events, err
}

// ErrProjection marks a verification failure of the stored state (not of
// the log itself).
var ErrProjection = errors.New("stored state differs from a replay of the log")

// Verify proves the ledger unaltered (chain.Log.Verify: hashes, links,
// tree, checkpoint signature, and with trusted an append-only extension of
// a saved checkpoint) and that the stored state equals a replay of the log.
// It writes nothing.
func (s *Service) Verify(trusted []byte) (chain.Report, error) {
	pc, err := proj.NewChecker(s.log, apply)
	if err != nil {
		return chain.Report{}, err
	}
	rep, err := s.log.Verify(chain.VerifyOptions{Trusted: trusted, OnEvent: func(_ uint64, b []byte) error { return pc.Event(b) }})
	if err != nil {
		pc.Close()
		return rep, err
	}
	if err := pc.Compare(s.log); err != nil {
		if v, ferr := proj.StoredFormat(s.log); ferr == nil && v != proj.Format && rep.Size > 0 {
			return rep, fmt.Errorf("%w: %v (stored in projection format %d, this version writes %d: "+
				"the server rebuilds them when it starts)", ErrProjection, err, v, proj.Format)
		}
		return rep, fmt.Errorf("%w: %v", ErrProjection, err)
	}
	return rep, nil
}
