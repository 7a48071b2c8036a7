package ledger

import (
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

func TestLifecycleEndsInClosedManifest(t *testing.T) {
	f := newFixture(t)
	w1 := f.waste(f.gen, "900-214-08", 120.5)
	w2 := f.waste(f.gen, "900-041-49", 30)
	assert.Len(t, w1.Label, 37)
	assert.Equal(t, WasteStored, w1.Status)
	assert.Equal(t, w1.GeneratedAt.Add(365*24*time.Hour), w1.StorageDeadline)
	m := f.manifest(f.gen, f.recv, []Principal{f.car1, f.car2}, w1, w2)
	assert.Len(t, m.Number, 14)
	assert.Equal(t, "20264101000001", m.Number)

	f.clock.Advance(2 * time.Hour)
	m, err := f.s.Pickup(f.ctx, f.car1, m.ID, scan(m))
	require.NoError(t, err)
	assert.Equal(t, ManifestInTransit, m.Status)
	_, err = f.s.Positions(f.ctx, f.car1, m.ID, PositionsInput{Points: []TrackPoint{{34.74, 113.69, f.clock.Now()}}})
	require.NoError(t, err)
	_, err = f.s.Deliver(f.ctx, f.car1, m.ID, DeliverInput{})
	require.ErrorIs(t, err, ErrRuleViolation, "first carrier must hand over before delivering")
	m, err = f.s.Handover(f.ctx, f.car2, m.ID, scan(m))
	require.NoError(t, err)
	f.clock.Advance(30 * time.Minute) // the road to the receiver
	m, err = f.s.Deliver(f.ctx, f.car2, m.ID, DeliverInput{Location: &Location{34.70, 113.75}})
	require.NoError(t, err)
	assert.Equal(t, ManifestDelivered, m.Status)

	m, err = f.s.Receive(f.ctx, f.recv, m.ID, ReceiveInput{Lines: []ReceiveLine{
		{WasteID: w1.ID, Received: KgToGrams(120), ContainerCount: 2, Accepted: yes()},
		{WasteID: w2.ID, Received: KgToGrams(20), ContainerCount: 2, Accepted: yes(), Note: "少了一桶"},
	}})
	require.NoError(t, err)
	assert.True(t, m.Discrepancy)
	alerts, err := f.s.Alerts(f.ctx, f.insp, AlertFilter{Kind: AlertDiscrepancy}, Page{})
	require.NoError(t, err)
	require.Len(t, alerts.Items, 1)

	_, err = f.s.Dispose(f.ctx, f.recv, w1.ID, DisposeInput{Method: "R9", Quantity: KgToGrams(120)})
	require.NoError(t, err)
	_, err = f.s.Dispose(f.ctx, f.recv, w2.ID, DisposeInput{Method: "D10", Quantity: KgToGrams(20)})
	require.NoError(t, err)
	m, err = f.s.Manifest(f.ctx, f.gen, m.ID)
	require.NoError(t, err)
	assert.Equal(t, ManifestClosed, m.Status)
	assert.Len(t, m.Track, 1)

	tr, err := f.s.Trace(f.ctx, f.insp, w2.ID)
	require.NoError(t, err)
	cp, err := chain.OpenCheckpoint([]byte(tr.Checkpoint), f.s.Log().Key().Verifier)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(tr.Events), 8)
	for _, ev := range tr.Events {
		require.NoError(t, proof.VerifyInclusion(rfc6962.DefaultHasher, ev.Index, cp.Size, chain.HashLeaf(ev.Event), ev.InclusionProof, cp.Root))
	}
}
