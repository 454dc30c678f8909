package efaktur

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
)

// UploadState is where a bulk upload job is. A job is queued, then
// running, and always ends done, cancelled or failed.
type UploadState string

// The upload states.
const (
	UploadQueued    UploadState = "queued"
	UploadRunning   UploadState = "running"
	UploadDone      UploadState = "done"      // every invoice ended stored or rejected
	UploadCancelled UploadState = "cancelled" // stopped at the owner's request
	UploadFailed    UploadState = "failed"    // the file could not be read, or the server stopped
)

// Ended reports whether st is a final state.
func (st UploadState) Ended() bool {
	return st == UploadDone || st == UploadCancelled || st == UploadFailed
}

// Upload is a bulk upload job: one TaxInvoiceBulk file of a seller, read
// invoice by invoice. Each invoice of the file ends stored (approved, or a
// draft when the job does not approve), rejected with its problems,
// skipped (stored by an earlier job of the same file) or, when the job
// stopped early, not processed.
type Upload struct {
	ID         int64
	SellerID   int64
	SellerNPWP string
	// FileName is the name the file was sent under, for display.
	FileName string
	// SHA256 is the hex SHA-256 of the file's bytes; Size its length.
	SHA256 string
	Size   int64
	// Key is the client's idempotency key, "" when none was given.
	Key string
	// Approve says whether valid invoices are approved (signed and
	// numbered) or stored as drafts.
	Approve bool
	State   UploadState
	// Total is the number of TaxInvoice elements in the file, counted
	// when the file was received (up to a syntax error, if any).
	Total int
	// Stored, Rejected and Skipped count the invoices read so far.
	Stored   int
	Rejected int
	Skipped  int
	// NotProcessed counts the invoices a job that stopped early never
	// reached: those after the last one read.
	NotProcessed int
	// Reason says why a job was cancelled or failed.
	Reason string
	// Retry says that the same file, uploaded again, starts a new job
	// (which skips the invoices this one stored); otherwise uploading it
	// again returns this job.
	Retry bool
	// CancelRequested is set by CancelUpload; the job stops at its next
	// chunk boundary.
	CancelRequested bool
	CreatedBy       string
	CreatedAt       time.Time
	StartedAt       time.Time
	FinishedAt      time.Time
}

// Read is the number of invoices read so far.
func (u Upload) Read() int { return u.Stored + u.Rejected + u.Skipped }

// UploadProblem is one problem of an upload's error report: a file-level
// problem (Invoice 0) or a problem of one rejected invoice. Seq orders the
// report and is the cursor of its pages.
type UploadProblem struct {
	Seq int64
	Problem
}

// UploadChunk is what one transaction of a job stores: the valid
// invoices of a run of the file, the problems of the rejected ones and
// the counts.
type UploadChunk struct {
	UploadID int64
	// Fakturs are stored approved (Approve, through the same numbering
	// and signing as Store.Approve) or as drafts; Indexes holds the
	// 1-based position in the file of each.
	Fakturs  []*Faktur
	Indexes  []int
	Approve  bool
	Problems []Problem
	Rejected int
	Skipped  int
}

// UploadStore keeps bulk upload jobs, their files and error reports.
// Every method that changes state is one transaction.
type UploadStore interface {
	// CreateUpload stores a queued job with its file. When the seller
	// already has a job with the same Key, or a job with the same
	// SHA256 whose Retry is false, it stores nothing and returns that
	// job with created false. A Key reused for another file is a
	// Conflict.
	CreateUpload(ctx context.Context, u Upload, file []byte, ev audit.Entry) (job Upload, created bool, err error)
	// UploadFile returns the stored file of a job, read piece by piece.
	UploadFile(ctx context.Context, id int64) io.ReadCloser
	// StartUpload moves a queued job to running.
	StartUpload(ctx context.Context, id int64, at time.Time) (Upload, error)
	// StoredIndexes returns the file positions of the invoices that the
	// seller's earlier jobs of the file with this hash stored, ascending.
	StoredIndexes(ctx context.Context, sellerID int64, sha string) ([]int, error)
	// SaveUploadChunk stores a chunk in one transaction and returns the
	// job with its new counts (and CancelRequested as it now stands).
	// Approved fakturs are numbered and signed as Store.Approve does,
	// with ev as their audit entry.
	SaveUploadChunk(ctx context.Context, c UploadChunk, sign SignFunc, ev audit.Entry) (Upload, error)
	// FinishUpload ends a running or queued job in u.State with
	// u.Reason, u.NotProcessed and u.Retry, storing problems (file-level)
	// and writing ev.
	FinishUpload(ctx context.Context, u Upload, at time.Time, problems []Problem, ev audit.Entry) (Upload, error)
	// RequestUploadCancel sets CancelRequested on a job that has not
	// ended; a Conflict when it has.
	RequestUploadCancel(ctx context.Context, id int64, ev audit.Entry) (Upload, error)
	// Upload returns a job.
	Upload(ctx context.Context, id int64) (Upload, error)
	// Uploads returns a page of the seller's jobs, newest first, with ID
	// below after (0: from the newest).
	Uploads(ctx context.Context, sellerID, after int64, limit int) ([]Upload, error)
	// UploadProblems returns a page of a job's report in file order,
	// with Seq above after.
	UploadProblems(ctx context.Context, id, after int64, limit int) ([]UploadProblem, error)
	// EndInterruptedUploads ends every queued or running job as failed
	// with reason, counting the invoices not read as not processed and
	// setting Retry. It returns the number of jobs ended.
	EndInterruptedUploads(ctx context.Context, at time.Time, reason string) (int, error)
}

