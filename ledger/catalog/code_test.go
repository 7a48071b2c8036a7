package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"900-041-49", "900-041-49", false},
		{"90004149", "900-041-49", false},
		{"  900-041-49\t", "900-041-49", false},
		{"831-001-01", "841-001-01", false},
		{"83100501", "841-005-01", false},
		{"831-006-01", "831-006-01", false}, // only 001..005 are remapped
		{"831-001-02", "831-001-02", false},
		{"900-000-41", "900-000-41", false}, // format only
		{"", "", true},
		{"900-041-4", "", true},
		{"900041-49", "", true},
		{"900-041-4a", "", true},
		{"9000414", "", true},
		{"900_041_49", "", true},
		{"HW49", "", true},
		{"９００-０４１-４９", "", true}, // full-width digits
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, ErrMalformedCode)
				assert.Contains(t, err.Error(), "8 digits NNN-NNN-NN, e.g. 900-041-49")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDigits(t *testing.T) {
	d, err := Digits("831-002-01")
	require.NoError(t, err)
	assert.Equal(t, "84100201", d)
	_, err = Digits("x")
	require.ErrorIs(t, err, ErrMalformedCode)
}

func TestCategoryOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{"900-041-49", "HW49"},
		{"84100101", "HW01"},
		{"900-000-41", "HW41"},
		{"bad", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, CategoryOf(tt.in), tt.in)
	}
}

func TestIsCategoryID(t *testing.T) {
	n := 0
	for i := 0; i <= 99; i++ {
		id := "HW" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		if IsCategoryID(id) {
			n++
		}
	}
	assert.Equal(t, 46, n)
	tests := []struct {
		in   string
		want bool
	}{
		{"HW01", true}, {"HW40", true}, {"HW45", true}, {"HW50", true},
		{"HW00", false}, {"HW41", false}, {"HW44", false}, {"HW51", false},
		{"hw01", false}, {"HW1", false}, {"HW001", false}, {"01", false}, {"", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, IsCategoryID(tt.in), tt.in)
	}
}

func TestParseHazards(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{"T/In", []string{"T", "In"}, ""},
		{"In/T", []string{"T", "In"}, ""},
		{"T,I", []string{"T", "I"}, ""},
		{"C,T", []string{"T", "C"}, ""},
		{"R/I/C/T/In", []string{"T", "C", "I", "R", "In"}, ""},
		{"t、c", []string{"T", "C"}, ""},
		{" T ; T ", []string{"T"}, ""},
		{"IN", []string{"In"}, ""},
		{"", nil, "no hazard"},
		{" / ", nil, "no hazard"},
		{"T/X", nil, `unknown hazard "X"`},
		{"TI", nil, `unknown hazard "TI"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseHazards(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
