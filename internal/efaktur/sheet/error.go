package sheet

import (
	"fmt"
	"strings"
)

// Error is one problem with a sheet, or with the invoice made from it,
// located in the sheet.
type Error struct {
	Row      int    `json:"row"`      // 1-based, as a spreadsheet shows it; 0 when not in a row
	Column   string `json:"column"`   // the column letter, "" when the value has no column
	Header   string `json:"header"`   // the column's header, or the field when it has no column
	Value    string `json:"value"`    // the value concerned, as written
	Message  string `json:"message"`  // what is wrong
	Fix      string `json:"fix"`      // what would be accepted
	Expected string `json:"expected"` // for amounts that do not add up, the value expected
}

func (e *Error) Error() string {
	var parts []string
	if e.Row > 0 {
		parts = append(parts, fmt.Sprintf("row %d", e.Row))
	}
	switch {
	case e.Column != "" && e.Header == "":
		parts = append(parts, "column "+e.Column)
	case e.Column != "":
		parts = append(parts, fmt.Sprintf("column %s (%s)", e.Column, e.Header))
	case e.Header != "":
		parts = append(parts, e.Header)
	}
	s := strings.Join(parts, ", ")
	if s == "" {
		s = "sheet"
	}
	if e.Value != "" {
		s += fmt.Sprintf(" %q", e.Value)
	}
	s += ": " + e.Message
	if e.Fix != "" {
		s += "; " + e.Fix
	}
	return s
}

// Errors is every problem found converting a sheet, in row order.
type Errors []*Error

func (es Errors) Error() string {
	switch len(es) {
	case 0:
		return "no problems"
	case 1:
		return es[0].Error()
	}
	return fmt.Sprintf("%s (and %d more problems)", es[0].Error(), len(es)-1)
}
