package ledger

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
)

// The shape rules of the inputs (required fields, lengths, ranges, list
// sizes, enumerations) are `validate` struct tags, checked by
// go-playground/validator; rules that need the catalogue, the ledger or
// several fields at once stay in code beside the command. Every failed tag
// becomes one entry of a *ValidationError: the field's JSON path (e.g.
// "lines[1].received_kg") and the rule in words.
//
// Tags used beyond validator's own:
//
//	between=A B   a number from A to B inclusive (Grams are checked in kg)
//	form          one of WasteForms
//	roles         a list of AllRoles (the error names the list)
//	text=N        a text of at most N characters with no control or
//	              bidirectional formatting character (text.go)
//	note=N        the same for free text, which may also hold line breaks
var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	v.RegisterCustomTypeFunc(func(g reflect.Value) any { return g.Interface().(Grams).Kg() }, Grams(0))
	must(v.RegisterValidation("between", func(fl validator.FieldLevel) bool {
		lo, hi, err := betweenParam(fl.Param())
		if err != nil {
			panic(err) // a wrong tag is a programming error
		}
		var x float64
		switch f := fl.Field(); f.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			x = float64(f.Int())
		case reflect.Float32, reflect.Float64:
			x = f.Float()
		default:
			panic(fmt.Sprintf("between on a %s", f.Kind()))
		}
		return x >= lo && x <= hi
	}))
	registerText(v)
	must(v.RegisterValidation("form", func(fl validator.FieldLevel) bool {
		return contains(WasteForms, fl.Field().String())
	}))
	must(v.RegisterValidation("roles", func(fl validator.FieldLevel) bool {
		l := fl.Field()
		for i := 0; i < l.Len(); i++ {
			if !contains(RoleNames(), l.Index(i).String()) {
				return false
			}
		}
		return true
	}))
	return v
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func betweenParam(p string) (lo, hi float64, err error) {
	a, b, ok := strings.Cut(p, " ")
	if !ok {
		return 0, 0, fmt.Errorf("between=%q: want two numbers", p)
	}
	if lo, err = strconv.ParseFloat(a, 64); err == nil {
		hi, err = strconv.ParseFloat(b, 64)
	}
	return lo, hi, err
}

// ValidateInput checks the `validate` tags of in (a struct or a pointer to
// one) and returns a *ValidationError naming every field that breaks one,
// or nil. The API uses it for request bodies that are not ledger inputs.
func ValidateInput(in any) error {
	f := fieldErrors{}
	checkTags(f, in)
	return f.err()
}

// checkTags adds to f one entry for each field of in that breaks its tags.
func checkTags(f fieldErrors, in any) { checkTagsAt(f, "", in) }

// checkTagsAt is checkTags for a struct found at path prefix of the request
// body ("license": the body is a licence, its fields "license.number"...).
func checkTagsAt(f fieldErrors, prefix string, in any) {
	err := validate.Struct(in)
	if err == nil {
		return
	}
	var fes validator.ValidationErrors
	if !errors.As(err, &fes) {
		panic(err) // not a struct: a programming error
	}
	for _, fe := range fes {
		path := fieldPath(fe)
		if prefix != "" {
			path = prefix + "." + path
		}
		f.put(path, Text{Zh: ruleTextZh(fe), En: ruleText(fe)})
	}
}

// fieldPath is the JSON path of a failed field: its namespace without the
// top-level type name ("WasteInput.container.count" → "container.count").
func fieldPath(fe validator.FieldError) string {
	_, path, _ := strings.Cut(fe.Namespace(), ".")
	return path
}

var timeType = reflect.TypeFor[time.Time]()

// ruleText says in words which rule a field broke (ruleTextZh says it in
// Chinese).
func ruleText(fe validator.FieldError) string {
	t := fe.Type()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	list := t.Kind() == reflect.Slice || t.Kind() == reflect.Array
	switch fe.Tag() {
	case "required":
		switch {
		case t == timeType:
			return "is required (RFC 3339 time)"
		case t.Kind() == reflect.Bool:
			return "is required (true or false)"
		}
		return "is required"
	case "min":
		if list {
			if fe.Param() == "1" {
				return "must list at least one"
			}
			return "must list at least " + fe.Param()
		}
		return "must be at least " + fe.Param() + " characters"
	case "max":
		if list {
			return "must list at most " + fe.Param()
		}
		return "must be at most " + fe.Param() + " characters"
	case "gt":
		return "must be greater than " + fe.Param()
	case "gte":
		return "must be at least " + fe.Param()
	case "lte":
		return "must be at most " + fe.Param()
	case "between":
		lo, hi, _ := betweenParam(fe.Param())
		return fmt.Sprintf("must be between %g and %g", lo, hi)
	case "unique":
		return "must not list the same value twice"
	case "datetime":
		if fe.Param() == time.DateOnly {
			return "must be a date YYYY-MM-DD"
		}
		return "must be a time in the form " + fe.Param()
	case "text", "note":
		return textProblemOf(fe).En
	case "form":
		return "must be one of " + strings.Join(WasteForms, ", ")
	case "roles":
		return "must each be one of " + strings.Join(RoleNames(), ", ")
	}
	return "breaks the rule " + fe.Tag()
}
