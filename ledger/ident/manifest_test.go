package ident

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMakeManifestNumber(t *testing.T) {
	tests := []struct {
		name           string
		year           int
		province, city string
		serial         int
		want           string
		wantErr        string
	}{
		{"zhengzhou example", 2026, "41", "01", 123, "20264101000123", ""},
		{"max serial", 2025, "41", "01", 999999, "20254101999999", ""},
		{"year 3 digits", 999, "41", "01", 1, "", "year 999 is not 4 digits"},
		{"year 5 digits", 10000, "41", "01", 1, "", "year 10000 is not 4 digits"},
		{"province 1 digit", 2026, "4", "01", 1, "", `province code "4" must be 2 digits`},
		{"province 00", 2026, "00", "01", 1, "", `province code "00"`},
		{"city letters", 2026, "41", "0A", 1, "", `city code "0A" must be 2 digits`},
		{"serial 0", 2026, "41", "01", 0, "", "serial 0 out of range 1..999999"},
		{"serial too big", 2026, "41", "01", 1000000, "", "serial 1000000 out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MakeManifestNumber(tt.year, tt.province, tt.city, tt.serial)
			if tt.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalidManifestNumber)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseManifestNumber(t *testing.T) {
	tests := []struct {
		in             string
		year           int
		province, city string
		serial         int
		wantErr        string
	}{
		{"20264101000123", 2026, "41", "01", 123, ""},
		{" 20254101999999 ", 2025, "41", "01", 999999, ""},
		{"2026410100012", 0, "", "", 0, "must be 14 digits"},
		{"202641010001234", 0, "", "", 0, "must be 14 digits"},
		{"2026410100012A", 0, "", "", 0, "must be 14 digits"},
		{"20264101000000", 0, "", "", 0, "serial 0 out of range"},
		{"20260001000001", 0, "", "", 0, `province code "00"`},
		{"09994101000001", 0, "", "", 0, "year 999 is not 4 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			y, p, c, n, err := ParseManifestNumber(tt.in)
			if tt.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalidManifestNumber)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, []any{tt.year, tt.province, tt.city, tt.serial}, []any{y, p, c, n})
		})
	}
}
