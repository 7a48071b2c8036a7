package chain

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// eventsOf returns the bytes of events [from, to) of l.
func eventsOf(t *testing.T, l *Log, from, to uint64) [][]byte {
	t.Helper()
	var out [][]byte
	require.NoError(t, l.Events(from, int(to-from), func(_ uint64, b []byte) error {
		out = append(out, bytes.Clone(b))
		return nil
	}))
	return out
}

// copyInto appends evs to f, and when cp is not nil stores it with them.
func copyInto(f *Log, evs [][]byte, cp []byte) error {
	_, err := f.Submit(context.Background(), func(tx *Tx) error {
		for _, b := range evs {
			if _, err := tx.AppendRaw(b); err != nil {
				return err
			}
		}
		if cp != nil {
			return tx.SetCheckpoint(cp)
		}
		return nil
	})
	return err
}

func TestFollowerCopiesInChunksAndStoresThePrimarysCheckpoint(t *testing.T) {
	primary := openTest(t, "", Options{})
	appendN(t, primary, 300)
	_, _, cp := primary.Head()

	dir := t.TempDir()
	f, err := Open(Options{Dir: dir, Follow: primary.Key().VerifierKey})
	require.NoError(t, err)
	assert.True(t, f.Follower())
	_, err = f.Checkpoint()
	assert.ErrorIs(t, err, ErrNoCheckpoint)

	// Two chunks, the checkpoint with the second: in between, the log
	// holds events its (absent) checkpoint does not cover.
	require.NoError(t, copyInto(f, eventsOf(t, primary, 0, 120), nil))
	size, _, signed := f.Head()
	assert.EqualValues(t, 0, size)
	assert.Nil(t, signed)
	assert.EqualValues(t, 120, f.Size())
	_, err = f.Verify(VerifyOptions{})
	require.NoError(t, err, "a follower part-way through its first checkpoint verifies")
	require.NoError(t, copyInto(f, eventsOf(t, primary, 120, 300), cp))

	ps, pr, pcp := primary.Head()
	fs, fr, fcp := f.Head()
	assert.Equal(t, ps, fs)
	assert.Equal(t, pr, fr)
	assert.Equal(t, pcp, fcp, "the follower stores the primary's checkpoint byte for byte")
	assert.Equal(t, eventsOf(t, primary, 0, 300), eventsOf(t, f, 0, 300))
	rep, err := f.Verify(VerifyOptions{Trusted: pcp})
	require.NoError(t, err)
	assert.EqualValues(t, 300, rep.Checkpoint.Size)

	// More events, a chunk without the next checkpoint, then close: the
	// follower reopens (without Follow: the pinned key) at its checkpoint.
	appendN(t, primary, 50)
	require.NoError(t, copyInto(f, eventsOf(t, primary, 300, 320), nil))
	require.NoError(t, f.Close())
	g, err := Open(Options{Dir: dir, ReadOnly: true})
	require.NoError(t, err)
	assert.True(t, g.Follower())
	fs, fr, fcp = g.Head()
	assert.EqualValues(t, 300, fs)
	assert.Equal(t, pr, fr)
	assert.Equal(t, pcp, fcp)
	assert.EqualValues(t, 320, g.Size())
	rep, err = g.Verify(VerifyOptions{})
	require.NoError(t, err)
	assert.EqualValues(t, 320, rep.Size)
	assert.EqualValues(t, 300, rep.Checkpoint.Size)
	require.NoError(t, g.Close())

	h := openTest(t, dir, Options{Follow: primary.Key().VerifierKey})
	_, _, cp2 := primary.Head()
	require.NoError(t, copyInto(h, eventsOf(t, primary, 320, 350), cp2))
	_, _, fcp = h.Head()
	assert.Equal(t, cp2, fcp)
}

func TestFollowerRefusesWhatDoesNotExtendIt(t *testing.T) {
	primary := openTest(t, "", Options{})
	appendN(t, primary, 10)
	evs := eventsOf(t, primary, 0, 10)
	_, _, cp := primary.Head()
	f := openTest(t, "", Options{Follow: primary.Key().VerifierKey})

	// Out of order, a gap, a changed byte, a wrong prev.
	assert.ErrorIs(t, copyInto(f, evs[1:2], nil), ErrCopy)
	changed := bytes.Replace(bytes.Clone(evs[0]), []byte(`"i":0`), []byte(`"i":9`), 1)
	require.NotEqual(t, evs[0], changed)
	require.NoError(t, copyInto(f, [][]byte{changed}, nil), "a canonical event 0 is a valid first event")
	assert.ErrorIs(t, copyInto(f, evs[1:2], nil), ErrCopy, "event 1's prev names the real event 0")
	assert.EqualValues(t, 1, f.Size())

	g := openTest(t, "", Options{Follow: primary.Key().VerifierKey})
	// The checkpoint of 10 events with 9 copied; with all 10 but the root
	// of another tree (the changed log's); signed by another key.
	assert.ErrorIs(t, copyInto(g, evs[:9], cp), ErrCopy)
	assert.EqualValues(t, 0, g.Size(), "a refused command appends nothing")
	other := openTest(t, "", Options{Origin: primary.Origin()})
	appendN(t, other, 10)
	_, _, otherCP := other.Head()
	assert.ErrorIs(t, copyInto(g, evs, otherCP), ErrCopy, "signed by another key with the same name")
	assert.EqualValues(t, 0, g.Size())
	forged := eventsOf(t, other, 0, 10)
	_, err := g.Submit(context.Background(), func(tx *Tx) error {
		for _, b := range forged {
			if _, err := tx.AppendRaw(b); err != nil {
				return err
			}
		}
		return tx.SetCheckpoint(cp)
	})
	assert.ErrorIs(t, err, ErrCopy, "the primary's checkpoint does not sign another log's events")
	assert.EqualValues(t, 0, g.Size())

	// A follower appends nothing of its own; a primary stores no
	// checkpoint signed elsewhere.
	_, err = g.Submit(context.Background(), func(tx *Tx) error {
		_, err := tx.Append(Draft{Type: "t"})
		return err
	})
	assert.ErrorIs(t, err, ErrFollower)
	_, err = other.Submit(context.Background(), func(tx *Tx) error { return tx.SetCheckpoint(cp) })
	assert.ErrorIs(t, err, ErrNotFollower)

	require.NoError(t, copyInto(g, evs, cp))
	assert.EqualValues(t, 10, g.Size())
}

func TestFollowerDirectoryPinsTheKey(t *testing.T) {
	a := openTest(t, "", Options{Origin: "a.test/log"})
	b := openTest(t, "", Options{Origin: "b.test/log"})
	dir := t.TempDir()
	f, err := Open(Options{Dir: dir, Follow: a.Key().VerifierKey})
	require.NoError(t, err)
	require.NoError(t, f.Close())
	pinned, err := os.ReadFile(filepath.Join(dir, FollowKeyFile))
	require.NoError(t, err)
	assert.Equal(t, a.Key().VerifierKey+"\n", string(pinned))
	_, err = os.Stat(filepath.Join(dir, signerKeyFile))
	assert.True(t, errors.Is(err, os.ErrNotExist), "a follower has no signing key")

	_, err = Open(Options{Dir: dir, Follow: b.Key().VerifierKey})
	assert.ErrorContains(t, err, "pins the key")

	primaryDir := t.TempDir()
	p, err := Open(Options{Dir: primaryDir})
	require.NoError(t, err)
	require.NoError(t, p.Close())
	_, err = Open(Options{Dir: primaryDir, Follow: a.Key().VerifierKey})
	assert.ErrorContains(t, err, "not a mirror")
}
