package booking

import (
	"bytes"
	"strings"
	"time"
)

// icalLine is one unfolded content line (RFC 5545 §3.1) and the line of
// the file it starts on.
type icalLine struct {
	n                   int
	name, params, value string
}

// unfold joins continuation lines (a line starting with a space or a tab
// continues the previous one, RFC 5545 §3.1) and splits each content line
// into name, parameters and value.
func unfold(data []byte) []icalLine {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var out []icalLine
	var cur strings.Builder
	start := 0
	flush := func() {
		if cur.Len() == 0 {
			return
		}
		s := cur.String()
		cur.Reset()
		colon := strings.IndexByte(s, ':')
		if colon < 0 {
			out = append(out, icalLine{n: start, name: strings.ToUpper(s)})
			return
		}
		head, value := s[:colon], s[colon+1:]
		name, params, _ := strings.Cut(head, ";")
		out = append(out, icalLine{n: start, name: strings.ToUpper(strings.TrimSpace(name)), params: strings.ToUpper(params), value: value})
	}
	for i, raw := range strings.Split(string(data), "\n") {
		raw = strings.TrimSuffix(raw, "\r")
		if len(raw) > 0 && (raw[0] == ' ' || raw[0] == '\t') {
			cur.WriteString(raw[1:])
			continue
		}
		flush()
		start = i + 1
		cur.WriteString(raw)
	}
	flush()
	return out
}

// unescape reads a TEXT value (RFC 5545 §3.3.11).
func unescape(s string) string {
	r := strings.NewReplacer(`\n`, " ", `\N`, " ", `\,`, ",", `\;`, ";", `\\`, `\`)
	return strings.TrimSpace(r.Replace(s))
}

// placeholders are SUMMARY values calendar exports write instead of a
// guest's name: Airbnb's "Reserved" and "Airbnb (Not available)",
// Booking.com's "CLOSED - Not available", and owners' "Blocked".
var placeholders = []string{"reserved", "not available", "closed", "blocked", "unavailable", "booked"}

func isPlaceholder(s string) bool {
	l := strings.ToLower(s)
	if l == "" {
		return true
	}
	for _, p := range placeholders {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// icalDate reads DTSTART or DTEND: a DATE (20261003) or a DATE-TIME
// (20261003T140000Z, 20261003T140000) whose date is taken as written.
func icalDate(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if len(v) < 8 {
		return time.Time{}, false
	}
	if len(v) > 8 && v[8] != 'T' {
		return time.Time{}, false
	}
	d := v[:8]
	for _, r := range d {
		if r < '0' || r > '9' {
			return time.Time{}, false
		}
	}
	y, _ := atoi(d[:4])
	m, _ := atoi(d[4:6])
	dd, _ := atoi(d[6:8])
	return mkDate(y, m, dd)
}

// icalDays reads a DURATION of whole days or weeks (P3D, P1W); a stay in
// a calendar feed is never shorter than a day.
func icalDays(v string) (int, bool) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "+")
	if !strings.HasPrefix(v, "P") || len(v) < 3 {
		return 0, false
	}
	n, ok := atoi(v[1 : len(v)-1])
	switch v[len(v)-1] {
	case 'D':
		return n, ok
	case 'W':
		return n * 7, ok
	}
	return 0, false
}

// readICal reads the VEVENTs of a calendar feed as date-only bookings: the
// stay is DTSTART to DTEND (or DTSTART plus DURATION, or one day when
// DTSTART is a date and neither is given, RFC 5545 §3.6.1), the reference
// is the UID and the guest is the SUMMARY unless it is a placeholder such
// as "Reserved". STATUS:CANCELLED marks a cancelled booking. Amounts are
// not known: they are added later by another import or by hand. The
// listing is Options.Listing, else the calendar's X-WR-CALNAME.
func readICal(data []byte, opt Options, res *Result) error {
	lines := unfold(data)
	calName := ""
	for _, l := range lines {
		if l.name == "X-WR-CALNAME" {
			calName = unescape(l.value)
			break
		}
	}
	listing := opt.Listing
	if listing == "" {
		listing = calName
	}
	var ev *icalEvent
	for _, l := range lines {
		switch {
		case l.name == "BEGIN" && strings.EqualFold(l.value, "VEVENT"):
			ev = &icalEvent{start: l.n}
		case l.name == "END" && strings.EqualFold(l.value, "VEVENT") && ev != nil:
			ev.emit(listing, opt, res)
			ev = nil
		case ev != nil:
			ev.props = append(ev.props, l)
		}
	}
	if ev != nil {
		res.Errors = append(res.Errors, RowError{Row: ev.start, Column: "END:VEVENT", Message: "the event is never closed; the feed was cut off: download it again"})
	}
	return nil
}

type icalEvent struct {
	start int
	props []icalLine
}

func (e *icalEvent) prop(name string) (icalLine, bool) {
	for _, p := range e.props {
		if p.name == name {
			return p, true
		}
	}
	return icalLine{}, false
}

func (e *icalEvent) emit(listing string, opt Options, res *Result) {
	c := &cells{rec: record{line: e.start}}
	b := Booking{Channel: ICal, Status: Confirmed, Listing: listing}
	uid, _ := e.prop("UID")
	b.Reference = strings.TrimSpace(uid.value)
	sum, _ := e.prop("SUMMARY")
	if s := unescape(sum.value); !isPlaceholder(s) {
		b.Guest = s
	}
	if st, ok := e.prop("STATUS"); ok && strings.EqualFold(strings.TrimSpace(st.value), "CANCELLED") {
		b.Status = Cancelled
	}
	ds, ok := e.prop("DTSTART")
	if !ok {
		c.errs = append(c.errs, RowError{Row: e.start, Column: "DTSTART", Message: "is missing; every event needs its first night as DTSTART;VALUE=DATE:YYYYMMDD"})
	} else if in, ok := icalDate(ds.value); !ok {
		c.errs = append(c.errs, RowError{Row: ds.n, Column: "DTSTART", Value: ds.value, Message: "is not a date; write DTSTART;VALUE=DATE:20261003"})
	} else {
		b.CheckIn = in
	}
	if de, ok := e.prop("DTEND"); ok {
		if out, ok := icalDate(de.value); !ok {
			c.errs = append(c.errs, RowError{Row: de.n, Column: "DTEND", Value: de.value, Message: "is not a date; write DTEND;VALUE=DATE:20261006 (the check-out day)"})
		} else {
			b.CheckOut = out
		}
	} else if du, ok := e.prop("DURATION"); ok {
		if n, ok := icalDays(du.value); !ok || n <= 0 {
			c.errs = append(c.errs, RowError{Row: du.n, Column: "DURATION", Value: du.value, Message: "is not a number of days; write DURATION:P3D or give DTEND"})
		} else if !b.CheckIn.IsZero() {
			b.CheckOut = b.CheckIn.AddDate(0, 0, n)
		}
	} else if !b.CheckIn.IsZero() {
		b.CheckOut = b.CheckIn.AddDate(0, 0, 1)
	}
	if !b.CheckIn.IsZero() && !b.CheckOut.IsZero() && !b.CheckOut.After(b.CheckIn) {
		de, ok := e.prop("DTEND")
		if !ok {
			de.n = e.start
		}
		c.errs = append(c.errs, RowError{Row: de.n, Column: "DTEND", Value: de.value, Message: "is not after DTSTART; DTEND is the check-out day, at least one day after check-in"})
	}
	finish(c, b, opt, res)
}
