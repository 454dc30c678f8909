package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/signing"
)

// EFakturStore implements efaktur.Store.
type EFakturStore struct{ db *DB }

// EFaktur returns the store of fakturs.
func (db *DB) EFaktur() *EFakturStore { return &EFakturStore{db: db} }

var _ efaktur.Store = (*EFakturStore)(nil)

// jsonInvoice is the stored form of an invoice: the Coretax elements
// under their own names, amounts in sen.
type jsonInvoice struct {
	Date               string     `json:"TaxInvoiceDate"`
	Option             string     `json:"TaxInvoiceOpt"`
	TrxCode            string     `json:"TrxCode"`
	AddInfo            string     `json:"AddInfo,omitempty"`
	CustomDoc          string     `json:"CustomDoc,omitempty"`
	CustomDocMonthYear string     `json:"CustomDocMonthYear,omitempty"`
	RefDesc            string     `json:"RefDesc,omitempty"`
	FacilityStamp      string     `json:"FacilityStamp,omitempty"`
	SellerIDTKU        string     `json:"SellerIDTKU"`
	BuyerTin           string     `json:"BuyerTin"`
	BuyerDocument      string     `json:"BuyerDocument"`
	BuyerCountry       string     `json:"BuyerCountry"`
	BuyerDocNumber     string     `json:"BuyerDocumentNumber,omitempty"`
	BuyerName          string     `json:"BuyerName"`
	BuyerAdress        string     `json:"BuyerAdress"`
	BuyerEmail         string     `json:"BuyerEmail,omitempty"`
	BuyerIDTKU         string     `json:"BuyerIDTKU"`
	Lines              []jsonLine `json:"ListOfGoodService"`
}

type jsonLine struct {
	Opt          string `json:"Opt"`
	Code         string `json:"Code"`
	Name         string `json:"Name"`
	Unit         string `json:"Unit"`
	Price        int64  `json:"Price"`
	Qty          int64  `json:"Qty"`
	Discount     int64  `json:"TotalDiscount"`
	TaxBase      int64  `json:"TaxBase"`
	OtherTaxBase int64  `json:"OtherTaxBase"`
	VATRate      int64  `json:"VATRate"`
	VAT          int64  `json:"VAT"`
	STLGRate     int64  `json:"STLGRate"`
	STLG         int64  `json:"STLG"`
}

func encodeInvoice(inv *efaktur.Invoice) (string, error) {
	b := inv.Buyer
	j := jsonInvoice{Date: inv.Date.Format(time.DateOnly), Option: inv.Option, TrxCode: string(inv.TrxCode), AddInfo: inv.AddInfo,
		CustomDoc: inv.CustomDoc, CustomDocMonthYear: inv.CustomDocMonthYear, RefDesc: inv.RefDesc, FacilityStamp: inv.FacilityStamp,
		SellerIDTKU: inv.SellerIDTKU, BuyerTin: b.TIN, BuyerDocument: string(b.Document), BuyerCountry: b.Country,
		BuyerDocNumber: b.DocumentNumber, BuyerName: b.Name, BuyerAdress: b.Address, BuyerEmail: b.Email, BuyerIDTKU: b.IDTKU,
		Lines: make([]jsonLine, len(inv.Lines))}
	for i, l := range inv.Lines {
		j.Lines[i] = jsonLine{Opt: string(l.Kind), Code: l.Code, Name: l.Name, Unit: l.Unit, Price: int64(l.Price), Qty: int64(l.Qty),
			Discount: int64(l.Discount), TaxBase: int64(l.TaxBase), OtherTaxBase: int64(l.OtherTaxBase), VATRate: int64(l.VATRate),
			VAT: int64(l.VAT), STLGRate: int64(l.PPnBMRate), STLG: int64(l.PPnBM)}
	}
	out, err := json.Marshal(j)
	return string(out), err
}

