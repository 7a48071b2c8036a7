package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMethods(t *testing.T) {
	want := []string{"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R15",
		"D1", "D9", "D10", "D16", "C1", "C2", "C3", "Y10", "Y11", "Y12", "Y13", "Y16"}
	ms := Methods()
	got := make([]string, len(ms))
	for i, m := range ms {
		got[i] = m.Code
		assert.NotEmpty(t, m.Name, m.Code)
		assert.NotEmpty(t, m.NameEn, m.Code)
		assert.Equal(t, m.Code[0] == 'Y', m.Medical, m.Code)
	}
	assert.Equal(t, want, got)
	ms[0].Code = "changed"
	assert.Equal(t, "R1", Methods()[0].Code, "Methods returns a copy")
}

func TestMethodByCode(t *testing.T) {
	tests := []struct {
		in, code, nameEn string
		ok               bool
	}{
		{"D10", "D10", "Incineration", true},
		{" y11 ", "Y11", "Medical waste high-temperature steam treatment", true},
		{"R9", "R9", "Used-oil re-refining", true},
		{"R10", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		m, ok := MethodByCode(tt.in)
		assert.Equal(t, tt.ok, ok, tt.in)
		assert.Equal(t, tt.code, m.Code, tt.in)
		assert.Equal(t, tt.nameEn, m.NameEn, tt.in)
	}
}

func TestMedicalMethodAllowed(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"Y10", true}, {"Y11", true}, {"Y12", true}, {"Y13", true}, {"Y16", true},
		{"D10", true}, {"d10", true},
		{"D1", false}, {"D9", false}, {"R1", false}, {"C1", false}, {"Y14", false}, {"", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, MedicalMethodAllowed(tt.code), tt.code)
	}
}