// UploadConfig holds the limits of bulk uploads.
type UploadConfig struct {
	// MaxBytes is the largest file accepted.
	MaxBytes int64
	// MaxInvoices is the most TaxInvoice elements a file may hold: DJP
	// accepts 1,000 fakturs in one XML file (efaktur-xml.md §1).
	MaxInvoices int
	// ChunkSize is how many invoices one transaction stores at most. A
	// job holds at most two chunks of Invoice values at a time: the one
	// being stored and the one being read.
	ChunkSize int
	// Workers is how many jobs run at once; more wait queued.
	Workers int
}

// DefaultUploadConfig returns the documented limits (doc/efaktur-upload.md).
func DefaultUploadConfig() UploadConfig {
	return UploadConfig{MaxBytes: 64 << 20, MaxInvoices: 1000, ChunkSize: 500, Workers: 2}
}

// UploadOptions are the choices of one upload.
type UploadOptions struct {
	// Key is the client's idempotency key: the same key returns the job
	// it first created.
	Key string
	// FileName is shown with the job.
	FileName string
	// Passphrase, when given, approves the valid invoices: the signer's
	// key is opened once, before the job exists, and lives only as long
	// as the job runs. Without it valid invoices are stored as drafts.
	Passphrase string
}

// interruptedReason is why a job ends that a stopped server left queued or
// running: an approving job cannot resume, since the passphrase is never
// stored.
const interruptedReason = "not processed: the server stopped; upload the file again (invoices already stored are skipped)"

// stoppingReason is why a job ends that was running while the server shut
// down.
const stoppingReason = "not processed: the server was stopping; upload the file again (invoices already stored are skipped)"

// Uploads runs the bulk uploads of e-Faktur: a submitted file becomes a
// durable job that a few workers process in the background.
type Uploads struct {
	svc   *Service
	store UploadStore
	cfg   UploadConfig

	sem chan struct{}

	mu       sync.Mutex
	base     context.Context // jobs run under it; nil until Run
	stopping bool
	wg       sync.WaitGroup
}

// NewUploads returns the bulk uploads of svc, kept in store.
func NewUploads(svc *Service, store UploadStore, cfg UploadConfig) *Uploads {
	d := DefaultUploadConfig()
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = d.MaxBytes
	}
	if cfg.MaxInvoices <= 0 {
		cfg.MaxInvoices = d.MaxInvoices
	}
	if cfg.ChunkSize <= 0 {
		cfg.ChunkSize = d.ChunkSize
	}
	if cfg.Workers <= 0 {
		cfg.Workers = d.Workers
	}
	return &Uploads{svc: svc, store: store, cfg: cfg, sem: make(chan struct{}, cfg.Workers)}
}

// Config returns the limits.
func (u *Uploads) Config() UploadConfig { return u.cfg }

// Run processes submitted jobs until ctx ends, then waits for the jobs in
// flight: each stops at its next chunk boundary and ends failed, its
// remaining invoices not processed. Upload refuses new files while Run
// is not running.
func (u *Uploads) Run(ctx context.Context) {
	u.mu.Lock()
	u.base, u.stopping = ctx, false
	u.mu.Unlock()
	<-ctx.Done()
	u.mu.Lock()
	u.stopping = true
	u.mu.Unlock()
	u.wg.Wait()
}

// EndInterrupted ends the jobs a stopped server left queued or running;
// serve calls it on start, before Run. It returns how many it ended.
func (u *Uploads) EndInterrupted(ctx context.Context) (int, error) {
	return u.store.EndInterruptedUploads(ctx, u.svc.now(), interruptedReason)
}

// submission is a checked file, ready to become a job.
type submission struct {
	sel    Seller
	job    Upload
	signer *signing.Signer
	opts   Options
	// suspect: the file may break the TaxInvoiceBulk structure.
	suspect bool
	// file holds the file's bytes as stored, while the job may read them
	// from memory rather than back from the store; nil once the job
	// waits in the queue, so that queued jobs hold no files.
	file []byte
	// early is the job's reading stage, started on file while the job
	// was being created (it only reads and checks: nothing is stored
	// before the job is); nil when the stage starts with the job.
	early *reading
}

// Upload submits a TaxInvoiceBulk file of the seller npwp as a job and
// returns it queued, or returns the existing job for the same file or
// key with created false. With a passphrase the valid invoices are
// approved: a wrong passphrase refuses the file and creates no job.
func (u *Uploads) Upload(ctx context.Context, npwp string, file io.Reader, opts UploadOptions) (job Upload, created bool, err error) {
	sub, existing, err := u.submit(ctx, npwp, file, opts)
	if err != nil || existing {
		return sub.job, false, err
	}
	a := actor.From(ctx)
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.base == nil || u.stopping {
		// Nothing runs jobs: end this one now, not processed.
		stopped, cancel := context.WithCancel(ctx)
		cancel()
		return u.process(stopped, sub), true, nil
	}
	base := u.base
	// Whether a worker is free is decided now, under the lock: a job
	// that must wait is queued from the start.
	queued := false
	select {
	case u.sem <- struct{}{}:
	default:
		queued = true
	}
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		if queued {
			// Queued behind other jobs: the job reads its file back
			// from the store when its turn comes, and its reading
			// stage starts again then.
			sub.file = nil
			if sub.early != nil {
				sub.early.stop()
				sub.early = nil
			}
			select {
			case u.sem <- struct{}{}:
			case <-base.Done():
				u.process(actor.With(base, a), sub)
				return
			}
		}
		defer func() { <-u.sem }()
		u.process(actor.With(base, a), sub)
	}()
	return sub.job, true, nil
}

