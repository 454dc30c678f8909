package efaktur_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// invoice is a valid invoice of the company to the villa owner, dated in
// the approval window.
func (f *fixture) invoice(t testing.TB, i int) *efaktur.Invoice {
	t.Helper()
	d := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	l, err := efaktur.ComputeLine(d, efaktur.TrxOtherValue, efaktur.LineInput{Kind: efaktur.Services, Code: "000000", Name: "Villa management",
		Unit: "UM.0030", Price: 100000_00, Qty: 100})
	if err != nil {
		t.Fatal(err)
	}
	co, owner := string(f.w.Company.NPWP), string(f.w.VillaOwner.NPWP)
	return &efaktur.Invoice{Date: d, Option: "Normal", TrxCode: efaktur.TrxOtherValue, RefDesc: fmt.Sprintf("INV-%05d", i), SellerIDTKU: co + "000000",
		Buyer: efaktur.Buyer{TIN: owner, Document: efaktur.BuyerTIN, Country: "IDN", DocumentNumber: "-", Name: f.w.VillaOwner.Name,
			Address: "Jl. Sawah Hijau 1, Ubud", IDTKU: owner + "000000"},
		Lines: []efaktur.Line{l}}
}

// file writes n invoices, letting edit spoil some of them.
func (f *fixture) file(t testing.TB, n int, edit func(i int, inv *efaktur.Invoice)) []byte {
	t.Helper()
	var b bytes.Buffer
	w := efaktur.NewWriter(&b, string(f.w.Company.NPWP))
	for i := 1; i <= n; i++ {
		inv := f.invoice(t, i)
		if edit != nil {
			edit(i, inv)
		}
		if err := w.Write(inv); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// watchStore records the largest chunk and can fail or cancel after a
// number of chunks.
type watchStore struct {
	*storage.EFakturStore
	chunks, maxChunk int
	cancelAfter      int // request cancellation after this many chunks
	breakAfter       int // fail every write after this many chunks (a crash)
}

var errGone = errors.New("the database went away")

func (s *watchStore) SaveUploadChunk(ctx context.Context, c efaktur.UploadChunk, sign efaktur.SignFunc, ev audit.Entry) (efaktur.Upload, error) {
	if s.breakAfter > 0 && s.chunks >= s.breakAfter {
		return efaktur.Upload{}, errGone
	}
	s.chunks++
	s.maxChunk = max(s.maxChunk, len(c.Fakturs)+c.Rejected+c.Skipped)
	u, err := s.EFakturStore.SaveUploadChunk(ctx, c, sign, ev)
	if err == nil && s.cancelAfter > 0 && s.chunks == s.cancelAfter {
		return s.EFakturStore.RequestUploadCancel(ctx, u.ID, ev)
	}
	return u, err
}

func (s *watchStore) FinishUpload(ctx context.Context, u efaktur.Upload, at time.Time, ps []efaktur.Problem, ev audit.Entry) (efaktur.Upload, error) {
	if s.breakAfter > 0 && s.chunks >= s.breakAfter {
		return efaktur.Upload{}, errGone
	}
	return s.EFakturStore.FinishUpload(ctx, u, at, ps, ev)
}

func (f *fixture) uploads(store efaktur.UploadStore, chunk int) *efaktur.Uploads {
	cfg := efaktur.DefaultUploadConfig()
	cfg.ChunkSize = chunk
	return efaktur.NewUploads(f.svc, store, cfg)
}

func allProblems(t *testing.T, u *efaktur.Uploads, ctx context.Context, npwp string, id int64) []efaktur.UploadProblem {
	t.Helper()
	var out []efaktur.UploadProblem
	var after int64
	for {
		page, err := u.Problems(ctx, npwp, id, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if len(page) < 2 {
			return out
		}
		after = page[len(page)-1].Seq
	}
}

func TestUploadMixedFile(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		co := string(f.w.Company.NPWP)
		data := f.file(t, 7, func(i int, inv *efaktur.Invoice) {
			switch i {
			case 2: // a buyer nobody registered: the register's check
				inv.Buyer.TIN, inv.Buyer.IDTKU = "0990000000000009", "0990000000000009000000"
			case 4: // VAT that does not add up, on its line
				inv.Lines[0].VAT += 5_00
			case 6: // dated before the approval window
				inv.Date = time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
			}
		})
		store := &watchStore{EFakturStore: db.EFaktur()}
		up := f.uploads(store, 3)
		job, err := up.UploadSync(f.seller, co, bytes.NewReader(data), efaktur.UploadOptions{FileName: "november.xml", Passphrase: pass})
		if err != nil {
			t.Fatalf("upload: %v\n%s", err, fields(err))
		}
		if job.State != efaktur.UploadDone || job.Total != 7 || job.Stored != 4 || job.Rejected != 3 || job.NotProcessed != 0 || job.Retry {
			t.Fatalf("job = %+v", job)
		}
		if store.maxChunk > 3 {
			t.Errorf("a chunk held %d invoices; at most 3", store.maxChunk)
		}
		// Each problem names its invoice and lies inside it in the file.
		starts := invoiceLines(data)
		got := map[int][]string{}
		for _, p := range allProblems(t, up, f.seller, co, job.ID) {
			got[p.Invoice] = append(got[p.Invoice], string(p.Rule))
			if p.Invoice < 1 || p.Invoice > 7 {
				t.Fatalf("problem outside the invoices: %+v", p)
			}
			if p.XMLLine < starts[p.Invoice-1] || p.Invoice < 7 && p.XMLLine >= starts[p.Invoice] {
				t.Errorf("invoice %d problem at XML line %d, outside its lines %d..%d: %+v", p.Invoice, p.XMLLine, starts[p.Invoice-1], starts[p.Invoice], p)
			}
			if !strings.HasPrefix(p.Path, fmt.Sprintf("TaxInvoiceBulk/ListOfTaxInvoice/TaxInvoice[%d]/", p.Invoice)) || p.Message == "" || p.Fix == "" {
				t.Errorf("problem %+v", p)
			}
		}
		if len(got) != 3 || got[2][0] != "registry" || got[4][0] != "arithmetic" || got[6][0] != "date-window" {
			t.Errorf("problems by invoice = %v", got)
		}
		fs, err := f.svc.List(f.seller, co, efaktur.Filter{UploadID: job.ID})
		if err != nil || len(fs) != 4 {
			t.Fatalf("fakturs of the upload: %v %d", err, len(fs))
		}
		for _, fk := range fs {
			if fk.Status != efaktur.Approved || fk.Source != "upload" || fk.Number == "" || fk.PublicID == "" {
				t.Errorf("faktur %+v", fk)
			}
		}
		if fs[0].Number != "04002600000000004" {
			t.Errorf("last number %s", fs[0].Number)
		}
	})
}

// invoiceLines returns the XML line of each <TaxInvoice> start tag.
func invoiceLines(data []byte) []int {
	var out []int
	for i, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) == "<TaxInvoice>" {
			out = append(out, i+1)
		}
	}
	return out
}

