package fakturpdf

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pdftext"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current layout")

// render writes the layout of f as golden text, one item a line.
func render(t *testing.T, f Faktur) string {
	t.Helper()
	items, err := layout(f)
	if err != nil {
		t.Fatalf("layout: %v", err)
	}
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintln(&b, it)
	}
	return b.String()
}

func TestLayoutGolden(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			got := render(t, fx.make(t))
			path := filepath.Join("testdata", fx.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("layout differs from %s (-want +got):\n%s", path, diff)
			}
		})
	}
}

// texts returns the text items of a layout, joined per page in order.
func texts(items []item) map[int]string {
	m := map[int]string{}
	for _, it := range items {
		if it.kind == textItem {
			m[it.page] += it.text + "\n"
		}
	}
	return m
}

// TestLayoutContents checks, independently of the golden files, that the
// page carries every element UU PPN Pasal 13(5) requires.
func TestLayoutContents(t *testing.T) {
	tests := []struct {
		name    string
		f       func(*testing.T) Faktur
		want    []string // on the first page
		wantEnd []string // on the last page
		not     []string // nowhere
	}{
		{"normal", normalFaktur,
			[]string{"Faktur Pajak\n", "Kode dan Nomor Seri Faktur Pajak\n:\n04002600000000123\n", "9 Maret 2026", "Pengusaha Kena Pajak",
				"PT Sinar Dewata Abadi", "0012345678901000\n", "0012345678901000000000", "Pembeli Barang Kena Pajak / Penerima Jasa Kena Pajak",
				"NPWP\n:\n0987654321098000\n", "0987654321098000000000", "pajak@pembeli.example", "Rp100.000 x 1 Unit",
				"Kopi arabika Kintamani sangrai 1 kg"},
			[]string{"Dasar Pengenaan Pajak\nRp100.000\n", "DPP Nilai Lain\nRp91.666,67\n", "Jumlah PPN (Pajak Pertambahan Nilai)\nRp11.000\n",
				"Jumlah PPnBM (Pajak Penjualan atas Barang Mewah)\nRp0\n", "PPN = 12% x DPP Nilai Lain", "Denpasar, 10 Maret 2026",
				"Made Wirawan", "Ditandatangani secara elektronik", "Halaman 1 dari 1"},
			[]string{"Mengganti"}},
		{"replacement", replacementFaktur,
			[]string{"Status Faktur\n:\nPengganti\n", "Mengganti Faktur Pajak\n:\n04002600000000123\n", "04012600000000124"},
			[]string{"Dikurangi Potongan Harga\nRp100.000\n", "Harga Jual / Penggantian / Uang Muka / Termin\nRp5.100.000\n",
				"Jumlah PPN (Pajak Pertambahan Nilai)\nRp550.000\n"},
			nil},
		{"nik", nikFaktur,
			[]string{"NIK\n:\n************0003\n", "NITKU\n:\n000000\n", "Email\n:\n-\n"},
			[]string{"PPN = 12% x Dasar Pengenaan Pajak", "PPnBM (20%) = Rp150.000.000", "Jumlah PPnBM (Pajak Penjualan atas Barang Mewah)\nRp150.000.000\n"},
			[]string{"5171042505900003", "NPWP\n:\n0000000000000000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := layout(tt.f(t))
			if err != nil {
				t.Fatal(err)
			}
			pages := texts(items)
			all := strings.Join([]string{pages[1], pages[len(pages)]}, "")
			for _, w := range tt.want {
				if !strings.Contains(pages[1], w) {
					t.Errorf("first page lacks %q; it has:\n%s", w, pages[1])
				}
			}
			for _, w := range tt.wantEnd {
				if !strings.Contains(pages[len(pages)], w) {
					t.Errorf("last page lacks %q; it has:\n%s", w, pages[len(pages)])
				}
			}
			for _, n := range tt.not {
				if strings.Contains(all, n) {
					t.Errorf("page shows %q, which it must not", n)
				}
			}
		})
	}
}

// TestLayoutPages checks the 120-line faktur: every line appears once, in
// order, each page that continues the table repeats its header, nothing is
// placed below the bottom margin but the footer, and the QR code is on the
// last page only.
func TestLayoutPages(t *testing.T) {
	items, err := layout(longFaktur(t))
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	headers := map[int]bool{}
	next := 1
	qr := 0
	for _, it := range items {
		pages = max(pages, it.page)
		if it.kind == qrItem {
			qr = it.page
		}
		if it.kind != textItem {
			continue
		}
		if it.text == "Nama Barang Kena Pajak / Jasa Kena Pajak" {
			headers[it.page] = true
		}
		if it.x == cols[0]+cellPad && it.text == fmt.Sprint(next) {
			next++
		}
		if it.y+lineHeight(it.size) > bottom && it.y != footerY {
			t.Errorf("page %d: %q at y %.2f runs past the bottom margin %.0f", it.page, it.text, it.y, bottom)
		}
	}
	if next != 121 {
		t.Errorf("line numbers run 1…%d in order, want 1…120", next-1)
	}
	if pages < 3 {
		t.Fatalf("120 lines fill %d pages, want several", pages)
	}
	for p := 1; p <= pages; p++ {
		if !headers[p] {
			t.Errorf("page %d has no table header", p)
		}
	}
	if qr != pages {
		t.Errorf("QR code on page %d, want the last page %d", qr, pages)
	}
	if got := texts(items)[pages]; !strings.Contains(got, fmt.Sprintf("Halaman %d dari %d", pages, pages)) {
		t.Errorf("last page footer missing; page has:\n%s", got)
	}
}