// UploadSync submits a file as Upload does and processes it in the
// calling goroutine, returning the ended job; the existing job when the
// file or key was uploaded before. Tests and benchmarks use it.
func (u *Uploads) UploadSync(ctx context.Context, npwp string, file io.Reader, opts UploadOptions) (Upload, error) {
	sub, existing, err := u.submit(ctx, npwp, file, opts)
	if err != nil || existing {
		return sub.job, err
	}
	return u.process(ctx, sub), nil
}

// submit checks and stores a file. Once the file is checked, the job's
// reading stage starts on its bytes (submission.early) while the job is
// created, unless the file is suspect; it is stopped when no new job
// comes of the submission.
func (u *Uploads) submit(ctx context.Context, npwp string, file io.Reader, opts UploadOptions) (sub submission, existing bool, err error) {
	sel, err := u.svc.seller(ctx, npwp, ActDraft)
	if err != nil {
		return submission{}, false, err
	}
	if opts.Passphrase != "" {
		if err := u.svc.policy.Allow(ctx, ActApprove, sel.Profile.Taxpayer.ID); err != nil {
			return submission{}, false, err
		}
	}
	var fs errs.Fields
	if len(opts.Key) > 200 || !printable(opts.Key) {
		fs.Add("idempotency_key", opts.Key, "give at most 200 printable characters, e.g. a UUID")
	}
	name := strings.TrimSpace(opts.FileName)
	if len(name) > 255 || !utf8.ValidString(name) {
		fs.Add("file_name", name, "give a UTF-8 name of at most 255 bytes")
	}
	if err := fs.Err("the upload cannot be accepted"); err != nil {
		return submission{}, false, err
	}
	b, err := readUpload(file, u.cfg.MaxBytes)
	if err != nil {
		return submission{}, false, fmt.Errorf("read the uploaded file: %w", err)
	}
	if int64(len(b)) > u.cfg.MaxBytes {
		return submission{}, false, errs.InvalidFields("the file is too large",
			errs.Field("file", name, "holds more than %d bytes (%d MiB); split it into files of at most %d invoices", u.cfg.MaxBytes, u.cfg.MaxBytes>>20, u.cfg.MaxInvoices))
	}
	if len(b) == 0 {
		return submission{}, false, errs.InvalidFields("the file is empty", errs.Field("file", name, "is empty; send a TaxInvoiceBulk XML file"))
	}
	sub = submission{sel: sel, opts: draftOptions}
	approve := opts.Passphrase != ""
	if approve {
		sub.opts = u.svc.Options()
	}
	// The reading stage only reads and checks; the invoices it reads are
	// stored by the job, after the job and its file are committed, so
	// starting it now, while the file is scanned and stored, costs
	// nothing in durability. It is stopped when the file is suspect (the
	// job then reads it for its file-level problems first) or no new job
	// comes of the submission.
	early := u.startReading(context.WithoutCancel(ctx), sub, NewBytesReader(b, sub.opts), io.NopCloser(nil))
	defer func() {
		switch {
		case early == nil:
		case err != nil || existing:
			early.stop()
		default:
			sub.early = early
		}
	}()
	scan := scanFile(b)
	if scan.suspect {
		early.stop()
		early = nil
	}
	sub.suspect = scan.suspect
	if scan.invoices > u.cfg.MaxInvoices {
		return submission{}, false, errs.InvalidFields("the file holds too many invoices",
			errs.Field("file", name, "holds %d TaxInvoice elements; Coretax takes at most %d per file: split it", scan.invoices, u.cfg.MaxInvoices))
	}
	if isDigits(scan.tin, 16) && scan.tin != sel.NPWP {
		return submission{}, false, errs.InvalidFields("the file is of another seller",
			errs.Field("file", scan.tin, "<TIN> (XML %d:%d) is %s, but the file is uploaded for %s; upload it for the taxpayer it names, or write %s in <TIN>",
				scan.tinPos.Line, scan.tinPos.Column, scan.tin, sel.NPWP, sel.NPWP))
	}
	sum := sha256.Sum256(b)
	now := u.svc.now().UTC()
	job := Upload{SellerID: sel.Profile.Taxpayer.ID, SellerNPWP: sel.NPWP, FileName: name, SHA256: hex.EncodeToString(sum[:]),
		Size: int64(len(b)), Key: opts.Key, Approve: approve, State: UploadQueued, Total: scan.invoices,
		CreatedBy: actor.From(ctx).String(), CreatedAt: now}
	sub.job = job
	if job.Approve {
		// One passphrase entry for the whole file, before any job
		// exists: a refusal leaves nothing behind.
		sub.signer, err = u.svc.signing.Open(ctx, roles.TaxInvoice, sel.Profile.Taxpayer.ID, opts.Passphrase,
			fmt.Sprintf("approving the invoices of the upload %q (%d invoices)", name, scan.invoices))
		if err != nil {
			return submission{}, false, err
		}
	}
	mode := "as drafts"
	if job.Approve {
		mode = "to approve"
	}
	ev := u.svc.entry(ctx, job.SellerID, "efaktur.upload", fmt.Sprintf("bulk upload %q (%d bytes, SHA-256 %s, %d invoices) submitted %s", name, job.Size, job.SHA256, job.Total, mode))
	stored, created, err := u.store.CreateUpload(ctx, job, b, ev)
	if err != nil {
		return submission{}, false, err
	}
	if !created {
		if stored.Approve != job.Approve {
			return submission{}, false, errs.Errorf(errs.Conflict, "this file was uploaded %s in upload %d; %s", modeOf(stored.Approve), stored.ID, modeFix(stored.Approve))
		}
		return submission{job: stored}, true, nil
	}
	sub.job, sub.file = stored, b
	return sub, false, nil
}

