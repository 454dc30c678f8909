package registration_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/taxid"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

type fixture struct {
	svc   *registration.Service
	clock *clock
	db    *storage.DB
	ctx   context.Context
}

// setup returns a service on db with the reference registries loaded.
func setup(t *testing.T, db *storage.DB) fixture {
	t.Helper()
	ctx := actor.With(context.Background(), actor.Actor{Kind: actor.Officer, ID: "test"})
	c := &clock{t: time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)}
	rs := db.Registry()
	at := c.t
	if _, err := rs.PutPeople(ctx, []registry.Person{
		{NIK: "5171031204900003", Name: "MADE WIRAWAN", BirthDate: date("1990-04-12"), Sex: "M", Street: "Jl. Gunung Agung 17", ProvinceCode: "51", RegencyCode: "5171", DistrictCode: "517103"},
		{NIK: "5103013011750004", Name: "I WAYAN SANTIKA", BirthDate: date("1975-11-30"), Sex: "M", Street: "Jl. Pratama 61", ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510301"},
		{NIK: "5104054502880002", Name: "NI KADEK SARI", BirthDate: date("1988-02-05"), Sex: "F", Street: "Jl. Raya Ubud 3", ProvinceCode: "51", RegencyCode: "5104", DistrictCode: "510405"},
	}, at); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.PutImmigration(ctx, []registry.ImmigrationRecord{
		{Passport: "U4481233", Nationality: "AUT", Name: "JOHANN GRUBER", BirthDate: date("1979-06-14"), Sex: "M",
			PassportExpires: date("2031-03-01"), StayPermitKind: "KITAS", StayPermitNumber: "2C21AB0045781", StayPermitExpires: date("2027-09-30")},
		{Passport: "E9001234", Nationality: "AUS", Name: "SARAH JONES", BirthDate: date("1985-01-20"), Sex: "F",
			PassportExpires: date("2030-01-01")},
	}, at); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.PutCompanies(ctx, []registry.Company{{
		RegistryNumber: "9120001234567", Name: "PT SURYA KENCANA VILLAS", Form: "PT_PMA", DeedNumber: "12",
		Officers: []registry.Officer{
			{Position: registry.Director, Name: "JOHANN GRUBER", Passport: "P1111111", Nationality: "AUT"},
			{Position: registry.Commissioner, Name: "I WAYAN SANTIKA", NIK: "5103013011750004"},
			{Position: registry.Director, Name: "MADE WIRAWAN", NIK: "5171031204900003"},
		},
	}}, at); err != nil {
		t.Fatal(err)
	}
	svc := registration.NewService(db.Registration(), rs, registration.OpenPolicy(), c.now, registration.DefaultConfig())
	return fixture{svc: svc, clock: c, db: db, ctx: ctx}
}

func balinese(street, district string) registration.AddressInput {
	return registration.AddressInput{Street: street, ProvinceCode: "51", RegencyCode: district[:4], DistrictCode: district, PostalCode: "80361"}
}

func resident() registration.Application {
	return registration.Application{
		Kind: "resident_individual", Name: "Made Wirawan", NIK: "5171031204900003",
		Address: balinese("Jl. Gunung Agung No. 17", "517103"),
		Email:   "Made.Wirawan@Mail.example", Mobile: "0812-3760-4411",
	}
}

func foreigner() registration.Application {
	return registration.Application{
		Kind: "foreign_individual", Name: "Johann Gruber", PassportNumber: "u4481233", Nationality: "AUT",
		Address: balinese("Jl. Pantai Berawa 34", "510306"),
		Email:   "johann@example.com", Mobile: "+43 664 1234567",
	}
}

func company() registration.Application {
	return registration.Application{
		Kind: "entity", Name: "PT Surya Kencana Villas", EntityForm: "PT_PMA", DeedNumber: "12", RegistryNumber: "9120001234567",
		Address: balinese("Jl. Raya Uluwatu 88", "510305"),
		Email:   "finance@suryakencana.example", Mobile: "081338801234",
	}
}

// fieldErr returns the message for field in err, failing when absent.
func fieldErr(t *testing.T, err error, kind errs.Kind, field string) string {
	t.Helper()
	if err == nil {
		t.Fatalf("want a %v error on %s, got nil", kind, field)
	}
	if got := errs.KindOf(err); got != kind {
		t.Fatalf("kind = %v, want %v (%v)", got, kind, err)
	}
	for _, f := range errs.FieldsOf(err) {
		if f.Field == field {
			return f.Message
		}
	}
	t.Fatalf("no error on field %s in %v", field, err)
	return ""
}

