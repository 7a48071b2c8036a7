package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxBodyBytes is the largest request body accepted (docs/api.md: 1 MiB); a
// larger one is answered 413 payload_too_large.
const MaxBodyBytes = 1 << 20

// ReadBody reads the whole request body, at most MaxBodyBytes: a larger
// one is an *http.MaxBytesError (413), a body that cannot be read a 400.
func ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return []byte{}, nil
	}
	if r.ContentLength > MaxBodyBytes {
		return nil, &http.MaxBytesError{Limit: MaxBodyBytes}
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, BadRequest("body", "could not be read")
	}
	return b, nil
}

// DecodeJSON decodes body strictly into v (a pointer to a struct): the
// Content-Type, if given, must be application/json; the body must be valid
// UTF-8 (encoding/json would silently replace an invalid byte with U+FFFD)
// and one JSON object with no unknown fields and no trailing data. Every failure is
// a 400 validation_failed naming the offending field (e.g.
// "lines[1].received_kg").
func DecodeJSON(contentType string, body []byte, v any) error {
	if contentType != "" && !strings.HasPrefix(strings.ToLower(contentType), "application/json") {
		return BadRequest("Content-Type", "must be application/json")
	}
	return DecodeStrict(body, v)
}

// DecodeStrict is DecodeJSON without the Content-Type check.
func DecodeStrict(b []byte, v any) error {
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return BadRequest("body", "is required: a JSON object")
	}
	if trimmed[0] != '{' {
		return BadRequest("body", "must be a JSON object")
	}
	if !utf8.Valid(trimmed) {
		return BadRequest("body", "must be valid UTF-8 (an invalid byte at offset %d)", invalidUTF8At(b))
	}
	d := json.NewDecoder(bytes.NewReader(trimmed))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return BadRequest("body", "malformed JSON at byte %d", se.Offset)
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return BadRequest("body", "malformed JSON: unexpected end")
		}
		if path, reason, ok := locate(reflect.TypeOf(v), trimmed, ""); ok {
			return BadRequest(path, "%s", reason)
		}
		return BadRequest("body", "does not match the expected shape")
	}
	if d.More() {
		return BadRequest("body", "must hold exactly one JSON object")
	}
	var extra json.RawMessage
	if err := d.Decode(&extra); err != io.EOF {
		return BadRequest("body", "must hold exactly one JSON object")
	}
	return nil
}

// invalidUTF8At is the offset of the first byte of b that is not part of
// valid UTF-8 (len(b) when there is none).
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// locate finds the first field of raw that cannot be decoded into a value
// of type t, walking objects by json tag and arrays by index. It returns the
// field path and a reason fit for a client.
func locate(t reflect.Type, raw []byte, path string) (string, string, bool) {
	for t.Kind() == reflect.Pointer {
		if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			return "", "", false
		}
		t = t.Elem()
	}
	if path == "" && t.Kind() != reflect.Struct {
		path = "body"
	}
	custom := t != timeType && reflect.PointerTo(t).Implements(unmarshalerType)
	switch {
	case custom || t == timeType:
		// leaf: try below
	case t.Kind() == reflect.Struct:
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nonEmpty(path), "must be a JSON object", true
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			f, ok := fieldByJSONName(t, k)
			if !ok {
				return join(path, k), "unknown field", true
			}
			if p, r, bad := locate(f.Type, obj[k], join(path, JSONName(f))); bad {
				return p, r, true
			}
		}
		return "", "", false
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			return "", "", false
		}
		var arr []json.RawMessage
		if err := json.Unmarshal(raw, &arr); err != nil {
			return nonEmpty(path), "must be an array", true
		}
		for i, el := range arr {
			if p, r, bad := locate(t.Elem(), el, path+"["+strconv.Itoa(i)+"]"); bad {
				return p, r, true
			}
		}
		return "", "", false
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nonEmpty(path), "must be a JSON object", true
		}
		for k, el := range obj {
			if p, r, bad := locate(t.Elem(), el, join(path, k)); bad {
				return p, r, true
			}
		}
		return "", "", false
	}
	v := reflect.New(t)
	err := json.Unmarshal(raw, v.Interface())
	if err == nil {
		return "", "", false
	}
	return nonEmpty(path), reasonFor(t, err), true
}

func nonEmpty(path string) string {
	if path == "" {
		return "body"
	}
	return path
}

func join(path, k string) string {
	if path == "" || path == "body" {
		return k
	}
	return path + "." + k
}

// reasonFor turns a decoding error for a value of type t into a reason.
func reasonFor(t reflect.Type, err error) string {
	if t == timeType {
		return "must be an RFC 3339 time, e.g. 2026-03-01T08:30:00+08:00"
	}
	var ute *json.UnmarshalTypeError
	if !errors.As(err, &ute) && reflect.PointerTo(t).Implements(unmarshalerType) {
		return err.Error() // the type's own reason (e.g. ledger.Grams)
	}
	switch t.Kind() {
	case reflect.String:
		return "must be a string"
	case reflect.Bool:
		return "must be true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "must be an integer in range"
	case reflect.Float32, reflect.Float64:
		return "must be a number"
	case reflect.Slice, reflect.Array:
		return "must be an array"
	case reflect.Struct, reflect.Map:
		return "must be a JSON object"
	}
	return fmt.Sprintf("has the wrong type (%s)", t.Kind())
}

// fieldByJSONName finds the exported field whose JSON name is k, matching
// case-insensitively as encoding/json does.
func fieldByJSONName(t reflect.Type, k string) (reflect.StructField, bool) {
	var fold reflect.StructField
	found := false
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		n := JSONName(f)
		if n == "-" {
			continue
		}
		if f.Anonymous && f.Tag.Get("json") == "" && f.Type.Kind() == reflect.Struct {
			// An embedded struct's fields are the outer struct's.
			if g, ok := fieldByJSONName(f.Type, k); ok {
				return g, true
			}
			continue
		}
		if n == k {
			return f, true
		}
		if !found && strings.EqualFold(n, k) {
			fold, found = f, true
		}
	}
	return fold, found
}

// JSONName is the name encoding/json gives field f ("-" when it skips it).
func JSONName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		return f.Name
	}
	return name
}
