package objectcode

import (
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/errs"
)

func TestLookup(t *testing.T) {
	on := day(2026, 6, 1)
	c, err := Lookup(" 2110007 ", on)
	if err != nil {
		t.Fatal(err)
	}
	if c.Code != "21-100-07" || c.Basis != Article17 || c.DeemedPercent != 5000 || c.Final || c.KAPKJS() != "411121-100" {
		t.Errorf("21-100-07 = %+v", c)
	}
	// A code in both lists has one version for each: the 2024 one ends
	// when the Coretax one starts.
	old, err := Lookup("27-100-99", day(2024, 12, 31))
	if err != nil {
		t.Fatal(err)
	}
	cur, err := Lookup("27-100-99", day(2025, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	if !old.ValidUntil.Equal(day(2024, 12, 31)) || !cur.ValidFrom.Equal(day(2025, 1, 1)) || !cur.ValidUntil.IsZero() {
		t.Errorf("27-100-99 versions: %v..%v and %v..%v", old.ValidFrom, old.ValidUntil, cur.ValidFrom, cur.ValidUntil)
	}
	// The retired code is still valid on its last day.
	if _, err := Lookup("21-100-03", day(2024, 12, 31)); err != nil {
		t.Errorf("21-100-03 on its last day: %v", err)
	}
}

func TestLookupErrors(t *testing.T) {
	tests := []struct {
		code string
		on   [3]int
		want string
	}{
		{"21-100-03", [3]int{2025, 1, 1}, "code 21-100-03 was retired on 2024-12-31; use 21-100-35 for non-permanent employees paid monthly, " +
			"21-100-24 for non-permanent employees paid daily, weekly, per unit or in a lump sum, up to Rp 2,500,000 a day, " +
			"or 21-100-30 for non-permanent employees paid daily, weekly, per unit or in a lump sum, above Rp 2,500,000 a day"},
		{"21-100-08", [3]int{2026, 6, 1}, "code 21-100-08 was retired on 2024-12-31; use 21-100-33 for performers"},
		{"21-100-09", [3]int{2026, 6, 1}, "code 21-100-09 was retired on 2024-12-31; use 21-100-20 for service providers in any field"},
		{"21-100-13", [3]int{2026, 6, 1}, "code 21-100-13 was retired on 2024-12-31; use 21-100-14 for participants of meetings, conferences, seminars, workshops or performances, " +
			"21-100-15 for committee members organising certain activities, 21-100-16 for participants of education, training or apprenticeship, " +
			"21-100-17 for participants of other activities, or 21-100-36 for competition participants in sport, art, skill, science, technology and the like"},
		{"21-402-01", [3]int{2026, 6, 1}, "code 21-402-01 was retired on 2024-12-31; use 21-402-04 for APBN/APBD honoraria to civil servants of grades I and II and TNI/Polri tamtama and bintara, " +
			"21-402-02 for APBN/APBD honoraria to civil servants of grade III and junior TNI/Polri officers, " +
			"or 21-402-03 for APBN/APBD honoraria to state officials, civil servants of grade IV and senior TNI/Polri officers"},
		{"21-100-11", [3]int{2026, 6, 1}, "code 21-100-11 was retired on 2024-12-31; the Coretax list has no code to use instead for former employees receiving bonus, tantiem or similar pay"},
		{"21-100-40", [3]int{2026, 6, 1}, "code 21-100-40 is not a tax object code; the closest codes in force on 2026-06-01 are 21-100-37, 21-100-36, 21-100-35, 21-100-34, 21-100-33"},
		{"24-104-70", [3]int{2026, 6, 1}, "code 24-104-70 is not a tax object code; the closest codes in force on 2026-06-01 are 24-104-69, 24-104-68, 24-104-67, 24-104-66, 24-104-65"},
		{"99-100-01", [3]int{2026, 6, 1}, "code 99-100-01 is not a tax object code; codes start with 21 (PPh 21), 22 (PPh 22), 24 (PPh 23), 27 (PPh 26), 28 or 29 (final PPh 4(2) and 15)"},
		{"21-100", [3]int{2026, 6, 1}, `tax object code "21-100" is not in the form NN-NNN-NN, e.g. 21-100-01`},
		{"21-100-35", [3]int{2024, 6, 1}, "code 21-100-35 is not in force on 2024-06-01: it may be used from 2025-01-01"},
	}
	for _, tt := range tests {
		_, err := Lookup(tt.code, day(tt.on[0], timeMonth(tt.on[1]), tt.on[2]))
		if err == nil {
			t.Errorf("Lookup(%s): no error", tt.code)
			continue
		}
		if !errs.Is(errs.Invalid, err) {
			t.Errorf("Lookup(%s): kind %v, want invalid", tt.code, errs.KindOf(err))
		}
		if got := err.Error(); got != tt.want {
			t.Errorf("Lookup(%s):\n got %s\nwant %s", tt.code, got, tt.want)
		}
		if got := errs.Message(err); got != tt.want {
			t.Errorf("Lookup(%s): user message %q", tt.code, got)
		}
	}
}

// TestEveryRetiredCode checks that every code that ends has a message in
// the retired shape, and that every replacement it names is in force on
// the day after.
func TestEveryRetiredCode(t *testing.T) {
	retired := 0
	for _, c := range All() {
		if c.ValidUntil.IsZero() {
			continue
		}
		after := c.ValidUntil.AddDate(0, 0, 1)
		if _, err := Lookup(c.Code, after); err == nil {
			if len(c.Replacement) > 0 {
				t.Errorf("%s continues after %s yet names replacements", c.Code, c.ValidUntil.Format(dateLayout))
			}
			continue
		}
		retired++
		_, err := Lookup(c.Code, after)
		prefix := "code " + c.Code + " was retired on " + c.ValidUntil.Format(dateLayout) + "; "
		if !strings.HasPrefix(err.Error(), prefix) {
			t.Errorf("%s: %v", c.Code, err)
		}
		for _, r := range c.Replacement {
			if !strings.Contains(err.Error(), r+" for ") {
				t.Errorf("%s: message does not name %s: %v", c.Code, r, err)
			}
			if _, err := Lookup(r, after); err != nil {
				t.Errorf("%s: replacement: %v", c.Code, err)
			}
		}
	}
	// ebupot.md §6.2 names eight codes that Coretax dropped.
	if retired != 8 {
		t.Errorf("%d retired codes, want 8", retired)
	}
}

func TestForSlip(t *testing.T) {
	on := day(2026, 6, 1)
	for _, s := range SlipTypes {
		for _, c := range ForSlip(s, on) {
			if !c.AcceptsSlip(s) || !c.InForce(on) {
				t.Errorf("ForSlip(%s) returned %s (%v, %v..%v)", s, c.Code, c.Slips, c.ValidFrom, c.ValidUntil)
			}
		}
	}
	for _, tt := range []struct {
		slip SlipType
		has  []string
		not  []string
	}{
		{BP26, []string{"27-100-99"}, []string{"27-104-01", "21-100-01"}},
		{BPNR, []string{"27-104-01", "28-411-01", "28-405-02"}, []string{"27-100-99", "28-405-01"}},
		{BPPU, []string{"24-104-36", "28-403-02", "22-102-01"}, []string{"27-101-01", "21-100-07"}},
		{BPA1, []string{"21-100-01", "21-100-02"}, []string{"21-100-35"}},
		{BPA2, []string{"21-100-01"}, []string{"21-100-32"}},
		{BP21, []string{"21-100-35", "21-401-01"}, []string{"21-100-03", "21-100-01"}},
	} {
		got := map[string]bool{}
		for _, c := range ForSlip(tt.slip, on) {
			got[c.Code] = true
		}
		for _, c := range tt.has {
			if !got[c] {
				t.Errorf("ForSlip(%s) lacks %s", tt.slip, c)
			}
		}
		for _, c := range tt.not {
			if got[c] {
				t.Errorf("ForSlip(%s) has %s", tt.slip, c)
			}
		}
	}
	// In 2024 only the codes of the older list are held.
	var old []string
	for _, c := range ForSlip(BP21, day(2024, 6, 1)) {
		old = append(old, c.Code)
	}
	if got, want := strings.Join(old, " "), "21-100-03 21-100-08 21-100-09 21-100-11 21-100-13 21-100-99 21-401-01 21-401-02 21-402-01 21-499-99"; got != want {
		t.Errorf("BP21 codes in 2024:\n got %s\nwant %s", got, want)
	}
}

func TestSearch(t *testing.T) {
	on := day(2026, 6, 1)
	codes := func(list []Code) string {
		var s []string
		for _, c := range list {
			s = append(s, c.Code)
		}
		return strings.Join(s, " ")
	}
	tests := []struct{ text, want string }{
		{"21-402", "21-402-02 21-402-03 21-402-04"},
		{"214010", "21-401-01 21-401-02"},
		{"CLEANING", "24-104-36"},
		{"tenaga ahli", "21-100-07"},
		{"lottery non-residents", "28-405-02"},
		{"27-100-9", "27-100-99"},
		{"21-100-03", ""},
		{"no such words", ""},
	}
	for _, tt := range tests {
		if got := codes(Search(tt.text, on)); got != tt.want {
			t.Errorf("Search(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
	if got := codes(Search("21-100-03", day(2024, 3, 1))); got != "21-100-03" {
		t.Errorf("Search(21-100-03) in 2024 = %q", got)
	}
	if n, all := len(Search("", on)), len(Search("-", on)); n == 0 || n != all {
		t.Errorf("empty search: %d codes, search for \"-\": %d", n, all)
	}
}
