package ledger

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A store whose projections are in another format fails verify with a
// hint, and the next writable Open rebuilds them from the log.
func TestOpenRebuildsOlderProjections(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := Open(Config{Dir: dir})
	require.NoError(t, err)
	adminID, err := s.Bootstrap(ctx, "format-admin")
	require.NoError(t, err)
	admin := Principal{Party: adminID, Roles: []Role{RoleAdmin}}
	p, err := s.RegisterParty(ctx, admin, PartyInput{Name: "企业", CreditCode: credit(7), Roles: []Role{RoleGenerator},
		Street: "南关", Address: "郑州", Contact: Contact{"张", "1"}})
	require.NoError(t, err)
	w, err := s.RegisterWaste(ctx, Principal{Party: p.ID, Roles: p.Roles}, WasteInput{Code: "900-041-49", Form: "solid",
		Quantity: KgToGrams(3), Container: Container{Type: "桶", Count: 1}, GeneratedAt: s.Now().Add(-time.Hour), Storage: "暂存间"})
	require.NoError(t, err)
	require.NoError(t, s.Close())

	// Make it look like a store of another format: an older format
	// recorded, and a key that format wrote and this one does not.
	db, err := badger.Open(chain.StoreOptions(dir))
	require.NoError(t, err)
	require.NoError(t, db.Update(func(txn *badger.Txn) error {
		if err := txn.Set([]byte("meta/projections"), []byte(strconv.Itoa(proj.Format-1))); err != nil {
			return err
		}
		return txn.Set([]byte("x/wa/stale"), []byte(w.ID))
	}))
	require.NoError(t, db.Close())

	ro, err := Open(Config{Dir: dir, ReadOnly: true})
	require.NoError(t, err)
	_, err = ro.Verify(nil)
	require.ErrorIs(t, err, ErrProjection)
	assert.Contains(t, err.Error(), fmt.Sprintf("format %d, this version writes %d", proj.Format-1, proj.Format))
	require.NoError(t, ro.Close())

	s, err = Open(Config{Dir: dir})
	require.NoError(t, err)
	_, err = s.Verify(nil)
	require.NoError(t, err, "rebuilt on open")
	v, err := proj.StoredFormat(s.Log())
	require.NoError(t, err)
	assert.Equal(t, proj.Format, v)
	got, err := s.WasteByLabel(ctx, Principal{Party: p.ID, Roles: p.Roles}, w.Label)
	require.NoError(t, err)
	assert.Equal(t, w.ID, got.ID)
	require.NoError(t, s.Close())
}
