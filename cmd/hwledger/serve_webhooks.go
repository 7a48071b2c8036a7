package main

import (
	"log/slog"
	"sync/atomic"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/webhook"
	"github.com/hwledger/hwledger/witness"
)

// webhookHooks holds serve's webhook dispatcher once the ledger is open;
// the ledger's commit hook reads it to wake the dispatcher.
type webhookHooks struct {
	d atomic.Pointer[webhook.Dispatcher]
}

// open opens the dispatcher of the ledger in dir (its state in
// dir/webhooks). Deliveries prove their events against the checkpoint the
// server publishes: with witnesses, the one they have cosigned.
func (h *webhookHooks) open(svc *ledger.Service, dir string, witnesses *witness.Collector, logger *slog.Logger) (*webhook.Dispatcher, error) {
	o := webhook.Options{Dir: dir, Service: svc, Logger: logger}
	if witnesses != nil {
		o.Checkpoint = func() ([]byte, error) {
			cp, _, err := witnesses.Checkpoint()
			return cp, err
		}
	}
	d, err := webhook.Open(o)
	if err != nil {
		return nil, err
	}
	h.d.Store(d)
	return d, nil
}

// notify wakes the dispatcher after a commit; it never blocks.
func (h *webhookHooks) notify() {
	if d := h.d.Load(); d != nil {
		d.Notify()
	}
}
