package ledger

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hwledger/hwledger/internal/testfs"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

// logBuffer collects a Service's log lines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *logBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// openDir opens the ledger in dir with its log lines in logs.
func openDir(t *testing.T, dir string, logs *logBuffer) *Service {
	t.Helper()
	s, err := Open(Config{Dir: dir, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	require.NoError(t, err)
	return s
}

// someWrites registers the admin and n generators.
func someWrites(t *testing.T, s *Service, from, n int) {
	t.Helper()
	ctx := context.Background()
	adminID, err := s.Bootstrap(ctx, "admin-token")
	require.NoError(t, err)
	admin := Principal{Party: adminID, Roles: []Role{RoleAdmin}}
	for i := range n {
		_, err := s.RegisterParty(ctx, admin, PartyInput{Name: "单位", CreditCode: credit(from + i), Roles: []Role{RoleGenerator},
			Street: "南关", Address: "郑州市", Contact: Contact{"张三", "1"}})
		require.NoError(t, err)
	}
}

// tamperOffline rewrites the stored value of key k with the server
// stopped, as an attacker with the files would.
func tamperOffline(t *testing.T, dir string, k []byte, change func([]byte) []byte) {
	t.Helper()
	db, err := badger.Open(chain.StoreOptions(dir))
	require.NoError(t, err)
	require.NoError(t, db.Update(func(txn *badger.Txn) error {
		item, err := txn.Get(k)
		if err != nil {
			return err
		}
		v, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		w := change(v)
		require.NotEqual(t, v, w)
		return txn.Set(k, w)
	}))
	require.NoError(t, db.Close())
}

// refusesWrites requires every write to answer ErrReadOnly and append
// nothing.
func refusesWrites(t *testing.T, s *Service) {
	t.Helper()
	size := s.Log().Size()
	ctx := context.Background()
	_, err := s.Bootstrap(ctx, "another-admin-token")
	assert.ErrorIs(t, err, ErrReadOnly)
	_, err = s.RegisterParty(ctx, bootstrapPrincipal, PartyInput{Name: "新单位", CreditCode: credit(900), Roles: []Role{RoleGenerator},
		Street: "南关", Address: "郑州市", Contact: Contact{"张三", "1"}})
	assert.ErrorIs(t, err, ErrReadOnly)
	_, err = s.Sweep(ctx)
	assert.ErrorIs(t, err, ErrReadOnly)
	assert.Equal(t, size, s.Log().Size(), "nothing appended")
}

// The start-up check: by a replay when there is no digest, by the digest
// a clean shutdown recorded, and a projection changed while the server
// was stopped is caught; the server then refuses every write, records no
// digest for the bad state, and a reindex restores it.
func TestCheckAtStartDigestAndReplay(t *testing.T) {
	dir := t.TempDir()
	var logs logBuffer
	s := openDir(t, dir, &logs)
	require.NoError(t, s.CheckAtStart())
	assert.Contains(t, logs.String(), "state_checked_by=\"a replay of the log\"")
	someWrites(t, s, 1, 3)
	require.NoError(t, s.Close())
	digest := filepath.Join(dir, stateDigestFile)
	_, err := os.Stat(digest)
	require.NoError(t, err, "a clean shutdown records the digest")

	s = openDir(t, dir, &logs)
	require.NoError(t, s.CheckAtStart())
	assert.Contains(t, logs.String(), "state_checked_by=\"the state digest of the last clean shutdown\"")
	_, ro := s.ReadOnly()
	assert.False(t, ro)
	require.NoError(t, s.Close())

	// Change one party's stored record (its name) with the server stopped.
	var partyID string
	s = openDir(t, dir, &logs)
	ps, err := s.Parties(context.Background(), PartyFilter{Role: RoleGenerator})
	require.NoError(t, err)
	partyID = ps[0].ID
	require.NoError(t, s.Close())
	recorded, err := os.ReadFile(digest)
	require.NoError(t, err)
	tamperOffline(t, dir, proj.PartyKey(partyID), func(v []byte) []byte { return bytes.Replace(v, []byte("单位"), []byte("别家"), 1) })

	s = openDir(t, dir, &logs)
	err = s.CheckAtStart()
	require.ErrorIs(t, err, ErrReadOnly)
	st, ro := s.ReadOnly()
	require.True(t, ro)
	assert.Contains(t, st.Reason, "the stored state is not the one the server recorded when it stopped")
	refusesWrites(t, s)
	require.NoError(t, s.Close())
	after, err := os.ReadFile(digest)
	require.NoError(t, err)
	assert.Equal(t, recorded, after, "no digest is recorded for a state that failed its check")

	// Starting again finds it again.
	s = openDir(t, dir, &logs)
	require.ErrorIs(t, s.CheckAtStart(), ErrReadOnly)
	require.NoError(t, s.Close())

	// The log itself is sound: a reindex rebuilds the state, and records
	// its digest.
	_, err = Reindex(Config{Dir: dir})
	require.NoError(t, err)
	s = openDir(t, dir, &logs)
	require.NoError(t, s.CheckAtStart())
	someWrites(t, s, 10, 1)
	require.NoError(t, s.Close())
}

// A digest for another log (offline commands appended after it) is not
// used: the check replays, and still catches a changed projection. A
// digest signed with another key is not trusted either.
func TestCheckAtStartStaleOrForgedDigest(t *testing.T) {
	dir := t.TempDir()
	var logs logBuffer
	s := openDir(t, dir, &logs)
	require.NoError(t, s.CheckAtStart())
	someWrites(t, s, 1, 2)
	require.NoError(t, s.Close())

	// An offline command (no start-up check) appends: the digest is stale
	// and is not rewritten.
	s = openDir(t, dir, &logs)
	someWrites(t, s, 3, 1)
	require.NoError(t, s.Close())
	s = openDir(t, dir, &logs)
	require.NoError(t, s.CheckAtStart())
	assert.Contains(t, logs.String(), "the state digest is for another log")
	require.NoError(t, s.Close())

	// A digest of a changed state, signed with a key of the attacker's.
	s = openDir(t, dir, &logs)
	ps, err := s.Parties(context.Background(), PartyFilter{Role: RoleGenerator})
	require.NoError(t, err)
	size, root, _ := s.Log().Head()
	require.NoError(t, s.Close())
	tamperOffline(t, dir, proj.PartyKey(ps[0].ID), func(v []byte) []byte { return bytes.Replace(v, []byte("单位"), []byte("别家"), 1) })
	s = openDir(t, dir, &logs)
	dg, err := proj.Digest(s.Log())
	require.NoError(t, err)
	require.NoError(t, s.Close())
	key, err := chain.NewKey("hwledger.local/410104")
	require.NoError(t, err)
	forged, err := note.Sign(&note.Note{Text: stateDigest{Origin: "hwledger.local/410104", Size: size, Root: root,
		Format: proj.Format, Digest: dg}.text()}, key.Signer)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, stateDigestFile), forged, 0o600))
	s = openDir(t, dir, &logs)
	require.ErrorIs(t, s.CheckAtStart(), ErrReadOnly, "the replay finds the change")
	assert.Contains(t, logs.String(), "state digest not signed with the ledger's key")
	st, _ := s.ReadOnly()
	assert.Contains(t, st.Reason, "differs from a replay of the log")
	require.NoError(t, s.Close())
}

