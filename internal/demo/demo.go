// Package demo loads a small, realistic world into an empty system through
// the same services a user would use: the reference registries are
// imported from CSV like an office would, and every taxpayer is registered
// through the registration service with its checks.
//
// The world: PT Surya Kencana Villas, a PT PMA in Badung with an Austrian
// director (whose passport is in the immigration registry) as main PIC, a
// Balinese commissioner and two places of business; a resident employee
// and a freelance designer in Denpasar; and an individual villa owner in
// Gianyar. When the e-Faktur and signing services are given, the villa
// owner is also a PKP, the director holds a signing certificate and the
// company has issued fakturs to the villa owner (efaktur.go). When the
// e-Bupot service is given too, the company has run last year's payroll
// through e-Bupot (ebupot.go).
package demo

import (
	"bytes"
	"context"
	"embed"
	"fmt"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/compliance/casework"
	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/exemption"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
)

//go:embed data/*.csv
var data embed.FS

// Services are what the demo needs.
type Services struct {
	Registry     *registry.Service
	Registration *registration.Service
	// Access, when set, gets demo accounts ready to sign in with.
	Access *access.Service
	// Roles, when set with Access, gives the demo officer every officer
	// role.
	Roles *roles.Service
	// Signing and EFaktur, when both set, give the director a signing
	// certificate (passphrase DirectorPassphrase) and the company fakturs
	// to the villa owner, who is made a PKP.
	Signing *signing.Service
	EFaktur *efaktur.Service
	// EBupot and EBupotBatches, when both set with Signing, register the
	// employee as the company's employee and run last year's payroll:
	// monthly, annual, casual, freelance and foreign slips, signed, one
	// of them corrected.
	EBupot        *ebupot.Service
	EBupotBatches ebupot.BatchStore
	// PBJT and Bookings, when both set, register the villa owner's Villa
	// Kembang in Ubud and import its sample booking exports (pbjt.go).
	PBJT     *pbjt.Service
	Bookings *pbjt.Bookings
	// Exemptions, when set, records the designer's SKB PPh 21 and the
	// villa owner's Suket PP 55 (exemption.go).
	Exemptions *exemption.Service
	// Compliance and Declarations, when both set with PBJT and Bookings,
	// add two villa owners who file wrongly, third-party feeds with an
	// undeclared villa, and a run of the matching job (compliance.go).
	// Declarations with PBJT and Bookings files Villa Kembang's own
	// declarations (pbjt_declaration.go).
	Compliance   *compliance.Service
	Declarations *pbjt.Declarations
	// Cases, when set with the compliance part, opens a case with its
	// letter for the owner who declares the payout (compliance_case.go).
	Cases *casework.Service
	// IncomeTax, when set with PBJT and Bookings, states the villa
	// owner's 2026 expenses for normal income tax (incometax.go).
	IncomeTax *pbjt.IncomeTaxes
}

// World names what was loaded, for the notes printed on start.
type World struct {
	Company    registration.Taxpayer
	Director   registration.Taxpayer
	Employee   registration.Taxpayer
	Designer   registration.Taxpayer
	VillaOwner registration.Taxpayer
	Branch     registration.PlaceOfBusiness
	// Fakturs are the demo fakturs from the company to the villa owner,
	// when the e-Faktur part was loaded.
	Fakturs []efaktur.Faktur
	// Payroll is the company's year of withholding slips, when the
	// e-Bupot part was loaded.
	Payroll *Payroll
	// Villa is the villa owner's property with its booking imports,
	// when the PBJT part was loaded.
	Villa *Villa
	// Exemptions are the demo's exemption certificates, when that part
	// was loaded.
	Exemptions *Exemptions
	// VillaDeclarations are Villa Kembang's declarations, when
	// Declarations was given (pbjt_declaration.go).
	VillaDeclarations []pbjt.Declaration
	// Compliance is the compliance engine's part, when it was loaded.
	Compliance *Compliance
	// Case is the demo's compliance case, when Cases was given.
	Case *casework.Case
	// Accounts are the demo logins, with their passwords.
	Accounts []Account
}

