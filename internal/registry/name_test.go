package registry

import "testing"

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"I Made Wirawan", "I MADE WIRAWAN"},
		{"  i   made\twirawan \n", "I MADE WIRAWAN"},
		{"Ketut Sudarsana, S.E.", "KETUT SUDARSANA S E"},
		{"H.M. Sulaiman", "H M SULAIMAN"},
		{"H. M. Sulaiman", "H M SULAIMAN"},
		{"O'Brien", "OBRIEN"},
		{"O’Brien", "OBRIEN"},
		{"O´Brien", "OBRIEN"},
		{"Jean-Pierre Dupont", "JEAN PIERRE DUPONT"},
		{"José Müller", "JOSE MULLER"},
		{"ＡＢＣ", "ABC"}, // full-width letters
		{"PT. Bali Surya (Villas)", "PT BALI SURYA VILLAS"},
		{"...", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.in); got != tt.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSameName(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"I Made Wirawan", "I MADE WIRAWAN", true},
		{"Ketut Sudarsana, S.E.", "KETUT SUDARSANA S.E", true},
		{"H.M.Sulaiman", "H. M. Sulaiman", true},
		{"José", "JOSE", true},
		{"I Made Wirawan", "I Made Wirawan Putra", false},
		{"Made Wirawan", "I Made Wirawan", false},
		{"", "", false},
		{".", ",", false},
	}
	for _, tt := range tests {
		if got := SameName(tt.a, tt.b); got != tt.want {
			t.Errorf("SameName(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