func TestRegisterResident(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		tp, err := f.svc.Register(f.ctx, resident())
		if err != nil {
			t.Fatal(err)
		}
		if tp.NPWP != "5171031204900003" || tp.NIK != "5171031204900003" {
			t.Errorf("NPWP/NIK = %s/%s, want the NIK as NPWP", tp.NPWP, tp.NIK)
		}
		if tp.Email != "made.wirawan@mail.example" || tp.Mobile != "+6281237604411" {
			t.Errorf("contact = %s %s, want normalised", tp.Email, tp.Mobile)
		}
		if !tp.BirthDate.Equal(date("1990-04-12")) || tp.Sex != "M" {
			t.Errorf("birth/sex = %v %s", tp.BirthDate, tp.Sex)
		}
		prof, err := f.svc.Profile(f.ctx, "5171031204900003")
		if err != nil {
			t.Fatal(err)
		}
		if len(prof.Places) != 1 || prof.Places[0].NITKU != "5171031204900003000000" {
			t.Errorf("places = %+v, want the head office with NITKU NIK+000000", prof.Places)
		}
		hist, err := f.svc.History(f.ctx, string(tp.NPWP), 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 1 || hist[0].Action != "register" || hist[0].Actor != "officer:test" {
			t.Errorf("history = %+v", hist)
		}
	})
}

func TestRegisterRejections(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		tests := []struct {
			name   string
			edit   func(*registration.Application)
			kind   errs.Kind
			field  string
			substr string
		}{
			{"unknown kind", func(a *registration.Application) { a.Kind = "person" }, errs.Invalid, "kind", "resident_individual"},
			{"bad NIK day", func(a *registration.Application) { a.NIK = "5171033204900003" }, errs.Invalid, "nik", "32"},
			{"NIK not in registry", func(a *registration.Application) { a.NIK = "5171031204900009" }, errs.Invalid, "nik", "population registry"},
			{"name differs", func(a *registration.Application) { a.Name = "Made Wirawan Putra" }, errs.Invalid, "name", `"MADE WIRAWAN"`},
			{"bad email", func(a *registration.Application) { a.Email = "made at mail" }, errs.Invalid, "email", "name@domain"},
			{"bad mobile", func(a *registration.Application) { a.Mobile = "0361 123" }, errs.Invalid, "mobile", "start with 8"},
			{"regency outside province", func(a *registration.Application) { a.Address.RegencyCode = "3171" }, errs.Invalid, "address.regency_code", "must start with 51"},
			{"no postal code", func(a *registration.Application) { a.Address.PostalCode = "" }, errs.Invalid, "address.postal_code", "5 digits"},
			{"passport on resident", func(a *registration.Application) { a.PassportNumber = "X1" }, errs.Invalid, "passport_number", "does not apply"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				app := resident()
				tt.edit(&app)
				_, err := f.svc.Register(f.ctx, app)
				msg := fieldErr(t, err, tt.kind, tt.field)
				if !strings.Contains(msg, tt.substr) {
					t.Errorf("message %q does not contain %q", msg, tt.substr)
				}
			})
		}
	})
}

func TestContactBelongsToOneTaxpayer(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		if _, err := f.svc.Register(f.ctx, resident()); err != nil {
			t.Fatal(err)
		}
		app := foreigner()
		app.Email = "MADE.WIRAWAN@mail.example"
		_, err := f.svc.Register(f.ctx, app)
		if msg := fieldErr(t, err, errs.Conflict, "email"); !strings.Contains(msg, "one taxpayer") {
			t.Errorf("email message = %q", msg)
		}
		app = foreigner()
		app.Mobile = "+62 812 3760 4411"
		_, err = f.svc.Register(f.ctx, app)
		fieldErr(t, err, errs.Conflict, "mobile")
		// A resident registers once.
		_, err = f.svc.Register(f.ctx, resident())
		fieldErr(t, err, errs.Conflict, "nik")
	})
}

