package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pph21/treaty"
	"github.com/coretax/coretax/internal/taxid"
)

const treatyUsage = `
Usage: coretax treaty load FILE [--file PATH]
       coretax treaty list [--country SGP] [--file PATH] [--json]

The treaty table holds the maximum PPh 26 rates of Indonesia's tax treaties
per country of residence and income type, dated, each row with the
treaty's name, its source and a status (verified or unverified). BP26 and
BPNR slips with facility COD and coretax pph21 check a treaty rate against
it and fill a rate left out from it (doc/pph21.md "Treaty rates").
coretax ships no rows: an installation keeps its table in the file named
by --file (env CORETAX_TREATY_FILE), which coretax serve and coretax pph21
read at start.

  load FILE   check FILE whole (every bad member is named as
              rows[i].member with its fix) and, when it is right, make it
              the installation's table; restart coretax serve to use it
  list        the installation's rows, or those of one country

FILE is JSON:
  {"rows": [{"country": "SGP", "income": "royalties", "max_rate": "10",
             "from": "2004-01-01", "to": "2026-12-31",
             "treaty": "Indonesia–Singapore", "source": "P3B Art. 12(2)",
             "status": "verified"}]}
country is ISO 3166-1 alpha-3; income is one of dividends,
dividends-qualifying, interest, royalties, services, branch-profit,
other; to is left out while in force. internal/pph21/treaty/testdata/
example.json is an example whose rates are not real.
Exit status: 0 done, 1 when FILE is refused, 2 for a bad command line.
`

// treatyFlag defines --file, the installation's treaty file, defaulting
// to env CORETAX_TREATY_FILE.
func (a *app) treatyFlag(fset *flag.FlagSet) *string {
	return fset.String("file", a.envDefault("CORETAX_TREATY_FILE", ""), "the installation's treaty table (env CORETAX_TREATY_FILE)")
}

// installTreaties reads the table named by CORETAX_TREATY_FILE, when set,
// and installs it for the PPh 26 checks of this process.
func (a *app) installTreaties() error {
	path := a.getenv("CORETAX_TREATY_FILE")
	if path == "" {
		return nil
	}
	t, err := treaty.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // nothing loaded yet: no rows
	}
	if err != nil {
		return fmt.Errorf("treaty table (CORETAX_TREATY_FILE): %w", err)
	}
	treaty.Install(t)
	return nil
}

func runTreaty(_ context.Context, a *app, args []string) error {
	if len(args) == 0 || (args[0] != "load" && args[0] != "list") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprintln(a.stdout, strings.TrimSpace(treatyUsage))
			return errHelp
		}
		return &usageError{msg: "give load FILE or list"}
	}
	fset := a.newFlagSet("treaty", treatyUsage)
	path := a.treatyFlag(fset)
	country := fset.String("country", "", "list: only this country's rows (ISO 3166-1 alpha-3, SGP)")
	asJSON := fset.Bool("json", false, "list: print the table in the file format")
	sub := args[0]
	if err := a.parse(fset, args[1:]); err != nil {
		return err
	}
	if *path == "" {
		return &usageError{msg: "no treaty table file: give --file PATH or set CORETAX_TREATY_FILE"}
	}
	if sub == "load" {
		if fset.NArg() != 1 {
			return &usageError{msg: "give one FILE: coretax treaty load FILE"}
		}
		return a.treatyLoad(fset.Arg(0), *path)
	}
	if fset.NArg() > 0 {
		return &usageError{msg: fmt.Sprintf("unexpected argument %q", fset.Arg(0))}
	}
	return a.treatyList(*path, *country, *asJSON)
}

func (a *app) treatyLoad(file, path string) error {
	t, err := treaty.ReadFile(file)
	if err != nil {
		if !errs.Is(errs.Invalid, err) {
			return err
		}
		fmt.Fprintf(a.stderr, "coretax treaty: %s is refused: %s\n", file, errs.Message(err))
		for _, f := range errs.FieldsOf(err) {
			fmt.Fprintf(a.stderr, "  %s %s: %s\n", f.Field, errs.Quote(f.Value), f.Message)
		}
		return &exitError{code: 1}
	}
	b, err := t.Marshal()
	if err != nil {
		return err
	}
	// Write beside the target and rename, so a reader never sees half a
	// table.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".treaty-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	unverified := 0
	for _, r := range t.Rows() {
		if r.Status == treaty.Unverified {
			unverified++
		}
	}
	fmt.Fprintf(a.stdout, "loaded %d treaty rows (%d unverified) into %s; restart coretax serve to use them\n", t.Len(), unverified, path)
	return nil
}

func (a *app) treatyList(path, country string, asJSON bool) error {
	var want taxid.Country
	if country != "" {
		c, err := taxid.ParseCountry(country)
		if err != nil {
			return &usageError{msg: "--country: " + errs.Message(err)}
		}
		want = c
	}
	t, err := treaty.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t, err = &treaty.Table{}, nil
	}
	if err != nil {
		return err
	}
	var rows []treaty.Row
	for _, r := range t.Rows() {
		if want == "" || r.Country == want {
			rows = append(rows, r)
		}
	}
	if asJSON {
		out := struct {
			Rows []treatyRowJSON `json:"rows"`
		}{Rows: []treatyRowJSON{}}
		for _, r := range rows {
			out.Rows = append(out.Rows, toTreatyJSON(r))
		}
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	if len(rows) == 0 {
		what := "any country"
		if want != "" {
			what = string(want)
		}
		fmt.Fprintf(a.stdout, "the treaty table %s has no row for %s; slips with facility COD use the rate of the certificate of domicile, at most 20 %%\n", path, what)
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "COUNTRY\tINCOME\tMAX %\tFROM\tTO\tSTATUS\tTREATY\tSOURCE")
	for _, r := range rows {
		j := toTreatyJSON(r)
		to := j.To
		if to == "" {
			to = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", j.Country, j.Income, j.Max, j.From, to, j.Status, j.Treaty, j.Source)
	}
	return tw.Flush()
}

// treatyRowJSON is a row in the file format.
type treatyRowJSON struct {
	Country string `json:"country"`
	Income  string `json:"income"`
	Max     string `json:"max_rate"`
	From    string `json:"from"`
	To      string `json:"to,omitempty"`
	Treaty  string `json:"treaty"`
	Source  string `json:"source"`
	Status  string `json:"status"`
}

func toTreatyJSON(r treaty.Row) treatyRowJSON {
	j := treatyRowJSON{Country: string(r.Country), Income: string(r.Income), Max: r.Max.String(), From: r.From.Format("2006-01-02"),
		Treaty: r.Treaty, Source: r.Source, Status: string(r.Status)}
	if !r.To.IsZero() {
		j.To = r.To.Format("2006-01-02")
	}
	return j
}
