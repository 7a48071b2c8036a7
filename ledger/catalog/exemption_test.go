package catalog

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func items(xs []Exemption) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = x.Item
	}
	return out
}

func TestExemptionList(t *testing.T) {
	e := Builtin().At(time.Now())
	list := e.Exemptions()
	require.Len(t, list, 57)
	seen := map[int]bool{}
	for _, x := range list {
		seen[x.Item] = true
		assert.Equal(t, "2021", x.Edition)
		assert.NotEmpty(t, x.Stages)
		assert.NotEmpty(t, x.Condition)
		assert.NotEmpty(t, x.Effect)
	}
	for i := 1; i <= 32; i++ {
		assert.True(t, seen[i], "item %d", i)
	}
	assert.Len(t, seen, 32)

	byItem := func(n int) Exemption {
		for _, x := range list {
			if x.Item == n {
				return x
			}
		}
		t.Fatalf("no item %d", n)
		return Exemption{}
	}
	x := byItem(9)
	assert.Equal(t, "900-200-08;900-006-09", x.AppliesTo)
	assert.Equal(t, []string{"900-200-08", "900-006-09"}, x.Codes)
	assert.Equal(t, "利用", x.Stage)
	assert.Equal(t, []string{StageUtilisation}, x.Stages)
	assert.Equal(t, "利用过程不按危险废物管理。", x.Effect)

	x = byItem(2)
	assert.Equal(t, "HW01", x.Category)
	assert.Empty(t, x.Codes)

	x = byItem(25)
	assert.Equal(t, "突发环境事件产生的危险废物", x.AppliesTo)
	assert.Empty(t, x.Codes, "a plain-language group names no code")
	assert.Empty(t, x.Category)
	for _, y := range list {
		if y.Item == 25 && y.Stage == "利用、处置" {
			assert.Equal(t, []string{StageUtilisation, StageDisposal}, y.Stages)
		}
	}
	assert.Equal(t, "-", byItem(32).AppliesTo)
	assert.Equal(t, []string{StageAll}, byItem(24).Stages)
}

func TestExemptionsOfCodes(t *testing.T) {
	e := Builtin().At(time.Now())
	tests := []struct {
		code  string
		items []int
	}{
		{"900-041-49", []int{24}},               // 废弃的含油抹布、劳保用品, whole process, when not sorted out
		{"841-001-01", []int{2, 2, 2, 2, 3, 3}}, // HW01 (small clinics, epidemics) and the code itself
		{"841-004-01", []int{2, 2, 2, 2}},
		{"900-218-08", []int{}},
		{"900-349-34", []int{20, 20}}, // HW34: waste acid that is only corrosive
		{"900-200-08", []int{9}},
		{"900-006-09", []int{9}},
		{"252-017-11", []int{10, 10, 10, 10}},
		{"772-003-18", []int{13, 13, 14, 15}},
		{"900-042-49", []int{}}, // item 25 mentions it in its text only
		{"900-000-35", []int{21, 21}},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			k, err := e.Lookup(tt.code)
			require.NoError(t, err)
			assert.Equal(t, tt.items, items(k.Exemptions))
		})
	}
	k, err := e.Lookup("900-041-49")
	require.NoError(t, err)
	assert.Equal(t, Exemption{Item: 24, AppliesTo: "900-041-49", Codes: []string{"900-041-49"}, Waste: "废弃的含油抹布、劳保用品",
		Stage: "全部环节", Stages: []string{StageAll}, Condition: "未分类收集。", Effect: "全过程不按危险废物管理。", Edition: "2021"},
		k.Exemptions[0])
}

func TestWithExemptionsErrors(t *testing.T) {
	e := Builtin().At(time.Now())
	const header = "no,category_or_code,waste,exempt_stage,condition,exemption\n"
	tests := []struct {
		name, content, wantErr string
	}{
		{"unknown stage", header + "1,900-041-49,x,贮存,c,e\n", `x.csv:2: exempt_stage "贮存"`},
		{"code not in the edition", header + "1,900-123-49,x,运输,c,e\n", "x.csv:2: code 900-123-49 is not in edition 2021"},
		{"malformed code", header + "1,900-41-49,x,运输,c,e\n", "x.csv:2: category_or_code"},
		{"item number", header + "first,900-041-49,x,运输,c,e\n", `x.csv:2: no "first"`},
		{"empty condition", header + "1,900-041-49,x,运输,,e\n", "x.csv:2: condition is empty"},
		{"other edition", "# edition: 2025\n" + header + "1,900-041-49,x,运输,c,e\n", `for edition "2025", not "2021"`},
		{"missing column", "no,category_or_code,waste,exempt_stage,condition\n", `has no column "exemption"`},
		{"no rows", header, "no exemption rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.WithExemptions(strings.NewReader(tt.content), "x.csv")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
	b, err := builtinData.ReadFile(builtinExemptionsFile)
	require.NoError(t, err)
	again, err := e.WithExemptions(bytes.NewReader(b), "again.csv")
	require.NoError(t, err)
	assert.Equal(t, e.Exemptions(), again.Exemptions())
}
