package httpapi

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/errs"
)

func (s *server) uploadService() (*efaktur.Uploads, error) {
	if s.uploads == nil {
		return nil, errs.E(errs.Unavailable, "e-Faktur bulk uploads are not served by this server")
	}
	return s.uploads, nil
}

type uploadJSON struct {
	ID              int64      `json:"id"`
	FileName        string     `json:"file_name"`
	SHA256          string     `json:"sha256"`
	Size            int64      `json:"size"`
	IdempotencyKey  string     `json:"idempotency_key,omitempty"`
	Approve         bool       `json:"approve"`
	State           string     `json:"state"`
	Total           int        `json:"total"`
	Read            int        `json:"read"`
	Stored          int        `json:"stored"`
	Rejected        int        `json:"rejected"`
	Skipped         int        `json:"skipped"`
	NotProcessed    int        `json:"not_processed"`
	Reason          string     `json:"reason,omitempty"`
	Retry           bool       `json:"retry"`
	CancelRequested bool       `json:"cancel_requested"`
	CreatedBy       string     `json:"created_by"`
	CreatedAt       time.Time  `json:"created_at"`
	StartedAt       *time.Time `json:"started_at,omitempty"`
	FinishedAt      *time.Time `json:"finished_at,omitempty"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func uploadOut(u efaktur.Upload) uploadJSON {
	return uploadJSON{ID: u.ID, FileName: u.FileName, SHA256: u.SHA256, Size: u.Size, IdempotencyKey: u.Key, Approve: u.Approve,
		State: string(u.State), Total: u.Total, Read: u.Read(), Stored: u.Stored, Rejected: u.Rejected, Skipped: u.Skipped,
		NotProcessed: u.NotProcessed, Reason: u.Reason, Retry: u.Retry, CancelRequested: u.CancelRequested, CreatedBy: u.CreatedBy,
		CreatedAt: u.CreatedAt, StartedAt: optTime(u.StartedAt), FinishedAt: optTime(u.FinishedAt)}
}

// createUpload handles POST /taxpayers/{npwp}/efaktur/uploads: a
// TaxInvoiceBulk file as a multipart form (fields file, passphrase,
// idempotency_key) or as the raw application/xml body. The Idempotency-Key
// header and X-Signing-Passphrase header serve the raw form. The answer
// is 202 with the queued job, or 200 with the job the same file or key
// created before.
func (s *server) createUpload(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.uploadService()
	if err != nil {
		return err
	}
	max := svc.Config().MaxBytes
	r.Body = http.MaxBytesReader(w, r.Body, max+1<<20)
	opts := efaktur.UploadOptions{Key: r.Header.Get("Idempotency-Key"), Passphrase: r.Header.Get("X-Signing-Passphrase")}
	// A request the service will refuse (a stranger, no role) hears
	// that first: errors of the body come out when the service reads it.
	file, err := uploadBody(r, &opts)
	if err != nil {
		file = errReader{err}
	}
	job, created, err := svc.Upload(r.Context(), r.PathValue("npwp"), file, opts)
	if err != nil {
		return err
	}
	status := http.StatusAccepted
	if !created {
		status = http.StatusOK
	}
	w.Header().Set("Location", Prefix+"/taxpayers/"+r.PathValue("npwp")+"/efaktur/uploads/"+strconv.FormatInt(job.ID, 10))
	writeJSON(w, status, uploadOut(job))
	return nil
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// uploadBody returns the file of an upload request and sets the options
// its form carries.
func uploadBody(r *http.Request, opts *efaktur.UploadOptions) (io.Reader, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, errs.InvalidFields("the form cannot be read", errs.Field("file", "", "send multipart/form-data with a part named file"))
		}
		// Fields come before the file: the file part is read as a
		// stream by the service.
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return nil, errs.InvalidFields("no file was sent", errs.Field("file", "", "send the TaxInvoiceBulk XML in a part named file, after the other fields"))
			}
			if err != nil {
				return nil, errs.InvalidFields("the form cannot be read", errs.Field("file", "", "%s", err))
			}
			switch p.FormName() {
			case "file":
				opts.FileName = p.FileName()
				return p, nil
			case "passphrase", "idempotency_key":
				v, err := io.ReadAll(io.LimitReader(p, 1024))
				if err != nil {
					return nil, errs.InvalidFields("the form cannot be read", errs.Field(p.FormName(), "", "%s", err))
				}
				if p.FormName() == "passphrase" {
					opts.Passphrase = string(v)
				} else {
					opts.Key = strings.TrimSpace(string(v))
				}
			}
		}
	case "application/xml", "text/xml":
		opts.FileName = r.URL.Query().Get("file_name")
		return r.Body, nil
	}
	return nil, errs.InvalidFields("the file must be XML", errs.Field("Content-Type", r.Header.Get("Content-Type"),
		"send application/xml (the file as the body) or multipart/form-data (a part named file)"))
}

type uploadListJSON struct {
	Uploads []uploadJSON `json:"uploads"`
	// Next is the cursor of the next page (pass it as after), 0 at the
	// end.
	Next int64 `json:"next"`
}

// listUploads handles GET /taxpayers/{npwp}/efaktur/uploads.
func (s *server) listUploads(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.uploadService()
	if err != nil {
		return err
	}
	var fs errs.Fields
	after, limit := queryInt(r, "after", &fs), queryInt(r, "limit", &fs)
	if err := fs.Err("the query is not valid"); err != nil {
		return err
	}
	l, err := svc.List(r.Context(), r.PathValue("npwp"), after, int(limit))
	if err != nil {
		return err
	}
	out := uploadListJSON{Uploads: []uploadJSON{}}
	for _, u := range l {
		out.Uploads = append(out.Uploads, uploadOut(u))
	}
	if n := len(l); n > 0 && n == effectiveLimit(limit) {
		out.Next = l[n-1].ID
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func effectiveLimit(limit int64) int {
	if limit == 0 {
		return efaktur.DefaultLimit
	}
	return int(limit)
}

// upload handles GET /taxpayers/{npwp}/efaktur/uploads/{id}.
func (s *server) upload(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.uploadService()
	if err != nil {
		return err
	}
	id, err := pathNumber(r, "id", "upload")
	if err != nil {
		return err
	}
	u, err := svc.Job(r.Context(), r.PathValue("npwp"), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, uploadOut(u))
	return nil
}

type uploadProblemJSON struct {
	Seq       int64  `json:"seq"`
	Invoice   int    `json:"invoice"`
	Line      int    `json:"line"`
	XMLLine   int    `json:"xml_line"`
	XMLColumn int    `json:"xml_column"`
	Path      string `json:"path"`
	Field     string `json:"field"`
	Value     string `json:"value"`
	Rule      string `json:"rule"`
	Message   string `json:"message"`
	Fix       string `json:"fix"`
	Expected  string `json:"expected,omitempty"`
}

type uploadProblemsJSON struct {
	Problems []uploadProblemJSON `json:"problems"`
	Next     int64               `json:"next"`
}

// uploadProblems handles GET /taxpayers/{npwp}/efaktur/uploads/{id}/problems:
// the error report in file order, a page at a time.
func (s *server) uploadProblems(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.uploadService()
	if err != nil {
		return err
	}
	id, err := pathNumber(r, "id", "upload")
	if err != nil {
		return err
	}
	var fs errs.Fields
	after, limit := queryInt(r, "after", &fs), queryInt(r, "limit", &fs)
	if err := fs.Err("the query is not valid"); err != nil {
		return err
	}
	ps, err := svc.Problems(r.Context(), r.PathValue("npwp"), id, after, int(limit))
	if err != nil {
		return err
	}
	out := uploadProblemsJSON{Problems: []uploadProblemJSON{}}
	for _, p := range ps {
		out.Problems = append(out.Problems, uploadProblemJSON{Seq: p.Seq, Invoice: p.Invoice, Line: p.Line, XMLLine: p.XMLLine, XMLColumn: p.XMLColumn,
			Path: p.Path, Field: p.Field, Value: p.Value, Rule: string(p.Rule), Message: p.Message, Fix: p.Fix, Expected: p.Expected})
	}
	if n := len(ps); n > 0 && n == effectiveLimit(limit) {
		out.Next = ps[n-1].Seq
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// cancelUpload handles POST /taxpayers/{npwp}/efaktur/uploads/{id}/cancel.
func (s *server) cancelUpload(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.uploadService()
	if err != nil {
		return err
	}
	id, err := pathNumber(r, "id", "upload")
	if err != nil {
		return err
	}
	u, err := svc.Cancel(r.Context(), r.PathValue("npwp"), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, uploadOut(u))
	return nil
}
