// Package efaktur holds the pure core of e-Faktur: the VAT invoice (faktur
// pajak) as Coretax knows it, its computation under PMK 131/2024, the
// validation rules of the DJP converter and of Odoo's Coretax export, and a
// streaming reader and writer for the Coretax bulk-upload XML
// (TaxInvoiceBulk).
//
// It does no storage, numbering, signing or HTTP: those build on it.
//
// Facts and sources are in shared/domain/efaktur-xml.md; doc/efaktur.md
// describes the format as read and written here and lists every rule with an
// example message.
package efaktur
