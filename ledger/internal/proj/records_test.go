package proj

import (
	"math"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func memDB(t *testing.T) *badger.DB {
	db, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithLogger(nil))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// A party summary reads back exactly, whatever its text holds: a name with
// a newline once shifted the street into the name on reading.
func TestSummaryEncodingIsUnambiguous(t *testing.T) {
	db := memDB(t)
	r := newReplayTx(db, nil)
	want := []Summary{
		{ID: "p1", CreditCode: "91410104MA0000001X", Name: "顺达\n东大街", Street: "南关\n"},
		{ID: "p2", CreditCode: "", Name: "\"quoted\", <b>&", Street: ""},
		{ID: "p3", CreditCode: "c", Name: "\\n", Street: "\u202e"},
	}
	for _, s := range want {
		require.NoError(t, r.Set(SummaryKey(s.ID), EncodeSummary(s)))
	}
	require.NoError(t, r.txn.Commit())
	var got []Summary
	require.NoError(t, db.View(func(txn *badger.Txn) error {
		for _, s := range want {
			one, ok, err := LoadSummary(&Snapshot{txn}, s.ID)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, s, one)
		}
		return EachSummary(&Snapshot{txn}, func(p Summary) error { got = append(got, p); return nil })
	}))
	assert.Equal(t, want, got)
	_, err := decodeSummary("x", []byte("91410104MA0000001X\nname\nstreet"))
	assert.Error(t, err, "anything but the JSON array is corrupt")
}

// The notice index is read from a point on, and per party.
func TestNoticesAfter(t *testing.T) {
	db := memDB(t)
	r := newReplayTx(db, nil)
	for i := uint64(1); i <= 1000; i++ {
		parties := []string{"a"}
		if i%10 == 0 {
			parties = append(parties, "b")
		}
		require.NoError(t, PutNotice(r, i, "alert", parties))
	}
	require.NoError(t, r.txn.Commit())
	after := func(party string, seq uint64) []uint64 {
		var out []uint64
		require.NoError(t, db.View(func(txn *badger.Txn) error {
			return EachNoticeAfter(&Snapshot{txn}, party, seq, func(i uint64, id string) error {
				assert.Equal(t, "alert", id)
				out = append(out, i)
				return nil
			})
		}))
		return out
	}
	assert.Equal(t, []uint64{998, 999, 1000}, after("", 997))
	assert.Equal(t, []uint64{990, 1000}, after("b", 980))
	assert.Len(t, after("a", 0), 1000)
	assert.Len(t, after("b", 0), 100)
	assert.Empty(t, after("", 1000))
	assert.Empty(t, after("", math.MaxUint64))
	assert.Empty(t, after("c", 0))
}

// A track holds one point per 10-second slot.
func TestTrackSlots(t *testing.T) {
	db := memDB(t)
	r := newReplayTx(db, nil)
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	require.NoError(t, r.Set(TrackSlotKey("m", at), nil))
	for d, held := range map[time.Duration]bool{0: true, 9*time.Second + 999*time.Millisecond: true,
		10 * time.Second: false, -time.Nanosecond: false} {
		ok, err := TrackSlotHeld(r, "m", at.Add(d))
		require.NoError(t, err)
		assert.Equal(t, held, ok, "%s", d)
	}
	ok, err := TrackSlotHeld(r, "other", at)
	require.NoError(t, err)
	assert.False(t, ok)
}
