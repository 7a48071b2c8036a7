package ledger

import (
	"context"
	"encoding/hex"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// Trace returns every ledger event about a batch or manifest, each with its
// inclusion proof against the returned signed checkpoint, so the caller
// can prove the history without trusting the server.
func (s *Service) Trace(ctx context.Context, p Principal, id string) (*Trace, error) {
	size, _, signed := s.log.Head()
	if signed == nil {
		var err error
		if signed, err = s.log.Checkpoint(); err != nil {
			return nil, err
		}
	}
	t := &Trace{Checkpoint: string(signed), Size: size, Events: []TraceEvent{}}
	if w, err := s.Waste(ctx, p, id); err == nil {
		t.Waste = w
	} else if m, err2 := s.Manifest(ctx, p, id); err2 == nil {
		t.Manifest = m
	} else {
		return nil, err
	}
	var indices []uint64
	if t.Waste != nil {
		indices = append(indices, t.Waste.Seq) // its registration
	}
	err := s.view(func(r *proj.Snapshot) error {
		return proj.EachTrace(r, id, func(i uint64) error {
			if i < size {
				indices = append(indices, i)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	for _, i := range indices {
		b, err := s.log.Event(i)
		if err != nil {
			return nil, err
		}
		pr, err := s.log.InclusionProof(i, size)
		if err != nil {
			return nil, err
		}
		t.Events = append(t.Events, TraceEvent{Index: i, LeafHash: hex.EncodeToString(chain.HashLeaf(b)), Event: b, InclusionProof: pr})
	}
	return t, nil
}