func decodeInvoice(s string) (efaktur.Invoice, error) {
	var j jsonInvoice
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return efaktur.Invoice{}, fmt.Errorf("stored invoice: %w", err)
	}
	d, err := time.Parse(time.DateOnly, j.Date)
	if err != nil {
		return efaktur.Invoice{}, fmt.Errorf("stored invoice date: %w", err)
	}
	inv := efaktur.Invoice{Date: d, Option: j.Option, TrxCode: efaktur.TrxCode(j.TrxCode), AddInfo: j.AddInfo, CustomDoc: j.CustomDoc,
		CustomDocMonthYear: j.CustomDocMonthYear, RefDesc: j.RefDesc, FacilityStamp: j.FacilityStamp, SellerIDTKU: j.SellerIDTKU,
		Buyer: efaktur.Buyer{TIN: j.BuyerTin, Document: efaktur.BuyerDocument(j.BuyerDocument), Country: j.BuyerCountry,
			DocumentNumber: j.BuyerDocNumber, Name: j.BuyerName, Address: j.BuyerAdress, Email: j.BuyerEmail, IDTKU: j.BuyerIDTKU},
		Lines: make([]efaktur.Line, len(j.Lines))}
	for i, l := range j.Lines {
		inv.Lines[i] = efaktur.Line{Kind: efaktur.Kind(l.Opt), Code: l.Code, Name: l.Name, Unit: l.Unit, Price: money.Amount(l.Price),
			Qty: efaktur.Quantity(l.Qty), Discount: money.Amount(l.Discount), TaxBase: money.Amount(l.TaxBase),
			OtherTaxBase: money.Amount(l.OtherTaxBase), VATRate: efaktur.Percent(l.VATRate), VAT: money.Amount(l.VAT),
			PPnBMRate: efaktur.Percent(l.STLGRate), PPnBM: money.Amount(l.STLG)}
	}
	return inv, nil
}

const fakturColumns = `id, seller_id, seller_npwp, buyer_id, number, status, replaces_id, replaces_number, replaced_by_id,
	source, upload_id, invoice, gross, discount, tax_base, other_tax_base, vat, ppnbm, approved_at, approved_by,
	signature_id, public_id, cancelled_at, cancel_reason, credit, credit_period, credited_at, created_at, updated_at, version`

func scanFaktur(row scanner) (efaktur.Faktur, error) {
	var f efaktur.Faktur
	var buyer, replaces, replacedBy, upload, sig sql.NullInt64
	var number, doc, status, credit, period string
	var t = &f.Totals
	err := row.Scan(&f.ID, &f.SellerID, &f.SellerNPWP, &buyer, str{&number}, &status, &replaces, &f.ReplacesNumber, &replacedBy,
		&f.Source, &upload, &doc, (*int64)(&t.Gross), (*int64)(&t.Discount), (*int64)(&t.TaxBase), (*int64)(&t.OtherTaxBase),
		(*int64)(&t.VAT), (*int64)(&t.PPnBM), nullTime{&f.ApprovedAt}, &f.ApprovedBy, &sig, &f.PublicID,
		nullTime{&f.CancelledAt}, &f.CancelReason, &credit, &period, nullTime{&f.CreditedAt}, utc{&f.CreatedAt}, utc{&f.UpdatedAt}, &f.Version)
	if err != nil {
		return f, err
	}
	f.BuyerID, f.Replaces, f.ReplacedBy, f.SignatureID = buyer.Int64, replaces.Int64, replacedBy.Int64, sig.Int64
	f.UploadID = upload.Int64
	f.Number, f.Status, f.Credit = number, efaktur.Status(status), efaktur.Credit(credit)
	if period != "" {
		if f.CreditPeriod, err = efaktur.ParsePeriod(period); err != nil {
			return f, fmt.Errorf("stored credit period %q: %w", period, err)
		}
	}
	f.Invoice, err = decodeInvoice(doc)
	return f, err
}

// fakturInsert is the INSERT of a faktur row without its VALUES; see
// fakturArgs.
const fakturInsert = `INSERT INTO efaktur_fakturs (seller_id, seller_npwp, buyer_id, buyer_tin, buyer_name, number, status,
		replaces_id, replaces_number, trx_code, invoice_date, reference, source, upload_id, invoice, gross, discount, tax_base, other_tax_base,
		vat, ppnbm, approved_at, approved_by, signature_id, public_id, credit, created_at, updated_at, version)`

// fakturCols is the number of values of fakturInsert.
const fakturCols = 29

