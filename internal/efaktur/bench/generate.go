// Package bench holds what the e-Faktur benchmarks share: a generator of
// realistic TaxInvoiceBulk files and the yardstick, a minimal pipeline
// of the same work as an upload (parse, sign, store in one transaction)
// written without the product, against which the product's throughput
// is judged (doc/performance.md).
package bench

import (
	"bytes"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/taxid"
)

// Buyer is a registered buyer the generated invoices are addressed to.
type Buyer struct {
	NPWP    string
	Name    string
	Address string
}

// catalogue is what the generated invoices sell: the goods and services
// of a villa management company, under code 04 (DPP Nilai Lain).
var catalogue = []efaktur.LineInput{
	{Kind: efaktur.Services, Code: "000000", Name: "Villa management", Unit: "UM.0030", Price: 2_500_000_00},
	{Kind: efaktur.Services, Code: "000000", Name: "Housekeeping", Unit: "UM.0030", Price: 350_000_00},
	{Kind: efaktur.Services, Code: "000000", Name: "Garden and pool care", Unit: "UM.0030", Price: 275_000_50},
	{Kind: efaktur.Goods, Code: "000000", Name: "Bath linen set", Unit: "UM.0019", Price: 189_900_00, Discount: 10_000_00},
	{Kind: efaktur.Goods, Code: "000000", Name: "Drinking water 19 l", Unit: "UM.0018", Price: 21_500_00},
	{Kind: efaktur.Services, Code: "000000", Name: "Airport transfer", Unit: "UM.0030", Price: 450_000_00},
}

// Invoices returns n valid invoices of seller (an NPWP) dated day, each
// with 2 to 5 lines computed by efaktur.ComputeLine, addressed in turn to
// buyers, with references INV-<first> onwards (INV-000001 for first 1),
// so that files made with different first references differ.
func Invoices(seller string, buyers []Buyer, first, n int, day time.Time) ([]*efaktur.Invoice, error) {
	if len(buyers) == 0 {
		return nil, fmt.Errorf("bench: no buyers")
	}
	out := make([]*efaktur.Invoice, n)
	for i := range out {
		b := buyers[i%len(buyers)]
		inv := &efaktur.Invoice{Date: day, Option: "Normal", TrxCode: efaktur.TrxOtherValue, RefDesc: fmt.Sprintf("INV-%06d", first+i),
			SellerIDTKU: seller + taxid.HeadOfficeSuffix,
			Buyer: efaktur.Buyer{TIN: b.NPWP, Document: efaktur.BuyerTIN, Country: "IDN", DocumentNumber: "-", Name: b.Name,
				Address: b.Address, IDTKU: b.NPWP + taxid.HeadOfficeSuffix}}
		lines := 2 + i%4
		for j := range lines {
			in := catalogue[(i+j)%len(catalogue)]
			in.Qty = efaktur.Quantity(100 * (1 + (i+j)%7))
			l, err := efaktur.ComputeLine(day, inv.TrxCode, in)
			if err != nil {
				return nil, err
			}
			inv.Lines = append(inv.Lines, l)
		}
		out[i] = inv
	}
	return out, nil
}

// File returns the invoices of Invoices as one TaxInvoiceBulk file.
func File(seller string, buyers []Buyer, first, n int, day time.Time) ([]byte, error) {
	invs, err := Invoices(seller, buyers, first, n, day)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	w := efaktur.NewWriter(&b, seller)
	for _, inv := range invs {
		if err := w.Write(inv); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
