package sheet

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/coretax/coretax/internal/errs"
)

// MaxBulkErrors is how many sheet problems Bulk names in its error.
const MaxBulkErrors = 50

// IsXML reports whether data looks like an XML document (after an
// optional byte-order mark and white space) rather than a sheet.
func IsXML(data []byte) bool {
	d := bytes.TrimPrefix(data, []byte("\uFEFF"))
	d = bytes.TrimLeft(d, " \t\r\n")
	return bytes.HasPrefix(d, []byte("<"))
}

// Bulk returns the TaxInvoiceBulk XML of an upload: data itself when it
// is XML, else the CSV or XLSX sheet in data converted for the seller
// sellerTIN (Convert). A sheet that cannot be converted is an Invalid
// error whose fields name each problem's row and column under "file",
// so that the upload form shows them next to the file.
func Bulk(data []byte, sellerTIN string) ([]byte, error) {
	if IsXML(data) {
		return data, nil
	}
	s, err := Read(bytes.NewReader(data))
	if err != nil {
		var re *ReadError
		if errors.As(err, &re) {
			return nil, errs.InvalidFields("the sheet cannot be read", errs.Field("file", "", "%s", re.Error()))
		}
		return nil, errs.InvalidFields("the file is neither XML nor a sheet", errs.Field("file", "", "choose a TaxInvoiceBulk XML file, or a CSV or XLSX sheet with the columns of doc/efaktur-cli.md"))
	}
	c, err := Convert(s, sellerTIN)
	if err != nil {
		var es Errors
		if !errors.As(err, &es) {
			return nil, err
		}
		fields := make([]errs.FieldError, 0, min(len(es), MaxBulkErrors))
		for i, e := range es {
			if i == MaxBulkErrors {
				fields = append(fields, errs.Field("file", "", "and %d more problems", len(es)-MaxBulkErrors))
				break
			}
			fields = append(fields, errs.Field("file", e.Value, "%s", e.Error()))
		}
		return nil, errs.InvalidFields(fmt.Sprintf("the sheet has %d problem(s); nothing was uploaded", len(es)), fields...)
	}
	var b bytes.Buffer
	if err := c.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