// fakturArgs appends the values of f for fakturInsert to args.
func fakturArgs(args []any, f *efaktur.Faktur) ([]any, error) {
	doc, err := encodeInvoice(&f.Invoice)
	if err != nil {
		return args, err
	}
	t, inv := f.Totals, &f.Invoice
	return append(args, f.SellerID, f.SellerNPWP, nullID(f.BuyerID), buyerKey(inv.Buyer), inv.Buyer.Name, nullString(f.Number), string(f.Status),
		nullID(f.Replaces), f.ReplacesNumber, string(inv.TrxCode), inv.Date, inv.RefDesc, f.Source, nullID(f.UploadID), doc,
		int64(t.Gross), int64(t.Discount), int64(t.TaxBase), int64(t.OtherTaxBase), int64(t.VAT), int64(t.PPnBM),
		nullTS(f.ApprovedAt), f.ApprovedBy, nullID(f.SignatureID), f.PublicID, string(f.Credit), f.CreatedAt.UTC(), f.UpdatedAt.UTC(), f.Version), nil
}

// insertFaktur inserts f and sets its ID.
func insertFaktur(ctx context.Context, tx *sql.Tx, f *efaktur.Faktur) error {
	args, err := fakturArgs(make([]any, 0, fakturCols), f)
	if err != nil {
		return err
	}
	return tx.QueryRowContext(ctx, fakturInsert+`
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29)
		RETURNING id`, args...).Scan(&f.ID)
}

// insertNumbered inserts the numbered fakturs fs with multi-row INSERTs
// and sets their IDs, matched by number (unique), not by the order of
// the rows returned.
func insertNumbered(ctx context.Context, bt bulkTx, fs []*efaktur.Faktur) error {
	byNumber := make(map[string]*efaktur.Faktur, len(fs))
	args := make([]any, 0, fakturCols*len(fs))
	for _, f := range fs {
		byNumber[f.Number] = f
		var err error
		if args, err = fakturArgs(args, f); err != nil {
			return fmt.Errorf("faktur %s: %w", f.Number, err)
		}
	}
	got := 0
	err := insertBatch(ctx, bt, fakturInsert, fakturCols, args, ` RETURNING id, number`, func(rows *sql.Rows) error {
		var id int64
		var number string
		if err := rows.Scan(&id, &number); err != nil {
			return err
		}
		f, ok := byNumber[number]
		if !ok {
			return fmt.Errorf("the database returned faktur %s, which the batch does not hold", number)
		}
		f.ID = id
		got++
		return nil
	})
	if err != nil {
		return err
	}
	if got != len(fs) {
		return fmt.Errorf("%d rows returned for %d fakturs", got, len(fs))
	}
	return nil
}

// fakturCopyCols are the columns copyNumbered writes: the id, then
// those of fakturInsert in its order.
var fakturCopyCols = func() []string {
	list := fakturInsert[strings.Index(fakturInsert, "(")+1 : strings.LastIndex(fakturInsert, ")")]
	cols := []string{"id"}
	for _, c := range strings.Split(list, ",") {
		cols = append(cols, strings.TrimSpace(c))
	}
	return cols
}()

// copyNumbered writes the numbered fakturs fs with COPY, as
// insertNumbered does with INSERTs, their IDs taken from the sequence
// first.
func copyNumbered(ctx context.Context, bt bulkTx, fs []*efaktur.Faktur) error {
	ids, err := bt.nextIDs(ctx, "efaktur_fakturs", len(fs))
	if err != nil {
		return err
	}
	args := make([]any, 0, len(fakturCopyCols)*len(fs))
	for i, f := range fs {
		args = append(args, ids[i])
		if args, err = fakturArgs(args, f); err != nil {
			return fmt.Errorf("faktur %s: %w", f.Number, err)
		}
	}
	if err := bt.insert(ctx, "efaktur_fakturs", fakturCopyCols, args); err != nil {
		return err
	}
	for i, f := range fs {
		f.ID = ids[i]
	}
	return nil
}

// buyerKey is the buyer's identity as lists filter on it: the NPWP, or
// the document number of a buyer without one.
func buyerKey(b efaktur.Buyer) string {
	if b.TIN != "" && b.TIN != efaktur.NoTIN {
		return b.TIN
	}
	return b.DocumentNumber
}

// CreateDraft implements efaktur.Store.
func (s *EFakturStore) CreateDraft(ctx context.Context, f efaktur.Faktur, ev audit.Entry) (efaktur.Faktur, error) {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertFaktur(ctx, tx, &f); err != nil {
			return fmt.Errorf("insert faktur draft: %w", err)
		}
		ev.Detail += fmt.Sprintf(" (draft %d)", f.ID)
		return appendAudit(ctx, tx, ev)
	})
	return f, err
}

