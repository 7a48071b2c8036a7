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
// the ledger's integrity: new events as they land, the whole chain
// periodically. A fault raises an integrity alert and is logged at error
// level. It returns when ctx ends.
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
	s.sweepLogged(ctx)
	w := chain.NewWatcher()
	s.watch(ctx, w)
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
			s.watch(ctx, w)
		case <-full.C:
			if _, err := s.log.Verify(chain.VerifyOptions{}); err != nil {
				s.integrityFault(ctx, err)
			}
		}
	}
}

func (s *Service) sweepLogged(ctx context.Context) {
	if n, err := s.Sweep(ctx); err != nil {
		s.lg.Error("alert sweep failed", "err", err)
	} else if n > 0 {
		s.lg.Info("alert sweep", "raised", n)
	}
}

func (s *Service) watch(ctx context.Context, w *chain.Watcher) {
	if err := w.Check(s.log); err != nil {
		s.integrityFault(ctx, err)
	}
}

func (s *Service) integrityFault(ctx context.Context, err error) {
	s.lg.Error("LEDGER INTEGRITY FAULT", "err", err)
	if rerr := s.RaiseIntegrity(ctx, err.Error()); rerr != nil {
		s.lg.Error("could not raise integrity alert", "err", rerr)
	}
}