func TestUploadIdempotentAndRefusals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		co := string(f.w.Company.NPWP)
		up := f.uploads(db.EFaktur(), 500)
		data := f.file(t, 2, nil)

		// A wrong passphrase refuses the file: no job.
		if _, err := up.UploadSync(f.seller, co, bytes.NewReader(data), efaktur.UploadOptions{Passphrase: "wrong"}); !errs.Is(errs.Invalid, err) {
			t.Fatalf("wrong passphrase: %v", err)
		}
		if l, err := up.List(f.seller, co, 0, 0); err != nil || len(l) != 0 {
			t.Fatalf("jobs after a wrong passphrase: %v %d", err, len(l))
		}
		// Strangers and people without the drafter role are refused.
		if _, err := up.UploadSync(as(f.w.Designer, nil), co, bytes.NewReader(data), efaktur.UploadOptions{}); !errs.Is(errs.Forbidden, err) {
			t.Errorf("stranger: %v", err)
		}
		if _, err := up.UploadSync(as(f.w.Employee, &f.w.Company), co, bytes.NewReader(data), efaktur.UploadOptions{}); !errs.Is(errs.Forbidden, err) {
			t.Errorf("employee: %v", err)
		}
		// A file of another seller is refused before any job.
		other := bytes.Replace(data, []byte("<TIN>"+co), []byte("<TIN>0990000000000009"), 1)
		if _, err := up.UploadSync(f.seller, co, bytes.NewReader(other), efaktur.UploadOptions{}); !errs.Is(errs.Invalid, err) || !strings.Contains(fields(err), "<TIN> (XML 3:3) is 0990000000000009") {
			t.Errorf("other seller: %v\n%s", err, fields(err))
		}

		first, err := up.UploadSync(f.seller, co, bytes.NewReader(data), efaktur.UploadOptions{Key: "k-1", FileName: "a.xml"})
		if err != nil || first.State != efaktur.UploadDone || first.Stored != 2 {
			t.Fatalf("first: %v %+v", err, first)
		}
		again, err := up.UploadSync(f.seller, co, bytes.NewReader(data), efaktur.UploadOptions{})
		if err != nil || again.ID != first.ID {
			t.Errorf("same bytes: %v job %d, want %d", err, again.ID, first.ID)
		}
		byKey, created, err := up.Upload(f.seller, co, bytes.NewReader(data), efaktur.UploadOptions{Key: "k-1"})
		if err != nil || created || byKey.ID != first.ID {
			t.Errorf("same key: %v created %v job %d", err, created, byKey.ID)
		}
		if _, err := up.UploadSync(f.seller, co, bytes.NewReader(f.file(t, 3, nil)), efaktur.UploadOptions{Key: "k-1"}); !errs.Is(errs.Conflict, err) {
			t.Errorf("key reused for another file: %v", err)
		}
		if _, err := up.UploadSync(f.seller, co, bytes.NewReader(data), efaktur.UploadOptions{Passphrase: pass}); !errs.Is(errs.Conflict, err) {
			t.Errorf("approving a file uploaded as drafts: %v", err)
		}
		drafts, _ := f.svc.List(f.seller, co, efaktur.Filter{Status: efaktur.Draft})
		if len(drafts) != 2 {
			t.Errorf("%d drafts, want 2", len(drafts))
		}
		// Readers of another taxpayer do not see the job.
		if _, err := up.Job(f.buyer, string(f.w.VillaOwner.NPWP), first.ID); !errs.Is(errs.NotFound, err) {
			t.Errorf("job through another taxpayer: %v", err)
		}
		if _, err := up.Problems(as(f.w.Designer, nil), co, first.ID, 0, 0); !errs.Is(errs.Forbidden, err) {
			t.Errorf("stranger reads problems: %v", err)
		}
		if _, err := up.Cancel(f.seller, co, first.ID); !errs.Is(errs.Conflict, err) {
			t.Errorf("cancel an ended job: %v", err)
		}
	})
}

