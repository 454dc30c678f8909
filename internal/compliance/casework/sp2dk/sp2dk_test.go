package sp2dk

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/compliance/casework"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pdftext"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current layout")

const rp = money.Rupiah

func letters() map[string]casework.Letter {
	issued := time.Date(2026, 11, 24, 18, 30, 0, 0, time.UTC) // 25 November in WIB
	owner := casework.Letter{Number: "SP2DK-000001/5104/2026", Office: "Badan Pendapatan Daerah Kabupaten Gianyar", Regency: "5104",
		RegionName: "Kabupaten Gianyar", TaxpayerID: 3, TaxpayerName: "I Made Sudarma", NPWP: "5104050502680001", IssuedAt: issued,
		ResponseDays: 14, DueOn: casework.DueOn(issued, 14), Delivery: "by e-mail to s***@example.id and on the taxpayer's letters page",
		Findings: []casework.Finding{{FlagID: 4, Rule: compliance.NetInsteadOfGross, Periods: "2026-08 to 2026-10",
			Explanation: "The declared base is 85% of the gross guests paid in each month, the Airbnb commission: the payout was declared.",
			Evidence:    []string{"Airbnb PJAP feed record 41: 2026-08-03..06, gross Rp 12.000.000, payout Rp 10.200.000", "declaration 2026-08 revision 1: base Rp 10.200.000"},
			Shortfall:   540_000 * rp, PenaltyVoluntary: 540_000 * rp, PenaltyAudit: 810_000 * rp}},
		Shortfall: 540_000 * rp, PenaltyVoluntary: 540_000 * rp, PenaltyAudit: 810_000 * rp}
	listing := owner
	listing.Number, listing.TaxpayerID, listing.TaxpayerName, listing.NPWP = "SP2DK-000002/5103/2026", 0, "", ""
	listing.Office, listing.RegionName, listing.Regency, listing.OfficeVerified = "Bapenda Kabupaten Badung", "Kabupaten Badung", "5103", true
	listing.Subject = "listing:airbnb:998877"
	listing.Delivery = "on paper: the subject is not a registered taxpayer; print the letter and deliver it"
	listing.Findings = nil
	for i := range 12 {
		listing.Findings = append(listing.Findings, casework.Finding{Rule: compliance.UndeclaredProperty, Periods: fmt.Sprintf("2026-%02d", i+1),
			Evidence: []string{fmt.Sprintf("Booking.com record %d: gross Rp 9.000.000", 100+i)}, Shortfall: 900_000 * rp})
	}
	return map[string]casework.Letter{"owner": owner, "unregistered": listing}
}

func TestLayoutGolden(t *testing.T) {
	for name, l := range letters() {
		t.Run(name, func(t *testing.T) {
			var b strings.Builder
			for _, it := range layout(l) {
				fmt.Fprintln(&b, it)
			}
			got := b.String()
			path := filepath.Join("testdata", name+".golden")
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

func TestLayoutStaysOnThePage(t *testing.T) {
	for name, l := range letters() {
		pages := 0
		for _, it := range layout(l) {
			if it.rule {
				continue
			}
			if w := pdftext.Width(it.font, it.size, it.text); it.x+w > right+0.01 || it.y+lineHeight(it.size) > bottom+0.01 {
				t.Errorf("%s: %q at (%.1f, %.1f) width %.1f leaves the page", name, it.text, it.x, it.y, w)
			}
			pages = max(pages, it.page)
		}
		if name == "unregistered" && pages < 2 {
			t.Errorf("%s: %d pages; twelve findings should run over", name, pages)
		}
	}
}

func TestWrite(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, letters()["owner"]); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	if !bytes.HasPrefix(out, []byte("%PDF-")) || !bytes.Contains(out, []byte("%%EOF")) || !bytes.Contains(out, []byte("/FontFile2")) {
		t.Fatalf("not a PDF with embedded fonts: %.40q", out)
	}
}
