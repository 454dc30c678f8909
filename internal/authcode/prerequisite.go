package authcode

import (
	"context"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
)

// Check is one prerequisite, passed or failed, with what was found and,
// when failed, what to do.
type Check struct {
	Name   string // "identity", "account", "representation", "standing"
	Title  string
	Passed bool
	Detail string
}

// Checks is the list of prerequisites.
type Checks []Check

// Passed reports whether every prerequisite passed.
func (cs Checks) Passed() bool {
	for _, c := range cs {
		if !c.Passed {
			return false
		}
	}
	return true
}

// Err returns nil when every prerequisite passed, or an Invalid error
// naming each failed one.
func (cs Checks) Err() error {
	var fs errs.Fields
	for _, c := range cs {
		if !c.Passed {
			fs.Add(c.Name, "", "%s", c.Detail)
		}
	}
	return fs.Err("a prerequisite of the authorization code is not met")
}

func pass(name, title, format string, args ...any) Check {
	return Check{Name: name, Title: title, Passed: true, Detail: fmt.Sprintf(format, args...)}
}

func fail(name, title, format string, args ...any) Check {
	return Check{Name: name, Title: title, Detail: fmt.Sprintf(format, args...)}
}

const (
	titleIdentity       = "Identity matches the population or immigration registry"
	titleAccount        = "Activated account with its own e-mail address and mobile number"
	titleRepresentation = "Main PIC or director of the taxpayer authorized"
	titleStanding       = "Good standing"
)

// prerequisites checks holder (the person) for subject (the person or an
// entity) on day today.
func (s *Service) prerequisites(ctx context.Context, holder registration.Taxpayer, accountID int64, subject registration.Taxpayer, today time.Time) (Checks, error) {
	var cs Checks
	c, err := s.checkIdentity(ctx, holder, today)
	if err != nil {
		return nil, err
	}
	cs = append(cs, c)
	c, err = s.checkAccount(ctx, holder, accountID)
	if err != nil {
		return nil, err
	}
	cs = append(cs, c)
	c, err = s.checkRepresentation(ctx, holder, subject, today)
	if err != nil {
		return nil, err
	}
	cs = append(cs, c)
	ok, reason, err := s.standing.Standing(ctx, subject.ID)
	if err != nil {
		return nil, fmt.Errorf("good standing of %s: %w", subject.NPWP, err)
	}
	if ok {
		cs = append(cs, pass("standing", titleStanding, "%s", reason))
	} else {
		cs = append(cs, fail("standing", titleStanding, "%s; file the missing returns and pay the bills, then try again", reason))
	}
	return cs, nil
}

