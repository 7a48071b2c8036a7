package ledger

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
)

// Text fields. Every string of an input (and every item of a list of
// strings) carries one of two `validate` tags, which are the one statement
// of its limit (the OpenAPI document's maxLength repeats each, and a test
// holds the two together):
//
//	text=N   at most N characters (Unicode code points, counted before
//	         spaces are trimmed), in valid UTF-8, with no control character,
//	         no bidirectional formatting character (U+202A–U+202E,
//	         U+2066–U+2069: they make a text read other than it is stored),
//	         no U+2028 or U+2029, and no U+FFFD (what a decoder leaves for
//	         invalid UTF-8 or a lone surrogate)
//	note=N   the same for free text (a note, a reason), which may also hold
//	         line breaks (\n, \r) and tabs

// textRule is what a text or note tag allows.
type textRule struct {
	max       int
	multiline bool
}

// textRuleOf reads the rule of a text or note tag with parameter param.
func textRuleOf(tag, param string) textRule {
	n, err := strconv.Atoi(param)
	if err != nil || n <= 0 {
		panic(fmt.Sprintf("validate tag %s=%q: want a positive number of characters", tag, param)) // a programming error
	}
	return textRule{max: n, multiline: tag == "note"}
}

// registerText registers the text and note tags with v.
func registerText(v *validator.Validate) {
	for _, tag := range []string{"text", "note"} {
		must(v.RegisterValidation(tag, func(fl validator.FieldLevel) bool {
			return textProblem(fl.Field().String(), textRuleOf(tag, fl.Param())) == Text{}
		}))
	}
}

// textProblem says why s breaks rule r, in both languages, or the zero
// Text when it does not.
func textProblem(s string, r textRule) Text {
	if !utf8.ValidString(s) {
		return Text{"不是有效的 UTF-8 文本", "must be valid UTF-8"}
	}
	n := 0
	for _, c := range s {
		n++
		if p := charProblem(c, r.multiline); p.En != "" {
			return Text{fmt.Sprintf("不能含有%s（U+%04X，第 %d 个字符）", p.Zh, c, n),
				fmt.Sprintf("must not hold %s (U+%04X, character %d)", p.En, c, n)}
		}
	}
	if n > r.max {
		return Text{fmt.Sprintf("最多 %d 个字符（现有 %d 个）", r.max, n), fmt.Sprintf("must be at most %d characters (has %d)", r.max, n)}
	}
	return Text{}
}

// charProblem names the kind of character c is when a text may not hold
// it, or the zero Text.
func charProblem(c rune, multiline bool) Text {
	switch {
	case c == utf8.RuneError:
		return Text{"替换字符（无效的 UTF-8 或单独的代理项留下的）", "the replacement character, left by invalid UTF-8 or a lone surrogate"}
	case multiline && (c == '\n' || c == '\r' || c == '\t'):
		return Text{}
	case c < 0x20 || (c >= 0x7f && c <= 0x9f):
		return Text{"控制字符", "a control character"}
	case c == 0x2028 || c == 0x2029:
		return Text{"行分隔符或段分隔符", "a line or paragraph separator"}
	case (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069):
		return Text{"双向文本控制符", "a bidirectional formatting character"}
	}
	return Text{}
}

// textProblemOf is textProblem for the value of a failed text or note tag.
func textProblemOf(fe validator.FieldError) Text {
	s := reflect.ValueOf(fe.Value())
	for s.Kind() == reflect.Pointer {
		s = s.Elem()
	}
	return textProblem(s.String(), textRuleOf(fe.Tag(), fe.Param()))
}

// TextLimit is the limit of one text field, as its tag states it.
type TextLimit struct {
	Max       int  // characters
	Multiline bool // a note tag: line breaks and tabs allowed
	Tagged    bool // false: the field has neither a text nor a note tag
}

// Inputs are the input types of the Service methods that record
// something: every text field reachable from them needs a text or note tag.
var Inputs = []any{PartyInput{}, License{}, WasteInput{}, WasteCorrection{}, DisposeInput{}, ManifestInput{},
	CustodyInput{}, PositionsInput{}, DeliverInput{}, ReceiveInput{}, CancelInput{}, AckInput{}, CorrectionInput{},
	DecisionInput{}, PersonInput{}, TokenInput{}, ConsolidateInput{}}

// TextLimits lists every text field reachable from Inputs (a string, a
// *string or a list of strings) by the name of the struct type holding it
// and its JSON name ("Container.type"), with the limit its tag states.
func TextLimits() map[string]TextLimit {
	out := map[string]TextLimit{}
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		if seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			sf := t.Field(i)
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if !sf.IsExported() || name == "-" {
				continue
			}
			ft := sf.Type
			for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			switch {
			case ft.Kind() == reflect.String:
				out[t.Name()+"."+name] = limitOf(sf.Tag.Get("validate"))
			case ft.Kind() == reflect.Struct && ft != timeType:
				walk(ft)
			}
		}
	}
	for _, in := range Inputs {
		walk(reflect.TypeOf(in))
	}
	return out
}

// limitOf reads the text or note tag of a validate tag.
func limitOf(tag string) TextLimit {
	for _, part := range strings.Split(tag, ",") {
		name, param, _ := strings.Cut(part, "=")
		if name == "text" || name == "note" {
			r := textRuleOf(name, param)
			return TextLimit{Max: r.max, Multiline: r.multiline, Tagged: true}
		}
	}
	return TextLimit{}
}
