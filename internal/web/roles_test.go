package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/web"
)

// newRolesSite serves the pages with the demo world, its accounts and the
// roles policy deciding access, as a server with accounts does. The
// employee is added as a related party of the company, so that the main
// PIC has someone to grant roles to.
func newRolesSite(t *testing.T, db *storage.DB) *accessSite {
	t.Helper()
	ctx := context.Background()
	clock := time.Now
	policy := roles.NewPolicy(db.Roles(), db.Registry(), clock, roles.DefaultRules())
	rs := registry.NewService(db.Registry(), clock)
	setup := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), clock, registration.DefaultConfig())
	acc := access.NewService(db.Access(), policy, clock, access.DefaultConfig(access.Key{3}))
	w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: setup, Access: acc})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := setup.Profile(ctx, string(w.Company.NPWP))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := setup.AddParty(ctx, string(w.Company.NPWP), registration.PartyInput{Version: prof.Taxpayer.Version,
		Relation: "employee", NPWP: string(w.Employee.NPWP)}); err != nil {
		t.Fatal(err)
	}
	reg := registration.NewService(db.Registration(), db.Registry(), policy, clock, registration.DefaultConfig())
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	rolesSvc := roles.NewService(db.Roles(), policy, clock)
	if _, err := rolesSvc.GrantOfficerRole(actor.With(ctx, actor.SystemActor("test")), "budi", string(roles.OfficerAccess)); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Config{Registration: reg, Logger: logger, Access: acc, Roles: rolesSvc, InsecureCookies: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
	t.Cleanup(srv.Close)
	return &accessSite{site: &site{t: t, srv: srv, c: newClient(t, srv), reg: reg}, db: db, world: w}
}

// as returns a second browser on the same site, signed in with login.
func (s *accessSite) as(t *testing.T, login, password string) *accessSite {
	t.Helper()
	b := &accessSite{site: &site{t: t, srv: s.srv, c: newClient(t, s.srv), reg: s.reg}, db: s.db, world: s.world}
	if p := b.login(t, login, password); p.status != http.StatusSeeOther {
		t.Fatalf("login %s: %d\n%.400s", login, p.status, p.body)
	}
	return b
}

var grantIDPattern = regexp.MustCompile(`/roles/(\d+)/revoke`)
var appointmentIDPattern = regexp.MustCompile(`/consultants/(\d+)/revoke`)
var invitationIDPattern = regexp.MustCompile(`/access/invitations/(\d+)/accept`)

func TestPeopleAndRolesPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newRolesSite(t, db)
		company := string(s.world.Company.NPWP)
		employee := string(s.world.Employee.NPWP)
		page := "/taxpayers/" + company + "/roles"

		// Anonymous visitors are asked to sign in, whatever NPWP they try.
		want(t, s.get(page), http.StatusUnauthorized, "Please sign in", "sign in to")

		// Someone who is not the main PIC may neither see nor change it.
		emp := s.as(t, employee, "wirawan kopi pagi")
		want(t, emp.get(page), http.StatusForbidden, "main PIC")
		p := emp.post(page, url.Values{"csrf_token": {emp.token("/access/why")}, "party_npwp": {employee}, "role": {"payment"}})
		want(t, p, http.StatusForbidden, "grant or revoke roles")

		pic := s.as(t, string(s.world.Director.NPWP), "gruber villa sunrise")
		p = pic.get(page)
		want(t, p, http.StatusOK, "People and roles", "main PIC", "Made Wirawan", "Grant a role",
			"ROLE_CTAS_PORTAL_TAX_INVOICE_SIGNER", "Invite a consultant", "No consultant has been invited.")
		tok := tokenPattern.FindStringSubmatch(p.body)[1]

		// The profile links to the page.
		want(t, pic.get("/taxpayers/"+company), http.StatusOK, `href="/taxpayers/`+company+`/roles"`)

		// CSRF: a grant without the token changes nothing.
		p = pic.post(page, url.Values{"party_npwp": {employee}, "role": {"tax_invoice_signer"}})
		want(t, p, http.StatusForbidden, "security token")

		// Rejected input: re-rendered with the messages next to the fields.
		p = pic.post(page, url.Values{"csrf_token": {tok}, "party_npwp": {employee}, "role": {"chief_of_everything"}, "valid_from": {"2001-01-01"}})
		want(t, p, http.StatusUnprocessableEntity, "the grant has errors", `id="grant-role-error"`, "is not a role", `id="grant-valid_from-error"`, "is in the past")

		// A grant, shown with its Coretax code, and its revocation.
		p = pic.post(page, url.Values{"csrf_token": {tok}, "party_npwp": {employee}, "role": {"ROLE_CTAS_PORTAL_TAX_INVOICE_SIGNER"}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, page+"?done=granted") {
			t.Fatalf("grant: %d %s\n%.600s", p.status, p.location, p.body)
		}
		p = pic.get(page + "?done=granted")
		want(t, p, http.StatusOK, "The role is granted", "Tax invoices (faktur pajak): signer", "active since")
		m := grantIDPattern.FindStringSubmatch(p.body)
		if m == nil {
			t.Fatalf("no revoke button:\n%.2000s", p.body)
		}
		// The same role again overlaps: 409 with the message at the field.
		p = pic.post(page, url.Values{"csrf_token": {tok}, "party_npwp": {employee}, "role": {"tax_invoice_signer"}})
		want(t, p, http.StatusConflict, "already holds tax_invoice_signer")

		// The employee still may not revoke it.
		want(t, emp.post(page+"/"+m[1]+"/revoke", url.Values{"csrf_token": {emp.token("/access/why")}}), http.StatusForbidden)
		p = pic.post(page+"/"+m[1]+"/revoke", url.Values{"csrf_token": {tok}})
		if p.status != http.StatusSeeOther || !strings.Contains(p.location, "done=revoked") {
			t.Fatalf("revoke: %d %s\n%.600s", p.status, p.location, p.body)
		}
		p = pic.get(page)
		want(t, p, http.StatusOK, "Ended grants (1)", "revoked ")
		if grantIDPattern.MatchString(p.body) {
			t.Error("a revoked grant still has a revoke button")
		}
		// Revoking it twice clashes with what is stored.
		want(t, pic.post(page+"/"+m[1]+"/revoke", url.Values{"csrf_token": {tok}}), http.StatusConflict)

		// An officer holding officer.access reads the page, without forms,
		// and may not grant.
		off := s.as(t, "budi", "petugas kpp badung")
		p = off.get(page)
		want(t, p, http.StatusOK, "Made Wirawan", "Ended grants (1)")
		if strings.Contains(p.body, "Grant a role") || grantIDPattern.MatchString(p.body) {
			t.Error("an officer is shown the forms")
		}
		want(t, off.post(page, url.Values{"csrf_token": {off.token("/access/why")}, "party_npwp": {employee}, "role": {"payment"}}), http.StatusForbidden)
	})
}