func TestUploadBrokenFile(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		co := string(f.w.Company.NPWP)
		up := f.uploads(db.EFaktur(), 2)
		data := f.file(t, 5, nil)
		// Cut the file inside the fourth invoice.
		starts := invoiceLines(data)
		lines := strings.Split(string(data), "\n")
		broken := strings.Join(lines[:starts[3]+2], "\n") + "\n<Oops"
		job, err := up.UploadSync(f.seller, co, strings.NewReader(broken), efaktur.UploadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if job.State != efaktur.UploadFailed || job.Stored != 0 || job.NotProcessed != job.Total || job.Retry {
			t.Errorf("job = %+v", job)
		}
		ps := allProblems(t, up, f.seller, co, job.ID)
		if len(ps) != 1 || ps[0].Invoice != 0 || ps[0].Rule != efaktur.RuleSyntax || ps[0].XMLLine < starts[3] {
			t.Errorf("problems = %+v", ps)
		}
		if fs, _ := f.svc.List(f.seller, co, efaktur.Filter{}); len(fs) != 0 {
			t.Errorf("%d fakturs stored from a broken file", len(fs))
		}
	})
}

func TestUploadCancelAndResume(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		co := string(f.w.Company.NPWP)
		data := f.file(t, 7, func(i int, inv *efaktur.Invoice) {
			if i == 1 {
				inv.Lines[0].VAT += 1_00
			}
		})
		store := &watchStore{EFakturStore: db.EFaktur(), cancelAfter: 1}
		up := f.uploads(store, 3)
		job, err := up.UploadSync(f.seller, co, bytes.NewReader(data), efaktur.UploadOptions{Passphrase: pass})
		if err != nil {
			t.Fatal(err)
		}
		if job.State != efaktur.UploadCancelled || job.Stored != 2 || job.Rejected != 1 || job.NotProcessed != 4 || !job.Retry {
			t.Fatalf("cancelled job = %+v", job)
		}
		// The same file again is a new job that skips what is stored.
		again, err := f.uploads(db.EFaktur(), 3).UploadSync(f.seller, co, bytes.NewReader(data), efaktur.UploadOptions{Passphrase: pass})
		if err != nil {
			t.Fatal(err)
		}
		if again.ID == job.ID || again.State != efaktur.UploadDone || again.Skipped != 2 || again.Stored != 4 || again.Rejected != 1 {
			t.Errorf("second job = %+v", again)
		}
		assertNumbers(t, f, co, 6)
	})
}

