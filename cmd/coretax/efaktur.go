package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/efaktur/sheet"
)

const efakturUsage = `
Usage: coretax efaktur validate FILE.xml [--json] [--today YYYY-MM-DD]
       coretax efaktur convert SHEET [-o OUT.xml] [--seller NPWP] [--force] [--today YYYY-MM-DD]

validate checks a Coretax bulk-upload file (TaxInvoiceBulk) offline with the
rules the server applies on upload, reading it one invoice at a time. The
invoice date must lie in the upload window of today (WIB), or of the day
given with --today: an e-Faktur is uploaded and approved by the 20th of the
month after its date (PER-11/PJ/2025 Pasal 44). Registry checks, such as
whether the buyer is registered, are made on upload and skipped here.
It prints one line per problem and a summary, or with --json
  {"invoices": N, "valid": true|false, "errors": [{"invoice": 1, "line": 2,
   "xml_line": 40, "xml_column": 11, "path": "...", "field": "...",
   "value": "...", "rule": "...", "message": "...", "fix": "...",
   "expected": "..."}]}
where invoice and line are 1-based positions in the file (0 for the file).
FILE "-" reads standard input. Exit status: 0 valid, 1 not valid, 2 when
the file is not XML or cannot be read.

convert turns a sheet (CSV with commas or semicolons, UTF-8; or XLSX, its
first worksheet) with one invoice line per row into the Coretax XML: the
header row names the columns after the Coretax elements, and a column
"invoice" groups the rows into invoices. TaxBase, OtherTaxBase, VATRate, VAT
and STLG are computed under PMK 131/2024 where they are not given. The file
written is read back through validate's rules and each problem is shown at
its row and column. It is written to OUT.xml, or to standard output, only
when it has no problems, or with --force. SHEET "-" reads standard input.
Exit status: 0 written and valid, 1 problems in the sheet or the file,
2 when the sheet cannot be read. The columns are listed in
doc/efaktur-cli.md.

Examples:
  coretax efaktur validate faktur.xml
  coretax efaktur validate --json --today 2025-07-10 faktur.xml
  coretax efaktur convert penjualan.xlsx -o faktur.xml --seller 0012345678901000
`

// registryNotice says which of the server's checks validate cannot make.
const registryNotice = "registry checks skipped: buyer registration is checked on upload"

func runEfaktur(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		return &usageError{msg: "missing subcommand; use: coretax efaktur validate FILE.xml, or coretax efaktur convert SHEET"}
	}
	switch args[0] {
	case "validate":
		return a.efakturValidate(args[1:])
	case "convert":
		return a.efakturConvert(args[1:])
	case "help", "-h", "-help", "--help":
		return a.parse(a.newFlagSet("efaktur", efakturUsage), []string{"--help"})
	}
	return &usageError{msg: fmt.Sprintf("unknown subcommand %q; use validate or convert", args[0])}
}

// uploadWindow returns the validation options the server applies to an
// upload on today: the approval window of efaktur.Window under the
// server's configuration (efaktur.DefaultConfig; PER-11/PJ/2025 Pasal 44),
// from the first day of the earliest month whose deadline has not passed
// to today.
func uploadWindow(today time.Time) efaktur.Options {
	from, to := efaktur.Window(today, efaktur.DefaultConfig().DeadlineDay)
	return efaktur.Options{DateFrom: from, DateTo: to}
}

// efakturDay returns the --today flag's day, or the current day in WIB.
func efakturDay(flag string) (time.Time, error) {
	if flag == "" {
		return calendar.Day(time.Now()), nil
	}
	d, err := time.Parse(time.DateOnly, flag)
	if err != nil {
		return time.Time{}, &usageError{msg: fmt.Sprintf("--today %q: not a date; write it as YYYY-MM-DD, e.g. 2025-07-10", flag)}
	}
	return d, nil
}

