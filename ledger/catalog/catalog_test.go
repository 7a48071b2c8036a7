package catalog

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// embeddedRows reads the embedded 2021 table with encoding/csv alone, as a
// check independent of the package's reader.
func embeddedRows(t *testing.T) [][]string {
	t.Helper()
	b, err := builtinData.ReadFile(builtinCatalogFile)
	require.NoError(t, err)
	r := csv.NewReader(bytes.NewReader(b))
	r.Comment = '#'
	recs, err := r.ReadAll()
	require.NoError(t, err)
	require.Equal(t, codeColumns, recs[0])
	return recs[1:]
}

func TestBuiltinLoadsEveryRow(t *testing.T) {
	e := Builtin().At(time.Now())
	assert.Equal(t, "2021", e.Name())
	assert.Equal(t, "2021-01-01T00:00:00+08:00", e.InForce().Format(time.RFC3339))
	assert.Contains(t, e.Source(), "生态环境部令第15号")
	rows := embeddedRows(t)
	require.Len(t, rows, 467)
	for _, f := range rows {
		k, err := e.Lookup(f[3])
		require.NoError(t, err, f[3])
		assert.Equal(t, f[0], k.Category, f[3])
		assert.Equal(t, f[1], k.CategoryName, f[3])
		assert.Equal(t, f[2], k.Industry, f[3])
		assert.Equal(t, f[3], k.Code)
		assert.Equal(t, f[4], k.Name, f[3])
		assert.Equal(t, f[5], k.HazardText, f[3])
		assert.NotEmpty(t, k.Hazards, f[3])
		assert.Equal(t, "2021", k.Edition)
		assert.Equal(t, e.Source(), k.Source)
		assert.Equal(t, k.Category == "HW01", k.Medical, f[3])
		assert.False(t, k.ByIdentification)
		assert.NotNil(t, k.Exemptions, f[3])
	}
	codes := e.Codes()
	require.Len(t, codes, 467)
	for i := 1; i < len(codes); i++ {
		assert.Less(t, codes[i-1].Code, codes[i].Code)
	}
	perCategory := map[string]int{}
	for _, k := range codes {
		perCategory[k.Category]++
	}
	assert.Len(t, perCategory, 46)
	for cat, n := range map[string]int{"HW01": 5, "HW08": 32, "HW11": 85, "HW49": 11, "HW50": 44, "HW03": 1} {
		assert.Equal(t, n, perCategory[cat], cat)
	}
	assert.Equal(t, codesOf(codes), codesOf(Builtin().Codes()))
}

func TestBuiltinRoundTrip(t *testing.T) {
	want, err := builtinData.ReadFile(builtinCatalogFile)
	require.NoError(t, err)
	e, ok := Builtin().Edition("2021")
	require.True(t, ok)
	var out bytes.Buffer
	require.NoError(t, e.WriteCSV(&out))
	assert.Equal(t, string(want), out.String(), "catalogue -> CSV gives the embedded file back byte for byte")

	again, err := ReadEdition(bytes.NewReader(out.Bytes()), "again.csv")
	require.NoError(t, err)
	assert.Equal(t, e.Name(), again.Name())
	assert.True(t, e.InForce().Equal(again.InForce()))
	assert.Equal(t, e.Source(), again.Source())
	a, b := e.Codes(), again.Codes()
	require.Len(t, b, 467)
	for i := range a {
		// The file does not hold English names or the exemption list.
		a[i].NameEn, a[i].Exemptions = "", []Exemption{}
		assert.Equal(t, a[i], b[i])
	}
}

func TestBuiltinHazardTexts(t *testing.T) {
	got := map[string]int{}
	for _, k := range Builtin().Codes() {
		got[k.HazardText]++
	}
	assert.Equal(t, map[string]int{"T": 364, "T,I": 29, "C,T": 27, "T,R": 16, "T,C": 5, "T/C/I/R": 4, "T,I,R": 4,
		"R,T": 4, "In": 3, "C": 3, "T/In": 2, "T,I,C": 1, "T/C": 1, "C,R": 1, "R": 1, "R,C": 1, "T/C/I/R/In": 1}, got)
}

