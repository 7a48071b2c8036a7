package catalog

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeCSV(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "hw-catalog-next.csv")
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

const header = "category,category_name,industry,code,description,hazards\n"

// nextEdition is a made-up later edition: one description reworded, one
// code kept as it was, one new code; the columns in another order.
const nextEdition = "\uFEFF# edition: 2025\n# in_force: 2025-01-01\n# source: 国家危险废物名录（2025年版）\n" +
	"code,category,category_name,industry,description,hazards\n" +
	"# a comment\n" +
	"900-218-08,HW08,废矿物油与含矿物油废物,非特定行业,液压设备维护、更换和拆解过程中产生的废液压油（改）,\"T,I\"\n" +
	"\n" +
	"900-041-49,HW49,其他废物,非特定行业,含有或沾染毒性、感染性危险废物的废弃包装物、容器、过滤吸附介质,T/In\n" +
	"321-035-48, hw48 ,有色金属采选和冶炼废物,常用有色金属冶炼,锡冶炼过程中产生的废渣,T\n"

func TestLoadFile(t *testing.T) {
	p := writeCSV(t, nextEdition)
	c, err := LoadFile(p)
	require.NoError(t, err)
	assert.Equal(t, []string{"2021", "2025"}, c.EditionNames())

	before := time.Date(2024, 12, 31, 23, 59, 59, 0, chinaTime)
	assert.Equal(t, "2021", c.At(before).Name())
	assert.Equal(t, "2025", c.At(before.Add(time.Second)).Name())
	assert.Equal(t, "2021", c.At(time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)).Name(), "before every edition: the oldest")

	e, ok := c.Edition("2025")
	require.True(t, ok)
	assert.Equal(t, "国家危险废物名录（2025年版）", e.Source())
	assert.Equal(t, []string{"321-035-48", "900-041-49", "900-218-08"}, codesOf(e.Codes()))

	k, err := e.Lookup("321-035-48")
	require.NoError(t, err)
	assert.Equal(t, "HW48", k.Category)
	assert.Equal(t, "有色金属采选和冶炼废物", k.CategoryName)
	assert.Equal(t, "2025", k.Edition)
	assert.Equal(t, "T", k.HazardText)

	k, err = e.Lookup("900-218-08")
	require.NoError(t, err)
	assert.Equal(t, "液压设备维护、更换和拆解过程中产生的废液压油（改）", k.Name)
	assert.Empty(t, k.NameEn, "a reworded code does not keep the old English name")
	k, err = e.Lookup("900-041-49")
	require.NoError(t, err)
	assert.Equal(t, "Contaminated packaging, containers and filter media", k.NameEn, "unchanged code keeps its English name")
	assert.Equal(t, []int{24}, items(k.Exemptions), "no list of its own: the 2021 list applies")
	assert.Equal(t, "2021", k.Exemptions[0].Edition)
	cat, ok := e.Category("HW48")
	require.True(t, ok)
	assert.NotEmpty(t, cat.NameEn)
	assert.Equal(t, EditionInfo{Edition: "2025", InForce: "2025-01-01", Source: "国家危险废物名录（2025年版）",
		Codes: 3, Exemptions: 57, ExemptionsFrom: "2021"}, e.Info())

	_, err = e.Lookup("900-214-08")
	require.ErrorIs(t, err, ErrUnknownCode)
	assert.Contains(t, err.Error(), "edition 2025")
	k, err = e.Lookup("900-000-48")
	require.NoError(t, err)
	assert.True(t, k.ByIdentification)
	assert.Equal(t, "2025", k.Edition)

	// The built-in catalogue is unchanged.
	assert.Equal(t, []string{"2021"}, Builtin().EditionNames())
	_, err = Builtin().At(before.Add(time.Hour)).Lookup("321-035-48")
	require.ErrorIs(t, err, ErrUnknownCode)

	// The loaded edition round-trips through its canonical form.
	var out bytes.Buffer
	require.NoError(t, e.WriteCSV(&out))
	assert.Equal(t, "# edition: 2025\n# in_force: 2025-01-01\n# source: 国家危险废物名录（2025年版）\n"+header+
		"HW08,废矿物油与含矿物油废物,非特定行业,900-218-08,液压设备维护、更换和拆解过程中产生的废液压油（改）,\"T,I\"\n"+
		"HW49,其他废物,非特定行业,900-041-49,含有或沾染毒性、感染性危险废物的废弃包装物、容器、过滤吸附介质,T/In\n"+
		"HW48,有色金属采选和冶炼废物,常用有色金属冶炼,321-035-48,锡冶炼过程中产生的废渣,T\n", out.String())
	again, err := ReadEdition(&out, "again.csv")
	require.NoError(t, err)
	var out2 bytes.Buffer
	require.NoError(t, again.WriteCSV(&out2))
	e2, err := ReadEdition(strings.NewReader(nextEdition), "x")
	require.NoError(t, err)
	var out3 bytes.Buffer
	require.NoError(t, e2.WriteCSV(&out3))
	assert.Equal(t, out3.String(), out2.String())
}

func TestLoadFileSourceDefaultsToPath(t *testing.T) {
	p := writeCSV(t, "# edition: 2030-draft\n# in_force: 2030-01-01\n"+header+"HW11,精（蒸）馏残渣,精炼石油产品制造,251-001-11,精馏残渣,T\n")
	c, err := LoadFile(p)
	require.NoError(t, err)
	e, ok := c.Edition("2030-draft")
	require.True(t, ok)
	assert.Equal(t, p, e.Source())
	k, err := e.Lookup("25100111")
	require.NoError(t, err)
	assert.Equal(t, p, k.Source)
}

