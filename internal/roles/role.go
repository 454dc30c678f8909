// Package roles decides who may do what for which taxpayer: the roles the
// main PIC of an entity grants to its related parties (drafter and signer
// per document family, payment), the tax consultants (kuasa) a taxpayer
// appoints for given taxes and months, the roles of tax officers, and the
// Policy every service asks before it reads or changes anything.
//
// The Policy reads the current grants on every request, so a grant or a
// revocation takes effect at once (Coretax needs a new login for that,
// coretax-modules.md §4). When it refuses, it says which condition is not
// met, and Why lists every condition with its state, so that a person who
// cannot act learns exactly why.
package roles

import (
	"fmt"
	"strings"
)

// Role is a taxpayer-side role, by our short name (tax_invoice_signer).
type Role string

// Family is a document family: the documents one pair of drafter and
// signer roles covers.
type Family string

// The document families of Coretax (coretax-modules.md §5.2).
const (
	TaxInvoice         Family = "tax_invoice"         // faktur pajak
	Withholding2126    Family = "withholding_21_26"   // bukti potong PPh 21/26
	WithholdingUnified Family = "withholding_unified" // bukti potong unifikasi
	VATReturn          Family = "vat_return"          // SPT Masa PPN
	Return2126         Family = "return_21_26"        // SPT Masa PPh 21/26
	UnifiedReturn      Family = "unified_return"      // SPT Masa PPh Unifikasi
	AnnualReturn       Family = "annual_return"       // SPT Tahunan
	StampDutyReturn    Family = "stamp_duty_return"   // SPT Masa Bea Meterai
	PaymentFamily      Family = "payment"             // billing codes for representatives
)

// The roles. Drafters prepare documents; signers sign and upload them and
// also correct and cancel them.
const (
	TaxInvoiceDrafter         Role = "tax_invoice_drafter"
	TaxInvoiceSigner          Role = "tax_invoice_signer"
	Withholding2126Drafter    Role = "withholding_21_26_drafter"
	Withholding2126Signer     Role = "withholding_21_26_signer"
	WithholdingUnifiedDrafter Role = "withholding_unified_drafter"
	WithholdingUnifiedSigner  Role = "withholding_unified_signer"
	VATReturnDrafter          Role = "vat_return_drafter"
	VATReturnSigner           Role = "vat_return_signer"
	Return2126Drafter         Role = "return_21_26_drafter"
	Return2126Signer          Role = "return_21_26_signer"
	UnifiedReturnDrafter      Role = "unified_return_drafter"
	UnifiedReturnSigner       Role = "unified_return_signer"
	AnnualReturnDrafter       Role = "annual_return_drafter"
	AnnualReturnSigner        Role = "annual_return_signer"
	StampDutyReturnDrafter    Role = "stamp_duty_return_drafter"
	StampDutyReturnSigner     Role = "stamp_duty_return_signer"
	Payment                   Role = "payment"
)

// Info describes a role.
type Info struct {
	Role   Role
	Family Family
	// Duty is "drafter", "signer" or "basic" (single-purpose roles).
	Duty string
	// Code is the code Coretax displays, odd spellings included
	// (STAMP_DUT_Y, WITHOLDING), so that people can match what they know.
	Code string
	// Label names the role in English for pages.
	Label string
}

// catalogue lists the roles in display order. The Coretax codes are as
// displayed to users (coretax-modules.md §5.2, "sure", Coretaxpedia "Cek
// role akses"). The payment role's full code is written there only as
// "…_PAY_BASIC"; ROLE_CTAS_PORTAL_PAY_BASIC is our reading of it.
var catalogue = []Info{
	{TaxInvoiceDrafter, TaxInvoice, "drafter", "ROLE_CTAS_PORTAL_TAX_INVOICE_DRAFTER", "Tax invoices (faktur pajak): drafter"},
	{TaxInvoiceSigner, TaxInvoice, "signer", "ROLE_CTAS_PORTAL_TAX_INVOICE_SIGNER", "Tax invoices (faktur pajak): signer"},
	{Withholding2126Drafter, Withholding2126, "drafter", "ROLE_CTAS_PORTAL_EBUPOT_21/26_DRAFTER", "Withholding slips 21/26: drafter"},
	{Withholding2126Signer, Withholding2126, "signer", "ROLE_CTAS_PORTAL_EBUPOT_21/26_SIGNER", "Withholding slips 21/26: signer"},
	{WithholdingUnifiedDrafter, WithholdingUnified, "drafter", "ROLE_CTAS_PORTAL_EBUPOT_DRAFTER", "Unified withholding slips: drafter"},
	{WithholdingUnifiedSigner, WithholdingUnified, "signer", "ROLE_CTAS_PORTAL_EBUPOT_SIGNER", "Unified withholding slips: signer"},
	{VATReturnDrafter, VATReturn, "drafter", "ROLE_CTAS_PORTAL_VAT_TAX_RETURN_DRAFTER", "VAT returns (SPT Masa PPN): drafter"},
	{VATReturnSigner, VATReturn, "signer", "ROLE_CTAS_PORTAL_VAT_TAX_RETURN_SIGNER", "VAT returns (SPT Masa PPN): signer"},
	{Return2126Drafter, Return2126, "drafter", "ROLE_CTAS_PORTAL_ARTICLE_21/26_WITHHOLDING_DRAFTER", "21/26 returns (SPT Masa PPh 21/26): drafter"},
	{Return2126Signer, Return2126, "signer", "ROLE_CTAS_PORTAL_ARTICLE_21/26_WITHHOLDING_SIGNER", "21/26 returns (SPT Masa PPh 21/26): signer"},
	{UnifiedReturnDrafter, UnifiedReturn, "drafter", "ROLE_CTAS_PORTAL_TAX_WITHOLDING_DRAFTER", "Unified returns (SPT Masa PPh Unifikasi): drafter"},
	{UnifiedReturnSigner, UnifiedReturn, "signer", "ROLE_CTAS_PORTAL_TAX_WITHOLDING_SIGNER", "Unified returns (SPT Masa PPh Unifikasi): signer"},
	{AnnualReturnDrafter, AnnualReturn, "drafter", "ROLE_CTAS_PORTAL_ANNUAL_TAX_RETURN_DRAFTER", "Annual returns (SPT Tahunan): drafter"},
	{AnnualReturnSigner, AnnualReturn, "signer", "ROLE_CTAS_PORTAL_ANNUAL_TAX_RETURN_SIGNER", "Annual returns (SPT Tahunan): signer"},
	{StampDutyReturnDrafter, StampDutyReturn, "drafter", "ROLE_CTAS_PORTAL_STAMP_DUT_Y_TAX_RETURN_DRAFTER", "Stamp duty returns (SPT Masa Bea Meterai): drafter"},
	{StampDutyReturnSigner, StampDutyReturn, "signer", "ROLE_CTAS_PORTAL_STAMP_DUT_Y_TAX_RETURN_SIGNER", "Stamp duty returns (SPT Masa Bea Meterai): signer"},
	{Payment, PaymentFamily, "basic", "ROLE_CTAS_PORTAL_PAY_BASIC", "Payment: billing codes"},
}