func TestBuiltinCategories(t *testing.T) {
	c := Builtin()
	cats := c.Categories()
	require.Len(t, cats, 46)
	for i, k := range cats {
		assert.True(t, IsCategoryID(k.ID), k.ID)
		assert.NotEmpty(t, k.Name, k.ID)
		assert.NotEmpty(t, k.NameEn, k.ID)
		if i > 0 {
			assert.Less(t, cats[i-1].ID, k.ID)
		}
	}
	tests := []struct {
		id, name, nameEn string
		ok               bool
	}{
		{"HW01", "医疗废物", "Medical waste", true},
		{"HW49", "其他废物", "Other waste", true},
		{"hw50 ", "废催化剂", "Spent catalysts", true},
		{"HW41", "", "", false},
		{"HW51", "", "", false},
	}
	for _, tt := range tests {
		k, ok := c.Category(tt.id)
		assert.Equal(t, tt.ok, ok, tt.id)
		assert.Equal(t, tt.name, k.Name, tt.id)
		assert.Equal(t, tt.nameEn, k.NameEn, tt.id)
	}
}

func TestLookup(t *testing.T) {
	c := Builtin()
	tests := []struct {
		in, code, name, text string
		set                  []string
		terms                HazardTerms
		category, industry   string
	}{
		{"900-041-49", "900-041-49", "含有或沾染毒性、感染性危险废物的废弃包装物、容器、过滤吸附介质", "T/In", []string{"T", "In"},
			HazardTerms{OneOrMoreOf: []string{"T", "In"}}, "HW49", "非特定行业"},
		{"90004149", "900-041-49", "含有或沾染毒性、感染性危险废物的废弃包装物、容器、过滤吸附介质", "T/In", []string{"T", "In"},
			HazardTerms{OneOrMoreOf: []string{"T", "In"}}, "HW49", "非特定行业"},
		{"841-001-01", "841-001-01", "感染性废物", "In", []string{"In"}, HazardTerms{Has: []string{"In"}}, "HW01", "卫生"},
		{"831-001-01", "841-001-01", "感染性废物", "In", []string{"In"}, HazardTerms{Has: []string{"In"}}, "HW01", "卫生"},
		{"841-004-01", "841-004-01", "化学性废物", "T/C/I/R", []string{"T", "C", "I", "R"},
			HazardTerms{OneOrMoreOf: []string{"T", "C", "I", "R"}}, "HW01", "卫生"},
		{"83100501", "841-005-01", "药物性废物", "T", []string{"T"}, HazardTerms{Has: []string{"T"}}, "HW01", "卫生"},
		{"900-218-08", "900-218-08", "液压设备维护、更换和拆解过程中产生的废液压油", "T,I", []string{"T", "I"},
			HazardTerms{Has: []string{"T"}, MayHave: []string{"I"}}, "HW08", "非特定行业"},
		{"900-349-34", "900-349-34", "生产、销售及使用过程中产生的失效、变质、不合格、淘汰、伪劣的强酸性擦洗粉、清洁剂、污迹去除剂以及其他强酸性废酸液和酸渣",
			"C,T", []string{"T", "C"}, HazardTerms{Has: []string{"C"}, MayHave: []string{"T"}}, "HW34", "非特定行业"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			k, err := c.Lookup(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.code, k.Code)
			assert.Equal(t, tt.name, k.Name)
			assert.Equal(t, tt.text, k.HazardText)
			assert.Equal(t, tt.set, k.Hazards)
			assert.Equal(t, tt.terms, k.HazardTerms)
			assert.Equal(t, tt.category == "HW01", k.Medical)
			assert.Equal(t, tt.category, k.Category)
			assert.Equal(t, tt.industry, k.Industry)
		})
	}
}

