package ident

import (
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger/workday"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const credit = "914403001922038216"

func TestMakeLabel(t *testing.T) {
	day := time.Date(2026, 3, 9, 10, 0, 0, 0, workday.Shanghai)
	tests := []struct {
		name    string
		credit  string
		code    string
		day     time.Time
		serial  int
		want    string
		wantErr string
	}{
		{"hyphenated code", credit, "900-041-49", day, 1, credit + "90004149" + "20260309" + "001", ""},
		{"digits code, serial 999", credit, "90021408", day, 999, credit + "90021408" + "20260309" + "999", ""},
		{"2016 medical code mapped", credit, "831-001-01", day, 42, credit + "84100101" + "20260309" + "042", ""},
		{"UTC time already next day in Shanghai", credit, "900-041-49", time.Date(2026, 3, 9, 16, 30, 0, 0, time.UTC), 7, credit + "90004149" + "20260310" + "007", ""},
		{"UTC time same day in Shanghai", credit, "900-041-49", time.Date(2026, 3, 9, 15, 59, 0, 0, time.UTC), 7, credit + "90004149" + "20260309" + "007", ""},
		{"bad credit code", "914403001922038217", "900-041-49", day, 1, "", "check character (position 18) should be 6"},
		{"bad waste code", credit, "900-41-49", day, 1, "", "8 digits NNN-NNN-NN"},
		{"serial 0", credit, "900-041-49", day, 0, "", "serial 0 out of range 1..999"},
		{"serial 1000", credit, "900-041-49", day, 1000, "", "serial 1000 out of range 1..999"},
		{"zero day", credit, "900-041-49", time.Time{}, 1, "", "no generation date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MakeLabel(tt.credit, tt.code, tt.day, tt.serial)
			if tt.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalidLabel)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Len(t, got, LabelLen)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseLabel(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Label
		wantErr string
	}{
		{"valid", credit + "90004149" + "20260309" + "001", Label{credit, "90004149", "20260309", 1}, ""},
		{"surrounding spaces", " " + credit + "84100101" + "20251231" + "999\n", Label{credit, "84100101", "20251231", 999}, ""},
		{"short", credit + "90004149" + "20260309" + "01", Label{}, "must be 37 characters"},
		{"bad credit", "914403001922038217" + "90004149" + "20260309" + "001", Label{}, "characters 1-18: invalid credit code"},
		{"bad code digits", credit + "900-0414" + "20260309" + "001", Label{}, `characters 19-26 must be the 8 digits of the waste code, got "900-0414"`},
		{"impossible date", credit + "90004149" + "20260230" + "001", Label{}, `characters 27-34 must be the generation date YYYYMMDD, got "20260230"`},
		{"signed date", credit + "90004149" + "+0260309" + "001", Label{}, "characters 27-34"},
		{"serial 000", credit + "90004149" + "20260309" + "000", Label{}, `characters 35-37 must be a serial 001..999, got "000"`},
		{"serial letters", credit + "90004149" + "20260309" + "0A1", Label{}, "characters 35-37"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLabel(tt.in)
			if tt.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalidLabel)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestLabelRoundTrip(t *testing.T) {
	day := time.Date(2026, 2, 14, 23, 0, 0, 0, workday.Shanghai)
	s, err := MakeLabel(credit, "900-252-12", day, 12)
	require.NoError(t, err)
	l, err := ParseLabel(s)
	require.NoError(t, err)
	assert.Equal(t, "900-252-12", l.Code())
	assert.Equal(t, s, l.String())
	assert.Equal(t, time.Date(2026, 2, 14, 0, 0, 0, 0, workday.Shanghai), l.Day())
	assert.Equal(t, 12, l.Serial)
}

func TestLabelCodeAndDayOfPartialLabel(t *testing.T) {
	assert.Equal(t, "123", Label{CodeDigits: "123"}.Code())
	assert.True(t, Label{Date: "2026"}.Day().IsZero())
}