// testdata/ledgers/state: the log is untouched, one stored batch says
// "stored" where the log says disposed. The server starts read-only.
func TestCheckAtStartTamperedState(t *testing.T) {
	dir := testfs.CopyDir(t, filepath.Join(testLedgers, "state"))
	var logs logBuffer
	s := openDir(t, dir, &logs)
	defer s.Close()
	err := s.CheckAtStart()
	require.ErrorIs(t, err, ErrReadOnly)
	st, ro := s.ReadOnly()
	require.True(t, ro)
	assert.Contains(t, st.Reason, `stored state of "w/00000000-0012-8000-8000-000000000015" differs from a replay of the log`)
	assert.Contains(t, logs.String(), "LEDGER INTEGRITY FAULT")
	refusesWrites(t, s)

	for _, name := range []string{"payload", "deleted", "swapped"} {
		s := openDir(t, testfs.CopyDir(t, filepath.Join(testLedgers, name)), &logs)
		require.ErrorIs(t, s.CheckAtStart(), ErrReadOnly, name)
		st, _ := s.ReadOnly()
		assert.Contains(t, st.Reason, "start-up check: event ", name)
		refusesWrites(t, s)
		require.NoError(t, s.Close())
	}
	s2 := openDir(t, testfs.CopyDir(t, filepath.Join(testLedgers, "good")), &logs)
	require.NoError(t, s2.CheckAtStart())
	require.NoError(t, s2.Close())
}

