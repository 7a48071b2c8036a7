package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

func TestBuiltinCodes(t *testing.T) {
	codes := Builtin().Codes()
	require.Len(t, codes, 24) // 5 medical + 19 common
	for i, k := range codes {
		n, err := Normalize(k.Code)
		require.NoError(t, err)
		assert.Equal(t, n, k.Code)
		assert.Equal(t, CategoryOf(k.Code), k.Category)
		assert.NotEmpty(t, k.Name, k.Code)
		assert.NotEmpty(t, k.NameEn, k.Code)
		assert.NotEmpty(t, k.Hazards, k.Code)
		assert.Contains(t, k.Source, "国家危险废物名录(2021年版)", k.Code)
		assert.Equal(t, k.Category == "HW01", k.Medical, k.Code)
		if i > 0 {
			assert.Less(t, codes[i-1].Code, k.Code)
		}
	}
}

func TestLookup(t *testing.T) {
	c := Builtin()
	tests := []struct {
		in       string
		code     string
		name     string
		hazards  []string
		medical  bool
		category string
	}{
		{"900-041-49", "900-041-49", "含有或沾染毒性、感染性危险废物的废弃的包装物、容器、过滤吸附介质", []string{"T", "In"}, false, "HW49"},
		{"90004149", "900-041-49", "含有或沾染毒性、感染性危险废物的废弃的包装物、容器、过滤吸附介质", []string{"T", "In"}, false, "HW49"},
		{"841-001-01", "841-001-01", "感染性废物", []string{"In"}, true, "HW01"},
		{"831-001-01", "841-001-01", "感染性废物", []string{"In"}, true, "HW01"},
		{"841-002-01", "841-002-01", "损伤性废物", []string{"In"}, true, "HW01"},
		{"831-003-01", "841-003-01", "病理性废物", []string{"In"}, true, "HW01"},
		{"841-004-01", "841-004-01", "化学性废物", []string{"T"}, true, "HW01"},
		{"83100501", "841-005-01", "药物性废物", []string{"T"}, true, "HW01"},
		{"900-214-08", "900-214-08", "车辆、轮船及其它机械维修过程中产生的废发动机油、制动器油、自动变速器油、齿轮油等废润滑油", []string{"T", "I"}, false, "HW08"},
		{"900-349-34", "900-349-34", "生产、销售及使用过程中产生的失效、变质、不合格、淘汰、伪劣的强酸性擦洗粉、清洁剂、污迹去除剂以及其他强酸性废酸液和酸渣", []string{"T", "C"}, false, "HW34"},
		{"900-047-49", "900-047-49", "生产、研究、开发、教学、环境检测（监测）活动中，化学和生物实验室产生的废液、残渣、具有危险特性的残留样品及沾染上述物质的一次性实验用品、包装物、过滤吸附介质等", []string{"T", "C", "I", "R"}, false, "HW49"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			k, err := c.Lookup(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.code, k.Code)
			assert.Equal(t, tt.name, k.Name)
			assert.Equal(t, tt.hazards, k.Hazards)
			assert.Equal(t, tt.medical, k.Medical)
			assert.Equal(t, tt.category, k.Category)
		})
	}
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
		{"900-123-49", ErrUnknownCode, "900-123-49: not in the catalogue"},
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
	k, err := c.Lookup("900-041-49")
	require.NoError(t, err)
	k.Hazards[0] = "X"
	k2, err := c.Lookup("900-041-49")
	require.NoError(t, err)
	assert.Equal(t, []string{"T", "In"}, k2.Hazards)
}

func codesOf(ks []Code) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.Code
	}
	return out
}

func TestSearch(t *testing.T) {
	c := Builtin()
	tests := []struct {
		name  string
		q     string
		limit int
		want  []string
	}{
		{"code substring", "-08", 0, []string{"900-214-08", "900-249-08"}},
		{"digits", "90021408", 0, []string{"900-214-08"}},
		{"2016 medical code", "831-002-01", 0, []string{"841-002-01"}},
		{"chinese name", "感染性", 0, []string{"841-001-01", "900-041-49"}},
		{"english name, any case", "LEAD-ACID", 0, []string{"900-052-31"}},
		{"category", "hw12", 0, []string{"900-252-12", "900-253-12"}},
		{"limit", "HW01", 2, []string{"841-001-01", "841-002-01"}},
		{"no match", "不存在的废物", 0, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, codesOf(c.Search(tt.q, tt.limit)))
		})
	}
	all := c.Search("  ", 0)
	assert.Equal(t, codesOf(c.Codes()), codesOf(all))
	assert.Len(t, all, 24)
	assert.Len(t, c.Search("", 3), 3)
}
