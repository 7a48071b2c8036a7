package manifestpdf

import (
	"testing"

	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStepPerson: a step names the person an event's actor names (people
// sign in; a machine's token names none), with the vehicle and driver of
// a custody change; GPS fixes are counted, not listed.
func TestStepPerson(t *testing.T) {
	ev := `{"index":7,"id":"e","type":"manifest.picked_up","recorded_at":"2026-03-02T01:00:00Z","occurred_at":"2026-03-02T00:59:00Z",` +
		`"actor":{"party":"p1","role":"transporter","person":{"id":"u1","name":"赵大勇"}},"subject":"m",` +
		`"data":{"party":"p1","labels":["L1"],"vehicle_plate":"豫A·D1234","driver":"钱小明","transit_due":"2026-03-03T00:00:00Z","track_gap_due":"2026-03-02T02:00:00Z"},"prev":"00"}`
	st, points, err := step(7, []byte(ev))
	require.NoError(t, err)
	require.NotNil(t, st)
	assert.Zero(t, points)
	assert.Equal(t, "赵大勇", st.Person)
	assert.Equal(t, "p1", st.Party)
	assert.Equal(t, ledger.EvManifestPickedUp, st.Type)
	assert.Contains(t, st.Detail, "豫A·D1234")
	assert.Contains(t, st.Detail, "钱小明")

	machine := `{"index":8,"type":"manifest.delivered","occurred_at":"2026-03-02T02:00:00Z","actor":{"party":"p1","role":"transporter"},"data":{"receipt_due":"2026-03-09T00:00:00Z"}}`
	st, _, err = step(8, []byte(machine))
	require.NoError(t, err)
	assert.Empty(t, st.Person)

	fixes := `{"index":9,"type":"manifest.positions","occurred_at":"2026-03-02T02:00:00Z","actor":{"party":"p1","role":"transporter"},"data":{"points":[{"lat":1,"lon":2,"at":"2026-03-02T01:00:00Z"},{"lat":1,"lon":2,"at":"2026-03-02T01:01:00Z"}],"track_gap_due":"2026-03-02T03:00:00Z"}}`
	st, points, err = step(9, []byte(fixes))
	require.NoError(t, err)
	assert.Nil(t, st)
	assert.Equal(t, 2, points)
}