// UpdateDraft implements efaktur.Store.
func (s *EFakturStore) UpdateDraft(ctx context.Context, f efaktur.Faktur, ev audit.Entry) (efaktur.Faktur, error) {
	doc, err := encodeInvoice(&f.Invoice)
	if err != nil {
		return f, err
	}
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		t, inv := f.Totals, &f.Invoice
		res, err := tx.ExecContext(ctx, `UPDATE efaktur_fakturs SET buyer_id = $1, buyer_tin = $2, buyer_name = $3, trx_code = $4,
			invoice_date = $5, reference = $6, invoice = $7, gross = $8, discount = $9, tax_base = $10, other_tax_base = $11, vat = $12,
			ppnbm = $13, updated_at = $14, version = version + 1
			WHERE id = $15 AND status = 'draft' AND version = $16`,
			nullID(f.BuyerID), buyerKey(inv.Buyer), inv.Buyer.Name, string(inv.TrxCode), inv.Date, inv.RefDesc, doc,
			int64(t.Gross), int64(t.Discount), int64(t.TaxBase), int64(t.OtherTaxBase), int64(t.VAT), int64(t.PPnBM), f.UpdatedAt.UTC(), f.ID, f.Version)
		if err != nil {
			return fmt.Errorf("update faktur draft: %w", err)
		}
		if err := oneRow(res, "faktur draft %d was changed or approved by someone else; reload it", f.ID); err != nil {
			return err
		}
		f.Version++
		return appendAudit(ctx, tx, ev)
	})
	return f, err
}

// oneRow returns a Conflict error unless res changed exactly one row.
func oneRow(res sql.Result, format string, args ...any) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return errs.Errorf(errs.Conflict, format, args...)
	}
	return nil
}

// DeleteDraft implements efaktur.Store.
func (s *EFakturStore) DeleteDraft(ctx context.Context, id int64, version int, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM efaktur_fakturs WHERE id = $1 AND status = 'draft' AND version = $2`, id, version)
		if err != nil {
			return fmt.Errorf("delete faktur draft: %w", err)
		}
		if err := oneRow(res, "faktur draft %d was changed or approved by someone else; reload it", id); err != nil {
			return err
		}
		return appendAudit(ctx, tx, ev)
	})
}

// reserveCounter adds n to the counter (name, scope) inside tx and
// returns the first of the n values it reserved; the first value ever is
// 1. Like nextCounter, it takes the counter row's lock until commit, so
// concurrent reservations queue and a rollback leaves no gap.
func reserveCounter(ctx context.Context, tx *sql.Tx, name, scope string, n int64) (int64, error) {
	var last int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO counters (name, scope, value) VALUES ($1, $2, $3)
		ON CONFLICT (name, scope) DO UPDATE SET value = counters.value + $3
		RETURNING value`, name, scope, n).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("reserve %d of %s/%s: %w", n, name, scope, err)
	}
	return last - n + 1, nil
}

// Approve implements efaktur.Store.
func (s *EFakturStore) Approve(ctx context.Context, fs []*efaktur.Faktur, sign efaktur.SignFunc, ev audit.Entry) error {
	return s.db.inBulkTx(ctx, func(bt bulkTx) error {
		return approveFakturs(ctx, bt, fs, sign, ev)
	})
}

