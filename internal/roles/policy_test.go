package roles_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/google/go-cmp/cmp"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// actApprove stands for a document action of a later module: approving a
// tax invoice needs the tax invoice signer role.
const actApprove actor.Action = "efaktur.approve"

// world is a company with a main PIC, a director, a commissioner, a
// consultant and an outsider, on 2026-11-24 WIB.
type world struct {
	db     *storage.DB
	clock  *clock
	reg    *registration.Service
	policy *roles.Policy
	svc    *roles.Service
	sys    context.Context

	company, pic, director, commissioner, consultant, outsider registration.Taxpayer
}

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func newWorld(t *testing.T, db *storage.DB) *world {
	t.Helper()
	w := &world{db: db, clock: &clock{t: time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)}}
	w.sys = actor.With(context.Background(), actor.SystemActor("test"))
	rs := db.Registry()
	at := w.clock.t
	if _, err := rs.PutPeople(w.sys, []registry.Person{
		{NIK: "5171031204900003", Name: "MADE WIRAWAN", BirthDate: date("1990-04-12"), Sex: "M", Street: "Jl. Gunung Agung 17", ProvinceCode: "51", RegencyCode: "5171", DistrictCode: "517103"},
		{NIK: "5171016308950002", Name: "NI LUH PUTU AYU LESTARI", BirthDate: date("1995-08-23"), Sex: "F", Street: "Jl. Tukad Badung 8", ProvinceCode: "51", RegencyCode: "5171", DistrictCode: "517101"},
		{NIK: "5104050502680001", Name: "I KETUT SUDARMA", BirthDate: date("1968-02-05"), Sex: "M", Street: "Jl. Raya Pengosekan", ProvinceCode: "51", RegencyCode: "5104", DistrictCode: "510405"},
		{NIK: "5103013011750004", Name: "I WAYAN SANTIKA", BirthDate: date("1975-11-30"), Sex: "M", Street: "Jl. Raya Kuta 61", ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510301"},
	}, at); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.PutImmigration(w.sys, []registry.ImmigrationRecord{
		{Passport: "U4481233", Nationality: "AUT", Name: "JOHANN GRUBER", BirthDate: date("1979-06-14"), Sex: "M",
			PassportExpires: date("2031-03-01"), StayPermitKind: "KITAS", StayPermitNumber: "2C21AB0045781", StayPermitExpires: date("2027-09-30")},
	}, at); err != nil {
		t.Fatal(err)
	}
	putCompany(t, w, true)
	w.reg = registration.NewService(db.Registration(), rs, registration.OpenPolicy(), w.clock.now, registration.DefaultConfig())
	rules := roles.DefaultRules().Merge(roles.Rules{actApprove: {Need: roles.HoldsRole, Role: roles.TaxInvoiceSigner, What: "approve tax invoices"}})
	w.policy = roles.NewPolicy(db.Roles(), rs, w.clock.now, rules)
	w.svc = roles.NewService(db.Roles(), w.policy, w.clock.now)

	addr := registration.AddressInput{Street: "Jl. Raya Uluwatu 88", ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510305", PostalCode: "80361"}
	register := func(app registration.Application) registration.Taxpayer {
		t.Helper()
		app.Address = addr
		tp, err := w.reg.Register(w.sys, app)
		if err != nil {
			t.Fatalf("register %s: %v", app.Name, err)
		}
		return tp
	}
	w.pic = register(registration.Application{Kind: "foreign_individual", Name: "Johann Gruber", PassportNumber: "U4481233", Nationality: "AUT", Email: "johann@example.com", Mobile: "+43 664 1234567"})
	w.director = register(registration.Application{Kind: "resident_individual", Name: "Made Wirawan", NIK: "5171031204900003", Email: "made@example.com", Mobile: "081237604411"})
	w.commissioner = register(registration.Application{Kind: "resident_individual", Name: "I Wayan Santika", NIK: "5103013011750004", Email: "wayan@example.com", Mobile: "081237604412"})
	w.consultant = register(registration.Application{Kind: "resident_individual", Name: "Ni Luh Putu Ayu Lestari", NIK: "5171016308950002", Email: "ayu@example.com", Mobile: "081237604413"})
	w.outsider = register(registration.Application{Kind: "resident_individual", Name: "I Ketut Sudarma", NIK: "5104050502680001", Email: "ketut@example.com", Mobile: "081237604414"})
	w.company = register(registration.Application{Kind: "entity", Name: "PT Surya Kencana Villas", EntityForm: "PT_PMA", DeedNumber: "12", RegistryNumber: "9120001234567", Email: "finance@example.com", Mobile: "081338801234"})
	for i, p := range []registration.PartyInput{
		{Relation: "director", NPWP: string(w.pic.NPWP), ValidFrom: "2024-01-15", MainPIC: true},
		{Relation: "director", NPWP: string(w.director.NPWP), ValidFrom: "2024-01-15"},
		{Relation: "commissioner", NPWP: string(w.commissioner.NPWP), ValidFrom: "2024-01-15", ValidUntil: "2025-12-31"},
	} {
		p.Version = i + 1
		if _, err := w.reg.AddParty(w.sys, string(w.company.NPWP), p); err != nil {
			t.Fatalf("add party %d: %v", i, err)
		}
	}
	return w
}

// putCompany loads the company registry; without withDirector it no
// longer lists Made Wirawan as director.
func putCompany(t *testing.T, w *world, withDirector bool) {
	t.Helper()
	officers := []registry.Officer{
		{Position: registry.Director, Name: "JOHANN GRUBER", Passport: "U4481233", Nationality: "AUT"},
		{Position: registry.Commissioner, Name: "I WAYAN SANTIKA", NIK: "5103013011750004"},
	}
	if withDirector {
		officers = append(officers, registry.Officer{Position: registry.Director, Name: "MADE WIRAWAN", NIK: "5171031204900003"})
	}
	if _, err := w.db.Registry().PutCompanies(w.sys, []registry.Company{{RegistryNumber: "9120001234567", Name: "PT SURYA KENCANA VILLAS",
		Form: "PT_PMA", DeedNumber: "12", Officers: officers}}, w.clock.t); err != nil {
		t.Fatal(err)
	}
}

func as(p registration.Taxpayer) context.Context {
	return actor.With(context.Background(), actor.Actor{Kind: actor.Taxpayer, ID: string(p.NPWP), TaxpayerID: p.ID, Address: "192.0.2.1"})
}

func officer(name string) context.Context {
	return actor.With(context.Background(), actor.Actor{Kind: actor.Officer, ID: name})
}

func (w *world) grant(t *testing.T, party registration.Taxpayer, role roles.Role, from, until string) roles.Grant {
	t.Helper()
	g, err := w.svc.Grant(as(w.pic), string(w.company.NPWP), roles.GrantInput{PartyNPWP: string(party.NPWP), Role: string(role), ValidFrom: from, ValidUntil: until})
	if err != nil {
		t.Fatalf("grant %s to %s: %v", role, party.Name, err)
	}
	return g
}

func (w *world) appoint(t *testing.T, from, until string, rs ...roles.Role) roles.Appointment {
	t.Helper()
	var names []string
	for _, r := range rs {
		names = append(names, string(r))
	}
	a, err := w.svc.Appoint(as(w.pic), string(w.company.NPWP), roles.AppointInput{ConsultantNPWP: string(w.consultant.NPWP), Roles: names, From: from, Until: until})
	if err != nil {
		t.Fatalf("appoint: %v", err)
	}
	return a
}

// decision is the outcome of Allow: "ok", or the error kind with a part
// of the message that names the unmet condition.
func decision(err error) string {
	if err == nil {
		return "ok"
	}
	return errs.KindOf(err).String() + ": " + errs.Message(err)
}

func TestPolicyDecisions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		anon := actor.With(context.Background(), actor.Actor{Kind: actor.Anonymous, Address: "192.0.2.9"})
		if _, err := w.svc.GrantOfficerRole(w.sys, "budi", string(roles.OfficerRegistration)); err != nil {
			t.Fatal(err)
		}
		type tc struct {
			name   string
			setup  func(t *testing.T)
			ctx    func() context.Context
			act    actor.Action
			target func() int64
			want   string // "ok" or a substring of "Kind: message"
		}
		company := func() int64 { return w.company.ID }
		none := func() int64 { return 0 }
		for _, c := range []tc{
			{name: "anonymous reads a profile", ctx: func() context.Context { return anon }, act: registration.ActRead, target: company, want: "unauthenticated: sign in to see this taxpayer's profile"},
			{name: "anonymous registers", ctx: func() context.Context { return anon }, act: registration.ActRegister, target: none, want: "ok"},
			{name: "anonymous searches", ctx: func() context.Context { return anon }, act: registration.ActSearch, target: none, want: "unauthenticated"},
			{name: "own record read", ctx: func() context.Context { return as(w.outsider) }, act: registration.ActRead, target: func() int64 { return w.outsider.ID }, want: "ok"},
			{name: "own record update", ctx: func() context.Context { return as(w.outsider) }, act: registration.ActUpdate, target: func() int64 { return w.outsider.ID }, want: "ok"},
			{name: "own record of an individual holds every role", ctx: func() context.Context { return as(w.outsider) }, act: actApprove, target: func() int64 { return w.outsider.ID }, want: "ok"},
			{name: "entity's own login does not sign", ctx: func() context.Context { return as(w.company) }, act: actApprove, target: company, want: "not met: document work is done by a person"},
			{name: "entity's own login manages its parties", ctx: func() context.Context { return as(w.company) }, act: registration.ActManage, target: company, want: "ok"},
			{name: "another person's record", ctx: func() context.Context { return as(w.outsider) }, act: registration.ActRead, target: func() int64 { return w.director.ID }, want: "forbidden: you may not see this taxpayer's profile: not met: is an active related party or an accepted consultant of the taxpayer"},
			{name: "outsider on the company", ctx: func() context.Context { return as(w.outsider) }, act: registration.ActRead, target: company, want: "records no relation with you"},
			{name: "PIC updates", ctx: func() context.Context { return as(w.pic) }, act: registration.ActUpdate, target: company, want: "ok"},
			{name: "PIC manages parties", ctx: func() context.Context { return as(w.pic) }, act: registration.ActManage, target: company, want: "ok"},
			{name: "PIC holds every role", ctx: func() context.Context { return as(w.pic) }, act: actApprove, target: company, want: "ok"},
			{name: "director reads", ctx: func() context.Context { return as(w.director) }, act: registration.ActRead, target: company, want: "ok"},
			{name: "director does not update", ctx: func() context.Context { return as(w.director) }, act: registration.ActUpdate, target: company, want: "not met: is the main PIC of PT Surya Kencana Villas (the main PIC is Johann Gruber since 2024-01-15)"},
			{name: "director without role", ctx: func() context.Context { return as(w.director) }, act: actApprove, target: company, want: "not met: holds the role tax_invoice_signer (ROLE_CTAS_PORTAL_TAX_INVOICE_SIGNER) (never granted"},
			{name: "director with role", setup: func(t *testing.T) { w.grant(t, w.director, roles.TaxInvoiceSigner, "", "") },
				ctx: func() context.Context { return as(w.director) }, act: actApprove, target: company, want: "ok"},
			{name: "director's role expired yesterday", setup: func(t *testing.T) {
				w.grant(t, w.director, roles.TaxInvoiceSigner, "", "2026-11-24")
				w.clock.t = w.clock.t.AddDate(0, 0, 1)
			}, ctx: func() context.Context { return as(w.director) }, act: actApprove, target: company, want: "(expired 2026-11-24)"},
			{name: "director's role starts tomorrow", setup: func(t *testing.T) { w.grant(t, w.director, roles.TaxInvoiceSigner, "2026-11-25", "") },
				ctx: func() context.Context { return as(w.director) }, act: actApprove, target: company, want: "(starts 2026-11-25)"},
			{name: "director's role revoked", setup: func(t *testing.T) {
				g := w.grant(t, w.director, roles.TaxInvoiceSigner, "", "")
				if err := w.svc.Revoke(as(w.pic), string(w.company.NPWP), g.ID); err != nil {
					t.Fatal(err)
				}
			}, ctx: func() context.Context { return as(w.director) }, act: actApprove, target: company, want: "(revoked 2026-11-24)"},
			{name: "ended related party", ctx: func() context.Context { return as(w.commissioner) }, act: registration.ActRead, target: company, want: "not met: is an active related party of PT Surya Kencana Villas (commissioner from 2024-01-15 until 2025-12-31 (ended))"},
			{name: "director dropped from the company registry", setup: func(t *testing.T) { putCompany(t, w, false) },
				ctx: func() context.Context { return as(w.director) }, act: registration.ActRead, target: company, want: "not met: the person's name matches the company registry officer list (the company registry lists no director of PT SURYA KENCANA VILLAS with NIK 5171031204900003"},
			{name: "consultant pending", setup: func(t *testing.T) { w.appoint(t, "2026-11", "2026-12", roles.TaxInvoiceSigner) },
				ctx: func() context.Context { return as(w.consultant) }, act: registration.ActRead, target: company, want: "not met: consultant invitation from PT Surya Kencana Villas accepted (appointment of 2026-11 to 2026-12, pending; accept it under Invitations)"},
			{name: "consultant accepted", setup: func(t *testing.T) {
				a := w.appoint(t, "2026-11", "2026-12", roles.TaxInvoiceSigner)
				if _, err := w.svc.Answer(as(w.consultant), string(w.consultant.NPWP), a.ID, true); err != nil {
					t.Fatal(err)
				}
			}, ctx: func() context.Context { return as(w.consultant) }, act: actApprove, target: company, want: "ok"},
			{name: "consultant declined", setup: func(t *testing.T) {
				a := w.appoint(t, "2026-11", "2026-12", roles.TaxInvoiceSigner)
				if _, err := w.svc.Answer(as(w.consultant), string(w.consultant.NPWP), a.ID, false); err != nil {
					t.Fatal(err)
				}
			}, ctx: func() context.Context { return as(w.consultant) }, act: registration.ActRead, target: company, want: "declined"},
			{name: "consultant without the role", setup: func(t *testing.T) {
				a := w.appoint(t, "2026-11", "2026-12", roles.VATReturnDrafter)
				if _, err := w.svc.Answer(as(w.consultant), string(w.consultant.NPWP), a.ID, true); err != nil {
					t.Fatal(err)
				}
			}, ctx: func() context.Context { return as(w.consultant) }, act: actApprove, target: company, want: "not met: the appointment includes the role tax_invoice_signer"},
			{name: "consultant outside the period", setup: func(t *testing.T) {
				a := w.appoint(t, "2027-01", "2027-03", roles.TaxInvoiceSigner)
				if _, err := w.svc.Answer(as(w.consultant), string(w.consultant.NPWP), a.ID, true); err != nil {
					t.Fatal(err)
				}
			}, ctx: func() context.Context { return as(w.consultant) }, act: actApprove, target: company, want: "not met: the accepted appointment covers today (2026-11-24)"},
			{name: "consultant cannot manage", setup: func(t *testing.T) {
				a := w.appoint(t, "2026-11", "2026-12", roles.TaxInvoiceSigner)
				if _, err := w.svc.Answer(as(w.consultant), string(w.consultant.NPWP), a.ID, true); err != nil {
					t.Fatal(err)
				}
			}, ctx: func() context.Context { return as(w.consultant) }, act: registration.ActManage, target: company, want: "not met: is the main PIC of PT Surya Kencana Villas"},
			{name: "officer with officer role searches", ctx: func() context.Context { return officer("budi") }, act: registration.ActSearch, target: none, want: "ok"},
			{name: "officer with officer role reads", ctx: func() context.Context { return officer("budi") }, act: registration.ActRead, target: company, want: "ok"},
			{name: "officer without officer role", ctx: func() context.Context { return officer("sari") }, act: registration.ActSearch, target: none, want: "not met: holds the officer role officer.registration (officer sari holds no officer role; an administrator grants it with: coretax officer grant --username sari --role officer.registration)"},
			{name: "officer does not grant taxpayer roles", ctx: func() context.Context { return officer("budi") }, act: roles.ActGrant, target: company, want: "not met: officers may grant or revoke roles"},
			{name: "taxpayer does not search", ctx: func() context.Context { return as(w.pic) }, act: registration.ActSearch, target: none, want: "only tax officers may search the register"},
			{name: "unknown action", ctx: func() context.Context { return as(w.pic) }, act: "nothing.at_all", target: company, want: "no access rule covers the action nothing.at_all"},
			{name: "system", ctx: func() context.Context { return w.sys }, act: roles.ActOfficer, target: none, want: "ok"},
		} {
			t.Run(c.name, func(t *testing.T) {
				w.clock.t = time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
				putCompany(t, w, true)
				if _, err := w.db.SQL().ExecContext(context.Background(), `DELETE FROM role_grants`); err != nil {
					t.Fatal(err)
				}
				if _, err := w.db.SQL().ExecContext(context.Background(), `DELETE FROM consultant_appointments`); err != nil {
					t.Fatal(err)
				}
				if c.setup != nil {
					c.setup(t)
				}
				got := decision(w.policy.Allow(c.ctx(), c.act, c.target()))
				if c.want == "ok" && got != "ok" || !strings.Contains(got, c.want) {
					t.Errorf("Allow(%s) = %q, want %q", c.act, got, c.want)
				}
			})
		}
	})
}

