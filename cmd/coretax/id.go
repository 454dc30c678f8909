package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"github.com/coretax/coretax/internal/httpapi"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/taxid"
)

const idUsage = `
Usage: coretax id check [--kind KIND] [--json] VALUE...

Checks tax identifiers offline: their length, structure, check digit and
area codes. It cannot tell whether DJP or Dukcapil actually issued them.

Kinds: npwp, nik, nitku, faktur (Coretax, 17 digits), billing, ntpn.
Without --kind each VALUE's kind is inferred from its shape once dots,
dashes and spaces are removed: 22 digits NITKU, 17 faktur number,
16 starting with 0 NPWP, other 16 digits NIK, 15 legacy NPWP, 16 letters
and digits NTPN. A billing code has 15 digits like a legacy NPWP, so
check it with --kind billing.

Prints one block per VALUE, or with --json a JSON array with one object
per VALUE. The exit status is 0 when every VALUE is valid (warnings
allowed) and 1 otherwise.

Examples:
  coretax id check 01.312.166.0-091.000 5103015207850001
  coretax id check --kind billing --json 820220922465628
`

func runID(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("id check", idUsage)
	kindName := fs.String("kind", "", "check every VALUE as this `kind` instead of inferring it")
	asJSON := fs.Bool("json", false, "print a JSON array with one object per VALUE")
	if len(args) == 0 {
		return &usageError{msg: "missing subcommand; use: coretax id check VALUE..."}
	}
	switch args[0] {
	case "check":
	case "help", "-h", "-help", "--help":
		return a.parse(fs, []string{"--help"})
	default:
		return &usageError{msg: fmt.Sprintf("unknown subcommand %q; the only one is check", args[0])}
	}
	values, err := a.parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	var kind taxid.Kind
	if *kindName != "" {
		if kind, err = taxid.ParseKind(*kindName); err != nil {
			return &usageError{msg: errs.Message(err)}
		}
	}
	if len(values) == 0 {
		return &usageError{msg: "no values to check; give one or more, e.g. coretax id check 01.312.166.0-091.000"}
	}

	now := time.Now()
	results := make([]taxid.Result, len(values))
	for i, v := range values {
		results[i] = taxid.Check(kind, v, now)
	}
	if *asJSON {
		err = writeIDJSON(a.stdout, results)
	} else {
		err = writeIDReport(a.stdout, results, kind == "")
	}
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(results, func(r taxid.Result) bool { return !r.Valid }) {
		return nil
	}
	return &exitError{code: 1}
}

// parseInterspersed parses flags that may stand before, between or after
// the values, as people type them ("coretax id check VALUE --json"), and
// returns the values. Everything after "--" is a value.
func (a *app) parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	rest, tail := args, []string(nil)
	if i := slices.Index(args, "--"); i >= 0 {
		rest, tail = args[:i], args[i+1:]
	}
	var values []string
	for {
		if err := a.parse(fs, rest); err != nil {
			return nil, err
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		values, rest = append(values, rest[0]), rest[1:]
	}
	return append(values, tail...), nil
}

// writeIDJSON prints the results as a JSON array of the objects the API's
// GET /api/v1/id/check answers with, so that the two never differ.
func writeIDJSON(w io.Writer, results []taxid.Result) error {
	out := make([]httpapi.IDCheck, len(results))
	for i, r := range results {
		out[i] = httpapi.NewIDCheck(r)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeIDReport(w io.Writer, results []taxid.Result, inferred bool) error {
	var b strings.Builder
	for i, r := range results {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(showInput(r.Input))
		b.WriteByte('\n')
		line := func(label, value string) { fmt.Fprintf(&b, "  %-11s %s\n", label, value) }
		kind := string(r.Kind)
		if inferred && r.Kind != taxid.KindUnknown {
			kind += " (inferred from its shape)"
		}
		line("kind", kind)
		if r.Valid {
			line("valid", "yes")
			line("normalized", r.Normalized)
			if r.Display != r.Normalized {
				line("display", r.Display)
			}
		} else {
			line("valid", "no")
		}
		if n := r.NIK; n != nil {
			line("born", formatDate(n.BirthDate))
			line("sex", map[taxid.Sex]string{taxid.Male: "male", taxid.Female: "female"}[n.Sex])
			line("province", n.ProvinceCode+" "+orUnlisted(n.Province))
			line("regency", n.RegencyCode+" "+orUnlisted(n.Regency))
			line("district", n.DistrictCode+" "+orUnlisted(n.District))
		}
		for _, s := range r.Warnings {
			line("warning", s)
		}
		for _, s := range r.Errors {
			line("error", s)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func orUnlisted(name string) string {
	if name == "" {
		return "(not in today's area list)"
	}
	return name
}

// showInput prints a value as typed, quoted when it would otherwise be
// invisible or ambiguous (empty, surrounding spaces, control characters).
func showInput(s string) string {
	if s == "" || strings.TrimSpace(s) != s || strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return strconv.Quote(s)
	}
	return s
}
