package authcode

import (
	"strings"
	"testing"
)

func TestCheckPassphrase(t *testing.T) {
	for _, tt := range []struct {
		in, want string
	}{
		{"Matahari#2026", ""},
		{"Ab1!efgh", ""},
		{"Ab1!efg", "at least 8 characters"},
		{"matahari#2026", "an upper-case letter"},
		{"MATAHARI#2026", "a lower-case letter"},
		{"Matahari#abc", "a digit"},
		{"Matahari2026", "a special character"},
		{"Mata/hari#2026", "must not contain / ' or +"},
		{"Mata'hari#2026", "must not contain / ' or +"},
		{"Mata+hari2026", "must not contain / ' or +"},
		{"mata+", "needs at least 8 characters, an upper-case letter, a digit, and must not contain"},
	} {
		f := CheckPassphrase("passphrase", tt.in)
		switch {
		case tt.want == "" && f != nil:
			t.Errorf("CheckPassphrase(%q) = %q, want accepted", tt.in, f.Message)
		case tt.want != "" && (f == nil || !strings.Contains(f.Message, tt.want)):
			t.Errorf("CheckPassphrase(%q) = %v, want %q", tt.in, f, tt.want)
		}
	}
}