// openInput opens name for reading, "-" being standard input.
func (a *app) openInput(name string) (io.Reader, func(), error) {
	if name == "-" {
		return a.stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// efakturCheck is the --json output of validate.
type efakturCheck struct {
	Invoices int               `json:"invoices"`
	Valid    bool              `json:"valid"`
	Errors   []efaktur.Problem `json:"errors"`
}

func (a *app) efakturValidate(args []string) error {
	fs := a.newFlagSet("efaktur validate", efakturUsage)
	asJSON := fs.Bool("json", false, "print a JSON object instead of lines")
	todayFlag := fs.String("today", "", "check the date window as on `YYYY-MM-DD` instead of today (WIB)")
	files, err := a.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return &usageError{msg: "give exactly one file: coretax efaktur validate FILE.xml (- for standard input)"}
	}
	day, err := efakturDay(*todayFlag)
	if err != nil {
		return err
	}
	name := files[0]
	src, done, err := a.openInput(name)
	if err != nil {
		fmt.Fprintf(a.stderr, "coretax efaktur validate: %v\n", err)
		return &exitError{code: 2}
	}
	defer done()

	out := efakturCheck{Errors: []efaktur.Problem{}}
	emit := func(ps []efaktur.Problem) {
		for _, p := range ps {
			if *asJSON {
				out.Errors = append(out.Errors, p)
			} else {
				fmt.Fprintln(a.stdout, p.String())
			}
		}
	}
	r := efaktur.NewReader(src, uploadWindow(day))
	problems, shown, read := 0, 0, 0
	var syntax *efaktur.SyntaxError
	for {
		_, ps, err := r.Next()
		// Problems with the file's start (root, TIN) are known after the
		// first call; show them before the invoices' own.
		fps := r.FileProblems()
		emit(fps[shown:])
		problems += len(fps) - shown + len(ps)
		shown = len(fps)
		if err == io.EOF {
			break
		}
		if errors.As(err, &syntax) {
			break
		}
		if err != nil {
			fmt.Fprintf(a.stderr, "coretax efaktur validate: %s: %v\n", name, err)
			return &exitError{code: 2}
		}
		read++
		emit(ps)
	}
	out.Invoices = read
	out.Valid = problems == 0 && syntax == nil

	if syntax != nil {
		fmt.Fprintf(a.stderr, "coretax efaktur validate: %s: %v\n", name, syntax)
		if *asJSON {
			out.Errors = append(out.Errors, efaktur.Problem{XMLLine: syntax.Pos.Line, XMLColumn: syntax.Pos.Column,
				Rule: efaktur.RuleSyntax, Message: "not well-formed XML: " + syntax.Msg,
				Fix: "save the file as XML from the converter or ERP; nothing after this point was read"})
		}
	}
	if *asJSON {
		fmt.Fprintln(a.stderr, registryNotice)
		enc := json.NewEncoder(a.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(a.stdout, registryNotice)
		switch {
		case syntax != nil:
			fmt.Fprintf(a.stdout, "%s: %s read before the file stopped being XML; not valid\n", name, plural(out.Invoices, "invoice"))
		case out.Valid:
			fmt.Fprintf(a.stdout, "%s: %s, valid\n", name, plural(out.Invoices, "invoice"))
		default:
			fmt.Fprintf(a.stdout, "%s: %s, %s: not valid\n", name, plural(out.Invoices, "invoice"), plural(problems, "problem"))
		}
	}
	switch {
	case syntax != nil:
		return &exitError{code: 2}
	case !out.Valid:
		return &exitError{code: 1}
	}
	return nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func (a *app) efakturConvert(args []string) error {
	fs := a.newFlagSet("efaktur convert", efakturUsage)
	outName := fs.String("o", "", "write the XML to `OUT.xml` instead of standard output")
	seller := fs.String("seller", "", "the seller's 16-digit `NPWP`: the file's TIN, and the NITKU (NPWP + 000000) of rows without SellerIDTKU")
	force := fs.Bool("force", false, "write the file even when it has problems")
	todayFlag := fs.String("today", "", "check the date window as on `YYYY-MM-DD` instead of today (WIB)")
	files, err := a.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return &usageError{msg: "give exactly one sheet: coretax efaktur convert SHEET [-o OUT.xml] (- for standard input)"}
	}
	if *seller != "" && !efakturDigits(*seller, 16) {
		return &usageError{msg: fmt.Sprintf("--seller %q: the seller's NPWP has exactly 16 digits, e.g. 0012345678901000", *seller)}
	}
	day, err := efakturDay(*todayFlag)
	if err != nil {
		return err
	}
	name := files[0]
	src, done, err := a.openInput(name)
	if err != nil {
		fmt.Fprintf(a.stderr, "coretax efaktur convert: %v\n", err)
		return &exitError{code: 2}
	}
	s, err := sheet.Read(src)
	done()
	if err != nil {
		fmt.Fprintf(a.stderr, "coretax efaktur convert: %s: %v\n", name, err)
		return &exitError{code: 2}
	}
	c, err := sheet.Convert(s, *seller)
	var serrs sheet.Errors
	if errors.As(err, &serrs) {
		for _, e := range serrs {
			fmt.Fprintf(a.stderr, "%s: %s\n", name, e)
		}
		fmt.Fprintf(a.stderr, "%s: %s in the sheet; nothing written\n", name, plural(len(serrs), "problem"))
		return &exitError{code: 1}
	}
	if err != nil {
		return err
	}

	var buf bytes.Buffer
	if err := c.Write(&buf); err != nil {
		return err
	}
	problems, lines := 0, 0
	r := efaktur.NewBytesReader(buf.Bytes(), uploadWindow(day))
	for {
		inv, ps, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read back the converted file: %w", err)
		}
		lines += len(inv.Lines)
		for _, p := range ps {
			fmt.Fprintf(a.stderr, "%s: %s\n", name, c.Locate(p))
		}
		problems += len(ps)
	}
	for _, p := range r.FileProblems() {
		fmt.Fprintf(a.stderr, "%s: %s\n", name, c.Locate(p))
		problems++
	}
	fmt.Fprintln(a.stderr, registryNotice)
	if problems > 0 && !*force {
		fmt.Fprintf(a.stderr, "%s: the converted file has %s; not written (fix the sheet, or write it anyway with --force)\n", name, plural(problems, "problem"))
		return &exitError{code: 1}
	}
	target := "standard output"
	if *outName == "" {
		if _, err := a.stdout.Write(buf.Bytes()); err != nil {
			return err
		}
	} else {
		if err := os.WriteFile(*outName, buf.Bytes(), 0o644); err != nil {
			return err
		}
		target = *outName
	}
	summary := fmt.Sprintf("%s: wrote %s with %s and %s", name, target, plural(len(c.Invoices), "invoice"), plural(lines, "line"))
	if problems > 0 {
		fmt.Fprintf(a.stderr, "%s, %s\n", summary, plural(problems, "problem"))
		return &exitError{code: 1}
	}
	fmt.Fprintf(a.stderr, "%s, valid\n", summary)
	return nil
}

func efakturDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