// approveFakturs approves fs inside bt; see Approve. It works in
// batches, so that the statements it runs do not grow with len(fs):
// serials reserved once per year, every faktur numbered in order, then
// signed in memory (signAll: sign is called concurrently, once per
// faktur), then the signatures, their
// transparency log records and their audit entries saved by
// saveSignatures, the new fakturs inserted with multi-row INSERTs
// (COPY on PostgreSQL), each draft updated at its version, and ev
// appended last.
func approveFakturs(ctx context.Context, bt bulkTx, fs []*efaktur.Faktur, sign efaktur.SignFunc, ev audit.Entry) error {
	tx := bt.Tx
	if len(fs) == 0 {
		return errs.Errorf(errs.Invalid, "no faktur to approve")
	}
	// Serials per year, reserved in one statement per year, in the
	// order of fs.
	perYear := map[int]int64{}
	var years []int
	for _, f := range fs {
		y := f.Invoice.Date.Year()
		if perYear[y] == 0 {
			years = append(years, y)
		}
		perYear[y]++
	}
	next := map[int]int64{}
	for _, y := range years {
		first, err := reserveCounter(ctx, tx, "nsfp", strconv.Itoa(y), perYear[y])
		if err != nil {
			return err
		}
		if first+perYear[y] > efaktur.SerialLimit {
			return errs.Errorf(errs.Unavailable, "the NSFP serials of %d are exhausted", y)
		}
		next[y] = first
	}
	for _, f := range fs {
		y := f.Invoice.Date.Year()
		n, err := efaktur.Number(f.Invoice.TrxCode, 0, y, next[y])
		if err != nil {
			return err
		}
		next[y]++
		f.Number = n
	}
	ps, err := signAll(fs, sign)
	if err != nil {
		return err
	}
	sigs, err := saveSignatures(ctx, bt, ps)
	if err != nil {
		return err
	}
	fresh := make([]*efaktur.Faktur, 0, len(fs))
	for i, f := range fs {
		f.SignatureID, f.PublicID = sigs[i].ID, sigs[i].PublicID
		if f.ID == 0 {
			f.Version = 1
			fresh = append(fresh, f)
			continue
		}
		if err := approveDraft(ctx, tx, f); err != nil {
			return err
		}
	}
	if len(fresh) > 0 {
		insert := insertNumbered
		if bt.copies() {
			insert = copyNumbered
		}
		if err := insert(ctx, bt, fresh); err != nil {
			if isUniqueViolation(err) {
				return errs.Errorf(errs.Conflict, "a faktur number of %s is taken; approve again", numberRange(fresh))
			}
			return fmt.Errorf("insert fakturs %s: %w", numberRange(fresh), err)
		}
	}
	ev.Detail += fmt.Sprintf(": %s", numberRange(fs))
	return appendAudit(ctx, tx, ev)
}

