package access

import (
	"strings"
	"testing"
	"time"
)

var s0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		pw   string
		want string // a fragment of the message, "" for accepted
	}{
		{"short", "use at least 8"},
		{"1234567", "use at least 8"},
		{"password", "common or breached"},
		{"PassWord", "common or breached"},
		{"12345678", "common or breached"},
		{"Kopi/'+&$ di pagi", ""},
		{"ñandú ünïcödé 🦜", ""},
		{"four random words here", ""},
		{strings.Repeat("x", 64) + "y", ""},
		{strings.Repeat("ab", 129), "at most 256"},
		{"\xff\xfe invalid utf8", "not valid UTF-8"},
	}
	for _, tt := range tests {
		f := CheckPassword("password", tt.pw)
		switch {
		case tt.want == "" && f != nil:
			t.Errorf("CheckPassword(%q) = %q, want accepted", tt.pw, f.Message)
		case tt.want != "" && f == nil:
			t.Errorf("CheckPassword(%q) accepted, want %q", tt.pw, tt.want)
		case tt.want != "" && !strings.Contains(f.Message, tt.want):
			t.Errorf("CheckPassword(%q) = %q, want it to mention %q", tt.pw, f.Message, tt.want)
		}
	}
	if n := CommonPasswords(); n < 10000 {
		t.Errorf("the embedded list has %d passwords, want at least 10000", n)
	}
}

func TestHashPassword(t *testing.T) {
	composed, decomposed := "caf\u00e9 au lait!", "cafe\u0301 au lait!"
	h := HashPassword(composed)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q does not record its parameters", h)
	}
	for _, pw := range []string{composed, decomposed} {
		ok, stale, err := VerifyPassword(h, pw)
		if err != nil || !ok || stale {
			t.Errorf("VerifyPassword(%q) = %v, %v, %v; want true, false, nil", pw, ok, stale, err)
		}
	}
	if ok, _, _ := VerifyPassword(h, "cafe au lait!"); ok {
		t.Error("a different password was accepted")
	}
	weak := hashWith("some password", hashParams{Memory: 8 * 1024, Time: 1, Threads: 1})
	if ok, stale, err := VerifyPassword(weak, "some password"); !ok || !stale || err != nil {
		t.Errorf("weaker hash: got %v, %v, %v; want true, true, nil", ok, stale, err)
	}
}

func TestThrottle(t *testing.T) {
	s := &Service{cfg: DefaultConfig(Key{})}
	at := s0
	for n, want := range map[int]string{1: "0s", 3: "0s", 4: "2s", 5: "4s", 8: "32s", 9: "1m0s", 10: "15m0s", 11: "1m0s", 20: "15m0s"} {
		got := "0s"
		if u := s.lockUntil(n, at); !u.IsZero() {
			got = u.Sub(at).String()
		}
		if got != want {
			t.Errorf("after %d failures: pause %s, want %s", n, got, want)
		}
	}
	if u := s.lockUntil(100, at); u.Year() != 9999 {
		t.Errorf("after 100 failures: locked until %v, want until a reset", u)
	}
}

func TestMask(t *testing.T) {
	if got := maskEmail("made.wirawan@mail.example"); got != "m***@mail.example" {
		t.Errorf("maskEmail = %q", got)
	}
	if got := maskMobile("+6281237604411"); got != "+62812*****411" {
		t.Errorf("maskMobile = %q", got)
	}
}

func TestRateLimiter(t *testing.T) {
	now := s0
	l := NewRateLimiter(3, 1, func() time.Time { return now })
	for i := range 3 {
		if !l.Allow("a") {
			t.Fatalf("request %d refused within the burst", i+1)
		}
	}
	if l.Allow("a") {
		t.Fatal("fourth request at once allowed")
	}
	if !l.Allow("b") {
		t.Fatal("another address shares the bucket")
	}
	now = now.Add(time.Second)
	if !l.Allow("a") {
		t.Fatal("refilled token refused")
	}
}
