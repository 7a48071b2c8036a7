package web

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// fieldError is one validation message as a form shows it: the field's
// label in the page's language (empty for a message about the whole form)
// and the message.
type fieldError struct{ Label, Msg string }

var fieldIndex = regexp.MustCompile(`\[(\d+)\]`)

// FieldErrors turns the Service's field errors (keyed by API field names
// such as "container.type" or "lines[2].received_kg") into labelled
// messages, in field order.
func (v *view) FieldErrors(fields map[string]string) []fieldError {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]fieldError, 0, len(keys))
	for _, k := range keys {
		out = append(out, fieldError{Label: fieldLabel(v.Lang, k), Msg: fields[k]})
	}
	return out
}

// fieldLabel names API field k for people: "lines[2].received_kg" is the
// label of lines.received_kg for row 3. A field without a label of its
// own takes the label of the nearest labelled field it is part of
// ("sections.a4[0].year_end_stock_t" is a line of 计划内容).
func fieldLabel(lang, k string) string {
	if k == "_" {
		return ""
	}
	row := ""
	if m := fieldIndex.FindStringSubmatch(k); m != nil {
		n, _ := strconv.Atoi(m[1])
		row = " #" + strconv.Itoa(n+1)
	}
	base := fieldIndex.ReplaceAllString(k, "")
	for {
		if _, ok := messages["field."+base]; ok {
			return translate(lang, "field."+base) + row
		}
		i := strings.LastIndexByte(base, '.')
		if i < 0 {
			return k
		}
		base = base[:i] // a part of a labelled whole: the plan's sections name their column in the message
	}
}
