package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/pph21/treaty/treatytest"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// TestUnifiedSlipPages keys in a BPPU and a BPNR on the unified page: a
// refused treaty rate is shown next to its field, a good slip opens on
// its detail page with its tax, and is signed there.
func TestUnifiedSlipPages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newEBupotSite(t, db)
		w := s.world
		co := string(w.Company.NPWP)
		base := "/taxpayers/" + co + "/ebupot"
		wantRedirect(t, s.login(t, string(w.Director.NPWP), "gruber villa sunrise"))
		tok := s.token("/account/security")
		if p := s.post("/account/acting-for", url.Values{"csrf_token": {tok}, "npwp": {co}}); p.status != http.StatusSeeOther {
			t.Fatalf("act for the company: %d\n%.500s", p.status, p.body)
		}
		want(t, s.get(base), http.StatusOK, `href="`+base+`/unified"`)
		want(t, s.get(base+"/unified?type=BPNR"), http.StatusOK, "Key in a unified slip", `<option value="27-103-01">27-103-01 Royalties`,
			`<option value="COD"`)
		tok = s.token(base + "/unified")
		bpnr := url.Values{"csrf_token": {tok}, "type": {"BPNR"}, "year": {"2026"}, "month": {"6"}, "recipient.tin": {"NL859201547B01"},
			"recipient.name": {"Villa Brands B.V."}, "recipient.country": {"NLD"}, "recipient.address": {"Keizersgracht 100, Amsterdam"},
			"object_code": {"27-103-01"}, "gross": {"50.000.000"}, "facility": {"N/A"}, "rate": {"10"}, "document": {"Contract"},
			"document_number": {"LIC/2026/NL"}, "document_date": {"2026-06-01"}, "treasurer": {"N/A"}, "withholding_date": {"2026-06-30"}}
		want(t, s.post(base+"/unified", bpnr), http.StatusUnprocessableEntity, `id="rate-error"`, "Tax Rate Mismatch: rate 10 needs a COD reference",
			`value="Villa Brands B.V."`)
		bpnr.Set("facility", "COD")
		bpnr.Set("facility_ref", "DGT-NL-2026-0042")
		p := s.post(base+"/unified", bpnr)
		if p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "?done=drafted") {
			t.Fatalf("create: %d %q\n%.1500s", p.status, p.location, p.body)
		}
		slip := strings.TrimSuffix(p.location, "?done=drafted")
		p = s.get(slip)
		want(t, p, http.StatusOK, "BPNR draft", "Rp5.000.000", "DGT-NL-2026-0042", "Keizersgracht 100", "Government treasurer", "not final")
		v := version(t, p)
		p = s.post(slip+"/sign", url.Values{"csrf_token": {tok}, "version": {v}, "passphrase": {fakturPass}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("sign: %d\n%.800s", p.status, p.body)
		}
		want(t, s.get(slip), http.StatusOK, "BPNR26", "Correct the slip", `<option value="COD" selected`)

		bppu := url.Values{"csrf_token": {tok}, "type": {"BPPU"}, "year": {"2026"}, "month": {"6"}, "recipient.tin": {string(w.VillaOwner.NPWP)},
			"object_code": {"28-403-02"}, "gross": {"120000000"}, "facility": {"N/A"}, "document": {"Contract"}, "document_number": {"SEWA/2026/01"},
			"document_date": {"2026-06-01"}, "treasurer": {"Direct"}, "withholding_date": {"2026-06-30"}}
		want(t, s.post(base+"/unified", bppu), http.StatusUnprocessableEntity, `id="sp2d-error"`, "needs the SP2D number")
		bppu.Set("treasurer", "N/A")
		p = s.post(base+"/unified", bppu)
		if p.status != http.StatusSeeOther {
			t.Fatalf("create BPPU: %d\n%.1500s", p.status, p.body)
		}
		want(t, s.get(strings.TrimSuffix(p.location, "?done=drafted")), http.StatusOK, "BPPU draft", "Tax base", "Rp12.000.000", "(final)",
			w.VillaOwner.NPWP.String()+"000000")
	})
}

