package ledger

import (
	"errors"
	"github.com/hwledger/hwledger/internal/testfs"
	"path/filepath"
	"testing"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testLedgers holds the good and tampered domain ledgers written by `make
// testdata` (see its README.md).
const testLedgers = "../testdata/ledgers"

// TestVerifyTestLedgers opens each test ledger read-only as `hwledger
// verify` does and checks what kind of fault Service.Verify reports: a
// *chain.Fault at the first bad index for a tampered log, an error wrapping
// ErrProjection (and no chain fault) when only the stored state was
// changed, nothing for the ledgers that are valid without a saved
// checkpoint.
func TestVerifyTestLedgers(t *testing.T) {
	cases := []struct {
		name  string
		index int64 // first bad event; -2: no chain fault
		state bool  // a projection fault
		size  uint64
	}{
		{name: "good", index: -2, size: 31},
		{name: "payload", index: 11},
		{name: "prev", index: 11},
		{name: "deleted", index: 18},
		{name: "swapped", index: 8},
		{name: "state", index: -2, state: true, size: 31},
		{name: "truncated", index: -2, size: 26},
		{name: "rolledback", index: -2, size: 19},
		{name: "forked", index: -2, size: 41},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Open(Config{Dir: testfs.CopyDir(t, filepath.Join(testLedgers, c.name)), ReadOnly: true})
			require.NoError(t, err)
			defer s.Close()
			assert.Equal(t, "hwledger-testdata", s.Log().Key().Signer.Name(), "origin from the dir's key")
			rep, err := s.Verify(nil)
			var f *chain.Fault
			switch {
			case c.index >= 0:
				require.ErrorAs(t, err, &f)
				assert.Equal(t, c.index, f.Index, f.Error())
				assert.NotErrorIs(t, err, ErrProjection)
			case c.state:
				require.ErrorIs(t, err, ErrProjection)
				assert.False(t, errors.As(err, &f), "the log itself is intact: %v", err)
				assert.Contains(t, err.Error(), `"w/00000000-0012-8000-8000-000000000015"`)
				assert.Equal(t, c.size, rep.Size, "the chain's report comes with a state fault")
			default:
				require.NoError(t, err)
				assert.Equal(t, c.size, rep.Size)
			}
		})
	}
}
