package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// TestUnifiedRolesAPI: the employee holding only the unified drafter
// role keys in, computes, lists and exports BPPU slips through the API,
// and never sees the demo's PPh 21/26 slips, which state people's pay;
// the PPh 21/26 drafter role is not needed, and keying in a BP21 names
// it.
func TestUnifiedRolesAPI(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newBupotEnv(t, db)
		co := string(e.w.Company.NPWP)
		base := "/api/v1/taxpayers/" + co + "/ebupot"
		ctx := context.Background()
		g := roles.Grant{TaxpayerID: e.w.Company.ID, PartyID: e.w.Employee.ID, Role: roles.WithholdingUnifiedDrafter,
			ValidFrom: now().AddDate(-1, 0, 0), GrantedAt: now(), GrantedBy: "test"}
		if _, err := db.Roles().AddGrant(ctx, g, audit.For(ctx, now(), e.w.Company.ID, "roles.grant", string(g.Role))); err != nil {
			t.Fatal(err)
		}
		if st, out, _ := call(t, e.employee, "POST", e.srv.URL+"/api/v1/access/acting-for", "", map[string]any{"npwp": co}); st != http.StatusOK {
			t.Fatalf("act for the company: %d %v", st, out)
		}
		bppu := map[string]any{"type": "BPPU", "year": 2026, "month": 6, "object_code": "24-104-03", "gross": "25000000",
			"recipient": map[string]any{"tin": string(e.w.Designer.NPWP), "kind": "resident"},
			"document":  "CommercialInvoice", "document_number": "INV/2026/077", "document_date": "2026-06-20", "withholding_date": "2026-06-30"}
		if st, b, _ := e.req(t, e.employee, "POST", base+"/calculate", bppu); st != http.StatusOK {
			t.Fatalf("calculate = %d %s", st, b)
		}
		var made slipOut
		e.decode(t, e.employee, "POST", base+"/slips", bppu, http.StatusCreated, &made)

		var all, mine slipPage
		e.decode(t, e.director, "GET", base+"/slips?limit=1000", nil, http.StatusOK, &all)
		e.decode(t, e.employee, "GET", base+"/slips?limit=1000", nil, http.StatusOK, &mine)
		unified, payroll := 0, int64(0)
		for _, s := range all.Slips {
			switch s.Type {
			case "BPPU", "BPNR":
				unified++
			case "BP21":
				payroll = s.ID
			}
		}
		if payroll == 0 || len(mine.Slips) != unified {
			t.Fatalf("the employee lists %d slips of %d unified; a BP21: %d", len(mine.Slips), unified, payroll)
		}
		found := false
		for _, s := range mine.Slips {
			found = found || s.ID == made.ID
			if s.Type != "BPPU" && s.Type != "BPNR" {
				t.Errorf("the unified drafter lists %s %d", s.Type, s.ID)
			}
		}
		if !found {
			t.Errorf("the BPPU %d is not listed", made.ID)
		}
		if st, b, _ := e.req(t, e.employee, "GET", fmt.Sprintf("%s/slips/%d", base, made.ID), nil); st != http.StatusOK {
			t.Errorf("read the BPPU = %d %s", st, b)
		}

		// The BP21 of the same withholder is refused, by id, by type, in
		// an export and as a new slip, naming the role it needs.
		need := string(roles.Withholding2126Drafter)
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"GET", fmt.Sprintf("%s/slips/%d", base, payroll), nil},
			{"GET", base + "/slips?type=BP21", nil},
			{"GET", base + "/export?format=csv&type=BP21", nil},
			{"POST", base + "/slips", map[string]any{"type": "BP21", "year": 2026, "month": 6, "object_code": "21-100-20", "gross": "5000000",
				"recipient": map[string]any{"tin": string(e.w.Designer.NPWP), "kind": "non-employee"}, "withholding_date": "2026-06-30"}},
		} {
			st, b, _ := e.req(t, e.employee, c.method, c.path, c.body)
			if st != http.StatusForbidden || !strings.Contains(string(b), need) {
				t.Errorf("%s %s = %d %s", c.method, c.path, st, b)
			}
		}
		st, csv, _ := e.req(t, e.employee, "GET", base+"/export?format=csv", nil)
		if st != http.StatusOK || !strings.Contains(string(csv), "BPPU") || strings.Contains(string(csv), "BP21") || strings.Contains(string(csv), "BPMP") {
			t.Errorf("export = %d %s", st, csv)
		}
		// Drafting is not signing: the unified signer role is named.
		st, b, _ := e.req(t, e.employee, "POST", base+"/slips/sign", map[string]any{"slips": []map[string]any{{"id": made.ID, "version": made.Version}}, "passphrase": "x"})
		if st != http.StatusForbidden || !strings.Contains(string(b), string(roles.WithholdingUnifiedSigner)) {
			t.Errorf("sign = %d %s", st, b)
		}
	})
}
