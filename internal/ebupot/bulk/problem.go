package bulk

import (
	"fmt"

	"github.com/coretax/coretax/internal/xmlstream"
)

// Pos is a position in an XML file: 1-based line and column (in bytes).
type Pos struct {
	Line, Column int
}

// Rule names the rule a Problem breaks.
type Rule string

// The rules.
const (
	RuleRoot        Rule = "root"             // the root is not one of the seven bulk roots
	RuleUnknown     Rule = "unknown-element"  // an element the format does not have
	RuleOrder       Rule = "order"            // elements out of the Coretax order
	RuleDuplicate   Rule = "duplicate"        // an element given twice
	RuleMissing     Rule = "missing"          // a required element or value is absent
	RuleText        Rule = "text"             // text where elements belong, or elements where text belongs
	RuleNil         Rule = "nil"              // xsi:nil on an element that is not nillable, or with content
	RuleDigits      Rule = "digits"           // TIN/NITKU digit counts, object code shape
	RuleNITKUOwner  Rule = "nitku-owner"      // a NITKU whose first 16 digits are not its TIN
	RuleOwnTIN      Rule = "own-tin"          // the recipient is the withholder
	RuleNumber      Rule = "number"           // not a number, negative, or 0 where more is required
	RuleDecimals    Rule = "decimals"         // a percentage with more than 2 decimals
	RuleRange       Rule = "range"            // a month, year, count or percentage out of range
	RuleDate        Rule = "date"             // not a YYYY-MM-DD date
	RuleValue       Rule = "value"            // a value not among those the schema allows
	RulePattern     Rule = "pattern"          // a country code of the wrong shape
	RuleWithholding Rule = "withholding-date" // withholding date before the tax period
	RuleRequiredIf  Rule = "required-if"      // a value another value makes necessary
)

// Problem is one rejected thing in a file or row. Row is the 1-based
// position of the row in the file (0 for a file-level problem); XMLLine and
// XMLColumn point at the start tag of the element concerned, or of its
// row when the element is missing.
type Problem struct {
	Row       int    `json:"row"`
	XMLLine   int    `json:"xml_line"`
	XMLColumn int    `json:"xml_column"`
	Path      string `json:"path"`
	Field     string `json:"field"`
	Value     string `json:"value"`
	Rule      Rule   `json:"rule"`
	Message   string `json:"message"`
	Fix       string `json:"fix"`
	Expected  string `json:"expected,omitempty"`
}

func (p Problem) String() string {
	where := "file"
	if p.Row > 0 {
		where = fmt.Sprintf("row %d", p.Row)
	}
	return xmlstream.Describe(where, xmlstream.Pos{Line: p.XMLLine, Column: p.XMLColumn}, p.Path, p.Value, p.Message, p.Fix)
}

// SyntaxError reports a file that is not well-formed XML. Rows returned
// before it stand; nothing after it can be read.
type SyntaxError struct {
	Pos Pos
	Msg string
}

func (e *SyntaxError) Error() string {
	return (&xmlstream.SyntaxError{Pos: xmlstream.Pos(e.Pos), Msg: e.Msg}).Error()
}
