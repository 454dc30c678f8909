package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registry"
)

const registryUsageHead = `
Usage: coretax registry import --kind KIND [--format csv|json] [--data DIR] [--database-url URL] FILE
       coretax registry show --kind KIND [--data DIR] [--database-url URL] KEY

KIND is population (Dukcapil: residents by NIK), company (AHU: companies by
registry number, with their officers) or immigration (foreigners by
nationality and passport number, with their stay permits).

import loads a registry file into the database. FILE is a CSV or JSON
file; the format comes from its extension (.csv, .json) or from --format.
FILE - reads standard input and needs --format. The import is all or
nothing: every row is checked first, and if any is bad nothing is stored,
every problem is printed as FILE:LINE: column NAME "value": rule and fix,
and the exit status is 1. Records are matched by key (the NIK; the
registry number; the nationality and passport number): new keys are
inserted, changed records updated, and a company's officer list is
replaced by the one in the file.

show prints the record with KEY: a NIK, a registry number, or a passport
number (under every nationality that has issued it).

A CSV file starts with a header row naming its columns, in any order,
separated by commas (or semicolons, as spreadsheets in Indonesian locale
save them). A company file has one row per officer, with the company
columns repeated; a company without officers has one row with the officer
columns empty. A JSON file is an array of objects whose members are named
like the columns; a company lists its officers in "officers", an array of
objects with the officer columns without their "officer_" prefix. Dates
are YYYY-MM-DD. doc/registries.md has examples.

Columns (* must be in the header):
`

// registryUsage lists the columns of every registry after the head, from
// the registry package so that the two cannot drift apart.
func registryUsage() string {
	var b strings.Builder
	b.WriteString(registryUsageHead)
	for _, k := range registry.Kinds {
		fmt.Fprintf(&b, "  %s:\n", k)
		for _, c := range registry.Columns(k) {
			name := c.Name
			if c.Required {
				name += "*"
			}
			fmt.Fprintf(&b, "    %-25s %s\n", name, c.Rule)
		}
	}
	b.WriteString(`
Examples:
  coretax registry import --kind population people.csv
  coretax registry import --kind company --format json - < companies.json
  coretax registry show --kind population 5103011702850001
`)
	return b.String()
}

func runRegistry(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("registry", registryUsage())
	kindName := fs.String("kind", "", "the registry: population, company or immigration")
	formatName := fs.String("format", "", "the file format, csv or json (default: from FILE's extension)")
	sf := a.addStorageFlags(fs)
	if len(args) == 0 {
		return &usageError{msg: "missing subcommand; use import or show"}
	}
	sub := args[0]
	switch sub {
	case "import", "show":
	case "help", "-h", "-help", "--help":
		return a.parse(fs, []string{"--help"})
	default:
		return &usageError{msg: fmt.Sprintf("unknown subcommand %q; use import or show", sub)}
	}
	operands, err := a.parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	if *kindName == "" {
		return &usageError{msg: "missing --kind; use --kind population, company or immigration"}
	}
	kind, err := registry.ParseKind(*kindName)
	if err != nil {
		return &usageError{msg: fmt.Sprintf("--kind %q: use population, company or immigration", *kindName)}
	}
	if len(operands) != 1 {
		what := "FILE (or - for standard input)"
		if sub == "show" {
			what = "KEY"
		}
		return &usageError{msg: fmt.Sprintf("give exactly one %s; got %d arguments", what, len(operands))}
	}
	if sub == "show" {
		return a.registryShow(ctx, sf, kind, operands[0])
	}
	return a.registryImport(ctx, sf, kind, *formatName, operands[0])
}

func (a *app) registryImport(ctx context.Context, sf *storageFlags, kind registry.Kind, formatName, file string) error {
	var format registry.Format
	switch {
	case formatName != "":
		f, err := registry.ParseFormat(formatName)
		if err != nil {
			return &usageError{msg: fmt.Sprintf("--format %q: use csv or json", formatName)}
		}
		format = f
	case file == "-":
		return &usageError{msg: "reading standard input needs --format csv or --format json"}
	default:
		f, ok := registry.FormatOf(file)
		if !ok {
			return &usageError{msg: fmt.Sprintf("cannot tell the format of %s from its extension; name it .csv or .json, or give --format", file)}
		}
		format = f
	}
	in, name := a.stdin, "stdin"
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		in, name = f, file
	}

	db, _, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := registry.NewService(db.Registry(), time.Now)
	res, err := svc.Import(ctx, kind, format, in)
	if errs.Is(errs.Invalid, err) {
		printProblems(a.stderr, name, err)
		return &exitError{code: 1}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, res)
	return nil
}