// Account is a demo login printed at start.
type Account struct {
	Who      string
	Login    string
	Password string
}

// Load loads the demo world. The caller must make sure the system is
// empty: the demo never runs on a data directory that already holds
// data.
func Load(ctx context.Context, s Services) (World, error) {
	var w World
	ctx = actor.With(ctx, actor.SystemActor("demo"))
	for _, kind := range []registry.Kind{registry.KindPopulation, registry.KindCompany, registry.KindImmigration} {
		b, err := data.ReadFile("data/" + string(kind) + ".csv")
		if err != nil {
			return w, err
		}
		if _, err := s.Registry.Import(ctx, kind, registry.CSV, bytes.NewReader(b)); err != nil {
			return w, fmt.Errorf("demo: import %s registry: %w", kind, err)
		}
	}
	reg := s.Registration
	var err error
	step := func(what string, f func() error) {
		if err == nil {
			if e := f(); e != nil {
				err = fmt.Errorf("demo: %s: %w", what, e)
			}
		}
	}
	step("register the director", func() (e error) {
		w.Director, e = reg.Register(ctx, registration.Application{
			Kind: string(registration.ForeignIndividual), Name: "Johann Gruber",
			PassportNumber: "U4481233", Nationality: "AUT",
			Address: registration.AddressInput{Street: "Jl. Pantai Berawa No. 34, Tibubeneng",
				ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510306", PostalCode: "80361"},
			Email: "johann.gruber@suryakencana.example", Mobile: "+43 664 1234567",
		})
		return e
	})
	step("register the company", func() (e error) {
		w.Company, e = reg.Register(ctx, registration.Application{
			Kind: string(registration.Entity), Name: "PT Surya Kencana Villas", EntityForm: "PT_PMA",
			DeedNumber: "12", RegistryNumber: "9120001234567",
			Address: registration.AddressInput{Street: "Jl. Raya Uluwatu No. 88, Jimbaran",
				ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510305", PostalCode: "80361"},
			Email: "finance@suryakencana.example", Mobile: "081338801234",
		})
		return e
	})
	npwp := func() string { return string(w.Company.NPWP) }
	version := 1
	step("open a second place of business", func() (e error) {
		w.Branch, e = reg.AddPlace(ctx, npwp(), registration.PlaceInput{Version: version, Name: "Villa Surya Canggu",
			Address: registration.AddressInput{Street: "Jl. Pantai Batu Bolong No. 5, Canggu",
				ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510306", PostalCode: "80351"}})
		version++
		return e
	})
	step("appoint the director as main PIC", func() (e error) {
		_, e = reg.AddParty(ctx, npwp(), registration.PartyInput{Version: version, Relation: "director",
			NPWP: string(w.Director.NPWP), ValidFrom: "2024-01-15", MainPIC: true})
		version++
		return e
	})
	step("add the commissioner", func() (e error) {
		_, e = reg.AddParty(ctx, npwp(), registration.PartyInput{Version: version, Relation: "commissioner",
			Name: "I Wayan Santika", NIK: "5103013011750004", ValidFrom: "2024-01-15"})
		version++
		return e
	})
	step("record the PKP confirmation", func() (e error) {
		_, e = reg.SetPKP(ctx, npwp(), version, registration.PKPConfirmed, "2024-07-01", "turnover passed Rp 4.8 billion (PMK 197/PMK.03/2013)")
		version++
		return e
	})
	step("register the employee", func() (e error) {
		w.Employee, e = reg.Register(ctx, registration.Application{
			Kind: string(registration.ResidentIndividual), Name: "Made Wirawan", NIK: "5171031204900003",
			Address: registration.AddressInput{Street: "Jl. Gunung Agung No. 17", ProvinceCode: "51",
				RegencyCode: "5171", DistrictCode: "517103", PostalCode: "80119"},
			Email: "made.wirawan@mail.example", Mobile: "0812 3760 4411",
		})
		return e
	})
	step("register the designer", func() (e error) {
		w.Designer, e = reg.Register(ctx, registration.Application{
			Kind: string(registration.ResidentIndividual), Name: "Ni Luh Putu Ayu Lestari", NIK: "5171016308950002",
			Address: registration.AddressInput{Street: "Jl. Tukad Badung No. 8", ProvinceCode: "51",
				RegencyCode: "5171", DistrictCode: "517101", PostalCode: "80226"},
			Email: "ayu.lestari@studio.example", Mobile: "+62 813 3900 2250",
		})
		return e
	})
	step("register the villa owner", func() (e error) {
		w.VillaOwner, e = reg.Register(ctx, registration.Application{
			Kind: string(registration.ResidentIndividual), Name: "I Ketut Sudarma", NIK: "5104050502680001",
			Address: registration.AddressInput{Street: "Jl. Raya Pengosekan, Banjar Kutuh", ProvinceCode: "51",
				RegencyCode: "5104", DistrictCode: "510405", PostalCode: "80571"},
			Email: "ketut.sudarma@villa.example", Mobile: "0878 6100 7788",
		})
		return e
	})
	if err == nil && s.Signing != nil && s.EFaktur != nil {
		err = loadFakturs(ctx, s, &w)
	}
	if err == nil && s.Signing != nil && s.EBupot != nil && s.EBupotBatches != nil {
		err = loadBupots(ctx, s, &w)
	}
	if err == nil && s.Signing != nil && s.EBupot != nil && s.EBupotBatches != nil {
		err = loadUnifiedSlips(ctx, s, &w)
	}
	if err == nil && s.PBJT != nil && s.Bookings != nil {
		err = loadVilla(ctx, s, &w)
	}
	if err == nil && s.PBJT != nil && s.Bookings != nil {
		err = loadDirectStays(ctx, s, &w)
	}
	if err == nil && s.IncomeTax != nil && w.Villa != nil {
		err = loadIncomeTaxExpenses(ctx, s, &w)
	}
	if err == nil && s.Exemptions != nil {
		err = loadExemptions(ctx, s, &w)
	}
	if err == nil && s.Declarations != nil && w.Villa != nil {
		err = loadDeclarations(ctx, s, &w)
	}
	if err == nil && s.Compliance != nil && s.Declarations != nil && w.Villa != nil {
		err = loadCompliance(ctx, s, &w)
	}
	if err == nil && s.Cases != nil && w.Compliance != nil {
		err = loadCases(ctx, s, &w)
	}
	if err == nil && s.Access != nil {
		err = loadAccounts(ctx, s.Access, s.Roles, &w)
	}
	return w, err
}

// loadAccounts sets up accounts for the director, the employee and the
// villa owner, and an officer. Their passwords are fixed so that the notes
// printed at start are all one needs; a real deployment never runs the
// demo.
func loadAccounts(ctx context.Context, acc *access.Service, rs *roles.Service, w *World) error {
	people := []struct {
		who      string
		t        registration.Taxpayer
		password string
	}{
		{"the director (main PIC of the company: switch to act for it)", w.Director, "gruber villa sunrise"},
		{"the employee", w.Employee, "wirawan kopi pagi"},
		{"the villa owner", w.VillaOwner, "sudarma sawah hijau"},
	}
	for _, p := range people {
		if _, err := acc.SetUpAccount(ctx, string(p.t.NPWP), p.password); err != nil {
			return fmt.Errorf("demo: account of %s: %w", p.who, err)
		}
		w.Accounts = append(w.Accounts, Account{Who: p.who, Login: string(p.t.NPWP), Password: p.password})
	}
	if _, _, err := acc.AddOfficer(ctx, "budi", "Budi Santoso", "petugas kpp badung"); err != nil {
		return fmt.Errorf("demo: officer account: %w", err)
	}
	who := "a tax officer"
	if rs != nil {
		for _, r := range []roles.OfficerRole{roles.OfficerRegistration, roles.OfficerAccess, roles.OfficerAudit, roles.OfficerRegional, roles.OfficerCompliance} {
			if _, err := rs.GrantOfficerRole(ctx, "budi", string(r)); err != nil {
				return fmt.Errorf("demo: officer role %s: %w", r, err)
			}
		}
		who = "a tax officer (search, PKP, NPWP links, registries, unlocking accounts, audit, regional PBJT, compliance)"
	}
	w.Accounts = append(w.Accounts, Account{Who: who, Login: "budi", Password: "petugas kpp badung"})
	return nil
}

// Notes are the things to try, printed on start and shown on the home
// page. baseURL is where the server listens, e.g. http://127.0.0.1:8080.
func (w World) Notes(baseURL string) []string {
	notes := []string{
		fmt.Sprintf("PT PMA in Badung with two places of business, an Austrian director as main PIC and PKP status: %s/taxpayers/%s", baseURL, w.Company.NPWP),
		fmt.Sprintf("The Austrian director, registered by passport: %s/taxpayers/%s", baseURL, w.Director.NPWP),
		fmt.Sprintf("A resident employee (NIK as NPWP): %s/taxpayers/%s", baseURL, w.Employee.NPWP),
		fmt.Sprintf("A freelance designer: %s/taxpayers/%s", baseURL, w.Designer.NPWP),
		fmt.Sprintf("A villa owner in Gianyar: %s/taxpayers/%s", baseURL, w.VillaOwner.NPWP),
		fmt.Sprintf("Search as an officer: %s/officer/taxpayers?q=surya", baseURL),
		fmt.Sprintf("Obtain the director's authorization code (Kode Otorisasi DJP) for the company, signed in as the director: %s/authcode", baseURL),
		fmt.Sprintf("Register a taxpayer; try the unregistered NIK 5171016308950003 to see a registry mismatch: %s/register", baseURL),
		fmt.Sprintf("The API (described at %[1]s/api/v1/openapi.yaml), signed in as the director: curl -c jar -H 'Content-Type: application/json' -d '{\"login\":\"%[2]s\",\"password\":\"gruber villa sunrise\"}' %[1]s/api/v1/access/login && curl -b jar %[1]s/api/v1/taxpayers/%[3]s/profile", baseURL, w.Director.NPWP, w.Company.NPWP),
		"Check identifiers offline: go run ./cmd/coretax id check 5104050502680001 013121660091000",
	}
	if len(w.Fakturs) > 0 {
		draft := w.Fakturs[len(w.Fakturs)-1].ID
		notes = append(notes,
			fmt.Sprintf("e-Faktur: the company has issued fakturs to the villa owner (a PKP in the demo); signed in as the director and acting for the company, list them at %[1]s/api/v1/taxpayers/%[2]s/efaktur/fakturs and export a period with %[1]s/api/v1/taxpayers/%[2]s/efaktur/export?format=csv (or xml, json, pdf.zip)", baseURL, w.Company.NPWP),
			fmt.Sprintf("Sign fakturs as the director: approving, amending and cancelling ask for the director's signing passphrase %q. Faktur %d is a draft waiting for approval: curl -b jar -H 'Content-Type: application/json' -d '{\"fakturs\":[{\"id\":%d,\"version\":1}],\"passphrase\":\"%s\"}' %s/api/v1/taxpayers/%s/efaktur/fakturs/approve (after POST %s/api/v1/access/acting-for with {\"npwp\":\"%s\"})",
				DirectorPassphrase, draft, draft, DirectorPassphrase, baseURL, w.Company.NPWP, baseURL, w.Company.NPWP),
			fmt.Sprintf("The villa owner sees them as input fakturs and credits them: %s/api/v1/taxpayers/%s/efaktur/fakturs?side=input", baseURL, w.VillaOwner.NPWP))
	}
	if p := w.Payroll; p != nil {
		notes = append(notes,
			fmt.Sprintf("e-Bupot: the company ran its %[3]d payroll (the employee on BPMP from January to November, the March slip corrected, and on the BPA1 for December; a casual gardener on BP21 under the temporary TIN of NIK %[4]s; the designer as a freelancer on BP21; a consultant from Singapore on BP26), all signed with the passphrase %[5]q. Acting for the company: %[1]s/api/v1/taxpayers/%[2]s/ebupot/slips?year=%[3]d&current=true, export the monthly slips as Coretax XML with %[1]s/api/v1/taxpayers/%[2]s/ebupot/export?format=xml&type=BPMP&year=%[3]d and upload such a file to %[1]s/api/v1/taxpayers/%[2]s/ebupot/batches (Content-Type: application/xml)",
				baseURL, w.Company.NPWP, p.Year, CasualNIK, DirectorPassphrase),
			fmt.Sprintf("The employee sees the slips received, signed in as the employee: %s/api/v1/taxpayers/%s/ebupot/received?current=true", baseURL, w.Employee.NPWP),
			fmt.Sprintf("Browse the tax object codes: %s/api/v1/objectcodes?slip=BP21&q=tenaga+ahli", baseURL))
	}
	notes = append(notes, w.incomeTaxNotes(baseURL)...)
	if v := w.Villa; v != nil {
		path := fmt.Sprintf("%s/api/v1/taxpayers/%s/properties/%d", baseURL, w.VillaOwner.NPWP, v.Property.ID)
		notes = append(notes,
			fmt.Sprintf("PBJT bookings: the villa owner's Villa Kembang in Ubud has its Airbnb, Agoda and own-sheet exports imported (at %s); signed in as the villa owner, October's gross (the PBJT base) beside the payout: %s/bookings?month=2026-10, and the Airbnb import's rows: %s/imports/%d", DemoRate, path, path, v.Imports[1].ID),
			fmt.Sprintf("Import a booking export from the command line: go run ./cmd/coretax villa import internal/booking/testdata/airbnb_transactions.csv --channel airbnb --property %d --owner %s --listing 'Villa Kembang' --rate %s", v.Property.ID, w.VillaOwner.NPWP, DemoRate))
	}
	notes = append(notes, w.declarationNotes(baseURL)...)
	notes = append(notes, w.caseNotes(baseURL)...)
	if e := w.Exemptions; e != nil {
		notes = append(notes,
			fmt.Sprintf("Exemptions: the designer holds SKB PPh 21 %s for design fees (21-100-20) this year and the villa owner a Suket PP 55; see them at %s/taxpayers/%s/exemptions. A BP21 to the designer with facility TaxExAr21 takes the SKB's number from the register; with another code or recipient the facility is refused. The company paid the villa owner December's minibus rent on a BPPU under his Suket (facility PP23, 0.5 %% final). Officers record and revoke certificates at %s/officer/exemptions",
				e.DesignerSKB.Number, baseURL, w.Designer.NPWP, baseURL))
	}
	if c := w.Compliance; c != nil {
		notes = append(notes, fmt.Sprintf("Compliance engine: the demo's Airbnb and Booking.com feeds and a run of the matching job flag an undeclared villa in Canggu paid out to Australia, %s's Villa Darma declared on the payouts, and %s's Villa Sari declared to Badung while the platforms place it in Tabanan; signed in as budi: %s/api/v1/compliance/flags and a flag's evidence at %s/api/v1/compliance/flags/{id}; what a villa owner's self-check finds: %s/api/v1/taxpayers/%s/compliance/self-check (doc/compliance.md)",
			c.NetOwner.Name, c.WrongRegency.Name, baseURL, baseURL, baseURL, c.NetOwner.NPWP))
	}
	if len(w.Accounts) > 0 {
		for _, a := range w.Accounts {
			notes = append(notes, fmt.Sprintf("Sign in at %s/login as %s: user ID %s, password %q", baseURL, a.Who, a.Login, a.Password))
		}
	}
	return notes
}