// The integrity watch of a running Service: an event's bytes changed
// behind the writer's back make it read-only within the watch's interval;
// nothing is appended after that; the alert reaches the inspector's stream
// and heads the inspector's alert list, and no other party's.
func TestWatchFaultMakesReadOnly(t *testing.T) {
	f := newFixtureWith(t, Config{})
	s := f.s
	f.waste(f.gen, "900-041-49", 3)
	require.NoError(t, s.CheckAtStart())
	notes, cancel, err := s.Subscribe(f.insp)
	require.NoError(t, err)
	defer cancel()
	genNotes, cancelGen, err := s.Subscribe(f.gen)
	require.NoError(t, err)
	defer cancelGen()
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.RunBackground(ctx, Background{WatchEvery: 10 * time.Millisecond, VerifyEvery: 30 * time.Millisecond})
	}()
	defer func() { stop(); <-done }()

	// Writers keep writing while the fault happens.
	var wg sync.WaitGroup
	writing := make(chan struct{})
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-writing:
					return
				case <-time.After(time.Millisecond): // under the 999 labels a code has per day
				}
				_, err := s.RegisterWaste(f.ctx, f.gen, WasteInput{Code: "900-041-49", Form: "liquid", Quantity: KgToGrams(1),
					Container: Container{Type: "铁桶", Count: 1}, GeneratedAt: f.clock.Now().Add(-time.Hour), Storage: "A"})
				if err != nil && !errors.Is(err, ErrReadOnly) {
					t.Errorf("write: %v", err)
					return
				}
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	require.NoError(t, s.Log().DB().Update(func(txn *badger.Txn) error {
		k := chain.EventKey(3)
		item, err := txn.Get(k)
		if err != nil {
			return err
		}
		v, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		return txn.Set(k, bytes.Replace(v, []byte(`"2026-`), []byte(`"2025-`), 1))
	}))
	tampered := time.Now()
	require.Eventually(t, func() bool { _, ro := s.ReadOnly(); return ro }, 5*time.Second, 5*time.Millisecond)
	t.Logf("read-only %s after the tampering", time.Since(tampered).Round(time.Millisecond))
	size := s.Log().Size()
	time.Sleep(100 * time.Millisecond)
	close(writing)
	wg.Wait()
	assert.Equal(t, size, s.Log().Size(), "nothing appended once read-only")
	refusesWrites(t, s)

	st, _ := s.ReadOnly()
	assert.Contains(t, st.Reason, "event 3")
	var got *AlertNotice
	for got == nil {
		select {
		case n := <-notes:
			if n.Held {
				got = &n
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no integrity notice on the inspector's stream")
		}
	}
	assert.Equal(t, AlertIntegrity, got.Alert.Kind)
	assert.Equal(t, size-1, got.Seq)
	assert.True(t, strings.HasPrefix(got.Alert.Message, "台账完整性校验失败"), got.Alert.Message)
	for len(genNotes) > 0 {
		assert.False(t, (<-genNotes).Held, "the generator gets no integrity notice")
	}
	list, err := s.Alerts(f.ctx, f.insp, AlertFilter{}, Page{})
	require.NoError(t, err)
	require.NotEmpty(t, list.Items)
	assert.Equal(t, ReadOnlyAlertID, list.Items[0].ID)
	list, err = s.Alerts(f.ctx, f.insp, AlertFilter{Kind: AlertStorageOverdue}, Page{})
	require.NoError(t, err)
	for _, a := range list.Items {
		assert.NotEqual(t, ReadOnlyAlertID, a.ID)
	}
	list, err = s.Alerts(f.ctx, f.gen, AlertFilter{}, Page{})
	require.NoError(t, err)
	for _, a := range list.Items {
		assert.NotEqual(t, ReadOnlyAlertID, a.ID)
	}

	// Repair the event so the fixture's final verification holds.
	require.NoError(t, s.Log().DB().Update(func(txn *badger.Txn) error {
		k := chain.EventKey(3)
		item, err := txn.Get(k)
		if err != nil {
			return err
		}
		v, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		return txn.Set(k, bytes.Replace(v, []byte(`"2025-`), []byte(`"2026-`), 1))
	}))
}