// TestIDGuessing: a person who types another taxpayer's NPWP is refused
// by every registration read, and cannot tell more than that it exists.
func TestIDGuessing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		reg := registration.NewService(db.Registration(), db.Registry(), w.policy, w.clock.now, registration.DefaultConfig())
		ctx := as(w.outsider)
		for _, npwp := range []string{string(w.director.NPWP), string(w.company.NPWP), w.company.NPWP.Format()} {
			if _, err := reg.Profile(ctx, npwp); !errs.Is(errs.Forbidden, err) {
				t.Errorf("Profile(%s) as outsider = %v, want Forbidden", npwp, err)
			} else if strings.Contains(errs.Message(err), "Surya") || strings.Contains(errs.Message(err), "Made") {
				t.Errorf("refusal names the taxpayer: %v", err)
			}
			if _, err := reg.History(ctx, npwp, 0, 10); !errs.Is(errs.Forbidden, err) {
				t.Errorf("History(%s) as outsider = %v, want Forbidden", npwp, err)
			}
			if _, err := reg.Represented(ctx, npwp); !errs.Is(errs.Forbidden, err) {
				t.Errorf("Represented(%s) as outsider = %v, want Forbidden", npwp, err)
			}
		}
		if _, err := w.svc.People(ctx, string(w.company.NPWP)); !errs.Is(errs.Forbidden, err) {
			t.Errorf("People as outsider = %v, want Forbidden", err)
		}
		if _, err := w.svc.Invitations(ctx, string(w.consultant.NPWP)); !errs.Is(errs.Forbidden, err) {
			t.Errorf("Invitations of another person = %v, want Forbidden", err)
		}
		// Answering someone else's invitation by its number.
		a := w.appoint(t, "2026-11", "2026-12", roles.TaxInvoiceDrafter)
		if _, err := w.svc.Answer(ctx, string(w.outsider.NPWP), a.ID, true); !errs.Is(errs.NotFound, err) {
			t.Errorf("Answer of another's invitation = %v, want NotFound", err)
		}
		// Revoking another entity's grant by its number.
		g := w.grant(t, w.director, roles.TaxInvoiceDrafter, "", "")
		if err := w.svc.Revoke(as(w.outsider), string(w.outsider.NPWP), g.ID); !errs.Is(errs.NotFound, err) {
			t.Errorf("Revoke of another's grant through own NPWP = %v, want NotFound", err)
		}
		if err := w.svc.Revoke(as(w.outsider), string(w.company.NPWP), g.ID); !errs.Is(errs.Forbidden, err) {
			t.Errorf("Revoke of another's grant = %v, want Forbidden", err)
		}
		if _, err := reg.Profile(as(w.director), string(w.company.NPWP)); err != nil {
			t.Errorf("Profile as director = %v, want it allowed", err)
		}
	})
}