// signAll calls sign for every numbered faktur of fs on all the
// processors (ECDSA signing is most of an approval's own CPU time) and
// returns the prepared signatures in the order of fs, or the first error.
// The fakturs are numbered before and stored after, in the caller's
// transaction, so a failure still rolls back every number.
func signAll(fs []*efaktur.Faktur, sign efaktur.SignFunc) ([]signing.Prepared, error) {
	ps := make([]signing.Prepared, len(fs))
	fails := make([]error, len(fs))
	workers := min(runtime.GOMAXPROCS(0), (len(fs)+signShare-1)/signShare)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(fs) {
					return
				}
				if ps[i], fails[i] = sign(fs[i]); fails[i] != nil {
					fails[i] = fmt.Errorf("sign faktur %s: %w", fs[i].Number, fails[i])
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range fails {
		if err != nil {
			return nil, err
		}
	}
	return ps, nil
}

// signShare is the fewest fakturs worth a goroutine of their own in
// signAll: one signature costs some 50 µs.
const signShare = 16

func numberRange(fs []*efaktur.Faktur) string {
	if len(fs) == 1 {
		return fs[0].Number
	}
	return fmt.Sprintf("%s … %s", fs[0].Number, fs[len(fs)-1].Number)
}

// signAndStore signs a numbered faktur, saves the signature and stores
// the faktur approved: inserted when new, else updated from its draft
// at f.Version.
func signAndStore(ctx context.Context, tx *sql.Tx, f *efaktur.Faktur, sign efaktur.SignFunc) error {
	p, err := sign(f)
	if err != nil {
		return fmt.Errorf("sign faktur %s: %w", f.Number, err)
	}
	sig, err := saveSignature(ctx, tx, p.Signature, p.Record, p.Audit)
	if err != nil {
		return err
	}
	f.SignatureID, f.PublicID = sig.ID, sig.PublicID
	if f.ID == 0 {
		f.Version = 1
		if err := insertFaktur(ctx, tx, f); err != nil {
			if isUniqueViolation(err) {
				return errs.Errorf(errs.Conflict, "faktur number %s is taken; approve again", f.Number)
			}
			return fmt.Errorf("insert faktur %s: %w", f.Number, err)
		}
		return nil
	}
	return approveDraft(ctx, tx, f)
}

// approveDraft stores the numbered, signed draft f approved, updating it
// from its draft at f.Version.
func approveDraft(ctx context.Context, tx *sql.Tx, f *efaktur.Faktur) error {
	res, err := tx.ExecContext(ctx, `UPDATE efaktur_fakturs SET number = $1, status = 'approved', buyer_id = $2, approved_at = $3,
		approved_by = $4, signature_id = $5, public_id = $6, credit = 'uncredited', updated_at = $7, version = version + 1
		WHERE id = $8 AND status = 'draft' AND version = $9`,
		f.Number, nullID(f.BuyerID), f.ApprovedAt.UTC(), f.ApprovedBy, f.SignatureID, f.PublicID, f.UpdatedAt.UTC(), f.ID, f.Version)
	if err != nil {
		return fmt.Errorf("approve faktur draft %d: %w", f.ID, err)
	}
	if err := oneRow(res, "faktur draft %d was changed, approved or deleted by someone else; reload it", f.ID); err != nil {
		return err
	}
	f.Version++
	return nil
}

// Amend implements efaktur.Store.
func (s *EFakturStore) Amend(ctx context.Context, old efaktur.Faktur, repl *efaktur.Faktur, sign efaktur.SignFunc, ev audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		n, err := efaktur.Replacement(old.Number, repl.Invoice.TrxCode)
		if err != nil {
			return err
		}
		repl.Number, repl.Replaces, repl.ReplacesNumber = n, old.ID, old.Number
		if err := signAndStore(ctx, tx, repl, sign); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE efaktur_fakturs SET status = 'amended', replaced_by_id = $1, updated_at = $2, version = version + 1
			WHERE id = $3 AND status = 'approved' AND credit <> 'credited' AND version = $4`,
			repl.ID, repl.UpdatedAt.UTC(), old.ID, old.Version)
		if err != nil {
			return fmt.Errorf("mark faktur %s amended: %w", old.Number, err)
		}
		if err := oneRow(res, "faktur %s was changed, credited or cancelled meanwhile; reload it", old.Number); err != nil {
			return err
		}
		ev.Detail += fmt.Sprintf(" by %s", repl.Number)
		return appendAudit(ctx, tx, ev)
	})
}

// Cancel implements efaktur.Store.
func (s *EFakturStore) Cancel(ctx context.Context, id int64, version int, at time.Time, reason string, ev audit.Entry) (efaktur.Faktur, error) {
	var f efaktur.Faktur
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE efaktur_fakturs SET status = 'cancelled', cancelled_at = $1, cancel_reason = $2,
			updated_at = $1, version = version + 1
			WHERE id = $3 AND status = 'approved' AND credit <> 'credited' AND version = $4`, at.UTC(), reason, id, version)
		if err != nil {
			return fmt.Errorf("cancel faktur %d: %w", id, err)
		}
		if err := oneRow(res, "faktur %d was changed, credited or amended meanwhile; reload it", id); err != nil {
			return err
		}
		if err := appendAudit(ctx, tx, ev); err != nil {
			return err
		}
		f, err = scanFaktur(tx.QueryRowContext(ctx, `SELECT `+fakturColumns+` FROM efaktur_fakturs WHERE id = $1`, id))
		return err
	})
	return f, err
}

// Faktur implements efaktur.Store.
func (s *EFakturStore) Faktur(ctx context.Context, id int64) (efaktur.Faktur, error) {
	f, err := scanFaktur(s.db.db.QueryRowContext(ctx, `SELECT `+fakturColumns+` FROM efaktur_fakturs WHERE id = $1`, id))
	return f, notFound(err, fmt.Sprintf("there is no faktur %d", id))
}

// FakturByNumber implements efaktur.Store.
func (s *EFakturStore) FakturByNumber(ctx context.Context, number string) (efaktur.Faktur, error) {
	f, err := scanFaktur(s.db.db.QueryRowContext(ctx, `SELECT `+fakturColumns+` FROM efaktur_fakturs WHERE number = $1`, number))
	return f, notFound(err, fmt.Sprintf("there is no faktur numbered %s", number))
}

