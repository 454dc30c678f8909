package errs

import (
	"errors"
	"fmt"
	"testing"
)

func TestKindThroughWrapping(t *testing.T) {
	base := Errorf(NotFound, "taxpayer %s not found", "0013121660091000")
	wrapped := fmt.Errorf("load profile: %w", base)
	if got := KindOf(wrapped); got != NotFound {
		t.Errorf("KindOf = %v, want %v", got, NotFound)
	}
	if got, want := Message(wrapped), "taxpayer 0013121660091000 not found"; got != want {
		t.Errorf("Message = %q, want %q", got, want)
	}
}

func TestInternalNeverLeaks(t *testing.T) {
	err := fmt.Errorf("query: %w", errors.New("pq: password authentication failed for user secret"))
	if KindOf(err) != Internal {
		t.Fatalf("unclassified error should be Internal")
	}
	if msg := Message(err); msg == err.Error() {
		t.Errorf("Message leaked the cause: %q", msg)
	}
	e := E(Internal, "oops").Wrap(errors.New("disk full"))
	if msg := Message(e); msg == "oops" {
		t.Errorf("Internal *Error message shown: %q", msg)
	}
}

func TestFields(t *testing.T) {
	var fs Fields
	if fs.Err("bad") != nil {
		t.Fatal("empty Fields must give nil error")
	}
	fs.Add("nik", "5103", "must have 16 digits, got %d", 4)
	err := fs.Prefix("person").Err("registration rejected")
	if !Is(Invalid, err) {
		t.Fatalf("want Invalid, got %v", KindOf(err))
	}
	got := FieldsOf(err)
	if len(got) != 1 || got[0].Field != "person.nik" || got[0].Value != "5103" {
		t.Errorf("FieldsOf = %+v", got)
	}
	if want := `registration rejected: person.nik "5103": must have 16 digits, got 4`; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}
