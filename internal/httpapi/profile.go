package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
)

// profileJSON is everything registered about a taxpayer, with the PKP
// status and main PIC as of today.
type profileJSON struct {
	Taxpayer    taxpayerJSON `json:"taxpayer"`
	Today       string       `json:"today"`
	Places      []placeJSON  `json:"places"`
	Parties     []partyJSON  `json:"parties"`
	MainPIC     *partyJSON   `json:"main_pic"`
	PKP         pkpJSON      `json:"pkp"`
	LegacyNPWPs []linkJSON   `json:"legacy_npwps"`
}

// pkpJSON is the PKP status today and the events it follows from.
type pkpJSON struct {
	PKP    bool           `json:"pkp"`
	Since  *string        `json:"since"`
	Events []pkpEventJSON `json:"events"`
}

func profileOut(p registration.Profile, today time.Time) profileJSON {
	out := profileJSON{
		Taxpayer:    taxpayerOut(p.Taxpayer),
		Today:       date(today),
		Places:      []placeJSON{},
		Parties:     []partyJSON{},
		LegacyNPWPs: []linkJSON{},
		PKP:         pkpJSON{Events: []pkpEventJSON{}},
	}
	for _, pl := range p.Places {
		out.Places = append(out.Places, placeOut(pl))
	}
	for _, r := range p.Parties {
		out.Parties = append(out.Parties, partyOut(r, today))
	}
	if pic, ok := p.MainPICOn(today); ok {
		j := partyOut(pic, today)
		out.MainPIC = &j
	}
	pkp, since := p.PKPOn(today)
	out.PKP.PKP = pkp
	if pkp {
		out.PKP.Since = optDate(since)
	}
	for _, e := range p.PKP {
		out.PKP.Events = append(out.PKP.Events, pkpEventOut(e))
	}
	for _, l := range p.Links {
		out.LegacyNPWPs = append(out.LegacyNPWPs, linkOut(l))
	}
	return out
}

// profile handles GET /taxpayers/{npwp}/profile.
func (s *server) profile(w http.ResponseWriter, r *http.Request) error {
	p, err := s.reg.Profile(r.Context(), r.PathValue("npwp"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, profileOut(p, s.reg.Today()))
	return nil
}

// historyJSON is a page of changes, newest first. Next is the cursor for
// the following page (pass it as before=), null on the last page.
type historyJSON struct {
	Changes []changeJSON `json:"changes"`
	Next    *string      `json:"next"`
}

// history handles GET /taxpayers/{npwp}/history?before=&limit=.
func (s *server) history(w http.ResponseWriter, r *http.Request) error {
	var fs errs.Fields
	before := queryInt(r, "before", &fs)
	limit := pageLimit(queryInt(r, "limit", &fs))
	if err := fs.Err("the query parameters are not valid"); err != nil {
		return err
	}
	cs, err := s.reg.History(r.Context(), r.PathValue("npwp"), before, limit)
	if err != nil {
		return err
	}
	out := historyJSON{Changes: make([]changeJSON, 0, len(cs))}
	for _, c := range cs {
		out.Changes = append(out.Changes, changeOut(c))
	}
	if len(cs) == limit {
		out.Next = cursor(cs[len(cs)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// cursor renders a row ID as an opaque page cursor.
func cursor(id int64) *string {
	s := strconv.FormatInt(id, 10)
	return &s
}

// representedJSON lists the entities a person is a related party of.
type representedJSON struct {
	Parties []representedParty `json:"parties"`
}

type representedParty struct {
	partyJSON
	TaxpayerID   int64  `json:"taxpayer_id"`
	TaxpayerNPWP string `json:"taxpayer_npwp"`
	TaxpayerName string `json:"taxpayer_name"`
}

// represented handles GET /taxpayers/{npwp}/represented: the related-party
// rows naming this taxpayer as the party.
func (s *server) represented(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.reg.Represented(r.Context(), r.PathValue("npwp"))
	if err != nil {
		return err
	}
	today := s.reg.Today()
	out := representedJSON{Parties: make([]representedParty, 0, len(ps))}
	for _, p := range ps {
		out.Parties = append(out.Parties, representedParty{partyJSON: partyOut(p.RelatedParty, today), TaxpayerID: p.TaxpayerID,
			TaxpayerNPWP: string(p.EntityNPWP), TaxpayerName: p.EntityName})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