func TestLookupIdentificationCode(t *testing.T) {
	c := Builtin()
	k, err := c.Lookup("900-000-08")
	require.NoError(t, err)
	assert.True(t, k.ByIdentification)
	assert.Equal(t, "HW08", k.Category)
	assert.Equal(t, "经鉴别具有危险特性的废物（废矿物油与含矿物油废物）", k.Name)
	assert.Empty(t, k.HazardText)
	assert.Empty(t, k.Hazards)
	assert.Equal(t, "2021", k.Edition)
	assert.Empty(t, k.Exemptions)

	k, err = c.Lookup("90000034")
	require.NoError(t, err)
	assert.Equal(t, "900-000-34", k.Code)
	require.Len(t, k.Exemptions, 2, "item 20 names HW34")
	assert.Equal(t, 20, k.Exemptions[0].Item)
}

func TestLookupErrors(t *testing.T) {
	c := Builtin()
	tests := []struct {
		in      string
		wantErr error
		msg     string
	}{
		{"900-041-4", ErrMalformedCode, "8 digits NNN-NNN-NN, e.g. 900-041-49"},
		{"abc", ErrMalformedCode, `"abc"`},
		{"", ErrMalformedCode, "8 digits"},
		{"900-123-49", ErrUnknownCode, "900-123-49: not in the catalogue (edition 2021)"},
		{"841-006-01", ErrUnknownCode, "not in the catalogue"},
		{"900-000-41", ErrUnknownCode, "category HW41 does not exist"},
		{"900-000-00", ErrUnknownCode, "category HW00 does not exist"},
		{"900-000-51", ErrUnknownCode, "category HW51 does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := c.Lookup(tt.in)
			require.ErrorIs(t, err, tt.wantErr)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestLookupReturnsCopy(t *testing.T) {
	c := Builtin()
	k, err := c.Lookup("841-001-01")
	require.NoError(t, err)
	k.Hazards[0] = "X"
	k.HazardTerms.Has[0] = "X"
	k.Exemptions[0].Stages[0] = "X"
	k.Exemptions[0].Condition = "X"
	k2, err := c.Lookup("841-001-01")
	require.NoError(t, err)
	assert.Equal(t, []string{"In"}, k2.Hazards)
	assert.Equal(t, []string{"In"}, k2.HazardTerms.Has)
	assert.NotEqual(t, "X", k2.Exemptions[0].Stages[0])
	assert.NotEqual(t, "X", k2.Exemptions[0].Condition)
}

func TestIndustries(t *testing.T) {
	ins := Builtin().At(time.Now()).Industries()
	require.Len(t, ins, 48)
	assert.Equal(t, Industry{Name: "基础化学原料制造", Codes: 142}, ins[0])
	assert.Equal(t, Industry{Name: "非特定行业", Codes: 95}, ins[1])
	total := 0
	for i, in := range ins {
		total += in.Codes
		if i > 0 {
			assert.GreaterOrEqual(t, ins[i-1].Codes, in.Codes)
		}
	}
	assert.Equal(t, 467, total)
}

func TestParseOfficialHazards(t *testing.T) {
	tests := []struct {
		in      string
		terms   HazardTerms
		set     []string
		wantErr string
	}{
		{"T", HazardTerms{Has: []string{"T"}}, []string{"T"}, ""},
		{"T,I", HazardTerms{Has: []string{"T"}, MayHave: []string{"I"}}, []string{"T", "I"}, ""},
		{"R,C", HazardTerms{Has: []string{"R"}, MayHave: []string{"C"}}, []string{"C", "R"}, ""},
		{"T,I,C", HazardTerms{Has: []string{"T"}, MayHave: []string{"I", "C"}}, []string{"T", "C", "I"}, ""},
		{"T/C", HazardTerms{OneOrMoreOf: []string{"T", "C"}}, []string{"T", "C"}, ""},
		{"In/T", HazardTerms{OneOrMoreOf: []string{"In", "T"}}, []string{"T", "In"}, ""},
		{"", HazardTerms{}, nil, "no hazard"},
		{"T,I/C", HazardTerms{}, nil, `mix "," and "/"`},
		{"T,X", HazardTerms{}, nil, `unknown hazard "X"`},
		{"t", HazardTerms{}, nil, `unknown hazard "t"`},
		{"T, I", HazardTerms{}, nil, `unknown hazard " I"`},
		{"T,T", HazardTerms{}, nil, `hazard "T" given twice`},
		{"T,", HazardTerms{}, nil, `unknown hazard ""`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			terms, set, err := ParseOfficialHazards(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.terms, terms)
			assert.Equal(t, tt.set, set)
		})
	}
}

func codesOf(ks []Code) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.Code
	}
	return out
}

