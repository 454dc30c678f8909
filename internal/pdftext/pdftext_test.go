package pdftext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWrap(t *testing.T) {
	long := "https://coretax.example/verify/" + strings.Repeat("x", 80)
	for _, s := range []string{"Paket perlengkapan kantor berisi kertas HVS A4 80 gram, map plastik, pulpen gel hitam", long, "Jl. Raya Ubud", "Désa Pejeng Kawan 😀 ✓"} {
		lines := Wrap("regular", 9, s, 100)
		if len(lines) < 2 && Width("regular", 9, s) > 100 {
			t.Errorf("%q was not broken: %q", s, lines)
		}
		for _, l := range lines {
			if w := Width("regular", 9, l); w > 100 {
				t.Errorf("line %q is %.1f wide, want ≤ 100", l, w)
			}
			if !utf8.ValidString(l) {
				t.Errorf("line %q splits a rune", l)
			}
		}
		if got := strings.ReplaceAll(strings.Join(lines, ""), " ", ""); got != strings.ReplaceAll(s, " ", "") {
			t.Errorf("wrap lost text: %q → %q", s, lines)
		}
	}
	if got := Wrap("bold", 9, "", 100); len(got) != 1 || got[0] != "" {
		t.Errorf("empty text: %q, want one empty line", got)
	}
}

func TestWidthAndAscent(t *testing.T) {
	if a, b := Width("regular", 10, "Faktur"), Width("regular", 20, "Faktur"); a <= 0 || b < 1.99*a || b > 2.01*a {
		t.Errorf("width at 10 pt %.2f, at 20 pt %.2f: want proportional and positive", a, b)
	}
	if Width("bold", 10, "MMMM") <= Width("regular", 10, "iiii") {
		t.Error("MMMM in bold is not wider than iiii")
	}
	if a := Ascent("regular", 10); a <= 5 || a >= 10 {
		t.Errorf("ascent at 10 pt = %.2f, want between 5 and 10", a)
	}
}