func TestRegisterForeigner(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		tp, err := f.svc.Register(f.ctx, foreigner())
		if err != nil {
			t.Fatal(err)
		}
		n, warnings, err := taxid.ParseNPWP(string(tp.NPWP))
		if err != nil || len(warnings) > 0 || n.IsNIK() {
			t.Errorf("allocated NPWP %s: err %v, warnings %v; want a valid legacy-form NPWP", tp.NPWP, err, warnings)
		}
		if !strings.HasPrefix(string(tp.NPWP), "008") {
			t.Errorf("NPWP %s does not start with 0 + type code 08", tp.NPWP)
		}
		if tp.StayPermit.Kind != "KITAS" || tp.StayPermit.Number != "2C21AB0045781" || !tp.StayPermit.Expires.Equal(date("2027-09-30")) {
			t.Errorf("stay permit = %+v, want it taken from the immigration registry", tp.StayPermit)
		}
		if tp.Passport != "U4481233" {
			t.Errorf("passport = %q, want upper case", tp.Passport)
		}

		// A second foreigner gets the next serial.
		app := registration.Application{Kind: "foreign_individual", Name: "Sarah Jones", PassportNumber: "E9001234", Nationality: "AUS",
			Address: balinese("Jl. Bisma 5", "510405"), Email: "sarah@example.au", Mobile: "+61 412 345 678"}
		app.Address.RegencyCode = "5104"
		tp2, err := f.svc.Register(f.ctx, app)
		if err != nil {
			t.Fatal(err)
		}
		if tp2.NPWP == tp.NPWP {
			t.Errorf("two foreigners got the same NPWP %s", tp.NPWP)
		}

		// A renewed passport that immigration has not recorded.
		app = foreigner()
		app.PassportNumber, app.Email, app.Mobile = "U9999999", "j2@example.com", "+43 664 7654321"
		_, err = f.svc.Register(f.ctx, app)
		if msg := fieldErr(t, err, errs.Invalid, "passport_number"); !strings.Contains(msg, "renewed") {
			t.Errorf("message %q should explain a renewed passport", msg)
		}
		// The right passport with the wrong nationality.
		app = foreigner()
		app.Nationality, app.Email, app.Mobile = "DEU", "j3@example.com", "+43 664 7654322"
		_, err = f.svc.Register(f.ctx, app)
		if msg := fieldErr(t, err, errs.Invalid, "nationality"); !strings.Contains(msg, "AUT") {
			t.Errorf("message %q should name the registry's nationality", msg)
		}
		// An expired stay permit.
		f.clock.t = date("2027-10-02")
		app = registration.Application{Kind: "foreign_individual", Name: "Johann Gruber", PassportNumber: "U4481233", Nationality: "AUT",
			StayPermitKind: "KITAS", StayPermitNumber: "2C21AB0045781", StayPermitExpires: "2027-09-30",
			Address: balinese("Jl. Pantai Berawa 34", "510306"), Email: "j4@example.com", Mobile: "+43 664 7654323"}
		_, err = f.svc.Register(f.ctx, app)
		fieldErr(t, err, errs.Invalid, "stay_permit_expires")
	})
}

