// Package bulk reads and writes the Coretax e-Bupot bulk-upload XML files of
// the seven slip types that carry one recipient per row: MmPayrollBulk
// (BPMP), Bp21Bulk (BP21), BP26Bulk (BP26), A1Bulk (BPA1), A2Bulk (BPA2),
// BpuBulk (BPPU) and BPNRBulk (BPNR).
//
// Every file has the shape
//
//	<XxxBulk xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
//	  <TIN>withholder's NPWP</TIN>
//	  <ListOfXxx><Xxx>…</Xxx>…</ListOfXxx>
//	</XxxBulk>
//
// and each row holds every element of its kind, in the order DJP's schema
// gives (ebupot.md §3), empty optional values as <Elem xsi:nil="true"/>.
//
// The Reader streams a file one row at a time and checks structure only:
// element names, order and presence, value types, enumerations, patterns
// (16-digit TINs, 22-digit NITKUs whose first 16 digits are their TIN), the
// tax period and the withholding date against it. Whether an object code,
// rate or amount is right is the slip service's business, not this
// package's. The Writer writes rows in the exact Coretax form; what it
// writes the Reader reads back to the same values.
//
// Facts and sources are in shared/domain/ebupot.md §2–§4; doc/ebupot-xml.md
// lists each format as implemented here.
package bulk
