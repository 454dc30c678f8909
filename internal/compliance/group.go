package compliance

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/coretax/coretax/internal/money"
)

// The keys on which listings no registered property matches are taken to
// be one place (doc/compliance.md, "Listings of one place"), strongest
// first, with the confidence each gives that two listings are the same
// place. A name alone never links two listings: a district is always part
// of the key.
const (
	LinkNPWPD        = "npwpd"         // the same NPWPD
	LinkHostDistrict = "host+district" // the same host NIK or NPWP in the same district
	LinkStreet       = "district+street"
	LinkName         = "district+name"
)

// linkConfidence is the confidence of each link key.
var linkConfidence = map[string]int{LinkNPWPD: 95, LinkHostDistrict: 85, LinkStreet: 80, LinkName: 75}

// linkKeys returns l's link keys, strongest first.
func linkKeys(l *Listing) [][2]string {
	var ks [][2]string
	if n := strings.ToUpper(strings.TrimSpace(l.NPWPD)); n != "" {
		ks = append(ks, [2]string{LinkNPWPD, n})
	}
	if l.DistrictCode != "" {
		for _, id := range []string{l.HostNPWP, l.HostNIK} {
			if id != "" {
				ks = append(ks, [2]string{LinkHostDistrict, l.DistrictCode + "/" + id})
			}
		}
		if s := normName(l.Street); s != "" {
			ks = append(ks, [2]string{LinkStreet, l.DistrictCode + "/" + s})
		}
		if n := normName(l.Name); n != "" {
			ks = append(ks, [2]string{LinkName, l.DistrictCode + "/" + n})
		}
	}
	return ks
}

// Place is the listings, of one or more sources, taken to be one place.
type Place struct {
	// Listings are sorted by their Key; the first names the place.
	Listings []*Listing
	// Matches are the listings' matches (no property; KeyHostOthers when
	// the host holds properties), in the order of Listings.
	Matches []Match
	// Links are the link keys that joined the listings; Confidence is
	// the lowest of their confidences (100 for a single listing).
	Links      []string
	Confidence int
}

// Key is the place's subject: the listing's own key for a single listing,
// else "place:<district>:<hash>" where the hash is of the first listing's
// key. Listings are never removed from the data (records are append-only
// and a correction keeps its listing), so the first listing, and the key,
// stay the same on a re-run unless a listing sorting before it joins.
func (p *Place) Key() string {
	first := p.Listings[0]
	if len(p.Listings) == 1 {
		return first.Key()
	}
	d := "-"
	for _, l := range p.Listings {
		if l.DistrictCode != "" {
			d = l.DistrictCode
			break
		}
	}
	return PlaceSubject(d, first.Key())
}

// Former are the subjects the place's listings may have had open flags
// under before the place took its present form: each listing's own
// subject, and the place subject each listing would give the place if it
// sorted first (in any of the place's districts), since a listing that
// joins later and sorts first changes the place's key. A place's flag
// supersedes the open flags of all of them, so that a villa is never
// counted under two subjects. A single listing has none.
func (p *Place) Former() []string {
	if len(p.Listings) < 2 {
		return nil
	}
	own := p.Key()
	districts := []string{"-"}
	for _, l := range p.Listings {
		if l.DistrictCode != "" && !slices.Contains(districts, l.DistrictCode) {
			districts = append(districts, l.DistrictCode)
		}
	}
	var out []string
	for _, l := range p.Listings {
		out = append(out, l.Key())
		for _, d := range districts {
			if s := PlaceSubject(d, l.Key()); s != own {
				out = append(out, s)
			}
		}
	}
	return out
}

// PlaceSubject is the subject of a place of several listings in district
// ("-" when none is known) whose listing key sorting first is firstKey:
// "place:<district>:<first 16 hex digits of SHA-256(firstKey)>".
func PlaceSubject(district, firstKey string) string {
	h := sha256.Sum256([]byte(firstKey))
	return "place:" + district + ":" + hex.EncodeToString(h[:8])
}

// GroupPlaces joins listings sharing a link key into places: union-find
// over the keys, strongest keys first, so a place's confidence is that of
// the weakest link it needed. It takes time and memory linear in the
// listings. ms are the listings' matches, in the order of ls.
func GroupPlaces(ls []*Listing, ms []Match) []*Place {
	parent := make([]int, len(ls))
	conf := make([]int, len(ls))
	links := make([][]string, len(ls))
	for i := range parent {
		parent[i], conf[i] = i, 100
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	keys := make([][][2]string, len(ls))
	for i, l := range ls {
		keys[i] = linkKeys(l)
	}
	for _, kind := range []string{LinkNPWPD, LinkHostDistrict, LinkStreet, LinkName} {
		seen := map[string]int{}
		for i := range ls {
			for _, k := range keys[i] {
				if k[0] != kind {
					continue
				}
				j, ok := seen[k[1]]
				if !ok {
					seen[k[1]] = i
					continue
				}
				a, b := find(i), find(j)
				if a == b {
					continue
				}
				parent[b] = a
				conf[a] = min(conf[a], conf[b], linkConfidence[kind])
				links[a] = append(links[a], links[b]...)
				if !slices.Contains(links[a], kind) {
					links[a] = append(links[a], kind)
				}
			}
		}
	}
	byRoot := map[int]*Place{}
	var places []*Place
	for i, l := range ls {
		r := find(i)
		p := byRoot[r]
		if p == nil {
			p = &Place{Confidence: conf[r], Links: links[r]}
			byRoot[r] = p
			places = append(places, p)
		}
		p.Listings = append(p.Listings, l)
		p.Matches = append(p.Matches, ms[i])
	}
	for _, p := range places {
		idx := make([]int, len(p.Listings))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int { return strings.Compare(p.Listings[a].Key(), p.Listings[b].Key()) })
		ls2, ms2 := make([]*Listing, len(idx)), make([]Match, len(idx))
		for i, j := range idx {
			ls2[i], ms2[i] = p.Listings[j], p.Matches[j]
		}
		p.Listings, p.Matches = ls2, ms2
	}
	slices.SortFunc(places, func(a, b *Place) int { return strings.Compare(a.Listings[0].Key(), b.Listings[0].Key()) })
	return places
}

