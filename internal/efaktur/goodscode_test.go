package efaktur

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLookupCode(t *testing.T) {
	tests := []struct {
		name string
		code string
		kind Kind
		want GoodsCode
		ok   bool
	}{
		{"generic goods", "000000", Goods, GoodsCode{Code: "000000", Kind: Goods, Description: "Barang"}, true},
		{"generic services", "000000", Services, GoodsCode{Code: "000000", Kind: Services, Description: "Jasa"}, true},
		{"goods heading", "870300", Goods, GoodsCode{Code: "870300", Kind: Goods,
			Description: "Mobil dan kendaraan bermotor lainnya terutama dirancang untuk pengangkutan orang (selain yang dimaksud dari pos 87.02), termasuk station wagon dan mobil balap."}, true},
		{"services group", "150202", Services, GoodsCode{Code: "150202", Kind: Services, Description: "Jasa akuntansi dan pembukuan"}, true},
		{"DJP typo kept", "010000", Services, GoodsCode{Code: "010000", Kind: Services, Description: "Jasa Kontruksi"}, true},
		{"quotes kept", "600100", Goods, GoodsCode{Code: "600100", Kind: Goods, Description: `Kain berbulu, termasuk kain berbulu panjang" dan kain terry`}, true},
		{"soft hyphen kept", "130204", Services, GoodsCode{Code: "130204", Kind: Services,
			Description: "Jasa leasing atau persewaan perlengkapan untuk bersantai dan bersenang\u00adsenang/rekreasi/tamasya"}, true},
		{"same digits, other kind", "010000", Goods, GoodsCode{Code: "010000", Kind: Goods, Description: "Binatang hidup"}, true},
		{"services code is not goods", "150202", Goods, GoodsCode{}, false},
		{"goods code is not services", "870300", Services, GoodsCode{}, false},
		{"unknown", "123456", Goods, GoodsCode{}, false},
		{"unknown kind", "000000", Kind("C"), GoodsCode{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := LookupCode(tt.code, tt.kind)
			if ok != tt.ok {
				t.Fatalf("LookupCode(%q, %q) ok = %v, want %v", tt.code, tt.kind, ok, tt.ok)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("LookupCode(%q, %q) (-want +got):\n%s", tt.code, tt.kind, diff)
			}
		})
	}
}

func TestCodes(t *testing.T) {
	for _, tt := range []struct {
		kind  Kind
		count int
		first string
		last  string
	}{
		{Goods, 1348, "000000", "990100"},
		{Services, 619, "000000", "310101"},
	} {
		got := Codes(tt.kind)
		if len(got) != tt.count {
			t.Errorf("len(Codes(%s)) = %d, want %d", tt.kind, len(got), tt.count)
			continue
		}
		if got[0].Code != tt.first || got[len(got)-1].Code != tt.last {
			t.Errorf("Codes(%s) runs %s…%s, want %s…%s", tt.kind, got[0].Code, got[len(got)-1].Code, tt.first, tt.last)
		}
		for i, c := range got {
			if c.Kind != tt.kind || c.Description == "" || strings.TrimSpace(c.Description) != c.Description {
				t.Errorf("Codes(%s)[%d] = %+v", tt.kind, i, c)
			}
		}
	}
	// The slice is a copy: changing it does not change the list.
	Codes(Goods)[0].Description = "changed"
	if c, _ := LookupCode("000000", Goods); c.Description != "Barang" {
		t.Errorf("LookupCode after changing Codes' result = %q, want Barang", c.Description)
	}
	if got := Codes(Kind("C")); len(got) != 0 {
		t.Errorf("Codes(C) = %d entries, want none", len(got))
	}
}

func TestParseGoodsCodesRejects(t *testing.T) {
	for _, tt := range []struct {
		name, data, want string
	}{
		{"header", "code,description,kind\n", "header"},
		{"kind", "code,kind,description\n010000,barang,Binatang hidup\n", `row 2: kind "barang"`},
		{"code", "code,kind,description\n01000,goods,Binatang hidup\n", `row 2: code "01000"`},
		{"duplicate", "code,kind,description\n010000,goods,a\n010000,services,b\n010000,goods,c\n", "row 4: goods code 010000 is listed twice"},
		{"fields", "code,kind,description\n010000,goods\n", "wrong number of fields"},
	} {
		_, err := parseGoodsCodes(tt.data)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: parseGoodsCodes error = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestValidateGoodsCode(t *testing.T) {
	tests := []struct {
		name    string
		kind    Kind
		code    string
		message string // "" when the code is accepted
		fix     string
	}{
		{"known goods code", Goods, "870300", "", ""},
		{"known services code", Services, "150202", "", ""},
		{"generic goods", Goods, "000000", "", ""},
		{"generic services", Services, "000000", "", ""},
		{"services code as goods", Goods, "150202", "Code 150202 is not a goods code in the DJP list",
			"150202 is a services code; set Opt to B, or write a goods code (000000 for generic goods)"},
		{"goods code as services", Services, "870300", "Code 870300 is not a services code in the DJP list",
			"870300 is a goods code; set Opt to A, or write a services code (000000 for generic services)"},
		{"unknown goods code", Goods, "123456", "Code 123456 is not a goods code in the DJP list",
			"write a goods code from the DJP list, or 000000 for generic goods"},
		{"unknown services code", Services, "123456", "Code 123456 is not a services code in the DJP list",
			"write a services code from the DJP list, or 000000 for generic services"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := &Invoice{Lines: []Line{{Kind: tt.kind, Code: tt.code}}}
			v := &validator{inv: inv}
			v.line(0)
			var got []Problem
			for _, p := range v.ps {
				if p.Field == "Code" {
					got = append(got, p)
				}
			}
			if tt.message == "" {
				if len(got) != 0 {
					t.Fatalf("problems on Code = %+v, want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("problems on Code = %+v, want one", got)
			}
			p := got[0]
			if p.Rule != RuleCode || p.Value != tt.code || p.Message != tt.message || p.Fix != tt.fix || p.Line != 1 ||
				p.Path != "TaxInvoice/ListOfGoodService/GoodService[1]/Code" {
				t.Errorf("problem = %+v\nwant rule %s, value %s, message %q, fix %q", p, RuleCode, tt.code, tt.message, tt.fix)
			}
		})
	}
}

// TestValidateGoodsCodeNeedsKind: a line whose Opt is not A or B gets only
// the Opt problem, not a second one on a Code that cannot be looked up.
func TestValidateGoodsCodeNeedsKind(t *testing.T) {
	inv := &Invoice{Lines: []Line{{Kind: Kind("C"), Code: "123456"}}}
	v := &validator{inv: inv}
	v.line(0)
	for _, p := range v.ps {
		if p.Field == "Code" {
			t.Errorf("problem on Code with Opt C: %+v", p)
		}
	}
}