func TestLayoutQR(t *testing.T) {
	f := normalFaktur(t)
	items, err := layout(f)
	if err != nil {
		t.Fatal(err)
	}
	var qr []item
	for _, it := range items {
		if it.kind == qrItem {
			qr = append(qr, it)
		}
	}
	if len(qr) != 1 {
		t.Fatalf("%d QR codes, want 1", len(qr))
	}
	q := qr[0]
	if q.text != f.VerifyURL {
		t.Errorf("QR encodes %q, want %q", q.text, f.VerifyURL)
	}
	if q.x+q.size != right || q.x < pageW/2 {
		t.Errorf("QR at x %.2f…%.2f, want it against the right margin %.2f", q.x, q.x+q.size, right)
	}
	// The quiet zone: no text or rule within 4 modules of the symbol.
	quiet := 4 * q.size / float64(len(q.modules))
	for _, it := range items {
		if it.page != q.page || it.kind == qrItem {
			continue
		}
		x2, y2 := it.x2, it.y2
		if it.kind == textItem {
			x2, y2 = it.x+pdftext.Width(it.font, it.size, it.text), it.y+lineHeight(it.size)
		}
		if x2 > q.x-quiet && it.x < q.x+q.size+quiet && y2 > q.y-quiet && it.y < q.y+q.size+quiet {
			t.Errorf("%v is inside the QR code's quiet zone", it)
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Faktur)
		fields []string
	}{
		{"complete", func(*Faktur) {}, nil},
		{"short number", func(f *Faktur) { f.Number = "0400260000000012" }, []string{"number"}},
		{"replacement without number", func(f *Faktur) { f.Status = Replacement }, []string{"replaces"}},
		{"normal with replaced number", func(f *Faktur) { f.Replaces = "04002600000000001" }, []string{"replaces"}},
		{"unknown status", func(f *Faktur) { f.Status = "Batal" }, []string{"status"}},
		{"no invoice", func(f *Faktur) { f.Invoice = nil }, []string{"invoice"}},
		{"seller", func(f *Faktur) { f.Seller = Seller{NPWP: "123", NITKU: "0012345678901000"} },
			[]string{"seller.name", "seller.address", "seller.npwp", "seller.nitku"}},
		{"signer", func(f *Faktur) { f.Signer = Signer{}; f.SignatureID = "" }, []string{"signer.name", "signer.place", "signature_id"}},
		{"unsigned", func(f *Faktur) { f.SignedAt = time.Time{} }, []string{"signed_at"}},
		{"relative URL", func(f *Faktur) { f.VerifyURL = "/verify/k3d9" }, []string{"verify_url"}},
		{"buyer", func(f *Faktur) {
			inv := *f.Invoice
			inv.Buyer = efaktur.Buyer{TIN: efaktur.NoTIN, Document: efaktur.BuyerNationalID, DocumentNumber: "-"}
			inv.Lines = nil
			f.Invoice = &inv
		}, []string{"invoice.buyer.name", "invoice.buyer.address", "invoice.buyer.document_number", "invoice.lines"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := normalFaktur(t)
			tt.edit(&f)
			err := Write(&bytes.Buffer{}, f)
			var got []string
			for _, fe := range errs.FieldsOf(err) {
				got = append(got, fe.Field)
			}
			if diff := cmp.Diff(tt.fields, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s\nerror: %v", diff, err)
			}
			if (err != nil) != (tt.fields != nil) {
				t.Errorf("Write error %v, want error: %v", err, tt.fields != nil)
			}
			if err != nil && !errs.Is(errs.Invalid, err) {
				t.Errorf("error kind %v, want Invalid", errs.KindOf(err))
			}
		})
	}
}

func TestSum(t *testing.T) {
	f := replacementFaktur(t)
	got, err := Sum(f.Invoice.Lines)
	if err != nil {
		t.Fatal(err)
	}
	want := Totals{Gross: 5_100_000 * money.Rupiah, Discount: 100_000 * money.Rupiah, TaxBase: 5_000_000 * money.Rupiah,
		OtherTaxBase: 458_333_334, VAT: 550_000 * money.Rupiah}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Sum (-want +got):\n%s", diff)
	}
	if _, err := Sum([]efaktur.Line{{TaxBase: money.MaxAmount}, {TaxBase: 1}}); err == nil {
		t.Error("Sum past MaxAmount: no error")
	}
}

func TestFormats(t *testing.T) {
	for _, tt := range []struct {
		got, want string
	}{
		{decimalID(100), "1"},
		{decimalID(150), "1,5"},
		{decimalID(125), "1,25"},
		{decimalID(250_000), "2.500"},
		{decimalID(-5), "-0,05"},
		{maskNIK("5171042505900003"), "************0003"},
		{maskNIK("123"), "123"},
		{dateID(day), "9 Maret 2026"},
		{orDash(" "), "-"},
		{unitName("UM.0018"), "Unit"},
		{unitName("UM.9999"), "UM.9999"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
