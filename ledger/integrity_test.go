package ledger

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerifyNowBoundedAndRecorded(t *testing.T) {
	f := newFixture(t)
	assert.Nil(t, f.s.Integrity().OnDemand, "nothing checked yet")
	_, err := f.s.VerifyNow(f.ctx, f.gen)
	require.ErrorIs(t, err, ErrForbidden)

	c, err := f.s.VerifyNow(f.ctx, f.insp)
	require.NoError(t, err)
	size, _, _ := f.s.Log().Head()
	assert.True(t, c.OK)
	assert.Equal(t, "on_demand", c.Kind)
	assert.Equal(t, size, c.Events)
	assert.Equal(t, f.clock.Now(), c.At)
	require.NotNil(t, f.s.Integrity().OnDemand)

	f.waste(f.gen, "900-214-08", 1) // the chain grows
	again, err := f.s.VerifyNow(f.ctx, f.insp)
	require.NoError(t, err)
	assert.Equal(t, c, again, "within a minute the last check is answered")

	f.clock.Advance(OnDemandEvery)
	later, err := f.s.VerifyNow(f.ctx, f.insp)
	require.NoError(t, err)
	assert.Greater(t, later.Events, c.Events)
	assert.Equal(t, f.clock.Now(), later.At)
	assert.WithinDuration(t, later.At, f.s.Integrity().OnDemand.At, time.Nanosecond)
}