// readUpload reads file to its end, but not more than max+1 bytes, into
// one allocation when the reader knows its length (a bytes.Reader, a
// strings.Reader, an io.SectionReader). A length a client states (a
// request's Content-Length) is not taken: it would let a client make
// the server allocate the largest file for a small one.
func readUpload(file io.Reader, max int64) ([]byte, error) {
	var hint int64
	switch f := file.(type) {
	case interface{ Len() int }:
		hint = int64(f.Len())
	case interface{ Size() int64 }:
		hint = f.Size()
	}
	var buf bytes.Buffer
	if hint > 0 {
		buf.Grow(int(min(hint, max+1)) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.LimitReader(file, max+1))
	return buf.Bytes(), err
}

func modeOf(approve bool) string {
	if approve {
		return "to approve"
	}
	return "as drafts"
}

func modeFix(approve bool) string {
	if approve {
		return "its invoices are approved already"
	}
	return "approve its drafts instead of uploading the file again"
}

func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			return false
		}
	}
	return true
}

// fileScan is what a quick pass over a received file finds: the number of
// TaxInvoice elements in the first ListOfTaxInvoice (as Reader numbers
// them), the TIN with its position, and whether the file may break the
// TaxInvoiceBulk structure (then the job reads it once for its file-level
// problems before storing anything).
type fileScan struct {
	invoices int
	tin      string
	tinPos   Pos
	suspect  bool
}

// scanFile counts the invoices of b without parsing it as XML: it walks
// the tags byte by byte, in about a sixth of the time encoding/xml takes
// to tokenize the file (BenchmarkScanFile, BenchmarkTokenScan), so that
// the job's read is the only parse of the file. It marks the file suspect on anything the Reader could refuse as
// a file-level problem and a tag walk can see: a root other than
// TaxInvoiceBulk, elements other than TIN and one ListOfTaxInvoice under
// it, elements other than TaxInvoice in the list, text outside them,
// start and end tags that do not match, a file that ends inside an
// element, a document type, an XML declaration other than version 1.0 in
// UTF-8, an unknown entity, invalid UTF-8 or a control character. It does
// not check attributes' syntax or names' characters: a file broken only
// there is caught by the job's read, which then fails the job at that
// chunk (the chunks before it stay stored).
func scanFile(b []byte) fileScan {
	var out fileScan
	if !utf8.Valid(b) || hasControl(b) {
		out.suspect = true
	}
	var stack [][]byte // open elements' local names
	list, listDone, inTIN, seenTIN, rooted := false, false, false, false, false
	var tin []byte
	text := func(t []byte) {
		switch {
		case inTIN && len(stack) == 2:
			tin = append(tin, t...)
		case len(stack) <= 2 && len(bytes.TrimSpace(t)) > 0:
			out.suspect = true
		}
		if !entitiesKnown(t) {
			out.suspect = true
		}
	}
	i := 0
	for {
		lt := bytes.IndexByte(b[i:], '<')
		if lt < 0 {
			text(b[i:])
			out.suspect = out.suspect || len(stack) > 0 || !seenTIN || !listDone
			return out
		}
		text(b[i : i+lt])
		off := i + lt
		rest := b[off:]
		switch {
		case bytes.HasPrefix(rest, []byte("<?")):
			end := bytes.Index(rest, []byte("?>"))
			if end < 0 {
				out.suspect = true
				return out
			}
			if !xmlDeclOK(rest[:end], off) {
				out.suspect = true
			}
			i = off + end + 2
			continue
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 {
				out.suspect = true
				return out
			}
			i = off + 4 + end + 3
			continue
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			end := bytes.Index(rest, []byte("]]>"))
			if end < 0 {
				out.suspect = true
				return out
			}
			data := rest[9:end]
			if inTIN && len(stack) == 2 {
				tin = append(tin, data...)
			} else if len(stack) <= 2 && len(bytes.TrimSpace(data)) > 0 {
				out.suspect = true
			}
			i = off + end + 3
			continue
		case bytes.HasPrefix(rest, []byte("<!")):
			// A document type (or anything else): the Reader decides.
			out.suspect = true
			return out
		}
		gt := tagEnd(rest)
		if gt < 0 {
			out.suspect = true
			return out
		}
		tag := rest[1:gt]
		i = off + gt + 1
		if len(tag) > 0 && tag[0] == '/' {
			name := bytes.TrimRight(tag[1:], " \t\r\n")
			if len(stack) == 0 || !bytes.Equal(name, stack[len(stack)-1]) {
				out.suspect = true
				return out
			}
			depth := len(stack)
			if depth == 2 && inTIN {
				inTIN = false
				out.tin = strings.TrimSpace(string(tin))
			}
			if depth == 2 && list {
				list, listDone = false, true
			}
			stack = stack[:len(stack)-1]
			continue
		}
		empty := len(tag) > 0 && tag[len(tag)-1] == '/'
		if empty {
			tag = tag[:len(tag)-1]
		}
		n := bytes.IndexAny(tag, " \t\r\n")
		if n < 0 {
			n = len(tag)
		}
		name := tag[:n]
		if len(name) == 0 || len(stack) == 0 && rooted {
			// No name, or a second root element.
			out.suspect = true
			return out
		}
		local := name
		if c := bytes.IndexByte(name, ':'); c >= 0 {
			local = name[c+1:]
		}
		depth := len(stack) + 1
		rooted = true
		switch {
		case depth == 1 && string(local) != "TaxInvoiceBulk":
			out.suspect = true
			return out
		case depth == 2 && string(local) == "TIN" && !seenTIN && !listDone:
			inTIN, seenTIN = true, true
			line := 1 + bytes.Count(b[:off], []byte("\n"))
			out.tinPos = Pos{Line: line, Column: off - bytes.LastIndexByte(b[:off], '\n')}
		case depth == 2 && string(local) == "ListOfTaxInvoice" && !listDone && !list:
			list = true
		case depth == 2:
			out.suspect = true
		case depth == 3 && list && string(local) == "TaxInvoice":
			out.invoices++
		case depth == 3 && list:
			out.suspect = true
		}
		if empty {
			// <X/> opens and closes at once.
			if depth == 2 && inTIN {
				inTIN = false
				out.tin = ""
			}
			if depth == 2 && list {
				list, listDone = false, true
			}
			continue
		}
		stack = append(stack, name)
	}
}

