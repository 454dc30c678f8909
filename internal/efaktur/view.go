package efaktur

import (
	"context"
	"strings"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/area"
	"github.com/coretax/coretax/internal/registration"
)

// Allow checks that the caller may take action act on the fakturs of the
// taxpayer npwp. Transports call it before they read a request they
// would otherwise refuse as malformed, so that a stranger learns nothing
// about a taxpayer from the shape of the error.
func (s *Service) Allow(ctx context.Context, npwp string, act actor.Action) error {
	t, err := s.taxpayer(ctx, "npwp", npwp)
	if err != nil {
		return err
	}
	return s.policy.Allow(ctx, act, t.ID)
}

// Party is the seller of a faktur as the printed faktur shows it: the
// name and address from the register (UU PPN Pasal 13(5)(a)) and the
// city beside the signature.
type Party struct {
	NPWP string
	Name string
	// Address is the address of the place of business that delivered
	// (the invoice's SellerIDTKU), the head office's when that place is
	// not on the register.
	Address string
	// City is the regency or city of that place, without "Kabupaten" or
	// "Kota": "Badung".
	City string
}

// Printable returns faktur id as the taxpayer npwp sees it (Faktur) with
// its seller's printed identity. Whoever may see a faktur may see what is
// printed on it, so the seller's name and address are read without the
// registration access policy.
func (s *Service) Printable(ctx context.Context, npwp string, id int64) (Faktur, Party, error) {
	f, err := s.Faktur(ctx, npwp, id)
	if err != nil {
		return Faktur{}, Party{}, err
	}
	p, err := s.register.Profile(ctx, f.SellerID)
	if err != nil {
		return Faktur{}, Party{}, err
	}
	return f, party(p, f.Invoice.SellerIDTKU), nil
}

// EachPrintable is Each with the seller's printed identity of every
// faktur, for the export of PDFs. Each seller's profile is read once.
func (s *Service) EachPrintable(ctx context.Context, npwp string, f Filter, fn func(*Faktur, Party) error) error {
	profiles := map[int64]registration.Profile{}
	return s.Each(ctx, npwp, f, func(fk *Faktur) error {
		p, ok := profiles[fk.SellerID]
		if !ok {
			var err error
			if p, err = s.register.Profile(ctx, fk.SellerID); err != nil {
				return err
			}
			profiles[fk.SellerID] = p
		}
		return fn(fk, party(p, fk.Invoice.SellerIDTKU))
	})
}

// party is the printed identity of the seller with profile p delivering
// from the place nitku.
func party(p registration.Profile, nitku string) Party {
	addr := p.Taxpayer.Address
	for _, pl := range p.Places {
		if string(pl.NITKU) == nitku {
			addr = pl.Address
			break
		}
	}
	return Party{NPWP: string(p.Taxpayer.NPWP), Name: p.Taxpayer.Name, Address: FormatAddress(addr), City: city(addr.RegencyCode)}
}

// FormatAddress writes an address on one line, the area codes named:
// "Jl. Raya Uluwatu No. 88, Jimbaran, Kuta Selatan, Kabupaten Badung,
// Bali 80361".
func FormatAddress(a registration.Address) string {
	parts := []string{strings.TrimSpace(a.Street)}
	if d, ok := area.District(a.DistrictCode); ok {
		parts = append(parts, d.Name)
	}
	if r, ok := area.Regency(a.RegencyCode); ok {
		parts = append(parts, r.Name)
	}
	prov := ""
	if p, ok := area.Province(a.ProvinceCode); ok {
		prov = p.Name
	}
	if prov != "" || a.PostalCode != "" {
		parts = append(parts, strings.TrimSpace(prov+" "+a.PostalCode))
	}
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

// city names a regency or city without its "Kabupaten" or "Kota" prefix,
// as printed beside a signature.
func city(regencyCode string) string {
	r, ok := area.Regency(regencyCode)
	if !ok {
		return ""
	}
	n := r.Name
	for _, p := range []string{"Kabupaten ", "Kota Administrasi ", "Kota "} {
		if after, ok := strings.CutPrefix(n, p); ok {
			return after
		}
	}
	return n
}