// Catalogue returns every role in display order.
func Catalogue() []Info { return append([]Info(nil), catalogue...) }

// Lookup returns the description of a role.
func Lookup(r Role) (Info, bool) {
	for _, in := range catalogue {
		if in.Role == r {
			return in, true
		}
	}
	return Info{}, false
}

// Info returns the role's description; an unknown role gets its own name
// as code and label.
func (r Role) Info() Info {
	if in, ok := Lookup(r); ok {
		return in
	}
	return Info{Role: r, Code: string(r), Label: string(r)}
}

// ParseRole accepts our short name or the Coretax code, in any case.
func ParseRole(s string) (Role, error) {
	s = strings.TrimSpace(s)
	for _, in := range catalogue {
		if strings.EqualFold(s, string(in.Role)) || strings.EqualFold(s, in.Code) {
			return in.Role, nil
		}
	}
	return "", fmt.Errorf("is not a role; use one of %s (or its Coretax code)", roleNames())
}

func roleNames() string {
	names := make([]string, len(catalogue))
	for i, in := range catalogue {
		names[i] = string(in.Role)
	}
	return strings.Join(names, ", ")
}

// OfficerRole is a role of a tax officer.
type OfficerRole string

// The officer roles.
const (
	// OfficerRegistration: search the register, read and correct
	// profiles, confirm and revoke PKP status, link legacy NPWPs.
	OfficerRegistration OfficerRole = "officer.registration"
	// OfficerAccess: unlock accounts, see who holds which role.
	OfficerAccess OfficerRole = "officer.access"
	// OfficerAudit: read the audit log of any taxpayer.
	OfficerAudit OfficerRole = "officer.audit"
	// OfficerRegional: officers of a Bali regional revenue office
	// (Bapenda): read and register any taxpayer's PBJT properties and
	// add dated versions of the regions' PBJT configuration.
	OfficerRegional OfficerRole = "officer.regional"
	// OfficerCompliance: send third-party data to the compliance engine,
	// run its matching job, read its flags and evidence, work its cases
	// and letters, add dated versions of its thresholds, and see any
	// taxpayer's self-check (doc/compliance.md, doc/compliance-cases.md).
	OfficerCompliance OfficerRole = "officer.compliance"
)

// OfficerRoles lists the officer roles with what each allows.
var officerRoles = []struct {
	Role  OfficerRole
	Label string
}{
	{OfficerRegistration, "search the register, read and correct profiles, PKP status, legacy NPWP links"},
	{OfficerAccess, "unlock accounts, see the people and roles of a taxpayer"},
	{OfficerAudit, "read the audit log of any taxpayer"},
	{OfficerRegional, "read and register PBJT properties, change the regions' PBJT configuration"},
	{OfficerCompliance, "send third-party data, run the compliance matching job, read flags and their evidence, work cases, change the thresholds"},
}

// ParseOfficerRole checks an officer role name.
func ParseOfficerRole(s string) (OfficerRole, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	names := make([]string, len(officerRoles))
	for i, o := range officerRoles {
		if s == string(o.Role) {
			return o.Role, nil
		}
		names[i] = string(o.Role)
	}
	return "", fmt.Errorf("is not an officer role; use one of %s", strings.Join(names, ", "))
}

// Label says what the officer role allows.
func (r OfficerRole) Label() string {
	for _, o := range officerRoles {
		if o.Role == r {
			return o.Label
		}
	}
	return string(r)
}
