package storage_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

func TestUploadStore(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		rs := registry.NewService(db.Registry(), time.Now)
		reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
		w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg})
		if err != nil {
			t.Fatal(err)
		}
		st := db.EFaktur()
		at := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
		ev := audit.Entry{At: at, Actor: "test", TaxpayerID: w.Company.ID, Action: "efaktur.upload", Detail: "upload"}
		// A file of three parts and a bit.
		file := bytes.Repeat([]byte("0123456789abcdef"), (3<<20)/16+7)
		sum := sha256.Sum256(file)
		job := efaktur.Upload{SellerID: w.Company.ID, SellerNPWP: string(w.Company.NPWP), FileName: "big.xml", SHA256: hex.EncodeToString(sum[:]),
			Size: int64(len(file)), Key: "k", State: efaktur.UploadQueued, Total: 10, CreatedBy: "test", CreatedAt: at}
		u, created, err := st.CreateUpload(ctx, job, file, ev)
		if err != nil || !created || u.ID == 0 || u.State != efaktur.UploadQueued || u.Retry {
			t.Fatalf("create: %v %v %+v", err, created, u)
		}
		rc := st.UploadFile(ctx, u.ID)
		got, err := io.ReadAll(rc)
		if err != nil || !bytes.Equal(got, file) {
			t.Fatalf("file read back: %v, %d bytes of %d", err, len(got), len(file))
		}
		rc.Close()
		// The same file or key returns the job; the key with another
		// file is a conflict.
		if again, created, err := st.CreateUpload(ctx, job, file, ev); err != nil || created || again.ID != u.ID {
			t.Errorf("same file: %v %v %d", err, created, again.ID)
		}
		other := job
		other.SHA256 = "00"
		if _, _, err := st.CreateUpload(ctx, other, []byte("x"), ev); !errs.Is(errs.Conflict, err) {
			t.Errorf("key for another file: %v", err)
		}
		if _, err := st.StartUpload(ctx, u.ID, at); err != nil {
			t.Fatal(err)
		}
		if _, err := st.StartUpload(ctx, u.ID, at); !errs.Is(errs.Conflict, err) {
			t.Errorf("start twice: %v", err)
		}
		c := efaktur.UploadChunk{UploadID: u.ID, Rejected: 2, Skipped: 1,
			Problems: []efaktur.Problem{{Invoice: 1, XMLLine: 5, XMLColumn: 7, Path: "p", Field: "VAT", Value: "1", Rule: efaktur.RuleArithmetic, Message: "m", Fix: "f"},
				{Invoice: 2, Line: 1, XMLLine: 40, XMLColumn: 9, Path: "q", Rule: efaktur.RuleMissing, Message: "m2", Fix: "f2", Expected: "e"}}}
		if u, err = st.SaveUploadChunk(ctx, c, nil, ev); err != nil || u.Rejected != 2 || u.Skipped != 1 || u.Read() != 3 {
			t.Fatalf("chunk: %v %+v", err, u)
		}
		ps, err := st.UploadProblems(ctx, u.ID, 0, 1)
		if err != nil || len(ps) != 1 || ps[0].Invoice != 1 || ps[0].XMLColumn != 7 {
			t.Fatalf("problems page 1: %v %+v", err, ps)
		}
		ps, err = st.UploadProblems(ctx, u.ID, ps[0].Seq, 10)
		if err != nil || len(ps) != 1 || ps[0].Expected != "e" || ps[0].Line != 1 {
			t.Fatalf("problems page 2: %v %+v", err, ps)
		}
		// A server that dies leaves it running; the next start ends it
		// and frees its file for a new job.
		if n, err := st.EndInterruptedUploads(ctx, at, "stopped"); err != nil || n != 1 {
			t.Fatalf("end interrupted: %d %v", n, err)
		}
		u, err = st.Upload(ctx, u.ID)
		if err != nil || u.State != efaktur.UploadFailed || u.NotProcessed != 7 || !u.Retry || u.Reason != "stopped" || u.FinishedAt.IsZero() {
			t.Fatalf("ended: %v %+v", err, u)
		}
		job.Key = ""
		next, created, err := st.CreateUpload(ctx, job, file, ev)
		if err != nil || !created || next.ID == u.ID {
			t.Errorf("same file after an interrupted job: %v %v %d", err, created, next.ID)
		}
		if l, err := st.Uploads(ctx, w.Company.ID, 0, 1); err != nil || len(l) != 1 || l[0].ID != next.ID {
			t.Errorf("list page 1: %v %+v", err, l)
		}
		if l, err := st.Uploads(ctx, w.Company.ID, next.ID, 10); err != nil || len(l) != 1 || l[0].ID != u.ID {
			t.Errorf("list page 2: %v %+v", err, l)
		}
		if _, err := st.RequestUploadCancel(ctx, u.ID, ev); !errs.Is(errs.Conflict, err) {
			t.Errorf("cancel an ended job: %v", err)
		}
		if c, err := st.RequestUploadCancel(ctx, next.ID, ev); err != nil || !c.CancelRequested {
			t.Errorf("cancel: %v %+v", err, c)
		}
	})
}