// assertNumbers checks that n fakturs are approved with the serials 1..n.
func assertNumbers(t *testing.T, f *fixture, co string, n int) {
	t.Helper()
	fs, err := f.svc.List(f.seller, co, efaktur.Filter{Status: efaktur.Approved, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	refs := map[string]bool{}
	for i, fk := range fs {
		if want := fmt.Sprintf("040026%011d", n-i); fk.Number != want {
			t.Errorf("faktur %d numbered %s, want %s", fk.ID, fk.Number, want)
		}
		if refs[fk.Invoice.RefDesc] {
			t.Errorf("invoice %s approved twice", fk.Invoice.RefDesc)
		}
		refs[fk.Invoice.RefDesc] = true
	}
	if len(fs) != n {
		t.Errorf("%d approved, want %d", len(fs), n)
	}
}

func TestUploadInterrupted(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		co := string(f.w.Company.NPWP)
		data := f.file(t, 5, nil)
		// The server dies after the first chunk: nothing more is
		// written, and the job stays running.
		store := &watchStore{EFakturStore: db.EFaktur(), breakAfter: 1}
		job, err := f.uploads(store, 2).UploadSync(f.seller, co, bytes.NewReader(data), efaktur.UploadOptions{Passphrase: pass})
		if err != nil || job.State != efaktur.UploadRunning {
			t.Fatalf("crashed job: %v %+v", err, job)
		}
		// The next start ends it.
		up := f.uploads(db.EFaktur(), 2)
		if n, err := up.EndInterrupted(context.Background()); err != nil || n != 1 {
			t.Fatalf("EndInterrupted = %d, %v", n, err)
		}
		ended, err := up.Job(f.seller, co, job.ID)
		if err != nil || ended.State != efaktur.UploadFailed || ended.Stored != 2 || ended.NotProcessed != 3 || !ended.Retry ||
			!strings.Contains(ended.Reason, "the server stopped") {
			t.Fatalf("ended job = %v %+v", err, ended)
		}
		again, err := up.UploadSync(f.seller, co, bytes.NewReader(data), efaktur.UploadOptions{Passphrase: pass})
		if err != nil || again.ID == job.ID || again.Skipped != 2 || again.Stored != 3 || again.State != efaktur.UploadDone {
			t.Fatalf("upload again: %v %+v", err, again)
		}
		assertNumbers(t, f, co, 5)
	})
}

