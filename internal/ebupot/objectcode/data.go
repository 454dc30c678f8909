package objectcode

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed data/codes.csv
var codesCSV []byte

// header is the first row of a code list file, in this order.
var header = []string{"code", "name", "slips", "recipients", "final", "basis", "rate", "deemed", "kap", "kjs", "valid_from", "valid_until", "replacement", "source"}

var codePattern = regexp.MustCompile(`^[0-9]{2}-[0-9]{3}-[0-9]{2}$`)

const dateLayout = "2006-01-02"

var (
	loadOnce sync.Once
	loaded   []Code
)

// all returns every version of every code, sorted by code and then by
// ValidFrom. The embedded file is part of the binary and checked by the
// tests, so a bad file is a build defect and panics.
func all() []Code {
	loadOnce.Do(func() {
		list, err := Parse(bytes.NewReader(codesCSV))
		if err != nil {
			panic(fmt.Sprintf("objectcode: embedded data/codes.csv: %v", err))
		}
		loaded = list
	})
	return loaded
}

// All returns every version of every code held, retired ones included,
// sorted by code and then by ValidFrom.
func All() []Code { return clone(all()) }

func clone(list []Code) []Code {
	out := make([]Code, len(list))
	copy(out, list)
	return out
}

// Parse reads a code list in the format of data/codes.csv and checks it
// whole: every field of every row, no code with overlapping versions, and
// every replacement in force on the day after the code it replaces was
// retired. An error names the line and the column.
func Parse(r io.Reader) ([]Code, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(header)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	for i, h := range header {
		if head[i] != h {
			return nil, fmt.Errorf("line 1: column %d is %q, want %q (columns: %s)", i+1, head[i], h, strings.Join(header, ","))
		}
	}
	var list []Code
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		c, err := parseRow(rec)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		list = append(list, c)
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].Code != list[j].Code {
			return list[i].Code < list[j].Code
		}
		return list[i].ValidFrom.Before(list[j].ValidFrom)
	})
	if err := checkList(list); err != nil {
		return nil, err
	}
	return list, nil
}