func TestAPITokenConfinedToItsTaxpayer(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		ctx := actor.With(context.Background(), actor.Actor{Kind: actor.Taxpayer, ID: string(w.pic.NPWP), TaxpayerID: w.pic.ID,
			ActingForID: w.company.ID, ActingFor: string(w.company.NPWP), TokenID: 7})
		if err := w.policy.Allow(ctx, registration.ActRead, w.company.ID); err != nil {
			t.Errorf("token for the company reading it: %v", err)
		}
		if err := w.policy.Allow(ctx, registration.ActRead, w.pic.ID); !errs.Is(errs.Forbidden, err) {
			t.Errorf("token for the company reading its holder's own record = %v, want Forbidden", err)
		}
	})
}

func TestCanActFor(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		for _, c := range []struct {
			person, target registration.Taxpayer
			want           string
		}{
			{w.pic, w.company, "ok"},
			{w.director, w.company, "ok"},
			{w.director, w.director, "ok"},
			{w.commissioner, w.company, "is an active related party"},
			{w.outsider, w.company, "records no relation with you"},
			{w.outsider, w.director, "records no relation with you"},
			{w.consultant, w.company, "records no relation with you"},
		} {
			if got := decision(w.policy.CanActFor(ctx, c.person.ID, c.target.ID)); c.want == "ok" && got != "ok" || !strings.Contains(got, c.want) {
				t.Errorf("CanActFor(%s, %s) = %q, want %q", c.person.Name, c.target.Name, got, c.want)
			}
		}
		a := w.appoint(t, "2026-11", "2026-11", roles.AnnualReturnDrafter)
		if err := w.policy.CanActFor(ctx, w.consultant.ID, w.company.ID); !errs.Is(errs.Forbidden, err) {
			t.Errorf("pending consultant may act: %v", err)
		}
		if _, err := w.svc.Answer(as(w.consultant), string(w.consultant.NPWP), a.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := w.policy.CanActFor(ctx, w.consultant.ID, w.company.ID); err != nil {
			t.Errorf("accepted consultant: %v", err)
		}
		w.clock.t = date("2026-12-01").Add(time.Hour) // 08:00 WIB on 1 December
		if err := w.policy.CanActFor(ctx, w.consultant.ID, w.company.ID); !errs.Is(errs.Forbidden, err) {
			t.Errorf("consultant after the last month: %v", err)
		}
		w.clock.t = date("2026-11-30").Add(16 * time.Hour) // 23:00 WIB on 30 November
		if err := w.policy.CanActFor(ctx, w.consultant.ID, w.company.ID); err != nil {
			t.Errorf("consultant on the last evening of the period (WIB): %v", err)
		}
		if err := w.svc.RevokeAppointment(as(w.pic), string(w.company.NPWP), a.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.policy.CanActFor(ctx, w.consultant.ID, w.company.ID); !errs.Is(errs.Forbidden, err) {
			t.Errorf("revoked consultant may act: %v", err)
		}
	})
}

