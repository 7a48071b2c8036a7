package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/witness"
)

// witnessOptions are serve's witness flags.
type witnessOptions struct {
	remotes witnessList
	policy  int
	timeout time.Duration
	// collector is set once the ledger is open; the ledger's commit hook
	// reads it to wake the collector.
	collector atomic.Pointer[witness.Collector]
}

// witnessList collects repeated --witness URL=VKEY flags.
type witnessList []witness.Remote

func (l *witnessList) String() string {
	urls := make([]string, len(*l))
	for i, r := range *l {
		urls[i] = r.URL
	}
	return strings.Join(urls, ",")
}

func (l *witnessList) Set(v string) error {
	r, err := witness.ParseRemote(v)
	if err != nil {
		return err
	}
	*l = append(*l, r)
	return nil
}

// addFlags registers --witness, --witness-policy and --witness-timeout.
func (w *witnessOptions) addFlags(fs *flag.FlagSet) {
	fs.Var(&w.remotes, "witness", "a C2SP tlog-witness to submit checkpoints to, URL=VKEY (the witness's witness.pub) (repeatable)")
	fs.IntVar(&w.policy, "witness-policy", 0, "how many witnesses must cosign a checkpoint before GET /api/v1/ledger/checkpoint publishes it (default: all)")
	fs.DurationVar(&w.timeout, "witness-timeout", 10*time.Second, "how long a witness may take to answer, or stay without answering, before an integrity alert")
}

// start opens the collector for svc, or returns nil without witnesses.
// A witness that refuses a checkpoint or stays silent raises an integrity
// alert.
func (w *witnessOptions) start(svc *ledger.Service, logger *slog.Logger) (*witness.Collector, error) {
	if len(w.remotes) == 0 {
		if w.policy != 0 {
			return nil, fmt.Errorf("%w: --witness-policy needs --witness", errUsage)
		}
		return nil, nil
	}
	c, err := witness.NewCollector(witness.CollectorConfig{Log: svc.Log(), Witnesses: w.remotes, Policy: w.policy,
		Timeout: w.timeout, Logger: logger,
		OnProblem: func(ctx context.Context, msg string) {
			if err := svc.RaiseIntegrity(ctx, msg); err != nil {
				logger.Error("could not raise the integrity alert", "err", err)
			}
		}})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	w.collector.Store(c)
	return c, nil
}

// notify wakes the collector after a commit; it never blocks.
func (w *witnessOptions) notify() {
	if c := w.collector.Load(); c != nil {
		c.Notify()
	}
}
