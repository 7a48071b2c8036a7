package ledger

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryTextFieldHasALimit: every text field of every input carries a
// text or note tag.
func TestEveryTextFieldHasALimit(t *testing.T) {
	limits := TextLimits()
	require.Greater(t, len(limits), 35, "the walk reaches the inputs' text fields")
	for name, l := range limits {
		assert.True(t, l.Tagged, "text field %s has no text=N or note=N tag", name)
	}
	assert.Equal(t, TextLimit{Max: 1000, Multiline: true, Tagged: true}, limits["ReceiveLine.note"])
	assert.Equal(t, TextLimit{Max: 100, Tagged: true}, limits["Container.type"])
	assert.Contains(t, limits, "Identification.issued_by", "a struct below a pointer is walked")
	assert.Contains(t, limits, "PartyInput.roles", "a list of a string type is a text field")
}

// TestTextTagsNameTheField: a bad text anywhere in an input, nested or in a
// list, is an error naming its JSON path and the rule.
func TestTextTagsNameTheField(t *testing.T) {
	fieldsOf := func(in any) map[string]string {
		err := ValidateInput(in)
		if err == nil {
			return nil
		}
		var ve *ValidationError
		require.True(t, errors.As(err, &ve), "%v", err)
		return ve.Fields
	}
	name := strings.Repeat("名", 501)
	assert.Equal(t, map[string]string{
		"container.type": "must not hold a control character (U+0000, character 3)",
		"hazards[1]":     "must not hold a bidirectional formatting character (U+202E, character 2)",
		"name":           "must be at most 500 characters (has 501)",
	}, fieldsOf(&WasteCorrection{Name: &name, Container: &Container{Type: "铁桶\x00", Count: 1}, Hazards: []string{"T", "C\u202e"},
		Reason: "line one\r\nline two\ttabbed"}), "a note may hold line breaks and tabs")
	long := strings.Repeat("车", 101)
	assert.Equal(t, map[string]string{
		"labels[1]":     "must be valid UTF-8",
		"vehicle_plate": "must not hold a control character (U+000A, character 3)",
		"driver":        "must be at most 100 characters (has 101)",
	}, fieldsOf(&CustodyInput{Labels: []string{"ok", "bad\xff"}, VehiclePlate: "豫A\n12345", Driver: long}))
	assert.Nil(t, fieldsOf(&PartyInput{Name: "顺达汽修", Roles: []Role{RoleGenerator}, Street: "南关街道",
		Contact: Contact{Name: "张三", Phone: "138 0000 0000"}}), "good text passes")
	assert.Nil(t, fieldsOf(&AckInput{Note: "已电话通知。\n明日复查", OccurredAt: &time.Time{}}))
}

// oracle is textProblem's rule written another way: with the unicode
// package's control class rather than ranges.
func oracle(s string, r textRule) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > r.max {
		return false
	}
	for _, c := range s {
		switch {
		case r.multiline && strings.ContainsRune("\n\r\t", c):
		case unicode.IsControl(c), c == unicode.ReplacementChar, c == '\u2028', c == '\u2029',
			c >= '\u202a' && c <= '\u202e', c >= '\u2066' && c <= '\u2069':
			return false
		}
	}
	return true
}

// FuzzTextRule holds the text and note rules to the oracle, directly and
// through the validate tags of an input, and checks that a refusal always
// says why. The seeds (run by every go test) are the review's attacks.
func FuzzTextRule(f *testing.F) {
	for _, s := range []string{"", "顺达汽修", "豫A12345", "a\nb", "a\r\nb", "\t", "\x00", "\x7f", "\u0085", "\u009f",
		"\u202e", "gpj.exe\u202Etxt", "\u2066x\u2069", "\u2028", "\ufffd", "\xff", "\xc3", "\xed\xa0\x80",
		strings.Repeat("x", 50), strings.Repeat("x", 51), strings.Repeat("废", 51), "ok\u200b", "e\u0301"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		r := textRule{max: 50, multiline: multiline}
		got := textProblem(s, r)
		require.Equal(t, oracle(s, r), got == Text{}, "textProblem(%q, %+v) = %v", s, r, got)
		if got != (Text{}) {
			require.NotEmpty(t, got.Zh, "a refusal says why in Chinese too")
		}
		// Through the tags: a driver (text=100) and a cancel reason (note=1000).
		err := ValidateInput(&CustodyInput{Labels: []string{"L"}, VehiclePlate: "P", Driver: s + "x"})
		require.Equal(t, oracle(s+"x", textRule{max: 100}), err == nil, "driver %q: %v", s, err)
		err = ValidateInput(&CancelInput{Reason: s + "x"})
		require.Equal(t, oracle(s+"x", textRule{max: 1000, multiline: true}), err == nil, "reason %q: %v", s, err)
	})
}