func TestLoadFileErrors(t *testing.T) {
	const meta = "# edition: 2025\n# in_force: 2025-01-01\n"
	const row = "HW11,精（蒸）馏残渣,精炼石油产品制造,251-001-11,精馏残渣,T\n"
	tests := []struct {
		name    string
		content string
		wantErr string
	}{
		{"no edition line", "# in_force: 2025-01-01\n" + header + row, `edition "": want a leading line "# edition: NAME"`},
		{"bad edition name", "# edition: 2025 edition\n# in_force: 2025-01-01\n" + header + row, `edition "2025 edition"`},
		{"no in_force line", "# edition: 2025\n" + header + row, `in_force "": want a leading line "# in_force: YYYY-MM-DD"`},
		{"bad in_force", "# edition: 2025\n# in_force: 2025/01/01\n" + header + row, `in_force "2025/01/01"`},
		{"edition given twice", meta + "# edition: 2026\n" + header + row, `:3: "edition" given twice`},
		{"edition already built in", "# edition: 2021\n# in_force: 2025-01-01\n" + header + row, "edition 2021 is already loaded"},
		{"not later", "# edition: 2020\n# in_force: 2020-01-01\n" + header + row, "comes into force on 2020-01-01, not after edition 2021 (2021-01-01)"},
		{"no header", meta + row, `:3: header "HW11,精（蒸）馏残渣,精炼石油产品制造,251-001-11,精馏残渣,T" has no column "category"`},
		{"unknown column", meta + strings.TrimSuffix(header, "\n") + ",name_en\n" + row, `:3: header "category,category_name,industry,code,description,hazards,name_en" has unknown column "name_en"`},
		{"column twice", meta + strings.TrimSuffix(header, "\n") + ",code\n", "names a column twice"},
		{"empty file", meta, "no header"},
		{"no codes", meta + header, "no codes"},
		{"too few fields", meta + header + "HW11,精（蒸）馏残渣,精炼石油产品制造,251-001-11,精馏残渣\n", ":4: want 6 fields category,category_name,industry,code,description,hazards, got 5"},
		{"malformed code", meta + header + row + "HW11,精（蒸）馏残渣,精炼石油产品制造,25-001-11,x,T\n", `:5: catalog: malformed waste code "25-001-11": want 8 digits NNN-NNN-NN`},
		{"category mismatch", meta + header + "HW12,精（蒸）馏残渣,精炼石油产品制造,251-001-11,精馏残渣,T\n", `:4: code 251-001-11 is in category HW11, not "HW12"`},
		{"category that does not exist", meta + header + "HW42,x,y,900-001-42,z,T\n", ":4: catalog: unknown waste code 900-001-42: category HW42 does not exist"},
		{"identification code as a row", meta + header + "HW08,废矿物油与含矿物油废物,非特定行业,900-000-08,x,T\n", ":4: code 900-000-08: 900-000-xx codes are not rows"},
		{"bad hazard", meta + header + "HW11,精（蒸）馏残渣,精炼石油产品制造,251-001-11,精馏残渣,T/Q\n", `:4: code 251-001-11: unknown hazard "Q"`},
		{"mixed hazards", meta + header + "HW11,精（蒸）馏残渣,精炼石油产品制造,251-001-11,精馏残渣,\"T,I/C\"\n", `:4: code 251-001-11: hazards "T,I/C" mix`},
		{"no hazard", meta + header + "HW11,精（蒸）馏残渣,精炼石油产品制造,251-001-11,精馏残渣,\n", ":4: code 251-001-11: no hazard"},
		{"empty description", meta + header + "HW11,精（蒸）馏残渣,精炼石油产品制造,251-001-11,,T\n", ":4: code 251-001-11: description is empty"},
		{"empty industry", meta + header + "HW11,精（蒸）馏残渣,,251-001-11,x,T\n", ":4: code 251-001-11: industry is empty"},
		{"category named twice", meta + header + row + "HW11,精馏残渣,精炼石油产品制造,251-002-11,x,T\n", `:5: category HW11 is named "精馏残渣", but "精（蒸）馏残渣" on line 4`},
		{"duplicate", meta + header + row + "\n" + "HW11,精（蒸）馏残渣,精炼石油产品制造,25100111,y,T\n", ":6: code 251-001-11 already given on line 4"},
		{"bad quoting", meta + header + "HW11,\"精（蒸）馏残渣,精炼石油产品制造,251-001-11,精馏残渣,T\n", "parse error on line 4"},
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

// Catalog.Lookup finds a code of any loaded edition, preferring the one in
// force today.
func TestCatalogLookupAcrossEditions(t *testing.T) {
	p := writeCSV(t, "# edition: 2099\n# in_force: 2099-01-01\n"+header+
		"HW08,废矿物油与含矿物油废物,非特定行业,900-218-08,废液压油（2099）,\"T,I\"\n"+
		"HW48,有色金属采选和冶炼废物,常用有色金属冶炼,321-035-48,锡冶炼过程中产生的废渣,T\n")
	c, err := LoadFile(p)
	require.NoError(t, err)
	k, err := c.Lookup("900-218-08")
	require.NoError(t, err)
	assert.Equal(t, "2021", k.Edition, "the edition in force wins")
	k, err = c.Lookup("321-035-48")
	require.NoError(t, err)
	assert.Equal(t, "2099", k.Edition, "a code only a later edition lists")
	_, err = c.Lookup("900-123-49")
	require.ErrorIs(t, err, ErrUnknownCode)
	assert.Contains(t, err.Error(), "edition 2021")
	_, err = c.Lookup("9-1")
	require.ErrorIs(t, err, ErrMalformedCode)
}