// tagEnd returns the index in rest (which starts with '<') of the '>'
// that ends the tag, skipping quoted attribute values; -1 when the file
// ends first.
func tagEnd(rest []byte) int {
	var quote byte
	for j := 1; j < len(rest); j++ {
		c := rest[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j
		case c == '<':
			return -1
		}
	}
	return -1
}

// hasControl reports whether b holds a byte XML 1.0 does not allow: a C0
// control other than tab, line feed and carriage return.
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return true
		}
	}
	return false
}

// entitiesKnown reports whether every '&' of the text t starts one of the
// five predefined entities or a character reference.
func entitiesKnown(t []byte) bool {
	for {
		a := bytes.IndexByte(t, '&')
		if a < 0 {
			return true
		}
		t = t[a+1:]
		semi := bytes.IndexByte(t, ';')
		if semi < 0 {
			return false
		}
		switch ref := string(t[:semi]); {
		case ref == "amp" || ref == "lt" || ref == "gt" || ref == "quot" || ref == "apos":
		case len(ref) > 1 && ref[0] == '#' && charRef(ref[1:]):
		default:
			return false
		}
		t = t[semi+1:]
	}
}

func charRef(s string) bool {
	digits := "0123456789"
	if s[0] == 'x' {
		s, digits = s[1:], "0123456789abcdefABCDEF"
	}
	if s == "" || len(s) > 8 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune(digits, c) {
			return false
		}
	}
	return true
}

// xmlDeclOK reports whether the processing instruction pi (from "<?" up
// to "?>", at offset off) is harmless: an XML declaration at the start of
// the file of version 1.0 and no encoding or UTF-8, or another
// instruction's.
func xmlDeclOK(pi []byte, off int) bool {
	target := pi[2:]
	if n := bytes.IndexAny(target, " \t\r\n"); n >= 0 {
		target = target[:n]
	}
	if !strings.EqualFold(string(target), "xml") {
		return true
	}
	if off != 0 || string(target) != "xml" {
		return false
	}
	attrs := strings.Fields(strings.NewReplacer("'", "\"", " = ", "=", " =", "=", "= ", "=").Replace(string(pi[5:])))
	for _, a := range attrs {
		k, v, ok := strings.Cut(a, "=")
		v = strings.Trim(v, "\"")
		switch {
		case !ok:
			return false
		case k == "version" && v != "1.0",
			k == "encoding" && !strings.EqualFold(v, "UTF-8"),
			k != "version" && k != "encoding" && k != "standalone":
			return false
		}
	}
	return true
}

// process runs a stored job to its end and returns it ended. ctx ending
// (the server stopping) stops the job at the next chunk boundary; each
// chunk is stored whole or not at all.
func (u *Uploads) process(ctx context.Context, sub submission) Upload {
	work := context.WithoutCancel(ctx)
	job, err := u.run(ctx, work, sub)
	if err == nil {
		return job
	}
	// An error of the machinery (the database, a signature that could
	// not be made): end the job failed; what was committed stands.
	reason := "not processed: the upload stopped on an internal error; upload the file again (invoices already stored are skipped)"
	if !errs.Is(errs.Internal, err) {
		reason = "not processed: " + errs.Message(err) + "; upload the file again (invoices already stored are skipped)"
	}
	cur, gerr := u.store.Upload(work, sub.job.ID)
	if gerr != nil {
		cur = sub.job
	}
	cur.State, cur.Reason, cur.Retry = UploadFailed, reason, true
	cur.NotProcessed = max(cur.Total-cur.Read(), 0)
	ev := u.svc.entry(work, cur.SellerID, "efaktur.upload.failed", fmt.Sprintf("bulk upload %d failed: %v", cur.ID, err))
	ended, ferr := u.store.FinishUpload(work, cur, u.svc.now(), nil, ev)
	if ferr != nil {
		// The job stays running; the next start ends it.
		cur.State = UploadRunning
		return cur
	}
	return ended
}