// List implements efaktur.Store.
func (s *EFakturStore) List(ctx context.Context, f efaktur.Filter) ([]efaktur.Faktur, error) {
	var w where
	if f.Side == efaktur.Input {
		w.add("buyer_id = ?", f.TaxpayerID)
		w.add("status <> 'draft'")
	} else {
		w.add("seller_id = ?", f.TaxpayerID)
	}
	if f.Status != "" {
		w.add("status = ?", string(f.Status))
	}
	if f.Credit != "" {
		w.add("credit = ?", string(f.Credit))
	}
	if !f.Period.IsZero() {
		w.add("invoice_date >= ? AND invoice_date < ?", f.Period.First(), f.Period.Add(1).First())
	}
	if !f.From.IsZero() {
		w.add("invoice_date >= ?", f.From)
	}
	if !f.To.IsZero() {
		w.add("invoice_date <= ?", f.To)
	}
	if f.TrxCode != "" {
		w.add("trx_code = ?", string(f.TrxCode))
	}
	if f.Counterparty != "" {
		if f.Side == efaktur.Input {
			w.add("seller_npwp = ?", f.Counterparty)
		} else {
			w.add("buyer_tin = ?", f.Counterparty)
		}
	}
	if f.Number != "" {
		w.prefix("number", f.Number)
	}
	if f.Reference != "" {
		w.add("reference = ?", f.Reference)
	}
	if f.UploadID != 0 {
		w.add("upload_id = ?", f.UploadID)
	}
	if f.After != 0 {
		w.add("id < ?", f.After)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = efaktur.DefaultLimit
	}
	out, err := page(ctx, s.db.db, `SELECT `+fakturColumns+` FROM efaktur_fakturs`, &w, limit, scanFaktur)
	if err != nil {
		return nil, fmt.Errorf("list fakturs: %w", err)
	}
	return out, nil
}

// SetCredit implements efaktur.Store.
func (s *EFakturStore) SetCredit(ctx context.Context, id int64, version int, c efaktur.Credit, p efaktur.Period, at time.Time, ev audit.Entry) (efaktur.Faktur, error) {
	var f efaktur.Faktur
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var credited any
		if c == efaktur.Credited {
			credited = at.UTC()
		}
		res, err := tx.ExecContext(ctx, `UPDATE efaktur_fakturs SET credit = $1, credit_period = $2, credited_at = $3, updated_at = $4, version = version + 1
			WHERE id = $5 AND status = 'approved' AND version = $6`, string(c), p.String(), credited, at.UTC(), id, version)
		if err != nil {
			return fmt.Errorf("credit faktur %d: %w", id, err)
		}
		if err := oneRow(res, "faktur %d was changed, amended or cancelled meanwhile; reload it", id); err != nil {
			return err
		}
		if err := appendAudit(ctx, tx, ev); err != nil {
			return err
		}
		f, err = scanFaktur(tx.QueryRowContext(ctx, `SELECT `+fakturColumns+` FROM efaktur_fakturs WHERE id = $1`, id))
		return err
	})
	return f, err
}

type jsonReturLine struct {
	Line         int   `json:"line"`
	Qty          int64 `json:"qty"`
	TaxBase      int64 `json:"tax_base"`
	OtherTaxBase int64 `json:"other_tax_base"`
	VAT          int64 `json:"vat"`
	PPnBM        int64 `json:"ppnbm"`
}

