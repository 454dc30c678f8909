package xmlstream

import (
	"fmt"
	"strings"
)

// Fault says what is wrong with a child element in a Sequence.
type Fault int

// The faults.
const (
	InOrder    Fault = iota // a known element, in its place
	Unknown                 // an element the sequence does not have; skip it
	Repeated                // an element already seen; skip it
	OutOfOrder              // a known element that belongs before the latest one; read it
)

// Sequence checks that the children of an element come in a fixed order,
// each at most once.
type Sequence struct {
	names []string
	index map[string]int
	seen  []bool
	last  int
}

// NewSequence returns the check of one element's children, whose names are
// in order in names. index maps each name to its place in names, or is nil
// for a short list searched in order.
func NewSequence(names []string, index map[string]int) *Sequence {
	return &Sequence{names: names, index: index, seen: make([]bool, len(names)), last: -1}
}

// Child records the child element name and returns its place in the
// names, or -1 when the element is Unknown or Repeated.
func (s *Sequence) Child(name string) (int, Fault) {
	i := s.place(name)
	if i < 0 {
		return -1, Unknown
	}
	if s.seen[i] {
		return -1, Repeated
	}
	s.seen[i] = true
	if i < s.last {
		return i, OutOfOrder
	}
	s.last = i
	return i, InOrder
}

func (s *Sequence) place(name string) int {
	if s.index != nil {
		if i, ok := s.index[name]; ok {
			return i
		}
		return -1
	}
	for i, n := range s.names {
		if n == name {
			return i
		}
	}
	return -1
}

// Seen reports whether the child at place i was given.
func (s *Sequence) Seen(i int) bool { return s.seen[i] }

// Latest returns the name of the child furthest in the order given so far;
// an OutOfOrder child came after it. It is "" before the first child.
func (s *Sequence) Latest() string {
	if s.last < 0 {
		return ""
	}
	return s.names[s.last]
}

// Explain returns the message and the fix for fault, met at the child
// element name of the element parent.
func (s *Sequence) Explain(fault Fault, name, parent string) (msg, fix string) {
	order := fmt.Sprintf("%s holds, in this order: %s", parent, strings.Join(s.names, ", "))
	switch fault {
	case Unknown:
		return fmt.Sprintf("%s has no element <%s>", parent, name), order
	case Repeated:
		return fmt.Sprintf("<%s> is given twice in %s", name, parent), "give it once"
	case OutOfOrder:
		return fmt.Sprintf("<%s> comes after <%s>, but Coretax requires it before", name, s.Latest()), order
	}
	return "", ""
}
