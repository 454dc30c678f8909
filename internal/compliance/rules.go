package compliance

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
)

// env is what every rule needs: the thresholds, the regions'
// configuration, the day estimates are made on and the window of tax
// months looked at.
type env struct {
	cfg      Config
	table    pbjt.Table
	asOf     time.Time
	from, to string // first and last period of the window
}

func newEnv(cfg Config, table pbjt.Table, asOf time.Time) env {
	cfg = cfg.withDefaults()
	cur := pbjt.PeriodOf(asOf)
	to := cur.Prev()
	from := to
	for i := 1; i < cfg.WindowMonths; i++ {
		from = from.Prev()
	}
	return env{cfg: cfg, table: table, asOf: asOf, from: from.String(), to: to.String()}
}

// inWindow reports whether period p is one the rules look at: a month
// that has ended, within WindowMonths.
func (e env) inWindow(p string) bool { return p >= e.from && p <= e.to }

// region returns the configuration of the region in force in period p
// (on its last day), and whether there is one.
func (e env) region(code, period string) (pbjt.Version, bool) {
	p, err := parsePeriod(period)
	if err != nil || code == "" {
		return pbjt.Version{}, false
	}
	n := p.Next()
	last := time.Date(n.Year, n.Month, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	v, err := e.table.Lookup(code, last)
	return v, err == nil
}

// estimate fills one period of a PBJT flag: undeclared base at the
// region's rate and sanctions. It returns the rule text.
func (e env) estimate(pe *PeriodEstimate, undeclared money.Amount, regency string) (string, error) {
	v, ok := e.region(regency, pe.Period)
	if !ok {
		return fmt.Sprintf("%s: no region configuration is known, so no tax is estimated", pe.Period), nil
	}
	return estimatePBJT(pe, undeclared, v, e.asOf)
}

// rulesText joins distinct rule texts for the explanation.
func rulesText(texts []string) string {
	var out []string
	for _, t := range texts {
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return strings.Join(out, " | ")
}

func rp(a money.Amount) string { return a.Display() }

// listingEvidence lists the listing's records (summaries are filled in
// from the store) and a count of the rest.
func listingEvidence(ls ...*Listing) []Evidence {
	var ev []Evidence
	more := 0
	for _, l := range ls {
		for _, id := range l.RecordIDs {
			ev = append(ev, Evidence{Kind: EvidenceRecord, ID: id})
		}
		more += l.Records - len(l.RecordIDs)
	}
	if more > 0 {
		ev = append(ev, Evidence{Kind: EvidenceRecord, Summary: fmt.Sprintf("and %d more records of the same listing", more)})
	}
	return ev
}

// undeclared is rule undeclared-property for a place (one listing, or
// listings of several sources or ids taken to be one place) no registered
// property matches. The month's gross is CombineMonths': the largest
// source's unless dated stays show the sources' stays are distinct.
func (e env) undeclared(pl *Place) (*Flag, error) {
	l := pl.Listings[0]
	var m Match
	var regency, npwp string
	for i, li := range pl.Listings {
		if m.Key == "" && pl.Matches[i].Key == KeyHostOthers {
			m = pl.Matches[i]
		}
		regency = cmp.Or(regency, li.RegencyCode)
		npwp = cmp.Or(npwp, li.HostNPWP)
	}
	f := &Flag{Rule: UndeclaredProperty, Subject: pl.Key(), Regency: regency, NPWP: npwp}
	f.Replaces = pl.Former()
	months, largest, err := CombineMonths(pl.Listings, e.inWindow)
	if err != nil {
		return nil, err
	}
	var texts []string
	var gross, offshore money.Amount
	var countries []string
	for _, li := range pl.Listings {
		for _, c := range li.Countries {
			if !slices.Contains(countries, c) {
				countries = append(countries, c)
			}
		}
	}
	nLargest := 0
	for _, mo := range months {
		if mo.Gross <= 0 {
			continue
		}
		pe := PeriodEstimate{Period: mo.Period, ThirdPartyGross: mo.Gross}
		t, err := e.estimate(&pe, mo.Gross, regency)
		if err != nil {
			return nil, err
		}
		texts = append(texts, t)
		f.Periods = append(f.Periods, pe)
		gross += mo.Gross
		offshore += mo.Offshore
		if largest[mo.Period] {
			nLargest++
		}
	}
	if len(f.Periods) == 0 {
		return nil, nil
	}
	if err := sumEstimates(f); err != nil {
		return nil, err
	}
	// Without a region the tax cannot be estimated; the threshold is then
	// applied at the 10 % cap (UU HKPD Pasal 58(1)).
	floor := f.Shortfall
	if regency == "" {
		floor = gross / 10
	}
	if floor < e.cfg.MinShortfall {
		return nil, nil
	}
	switch {
	case m.Key == KeyHostOthers:
		f.Confidence = 60
		f.TaxpayerID = m.Holder.TaxpayerID
		f.NPWP = m.Holder.NPWP
	case regency == "":
		f.Confidence = 60
	default:
		f.Confidence = 85
	}
	f.Confidence = min(f.Confidence, pl.Confidence)
	records := countRecords(pl.Listings)
	var b strings.Builder
	if len(pl.Listings) == 1 {
		f.Evidence = listingEvidence(l)
		fmt.Fprintf(&b, "%d third-party bookings of listing %s %q (%s) from %s to %s total a gross of %s that no PBJT-registered property matches (no NPWPD, host NPWP/NIK, or district and name of a registered property).",
			l.Records, l.ID, l.Name, l.Source, f.PeriodFrom, f.PeriodTo, rp(gross))
	} else {
		var names []string
		for _, li := range pl.Listings {
			f.Evidence = append(f.Evidence, listingSummary(li))
			names = append(names, fmt.Sprintf("%s %q (%s)", li.ID, li.Name, li.Source))
		}
		f.Evidence = append(f.Evidence, listingEvidence(pl.Listings...)...)
		fmt.Fprintf(&b, "%d listings are taken to be one place (linked by %s; confidence %d %%): %s. Their %d third-party bookings from %s to %s give a gross of %s that no PBJT-registered property matches (no NPWPD, host NPWP/NIK, or district and name of a registered property).",
			len(pl.Listings), strings.Join(pl.Links, ", "), pl.Confidence, strings.Join(names, "; "), records, f.PeriodFrom, f.PeriodTo, rp(gross))
		if nLargest > 0 {
			fmt.Fprintf(&b, " In %d of the months the sources' stays may be the same stays (undated, or nights that overlap), so the month counts the largest total of any one source, not their sum.", nLargest)
		}
	}
	if m.Key == KeyHostOthers {
		fmt.Fprintf(&b, " The host is a registered taxpayer (%s) holding property %d %q, which this listing's name and district do not match: it may be a further, unregistered property.", m.Holder.NPWP, m.Holder.ID, m.Holder.Name)
		f.Evidence = append(f.Evidence, Evidence{Kind: EvidenceProperty, ID: m.Holder.ID, Summary: fmt.Sprintf("property %d %q of %s in %s, district %s", m.Holder.ID, m.Holder.Name, m.Holder.NPWP, m.Holder.RegencyCode, m.Holder.DistrictCode)})
	}
	if regency == "" {
		b.WriteString(" The records carry no address codes, so the region and its rate are unknown.")
	}
	if offshore > 0 {
		fmt.Fprintf(&b, " %s of it was paid out to accounts in %s.", rp(offshore), strings.Join(countries, ", "))
	}
	fmt.Fprintf(&b, " Estimated PBJT not declared %s; voluntary %s, after audit %s. Rules: %s", rp(f.Shortfall), rp(f.PenaltyVoluntary), rp(f.PenaltyAudit), rulesText(texts))
	b.WriteString(monthsText(f.Periods))
	f.Explanation = b.String()
	return f, nil
}

// propertyMonth is a property's third-party and declared figures in one
// month, for the listings in the region it declares to.
type propertyMonth struct {
	Period                              string
	Gross, Commission, Payout, Offshore money.Amount
	Declared                            money.Amount
	Declarations                        []Declaration
	claimed                             bool
}

// matched is a registered property with the listings matched to it.
type matched struct {
	p        *Property
	listings []*Listing
	keys     []Match
}

// confidence is the lowest confidence of the property's matches: a flag
// is no surer than the match it rests on.
func (m *matched) confidence() int {
	c := 100
	for _, k := range m.keys {
		c = min(c, k.Confidence)
	}
	return c
}

func propertyEvidence(p *Property) Evidence {
	return Evidence{Kind: EvidenceProperty, ID: p.ID, Summary: fmt.Sprintf("property %d %q registered to %s (%s) in region %s, district %s, NPWPD %q", p.ID, p.Name, p.NPWP, p.TaxpayerName, p.RegencyCode, p.DistrictCode, p.NPWPD)}
}

func declEvidence(ds []Declaration) []Evidence {
	var ev []Evidence
	for _, d := range ds {
		ev = append(ev, Evidence{Kind: EvidenceDeclaration, ID: d.ID, Summary: d.Summary()})
	}
	return ev
}

// property runs rules wrong-regency, net-instead-of-gross,
// offshore-payout, undeclared-property (months without declaration) and
// nominee for one registered property, in that order; a month one rule
// explains is not counted again by the next.
func (e env) property(mp *matched, decls []Declaration) ([]*Flag, error) {
	p := mp.p
	declared := p.RegencyCode
	byPeriod := map[string][]Declaration{}
	for _, d := range decls {
		if !e.inWindow(d.Period) {
			continue
		}
		byPeriod[d.Period] = append(byPeriod[d.Period], d)
		declared = d.RegencyCode
	}
	base := func() Flag {
		return Flag{TaxpayerID: p.TaxpayerID, PropertyID: p.ID, NPWP: p.NPWP, Subject: "property:" + strconv.FormatInt(p.ID, 10)}
	}
	var flags []*Flag
	conf := mp.confidence()

	// Wrong regency: listings whose address lies in another region than
	// the one the property declares to.
	var same, other []*Listing
	for _, l := range mp.listings {
		if l.RegencyCode != "" && l.RegencyCode != declared {
			other = append(other, l)
		} else {
			same = append(same, l)
		}
	}
	if len(other) > 0 {
		f := base()
		f.Rule = WrongRegency
		f.Regency = other[0].RegencyCode
		var texts []string
		var gross money.Amount
		// Listings of two sources may report the same stays: the months
		// are combined as for an unregistered place (CombineMonths).
		combined, _, err := CombineMonths(other, e.inWindow)
		if err != nil {
			return nil, err
		}
		months := map[string]money.Amount{}
		for _, mo := range combined {
			if mo.Gross > 0 {
				months[mo.Period] = mo.Gross
			}
		}
		periods := sortedKeys(months)
		for _, per := range periods {
			pe := PeriodEstimate{Period: per, ThirdPartyGross: months[per]}
			for _, d := range byPeriod[per] {
				pe.Declared += d.Base
			}
			t, err := e.estimate(&pe, months[per], f.Regency)
			if err != nil {
				return nil, err
			}
			texts = append(texts, t)
			f.Periods = append(f.Periods, pe)
			gross += months[per]
		}
		if err := sumEstimates(&f); err != nil {
			return nil, err
		}
		if len(f.Periods) > 0 && f.Shortfall >= e.cfg.MinShortfall {
			f.Confidence = min(conf, 75)
			f.Evidence = append([]Evidence{propertyEvidence(p)}, listingEvidence(other...)...)
			var ds []Declaration
			for _, per := range periods {
				ds = append(ds, byPeriod[per]...)
			}
			f.Evidence = append(f.Evidence, declEvidence(ds)...)
			f.Explanation = fmt.Sprintf("Property %d %q declares PBJT to region %s, but %d third-party bookings (gross %s, %s to %s) are of a listing at an address in region %s (%s). PBJT is owed to the region where the accommodation lies (UU HKPD Pasal 50–58): %s is estimated to be owed to %s; what was paid to %s for the same stays may be reclaimable there. Voluntary %s, after audit %s. Rules: %s",
				p.ID, p.Name, declared, countRecords(other), rp(gross), f.PeriodFrom, f.PeriodTo, f.Regency, other[0].DistrictCode, rp(f.Shortfall), f.Regency, declared, rp(f.PenaltyVoluntary), rp(f.PenaltyAudit), rulesText(texts)) + monthsText(f.Periods)
			flags = append(flags, &f)
		}
	}

	// The remaining listings, month by month, against the declarations.
	// Listings of two sources may report the same stays (CombineMonths).
	combined, _, err := CombineMonths(same, e.inWindow)
	if err != nil {
		return nil, err
	}
	months := map[string]*propertyMonth{}
	for _, mo := range combined {
		months[mo.Period] = &propertyMonth{Period: mo.Period, Gross: mo.Gross, Commission: mo.Commission, Payout: mo.Payout, Offshore: mo.Offshore}
	}
	periods := sortedKeys(months)
	for _, per := range periods {
		pm := months[per]
		pm.Declarations = byPeriod[per]
		for _, d := range pm.Declarations {
			pm.Declared += d.Base
		}
	}
	type monthRule struct {
		rule Rule
		conf int
		hit  func(pm *propertyMonth) bool
		text func(f *Flag, gross, declared money.Amount) string
	}
	rules := []monthRule{
		{NetInsteadOfGross, 90, func(pm *propertyMonth) bool {
			if pm.Declared <= 0 || pm.Commission <= 0 || pm.Declared >= pm.Gross {
				return false
			}
			missing := pm.Gross - pm.Declared
			return missing*10000 >= pm.Commission*money.Amount(e.cfg.NetMinShare) &&
				pm.Declared*10000 >= pm.Payout*money.Amount(10000-e.cfg.NetPayoutTolerance)
		}, func(f *Flag, gross, declared money.Amount) string {
			return fmt.Sprintf("Property %d %q declared a base of %s where third parties report a gross of %s paid by guests; the gap is at least %d %% of the platforms' commission and the declared base is within %d %% of the payout, so the payout net of commission was declared. PBJT is due on what the guest paid (UU HKPD Pasal 57; an OTA commission is the operator's cost, local-tax-bali.md §6).",
				p.ID, p.Name, rp(declared), rp(gross), e.cfg.NetMinShare/100, e.cfg.NetPayoutTolerance/100)
		}},
		{OffshorePayout, 80, func(pm *propertyMonth) bool {
			return pm.Offshore > 0 && (pm.Gross-pm.Declared)*10000 >= pm.Offshore*money.Amount(e.cfg.OffshoreCover)
		}, func(f *Flag, gross, declared money.Amount) string {
			return fmt.Sprintf("Property %d: bookings paid out to accounts abroad are left out of the declarations: declared %s against a third-party gross of %s, the gap covering at least %d %% of what was paid abroad. Payouts abroad are reported by the platforms like any other (local-tax-bali.md §6).",
				p.ID, rp(declared), rp(gross), e.cfg.OffshoreCover/100)
		}},
		{UndeclaredProperty, 85, func(pm *propertyMonth) bool {
			return len(pm.Declarations) == 0 && pm.Gross > 0
		}, func(f *Flag, gross, declared money.Amount) string {
			return fmt.Sprintf("Property %d is registered but no PBJT declaration was filed for months in which third parties report bookings with a gross of %s.", p.ID, rp(gross))
		}},
	}
	for _, r := range rules {
		f := base()
		f.Rule = r.rule
		f.Regency = declared
		var texts []string
		var gross, decl money.Amount
		var ds []Declaration
		for _, per := range periods {
			pm := months[per]
			if pm.claimed || !r.hit(pm) {
				continue
			}
			pm.claimed = true
			undeclared := max(pm.Gross-pm.Declared, 0)
			pe := PeriodEstimate{Period: per, ThirdPartyGross: pm.Gross, Declared: pm.Declared}
			t, err := e.estimate(&pe, undeclared, declared)
			if err != nil {
				return nil, err
			}
			texts = append(texts, t)
			f.Periods = append(f.Periods, pe)
			gross += pm.Gross
			decl += pm.Declared
			ds = append(ds, pm.Declarations...)
		}
		if len(f.Periods) == 0 {
			continue
		}
		if err := sumEstimates(&f); err != nil {
			return nil, err
		}
		if f.Shortfall < e.cfg.MinShortfall {
			continue
		}
		f.Confidence = min(conf, r.conf)
		f.Evidence = append([]Evidence{propertyEvidence(p)}, listingEvidence(same...)...)
		f.Evidence = append(f.Evidence, declEvidence(ds)...)
		f.Explanation = fmt.Sprintf("%s From %s to %s: estimated PBJT not declared %s; voluntary %s, after audit %s. Rules: %s",
			r.text(&f, gross, decl), f.PeriodFrom, f.PeriodTo, rp(f.Shortfall), rp(f.PenaltyVoluntary), rp(f.PenaltyAudit), rulesText(texts)) + monthsText(f.Periods)
		flags = append(flags, &f)
	}

	// Nominee: an individual operator declaring a small fraction of a
	// large third-party gross while the money goes to someone else.
	if nf, err := e.nominee(mp, same, months, periods, declared, conf); err != nil {
		return nil, err
	} else if nf != nil {
		flags = append(flags, nf)
	}
	return flags, nil
}

// nominee is rule nominee (doc/compliance.md): all of (1) the operator is
// an individual; (2) third-party gross over the window at least
// NomineeMinGross; (3) declared base below NomineeMaxShare of it; (4) the
// platforms pay someone else: the host NPWP/NIK they hold belongs to
// neither the operator nor an owner, or at least half the gross is paid
// out abroad.
func (e env) nominee(mp *matched, same []*Listing, months map[string]*propertyMonth, periods []string, declared string, conf int) (*Flag, error) {
	p := mp.p
	if !p.Individual {
		return nil, nil
	}
	var gross, decl, offshore money.Amount
	for _, per := range periods {
		gross += months[per].Gross
		decl += months[per].Declared
		offshore += months[per].Offshore
	}
	if gross < e.cfg.NomineeMinGross || decl*10000 >= gross*money.Amount(e.cfg.NomineeMaxShare) {
		return nil, nil
	}
	ids := map[string]bool{p.NPWP: true, p.NIK: true}
	for _, o := range p.Owners {
		ids[o.NPWP], ids[o.NIK] = true, true
	}
	var other []string
	for _, l := range same {
		for _, id := range []string{l.HostNPWP, l.HostNIK} {
			if id != "" && !ids[id] && !slices.Contains(other, id) {
				other = append(other, id)
			}
		}
	}
	if len(other) == 0 && offshore*2 < gross {
		return nil, nil
	}
	f := &Flag{Rule: Nominee, TaxpayerID: p.TaxpayerID, PropertyID: p.ID, NPWP: p.NPWP, Subject: "property:" + strconv.FormatInt(p.ID, 10), Regency: declared, Confidence: min(conf, 60)}
	var texts []string
	for _, per := range periods {
		pm := months[per]
		pe := PeriodEstimate{Period: per, ThirdPartyGross: pm.Gross, Declared: pm.Declared}
		if !pm.claimed {
			t, err := e.estimate(&pe, max(pm.Gross-pm.Declared, 0), declared)
			if err != nil {
				return nil, err
			}
			texts = append(texts, t)
		}
		f.Periods = append(f.Periods, pe)
	}
	if err := sumEstimates(f); err != nil {
		return nil, err
	}
	f.Evidence = append([]Evidence{propertyEvidence(p)}, listingEvidence(same...)...)
	var b strings.Builder
	fmt.Fprintf(&b, "Property %d %q is registered to the individual %s (%s), who declared %s against a third-party gross of %s from %s to %s (below %d %%).",
		p.ID, p.Name, p.NPWP, p.TaxpayerName, rp(decl), rp(gross), f.PeriodFrom, f.PeriodTo, e.cfg.NomineeMaxShare/100)
	if len(other) > 0 {
		fmt.Fprintf(&b, " The platforms pay a host identified as %s, who is neither the operator nor a registered owner.", strings.Join(other, ", "))
	}
	if offshore*2 >= gross {
		fmt.Fprintf(&b, " %s of the gross was paid out abroad.", rp(offshore))
	}
	b.WriteString(" The registered operator may be a nominee for the person who runs and is paid for the property.")
	fmt.Fprintf(&b, " Estimated PBJT not declared in months no other flag counts: %s; voluntary %s, after audit %s.", rp(f.Shortfall), rp(f.PenaltyVoluntary), rp(f.PenaltyAudit))
	if len(texts) > 0 {
		b.WriteString(" Rules: " + rulesText(texts))
		b.WriteString(monthsText(f.Periods))
	}
	f.Explanation = b.String()
	return f, nil
}

func countRecords(ls []*Listing) int {
	n := 0
	for _, l := range ls {
		n += l.Records
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// Slip is a withholding slip the claimant issued, as rule unwithheld-fees
// reads it from e-Bupot.
type Slip struct {
	ID           int64
	Type         string // BP21, BPPU
	Number       string
	Period       string
	RecipientTIN string
	ObjectCode   string
	Gross        money.Amount
}

// Summary is the slip's line of evidence.
func (s Slip) Summary() string {
	return fmt.Sprintf("slip %d: %s %s for %s to %s, object %s, gross %s", s.ID, s.Type, s.Number, s.Period, s.RecipientTIN, s.ObjectCode, s.Gross.Display())
}

// Claimant is a taxpayer's expense claims in the window with the slips it
// issued.
type Claimant struct {
	NPWP       string
	TaxpayerID int64
	Claims     []Record
	Slips      []Slip
}

// fees is rule unwithheld-fees for one claimant: per payee and month the
// fee claimed beyond the slips' gross (BP21 and BPPU issued by the
// claimant to that payee in that month); a payee-year is flagged when its
// unmatched fees exceed FeeTolerance of its claims and FeeMinGap.
func (e env) fees(c Claimant) (*Flag, error) {
	type key struct{ payee, period string }
	claimed := map[key]money.Amount{}
	slipped := map[key]money.Amount{}
	claimIDs := map[key][]Record{}
	for _, r := range c.Claims {
		if !e.inWindow(r.Period) {
			continue
		}
		k := key{r.PayeeID, r.Period}
		claimed[k] += r.Gross
		claimIDs[k] = append(claimIDs[k], r)
	}
	for _, s := range c.Slips {
		slipped[key{s.RecipientTIN, s.Period}] += s.Gross
	}
	type year struct{ payee, year string }
	yearClaimed := map[year]money.Amount{}
	yearGap := map[year]money.Amount{}
	for k, a := range claimed {
		y := year{k.payee, k.period[:4]}
		yearClaimed[y] += a
		yearGap[y] += max(a-slipped[k], 0)
	}
	gaps := map[string]money.Amount{}
	var ev []Evidence
	var payees []string
	keys := make([]key, 0, len(claimed))
	for k := range claimed {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int { return strings.Compare(a.period+a.payee, b.period+b.payee) })
	for _, k := range keys {
		y := year{k.payee, k.period[:4]}
		gap := max(claimed[k]-slipped[k], 0)
		if gap == 0 || yearGap[y] < e.cfg.FeeMinGap || yearGap[y]*10000 <= yearClaimed[y]*money.Amount(e.cfg.FeeTolerance) {
			continue
		}
		gaps[k.period] += gap
		for _, r := range claimIDs[k] {
			if len(ev) < e.cfg.MaxEvidence {
				ev = append(ev, r.Evidence())
			}
		}
		if !slices.Contains(payees, k.payee) {
			payees = append(payees, k.payee)
		}
	}
	if len(gaps) == 0 {
		return nil, nil
	}
	f := &Flag{Rule: UnwithheldFees, TaxpayerID: c.TaxpayerID, NPWP: c.NPWP, Subject: "taxpayer:" + c.NPWP, Confidence: 70}
	var texts []string
	var total money.Amount
	for _, per := range sortedKeys(gaps) {
		pe := PeriodEstimate{Period: per, ThirdPartyGross: gaps[per]}
		t, err := estimateFee(&pe, gaps[per], e.asOf)
		if err != nil {
			return nil, err
		}
		texts = append(texts, t)
		f.Periods = append(f.Periods, pe)
		total += gaps[per]
	}
	if err := sumEstimates(f); err != nil {
		return nil, err
	}
	for _, s := range c.Slips {
		if slices.Contains(payees, s.RecipientTIN) && len(ev) < 2*e.cfg.MaxEvidence {
			ev = append(ev, Evidence{Kind: EvidenceSlip, ID: s.ID, Ref: s.Number, Summary: s.Summary()})
		}
	}
	f.Evidence = ev
	f.Explanation = fmt.Sprintf("%s claims professional fees of which %s, paid to %s from %s to %s, are covered by no BP21 or BPPU withholding slip it issued to the payee in the month (more than %d %% of the year's claims to the payee and at least %s). Estimated withholding not done %s; voluntary %s, after audit %s. Rules: %s",
		c.NPWP, rp(total), strings.Join(payees, ", "), f.PeriodFrom, f.PeriodTo, e.cfg.FeeTolerance/100, rp(e.cfg.FeeMinGap), rp(f.Shortfall), rp(f.PenaltyVoluntary), rp(f.PenaltyAudit), rulesText(texts)) + monthsText(f.Periods)
	return f, nil
}
