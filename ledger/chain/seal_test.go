package chain

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Seal under load: once it returns, the size is final; every command
// acknowledged was appended before it, every later one answers the seal's
// error, and a reopened store holds exactly what was acknowledged.
func TestSealStopsAppendsUnderLoad(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(Options{Dir: dir})
	require.NoError(t, err)
	fault := errors.New("sealed for the test")
	var acked, refused atomic.Int64
	var maxAcked atomic.Int64
	maxAcked.Store(-1)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				evs, err := l.Submit(context.Background(), func(tx *Tx) error {
					_, err := tx.Append(Draft{Type: "test.appended", Actor: Actor{Party: "p", Role: "test"}, Data: map[string]int{}})
					return err
				})
				switch {
				case err == nil:
					acked.Add(1)
					for i := int64(evs[0].Index); ; {
						m := maxAcked.Load()
						if i <= m || maxAcked.CompareAndSwap(m, i) {
							break
						}
					}
				case errors.Is(err, fault):
					refused.Add(1)
				default:
					t.Errorf("unexpected error: %v", err)
					return
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	l.Seal(fault)
	size := l.Size()
	time.Sleep(100 * time.Millisecond)
	close(stop)
	wg.Wait()
	assert.Equal(t, size, l.Size(), "nothing appended after Seal returned")
	assert.EqualValues(t, size, acked.Load(), "every acknowledged command, and only those, appended")
	assert.EqualValues(t, size-1, maxAcked.Load())
	assert.Positive(t, refused.Load())
	_, err = l.Submit(context.Background(), func(tx *Tx) error { return nil })
	assert.ErrorIs(t, err, fault)
	assert.ErrorIs(t, l.Sealed(), fault)
	l.Seal(errors.New("a second seal keeps the first error"))
	assert.ErrorIs(t, l.Sealed(), fault)
	require.NoError(t, l.Close())

	l = openTest(t, dir, Options{})
	assert.Equal(t, size, l.Size())
	assert.NoError(t, l.Sealed(), "a seal lives in memory only")
}

// A watcher started at a verified report checks only what comes after,
// and finds a fault there.
func TestWatcherAtVerifiedReport(t *testing.T) {
	l := openTest(t, "", Options{})
	appendN(t, l, 10)
	rep, err := l.Verify(VerifyOptions{})
	require.NoError(t, err)
	w := NewWatcherAt(l, rep)
	assert.EqualValues(t, 10, w.Checked())
	appendN(t, l, 5)
	require.NoError(t, w.Check(l))
	assert.EqualValues(t, 15, w.Checked())

	// A report of another size starts from the empty log.
	w = NewWatcherAt(l, rep)
	assert.EqualValues(t, 0, w.Checked())
	require.NoError(t, w.Check(l))
	assert.EqualValues(t, 15, w.Checked())

	// An event changed after the verified point is found.
	l2, err := Open(Options{InMemory: true})
	require.NoError(t, err)
	defer l2.Close()
	appendN(t, l2, 10)
	rep, err = l2.Verify(VerifyOptions{})
	require.NoError(t, err)
	w = NewWatcherAt(l2, rep)
	appendN(t, l2, 5)
	require.NoError(t, l2.db.Update(func(txn *badger.Txn) error {
		item, err := txn.Get(eventKey(12))
		if err != nil {
			return err
		}
		v, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		v = bytes.Replace(v, []byte(`"test.appended"`), []byte(`"test.altered!"`), 1)
		return txn.Set(eventKey(12), v)
	}))
	var f *Fault
	require.ErrorAs(t, w.Check(l2), &f)
	assert.EqualValues(t, 13, f.Index, "event 13 no longer links to the changed event 12: %v", f)
}