// pending is the chunk being gathered.
type pending struct {
	UploadChunk
	read int // invoices read into this chunk
}

func (u *Uploads) run(ctx, work context.Context, sub submission) (Upload, error) {
	rd := sub.early
	defer func() {
		if rd != nil {
			rd.stop()
		}
	}()
	job, err := u.store.StartUpload(work, sub.job.ID, u.svc.now())
	if err != nil {
		return job, err
	}
	if job.CancelRequested || ctx.Err() != nil {
		return u.stop(work, job, ctx.Err() != nil)
	}
	if sub.suspect {
		// A file that may break the structure is read once for its
		// file-level problems: a file Coretax would refuse stores
		// nothing.
		ps, err := u.fileProblems(work, sub, job.ID)
		if err != nil {
			return job, err
		}
		if len(ps) > 0 {
			return u.fail(work, job, ps, "the file breaks the TaxInvoiceBulk structure; nothing was stored")
		}
	}
	done, err := u.store.StoredIndexes(work, job.SellerID, job.SHA256)
	if err != nil {
		return job, err
	}
	var sign SignFunc
	var signerName string
	if job.Approve {
		sign = signFunc(sub.signer)
		if signerName, err = u.svc.signerName(work, sub.signer); err != nil {
			return job, err
		}
	}
	// Two stages on two goroutines: read reads, checks and totals the
	// invoices into chunks while this goroutine numbers, signs and
	// stores the chunk before, so that the parse of the file and the
	// database's work overlap. The job holds at most two chunks: the one
	// being stored and the one being read. A job submitted with its
	// bytes at hand has had its reading stage running since the file
	// was checked (submit); the invoices earlier jobs stored are taken
	// out of each chunk here, where the job is known.
	if rd == nil {
		r, file := u.reader(work, sub, job.ID)
		rd = u.startReading(work, sub, r, file)
	}
	chunks := rd.out
	flush := func(c *pending) error {
		if c.read == 0 {
			return nil
		}
		c.UploadID, c.Approve = job.ID, job.Approve
		skipStored(c, done)
		now := u.svc.now().UTC()
		for _, f := range c.Fakturs {
			f.UploadID = job.ID
			f.CreatedAt, f.UpdatedAt, f.Credit = now, now, Uncredited
			if job.Approve {
				f.Status, f.ApprovedAt, f.ApprovedBy = Approved, now, signerName
			} else {
				f.Status, f.Version = Draft, 1
			}
		}
		var ev audit.Entry
		if len(c.Fakturs) > 0 {
			if job.Approve {
				ev = u.svc.entry(work, job.SellerID, "efaktur.approve", fmt.Sprintf("%d faktur(s) of bulk upload %d approved and signed with certificate %d",
					len(c.Fakturs), job.ID, sub.signer.CertificateSerial()))
			} else {
				ev = u.svc.entry(work, job.SellerID, "efaktur.draft", fmt.Sprintf("%d faktur draft(s) stored from bulk upload %d", len(c.Fakturs), job.ID))
			}
		}
		j, err := u.store.SaveUploadChunk(work, c.UploadChunk, sign, ev)
		if err != nil {
			return err
		}
		job = j
		return nil
	}
	for {
		m, ok := <-chunks
		if !ok {
			return job, fmt.Errorf("upload %d: the reading stage stopped without a last chunk", job.ID)
		}
		switch {
		case m.err != nil:
			return job, m.err
		case m.fileProblems != nil:
			// A file-level problem the quick scan did not foresee: the
			// chunk being read is not stored.
			return u.fail(work, job, m.fileProblems, "the file breaks the TaxInvoiceBulk structure; the invoices before the problem's chunk were stored")
		}
		if err := flush(m.chunk); err != nil {
			return job, err
		}
		if m.last {
			break
		}
		if job.CancelRequested || ctx.Err() != nil {
			return u.stop(work, job, ctx.Err() != nil)
		}
	}
	job.State = UploadDone
	ev := u.svc.entry(work, job.SellerID, "efaktur.upload.done", fmt.Sprintf("bulk upload %d done: %d stored, %d rejected, %d skipped", job.ID, job.Stored, job.Rejected, job.Skipped))
	return u.store.FinishUpload(work, job, u.svc.now(), nil, ev)
}

// readOut is what the reading stage of a job hands the storing one: a
// chunk to store (the last one with last set), or the file-level
// problems or the error that end the job.
type readOut struct {
	chunk        *pending
	last         bool
	fileProblems []Problem
	err          error
}

// reading is a job's reading stage running on its own goroutine.
type reading struct {
	out            chan readOut
	quit, finished chan struct{}
}

// startReading starts the reading stage of sub with r, and closes file,
// which r reads, when it ends.
func (u *Uploads) startReading(ctx context.Context, sub submission, r *Reader, file io.Closer) *reading {
	rd := &reading{out: make(chan readOut), quit: make(chan struct{}), finished: make(chan struct{})}
	go func() {
		defer close(rd.finished)
		defer file.Close()
		u.read(ctx, sub, r, rd.out, rd.quit)
	}()
	return rd
}

