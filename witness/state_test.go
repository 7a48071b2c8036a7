package witness

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStateFileSurvivesATornWrite: the newest slot wins while it is intact;
// a write torn by a crash (its checksum fails) leaves the one before.
func TestStateFileSurvivesATornWrite(t *testing.T) {
	dir := t.TempDir()
	st, note, err := openState(dir, "o")
	require.NoError(t, err)
	assert.Nil(t, note, "a new state file holds nothing")
	for _, n := range []string{"first\n", "second\n", "third\n"} {
		require.NoError(t, st.write([]byte(n)))
	}
	require.NoError(t, st.close())
	st, note, err = openState(dir, "o")
	require.NoError(t, err)
	assert.Equal(t, "third\n", string(note))
	require.NoError(t, st.close())

	// Tear the newest slot (seq 3 lives in slot 1): the one before wins.
	path := filepath.Join(dir, logsDir, logID("o")+".state")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	b[slotSize+slotHeader] ^= 0xff
	require.NoError(t, os.WriteFile(path, b, 0o600))
	st, note, err = openState(dir, "o")
	require.NoError(t, err)
	assert.Equal(t, "second\n", string(note))
	require.NoError(t, st.write([]byte("fourth\n")))
	require.NoError(t, st.close())
	_, note, err = openState(dir, "o")
	require.NoError(t, err)
	assert.Equal(t, "fourth\n", string(note))
}