func TestUploadInBackground(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		co := string(f.w.Company.NPWP)
		up := f.uploads(db.EFaktur(), 2)
		ctx, stop := context.WithCancel(context.Background())
		ran := make(chan struct{})
		go func() { defer close(ran); up.Run(ctx) }()
		defer func() { stop(); <-ran }()
		// Run has to have started before Upload hands it the job.
		var job efaktur.Upload
		for range 100 {
			var err error
			job, _, err = up.Upload(f.seller, co, bytes.NewReader(f.file(t, 3, nil)), efaktur.UploadOptions{Passphrase: pass})
			if err != nil {
				t.Fatal(err)
			}
			if job.State == efaktur.UploadQueued {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		deadline := time.Now().Add(20 * time.Second)
		for !job.State.Ended() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
			var err error
			if job, err = up.Job(f.seller, co, job.ID); err != nil {
				t.Fatal(err)
			}
		}
		if job.State != efaktur.UploadDone || job.Stored != 3 {
			t.Errorf("job = %+v", job)
		}
	})
}

// gateStore holds the first chunk it is asked to store until gate is
// closed, and counts the files read back from the store.
type gateStore struct {
	*storage.EFakturStore
	gate    chan struct{}
	held    chan struct{} // closed once the first chunk waits
	once    sync.Once
	readsMu sync.Mutex
	reads   int
}

func (s *gateStore) SaveUploadChunk(ctx context.Context, c efaktur.UploadChunk, sign efaktur.SignFunc, ev audit.Entry) (efaktur.Upload, error) {
	s.once.Do(func() {
		close(s.held)
		<-s.gate
	})
	return s.EFakturStore.SaveUploadChunk(ctx, c, sign, ev)
}

func (s *gateStore) UploadFile(ctx context.Context, id int64) io.ReadCloser {
	s.readsMu.Lock()
	s.reads++
	s.readsMu.Unlock()
	return s.EFakturStore.UploadFile(ctx, id)
}

// TestUploadQueuedReadsStore runs two jobs on one worker: the first
// reads its file from memory, the second, queued behind it, drops its
// bytes while it waits and reads the file back from the store; both
// store every invoice.
func TestUploadQueuedReadsStore(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		co := string(f.w.Company.NPWP)
		store := &gateStore{EFakturStore: db.EFaktur(), gate: make(chan struct{}), held: make(chan struct{})}
		cfg := efaktur.DefaultUploadConfig()
		cfg.Workers = 1
		up := efaktur.NewUploads(f.svc, store, cfg)
		ctx, stop := context.WithCancel(context.Background())
		ran := make(chan struct{})
		go func() { defer close(ran); up.Run(ctx) }()
		defer func() { stop(); <-ran }()
		var first efaktur.Upload
		for range 100 {
			var err error
			first, _, err = up.Upload(f.seller, co, bytes.NewReader(f.file(t, 3, nil)), efaktur.UploadOptions{Passphrase: pass, FileName: "first.xml"})
			if err != nil {
				t.Fatal(err)
			}
			if first.State == efaktur.UploadQueued {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		<-store.held
		second, _, err := up.Upload(f.seller, co, bytes.NewReader(f.file(t, 4, func(i int, inv *efaktur.Invoice) { inv.RefDesc = fmt.Sprintf("SECOND-%d", i) })),
			efaktur.UploadOptions{Passphrase: pass, FileName: "second.xml"})
		if err != nil {
			t.Fatal(err)
		}
		close(store.gate)
		want := map[int64]int{first.ID: 3, second.ID: 4}
		deadline := time.Now().Add(20 * time.Second)
		for id, n := range want {
			job, err := up.Job(f.seller, co, id)
			for err == nil && !job.State.Ended() && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
				job, err = up.Job(f.seller, co, id)
			}
			if err != nil || job.State != efaktur.UploadDone || job.Stored != n {
				t.Errorf("job %d = %+v, %v; want done with %d stored", id, job, err, n)
			}
		}
		store.readsMu.Lock()
		defer store.readsMu.Unlock()
		if store.reads != 1 {
			t.Errorf("%d files read back from the store, want 1 (the queued job's)", store.reads)
		}
	})
}

