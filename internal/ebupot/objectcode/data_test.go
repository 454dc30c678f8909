package objectcode

import (
	"strings"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestEmbeddedList checks the shipped file as a whole: it parses (Parse
// also rejects overlapping versions and replacements not in force), and
// each code's versions are distinct per validity period.
func TestEmbeddedList(t *testing.T) {
	list := All()
	if len(list) < 250 {
		t.Fatalf("the list holds %d versions; the domain notes give more than 250", len(list))
	}
	seen := map[string]bool{}
	for _, c := range list {
		key := c.Code + "@" + c.ValidFrom.Format(dateLayout)
		if seen[key] {
			t.Errorf("code %s has two versions from %s", c.Code, c.ValidFrom.Format(dateLayout))
		}
		seen[key] = true
		if c.KAP != "4111"+c.Code[:2] || c.KJS != c.Code[3:6] {
			t.Errorf("code %s: KAP-KJS %s does not follow the pattern 4111AA-BBB", c.Code, c.KAPKJS())
		}
		if c.Basis == Flat && !c.Rate.Set && !strings.Contains(c.Source, "unsure") && !strings.Contains(c.Source, "by grade") {
			t.Errorf("code %s: flat rate without a rate, and the source does not say why", c.Code)
		}
		if c.ValidUntil.IsZero() && !c.ValidFrom.Equal(day(2025, 1, 1)) {
			t.Errorf("code %s: in force from %s; the Coretax list took effect on 2025-01-01", c.Code, c.ValidFrom.Format(dateLayout))
		}
	}
	for i := 1; i < len(list); i++ {
		if a, b := list[i-1], list[i]; a.Code == b.Code && (a.ValidUntil.IsZero() || !b.ValidFrom.After(a.ValidUntil)) {
			t.Errorf("code %s: versions from %s and %s overlap", a.Code, a.ValidFrom.Format(dateLayout), b.ValidFrom.Format(dateLayout))
		}
	}
}

func TestEmbeddedListCounts(t *testing.T) {
	on := day(2026, 6, 1)
	// ebupot.md §6.2: the Coretax BP21 REF sheet holds 32 codes.
	if got := len(ForSlip(BP21, on)); got != 32 {
		t.Errorf("BP21 codes in force: got %d, want 32", got)
	}
	// ebupot.md §3.1: BPMP takes 21-100-01, -02, -32 and -35.
	var bpmp []string
	for _, c := range ForSlip(BPMP, on) {
		bpmp = append(bpmp, c.Code)
	}
	if got, want := strings.Join(bpmp, " "), "21-100-01 21-100-02 21-100-32 21-100-35"; got != want {
		t.Errorf("BPMP codes: got %s, want %s", got, want)
	}
}

const testHeader = "code,name,slips,recipients,final,basis,rate,deemed,kap,kjs,valid_from,valid_until,replacement,source\n"

func TestParseRejects(t *testing.T) {
	good := "21-100-01,Permanent employees,BPMP,permanent-employee,no,ter-monthly,,100,411121,100,2025-01-01,,,list\n"
	tests := []struct {
		name, body, want string
	}{
		{"code", "21-100-1,X,BPMP,permanent-employee,no,ter-monthly,,100,411121,100,2025-01-01,,,list\n", `line 2: column code "21-100-1": want the form NN-NNN-NN`},
		{"slip", "21-100-01,X,BPXX,permanent-employee,no,ter-monthly,,100,411121,100,2025-01-01,,,list\n", `column slips "BPXX"`},
		{"recipient", "21-100-01,X,BPMP,employee,no,ter-monthly,,100,411121,100,2025-01-01,,,list\n", `column recipients "employee"`},
		{"final", "21-100-01,X,BPMP,permanent-employee,maybe,ter-monthly,,100,411121,100,2025-01-01,,,list\n", `column final "maybe": want yes or no`},
		{"basis", "21-100-01,X,BPMP,permanent-employee,no,ter,,100,411121,100,2025-01-01,,,list\n", `column basis "ter"`},
		{"rate", "21-100-01,X,BPMP,permanent-employee,no,flat,2.645,100,411121,100,2025-01-01,,,list\n", `column rate "2.645"`},
		{"rate above 100", "21-100-01,X,BPMP,permanent-employee,no,flat,101,100,411121,100,2025-01-01,,,list\n", `column rate "101"`},
		{"deemed", "21-100-01,X,BPMP,permanent-employee,no,flat,5,0,411121,100,2025-01-01,,,list\n", `column deemed "0"`},
		{"kap", "21-100-01,X,BPMP,permanent-employee,no,flat,5,100,41112,100,2025-01-01,,,list\n", `column kap "41112"`},
		{"kjs", "21-100-01,X,BPMP,permanent-employee,no,flat,5,100,411121,10,2025-01-01,,,list\n", `column kjs "10"`},
		{"from", "21-100-01,X,BPMP,permanent-employee,no,flat,5,100,411121,100,1/1/2025,,,list\n", `column valid_from "1/1/2025"`},
		{"until before from", "21-100-01,X,BPMP,permanent-employee,no,flat,5,100,411121,100,2025-01-01,2024-12-31,,list\n", `is before valid_from`},
		{"replacement open", "21-100-01,X,BPMP,permanent-employee,no,flat,5,100,411121,100,2025-01-01,,21-100-02,list\n", `is only for a code with a valid_until`},
		{"source", "21-100-01,X,BPMP,permanent-employee,no,flat,5,100,411121,100,2025-01-01,,,\n", `column source "": is empty`},
		{"overlap", good + "21-100-01,Again,BPMP,permanent-employee,no,ter-monthly,,100,411121,100,2025-06-01,,,list\n", `code 21-100-01: the version from 2025-06-01 overlaps the version from 2025-01-01`},
		{"open then later", "21-100-01,Old,BPMP,permanent-employee,no,ter-monthly,,100,411121,100,2024-01-01,2025-01-31,,list\n" + good, `overlaps`},
		{"replacement missing", "21-100-03,Old,BP21,non-permanent-employee,no,ter-daily,,100,411121,100,2024-01-01,2024-12-31,21-100-35,list\n" + good, `code 21-100-03: replacement 21-100-35 is not in force on 2025-01-01`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(testHeader + tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := Parse(strings.NewReader(strings.Replace(testHeader, "kap,kjs", "kjs,kap", 1) + good)); err == nil || !strings.Contains(err.Error(), `column 9 is "kjs", want "kap"`) {
		t.Errorf("swapped header: got %v", err)
	}
	list, err := Parse(strings.NewReader(testHeader + good + "21-100-02,Pension,BPMP BPA1,pensioner,no,flat,2.64,50,411121,100,2025-01-01,,,list\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := list[1]; got.Rate != (Rate{Percent: 264, Set: true}) || got.DeemedPercent != 5000 || len(got.Slips) != 2 {
		t.Errorf("parsed %+v", got)
	}
}

func TestPercentString(t *testing.T) {
	for p, want := range map[Percent]string{264: "2.64", 50: "0.5", 2000: "20", 0: "0", 175: "1.75", 10000: "100"} {
		if got := p.String(); got != want {
			t.Errorf("Percent(%d) = %q, want %q", int64(p), got, want)
		}
	}
	if got := (Rate{}).String(); got != "" {
		t.Errorf("unset rate = %q", got)
	}
}

func timeMonth(m int) time.Month { return time.Month(m) }
