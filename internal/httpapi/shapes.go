package httpapi

import (
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/registration"
)

// Dates are written YYYY-MM-DD and timestamps in RFC 3339 (UTC).

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func optDate(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// addressJSON is an address in requests and responses.
type addressJSON struct {
	Street       string `json:"street"`
	ProvinceCode string `json:"province_code"`
	RegencyCode  string `json:"regency_code"`
	DistrictCode string `json:"district_code"`
	PostalCode   string `json:"postal_code"`
}

func (a addressJSON) input() registration.AddressInput {
	return registration.AddressInput(a)
}

func addressOut(a registration.Address) addressJSON { return addressJSON(a) }

// taxpayerJSON is a registered taxpayer.
type taxpayerJSON struct {
	NPWP              string      `json:"npwp"`
	NPWPFormatted     string      `json:"npwp_formatted"`
	Kind              string      `json:"kind"`
	Name              string      `json:"name"`
	NIK               string      `json:"nik,omitempty"`
	BirthDate         string      `json:"birth_date,omitempty"`
	Sex               string      `json:"sex,omitempty"`
	PassportNumber    string      `json:"passport_number,omitempty"`
	Nationality       string      `json:"nationality,omitempty"`
	StayPermitKind    string      `json:"stay_permit_kind,omitempty"`
	StayPermitNumber  string      `json:"stay_permit_number,omitempty"`
	StayPermitExpires string      `json:"stay_permit_expires,omitempty"`
	EntityForm        string      `json:"entity_form,omitempty"`
	DeedNumber        string      `json:"deed_number,omitempty"`
	RegistryNumber    string      `json:"registry_number,omitempty"`
	Address           addressJSON `json:"address"`
	Email             string      `json:"email"`
	Mobile            string      `json:"mobile"`
	RegisteredAt      string      `json:"registered_at"`
	UpdatedAt         string      `json:"updated_at"`
	Version           int         `json:"version"`
}

func taxpayerOut(t registration.Taxpayer) taxpayerJSON {
	return taxpayerJSON{
		NPWP:              string(t.NPWP),
		NPWPFormatted:     t.NPWP.Format(),
		Kind:              string(t.Kind),
		Name:              t.Name,
		NIK:               string(t.NIK),
		BirthDate:         date(t.BirthDate),
		Sex:               t.Sex,
		PassportNumber:    t.Passport,
		Nationality:       t.Nationality,
		StayPermitKind:    t.StayPermit.Kind,
		StayPermitNumber:  t.StayPermit.Number,
		StayPermitExpires: date(t.StayPermit.Expires),
		EntityForm:        string(t.EntityForm),
		DeedNumber:        t.DeedNumber,
		RegistryNumber:    t.RegistryNumber,
		Address:           addressOut(t.Address),
		Email:             t.Email,
		Mobile:            t.Mobile,
		RegisteredAt:      timestamp(t.RegisteredAt),
		UpdatedAt:         timestamp(t.UpdatedAt),
		Version:           t.Version,
	}
}

// placeJSON is a place of business (TKU).
type placeJSON struct {
	Seq        int         `json:"seq"`
	NITKU      string      `json:"nitku"`
	Name       string      `json:"name"`
	HeadOffice bool        `json:"head_office"`
	Address    addressJSON `json:"address"`
	CreatedAt  string      `json:"created_at"`
}

func placeOut(p registration.PlaceOfBusiness) placeJSON {
	return placeJSON{
		Seq:        p.Seq,
		NITKU:      string(p.NITKU),
		Name:       p.Name,
		HeadOffice: p.HeadOffice(),
		Address:    addressOut(p.Address),
		CreatedAt:  timestamp(p.CreatedAt),
	}
}

// partyJSON is a related party.
type partyJSON struct {
	ID             int64   `json:"id"`
	Relation       string  `json:"relation"`
	NPWP           string  `json:"npwp,omitempty"`
	Name           string  `json:"name"`
	NIK            string  `json:"nik,omitempty"`
	PassportNumber string  `json:"passport_number,omitempty"`
	Nationality    string  `json:"nationality,omitempty"`
	SharePercent   string  `json:"share_percent,omitempty"`
	MainPIC        bool    `json:"main_pic"`
	ValidFrom      string  `json:"valid_from"`
	ValidUntil     *string `json:"valid_until"`
	ActiveToday    bool    `json:"active_today"`
	CreatedAt      string  `json:"created_at"`
}

func partyOut(r registration.RelatedParty, today time.Time) partyJSON {
	return partyJSON{
		ID:             r.ID,
		Relation:       string(r.Relation),
		NPWP:           string(r.PartyNPWP),
		Name:           r.Name,
		NIK:            r.NIK,
		PassportNumber: r.Passport,
		Nationality:    r.Nationality,
		SharePercent:   sharePercent(r.ShareBP),
		MainPIC:        r.MainPIC,
		ValidFrom:      date(r.ValidFrom),
		ValidUntil:     optDate(r.ValidUntil),
		ActiveToday:    r.ActiveOn(today),
		CreatedAt:      timestamp(r.CreatedAt),
	}
}

// sharePercent renders basis points as a percentage with two decimals.
func sharePercent(bp int) string {
	if bp == 0 {
		return ""
	}
	return fmt.Sprintf("%d.%02d", bp/100, bp%100)
}

// pkpEventJSON is a PKP status change.
type pkpEventJSON struct {
	ID            int64  `json:"id"`
	Event         string `json:"event"`
	EffectiveDate string `json:"effective_date"`
	Note          string `json:"note"`
	Actor         string `json:"actor"`
	RecordedAt    string `json:"recorded_at"`
}

func pkpEventOut(e registration.PKPEvent) pkpEventJSON {
	return pkpEventJSON{
		ID:            e.ID,
		Event:         e.Event,
		EffectiveDate: date(e.EffectiveDate),
		Note:          e.Note,
		Actor:         e.Actor,
		RecordedAt:    timestamp(e.RecordedAt),
	}
}

// linkJSON is a legacy NPWP linked to a NIK.
type linkJSON struct {
	LegacyNPWP    string `json:"legacy_npwp"`
	LegacyNPWPFmt string `json:"legacy_npwp_formatted"`
	LinkedAt      string `json:"linked_at"`
	Actor         string `json:"actor"`
	Note          string `json:"note"`
}

func linkOut(l registration.NPWPLink) linkJSON {
	return linkJSON{
		LegacyNPWP:    string(l.LegacyNPWP),
		LegacyNPWPFmt: l.LegacyNPWP.Format(),
		LinkedAt:      timestamp(l.LinkedAt),
		Actor:         l.Actor,
		Note:          l.Note,
	}
}

// changeJSON is a row of a taxpayer's history.
type changeJSON struct {
	ID     int64  `json:"id"`
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Field  string `json:"field"`
	Old    string `json:"old"`
	New    string `json:"new"`
}

func changeOut(c registration.Change) changeJSON {
	return changeJSON{ID: c.ID, At: timestamp(c.At), Actor: c.Actor, Action: c.Action, Field: c.Field, Old: c.Old, New: c.New}
}

// summaryJSON is a search result.
type summaryJSON struct {
	ID            int64  `json:"id"`
	NPWP          string `json:"npwp"`
	NPWPFormatted string `json:"npwp_formatted"`
	Kind          string `json:"kind"`
	Name          string `json:"name"`
	RegencyCode   string `json:"regency_code"`
}

func summaryOut(s registration.Summary) summaryJSON {
	return summaryJSON{ID: s.ID, NPWP: string(s.NPWP), NPWPFormatted: s.NPWP.Format(), Kind: string(s.Kind), Name: s.Name, RegencyCode: s.RegencyCode}
}
