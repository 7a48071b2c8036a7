package ledger

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noticesByScan is what AlertNoticesSince must return, found the slow
// way: every event of the log after seq, turned into a notice.
func noticesByScan(t *testing.T, f *fixture, p Principal, seq uint64) []AlertNotice {
	var out []AlertNotice
	require.NoError(t, f.s.Log().Events(seq+1, 0, func(i uint64, b []byte) error {
		var e chain.Event
		if err := json.Unmarshal(b, &e); err != nil {
			return err
		}
		e.Index = i
		if n, ok := f.s.notice(&e); ok && canSeeAlert(p, n.Alert) && len(out) < MaxBacklog {
			out = append(out, n)
		}
		return nil
	}))
	return out
}

// TestAlertNoticesSinceReadsTheIndex: resuming a stream returns, for each
// scope and from every point, exactly the notices a scan of the whole log
// finds, read from the notice index.
func TestAlertNoticesSinceReadsTheIndex(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.wasteAt(f.hosp, "841-001-01", 5, f.clock.Now())
	f.wasteAt(f.gen, "900-214-08", 5, f.clock.Now().Add(-340*24*time.Hour))
	for range 30 { // events that are no alerts
		f.waste(f.gen2, "900-214-08", 1)
	}
	f.clock.Advance(36 * time.Hour)
	f.sweep() // medical storage due soon (hosp); storage due soon (gen)
	open := f.alerts(AlertFilter{Status: AlertOpen})
	require.GreaterOrEqual(t, len(open), 2)
	_, err := f.s.AckAlert(f.ctx, f.insp, open[0].ID, AckInput{Note: "已通知"})
	require.NoError(t, err)
	f.clock.Advance(24 * time.Hour)
	f.sweep()

	size := f.size()
	for _, p := range []Principal{f.insp, f.gen, f.hosp, f.gen2, f.car1} {
		for seq := uint64(0); seq <= size; seq++ {
			got, err := f.s.AlertNoticesSince(p, seq)
			require.NoError(t, err)
			want := noticesByScan(t, f, p, seq)
			require.Equal(t, len(want), len(got), "%s after %d", p.Party, seq)
			for i := range want {
				assert.Equal(t, want[i].Seq, got[i].Seq)
				assert.Equal(t, want[i].Type, got[i].Type)
				assert.Equal(t, want[i].Alert.ID, got[i].Alert.ID)
			}
		}
	}
	all, err := f.s.AlertNoticesSince(f.insp, 0)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(all), 3, "raised, acknowledged, and more")
	none, err := f.s.AlertNoticesSince(f.gen2, 0)
	require.NoError(t, err)
	assert.Empty(t, none, "a party sees only its alerts")
}

// TestStreamLimits: at most MaxStreamsPerToken subscriptions per token and
// MaxStreams in all; closing one makes room.
func TestStreamLimits(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, Config{MaxStreams: 5, MaxStreamsPerToken: 2})
	a := Principal{Party: f.gen.Party, Roles: f.gen.Roles, TokenID: "tok-a"}
	b := Principal{Party: f.gen.Party, Roles: f.gen.Roles, TokenID: "tok-b"}
	var cancels []func()
	sub := func(p Principal) error {
		_, cancel, err := f.s.Subscribe(p)
		if err == nil {
			cancels = append(cancels, cancel)
		}
		return err
	}
	require.NoError(t, sub(a))
	require.NoError(t, sub(a))
	err := sub(a)
	require.ErrorIs(t, err, ErrTooManyStreams)
	assert.Contains(t, err.Error(), "this token has 2 open")
	require.NoError(t, sub(b), "another token of the same party has its own count")
	require.NoError(t, sub(b))
	require.NoError(t, sub(f.insp))
	err = sub(f.hosp)
	require.ErrorIs(t, err, ErrTooManyStreams)
	assert.Contains(t, err.Error(), "the server has 5 open")
	cancels[0]()
	cancels[0]() // cancelling twice frees one place only
	require.NoError(t, sub(a), "a closed stream makes room")
	require.ErrorIs(t, sub(f.hosp), ErrTooManyStreams)
}
