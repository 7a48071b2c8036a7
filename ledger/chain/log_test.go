package chain

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

func appendN(t testing.TB, l *Log, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		_, err := l.Submit(context.Background(), func(tx *Tx) error {
			_, err := tx.Append(Draft{Type: "test.appended", Actor: Actor{Party: "p", Role: "test"}, Subject: fmt.Sprint(i), Data: map[string]int{"i": i}})
			return err
		})
		require.NoError(t, err)
	}
}

func TestAppendAssignsGapFreeIndicesAndLinks(t *testing.T) {
	l := openTest(t, "", Options{})
	appendN(t, l, 5)
	require.EqualValues(t, 5, l.Size())
	prev := ZeroPrev
	require.NoError(t, l.Events(0, 0, func(i uint64, b []byte) error {
		e, err := Decode(b)
		require.NoError(t, err)
		assert.Equal(t, i, e.Index)
		assert.Equal(t, prev, e.Prev)
		prev = fmt.Sprintf("%x", HashLeaf(b))
		return nil
	}))
	size, root, signed := l.Head()
	cp, err := OpenCheckpoint(signed, l.Key().Verifier)
	require.NoError(t, err)
	assert.Equal(t, size, cp.Size)
	assert.Equal(t, root, cp.Root)
}

func TestFailedCommandAppendsNothingAndOthersCommit(t *testing.T) {
	l := openTest(t, "", Options{})
	boom := errors.New("rule broken")
	var wg sync.WaitGroup
	var failed, ok int
	var mu sync.Mutex
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := l.Submit(context.Background(), func(tx *Tx) error {
				require.NoError(t, tx.Set([]byte(fmt.Sprintf("k/%d", i)), []byte("v")))
				if _, err := tx.Append(Draft{Type: "t"}); err != nil {
					return err
				}
				if i%3 == 0 {
					return boom
				}
				return nil
			})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				require.ErrorIs(t, err, boom)
				failed++
			} else {
				ok++
			}
		}(i)
	}
	wg.Wait()
	assert.Equal(t, 34, failed)
	assert.EqualValues(t, ok, l.Size())
	_, err := l.Submit(context.Background(), func(tx *Tx) error {
		for i := 0; i < 100; i++ {
			_, found, err := tx.Get([]byte(fmt.Sprintf("k/%d", i)))
			require.NoError(t, err)
			assert.Equal(t, i%3 != 0, found, "key %d", i)
		}
		return nil
	})
	require.NoError(t, err)
}

func TestCommandSeesEarlierCommandsOfTheBatch(t *testing.T) {
	l := openTest(t, "", Options{})
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := l.Submit(context.Background(), func(tx *Tx) error {
				var n int
				if b, ok, err := tx.Get([]byte("counter")); err != nil {
					return err
				} else if ok {
					n, _ = strconv.Atoi(string(b))
				}
				if _, err := tx.Append(Draft{Type: "counted", Data: map[string]int{"n": n}}); err != nil {
					return err
				}
				return tx.Set([]byte("counter"), []byte(strconv.Itoa(n+1)))
			})
			require.NoError(t, err)
		}()
	}
	wg.Wait()
	var n int
	_, err := l.Submit(context.Background(), func(tx *Tx) error {
		b, _, err := tx.Get([]byte("counter"))
		n, _ = strconv.Atoi(string(b))
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, 200, n)
}

func TestChainKeysAreRefused(t *testing.T) {
	l := openTest(t, "", Options{})
	_, err := l.Submit(context.Background(), func(tx *Tx) error { return tx.Set([]byte("c/head"), []byte("x")) })
	require.ErrorIs(t, err, ErrChainKey)
	assert.EqualValues(t, 0, l.Size())
}

func TestScanMergesOwnWrites(t *testing.T) {
	l := openTest(t, "", Options{})
	_, err := l.Submit(context.Background(), func(tx *Tx) error {
		for _, k := range []string{"s/a", "s/c", "s/e"} {
			require.NoError(t, tx.Set([]byte(k), []byte(k)))
		}
		return nil
	})
	require.NoError(t, err)
	_, err = l.Submit(context.Background(), func(tx *Tx) error {
		require.NoError(t, tx.Set([]byte("s/b"), []byte("s/b")))
		require.NoError(t, tx.Delete([]byte("s/c")))
		require.NoError(t, tx.Set([]byte("s/e"), []byte("new")))
		require.NoError(t, tx.Set([]byte("s/f"), []byte("s/f")))
		var got []string
		require.NoError(t, tx.Scan([]byte("s/"), func(k, v []byte) error { got = append(got, string(k)+"="+string(v)); return nil }))
		assert.Equal(t, []string{"s/a=s/a", "s/b=s/b", "s/e=new", "s/f=s/f"}, got)
		return nil
	})
	require.NoError(t, err)
}

func TestProofsFromStorage(t *testing.T) {
	l := openTest(t, "", Options{})
	appendN(t, l, 37)
	for size := uint64(1); size <= 37; size++ {
		root, err := l.RootAt(size)
		require.NoError(t, err)
		for i := uint64(0); i < size; i++ {
			b, err := l.Event(i)
			require.NoError(t, err)
			p, err := l.InclusionProof(i, size)
			require.NoError(t, err)
			require.NoError(t, proof.VerifyInclusion(rfc6962.DefaultHasher, i, size, HashLeaf(b), p, root))
		}
	}
}

func TestReopenKeepsTheLog(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(Options{Dir: dir})
	require.NoError(t, err)
	appendN(t, l, 10)
	_, root, _ := l.Head()
	require.NoError(t, l.Close())
	l2 := openTest(t, dir, Options{})
	size, root2, _ := l2.Head()
	assert.EqualValues(t, 10, size)
	assert.Equal(t, root, root2)
	appendN(t, l2, 3)
}