func TestEntityPlacesPartiesAndPIC(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		dir, err := f.svc.Register(f.ctx, foreigner())
		if err != nil {
			t.Fatal(err)
		}
		emp, err := f.svc.Register(f.ctx, resident())
		if err != nil {
			t.Fatal(err)
		}
		co, err := f.svc.Register(f.ctx, company())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(co.NPWP), "001") {
			t.Errorf("entity NPWP %s should start with 0 + type code 01", co.NPWP)
		}
		npwp := string(co.NPWP)

		// Entity details must match the company registry.
		bad := company()
		bad.Name, bad.Email, bad.Mobile, bad.RegistryNumber = "PT Surya Kencana", "x@example.com", "081200000001", "9120001234567"
		_, err = f.svc.Register(f.ctx, bad)
		fieldErr(t, err, errs.Invalid, "name")

		p, err := f.svc.AddPlace(f.ctx, npwp, registration.PlaceInput{Version: 1, Name: "Villa Surya Canggu", Address: balinese("Jl. Batu Bolong 5", "510306")})
		if err != nil {
			t.Fatal(err)
		}
		if want := taxid.NITKU(npwp + "000001"); p.NITKU != want {
			t.Errorf("branch NITKU = %s, want %s", p.NITKU, want)
		}
		// A stale version is refused.
		_, err = f.svc.AddPlace(f.ctx, npwp, registration.PlaceInput{Version: 1, Name: "Another", Address: balinese("Jl. X 1", "510306")})
		if !errs.Is(errs.Conflict, err) {
			t.Errorf("stale version: got %v, want Conflict", err)
		}

		// The director's passport in the company registry is an old one:
		// the mismatch names the field and what to do.
		_, err = f.svc.AddParty(f.ctx, npwp, registration.PartyInput{Version: 2, Relation: "director", NPWP: string(dir.NPWP), ValidFrom: "2024-01-15", MainPIC: true})
		if msg := fieldErr(t, err, errs.Invalid, "passport_number"); !strings.Contains(msg, "P1111111") || !strings.Contains(msg, "update the company registry") {
			t.Errorf("message %q should name the registry passport and the fix", msg)
		}
		// Immigration updates the company registry; now it passes.
		if _, err := db.Registry().PutCompanies(f.ctx, []registry.Company{{
			RegistryNumber: "9120001234567", Name: "PT SURYA KENCANA VILLAS", Form: "PT_PMA", DeedNumber: "12",
			Officers: []registry.Officer{
				{Position: registry.Director, Name: "JOHANN GRUBER", Passport: "U4481233", Nationality: "AUT"},
				{Position: registry.Commissioner, Name: "I WAYAN SANTIKA", NIK: "5103013011750004"},
				{Position: registry.Director, Name: "MADE WIRAWAN", NIK: "5171031204900003"},
			},
		}}, f.clock.t); err != nil {
			t.Fatal(err)
		}
		pic, err := f.svc.AddParty(f.ctx, npwp, registration.PartyInput{Version: 2, Relation: "director", NPWP: string(dir.NPWP), ValidFrom: "2024-01-15", MainPIC: true})
		if err != nil {
			t.Fatal(err)
		}
		if !pic.MainPIC || pic.PartyID != dir.ID {
			t.Errorf("PIC = %+v", pic)
		}
		// A commissioner by NIK without an own registration.
		if _, err := f.svc.AddParty(f.ctx, npwp, registration.PartyInput{Version: 3, Relation: "commissioner", Name: "I Wayan Santika", NIK: "5103013011750004", ValidFrom: "2024-01-15"}); err != nil {
			t.Fatal(err)
		}
		// A PIC needs an own registration.
		_, err = f.svc.AddParty(f.ctx, npwp, registration.PartyInput{Version: 4, Relation: "commissioner", Name: "I Wayan Santika", NIK: "5103013011750004", MainPIC: true})
		fieldErr(t, err, errs.Invalid, "npwp")
		// A new PIC starting before the current one is refused.
		_, err = f.svc.AddParty(f.ctx, npwp, registration.PartyInput{Version: 4, Relation: "director", NPWP: string(emp.NPWP), ValidFrom: "2024-01-01", MainPIC: true})
		fieldErr(t, err, errs.Invalid, "valid_from")
		// Handing over: the old PIC ends the day before.
		if _, err := f.svc.AddParty(f.ctx, npwp, registration.PartyInput{Version: 4, Relation: "director", NPWP: string(emp.NPWP), ValidFrom: "2026-12-01", MainPIC: true}); err != nil {
			t.Fatal(err)
		}
		prof, err := f.svc.Profile(f.ctx, npwp)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := prof.MainPICOn(date("2026-11-30")); !ok || got.PartyID != dir.ID || !got.ValidUntil.Equal(date("2026-11-30")) {
			t.Errorf("PIC on 2026-11-30 = %+v, want the director ending that day", got)
		}
		if got, ok := prof.MainPICOn(date("2026-12-01")); !ok || got.PartyID != emp.ID {
			t.Errorf("PIC on 2026-12-01 = %+v, want the employee", got)
		}
		n := 0
		for _, r := range prof.Parties {
			if r.MainPIC && r.ActiveOn(date("2026-12-01")) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d main PICs on 2026-12-01, want exactly 1", n)
		}
		// The person sees the entities they represent.
		rep, err := f.svc.Represented(f.ctx, string(dir.NPWP))
		if err != nil || len(rep) != 1 || rep[0].TaxpayerID != co.ID || rep[0].EntityNPWP != co.NPWP || rep[0].EntityName != co.Name {
			t.Errorf("Represented = %+v, %v", rep, err)
		}
		// An individual has no related parties.
		_, err = f.svc.AddParty(f.ctx, string(emp.NPWP), registration.PartyInput{Version: 1, Relation: "employee", NPWP: string(dir.NPWP)})
		if !errs.Is(errs.Invalid, err) {
			t.Errorf("party of an individual: %v, want Invalid", err)
		}
	})
}