func (s *Service) checkIdentity(ctx context.Context, t registration.Taxpayer, today time.Time) (Check, error) {
	const name, title = "identity", titleIdentity
	switch t.Kind {
	case registration.ResidentIndividual:
		nik := string(t.NIK)
		if len(nik) != 16 || !digits(nik) {
			return fail(name, title, "the registered NIK %q is not 16 digits; ask the tax office to correct the registration", nik), nil
		}
		p, err := s.registries.Person(ctx, nik)
		if errs.Is(errs.NotFound, err) {
			return fail(name, title, "NIK %s is not in the population registry; ask Dukcapil to record it, then try again", nik), nil
		}
		if err != nil {
			return Check{}, fmt.Errorf("population registry: %w", err)
		}
		if !registry.SameName(p.Name, t.Name) {
			return fail(name, title, "the population registry has the name %q for NIK %s, the registration %q; have the registration corrected to the name on the KTP", p.Name, nik, t.Name), nil
		}
		return pass(name, title, "NIK %s matches the population registry", nik), nil
	case registration.ForeignIndividual:
		rec, err := s.registries.Immigration(ctx, t.Nationality, t.Passport)
		if errs.Is(errs.NotFound, err) {
			others, oerr := s.registries.ImmigrationByPassport(ctx, t.Passport)
			if oerr != nil && !errs.Is(errs.NotFound, oerr) {
				return Check{}, fmt.Errorf("immigration registry: %w", oerr)
			}
			for _, o := range others {
				if o.Nationality != t.Nationality {
					return fail(name, title, "the immigration registry records passport %s as issued by %s, the registration by %s; have the registration corrected", t.Passport, o.Nationality, t.Nationality), nil
				}
			}
			return fail(name, title, "passport %s (%s) is not in the immigration registry; if the passport was renewed, the immigration registry does not have the new passport yet: wait until immigration records it, then update the passport in your registration and try again", t.Passport, t.Nationality), nil
		}
		if err != nil {
			return Check{}, fmt.Errorf("immigration registry: %w", err)
		}
		if !registry.SameName(rec.Name, t.Name) {
			return fail(name, title, "the immigration registry has the name %q for passport %s, the registration %q; have the registration corrected to the name in the passport", rec.Name, t.Passport, t.Name), nil
		}
		if !rec.PassportExpires.IsZero() && rec.PassportExpires.Before(today) {
			return fail(name, title, "passport %s expired on %s according to the immigration registry; renew it, and once immigration records the new passport update your registration", t.Passport, rec.PassportExpires.Format(time.DateOnly)), nil
		}
		if rec.StayPermitNumber == "" {
			return fail(name, title, "the immigration registry records no stay permit for passport %s; a KITAS or KITAP is needed", t.Passport), nil
		}
		if t.StayPermit.Number != "" && t.StayPermit.Number != rec.StayPermitNumber {
			return fail(name, title, "the immigration registry has stay permit %s %s for passport %s, the registration %s; have the registration corrected", rec.StayPermitKind, rec.StayPermitNumber, t.Passport, t.StayPermit.Number), nil
		}
		if !rec.StayPermitExpires.IsZero() && rec.StayPermitExpires.Before(today) {
			return fail(name, title, "stay permit %s %s expired on %s according to the immigration registry; extend it at immigration, then try again", rec.StayPermitKind, rec.StayPermitNumber, rec.StayPermitExpires.Format(time.DateOnly)), nil
		}
		return pass(name, title, "passport %s and stay permit %s %s match the immigration registry and are current", t.Passport, rec.StayPermitKind, rec.StayPermitNumber), nil
	}
	return fail(name, title, "%s is an entity: an authorization code belongs to a person; sign in with the account of the director or main PIC", t.NPWP), nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func (s *Service) checkAccount(ctx context.Context, t registration.Taxpayer, accountID int64) (Check, error) {
	const name, title = "account", titleAccount
	if accountID == 0 {
		return fail(name, title, "the account of %s is not activated; activate it first (Permintaan Akses Digital)", t.NPWP), nil
	}
	a, err := s.accounts.Account(ctx, accountID)
	if errs.Is(errs.NotFound, err) {
		return fail(name, title, "the account of %s is not activated; activate it first (Permintaan Akses Digital)", t.NPWP), nil
	}
	if err != nil {
		return Check{}, fmt.Errorf("account: %w", err)
	}
	if a.Kind != access.TaxpayerAccount || a.TaxpayerID != t.ID {
		return fail(name, title, "this account is not the own account of %s; sign in with your own account", t.NPWP), nil
	}
	switch {
	case t.Email == "" && t.Mobile == "":
		return fail(name, title, "no e-mail address or mobile number is registered; add your own in the profile first"), nil
	case t.Mobile == "":
		return fail(name, title, "no mobile number is registered; add your own in the profile first"), nil
	case t.Email == "":
		return fail(name, title, "no e-mail address is registered; add your own in the profile first"), nil
	}
	return pass(name, title, "account activated; e-mail %s and mobile %s are registered to you", maskEmail(t.Email), maskMobile(t.Mobile)), nil
}

func (s *Service) checkRepresentation(ctx context.Context, holder, subject registration.Taxpayer, today time.Time) (Check, error) {
	const name, title = "representation", titleRepresentation
	if subject.ID == holder.ID {
		return pass(name, title, "you request the code for yourself"), nil
	}
	p, err := s.taxpayers.Profile(ctx, subject.ID)
	if err != nil {
		return Check{}, fmt.Errorf("profile of %s: %w", subject.NPWP, err)
	}
	if pic, ok := p.MainPICOn(today); ok && pic.PartyID == holder.ID {
		return pass(name, title, "you are the main PIC of %s", subject.Name), nil
	}
	if subject.RegistryNumber != "" {
		c, err := s.registries.Company(ctx, subject.RegistryNumber)
		if err != nil && !errs.Is(errs.NotFound, err) {
			return Check{}, fmt.Errorf("company registry: %w", err)
		}
		for _, o := range c.Officers {
			if o.Position != registry.Director {
				continue
			}
			if (o.NIK != "" && o.NIK == string(holder.NIK)) || (o.Passport != "" && o.Passport == holder.Passport) {
				return pass(name, title, "the company registry names you a director of %s", subject.Name), nil
			}
		}
	}
	return fail(name, title, "you are neither the main PIC of %s nor a director in the company registry; consultants and other related parties cannot request the primary code: ask the main PIC to request it, or have the main PIC changed", subject.Name), nil
}

func maskEmail(e string) string {
	for i := 0; i < len(e); i++ {
		if e[i] == '@' {
			if i <= 1 {
				return e
			}
			return e[:1] + "***" + e[i:]
		}
	}
	return e
}

func maskMobile(m string) string {
	if len(m) <= 4 {
		return m
	}
	return m[:3] + "******" + m[len(m)-3:]
}
