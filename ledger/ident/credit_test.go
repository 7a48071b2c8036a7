package ident

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateCreditCode(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"published code, digit check", "914403001922038216", ""},
		{"published code, letter check", "91440300708461136T", ""},
		{"empty", "", "must be 18 characters, got 0"},
		{"too short", "91440300192203821", "must be 18 characters, got 17"},
		{"too long", "9144030019220382160", "must be 18 characters, got 19"},
		{"letter I", "91440300I92203821A", `bad character 'I' at position 9: credit codes use 0-9 and A-Z except I, O, S, V, Z`},
		{"letter O", "O14403001922038216", "bad character 'O' at position 1"},
		{"lower case", "91440300708461136t", "bad character 't' at position 18: letters must be upper case"},
		{"space", "9144030 1922038216", "bad character ' ' at position 8"},
		{"chinese character counted as one", "9144030019220382中6", "bad character '中' at position 17"},
		{"wrong check character", "914403001922038217", "check character (position 18) should be 6, got 7"},
		{"transposed digits", "914403001922083216", "check character (position 18) should be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateCreditCode(tt.in)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalidCreditCode)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestCreditCheckChar(t *testing.T) {
	tests := []struct {
		first17 string
		want    byte
		wantErr string
	}{
		{"91440300192203821", '6', ""},
		{"91440300708461136", 'T', ""},
		{"00000000000000000", '0', ""}, // sum 0 -> 31 -> 0
		{"9144030019220382", 0, "need the first 17 characters to compute the check character, got 16"},
		{"9144030019220382Z", 0, "bad character 'Z' at position 17"},
	}
	for _, tt := range tests {
		t.Run(tt.first17, func(t *testing.T) {
			got, err := CreditCheckChar(tt.first17)
			if tt.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalidCreditCode)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, string(tt.want), string(got))
		})
	}
}

func TestCompleteCreditCode(t *testing.T) {
	// Every completed code validates, and changing any one character of it
	// makes it invalid (the check detects all single-character errors).
	for _, first17 := range []string{"91410104MA0000001", "12410104000000000", "52410104MJY000123", "91410104317000000"} {
		code, err := CompleteCreditCode(first17)
		require.NoError(t, err)
		require.Len(t, code, 18)
		require.NoError(t, ValidateCreditCode(code), code)
		for i := 0; i < 18; i++ {
			for j := 0; j < len(CreditAlphabet); j++ {
				if CreditAlphabet[j] == code[i] {
					continue
				}
				bad := code[:i] + string(CreditAlphabet[j]) + code[i+1:]
				require.Error(t, ValidateCreditCode(bad), bad)
			}
		}
	}
	_, err := CompleteCreditCode("short")
	require.ErrorIs(t, err, ErrInvalidCreditCode)
}
