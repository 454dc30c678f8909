package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// TestUnifiedDrafterPages: the employee holding only the unified drafter
// role keys in a BPPU on the unified page and lists it, without the
// PPh 21/26 role; the BPMP the main PIC keyed in for the same withholder
// is neither listed nor opened, and the pages offer no payroll keying.
func TestUnifiedDrafterPages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newEBupotSite(t, db)
		w := s.world
		co := string(w.Company.NPWP)
		base := "/taxpayers/" + co + "/ebupot"
		actFor := func(a *accessSite, login, password string) {
			wantRedirect(t, a.login(t, login, password))
			tok := a.token("/account/security")
			if p := a.post("/account/acting-for", url.Values{"csrf_token": {tok}, "npwp": {co}}); p.status != http.StatusSeeOther {
				t.Fatalf("act for the company: %d\n%.500s", p.status, p.body)
			}
		}
		// The main PIC saves October's payroll: a BPMP draft.
		actFor(s, string(w.Director.NPWP), "gruber villa sunrise")
		s.post(base+"/payroll", payrollRows(s.token(base+"/payroll"), w, "save"))
		list := s.get(base)
		want(t, list, http.StatusOK, "BPMP", `href="`+base+`/payroll"`, ">Key in a month", `href="`+base+`/unified"`)
		bpmp := regexp.MustCompile(`href="(` + regexp.QuoteMeta(base) + `/slips/\d+)"`).FindStringSubmatch(list.body)
		if bpmp == nil {
			t.Fatalf("no slip on the main PIC's list:\n%.2000s", list.body)
		}

		ctx := context.Background()
		g := roles.Grant{TaxpayerID: w.Company.ID, PartyID: w.Employee.ID, Role: roles.WithholdingUnifiedDrafter,
			ValidFrom: now().AddDate(-1, 0, 0), GrantedAt: now(), GrantedBy: "test"}
		if _, err := db.Roles().AddGrant(ctx, g, audit.For(ctx, now(), w.Company.ID, "roles.grant", string(g.Role))); err != nil {
			t.Fatal(err)
		}
		emp := &accessSite{site: &site{t: t, srv: s.srv, c: newClient(t, s.srv)}}
		actFor(emp, string(w.Employee.NPWP), "wirawan kopi pagi")

		p := emp.get(base)
		want(t, p, http.StatusOK, `href="`+base+`/unified"`, "No slip matches", "Any unified type")
		for _, not := range []string{"BPMP", ">Key in a month"} {
			if strings.Contains(p.body, not) {
				t.Errorf("the unified drafter's list shows %q", not)
			}
		}
		want(t, emp.get(bpmp[1]), http.StatusForbidden, string(roles.Withholding2126Drafter))
		want(t, emp.get(base+"?type=BPMP"), http.StatusForbidden, string(roles.Withholding2126Drafter))
		p = emp.get(base + "/payroll")
		want(t, p, http.StatusOK, "needs the withholding 21/26 drafter role", "BpuBulk (BPPU), BPNRBulk (BPNR)")
		if strings.Contains(p.body, `id="payroll"`) || strings.Contains(p.body, "MmPayrollBulk") {
			t.Error("the payroll page offers keying in payroll to the unified drafter")
		}

		tok := emp.token(base + "/unified")
		bppu := url.Values{"csrf_token": {tok}, "type": {"BPPU"}, "year": {"2026"}, "month": {"6"}, "recipient.tin": {string(w.VillaOwner.NPWP)},
			"object_code": {"28-403-02"}, "gross": {"120000000"}, "facility": {"N/A"}, "document": {"Contract"}, "document_number": {"SEWA/2026/02"},
			"document_date": {"2026-06-01"}, "treasurer": {"N/A"}, "withholding_date": {"2026-06-30"}}
		p = emp.post(base+"/unified", bppu)
		if p.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%.1500s", p.status, p.body)
		}
		slip := strings.TrimSuffix(p.location, "?done=drafted")
		p = emp.get(slip)
		want(t, p, http.StatusOK, "BPPU draft", "Delete the draft", "needs the unified withholding signer role")
		if strings.Contains(p.body, `action="`+slip+`/sign"`) {
			t.Error("the drafter is offered the signing form")
		}
		p = emp.get(base)
		want(t, p, http.StatusOK, `href="`+slip+`"`, "BPPU")
		if strings.Contains(p.body, "BPMP") {
			t.Error("the unified drafter's list shows the BPMP")
		}
	})
}