// printProblems prints every problem of a rejected import, one a line, in
// the FILE:LINE: form that editors jump to, then the summary.
func printProblems(w io.Writer, name string, err error) {
	for _, f := range errs.FieldsOf(err) {
		fmt.Fprintln(w, filePosition(name, f.String()))
	}
	fmt.Fprintf(w, "coretax registry: %s\n", errs.Message(err))
}

// filePosition turns a problem that starts with the registry package's
// "line N" into "name:N": "line 14: column sex ..." → "people.csv:14:
// column sex ...".
func filePosition(name, problem string) string {
	rest, ok := strings.CutPrefix(problem, "line ")
	if !ok {
		return name + ": " + problem
	}
	n := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
	if n < 0 {
		n = len(rest)
	}
	if n == 0 {
		return name + ": " + problem
	}
	return name + ":" + rest[:n] + ":" + strings.TrimPrefix(rest[n:], ":")
}

func (a *app) registryShow(ctx context.Context, sf *storageFlags, kind registry.Kind, key string) error {
	db, _, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := registry.NewService(db.Registry(), time.Now)
	w := &fieldWriter{w: a.stdout}
	switch kind {
	case registry.KindPopulation:
		p, err := svc.Person(ctx, key)
		if err != nil {
			return lookupError(err)
		}
		w.line("nik", p.NIK)
		w.line("name", p.Name)
		w.line("birth_date", formatDate(p.BirthDate))
		w.line("sex", p.Sex)
		w.line("street", p.Street)
		w.line("province_code", p.ProvinceCode)
		w.line("regency_code", p.RegencyCode)
		w.line("district_code", p.DistrictCode)
		w.line("updated_at", p.UpdatedAt.Format(time.RFC3339))
	case registry.KindCompany:
		c, err := svc.Company(ctx, key)
		if err != nil {
			return lookupError(err)
		}
		w.line("registry_number", c.RegistryNumber)
		w.line("name", c.Name)
		w.line("legal_form", c.Form)
		w.line("deed_number", c.DeedNumber)
		for i, o := range c.Officers {
			id := o.NIK
			if id == "" {
				id = "passport " + o.Passport
			}
			if o.Nationality != "" {
				id += " " + o.Nationality
			}
			w.line(fmt.Sprintf("officer %d", i+1), fmt.Sprintf("%s, %s, %s", o.Position, o.Name, id))
		}
		w.line("updated_at", c.UpdatedAt.Format(time.RFC3339))
	case registry.KindImmigration:
		rs, err := svc.ImmigrationByPassport(ctx, key)
		if err != nil {
			return lookupError(err)
		}
		for i, r := range rs {
			if i > 0 {
				w.blank()
			}
			w.line("passport_number", r.Passport)
			w.line("nationality", r.Nationality)
			w.line("name", r.Name)
			w.line("birth_date", formatDate(r.BirthDate))
			w.line("sex", r.Sex)
			w.line("passport_expires", formatDate(r.PassportExpires))
			w.line("stay_permit_kind", r.StayPermitKind)
			w.line("stay_permit_number", r.StayPermitNumber)
			w.line("stay_permit_expires", formatDate(r.StayPermitExpires))
			w.line("updated_at", r.UpdatedAt.Format(time.RFC3339))
		}
	}
	return w.err
}

// lookupError prints what the user can act on (a key that is not there or
// is malformed) without the internal detail.
func lookupError(err error) error {
	switch errs.KindOf(err) {
	case errs.NotFound:
		return fmt.Errorf("%s", errs.Message(err))
	case errs.Invalid:
		var b strings.Builder
		b.WriteString(errs.Message(err))
		for _, f := range errs.FieldsOf(err) {
			b.WriteString("; " + f.String())
		}
		return fmt.Errorf("%s", b.String())
	}
	return err
}

// fieldWriter prints "name: value" lines and keeps the first write error.
type fieldWriter struct {
	w   io.Writer
	err error
}

func (f *fieldWriter) line(name, value string) {
	if f.err == nil {
		_, f.err = fmt.Fprintf(f.w, "%-20s %s\n", name+":", value)
	}
}

func (f *fieldWriter) blank() {
	if f.err == nil {
		_, f.err = fmt.Fprintln(f.w)
	}
}
