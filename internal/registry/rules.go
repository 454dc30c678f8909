package registry

import (
	"strings"
	"time"
	"unicode/utf8"
)

// check validates the values of one row, recording a problem for every
// value that breaks its rule. Each method returns the normalized value, or
// the zero value when it is absent or invalid.
type check struct {
	r *row
	p *problems
}

// value returns a column's or member's trimmed text. A JSON member that is
// not a string (a number, an object) is a problem.
func (c check) value(name string) (string, bool) {
	if raw, ok := c.r.others[name]; ok {
		c.p.add(c.r, name, raw, "is not a JSON string; write the value in double quotes")
		return "", false
	}
	return c.r.get(name), true
}

// text checks free text: required, at most max characters, no control
// characters. what describes the value for the "required" message.
func (c check) text(name string, max int, what string) string {
	v, ok := c.value(name)
	if !ok {
		return ""
	}
	switch n := utf8.RuneCountInString(v); {
	case n == 0:
		c.p.add(c.r, name, v, "is required: %s", what)
		return ""
	case !utf8.ValidString(v):
		c.p.add(c.r, name, v, "is not valid UTF-8; save the file as UTF-8")
		return ""
	case n > max:
		c.p.add(c.r, name, v, "is %d characters long; at most %d", n, max)
		return ""
	}
	for _, r := range v {
		if r < ' ' || r == 0x7f {
			c.p.add(c.r, name, v, "contains a line break or control character; remove it")
			return ""
		}
	}
	return v
}

// name checks a person's or company's name.
func (c check) name(name string) string {
	return c.text(name, 200, "the full name as recorded")
}

// date checks a YYYY-MM-DD date; an empty value is a problem only when
// required.
func (c check) date(name string, required bool) time.Time {
	v, ok := c.value(name)
	if !ok {
		return time.Time{}
	}
	if v == "" {
		if required {
			c.p.add(c.r, name, v, "is required: a date written YYYY-MM-DD")
		}
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		c.p.add(c.r, name, v, "not a date; use YYYY-MM-DD")
		return time.Time{}
	}
	return d
}

// birthDate checks a date of birth, which may not be after today.
func (c check) birthDate(name string, today time.Time) time.Time {
	d := c.date(name, true)
	if d.After(today) {
		c.p.add(c.r, name, d.Format(time.DateOnly), "is in the future (today is %s); check the year", today.Format(time.DateOnly))
		return time.Time{}
	}
	return d
}

// sex checks M or F, accepting lower case.
func (c check) sex(name string) string {
	v, ok := c.value(name)
	if !ok {
		return ""
	}
	switch s := strings.ToUpper(v); s {
	case "M", "F":
		return s
	}
	c.p.add(c.r, name, v, "must be M or F")
	return ""
}

// oneOf checks that a value, upper- or lower-cased by fold, is one of
// allowed.
func (c check) oneOf(name string, fold func(string) string, allowed []string) string {
	v, ok := c.value(name)
	if !ok {
		return ""
	}
	s := fold(v)
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	if v == "" {
		c.p.add(c.r, name, v, "is required: one of %s", strings.Join(allowed, ", "))
	} else {
		c.p.add(c.r, name, v, "must be one of %s", strings.Join(allowed, ", "))
	}
	return ""
}
