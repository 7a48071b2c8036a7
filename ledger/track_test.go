package ledger

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// points are n GPS points a step apart, the last at end.
func points(n int, step time.Duration, end time.Time, lat float64) []TrackPoint {
	out := make([]TrackPoint, n)
	for i := range out {
		out[i] = TrackPoint{Lat: lat, Lon: 113.7, At: end.Add(-time.Duration(n-1-i) * step)}
	}
	return out
}

// TestTrackDropsDuplicatesAndIsCapped: a point in a 10-second slot the
// track holds is dropped (the same time, the same time and place, or a
// time in the same slot); a request of nothing but such points appends
// nothing; the track stops at MaxTrackPoints; a manifest is read with its
// latest TrackWindow points and the whole track page by page.
func TestTrackDropsDuplicatesAndIsCapped(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m := f.pickup(f.manifest(f.gen, f.recv, []Principal{f.car1}, f.waste(f.gen, "900-214-08", 10)), f.car1)
	// Room for MaxTrackPoints slots after the pickup.
	f.clock.Advance(time.Duration(MaxTrackPoints+1000) * 10 * time.Second)
	now := f.clock.Now().Truncate(10 * time.Second)

	first := points(1000, 10*time.Second, now.Add(-time.Hour), 34.7)
	got, err := f.s.Positions(f.ctx, f.car1, m.ID, PositionsInput{Points: first})
	require.NoError(t, err)
	assert.Equal(t, 1000, got.TrackPoints)
	assert.Len(t, got.Track, TrackWindow, "a manifest holds its latest points only")
	assert.Equal(t, first[len(first)-TrackWindow:], got.Track)

	size := f.size()
	for _, c := range []struct {
		name string
		pts  []TrackPoint
		kept int // points the request adds
	}{
		{"the same points again", first, 0},
		{"the same times, other places", points(1000, 10*time.Second, now.Add(-time.Hour), 35.1), 0},
		{"times in the same slots", points(1000, 10*time.Second, now.Add(-time.Hour+3*time.Second), 34.7), 0},
		{"one point a thousand times", points(1000, 0, now.Add(-10*time.Minute), 34.7), 1},
		{"one new point, many duplicates", append(points(999, 0, now.Add(-20*time.Minute), 34.7), first[:1]...), 1},
	} {
		before := f.getM(m.ID).TrackPoints
		got, err := f.s.Positions(f.ctx, f.car1, m.ID, PositionsInput{Points: c.pts})
		require.NoError(t, err, c.name)
		assert.Equal(t, before+c.kept, got.TrackPoints, c.name)
		if c.kept > 0 {
			size++
		}
		assert.Equal(t, size, f.size(), "%s: one event when a point is kept, else none", c.name)
	}
	m = f.getM(m.ID)
	require.Equal(t, 1002, m.TrackPoints)

	// Fill the track to the cap: every point after it is dropped.
	for at := now.Add(-4 * time.Hour); m.TrackPoints < MaxTrackPoints; at = at.Add(-1000 * 10 * time.Second) {
		m, err = f.s.Positions(f.ctx, f.car1, m.ID, PositionsInput{Points: points(1000, 10*time.Second, at, 34.8)})
		require.NoError(t, err)
	}
	assert.Equal(t, MaxTrackPoints, m.TrackPoints)
	size = f.size()
	m, err = f.s.Positions(f.ctx, f.car1, m.ID, PositionsInput{Points: points(10, 10*time.Second, now, 34.9)})
	require.NoError(t, err)
	assert.Equal(t, MaxTrackPoints, m.TrackPoints)
	assert.Equal(t, size, f.size(), "a full track appends nothing")

	// The whole track, page by page, in the order received.
	var all []TrackPoint
	cursor := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 100)
		pg, err := f.s.Track(f.ctx, f.gen, m.ID, Page{Cursor: cursor, Limit: MaxTrackPage})
		require.NoError(t, err)
		require.LessOrEqual(t, len(pg.Items), MaxTrackPage)
		all = append(all, pg.Items...)
		if pg.NextCursor == "" {
			break
		}
		cursor = pg.NextCursor
	}
	require.Len(t, all, MaxTrackPoints)
	assert.Equal(t, first, all[:1000])
	slots := map[int64]bool{}
	for _, p := range all {
		require.False(t, slots[p.At.Unix()/10], "two points in the slot of %s", p.At)
		slots[p.At.Unix()/10] = true
	}
	assert.Equal(t, all[len(all)-TrackWindow:], f.getM(m.ID).Track)

	_, err = f.s.Track(f.ctx, f.gen2, m.ID, Page{})
	assert.ErrorIs(t, err, ErrNotFound, "another party's manifest")
	_, err = f.s.Track(f.ctx, f.gen, m.ID, Page{Limit: MaxTrackPage + 1})
	requireField(t, err, "limit")
	_, err = f.s.Track(f.ctx, f.gen, m.ID, Page{Cursor: "x"})
	requireField(t, err, "cursor")
}