// CombineMonths is the third-party figures per month of listings that are
// one place (a group of unmatched listings, or the listings matched to one
// property). Within a source the listings' months are added: a platform
// does not sell the same stay twice. Across sources a month is added only
// when every source's stays that month are dated and no two sources'
// nights overlap, which shows distinct stays; otherwise the month is the
// largest total of any one source (ties to the first source by name), as
// the case-work dashboard counts it, because a PJAP's feed and a bank's or
// an OTA's own feed may report the same stays. Largest reports, per month
// so chosen, whether it took the largest source rather than the sum.
func CombineMonths(ls []*Listing, keep func(period string) bool) (months []Month, largest map[string]bool, err error) {
	if len(ls) == 1 {
		// One listing, one source: its months as they are.
		for _, mo := range ls[0].Months {
			if keep == nil || keep(mo.Period) {
				months = append(months, mo)
			}
		}
		return months, nil, nil
	}
	type key struct{ source, period string }
	per := map[key]*Month{}
	var sources []string
	for _, l := range ls {
		for _, mo := range l.Months {
			if keep != nil && !keep(mo.Period) {
				continue
			}
			k := key{l.Source, mo.Period}
			m := per[k]
			if m == nil {
				m = &Month{Period: mo.Period}
				per[k] = m
				if !slices.Contains(sources, l.Source) {
					sources = append(sources, l.Source)
				}
			}
			// Two listings of one source whose nights overlap are rooms of
			// one place, or two places: either way the stays are distinct.
			if err := m.addMonth(mo); err != nil {
				return nil, nil, err
			}
		}
	}
	slices.Sort(sources)
	byPeriod := map[string][]*Month{}
	for _, src := range sources {
		for k, m := range per {
			if k.source == src {
				byPeriod[k.period] = append(byPeriod[k.period], m)
			}
		}
	}
	largest = map[string]bool{}
	for _, period := range sortedKeys(byPeriod) {
		ms := byPeriod[period]
		distinct := true
		var nights uint64
		for _, m := range ms {
			if m.Undated || nights&m.Nights != 0 {
				distinct = false
				break
			}
			nights |= m.Nights
		}
		if len(ms) == 1 || distinct {
			sum := Month{Period: period}
			for _, m := range ms {
				if err := sum.addMonth(*m); err != nil {
					return nil, nil, err
				}
			}
			months = append(months, sum)
			continue
		}
		best := ms[0]
		for _, m := range ms[1:] {
			if m.Gross > best.Gross {
				best = m
			}
		}
		months = append(months, *best)
		largest[period] = true
	}
	return months, largest, nil
}

// addMonth adds o's figures to m.
func (m *Month) addMonth(o Month) error {
	var err error
	for _, p := range []struct {
		dst *money.Amount
		v   money.Amount
	}{{&m.Gross, o.Gross}, {&m.Commission, o.Commission}, {&m.Payout, o.Payout}, {&m.Offshore, o.Offshore}} {
		if *p.dst, err = p.dst.Add(p.v); err != nil {
			return err
		}
	}
	m.Bookings += o.Bookings
	m.Nights |= o.Nights
	m.Undated = m.Undated || o.Undated
	return nil
}

// listingSummary is a listing's line of evidence.
func listingSummary(l *Listing) Evidence {
	var b strings.Builder
	fmt.Fprintf(&b, "listing %s %q on %s: %d records", l.ID, l.Name, l.Source, l.Records)
	if l.Street != "" {
		fmt.Fprintf(&b, ", %s", l.Street)
	}
	if l.DistrictCode != "" {
		fmt.Fprintf(&b, ", district %s", l.DistrictCode)
	}
	if l.HostName != "" || l.HostNPWP != "" || l.HostNIK != "" {
		fmt.Fprintf(&b, ", host %s %s", l.HostName, cmp.Or(l.HostNPWP, l.HostNIK))
	}
	if l.NPWPD != "" {
		fmt.Fprintf(&b, ", NPWPD %s", l.NPWPD)
	}
	return Evidence{Kind: EvidenceListing, Source: l.Source, Ref: l.ID, Summary: strings.TrimSpace(b.String())}
}