func TestPKPAndProfileChanges(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		co, err := f.svc.Register(f.ctx, company())
		if err != nil {
			t.Fatal(err)
		}
		npwp := string(co.NPWP)
		if _, err := f.svc.SetPKP(f.ctx, npwp, 1, registration.PKPConfirmed, "2024-07-01", "turnover above Rp 4.8 billion"); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.SetPKP(f.ctx, npwp, 2, registration.PKPConfirmed, "2025-01-01", "")
		fieldErr(t, err, errs.Invalid, "event")
		_, err = f.svc.SetPKP(f.ctx, npwp, 2, registration.PKPRevoked, "2024-01-01", "")
		fieldErr(t, err, errs.Invalid, "effective_date")
		if _, err := f.svc.SetPKP(f.ctx, npwp, 2, registration.PKPRevoked, "2026-01-01", "business closed"); err != nil {
			t.Fatal(err)
		}
		prof, err := f.svc.Profile(f.ctx, npwp)
		if err != nil {
			t.Fatal(err)
		}
		if pkp, since := prof.PKPOn(date("2025-06-30")); !pkp || !since.Equal(date("2024-07-01")) {
			t.Errorf("PKP on 2025-06-30 = %v since %v", pkp, since)
		}
		if pkp, _ := prof.PKPOn(date("2026-02-01")); pkp {
			t.Errorf("still PKP after revocation")
		}

		email := "tax@suryakencana.example"
		addr := balinese("Jl. Raya Uluwatu 90", "510305")
		up, err := f.svc.UpdateProfile(f.ctx, npwp, registration.ProfileUpdate{Version: 3, Email: &email, Address: &addr})
		if err != nil {
			t.Fatal(err)
		}
		if up.Version != 4 || up.Email != email {
			t.Errorf("updated = v%d %s", up.Version, up.Email)
		}
		hist, err := f.svc.History(f.ctx, npwp, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]registration.Change{}
		for _, c := range hist {
			found[c.Field] = c
		}
		if c := found["email"]; c.Old != "finance@suryakencana.example" || c.New != email || c.Actor != "officer:test" {
			t.Errorf("email change = %+v", c)
		}
		if c := found["address.street"]; c.Old != "Jl. Raya Uluwatu 88" || c.New != "Jl. Raya Uluwatu 90" {
			t.Errorf("street change = %+v", c)
		}
		if _, ok := found["pkp_status"]; !ok {
			t.Errorf("no PKP change in history %+v", hist)
		}
		// Paging: newest first, cursor by ID.
		page, err := f.svc.History(f.ctx, npwp, hist[1].ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != len(hist)-2 {
			t.Errorf("page after cursor has %d rows, want %d", len(page), len(hist)-2)
		}
	})
}

func TestLinkLegacyNPWPAndSearch(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		tp, err := f.svc.Register(f.ctx, resident())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.LinkNPWP(f.ctx, string(tp.NIK), 1, "01.312.166.0-091.000", "matched at KPP counter"); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.Taxpayer(f.ctx, "013121660091000")
		if err != nil || got.ID != tp.ID {
			t.Fatalf("lookup by legacy NPWP = %+v, %v", got, err)
		}
		_, err = f.svc.LinkNPWP(f.ctx, string(tp.NIK), 2, "013121660091000", "")
		if !errs.Is(errs.Invalid, err) {
			t.Errorf("relinking: %v, want Invalid", err)
		}
		if _, err := f.svc.Register(f.ctx, company()); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			q    registration.Query
			want int
		}{
			{registration.Query{Name: "surya"}, 1},
			{registration.Query{Name: "WIRAWAN"}, 1},
			{registration.Query{Number: "5171"}, 1},
			{registration.Query{Number: "0131216"}, 1},
			{registration.Query{Name: "100%"}, 0},
			{registration.Query{Kind: registration.Entity}, 1},
			{registration.Query{}, 2},
			{registration.Query{After: tp.ID}, 1},
		} {
			res, err := f.svc.Search(f.ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != tt.want {
				t.Errorf("Search(%+v) = %d results, want %d", tt.q, len(res), tt.want)
			}
		}
		_, err = f.svc.Taxpayer(f.ctx, "0019999999999000")
		if !errs.Is(errs.NotFound, err) && !errs.Is(errs.Invalid, err) {
			t.Errorf("unknown NPWP: %v", err)
		}
	})
}
