package booking

import (
	"strings"
	"testing"
	"time"
)

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in, cur string
		want    string
		err     string
	}{
		{"1500000", "IDR", "1500000", ""},
		{"1,200.50", "USD", "1200.50", ""},
		{"1.256,00", "EUR", "1256.00", ""},
		{"1256,00", "EUR", "1256.00", ""},
		{"49,508,768", "VND", "49508768", ""},
		{"1,234", "USD", "1234", ""},
		{"626.640", "EUR", "626.640", ""},     // Booking.com: three decimals
		{"15.195768", "EUR", "15.195768", ""}, // six decimals
		{"12.345.678", "IDR", "12345678", ""}, // Indonesian grouping
		{"1.500", "IDR", "1500", ""},          // rupiah have no decimals in practice
		{"1.500", "USD", "1.500", ""},         // dollars do
		{"-50.00", "USD", "-50.00", ""},
		{"(50.00)", "USD", "-50.00", ""},
		{"1 500 000", "IDR", "1500000", ""},
		{"", "IDR", "", "is not a number"},
		{"12a", "IDR", "", "contains 'a'"},
		{"1.2.3,4,5", "IDR", "", "more than one decimal separator"},
		{"12,34,567.00", "INR", "", "groups digits"},
		{"1.1234567", "USD", "", "7 decimals"},
		{"9999999999999", "IDR", "", "too large"},
	}
	for _, tt := range tests {
		got, msg := parseDecimal(tt.in, tt.cur)
		if tt.err != "" {
			if !strings.Contains(msg, tt.err) {
				t.Errorf("parseDecimal(%q) message %q, want %q", tt.in, msg, tt.err)
			}
			continue
		}
		if msg != "" || got.String() != tt.want {
			t.Errorf("parseDecimal(%q, %s) = %s, %q; want %s", tt.in, tt.cur, got, msg, tt.want)
		}
	}
}

func TestSplitMoney(t *testing.T) {
	tests := []struct{ in, cur, num string }{
		{"€300.00", "EUR", "300.00"},
		{"$1,234.56", "USD", "1,234.56"},
		{"US$1,234.56", "USD", "1,234.56"},
		{"A$410.00", "AUD", "410.00"},
		{"Rp 1.500.000", "IDR", "1.500.000"},
		{"Rp1.500.000", "IDR", "1.500.000"},
		{"126.6314 EUR", "EUR", "126.6314"},
		{"IDR 1500000", "IDR", "1500000"},
		{"-$50.00", "USD", "-50.00"},
		{"1500000", "", "1500000"},
	}
	for _, tt := range tests {
		cur, num := splitMoney(tt.in, "USD")
		if cur != tt.cur || num != tt.num {
			t.Errorf("splitMoney(%q) = %q, %q; want %q, %q", tt.in, cur, num, tt.cur, tt.num)
		}
	}
	if cur, _ := splitMoney("$10", "SGD"); cur != "SGD" {
		t.Errorf("a bare $ with DollarCurrency SGD is %s", cur)
	}
}

func TestParseDate(t *testing.T) {
	oct3 := date(2026, 10, 3)
	tests := []struct {
		in    string
		order dateOrder
		want  time.Time
	}{
		{"2026-10-03", dayFirst, oct3},
		{"2026-10-03 14:22:10", dayFirst, oct3},
		{"2026-10-03T14:22:10", dayFirst, oct3},
		{"10/03/2026", monthFirst, oct3},
		{"03/10/2026", dayFirst, oct3},
		{"3.10.2026", dayFirst, oct3},
		{"10/3/26", monthFirst, oct3},
		{"3 Oct 2026", dayFirst, oct3},
		{"3 Sept 2026", dayFirst, date(2026, 9, 3)},
		{"Oct 3, 2026", dayFirst, oct3},
		{"03-Oct-2026", dayFirst, oct3},
		{"3 Oktober 2026", dayFirst, oct3},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in, tt.order)
		if !ok || !got.Equal(tt.want) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "2026-02-30", "31/06/2026", "13/13/2026", "yesterday", "2026-1-3", "1 Foo 2026", "3 Oct 1999"} {
		if d, ok := parseDate(bad, dayFirst); ok {
			t.Errorf("parseDate(%q) = %v, want rejected", bad, d)
		}
	}
}

func TestOrderOf(t *testing.T) {
	if o := orderOf([]string{"10/03/2026", "10/28/2026"}, dayFirst); o != monthFirst {
		t.Error("a second part above 12 did not prove month-first")
	}
	if o := orderOf([]string{"03/10/2026", "28/10/2026"}, monthFirst); o != dayFirst {
		t.Error("a first part above 12 did not prove day-first")
	}
	if o := orderOf([]string{"03/10/2026", "2026-10-28"}, monthFirst); o != monthFirst {
		t.Error("without proof the fallback was not used")
	}
}

func TestRateString(t *testing.T) {
	for _, tt := range []struct {
		r    Rate
		want string
	}{
		{Rate{Num: 1625050, Den: 100}, "16250.50"},
		{Rate{Num: 1, Den: 1}, "1"},
		{Rate{Num: 48751, Den: 3}, "48751/3"},
	} {
		if got := tt.r.String(); got != tt.want {
			t.Errorf("%v.String() = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestRateTable(t *testing.T) {
	rt := testRates()
	if _, _, _, ok := rt.Rate("USD", date(2026, 8, 31)); ok {
		t.Error("a rate before the first one starts")
	}
	if n, d, _, ok := rt.Rate("USD", date(2026, 10, 31)); !ok || n != 1625000 || d != 100 {
		t.Errorf("October rate %d/%d %v", n, d, ok)
	}
	if n, _, _, ok := rt.Rate("USD", date(2026, 11, 1)); !ok || n != 1631050 {
		t.Errorf("November rate %d %v", n, ok)
	}
	if _, _, _, ok := rt.Rate("EUR", date(2026, 11, 1)); ok {
		t.Error("a rate for a currency the table does not have")
	}
}
