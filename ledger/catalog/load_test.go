package catalog

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeCSV(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "official.csv")
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

func TestLoadFile(t *testing.T) {
	p := writeCSV(t, "\uFEFF废物代码,废物类别,危险废物,危险特性\n"+
		"# a comment\n"+
		"900-000-49,HW49,经鉴别具有危险特性的废物,T/C/I/R/In\n"+
		"261-001-11 , hw11, 精馏残渣 , \"T,I\"\n"+
		"90004149,,含有或沾染毒性、感染性危险废物的废弃的包装物、容器、过滤吸附介质（官方）,T/In\n"+
		"831-004-01,HW01,化学性废物,T,Chemical medical waste\n")
	c, err := LoadFile(p)
	require.NoError(t, err)
	assert.Len(t, c.Codes(), 24+2, "builtin plus two new codes; two replaced")
	assert.Len(t, c.Categories(), 46)

	k, err := c.Lookup("261-001-11")
	require.NoError(t, err)
	assert.Equal(t, Code{Code: "261-001-11", Category: "HW11", Name: "精馏残渣", Hazards: []string{"T", "I"}, Source: p}, k)

	k, err = c.Lookup("900-000-49")
	require.NoError(t, err)
	assert.Equal(t, []string{"T", "C", "I", "R", "In"}, k.Hazards)

	k, err = c.Lookup("900-041-49")
	require.NoError(t, err)
	assert.Equal(t, "含有或沾染毒性、感染性危险废物的废弃的包装物、容器、过滤吸附介质（官方）", k.Name)
	assert.Equal(t, "Contaminated packaging, containers and filter media", k.NameEn, "English name kept from builtin")
	assert.Equal(t, p, k.Source)

	k, err = c.Lookup("841-004-01")
	require.NoError(t, err)
	assert.Equal(t, "Chemical medical waste", k.NameEn)
	assert.True(t, k.Medical)

	// The builtin catalogue is unchanged.
	_, err = Builtin().Lookup("261-001-11")
	require.ErrorIs(t, err, ErrUnknownCode)
	k, err = Builtin().Lookup("900-041-49")
	require.NoError(t, err)
	assert.Equal(t, "国家危险废物名录(2021年版)", k.Source)
}

func TestLoadFileWithoutHeader(t *testing.T) {
	c, err := LoadFile(writeCSV(t, "261-001-11,HW11,精馏残渣,T\n"))
	require.NoError(t, err)
	_, err = c.Lookup("26100111")
	require.NoError(t, err)
}

func TestLoadFileErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		wantErr string
	}{
		{"malformed code", "code,category,name,hazards\n261-001-11,HW11,精馏残渣,T\n26-001-11,HW11,x,T\n", ":3: catalog: malformed waste code \"26-001-11\": want 8 digits NNN-NNN-NN"},
		{"category mismatch", "261-001-11,HW12,精馏残渣,T\n", ":1: code 261-001-11 is in category HW11, not \"HW12\""},
		{"nonexistent category", "# c\n900-000-42,HW42,x,T\n", ":2: catalog: unknown waste code 900-000-42: category HW42 does not exist"},
		{"bad hazard", "261-001-11,HW11,精馏残渣,T/Q\n", `:1: code 261-001-11: catalog: unknown hazard "Q"`},
		{"no hazard", "261-001-11,HW11,精馏残渣,\n", ":1: code 261-001-11: catalog: no hazard"},
		{"empty name", "261-001-11,HW11,,T\n", ":1: code 261-001-11: empty name"},
		{"too few fields", "261-001-11,HW11,精馏残渣\n", ":1: want 4 fields"},
		{"too many fields", "261-001-11,HW11,精馏残渣,T,en,extra\n", ":1: want 4 fields"},
		{"duplicate", "261-001-11,HW11,a,T\n\n26100111,HW11,b,T\n", ":3: code 261-001-11 already given on line 1"},
		{"bad quoting", "261-001-11,HW11,\"a,T\n", "official.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeCSV(t, tt.content)
			_, err := LoadFile(p)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Contains(t, err.Error(), p)
		})
	}
}

func TestLoadFileMissing(t *testing.T) {
	_, err := LoadFile(filepath.Join(t.TempDir(), "none.csv"))
	require.ErrorIs(t, err, os.ErrNotExist)
}
