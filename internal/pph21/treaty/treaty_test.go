package treaty

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/errs"
	"github.com/google/go-cmp/cmp"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestExampleLookup(t *testing.T) {
	tab, err := ReadFile("testdata/example.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		country string
		income  Income
		day     time.Time
		want    Rate
		found   bool
	}{
		{"royalties", "SGP", Royalties, day(2026, 3, 1), 1000, true},
		{"lower case country", "sgp", Royalties, day(2026, 3, 1), 1000, true},
		{"interest until its end", "SGP", Interest, day(2019, 12, 31), 1000, true},
		{"interest after its end", "SGP", Interest, day(2020, 1, 1), 0, false},
		{"before from", "SGP", Royalties, day(1999, 12, 31), 0, false},
		{"other country", "JPN", Royalties, day(2026, 3, 1), 0, false},
		{"qualifying dividends", "NLD", DividendsQualifying, day(2026, 3, 1), 750, true},
		{"plain dividends", "NLD", Dividends, day(2026, 3, 1), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row, ok := tab.Lookup(tt.country, tt.income, tt.day)
			if ok != tt.found || row.Max != tt.want {
				t.Errorf("Lookup = %v %v, want %v %v", row.Max, ok, tt.want, tt.found)
			}
		})
	}
	var none *Table
	if _, ok := none.Lookup("SGP", Royalties, day(2026, 1, 1)); ok {
		t.Error("a nil table found a row")
	}
}

func TestParseRefuses(t *testing.T) {
	row := `{"country":"SGP","income":"royalties","max_rate":"10","from":"2000-01-01","treaty":"T","source":"S","status":"unverified"}`
	tests := []struct {
		name, file string
		fields     []string
	}{
		{"unknown country", strings.Replace(row, "SGP", "XXX", 1), []string{"rows[0].country"}},
		{"Indonesia", strings.Replace(row, "SGP", "IDN", 1), []string{"rows[0].country"}},
		{"income", strings.Replace(row, "royalties", "fees", 1), []string{"rows[0].income"}},
		{"rate above 20", strings.Replace(row, `"10"`, `"25"`, 1), []string{"rows[0].max_rate"}},
		{"rate not a number", strings.Replace(row, `"10"`, `"ten"`, 1), []string{"rows[0].max_rate"}},
		{"from", strings.Replace(row, "2000-01-01", "1/1/2000", 1), []string{"rows[0].from"}},
		{"to before from", strings.Replace(row, `"from"`, `"to":"1999-01-01","from"`, 1), []string{"rows[0].to"}},
		{"no treaty, no source", strings.Replace(strings.Replace(row, `"T"`, `""`, 1), `"S"`, `" "`, 1), []string{"rows[0].treaty", "rows[0].source"}},
		{"status", strings.Replace(row, "unverified", "sure", 1), []string{"rows[0].status"}},
		{"overlap", row + "," + strings.Replace(row, "2000-01-01", "2010-01-01", 1), []string{"rows"}},
		{"unknown member", strings.Replace(row, `"status"`, `"rate":"1","status"`, 1), []string{"file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(`{"rows":[` + tt.file + `]}`))
			var got []string
			for _, f := range errs.FieldsOf(err) {
				got = append(got, f.Field)
			}
			if diff := cmp.Diff(tt.fields, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s\n%v", diff, err)
			}
		})
	}
	ok := row + "," + strings.Replace(strings.Replace(row, "2000-01-01", "2010-01-01", 1), `"from"`, `"to":"2012-12-31","from"`, 1)
	ok = strings.Replace(ok, `"from":"2000-01-01"`, `"from":"2013-01-01"`, 1)
	if _, err := Parse(strings.NewReader(`{"rows":[` + ok + `]}`)); err != nil {
		t.Errorf("consecutive versions: %v", err)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	tab, err := ReadFile("testdata/example.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := tab.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tab.Rows(), back.Rows()); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if tab.Len() != 4 {
		t.Errorf("Len = %d, want 4", tab.Len())
	}
}

func TestIncomeOf(t *testing.T) {
	tests := []struct {
		code string
		want Income
		ok   bool
	}{
		{"27-101-01", Dividends, true},
		{"27-102-03", Interest, true},
		{"27-107-01", Interest, true},
		{"27-103-01", Royalties, true},
		{"27-104-01", Services, true},
		{"27-100-99", Services, true},
		{"27-105-01", BranchProfit, true},
		{"27-100-01", Other, true},
		{"21-100-01", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := IncomeOf(tt.code)
		if got != tt.want || ok != tt.ok {
			t.Errorf("IncomeOf(%q) = %q %v, want %q %v", tt.code, got, ok, tt.want, tt.ok)
		}
	}
}

func TestInstall(t *testing.T) {
	tab, err := ReadFile("testdata/example.json")
	if err != nil {
		t.Fatal(err)
	}
	Install(tab)
	defer Install(nil)
	if Installed() != tab {
		t.Error("Installed is not the installed table")
	}
	Install(nil)
	if Installed().Len() != 0 {
		t.Error("Install(nil) left rows")
	}
}

// TestCodesExist: every object code the income types name is a PPh 26
// code of the object-code list, so a renumbered code cannot leave a
// treaty row unreachable.
func TestCodesExist(t *testing.T) {
	held := map[string]bool{}
	for _, c := range objectcode.All() {
		held[c.Code] = true
	}
	for code := range codes {
		if !held[code] || !strings.HasPrefix(code, "27-") {
			t.Errorf("%s (%s) is not a PPh 26 code of the object-code list", code, codes[code])
		}
	}
}