// memStore keeps upload jobs in memory and counts the fakturs of each
// chunk without storing them: the engine's own cost and memory, without
// the database's.
type memStore struct {
	efaktur.UploadStore // nil: methods the engine must not call panic
	job                 efaktur.Upload
	file                []byte
	chunks, maxChunk    int
}

func (m *memStore) CreateUpload(_ context.Context, u efaktur.Upload, file []byte, _ audit.Entry) (efaktur.Upload, bool, error) {
	u.ID, m.job, m.file = 1, u, file
	return u, true, nil
}

func (m *memStore) UploadFile(context.Context, int64) io.ReadCloser {
	return io.NopCloser(bytes.NewReader(m.file))
}

func (m *memStore) StartUpload(context.Context, int64, time.Time) (efaktur.Upload, error) {
	m.job.State = efaktur.UploadRunning
	return m.job, nil
}

func (m *memStore) StoredIndexes(context.Context, int64, string) ([]int, error) { return nil, nil }

func (m *memStore) SaveUploadChunk(_ context.Context, c efaktur.UploadChunk, _ efaktur.SignFunc, _ audit.Entry) (efaktur.Upload, error) {
	m.chunks++
	m.maxChunk = max(m.maxChunk, len(c.Fakturs)+c.Rejected)
	m.job.Stored += len(c.Fakturs)
	m.job.Rejected += c.Rejected
	return m.job, nil
}

func (m *memStore) FinishUpload(_ context.Context, u efaktur.Upload, _ time.Time, _ []efaktur.Problem, _ audit.Entry) (efaktur.Upload, error) {
	m.job.State, m.job.NotProcessed = u.State, u.NotProcessed
	return m.job, nil
}

// TestUploadLargeFile streams 15,000 invoices through the engine: the
// file is read once, a chunk at a time.
func TestUploadLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("15,000 invoices: run without -short")
	}
	f := setup(t, storagetest.SQLite(t))
	co := string(f.w.Company.NPWP)
	const n = 15_000
	data := f.file(t, n, func(i int, inv *efaktur.Invoice) {
		if i%1000 == 0 {
			inv.Lines[0].VAT += 1_00
		}
	})
	store := &memStore{}
	cfg := efaktur.DefaultUploadConfig()
	cfg.MaxInvoices = n
	job, err := efaktur.NewUploads(f.svc, store, cfg).UploadSync(f.seller, co, bytes.NewReader(data), efaktur.UploadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if job.State != efaktur.UploadDone || job.Total != n || job.Stored != n-15 || job.Rejected != 15 {
		t.Errorf("job = %+v", job)
	}
	if store.maxChunk > cfg.ChunkSize || store.chunks != n/cfg.ChunkSize {
		t.Errorf("%d chunks, the largest of %d invoices; want %d of at most %d", store.chunks, store.maxChunk, n/cfg.ChunkSize, cfg.ChunkSize)
	}
	_, err = efaktur.NewUploads(f.svc, store, efaktur.DefaultUploadConfig()).UploadSync(f.seller, co, bytes.NewReader(data), efaktur.UploadOptions{})
	if !errs.Is(errs.Invalid, err) || !strings.Contains(fields(err), "holds 15000 TaxInvoice elements; Coretax takes at most 1000") {
		t.Errorf("over the contract: %v %s", err, fields(err))
	}
}

// TestUploadContractSize stores the documented 1,000 invoices of one file.
func TestUploadContractSize(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		co := string(f.w.Company.NPWP)
		job, err := f.uploads(db.EFaktur(), 500).UploadSync(f.seller, co, bytes.NewReader(f.file(t, 1000, nil)), efaktur.UploadOptions{})
		if err != nil || job.State != efaktur.UploadDone || job.Stored != 1000 {
			t.Fatalf("job: %v %+v", err, job)
		}
	})
}
