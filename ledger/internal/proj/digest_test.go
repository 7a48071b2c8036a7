package proj

import (
	"testing"

	"github.com/dgraph-io/badger/v4"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Digest covers every projection and nothing else: a changed, added or
// removed projection changes it; the chain's keys, idempotency records and
// the format key do not.
func TestDigestCoversProjectionsOnly(t *testing.T) {
	l, err := chain.Open(chain.Options{InMemory: true})
	require.NoError(t, err)
	defer l.Close()
	set := func(k, v string) {
		t.Helper()
		require.NoError(t, l.DB().Update(func(txn *badger.Txn) error {
			if v == "" {
				return txn.Delete([]byte(k))
			}
			return txn.Set([]byte(k), []byte(v))
		}))
	}
	digest := func() []byte {
		t.Helper()
		d, err := Digest(l)
		require.NoError(t, err)
		return d
	}
	set("p/1", `{"name":"a"}`)
	set("w/1", `{"status":"stored"}`)
	base := digest()
	for _, k := range []string{"c/e/x", "c/head", "i/p/key", keyFormat} {
		set(k, "anything")
		assert.Equal(t, base, digest(), "%s is no projection", k)
	}
	set("w/1", `{"status":"disposed"}`)
	changed := digest()
	assert.NotEqual(t, base, changed)
	set("w/1", `{"status":"stored"}`)
	assert.Equal(t, base, digest(), "the same projections, the same digest")
	set("w/2", "x")
	assert.NotEqual(t, base, digest())
	set("w/2", "")
	set("p/1", "")
	assert.NotEqual(t, base, digest())
	// Key and value boundaries are part of it: "p/1"+"ab" is not "p/1a"+"b".
	set("p/1", "ab")
	d1 := digest()
	set("p/1", "")
	set("p/1a", "b")
	assert.NotEqual(t, d1, digest())
}
