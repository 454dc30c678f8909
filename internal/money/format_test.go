package money

import (
	"encoding/json"
	"testing"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		a                   Amount
		plain, xml, display string
	}{
		{0, "0", "0", "Rp0"},
		{1, "0.01", "0.01", "Rp0,01"},
		{10, "0.10", "0.1", "Rp0,10"},
		{11000 * Rupiah, "11000", "11000", "Rp11.000"},
		{9166667, "91666.67", "91666.67", "Rp91.666,67"},
		{9166670, "91666.70", "91666.7", "Rp91.666,70"},
		{15_000_000 * Rupiah, "15000000", "15000000", "Rp15.000.000"},
		{-500 * Rupiah, "-500", "-500", "-Rp500"},
		{-50, "-0.50", "-0.5", "-Rp0,50"},
		{999 * Rupiah, "999", "999", "Rp999"},
		{1000 * Rupiah, "1000", "1000", "Rp1.000"},
		{MaxAmount, "92233720368547758.07", "92233720368547758.07", "Rp92.233.720.368.547.758,07"},
		{-MaxAmount, "-92233720368547758.07", "-92233720368547758.07", "-Rp92.233.720.368.547.758,07"},
		{Amount(-1 << 63), "-92233720368547758.08", "-92233720368547758.08", "-Rp92.233.720.368.547.758,08"},
	}
	for _, tt := range tests {
		if got := tt.a.String(); got != tt.plain {
			t.Errorf("Amount(%d).String() = %q, want %q", int64(tt.a), got, tt.plain)
		}
		if got := tt.a.XML(); got != tt.xml {
			t.Errorf("Amount(%d).XML() = %q, want %q", int64(tt.a), got, tt.xml)
		}
		if got := tt.a.Display(); got != tt.display {
			t.Errorf("Amount(%d).Display() = %q, want %q", int64(tt.a), got, tt.display)
		}
	}
}

func TestJSON(t *testing.T) {
	type line struct {
		Price Amount `json:"price"`
	}
	b, err := json.Marshal(line{Price: 9166667})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"price":"91666.67"}`; got != want {
		t.Errorf("json.Marshal = %s, want %s", got, want)
	}
	var l line
	if err := json.Unmarshal([]byte(`{"price":"1500000.5"}`), &l); err != nil {
		t.Fatal(err)
	}
	if want := Amount(150000050); l.Price != want {
		t.Errorf("json.Unmarshal price = %d sen, want %d", l.Price, want)
	}
	if err := json.Unmarshal([]byte(`{"price":"1.234"}`), &l); err == nil {
		t.Errorf("json.Unmarshal of 1.234: got no error, want one")
	}
}
