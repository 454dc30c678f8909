package audit

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 10, 2, 3, 123456000, time.UTC)

func sample() Entry {
	return Entry{Seq: 7, At: t0, Actor: "taxpayer:0080000011000000@10.0.0.1", AccountID: 3, TaxpayerID: 42,
		Action: "registration.update", Address: "10.0.0.1", Detail: "email: a@example.com → b@example.com"}
}

func TestHashChangesWithEveryField(t *testing.T) {
	base := Hash(Genesis, sample())
	var other Digest
	other[0] = 1
	for _, tt := range []struct {
		name   string
		prev   Digest
		change func(*Entry)
	}{
		{"prev", other, func(*Entry) {}},
		{"seq", Genesis, func(e *Entry) { e.Seq++ }},
		{"at", Genesis, func(e *Entry) { e.At = e.At.Add(time.Microsecond) }},
		{"actor", Genesis, func(e *Entry) { e.Actor += "x" }},
		{"account", Genesis, func(e *Entry) { e.AccountID++ }},
		{"taxpayer", Genesis, func(e *Entry) { e.TaxpayerID++ }},
		{"action", Genesis, func(e *Entry) { e.Action = "registration.add_place" }},
		{"address", Genesis, func(e *Entry) { e.Address = "10.0.0.2" }},
		{"detail", Genesis, func(e *Entry) { e.Detail += "." }},
	} {
		e := sample()
		tt.change(&e)
		if Hash(tt.prev, e) == base {
			t.Errorf("changing %s leaves the hash unchanged", tt.name)
		}
	}
}

func TestHashIgnoresStoredHashesAndZone(t *testing.T) {
	e := sample()
	want := Hash(Genesis, e)
	e.PrevHash[0], e.Hash[0] = 9, 9
	e.At = e.At.In(time.FixedZone("WIB", 7*3600))
	if got := Hash(Genesis, e); got != want {
		t.Errorf("Hash = %s, want %s", got, want)
	}
}

// Moving text from one field to the next must not give the same encoding.
func TestCanonicalIsUnambiguous(t *testing.T) {
	a, b := sample(), sample()
	a.Action, a.Address = "access.login", "failed10.0.0.1"
	b.Action, b.Address = "access.loginfailed", "10.0.0.1"
	if bytes.Equal(Canonical(Genesis, a), Canonical(Genesis, b)) {
		t.Error("two entries encode alike")
	}
	c := Canonical(Genesis, sample())
	if !bytes.Contains(c, []byte("2026-03-01T10:02:03.123456000Z")) {
		t.Errorf("encoding lacks the UTC RFC 3339 time with nanoseconds: %q", c)
	}
}

// The hash of a fixed entry is pinned: a change of encoding must change
// hashVersion, since stored chains depend on it. The value was computed
// independently from the documented encoding.
func TestHashPinned(t *testing.T) {
	const want = "835784fb94062bb582d62dccb656769c85124d5aeb169120c2088c8f86a00393"
	if got := Hash(Genesis, sample()).String(); got != want {
		t.Errorf("Hash(sample) = %s, want %s", got, want)
	}
}

func TestSeal(t *testing.T) {
	e := sample()
	e.At = time.Date(2026, 3, 1, 17, 2, 3, 123456789, time.FixedZone("WIB", 7*3600))
	var prev Digest
	prev[31] = 5
	s := Seal(e, 12, prev)
	if s.Seq != 12 || s.PrevHash != prev || !s.At.Equal(t0) || s.At.Location() != time.UTC {
		t.Errorf("Seal = %+v", s)
	}
	if s.Hash != Hash(prev, s) {
		t.Error("sealed hash does not verify")
	}
}

func TestParseDigest(t *testing.T) {
	d := Hash(Genesis, sample())
	got, err := ParseDigest(d.String())
	if err != nil || got != d {
		t.Errorf("ParseDigest(%s) = %s, %v", d, got, err)
	}
	for _, bad := range []string{"", "abc", strings.Repeat("g", 64), d.String() + "00"} {
		if _, err := ParseDigest(bad); err == nil {
			t.Errorf("ParseDigest(%q) succeeded", bad)
		}
	}
}
