package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/errs"
)

const objectcodeUsage = `
Usage: coretax objectcode [--slip TYPE] [--on YYYY-MM-DD] [--json]
       coretax objectcode search TEXT [--slip TYPE] [--on YYYY-MM-DD] [--json]
       coretax objectcode show CODE [--slip TYPE] [--on YYYY-MM-DD] [--json]

Lists the e-Bupot tax object codes (kode objek pajak) in force on a day:
today in WIB, or the day given with --on (a slip's withholding date).

  (no command)  every code in force, or those a slip type accepts
  search TEXT   codes whose number starts with TEXT ("21-100", "2440")
                or whose name holds every word of TEXT ("cleaning",
                "tenaga ahli"), ignoring letter case
  show CODE     one code in full; a retired code is refused with the code
                to use instead, and with --slip a code the slip type does
                not accept is refused

--slip is one of BPMP, BP21, BP26, BPA1, BPA2, BPPU, BPNR, BPSP, BPCY, DDBU.
The list is the Coretax list (PER-11/PJ/2025) held as dated data; see
doc/ebupot-object-codes.md. With --json a list prints a JSON array and show
one object:
  {"code": "21-100-07", "name": "...", "slips": ["BP21"],
   "recipients": ["non-employee"], "final": false, "basis": "article17",
   "rate": null, "deemed": "50", "kap": "411121", "kjs": "100",
   "valid_from": "2025-01-01", "valid_until": null, "replacement": [],
   "source": "..."}
Exit status: 0 found, 1 when show refuses the code, 2 for a bad command line.
`

// objectcodeJSON is the JSON form of an objectcode.Code. Rate and deemed
// are percentages as Coretax XML writes them ("2.64", "50"), null when the
// code fixes none.
type objectcodeJSON struct {
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	Slips       []string `json:"slips"`
	Recipients  []string `json:"recipients"`
	Final       bool     `json:"final"`
	Basis       string   `json:"basis"`
	Rate        *string  `json:"rate"`
	Deemed      *string  `json:"deemed"`
	KAP         string   `json:"kap"`
	KJS         string   `json:"kjs"`
	ValidFrom   string   `json:"valid_from"`
	ValidUntil  *string  `json:"valid_until"`
	Replacement []string `json:"replacement"`
	Source      string   `json:"source"`
}

