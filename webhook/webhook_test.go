package webhook_test

import (
	"context"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/ledgertest"
	"github.com/hwledger/hwledger/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fast(svc *ledger.Service, dir string) webhook.Options {
	return webhook.Options{Dir: dir, Service: svc, FirstRetry: 5 * time.Millisecond, MaxRetry: 40 * time.Millisecond, Poll: 20 * time.Millisecond}
}

// Deliveries survive a receiver outage and a server restart: every event
// of the bureau's subscription arrives, in ledger order, nothing lost;
// the outage's failed attempts are in the delivery log.
func TestDeliveriesSurviveOutageAndRestart(t *testing.T) {
	dir := t.TempDir()
	svc, err := ledger.Open(ledger.Config{Dir: dir})
	require.NoError(t, err)
	dist := newDistrict(t, svc)
	rcv := newReceiver(t)
	d, err := webhook.Open(fast(svc, dir))
	require.NoError(t, err)
	zero := uint64(0)
	sub, err := svc.SubscribeWebhook(context.Background(), dist.insp, ledger.WebhookInput{URL: rcv.srv.URL + "/hooks", From: &zero})
	require.NoError(t, err)
	assert.Equal(t, ledger.ScopeBureau, sub.Scope)
	secret := d.Secret(sub.ID)
	stop := run(d)
	d.Notify()
	dist.register(t, dist.genA, 40)
	waitFor(t, "the first deliveries", func() bool { return len(rcv.deliveries()) > 0 })

	// The receiver goes down: attempts fail and are retried, the cursor
	// does not move past an undelivered event.
	rcv.setDown(true)
	dist.register(t, dist.genB, 40)
	d.Notify()
	before := rcv.requests()
	waitFor(t, "failed attempts", func() bool { return rcv.requests() > before+5 })
	st, err := d.State(sub)
	require.NoError(t, err)
	assert.NotEmpty(t, st.LastError)
	assert.Less(t, st.Next, svc.Log().Size())
	log, err := d.Deliveries(sub.ID, ledger.Page{Limit: 5})
	require.NoError(t, err)
	require.NotEmpty(t, log.Items)
	assert.Equal(t, webhook.Failed, log.Items[0].Status)
	assert.Equal(t, 503, log.Items[0].HTTPStatus)
	assert.NotNil(t, log.Items[0].NextAttemptAt)

	// The server stops while the receiver is still down, and more events
	// come while it is stopped (recorded offline).
	stop()
	require.NoError(t, d.Close())
	dist.register(t, dist.genA, 10)
	require.NoError(t, svc.Close())

	svc, err = ledger.Open(ledger.Config{Dir: dir})
	require.NoError(t, err)
	defer svc.Close()
	d, err = webhook.Open(fast(svc, dir))
	require.NoError(t, err)
	defer d.Close()
	assert.Equal(t, secret, d.Secret(sub.ID), "the secret survives the restart")
	rcv.setDown(false)
	stop = run(d)
	defer stop()
	size := svc.Log().Size()
	waitFor(t, "every event", func() bool {
		got := rcv.deliveries()
		return len(got) > 0 && got[len(got)-1].Index == size-1
	})
	got := rcv.deliveries()
	indices := distinct(t, got)
	require.Len(t, indices, int(size), "nothing lost")
	for i, idx := range indices {
		require.EqualValues(t, i, idx)
	}
	for _, g := range got {
		checkBody(t, svc, secret, g)
	}
	st, err = d.State(sub)
	require.NoError(t, err)
	assert.Equal(t, size, st.Next)
	assert.Empty(t, st.LastError)
	assert.EqualValues(t, len(got), st.Delivered)
	t.Logf("%d events delivered in %d deliveries (%d requests)", size, len(got), rcv.requests())

	// The log pages back through every attempt.
	var all []webhook.Delivery
	pg := ledger.Page{Limit: 100}
	for {
		l, err := d.Deliveries(sub.ID, pg)
		require.NoError(t, err)
		all = append(all, l.Items...)
		if l.NextCursor == "" {
			break
		}
		pg.Cursor = l.NextCursor
	}
	failed := 0
	for i, a := range all {
		if i > 0 {
			require.Equal(t, all[i-1].Seq-1, a.Seq, "newest first, no gap")
		}
		if a.Status == webhook.Failed {
			failed++
		}
	}
	assert.Equal(t, len(got)+failed, len(all))
	assert.Positive(t, failed)
	_, err = d.Deliveries(sub.ID, ledger.Page{Limit: 10, Cursor: "x"})
	assert.ErrorIs(t, err, webhook.ErrBadCursor)
}