// CreateRetur implements efaktur.Store.
func (s *EFakturStore) CreateRetur(ctx context.Context, r efaktur.Retur, ev audit.Entry) (efaktur.Retur, error) {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		// Lock the faktur row first, so that two returns against one
		// faktur queue and see each other's quantities.
		var qtys string
		if err := tx.QueryRowContext(ctx, `UPDATE efaktur_fakturs SET version = version + 1 WHERE id = $1 AND status = 'approved' AND credit = 'credited'
			RETURNING invoice`, r.FakturID).Scan(&qtys); err != nil {
			if err == sql.ErrNoRows {
				return errs.Errorf(errs.Conflict, "faktur %d is no longer approved and credited; reload it", r.FakturID)
			}
			return fmt.Errorf("lock faktur %d: %w", r.FakturID, err)
		}
		inv, err := decodeInvoice(qtys)
		if err != nil {
			return err
		}
		earlier, err := returs(ctx, tx, r.FakturID)
		if err != nil {
			return err
		}
		returned := map[int]efaktur.Quantity{}
		for _, e := range earlier {
			for _, l := range e.Lines {
				returned[l.Line] += l.Qty
			}
		}
		for _, l := range r.Lines {
			q := inv.Lines[l.Line-1].Qty
			if returned[l.Line]+l.Qty > q {
				return errs.InvalidFields("more goods would be returned than were sold",
					errs.Field(fmt.Sprintf("lines[%d].quantity", l.Line-1), l.Qty.XML(), "line %d sold %s and %s were returned before; at most %s can still be returned",
						l.Line, q.XML(), returned[l.Line].XML(), (q-returned[l.Line]).XML()))
			}
		}
		serial, err := nextCounter(ctx, tx, "retur", fmt.Sprintf("%d/%d", r.BuyerID, r.Date.Year()), 1)
		if err != nil {
			return err
		}
		var buyerNPWP string
		if err := tx.QueryRowContext(ctx, `SELECT npwp FROM taxpayers WHERE id = $1`, r.BuyerID).Scan(&buyerNPWP); err != nil {
			return fmt.Errorf("buyer %d: %w", r.BuyerID, err)
		}
		r.Number = fmt.Sprintf("RET-%s-%d-%06d", buyerNPWP, r.Date.Year(), serial)
		lines := make([]jsonReturLine, len(r.Lines))
		for i, l := range r.Lines {
			lines[i] = jsonReturLine{Line: l.Line, Qty: int64(l.Qty), TaxBase: int64(l.TaxBase), OtherTaxBase: int64(l.OtherTaxBase), VAT: int64(l.VAT), PPnBM: int64(l.PPnBM)}
		}
		doc, err := json.Marshal(lines)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO efaktur_returs (number, faktur_id, buyer_id, seller_id, return_date, period, lines,
			tax_base, other_tax_base, vat, ppnbm, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			r.Number, r.FakturID, r.BuyerID, r.SellerID, r.Date, r.Period.String(), string(doc), int64(r.Totals.TaxBase), int64(r.Totals.OtherTaxBase),
			int64(r.Totals.VAT), int64(r.Totals.PPnBM), r.CreatedAt.UTC(), r.CreatedBy).Scan(&r.ID); err != nil {
			return fmt.Errorf("insert retur: %w", err)
		}
		ev.Detail += " (" + r.Number + ")"
		return appendAudit(ctx, tx, ev)
	})
	return r, err
}

// Returs implements efaktur.Store.
func (s *EFakturStore) Returs(ctx context.Context, fakturID int64) ([]efaktur.Retur, error) {
	return returs(ctx, s.db.db, fakturID)
}

func returs(ctx context.Context, q querier, fakturID int64) ([]efaktur.Retur, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, number, faktur_id, buyer_id, seller_id, return_date, period, lines, tax_base, other_tax_base,
		vat, ppnbm, created_at, created_by FROM efaktur_returs WHERE faktur_id = $1 ORDER BY id`, fakturID)
	if err != nil {
		return nil, fmt.Errorf("list returs: %w", err)
	}
	defer rows.Close()
	var out []efaktur.Retur
	for rows.Next() {
		var r efaktur.Retur
		var period, doc string
		t := &r.Totals
		if err := rows.Scan(&r.ID, &r.Number, &r.FakturID, &r.BuyerID, &r.SellerID, utc{&r.Date}, &period, &doc,
			(*int64)(&t.TaxBase), (*int64)(&t.OtherTaxBase), (*int64)(&t.VAT), (*int64)(&t.PPnBM), utc{&r.CreatedAt}, &r.CreatedBy); err != nil {
			return nil, fmt.Errorf("list returs: %w", err)
		}
		if r.Period, err = efaktur.ParsePeriod(period); err != nil {
			return nil, fmt.Errorf("stored retur period %q: %w", period, err)
		}
		var lines []jsonReturLine
		if err := json.Unmarshal([]byte(doc), &lines); err != nil {
			return nil, fmt.Errorf("stored retur lines: %w", err)
		}
		for _, l := range lines {
			r.Lines = append(r.Lines, efaktur.ReturLine{Line: l.Line, Qty: efaktur.Quantity(l.Qty), TaxBase: money.Amount(l.TaxBase),
				OtherTaxBase: money.Amount(l.OtherTaxBase), VAT: money.Amount(l.VAT), PPnBM: money.Amount(l.PPnBM)})
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
