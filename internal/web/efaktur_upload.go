package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/efaktur/sheet"
	"github.com/coretax/coretax/internal/errs"
)

// uploadFormPage is the bulk upload form with the seller's recent jobs.
type uploadFormPage struct {
	page
	NPWP       string
	Action     string
	Errors     *formErrors
	Jobs       []uploadRow
	MaxMiB     int
	MaxInvoice int
}

// uploadRow is a job as the pages show it.
type uploadRow struct {
	efaktur.Upload
	URL     string
	Running bool
	// Percent is how much of the file was read.
	Percent int
	// FirstNotProcessed is the first invoice a job that stopped early
	// never reached.
	FirstNotProcessed int
}

func uploadView(npwp string, u efaktur.Upload) uploadRow {
	r := uploadRow{Upload: u, URL: efakturURL(npwp) + "/uploads/" + strconv.FormatInt(u.ID, 10), Running: !u.State.Ended()}
	if u.Total > 0 {
		r.Percent = 100 * (u.Read() + u.NotProcessed) / u.Total
	}
	r.FirstNotProcessed = u.Read() + 1
	if u.State == efaktur.UploadDone {
		r.Percent = 100
	}
	return r
}

// uploadJobPage is one job: progress and the error report.
type uploadJobPage struct {
	page
	NPWP     string
	Job      uploadRow
	Back     string
	Problems []efaktur.UploadProblem
	// Next continues the report after the last problem shown.
	Next string
	// Fakturs are the newest fakturs the job stored, at most 50.
	Fakturs []storedFaktur
}

// storedFaktur links a faktur stored by an upload.
type storedFaktur struct {
	URL, Number, Reference, Buyer string
}

func (s *server) uploadService() (*efaktur.Uploads, error) {
	if s.uploads == nil {
		return nil, errs.E(errs.Unavailable, "e-Faktur bulk uploads are not served by this server")
	}
	return s.uploads, nil
}

// uploadForm handles GET /taxpayers/{npwp}/efaktur/uploads.
func (s *server) uploadForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderUploadForm(w, r, http.StatusOK, nil)
}

func (s *server) renderUploadForm(w http.ResponseWriter, r *http.Request, status int, fe *formErrors) error {
	svc, err := s.uploadService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	jobs, err := svc.List(r.Context(), npwp, 0, 20)
	if err != nil {
		return err
	}
	p := uploadFormPage{NPWP: npwp, Action: efakturURL(npwp) + "/uploads", Errors: fe, MaxMiB: maxUpload >> 20, MaxInvoice: svc.Config().MaxInvoices}
	for _, j := range jobs {
		p.Jobs = append(p.Jobs, uploadView(npwp, j))
	}
	p.page = s.newPage(w, r, "Upload fakturs", "")
	s.render(w, r, status, "efaktur_upload", p)
	return nil
}

// createUpload handles POST /taxpayers/{npwp}/efaktur/uploads: the file
// becomes a job and the browser follows it on the job's page.
func (s *server) createUpload(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.uploadService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	f, h, err := r.FormFile("file")
	if err != nil {
		if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
			return s.renderUploadForm(w, r, http.StatusUnprocessableEntity,
				errorsOf(errs.InvalidFields("choose a file", errs.Field("file", "", "choose the TaxInvoiceBulk XML file to upload"))))
		}
		return s.renderUploadForm(w, r, http.StatusUnprocessableEntity,
			errorsOf(errs.InvalidFields("the file could not be read", errs.Field("file", "", "could not be read; choose it again"))))
	}
	defer f.Close()
	// A CSV or XLSX sheet is converted to TaxInvoiceBulk XML first, so
	// that a small business needs no separate converter
	// (doc/efaktur-cli.md lists the columns).
	data, err := io.ReadAll(f)
	if err != nil {
		return s.renderUploadForm(w, r, http.StatusUnprocessableEntity,
			errorsOf(errs.InvalidFields("the file could not be read", errs.Field("file", "", "could not be read; choose it again"))))
	}
	bulk, err := sheet.Bulk(data, npwp)
	if err != nil {
		if errs.Is(errs.Invalid, err) {
			return s.renderUploadForm(w, r, http.StatusUnprocessableEntity, errorsOf(err))
		}
		return err
	}
	job, _, err := svc.Upload(r.Context(), npwp, bytes.NewReader(bulk), efaktur.UploadOptions{FileName: h.Filename, Passphrase: r.PostForm.Get("passphrase")})
	if err != nil {
		if k := errs.KindOf(err); k == errs.Invalid || k == errs.Conflict {
			fe := errorsOf(err)
			if k == errs.Invalid && len(fe.Fields) == 0 {
				// A refused passphrase names no field of this form.
				fe.Fields["passphrase"] = errs.Message(err)
			}
			return s.renderUploadForm(w, r, http.StatusUnprocessableEntity, fe)
		}
		return err
	}
	return seeOther(w, r, uploadView(npwp, job).URL)
}

// uploadJob handles GET /taxpayers/{npwp}/efaktur/uploads/{id}: while the
// job runs the page refreshes its progress with htmx.
func (s *server) uploadJob(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.uploadService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	id, err := formID(r, "upload")
	if err != nil {
		return err
	}
	job, err := svc.Job(r.Context(), npwp, id)
	if err != nil {
		return err
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	const page = 500
	ps, err := svc.Problems(r.Context(), npwp, id, max(after, 0), page)
	if err != nil {
		return err
	}
	p := uploadJobPage{NPWP: npwp, Job: uploadView(npwp, job), Back: efakturURL(npwp) + "/uploads", Problems: ps}
	if s.efaktur != nil && job.Stored > 0 {
		fs, err := s.efaktur.List(r.Context(), npwp, efaktur.Filter{UploadID: id, Limit: 50})
		if err != nil {
			return err
		}
		for _, f := range fs {
			n := f.Number
			if n == "" {
				n = "draft " + strconv.FormatInt(f.ID, 10)
			}
			p.Fakturs = append(p.Fakturs, storedFaktur{URL: fakturURL(npwp, f.ID), Number: n, Reference: f.Invoice.RefDesc, Buyer: f.Invoice.Buyer.Name})
		}
	}
	if len(ps) == page {
		p.Next = p.Job.URL + "?after=" + strconv.FormatInt(ps[len(ps)-1].Seq, 10)
	}
	p.page = s.newPage(w, r, "Upload "+strconv.FormatInt(id, 10), "")
	s.render(w, r, http.StatusOK, "efaktur_upload_job", p)
	return nil
}

// cancelUpload handles POST /taxpayers/{npwp}/efaktur/uploads/{id}/cancel.
func (s *server) cancelUpload(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.uploadService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	id, err := formID(r, "upload")
	if err != nil {
		return err
	}
	job, err := svc.Cancel(r.Context(), npwp, id)
	if err != nil && !errs.Is(errs.Conflict, err) {
		return err
	}
	if err != nil {
		// It ended meanwhile: its page says how.
		if job, err = svc.Job(r.Context(), npwp, id); err != nil {
			return err
		}
	}
	return seeOther(w, r, uploadView(npwp, job).URL)
}