// TestQualifyingShareholdingPages: the qualifying-shareholding box on the
// unified page is refused next to its field on a code other than
// dividends, gives the treaty table's dividends-qualifying rate on
// 27-101-01 with COD (the example file's NLD row, not a real rate), is
// shown on the detail page, ticked in its correction form, and left
// unticked in a correction that drops it.
func TestQualifyingShareholdingPages(t *testing.T) {
	treatytest.InstallExample(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newEBupotSite(t, db)
		w := s.world
		co := string(w.Company.NPWP)
		base := "/taxpayers/" + co + "/ebupot"
		wantRedirect(t, s.login(t, string(w.Director.NPWP), "gruber villa sunrise"))
		tok := s.token("/account/security")
		if p := s.post("/account/acting-for", url.Values{"csrf_token": {tok}, "npwp": {co}}); p.status != http.StatusSeeOther {
			t.Fatalf("act for the company: %d\n%.500s", p.status, p.body)
		}
		want(t, s.get(base+"/unified?type=BPNR"), http.StatusOK, `name="qualifying_shareholding" value="true">`)
		tok = s.token(base + "/unified")
		div := url.Values{"csrf_token": {tok}, "type": {"BPNR"}, "year": {"2026"}, "month": {"6"}, "recipient.tin": {"NL859201547B01"},
			"recipient.name": {"Villa Holdings B.V."}, "recipient.country": {"NLD"}, "recipient.address": {"Keizersgracht 100, Amsterdam"},
			"object_code": {"27-103-01"}, "gross": {"50.000.000"}, "facility": {"COD"}, "facility_ref": {"DGT-NL-2026-0042"},
			"qualifying_shareholding": {"true"}, "document": {"DeedofGeneralMeetingStakeholder"}, "document_number": {"RUPS/2026/06"},
			"document_date": {"2026-06-01"}, "treasurer": {"N/A"}, "withholding_date": {"2026-06-30"}}
		want(t, s.post(base+"/unified", div), http.StatusUnprocessableEntity, `id="qualifying_shareholding-error"`,
			"is for dividends (object code 27-101-01), not 27-103-01", `name="qualifying_shareholding" value="true" checked`)
		div.Set("object_code", "27-101-01")
		p := s.post(base+"/unified", div)
		if p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "?done=drafted") {
			t.Fatalf("create: %d %q\n%.1500s", p.status, p.location, p.body)
		}
		slip := strings.TrimSuffix(p.location, "?done=drafted")
		p = s.get(slip)
		want(t, p, http.StatusOK, "BPNR draft", "Rp3.750.000", "<dt>Qualifying shareholding</dt>",
			"qualifying shareholding: the recipient company holds at least the EXAMPLE Indonesia–Netherlands treaty&#39;s qualifying shareholding")
		p = s.post(slip+"/sign", url.Values{"csrf_token": {tok}, "version": {version(t, p)}, "passphrase": {fakturPass}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("sign: %d\n%.800s", p.status, p.body)
		}
		p = s.get(slip)
		want(t, p, http.StatusOK, "BPNR26", "Correct the slip", `name="qualifying_shareholding" value="true" checked`)

		// A correction without the box: the dividends row, which the
		// example table lacks for NLD, so the certificate's rate is used.
		corr := url.Values{"csrf_token": {tok}, "version": {version(t, p)}, "recipient.tin": {"NL859201547B01"},
			"recipient.name": {"Villa Holdings B.V."}, "recipient.kind": {"non-resident"}, "recipient.country": {"NLD"},
			"object_code": {"27-101-01"}, "facility": {"COD"}, "facility_ref": {"DGT-NL-2026-0042"}, "treaty_rate": {"10"},
			"gross": {"50.000.000"}, "withholding_date": {"2026-06-30"}, "passphrase": {fakturPass}}
		p = s.post(slip+"/correct", corr)
		if p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "?done=corrected") {
			t.Fatalf("correct: %d %q\n%.1500s", p.status, p.location, p.body)
		}
		p = s.get(strings.TrimSuffix(p.location, "?done=corrected"))
		want(t, p, http.StatusOK, "revision 1", "Rp5.000.000")
		if strings.Contains(p.body, "<dt>Qualifying shareholding</dt>") || strings.Contains(p.body, `name="qualifying_shareholding" value="true" checked`) {
			t.Errorf("the correction without the box still shows the qualifying shareholding")
		}
	})
}