// stop stops the reading stage and waits for it to end.
func (rd *reading) stop() {
	close(rd.quit)
	<-rd.finished
}

// read is the reading stage of a job: it streams file through the
// Reader, checks every invoice, and sends a chunk each ChunkSize
// invoices, then the last one; or the file-level problems or the error
// that stop it. It returns after its last message, or as soon as quit
// is closed. It needs no job: the storing stage sets the chunk's job and
// takes out the invoices earlier jobs stored (skipStored).
func (u *Uploads) read(ctx context.Context, sub submission, r *Reader, out chan<- readOut, quit <-chan struct{}) {
	defer close(out)
	send := func(m readOut) bool {
		select {
		case out <- m:
			return true
		case <-quit:
			return false
		}
	}
	buyers := map[string]buyerInfo{}
	fresh := func() *pending { return &pending{} }
	c := fresh()
	for {
		inv, ps, err := r.Next()
		if err == io.EOF {
			break
		}
		var se *SyntaxError
		if errors.As(err, &se) {
			send(readOut{fileProblems: append(r.FileProblems(), syntaxProblem(se))})
			return
		}
		if err != nil {
			send(readOut{err: err})
			return
		}
		idx := r.Count()
		c.read++
		f, ips, err := u.invoice(ctx, sub.sel, inv, ps, idx, buyers)
		if err != nil {
			send(readOut{err: err})
			return
		}
		if len(ips) > 0 {
			c.Rejected++
			c.Problems = append(c.Problems, ips...)
		} else {
			c.Fakturs = append(c.Fakturs, f)
			c.Indexes = append(c.Indexes, idx)
		}
		if c.read >= u.cfg.ChunkSize {
			if fps := r.FileProblems(); len(fps) > 0 {
				send(readOut{fileProblems: fps})
				return
			}
			if !send(readOut{chunk: c}) {
				return
			}
			c = fresh()
		}
	}
	if fps := r.FileProblems(); len(fps) > 0 {
		send(readOut{fileProblems: fps})
		return
	}
	send(readOut{chunk: c, last: true})
}

// skipStored takes out of c the invoices at the file positions in done
// (stored by earlier jobs of the file, ascending), valid or rejected,
// and counts them skipped.
func skipStored(c *pending, done []int) {
	if len(done) == 0 {
		return
	}
	fs, is := c.Fakturs[:0], c.Indexes[:0]
	for i, idx := range c.Indexes {
		if has(done, idx) {
			c.Skipped++
			continue
		}
		fs, is = append(fs, c.Fakturs[i]), append(is, idx)
	}
	c.Fakturs, c.Indexes = fs, is
	ps, last := c.Problems[:0], 0
	for _, p := range c.Problems {
		if !has(done, p.Invoice) {
			ps = append(ps, p)
			continue
		}
		if p.Invoice != last {
			// An invoice's problems come together.
			last = p.Invoice
			c.Rejected--
			c.Skipped++
		}
	}
	c.Problems = ps
}

func syntaxProblem(se *SyntaxError) Problem {
	return Problem{XMLLine: se.Pos.Line, XMLColumn: se.Pos.Column, Path: pathRoot, Rule: RuleSyntax,
		Message: "not well-formed XML: " + se.Msg, Fix: "correct the XML at this position"}
}

// reader returns a Reader of the file of job id and what to close after
// it: reading in place while the submission still holds the file's bytes
// (the same bytes the store committed), else streaming it back from the
// store.
func (u *Uploads) reader(ctx context.Context, sub submission, id int64) (*Reader, io.Closer) {
	if sub.file != nil {
		return NewBytesReader(sub.file, sub.opts), io.NopCloser(nil)
	}
	file := u.store.UploadFile(ctx, id)
	return NewReader(file, sub.opts), file
}