func runObjectcode(_ context.Context, a *app, args []string) error {
	fs := a.newFlagSet("objectcode", objectcodeUsage)
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	onFlag := fs.String("on", "", "the day the code is used, YYYY-MM-DD (default today in WIB)")
	slipFlag := fs.String("slip", "", "only codes this slip type accepts: BPMP, BP21, BP26, BPA1, BPA2, BPPU, BPNR, ...")
	// Flags may come before or after the command and its argument.
	var words []string
	rest := args
	for {
		if err := a.parse(fs, rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		words = append(words, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	on := calendar.Day(time.Now())
	if *onFlag != "" {
		d, err := time.Parse("2006-01-02", *onFlag)
		if err != nil {
			return &usageError{msg: fmt.Sprintf("--on %q is not a date; write it as YYYY-MM-DD, e.g. 2026-06-30", *onFlag)}
		}
		on = d
	}
	var slip objectcode.SlipType
	if *slipFlag != "" {
		s, err := objectcode.ParseSlipType(*slipFlag)
		if err != nil {
			return &usageError{msg: "--slip: " + err.Error()}
		}
		slip = s
	}
	if len(words) == 0 {
		list := objectcode.Search("", on)
		if slip != "" {
			list = objectcode.ForSlip(slip, on)
		}
		return writeObjectcodes(a.stdout, list, *asJSON, on)
	}
	switch words[0] {
	case "search":
		if len(words) < 2 {
			return &usageError{msg: "search needs the text to look for: coretax objectcode search cleaning"}
		}
		var list []objectcode.Code
		for _, c := range objectcode.Search(strings.Join(words[1:], " "), on) {
			if slip == "" || c.AcceptsSlip(slip) {
				list = append(list, c)
			}
		}
		return writeObjectcodes(a.stdout, list, *asJSON, on)
	case "show":
		if len(words) != 2 {
			return &usageError{msg: "show takes one code: coretax objectcode show 21-100-07"}
		}
		c, err := objectcode.Lookup(words[1], on)
		if err == nil && slip != "" {
			err = objectcode.Check(c.Code, slip, "", on)
		}
		if err != nil {
			if !errs.Is(errs.Invalid, err) {
				return err
			}
			fmt.Fprintf(a.stderr, "coretax objectcode: %s\n", errs.Message(err))
			return &exitError{code: 1}
		}
		if *asJSON {
			return encodeObjectcodeJSON(a.stdout, toObjectcodeJSON(c))
		}
		return writeObjectcode(a.stdout, c)
	}
	return &usageError{msg: fmt.Sprintf("unknown command %q; use search TEXT or show CODE", words[0])}
}

func toObjectcodeJSON(c objectcode.Code) objectcodeJSON {
	out := objectcodeJSON{
		Code:        c.Code,
		Name:        c.Name,
		Slips:       make([]string, len(c.Slips)),
		Recipients:  make([]string, len(c.Recipients)),
		Final:       c.Final,
		Basis:       string(c.Basis),
		KAP:         c.KAP,
		KJS:         c.KJS,
		ValidFrom:   c.ValidFrom.Format("2006-01-02"),
		Replacement: append([]string{}, c.Replacement...),
		Source:      c.Source,
	}
	for i, s := range c.Slips {
		out.Slips[i] = string(s)
	}
	for i, r := range c.Recipients {
		out.Recipients[i] = string(r)
	}
	if c.Rate.Set {
		s := c.Rate.String()
		out.Rate = &s
	}
	if c.DeemedPercent != 0 {
		s := c.DeemedPercent.String()
		out.Deemed = &s
	}
	if !c.ValidUntil.IsZero() {
		s := c.ValidUntil.Format("2006-01-02")
		out.ValidUntil = &s
	}
	return out
}

func encodeObjectcodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func writeObjectcodes(w io.Writer, list []objectcode.Code, asJSON bool, on time.Time) error {
	if asJSON {
		out := make([]objectcodeJSON, len(list))
		for i, c := range list {
			out[i] = toObjectcodeJSON(c)
		}
		return encodeObjectcodeJSON(w, out)
	}
	if len(list) == 0 {
		_, err := fmt.Fprintf(w, "no code in force on %s matches\n", on.Format("2006-01-02"))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tSLIPS\tFINAL\tBASIS\tRATE\tDEEMED\tKAP-KJS\tNAME")
	for _, c := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Code, objectcodeSlips(c.Slips, ","), objectcodeYesNo(c.Final), c.Basis,
			objectcodeOrDash(c.Rate.String(), "%"), objectcodeOrDash(objectcodeDeemed(c), "%"), c.KAPKJS(), c.Name)
	}
	return tw.Flush()
}

func writeObjectcode(w io.Writer, c objectcode.Code) error {
	until := "open"
	if !c.ValidUntil.IsZero() {
		until = c.ValidUntil.Format("2006-01-02")
	}
	recipients := make([]string, len(c.Recipients))
	for i, r := range c.Recipients {
		recipients[i] = string(r)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "code:\t%s\n", c.Code)
	fmt.Fprintf(tw, "name:\t%s\n", c.Name)
	fmt.Fprintf(tw, "slips:\t%s\n", objectcodeSlips(c.Slips, ", "))
	fmt.Fprintf(tw, "recipients:\t%s\n", strings.Join(recipients, ", "))
	fmt.Fprintf(tw, "final:\t%s\n", objectcodeYesNo(c.Final))
	fmt.Fprintf(tw, "basis:\t%s\n", c.Basis)
	fmt.Fprintf(tw, "rate:\t%s\n", objectcodeOrDash(c.Rate.String(), "%"))
	fmt.Fprintf(tw, "deemed:\t%s\n", objectcodeOrDash(objectcodeDeemed(c), "% of gross"))
	fmt.Fprintf(tw, "KAP-KJS:\t%s\n", c.KAPKJS())
	fmt.Fprintf(tw, "valid:\t%s to %s\n", c.ValidFrom.Format("2006-01-02"), until)
	if len(c.Replacement) > 0 {
		fmt.Fprintf(tw, "replacement:\t%s\n", strings.Join(c.Replacement, ", "))
	}
	fmt.Fprintf(tw, "source:\t%s\n", c.Source)
	return tw.Flush()
}

func objectcodeSlips(ss []objectcode.SlipType, sep string) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, sep)
}

func objectcodeDeemed(c objectcode.Code) string {
	if c.DeemedPercent == 0 {
		return ""
	}
	return c.DeemedPercent.String()
}

func objectcodeYesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func objectcodeOrDash(s, unit string) string {
	if s == "" {
		return "-"
	}
	return s + unit
}
