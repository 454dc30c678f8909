package actor

import (
	"context"
	"testing"
)

func TestString(t *testing.T) {
	for _, tt := range []struct {
		a    Actor
		want string
	}{
		{Actor{}, "anonymous"},
		{Actor{Kind: Anonymous, Address: "203.0.113.9"}, "anonymous@203.0.113.9"},
		{Actor{Kind: Officer, ID: "budi"}, "officer:budi"},
		{SystemActor("demo"), "system:demo"},
		{Actor{Kind: Taxpayer, ID: "0080000011000000", ActingFor: "0010000016000000", Address: "10.0.0.1"}, "taxpayer:0080000011000000 for 0010000016000000@10.0.0.1"},
	} {
		if got := tt.a.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestContext(t *testing.T) {
	if got := From(context.Background()); got.Kind != Anonymous {
		t.Errorf("From(empty) = %+v, want anonymous", got)
	}
	a := Actor{Kind: Taxpayer, ID: "x", TaxpayerID: 7, ActingForID: 9}
	if got := From(With(context.Background(), a)); got != a {
		t.Errorf("round trip = %+v", got)
	}
	if a.Subject() != 9 || (Actor{TaxpayerID: 7}).Subject() != 7 {
		t.Errorf("Subject wrong")
	}
}
