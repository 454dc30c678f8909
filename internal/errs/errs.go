// Package errs classifies errors by kind so that every transport can pick a
// status from the kind and show a user-safe message, while the underlying
// cause is kept for the logs only.
//
// Domain code returns *Error values for anything a user can act on (bad
// input, a missing record, a conflict). Everything else is wrapped with
// fmt.Errorf and treated as Internal: its text is never shown to a client.
package errs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Kind is the class of an error. Transports map it to a status code.
type Kind int

// The kinds of error. The zero value is Internal so that an unclassified
// error is never mistaken for the user's fault.
const (
	Internal        Kind = iota // a fault of ours; the cause is logged, never shown
	Invalid                     // the input breaks a rule; Fields says which
	NotFound                    // the record does not exist (or is not visible)
	Conflict                    // the input clashes with what is stored
	Unauthenticated             // no valid credentials
	Forbidden                   // credentials are valid but do not allow this
	Unavailable                 // a dependency (database, registry) cannot answer now
)

var kindNames = [...]string{
	Internal:        "internal",
	Invalid:         "invalid",
	NotFound:        "not_found",
	Conflict:        "conflict",
	Unauthenticated: "unauthenticated",
	Forbidden:       "forbidden",
	Unavailable:     "unavailable",
}

// String returns the stable, machine-readable name of k, as used in API
// responses ("invalid", "not_found", ...).
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "internal"
	}
	return kindNames[k]
}

// FieldError describes one rejected field: its name (a JSON field name or
// a path such as "addresses[0].regency_code"), the value that was sent,
// and a message that states the rule and the fix.
type FieldError struct {
	Field   string
	Value   string
	Message string
}

func (f FieldError) String() string {
	if f.Value == "" {
		return f.Field + ": " + f.Message
	}
	return fmt.Sprintf("%s %q: %s", f.Field, f.Value, f.Message)
}

// Error is a classified error.
type Error struct {
	Op      string       // the operation that failed, e.g. "registration.Register"
	Kind    Kind         // the class of the failure
	Message string       // safe to show to the user
	Fields  []FieldError // per-field problems, for Invalid errors
	Err     error        // the cause; logged, never shown
}

// Error renders the whole error, cause included, for logs.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.String())
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// E builds a classified error with a user-safe message.
func E(kind Kind, msg string) *Error { return &Error{Kind: kind, Message: msg} }

// Errorf builds a classified error whose user-safe message is formatted.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// WithOp returns a copy of e that names the operation.
func (e *Error) WithOp(op string) *Error {
	c := *e
	c.Op = op
	return &c
}

// Wrap attaches a cause to e and returns it.
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.Err = cause
	return &c
}

// Field returns a FieldError. The message should name the rule and the fix.
func Field(field, value, format string, args ...any) FieldError {
	return FieldError{Field: field, Value: value, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds an Invalid error from field errors. msg summarises them.
func InvalidFields(msg string, fields ...FieldError) *Error {
	return &Error{Kind: Invalid, Message: msg, Fields: fields}
}

// Fields collects field errors and turns them into one Invalid error.
// The zero value is ready to use.
type Fields []FieldError

// Add records a field error.
func (fs *Fields) Add(field, value, format string, args ...any) {
	*fs = append(*fs, Field(field, value, format, args...))
}

// Append records field errors that were built elsewhere.
func (fs *Fields) Append(more ...FieldError) { *fs = append(*fs, more...) }

// Prefix returns the field errors with prefix+"." before each field name.
func (fs Fields) Prefix(prefix string) Fields {
	out := make(Fields, len(fs))
	for i, f := range fs {
		f.Field = prefix + "." + f.Field
		out[i] = f
	}
	return out
}

// Err returns nil when no field errors were recorded, and otherwise an
// Invalid error carrying all of them.
func (fs Fields) Err(msg string) error {
	if len(fs) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Message: msg, Fields: fs}
}

// KindOf reports the kind of the first classified error in err's chain,
// or Internal when there is none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Is reports whether err is classified as kind.
func Is(kind Kind, err error) bool { return err != nil && KindOf(err) == kind }

// Message returns the message that may be shown to a user. Internal errors
// get a generic message so that their causes never leak.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != Internal {
		return e.Message
	}
	return "internal error; the failure has been logged"
}

// FieldsOf returns the field errors of the first classified error in err's
// chain.
func FieldsOf(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Quote returns s quoted for a message, cut short after 40 characters: a
// value may come from a file and must not flood a message or a log line.
func Quote(s string) string {
	const limit = 40
	n := 0
	for i := range s {
		if n == limit {
			q := strconv.Quote(s[:i])
			return q[:len(q)-1] + `…"`
		}
		n++
	}
	return strconv.Quote(s)
}