func TestConsultantInvitationPages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newRolesSite(t, db)
		company := string(s.world.Company.NPWP)
		owner := string(s.world.VillaOwner.NPWP)
		page := "/taxpayers/" + company + "/roles"
		thisMonth := time.Now().Format("2006-01")
		nextYear := time.Now().AddDate(1, 0, 0).Format("2006-01")

		want(t, s.get("/access/invitations"), http.StatusUnauthorized, "sign in to see the consultant invitations")

		pic := s.as(t, string(s.world.Director.NPWP), "gruber villa sunrise")
		tok := pic.token(page)
		invite := url.Values{"csrf_token": {tok}, "consultant_npwp": {owner}, "roles": {"vat_return_drafter", "vat_return_signer"},
			"from": {thisMonth}, "until": {nextYear}}

		// CSRF, then rejected input.
		p := pic.post("/taxpayers/"+company+"/consultants", url.Values{"consultant_npwp": {owner}, "roles": {"payment"}, "from": {thisMonth}, "until": {nextYear}})
		want(t, p, http.StatusForbidden, "security token")
		p = pic.post("/taxpayers/"+company+"/consultants", url.Values{"csrf_token": {tok}, "consultant_npwp": {company}, "from": {"last year"}, "until": {nextYear}})
		want(t, p, http.StatusUnprocessableEntity, "the invitation has errors", `id="invite-consultant_npwp-error"`, "not an individual",
			`id="invite-roles-error"`, "choose at least one role", `id="invite-from-error"`, "must be a month")

		// Someone who is not the main PIC may not invite.
		emp := s.as(t, string(s.world.Employee.NPWP), "wirawan kopi pagi")
		want(t, emp.post("/taxpayers/"+company+"/consultants", url.Values{"csrf_token": {emp.token("/access/why")}, "consultant_npwp": {owner},
			"roles": {"payment"}, "from": {thisMonth}, "until": {nextYear}}), http.StatusForbidden, "appoint or revoke tax consultants")

		p = pic.post("/taxpayers/"+company+"/consultants", invite)
		if p.status != http.StatusSeeOther || !strings.Contains(p.location, "done=invited") {
			t.Fatalf("invite: %d %s\n%.600s", p.status, p.location, p.body)
		}
		want(t, pic.get(page), http.StatusOK, "I Ketut Sudarma", "pending", "ROLE_CTAS_PORTAL_VAT_TAX_RETURN_SIGNER")
		invite.Set("roles", "payment")
		if p := pic.post("/taxpayers/"+company+"/consultants", invite); p.status != http.StatusSeeOther {
			t.Fatalf("second invitation: %d", p.status)
		}

		// The consultant sees both and accepts the first, declines the second.
		con := s.as(t, owner, "sudarma sawah hijau")
		p = con.get("/access/invitations")
		want(t, p, http.StatusOK, "Waiting for your answer", "PT Surya Kencana Villas", "VAT returns (SPT Masa PPN): signer", "No answered invitations.")
		ids := invitationIDPattern.FindAllStringSubmatch(p.body, -1)
		if len(ids) != 2 {
			t.Fatalf("pending invitations = %v", ids)
		}
		ctok := tokenPattern.FindStringSubmatch(p.body)[1]
		// Newest first: ids[0] is the payment invitation.
		want(t, con.post("/access/invitations/"+ids[1][1]+"/accept", url.Values{}), http.StatusForbidden, "security token")
		// The PIC is not the one invited.
		want(t, pic.post("/access/invitations/"+ids[1][1]+"/accept", url.Values{"csrf_token": {tok}}), http.StatusNotFound)
		p = con.post("/access/invitations/"+ids[1][1]+"/accept", url.Values{"csrf_token": {ctok}})
		if p.status != http.StatusSeeOther || p.location != "/access/invitations?done=accepted" {
			t.Fatalf("accept: %d %s\n%.600s", p.status, p.location, p.body)
		}
		p = con.post("/access/invitations/"+ids[0][1]+"/decline", url.Values{"csrf_token": {ctok}})
		if p.status != http.StatusSeeOther || p.location != "/access/invitations?done=declined" {
			t.Fatalf("decline: %d %s", p.status, p.location)
		}
		p = con.get("/access/invitations?done=accepted")
		want(t, p, http.StatusOK, "You accepted the invitation", "No invitation is waiting", "accepted", "declined")
		// An answered invitation cannot be answered again.
		want(t, con.post("/access/invitations/"+ids[1][1]+"/decline", url.Values{"csrf_token": {ctok}}), http.StatusConflict)

		// The accepted appointment gives rights at once; the PIC revokes it.
		want(t, con.get("/access/why?taxpayer="+company+"&action=registration.read"), http.StatusOK, "You may see this taxpayer")
		p = pic.get(page)
		m := appointmentIDPattern.FindStringSubmatch(p.body)
		if m == nil {
			t.Fatalf("no revoke button for the accepted appointment:\n%.2000s", p.body)
		}
		if p := pic.post("/taxpayers/"+company+"/consultants/"+m[1]+"/revoke", url.Values{"csrf_token": {tok}}); p.status != http.StatusSeeOther {
			t.Fatalf("revoke appointment: %d\n%.400s", p.status, p.body)
		}
		want(t, pic.get(page+"?done=consultant_revoked"), http.StatusOK, "The consultant appointment is revoked", "revoked")
		want(t, con.get("/access/why?taxpayer="+company+"&action=registration.read"), http.StatusOK, "You may not see this taxpayer")
	})
}

func TestWhyPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newRolesSite(t, db)
		company := string(s.world.Company.NPWP)

		want(t, s.get("/access/why"), http.StatusUnauthorized, "sign in to see what you may do")

		emp := s.as(t, string(s.world.Employee.NPWP), "wirawan kopi pagi")
		p := emp.get("/access/why")
		want(t, p, http.StatusOK, "Why can't I?", `value="roles.grant"`, "grant or revoke roles for this taxpayer", `value="`+string(s.world.Employee.NPWP)+`"`)

		p = emp.get("/access/why?taxpayer=" + company + "&action=roles.grant")
		want(t, p, http.StatusOK, "You may not grant or revoke roles for this taxpayer", "✗</span> not met", "✓</span> met", "is the main PIC")

		p = emp.get("/access/why?taxpayer=" + company + "&action=no.such.action")
		want(t, p, http.StatusUnprocessableEntity, `id="why-action-error"`, "is not an action")
		p = emp.get("/access/why?taxpayer=12345&action=")
		want(t, p, http.StatusUnprocessableEntity, `id="why-action-error"`, "is required")

		pic := s.as(t, string(s.world.Director.NPWP), "gruber villa sunrise")
		p = pic.get("/access/why?taxpayer=" + company + "&action=roles.grant")
		want(t, p, http.StatusOK, "You may grant or revoke roles for this taxpayer", "Every condition is met")
		if strings.Contains(p.body, "not met</span>") {
			t.Error("an allowed action shows an unmet condition")
		}
	})
}

func TestRolesPagesUnavailable(t *testing.T) {
	s := newSite(t)
	for _, path := range []string{"/access/why", "/access/invitations", "/taxpayers/5171031204900003/roles"} {
		want(t, s.get(path), http.StatusServiceUnavailable, "roles and delegation are not served")
	}
}
