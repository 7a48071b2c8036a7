package chain

import (
	"context"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"
)

// reference is golang.org/x/mod/sumdb/tlog's own RFC 6962 tree over the
// same event bytes: an implementation this project did not write.
type reference struct{ stored []tlog.Hash }

func (r *reference) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = r.stored[x]
	}
	return out, nil
}

func (r *reference) add(t testing.TB, n int64, event []byte) {
	h, err := tlog.StoredHashes(n, event, r)
	require.NoError(t, err)
	r.stored = append(r.stored, h...)
}

// TestTilesMatchSumdbTlog builds the tree of the C2SP tlog-tiles example
// (70,000 entries: 273 full level-0 tiles and one of width 112, one full
// level-1 tile and one of width 17, one level-2 tile of width 1) and
// compares every tile and entry bundle, byte for byte, with what x/mod's
// tlog computes from the same events.
func TestTilesMatchSumdbTlog(t *testing.T) {
	l := openTest(t, "", Options{})
	const size = 70000
	for l.Size() < size {
		_, err := l.Submit(context.Background(), func(tx *Tx) error {
			for range min(1000, size-int(tx.Size())) {
				if _, err := tx.Append(Draft{Type: "t", Data: map[string]uint64{"n": tx.Size()}}); err != nil {
					return err
				}
			}
			return nil
		})
		require.NoError(t, err)
	}
	ref := &reference{}
	var events [][]byte
	require.NoError(t, l.Events(0, 0, func(i uint64, b []byte) error {
		events = append(events, append([]byte(nil), b...))
		ref.add(t, int64(i), b)
		return nil
	}))
	require.Len(t, events, size)

	tiles := tlog.NewTiles(TileHeight, 0, size)
	count := map[[2]int]int{} // level, width → tiles
	for _, tile := range tiles {
		want, err := tlog.ReadTileData(tile, ref)
		require.NoError(t, err)
		got, err := l.Tile(uint(tile.L), uint64(tile.N), tile.W)
		require.NoError(t, err, "tile %s", tile.Path())
		require.Equal(t, want, got, "tile %s", tile.Path())
		count[[2]int{tile.L, tile.W}]++

		if tile.L == 0 {
			bundle, err := l.EntryBundle(uint64(tile.N), tile.W)
			require.NoError(t, err)
			var wantBundle []byte
			for i := tile.N * TileWidth; i < tile.N*TileWidth+int64(tile.W); i++ {
				wantBundle = binary.BigEndian.AppendUint16(wantBundle, uint16(len(events[i])))
				wantBundle = append(wantBundle, events[i]...)
			}
			require.Equal(t, wantBundle, bundle, "entry bundle %d width %d", tile.N, tile.W)
		}
	}
	assert.Equal(t, map[[2]int]int{{0, 256}: 273, {0, 112}: 1, {1, 256}: 1, {1, 17}: 1, {2, 1}: 1}, count)

	// A partial tile is the prefix of the full tile it grows into.
	full, err := l.Tile(0, 5, TileWidth)
	require.NoError(t, err)
	part, err := l.Tile(0, 5, 100)
	require.NoError(t, err)
	assert.Equal(t, full[:100*32], part)

	// Beyond the tree: ErrRange, never a short tile.
	for _, c := range []struct {
		level uint
		n     uint64
		w     int
	}{{0, 273, 113}, {0, 273, 256}, {0, 274, 1}, {1, 1, 18}, {2, 0, 2}, {3, 0, 1}, {64, 0, 1}, {0, 0, 0}, {0, 0, 257},
		{0, ^uint64(0), 1}, {7, 1, 1}} {
		_, err := l.Tile(c.level, c.n, c.w)
		assert.True(t, errors.Is(err, ErrRange), "tile %d/%d.p/%d: %v", c.level, c.n, c.w, err)
	}
	_, err = l.EntryBundle(273, 113)
	assert.ErrorIs(t, err, ErrRange)
}

func TestEntryBundleRefusesLongEvents(t *testing.T) {
	l := openTest(t, "", Options{})
	long := make([]byte, MaxBundledEntry)
	for i := range long {
		long[i] = 'a'
	}
	_, err := l.Submit(context.Background(), func(tx *Tx) error {
		_, err := tx.Append(Draft{Type: "t", Data: map[string]string{"s": string(long)}})
		return err
	})
	require.NoError(t, err)
	_, err = l.EntryBundle(0, 1)
	assert.ErrorIs(t, err, ErrEntryTooLong)
	_, err = l.Tile(0, 0, 1)
	assert.NoError(t, err, "its leaf hash is in the hash tile all the same")
}