func TestWhy(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		w.grant(t, w.director, roles.TaxInvoiceSigner, "", "2026-11-24")
		w.clock.t = w.clock.t.AddDate(0, 0, 1)
		d, err := w.svc.Why(as(w.director), w.company.NPWP.Format(), string(actApprove))
		if err != nil {
			t.Fatal(err)
		}
		want := []roles.Condition{
			{Name: "PT Surya Kencana Villas is registered", Met: true, Detail: "NPWP " + w.company.NPWP.Format()},
			{Name: "is an active related party of PT Surya Kencana Villas", Met: true, Detail: "director since 2024-01-15"},
			{Name: "the person's name matches the company registry officer list", Met: true, Detail: "listed as director MADE WIRAWAN of PT SURYA KENCANA VILLAS"},
			{Name: "holds the role tax_invoice_signer (ROLE_CTAS_PORTAL_TAX_INVOICE_SIGNER)", Met: false, Detail: "expired 2026-11-24"},
		}
		if diff := cmp.Diff(want, d.Conditions); diff != "" {
			t.Errorf("Why conditions (-want +got):\n%s", diff)
		}
		if d.Allowed || d.Action != actApprove {
			t.Errorf("Allowed = %v, Action = %s", d.Allowed, d.Action)
		}

		d, err = w.svc.Why(as(w.pic), string(w.company.NPWP), string(registration.ActUpdate))
		if err != nil {
			t.Fatal(err)
		}
		if !d.Allowed || d.Conditions[len(d.Conditions)-1].Name != "is the main PIC of PT Surya Kencana Villas" {
			t.Errorf("PIC update: %+v", d)
		}

		if d, err = w.svc.Why(as(w.outsider), "0999999999999999", string(registration.ActRead)); err != nil || d.Allowed || !strings.Contains(d.Conditions[0].Detail, "no taxpayer is registered") {
			t.Errorf("Why on an unknown NPWP = %+v, %v", d, err)
		}
		if _, err := w.svc.Why(as(w.outsider), string(w.company.NPWP), "registration.fly"); !errs.Is(errs.Invalid, err) {
			t.Errorf("Why with an unknown action = %v, want Invalid", err)
		}
		if _, err := w.svc.Why(context.Background(), string(w.company.NPWP), string(registration.ActRead)); !errs.Is(errs.Unauthenticated, err) {
			t.Errorf("Why anonymous = %v, want Unauthenticated", err)
		}
	})
}
