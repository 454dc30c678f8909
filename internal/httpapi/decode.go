package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/coretax/coretax/internal/errs"
)

// maxJSONBody is the largest JSON request body accepted; no request shape
// comes near it.
const maxJSONBody = 1 << 20

// decodeJSON reads the request body as one JSON object into v. It rejects
// a wrong Content-Type, a body over maxJSONBody, malformed JSON (with line
// and column), values of the wrong type and unknown members (naming the
// member, its position and the members that are accepted), and anything
// after the object.
func decodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return errs.Errorf(errs.Invalid, "the request body must be JSON; send it with Content-Type: application/json, not %q", ct)
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxJSONBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errs.Errorf(errs.Invalid, "the request body is larger than %d bytes; send a smaller one", tooLarge.Limit).Wrap(err)
		}
		return errs.E(errs.Invalid, "the request body could not be read").Wrap(err)
	}
	return decodeBytes(body, v)
}

func decodeBytes(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errs.E(errs.Invalid, "the request body is empty; send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, err := dec.Token(); err != io.EOF {
			line, col := position(body, int(dec.InputOffset()))
			return errs.Errorf(errs.Invalid, "the request body has data after the JSON object at line %d, column %d; send one object", line, col)
		}
		return nil
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		// Offset counts the bytes read, the bad one included.
		line, col := position(body, int(syntax.Offset)-1)
		return errs.Errorf(errs.Invalid, "the request body is not valid JSON: %s at line %d, column %d", strings.TrimPrefix(syntax.Error(), "json: "), line, col)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.E(errs.Invalid, "the request body is not valid JSON: it ends before the object is complete")
	case errors.As(err, &typ):
		// Offset counts the bytes read, up to the end of the value.
		line, col := position(body, int(typ.Offset)-1)
		field := typ.Field
		if field == "" {
			return errs.Errorf(errs.Invalid, "the request body must be a JSON object, not %s", article(typ.Value))
		}
		return errs.InvalidFields("the request body has a value of the wrong type",
			errs.Field(field, "", "must be %s, not %s (the value that ends at line %d, column %d)", jsonType(typ.Type), article(typ.Value), line, col))
	}
	// encoding/json reports unknown members only as text: `json: unknown
	// field "name"`, without the path to it.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		t := reflect.TypeOf(v)
		field, where := name, ""
		if path, off, ok := findKey(body, t, name); ok {
			line, col := position(body, off)
			where = fmt.Sprintf(" (line %d, column %d)", line, col)
			field = strings.Join(append(path, name), ".")
			t = typeAt(t, path)
		}
		return errs.InvalidFields("the request body has an unknown member",
			errs.Field(field, "", "is not a member of this request%s; the accepted members here are %s", where, strings.Join(members(t), ", ")))
	}
	return errs.E(errs.Invalid, "the request body is not valid JSON").Wrap(err)
}

// position turns a byte offset into a 1-based line and column.
func position(body []byte, off int) (line, col int) {
	off = min(max(off, 0), len(body))
	before := body[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = off - bytes.LastIndexByte(before, '\n')
	return line, col
}

// findKey finds the first object key named name that is not a member of
// the struct type its object decodes into: the unknown member that
// encoding/json reported. It returns the path of members leading to the
// object and the key's offset.
func findKey(body []byte, t reflect.Type, name string) ([]string, int, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		object bool
		path   []string // members leading to this container
	}
	var stack []frame
	var key string // the pending member name in the innermost object
	expectKey := false
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, 0, false
		}
		if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
			var path []string
			if n := len(stack); n > 0 {
				path = stack[n-1].path
				if stack[n-1].object {
					path = append(slices.Clone(path), key)
				}
			}
			stack = append(stack, frame{object: d == '{', path: path})
			expectKey = d == '{'
			continue
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
		} else if s, ok := tok.(string); ok && expectKey {
			top := stack[len(stack)-1]
			if s == name && !slices.Contains(members(typeAt(t, top.path)), name) {
				// start is the end of the previous token; the key's
				// quote follows the separator and white space.
				return top.path, int(start) + bytes.IndexByte(body[start:], '"'), true
			}
			key, expectKey = s, false
			continue
		}
		expectKey = len(stack) > 0 && stack[len(stack)-1].object
	}
}

// typeAt returns the type that the member path leads to from t, looking
// through pointers and slices.
func typeAt(t reflect.Type, path []string) reflect.Type {
	for _, name := range path {
		t = elem(t)
		if t.Kind() != reflect.Struct {
			return t
		}
		for i := range t.NumField() {
			if n, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); n == name {
				t = t.Field(i).Type
				break
			}
		}
	}
	return elem(t)
}

func elem(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	return t
}

// members lists the JSON member names of a struct type.
func members(t reflect.Type) []string {
	t = elem(t)
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// jsonType names the JSON type that decodes into t.
func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// article renders the JSON value kind that encoding/json reports ("string",
// "number 1.5", "object") with an article.
func article(v string) string {
	switch {
	case v == "":
		return "that value"
	case strings.HasPrefix(v, "array") || strings.HasPrefix(v, "object"):
		return "an " + v
	}
	return "a " + v
}
