package xmlstream

import (
	"fmt"
	"testing"
)

func TestSequence(t *testing.T) {
	names := []string{"Date", "Code", "Name", "Amount"}
	index := map[string]int{"Date": 0, "Code": 1, "Name": 2, "Amount": 3}
	type step struct {
		name  string
		i     int
		fault Fault
		msg   string
		fix   string
	}
	const order = "Row holds, in this order: Date, Code, Name, Amount"
	steps := []step{
		{"Code", 1, InOrder, "", ""},
		{"Date", 0, OutOfOrder, "<Date> comes after <Code>, but Coretax requires it before", order},
		{"Name", 2, InOrder, "", ""},
		{"Code", -1, Repeated, "<Code> is given twice in Row", "give it once"},
		{"Note", -1, Unknown, "Row has no element <Note>", order},
		{"Amount", 3, InOrder, "", ""},
	}
	for _, ix := range []map[string]int{nil, index} {
		s := NewSequence(names, ix)
		if s.Latest() != "" {
			t.Errorf("Latest() = %q before any child", s.Latest())
		}
		for _, st := range steps {
			i, f := s.Child(st.name)
			msg, fix := s.Explain(f, st.name, "Row")
			if i != st.i || f != st.fault || msg != st.msg || fix != st.fix {
				t.Errorf("index %v: Child(%s) = %d, %d, %q, %q; want %d, %d, %q, %q",
					ix != nil, st.name, i, f, msg, fix, st.i, st.fault, st.msg, st.fix)
			}
		}
		if s.Latest() != "Amount" {
			t.Errorf("Latest() = %q, want Amount", s.Latest())
		}
		var seen []bool
		for i := range names {
			seen = append(seen, s.Seen(i))
		}
		if fmt.Sprint(seen) != "[true true true true]" {
			t.Errorf("Seen = %v", seen)
		}
	}
	s := NewSequence(names, nil)
	s.Child("Name")
	if s.Seen(0) || !s.Seen(2) {
		t.Errorf("after Name alone: Seen(0) %v, Seen(2) %v", s.Seen(0), s.Seen(2))
	}
}
