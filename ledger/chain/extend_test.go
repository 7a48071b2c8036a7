package chain

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Extend grows values in place; no command may see bytes another command
// appended unless that command succeeded before it, in this batch or an
// earlier one (including the batch being synced).
func TestExtendKeepsEveryCommandIsolated(t *testing.T) {
	l := openTest(t, "", Options{})
	key := []byte("k/list")
	boom := errors.New("refused")
	var wg sync.WaitGroup
	var mu sync.Mutex
	want := map[string]bool{}
	for i := 0; i < 300; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			item := fmt.Sprintf("<%03d>", i)
			_, err := l.Submit(context.Background(), func(tx *Tx) error {
				before, _, err := tx.Get(key)
				if err != nil {
					return err
				}
				if err := tx.Extend(key, []byte(item)); err != nil {
					return err
				}
				if err := tx.Extend(key, []byte(item)); err != nil { // twice in one command
					return err
				}
				after, _, err := tx.Peek(key)
				if err != nil {
					return err
				}
				if string(after) != string(before)+item+item {
					return fmt.Errorf("extend lost bytes: %q then %q", before, after)
				}
				if _, err := tx.Append(Draft{Type: "t"}); err != nil {
					return err
				}
				if i%3 == 0 {
					return boom // its two items must vanish
				}
				return nil
			})
			if i%3 == 0 {
				assert.ErrorIs(t, err, boom)
				return
			}
			assert.NoError(t, err)
			mu.Lock()
			want[item] = true
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	var got []byte
	_, err := l.Submit(context.Background(), func(tx *Tx) error {
		got, _, _ = tx.Get(key)
		return nil
	})
	require.NoError(t, err)
	require.Len(t, got, len(want)*10)
	seen := map[string]bool{}
	for i := 0; i < len(got); i += 10 {
		a, b := string(got[i:i+5]), string(got[i+5:i+10])
		require.Equal(t, a, b, "a command's two items are adjacent")
		require.True(t, want[a], "only committed commands' items: %s", a)
		require.False(t, seen[a], "each once: %s", a)
		seen[a] = true
	}
}

func TestExtendRefusesChainKeys(t *testing.T) {
	l := openTest(t, "", Options{})
	_, err := l.Submit(context.Background(), func(tx *Tx) error { return tx.Extend([]byte("c/head"), []byte("x")) })
	assert.ErrorIs(t, err, ErrChainKey)
}

// Reads see the newest value through the writer's cache of recent batches:
// rewrites and deletes, with more batches between them than it keeps.
func TestReadsSeeTheNewestValueAcrossBatches(t *testing.T) {
	l := openTest(t, "", Options{})
	key := []byte("k/rec")
	read := func(l *Log) (string, bool) {
		var v []byte
		var ok bool
		_, err := l.Submit(context.Background(), func(tx *Tx) error {
			var err error
			v, ok, err = tx.Get(key)
			p, pok, _ := tx.Peek(key)
			assert.Equal(t, string(v), string(p))
			assert.Equal(t, ok, pok)
			return err
		})
		require.NoError(t, err)
		return string(v), ok
	}
	write := func(val string) {
		_, err := l.Submit(context.Background(), func(tx *Tx) error {
			if val == "" {
				return tx.Delete(key)
			}
			return tx.Set(key, []byte(val))
		})
		require.NoError(t, err)
	}
	for i := 0; i < 2*recentBatches+3; i++ {
		want := fmt.Sprint("v", i)
		if i%3 == 2 {
			want = ""
		}
		write(want)
		for j := 0; j < i%(recentBatches+2); j++ { // batches that do not touch it
			_, err := l.Submit(context.Background(), func(tx *Tx) error { return tx.Set([]byte("k/other"), []byte{byte(j)}) })
			require.NoError(t, err)
		}
		got, ok := read(l)
		assert.Equal(t, want, got, "step %d", i)
		assert.Equal(t, want != "", ok, "step %d", i)
	}
}

// PeekSince skips the store only for keys no durable event can have
// written: a key written with event i is found with since = i once it
// has left the writer's cache.
func TestPeekSinceFindsDurableKeys(t *testing.T) {
	l := openTest(t, "", Options{})
	appendN(t, l, 3)
	written := l.Size() // the index of the event written with the key
	_, err := l.Submit(context.Background(), func(tx *Tx) error {
		if _, err := tx.Append(Draft{Type: "t"}); err != nil {
			return err
		}
		return tx.Set([]byte("k/block"), []byte("entries"))
	})
	require.NoError(t, err)
	appendN(t, l, recentBatches+2) // out of the cache: only the store has it
	_, err = l.Submit(context.Background(), func(tx *Tx) error {
		v, ok, err := tx.PeekSince([]byte("k/block"), written)
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, "entries", string(v))
		_, ok, err = tx.PeekSince([]byte("k/none"), tx.Size())
		assert.False(t, ok)
		return err
	})
	require.NoError(t, err)
}
