package ledger

import (
	"context"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
)

// Background configures the server's background work.
type Background struct {
	// SweepEvery is how often due deadlines are swept (default 1 minute).
	SweepEvery time.Duration
	// WatchEvery is how often new events are verified (default 10 s).
	WatchEvery time.Duration
	// VerifyEvery is how often the whole chain is verified (default 1 h).
	VerifyEvery time.Duration
}

// RunBackground sweeps alerts at once and then periodically, and watches
// the ledger's integrity: new events as they land (from the point
// CheckAtStart verified, else from the first event), the whole chain
// periodically. A fault puts the Service in read-only mode (readonly.go);
// from then on nothing is swept or watched, since nothing changes. It
// returns when ctx ends.
func (s *Service) RunBackground(ctx context.Context, b Background) {
	if b.SweepEvery <= 0 {
		b.SweepEvery = time.Minute
	}
	if b.WatchEvery <= 0 {
		b.WatchEvery = 10 * time.Second
	}
	if b.VerifyEvery <= 0 {
		b.VerifyEvery = time.Hour
	}
	w := s.watcher
	if w == nil {
		w = chain.NewWatcher()
	}
	s.watch(w)
	s.sweepLogged(ctx)
	sweep := time.NewTicker(b.SweepEvery)
	watch := time.NewTicker(b.WatchEvery)
	full := time.NewTicker(b.VerifyEvery)
	defer sweep.Stop()
	defer watch.Stop()
	defer full.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-sweep.C:
			s.sweepLogged(ctx)
		case <-watch.C:
			s.watch(w)
		case <-full.C:
			if _, ro := s.ReadOnly(); ro {
				continue
			}
			s.checkChain("full", func() (uint64, error) {
				rep, err := s.log.Verify(chain.VerifyOptions{})
				return rep.Size, err
			})
		}
	}
}

func (s *Service) sweepLogged(ctx context.Context) {
	if _, ro := s.ReadOnly(); ro {
		return
	}
	if n, err := s.Sweep(ctx); err != nil {
		s.lg.Error("alert sweep failed", "err", err)
	} else if n > 0 {
		s.lg.Info("alert sweep", "raised", n)
	}
}

func (s *Service) watch(w *chain.Watcher) {
	if _, ro := s.ReadOnly(); ro {
		return
	}
	s.checkChain("watch", func() (uint64, error) {
		err := w.Check(s.log)
		return w.Checked(), err
	})
}

// integrityFault puts the Service in read-only mode for what check found:
// a fault, or an error that stopped it (a store that cannot be read back
// is not one to append to either).
func (s *Service) integrityFault(check string, err error) {
	s.enterReadOnly(faultOf(check, err))
}