func TestSearch(t *testing.T) {
	e := Builtin().At(time.Now())
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"words of the description", Query{Text: "液压油"}, []string{"900-218-08"}},
		{"the whole name", Query{Text: "废液压油"}, []string{"900-218-08"}},
		{"part of a word", Query{Text: "机油"}, []string{"900-214-08", "900-219-08"}},
		{"several words must all match", Query{Text: "维修 机油"}, []string{"900-214-08"}},
		{"words separated by 、 or a full-width space", Query{Text: "维修、机油"}, []string{"900-214-08"}},
		{"full code", Query{Text: "900-218-08"}, []string{"900-218-08"}},
		{"digits only", Query{Text: "90021808"}, []string{"900-218-08"}},
		{"prefix with dash", Query{Text: "900-21"}, []string{"900-210-08", "900-213-08", "900-214-08", "900-215-08",
			"900-216-08", "900-217-08", "900-218-08", "900-219-08"}},
		{"prefix without dash", Query{Text: "900218"}, []string{"900-218-08"}},
		{"number and word", Query{Text: "900-21 液压"}, []string{"900-218-08"}},
		{"part with dash", Query{Text: "218-08"}, []string{"900-218-08"}},
		{"2016 medical code", Query{Text: "831-002-01"}, []string{"841-002-01"}},
		{"category word", Query{Text: "hw01"}, []string{"841-001-01", "841-002-01", "841-003-01", "841-004-01", "841-005-01"}},
		{"category filter", Query{Category: "HW01", Text: "性"}, []string{"841-001-01", "841-002-01", "841-003-01", "841-004-01", "841-005-01"}},
		{"industry in the words", Query{Text: "电池制造"}, []string{"384-001-23", "384-002-26", "384-003-29", "384-004-31", "384-005-46"}},
		{"industry filter", Query{Industry: "印刷"}, []string{"231-001-16", "231-002-16", "231-007-29"}},
		{"industry filter keeps variant names", Query{Industry: "环境治理"}, []string{"772-001-11", "772-002-18",
			"772-003-18", "772-004-18", "772-005-18", "772-006-49", "772-007-50"}},
		{"industry filter and words", Query{Industry: "环境治理", Text: "飞灰"}, []string{"772-002-18", "772-003-18", "772-004-18"}},
		{"english name, any case", Query{Text: "LEAD-ACID"}, []string{"900-052-31"}},
		{"identification codes by number", Query{Text: "900-000-0"}, []string{"900-000-01", "900-000-02", "900-000-03",
			"900-000-04", "900-000-05", "900-000-06", "900-000-07", "900-000-08", "900-000-09"}},
		{"identification code and category", Query{Text: "900000", Category: "HW49"}, []string{"900-000-49"}},
		{"limit", Query{Text: "HW01", Limit: 2}, []string{"841-001-01", "841-002-01"}},
		{"no match", Query{Text: "不存在的废物"}, []string{}},
		{"category that does not exist", Query{Category: "HW41"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.Find(tt.q)
			assert.Equal(t, tt.want, codesOf(got))
			for _, k := range got {
				assert.Equal(t, "2021", k.Edition)
			}
		})
	}
	assert.Len(t, e.Find(Query{}), 467)
	assert.Len(t, e.Find(Query{Text: "900-000"}), 46)
	assert.Len(t, e.Find(Query{Text: "HW08"}), 32)
	assert.Equal(t, codesOf(e.Find(Query{Text: "液压油"})), codesOf(Builtin().Search("  液压油 ", 0)))
	assert.Len(t, Builtin().Search("", 3), 3)
}

func TestSearchWordsAreLowerCased(t *testing.T) {
	e := Builtin().At(time.Now())
	for _, k := range e.Find(Query{Text: "VOCs"}) {
		assert.True(t, strings.Contains(strings.ToLower(k.Name), "vocs"), k.Code)
	}
	assert.NotEmpty(t, e.Find(Query{Text: "vocs"}))
}