// A party's subscription gets exactly the events it may see: those of its
// own batches and of the manifests and alerts it is on, never another
// generator's.
func TestSubscriberGetsOnlyWhatItMaySee(t *testing.T) {
	svc := ledgertest.Open(t, ledger.Config{})
	dist := newDistrict(t, svc)
	ctx := context.Background()
	rcvA, rcvRecv := newReceiver(t), newReceiver(t)
	zero := uint64(0)
	subA, err := svc.SubscribeWebhook(ctx, dist.genA, ledger.WebhookInput{URL: rcvA.srv.URL, From: &zero})
	require.NoError(t, err)
	assert.Equal(t, ledger.ScopeParty, subA.Scope)
	subR, err := svc.SubscribeWebhook(ctx, dist.recv, ledger.WebhookInput{URL: rcvRecv.srv.URL, From: &zero})
	require.NoError(t, err)
	d, err := webhook.Open(fast(svc, ""))
	require.NoError(t, err)
	defer d.Close()

	a := dist.register(t, dist.genA, 3)
	b := dist.register(t, dist.genB, 3)
	// A manifest of B's to the receiver, picked up and delivered: the
	// receiver sees it, A does not.
	m, err := svc.CreateManifest(ctx, dist.genB, ledger.ManifestInput{WasteIDs: []string{b[0].ID}, Carriers: []string{dist.car.Party},
		Receiver: dist.recv.Party, PlannedPickupAt: svc.Now().Add(time.Hour)})
	require.NoError(t, err)
	_, err = svc.Pickup(ctx, dist.car, m.ID, ledger.CustodyInput{Labels: []string{b[0].Label}, VehiclePlate: "豫A12345", Driver: "李"})
	require.NoError(t, err)
	// An integrity alert concerns the bureau only.
	require.NoError(t, svc.RaiseIntegrity(ctx, "test"))
	_ = a
	size := svc.Log().Size()
	// What a party may see is decided when an event's turn comes, so the
	// dispatcher starts once the district's day is written: B's batch is
	// on the receiver's manifest by then, and its registration is the
	// receiver's to see.
	stop := run(d)
	defer stop()

	// What each may see, asked of the ledger's own queries independently
	// of the dispatcher's rule.
	mayFetch := func(p ledger.Principal, e *chain.Event) bool {
		switch {
		case e.Actor.Party == p.Party && e.Type != ledger.EvTokenCreated && e.Type != ledger.EvTokenRevoked:
			return true
		case e.Type == ledger.EvPartyRegistered || e.Type == ledger.EvLicenseRenewed:
			return e.Subject == p.Party
		}
		if _, err := svc.Waste(ctx, p, e.Subject); err == nil {
			return true
		}
		if _, err := svc.Manifest(ctx, p, e.Subject); err == nil {
			return true
		}
		if _, err := svc.Alert(ctx, p, e.Subject); err == nil {
			return true
		}
		if _, err := svc.Webhook(ctx, p, e.Subject); err == nil && e.Type != ledger.EvTokenCreated {
			return true
		}
		return false
	}
	for _, c := range []struct {
		name string
		p    ledger.Principal
		rcv  *receiver
		sub  *ledger.Webhook
	}{{"generator A", dist.genA, rcvA, subA}, {"receiver", dist.recv, rcvRecv, subR}} {
		var want []uint64
		require.NoError(t, svc.Log().Events(0, int(size), func(i uint64, b []byte) error {
			e, err := chain.Decode(b)
			if err != nil {
				return err
			}
			if mayFetch(c.p, e) {
				want = append(want, i)
			}
			return nil
		}))
		require.NotEmpty(t, want)
		waitFor(t, c.name+"'s deliveries", func() bool {
			st, err := d.State(c.sub)
			return err == nil && st.Next == size
		})
		got := c.rcv.deliveries()
		assert.Equal(t, want, distinct(t, got), "%s gets exactly what it may see", c.name)
		for _, g := range got {
			checkBody(t, svc, d.Secret(c.sub.ID), g)
			e, err := chain.Decode(g.Event)
			require.NoError(t, err)
			if c.p.Party == dist.genA.Party {
				for _, w := range b {
					assert.NotEqual(t, w.ID, e.Subject, "generator A never gets B's batch")
				}
				assert.NotEqual(t, m.ID, e.Subject, "nor B's manifest")
				assert.NotEqual(t, ledger.EvTokenCreated, e.Type)
			}
		}
	}
}