// fileProblems reads the file of job id once, keeping nothing but its
// file-level problems.
func (u *Uploads) fileProblems(ctx context.Context, sub submission, id int64) ([]Problem, error) {
	r, file := u.reader(ctx, sub, id)
	defer file.Close()
	for {
		_, _, err := r.Next()
		if err == io.EOF {
			return r.FileProblems(), nil
		}
		var se *SyntaxError
		if errors.As(err, &se) {
			return append(r.FileProblems(), syntaxProblem(se)), nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// has reports whether idx is in the ascending list s.
func has(s []int, idx int) bool {
	lo, hi := 0, len(s)
	for lo < hi {
		m := (lo + hi) / 2
		if s[m] < idx {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(s) && s[lo] == idx
}

// invoice checks one invoice read from the file: the problems the Reader
// found, then the register (seller PKP, places, buyer). It returns the
// faktur to store, or the invoice's problems, each naming the invoice.
func (u *Uploads) invoice(ctx context.Context, sel Seller, inv *Invoice, ps []Problem, idx int, buyers map[string]buyerInfo) (*Faktur, []Problem, error) {
	// The Reader has validated the invoice already; only the register's
	// problems are new.
	checked, buyerID, err := u.svc.checkRegister(ctx, inv, sel, nil, buyers)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range checked {
		p.Invoice = idx
		p.Path = pathList + "/" + strings.Replace(p.Path, "TaxInvoice", fmt.Sprintf("TaxInvoice[%d]", idx), 1)
		ps = append(ps, p)
	}
	if len(ps) > 0 {
		return nil, ps, nil
	}
	t, err := Sum(inv)
	if err != nil {
		p := inv.start
		return nil, []Problem{{Invoice: idx, XMLLine: p.Line, XMLColumn: p.Column, Path: fmt.Sprintf("%s/TaxInvoice[%d]", pathList, idx),
			Field: "TaxInvoice", Rule: RuleArithmetic, Message: "the invoice's totals are out of range: " + err.Error(),
			Fix: "split the invoice into smaller ones"}}, nil
	}
	return &Faktur{SellerID: sel.Profile.Taxpayer.ID, SellerNPWP: sel.NPWP, BuyerID: buyerID, Invoice: *inv, Totals: t, Source: "upload"}, nil, nil
}

// fail ends job failed with file-level problems; what was stored before
// stands.
func (u *Uploads) fail(ctx context.Context, job Upload, ps []Problem, reason string) (Upload, error) {
	job.State, job.Reason = UploadFailed, reason
	job.NotProcessed = max(job.Total-job.Read(), 0)
	ev := u.svc.entry(ctx, job.SellerID, "efaktur.upload.failed", fmt.Sprintf("bulk upload %d failed: %s; %d stored, %d rejected, %d not processed", job.ID, reason, job.Stored, job.Rejected, job.NotProcessed))
	return u.store.FinishUpload(ctx, job, u.svc.now(), ps, ev)
}

// stop ends a job early: cancelled at the owner's request, or failed
// because the server is stopping. The invoices after the last one read
// are not processed; uploading the file again skips those stored.
func (u *Uploads) stop(ctx context.Context, job Upload, stopping bool) (Upload, error) {
	job.NotProcessed = max(job.Total-job.Read(), 0)
	job.Retry = true
	action := "efaktur.upload.cancelled"
	if stopping {
		job.State, job.Reason, action = UploadFailed, stoppingReason, "efaktur.upload.failed"
	} else {
		job.State, job.Reason = UploadCancelled, "cancelled at the owner's request; upload the file again to process the rest (invoices already stored are skipped)"
	}
	ev := u.svc.entry(ctx, job.SellerID, action, fmt.Sprintf("bulk upload %d stopped: %d stored, %d rejected, %d not processed", job.ID, job.Stored, job.Rejected, job.NotProcessed))
	return u.store.FinishUpload(ctx, job, u.svc.now(), nil, ev)
}

// own returns upload id of the seller npwp after checking act.
func (u *Uploads) own(ctx context.Context, npwp string, id int64, act actor.Action) (Upload, error) {
	t, err := u.svc.taxpayer(ctx, "npwp", npwp)
	if err != nil {
		return Upload{}, err
	}
	if err := u.svc.policy.Allow(ctx, act, t.ID); err != nil {
		return Upload{}, err
	}
	j, err := u.store.Upload(ctx, id)
	if errs.Is(errs.NotFound, err) || err == nil && j.SellerID != t.ID {
		return Upload{}, errs.Errorf(errs.NotFound, "taxpayer %s has no upload %d", t.NPWP, id)
	}
	return j, err
}

// Job returns upload id of the seller npwp with its progress.
func (u *Uploads) Job(ctx context.Context, npwp string, id int64) (Upload, error) {
	return u.own(ctx, npwp, id, ActRead)
}

// List returns a page of the uploads of the seller npwp, newest first;
// pass the last ID as after for the next page.
func (u *Uploads) List(ctx context.Context, npwp string, after int64, limit int) ([]Upload, error) {
	t, err := u.svc.taxpayer(ctx, "npwp", npwp)
	if err != nil {
		return nil, err
	}
	if err := u.svc.policy.Allow(ctx, ActRead, t.ID); err != nil {
		return nil, err
	}
	limit, err = pageSize(limit)
	if err != nil {
		return nil, err
	}
	return u.store.Uploads(ctx, t.ID, after, limit)
}

// Problems returns a page of the error report of upload id, in file
// order; pass the last Seq as after for the next page.
func (u *Uploads) Problems(ctx context.Context, npwp string, id, after int64, limit int) ([]UploadProblem, error) {
	if _, err := u.own(ctx, npwp, id, ActRead); err != nil {
		return nil, err
	}
	limit, err := pageSize(limit)
	if err != nil {
		return nil, err
	}
	return u.store.UploadProblems(ctx, id, after, limit)
}

func pageSize(limit int) (int, error) {
	switch {
	case limit == 0:
		return DefaultLimit, nil
	case limit < 0 || limit > MaxLimit:
		return 0, errs.InvalidFields("the page size is out of range", errs.Field("limit", fmt.Sprint(limit), "give 1 to %d", MaxLimit))
	}
	return limit, nil
}

// Cancel asks upload id of the seller npwp to stop. It stops at the next
// chunk boundary: the invoices stored by then stay stored, the rest are
// not processed. Cancelling needs the right to upload.
func (u *Uploads) Cancel(ctx context.Context, npwp string, id int64) (Upload, error) {
	j, err := u.own(ctx, npwp, id, ActDraft)
	if err != nil {
		return Upload{}, err
	}
	if j.State.Ended() {
		return Upload{}, errs.Errorf(errs.Conflict, "upload %d has already ended (%s)", id, j.State)
	}
	ev := u.svc.entry(ctx, j.SellerID, "efaktur.upload.cancel", fmt.Sprintf("cancellation of bulk upload %d requested", id))
	return u.store.RequestUploadCancel(ctx, id, ev)
}
