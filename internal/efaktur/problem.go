package efaktur

import (
	"fmt"

	"github.com/coretax/coretax/internal/xmlstream"
)

// Rule names the rule a Problem breaks. Each rule has its own message.
type Rule string

// The rules.
const (
	RuleSyntax     Rule = "syntax"          // not well-formed XML
	RuleRoot       Rule = "root"            // the root is not TaxInvoiceBulk
	RuleUnknown    Rule = "unknown-element" // an element Coretax does not have
	RuleOrder      Rule = "order"           // elements out of the Coretax order
	RuleDuplicate  Rule = "duplicate"       // an element given twice
	RuleMissing    Rule = "missing"         // a required element or value is absent
	RuleText       Rule = "text"            // an element that must hold text holds elements
	RuleDigits     Rule = "digits"          // the 16/22-digit identity rules
	RuleIdentity   Rule = "identity"        // an NPWP, NIK, NITKU or passport that is not valid
	RuleNITKUOwner Rule = "nitku-owner"     // a NITKU whose first 16 digits are not its NPWP
	RuleDecimals   Rule = "decimals"        // more than 2 decimals
	RuleNumber     Rule = "number"          // not a decimal number, or negative
	RuleDate       Rule = "date"            // not a YYYY-MM-DD date or MMYYYY period
	RuleDateWindow Rule = "date-window"     // invoice date outside the allowed window
	RuleCode       Rule = "code"            // unknown transaction, unit, goods or facility code
	RuleTrxRate    Rule = "trx-rate"        // transaction code vs rate rules
	RuleArithmetic Rule = "arithmetic"      // amounts that do not add up
	RuleValue      Rule = "value"           // a value not among those allowed
	RuleFacility   Rule = "facility"        // AddInfo/FacilityStamp/CustomDoc rules for 07/08
	RuleNoLines    Rule = "no-lines"        // an invoice without GoodService
	RuleRegistry   Rule = "registry"        // a party or place not in the register, a seller not PKP
)

// Problem is one rejected thing in a file or invoice. Invoice and Line are
// 1-based positions in the file (0 for a file-level or invoice-level
// problem); XMLLine and XMLColumn point at the start tag of the element
// concerned, or of its parent when it is missing.
type Problem struct {
	Invoice   int    `json:"invoice"`
	Line      int    `json:"line"`
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
	where := ""
	switch {
	case p.Invoice > 0 && p.Line > 0:
		where = fmt.Sprintf("invoice %d line %d", p.Invoice, p.Line)
	case p.Invoice > 0:
		where = fmt.Sprintf("invoice %d", p.Invoice)
	default:
		where = "file"
	}
	return xmlstream.Describe(where, xmlstream.Pos{Line: p.XMLLine, Column: p.XMLColumn}, p.Path, p.Value, p.Message, p.Fix)
}