func parseRow(rec []string) (Code, error) {
	col := func(name string) string {
		for i, h := range header {
			if h == name {
				return strings.TrimSpace(rec[i])
			}
		}
		panic("objectcode: no column " + name)
	}
	bad := func(name, format string, args ...any) error {
		return fmt.Errorf("column %s %q: %s", name, col(name), fmt.Sprintf(format, args...))
	}
	c := Code{
		Code:   col("code"),
		Name:   col("name"),
		KAP:    col("kap"),
		KJS:    col("kjs"),
		Source: col("source"),
	}
	if !codePattern.MatchString(c.Code) {
		return Code{}, bad("code", "want the form NN-NNN-NN, e.g. 21-100-01")
	}
	if c.Name == "" {
		return Code{}, bad("name", "is empty")
	}
	if c.Source == "" {
		return Code{}, bad("source", "is empty; name the list or regulation and how sure the row is")
	}
	for _, f := range strings.Fields(col("slips")) {
		s, err := ParseSlipType(f)
		if err != nil {
			return Code{}, bad("slips", "%v", err)
		}
		c.Slips = append(c.Slips, s)
	}
	if len(c.Slips) == 0 {
		return Code{}, bad("slips", "is empty; list the slip types separated by spaces")
	}
	for _, f := range strings.Fields(col("recipients")) {
		k, err := ParseRecipientKind(f)
		if err != nil {
			return Code{}, bad("recipients", "%v", err)
		}
		c.Recipients = append(c.Recipients, k)
	}
	if len(c.Recipients) == 0 {
		return Code{}, bad("recipients", "is empty; list the recipient kinds separated by spaces")
	}
	switch col("final") {
	case "yes":
		c.Final = true
	case "no":
	default:
		return Code{}, bad("final", "want yes or no")
	}
	c.Basis = Basis(col("basis"))
	if !validBasis(c.Basis) {
		return Code{}, bad("basis", "want one of ter-monthly, ter-daily, article17, flat, final-layers")
	}
	if s := col("rate"); s != "" {
		p, err := parsePercent(s)
		if err != nil {
			return Code{}, bad("rate", "%v", err)
		}
		c.Rate = Rate{Percent: p, Set: true}
	}
	if s := col("deemed"); s != "" {
		p, err := parsePercent(s)
		if err != nil || p == 0 {
			return Code{}, bad("deemed", "want a percentage above 0 and at most 100, e.g. 50, or nothing")
		}
		c.DeemedPercent = p
	}
	if len(c.KAP) != 6 || !digits(c.KAP) || c.KAP[:4] != "4111" {
		return Code{}, bad("kap", "want 6 digits starting 4111, e.g. 411121")
	}
	if len(c.KJS) != 3 || !digits(c.KJS) {
		return Code{}, bad("kjs", "want 3 digits, e.g. 100")
	}
	var err error
	if c.ValidFrom, err = time.Parse(dateLayout, col("valid_from")); err != nil {
		return Code{}, bad("valid_from", "want a date YYYY-MM-DD")
	}
	if s := col("valid_until"); s != "" {
		if c.ValidUntil, err = time.Parse(dateLayout, s); err != nil {
			return Code{}, bad("valid_until", "want a date YYYY-MM-DD, or nothing while the code is in force")
		}
		if c.ValidUntil.Before(c.ValidFrom) {
			return Code{}, bad("valid_until", "is before valid_from %s", col("valid_from"))
		}
	}
	for _, f := range strings.Fields(col("replacement")) {
		if !codePattern.MatchString(f) {
			return Code{}, bad("replacement", "%q is not in the form NN-NNN-NN", f)
		}
		c.Replacement = append(c.Replacement, f)
	}
	if len(c.Replacement) > 0 && c.ValidUntil.IsZero() {
		return Code{}, bad("replacement", "is only for a code with a valid_until")
	}
	return c, nil
}

// checkList checks what no single row can: versions of one code do not
// overlap, and a replacement is in force on the day after the code it
// replaces ends. list is sorted by code and ValidFrom.
func checkList(list []Code) error {
	for i := 1; i < len(list); i++ {
		prev, c := list[i-1], list[i]
		if prev.Code != c.Code {
			continue
		}
		if prev.ValidUntil.IsZero() || !c.ValidFrom.After(prev.ValidUntil) {
			return fmt.Errorf("code %s: the version from %s overlaps the version from %s", c.Code, c.ValidFrom.Format(dateLayout), prev.ValidFrom.Format(dateLayout))
		}
	}
	for _, c := range list {
		if len(c.Replacement) == 0 {
			continue
		}
		next := c.ValidUntil.AddDate(0, 0, 1)
		for _, r := range c.Replacement {
			if _, ok := version(list, r, next); !ok {
				return fmt.Errorf("code %s: replacement %s is not in force on %s, the day after %s ends", c.Code, r, next.Format(dateLayout), c.Code)
			}
		}
	}
	return nil
}

// version returns the version of code in force on day.
func version(list []Code, code string, day time.Time) (Code, bool) {
	for _, c := range list {
		if c.Code == code && c.InForce(day) {
			return c, true
		}
	}
	return Code{}, false
}

func validBasis(b Basis) bool {
	for _, x := range bases {
		if x == b {
			return true
		}
	}
	return false
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// parsePercent reads "2.64", "0.5" or "20" as hundredths of a percent,
// from 0 to 100.
func parsePercent(s string) (Percent, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || !digits(whole) || (frac != "" && !digits(frac)) {
		return 0, fmt.Errorf("want a percentage with at most two decimals, e.g. 2.64")
	}
	frac += strings.Repeat("0", 2-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n > 10000 {
		return 0, fmt.Errorf("want a percentage from 0 to 100")
	}
	return Percent(n), nil
}
