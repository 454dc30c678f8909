package signing_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/translog"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// logins says the login password of everyone is "Login#Pass1".
type logins struct{}

func (logins) SameAsLogin(_ context.Context, _ int64, p string) (bool, error) {
	return p == "Login#Pass1", nil
}

type fixture struct {
	db  *storage.DB
	svc *signing.Service
	clk *clock
	w   demo.World
}

const pass = "Rahasia#2026"

func setup(t *testing.T, db *storage.DB) fixture {
	t.Helper()
	ctx := context.Background()
	rs := registry.NewService(db.Registry(), time.Now)
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg})
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Now()}
	policy := roles.NewPolicy(db.Roles(), db.Registry(), clk.Now, roles.DefaultRules().Merge(signing.Rules()))
	ca, _, err := pki.NewCA("test", clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	cfg := signing.DefaultConfig([]byte("test code key"))
	cfg.KDF = pki.KDF{Memory: 64, Time: 1, Threads: 1}
	key, _, err := translog.LoadOrCreateKey(filepath.Join(t.TempDir(), "log.key"))
	if err != nil {
		t.Fatal(err)
	}
	tl, err := translog.NewService(db.TransLog(), key, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{db: db, svc: signing.NewService(db.Signing(), ca, tl, policy, logins{}, clk.Now, cfg), clk: clk, w: w}
}

func as(t registration.Taxpayer, actingFor *registration.Taxpayer) context.Context {
	a := actor.Actor{Kind: actor.Taxpayer, ID: string(t.NPWP), TaxpayerID: t.ID, AccountID: t.ID}
	if actingFor != nil {
		a.ActingForID, a.ActingFor = actingFor.ID, string(actingFor.NPWP)
	}
	return actor.With(context.Background(), a)
}

func actions(t *testing.T, db *storage.DB, taxpayerID int64) []string {
	t.Helper()
	es, err := db.Audit().List(context.Background(), audit.Filter{TaxpayerIDs: []int64{taxpayerID}, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if strings.HasPrefix(e.Action, "signing.") {
			out = append(out, e.Action)
		}
	}
	return out
}

func TestIssueNamesOnlyTheHolder(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		dir := as(f.w.Director, nil)

		// Nobody can obtain a certificate naming another person: not
		// for another individual, not while acting for the company.
		if _, err := f.svc.Issue(dir, f.w.Employee.ID, pass); !errs.Is(errs.Forbidden, err) {
			t.Errorf("director issuing for the employee: %v, want Forbidden", err)
		}
		if _, err := f.svc.Issue(as(f.w.Director, &f.w.Company), f.w.Company.ID, pass); err == nil {
			t.Error("a certificate was issued to the company")
		}
		if _, err := f.svc.Issue(actor.With(context.Background(), actor.SystemActor("test")), f.w.Company.ID, pass); !errs.Is(errs.Invalid, err) {
			t.Errorf("system issuing to an entity: %v, want Invalid", err)
		}
		for _, id := range []int64{f.w.Employee.ID, f.w.Company.ID} {
			if r, err := f.svc.Status(actor.With(context.Background(), actor.SystemActor("test")), id); err != nil || r.Status != signing.StatusNone {
				t.Errorf("taxpayer %d after refused issues: %+v, %v", id, r, err)
			}
		}

		for _, bad := range []string{"Sh0rt!", "Login#Pass1", "rahasia2026", "Raha/sia#2026"} {
			_, err := f.svc.Issue(dir, f.w.Director.ID, bad)
			if !errs.Is(errs.Invalid, err) || len(errs.FieldsOf(err)) != 1 || errs.FieldsOf(err)[0].Field != "passphrase" {
				t.Errorf("passphrase %q: %v, want a passphrase field error", bad, err)
			}
		}

		iss, err := f.svc.Issue(dir, f.w.Director.ID, pass)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := iss.Certificate.Parse()
		if err != nil {
			t.Fatal(err)
		}
		if cert.Subject.CommonName != f.w.Director.Name || cert.Subject.SerialNumber != string(f.w.Director.NPWP) || len(cert.Subject.Country) != 1 || cert.Subject.Country[0] != "AT" {
			t.Errorf("subject = %+v; want the director's registered name, NPWP and AT", cert.Subject)
		}
		if err := pki.VerifyChain(cert, f.svc.CA().Cert, f.clk.Now()); err != nil {
			t.Errorf("chain: %v", err)
		}
		if d := cert.NotAfter.Sub(f.clk.Now()); d < pki.DefaultValidity-time.Hour || d > pki.DefaultValidity {
			t.Errorf("valid for %s, want about two years", d)
		}
		if len(iss.Code) != signing.CodeLength || strings.ContainsAny(iss.Code, "0O1IL") || strings.ToUpper(iss.Code) != iss.Code {
			t.Errorf("code %q", iss.Code)
		}
		if want := "CN=" + f.w.Director.Name + ", serialNumber=" + string(f.w.Director.NPWP) + ", C=AT"; iss.Certificate.Subject != want {
			t.Errorf("subject text = %q, want %q", iss.Certificate.Subject, want)
		}
		if strings.Contains(iss.Certificate.CodeHash, iss.Code) || strings.Contains(iss.Certificate.SealedKey, pass) {
			t.Error("the code or the passphrase is stored in clear")
		}
		if ok, err := f.svc.CheckCode(dir, f.w.Director.ID, strings.ToLower(iss.Code)); err != nil || !ok {
			t.Errorf("CheckCode(right code) = %v, %v", ok, err)
		}
		if ok, _ := f.svc.CheckCode(dir, f.w.Director.ID, "ABCDEFGHJK"); ok {
			t.Error("CheckCode accepted a wrong code")
		}
		if _, err := f.svc.Issue(dir, f.w.Director.ID, pass); !errs.Is(errs.Conflict, err) {
			t.Errorf("second issue: %v, want Conflict", err)
		}
		if got := actions(t, db, f.w.Director.ID); len(got) != 1 || got[0] != "signing.issue" {
			t.Errorf("audit = %v, want one signing.issue", got)
		}
	})
}

func TestSign(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		if _, err := f.svc.Issue(as(f.w.Director, nil), f.w.Director.ID, pass); err != nil {
			t.Fatal(err)
		}
		doc := []byte("<faktur nomor=\"04002500000001\"/>")
		ctx := as(f.w.Director, &f.w.Company)
		sig, err := f.svc.Sign(ctx, signing.SignRequest{Document: doc, DocType: roles.TaxInvoice, Passphrase: pass})
		if err != nil {
			t.Fatal(err)
		}
		if sig.SignerID != f.w.Director.ID || sig.ActingForID != f.w.Company.ID || sig.LogIndex != 0 || len(sig.PublicID) != 20 {
			t.Errorf("signature = %+v", sig)
		}
		v, err := f.svc.Verification(context.Background(), sig.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := v.Certificate.Parse()
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(doc)
		if !ecdsa.VerifyASN1(cert.PublicKey.(*ecdsa.PublicKey), sum[:], v.Value) {
			t.Error("the stored signature does not verify")
		}
		if v.ActingForName != f.w.Company.Name || v.SignerName != f.w.Director.Name {
			t.Errorf("view names %q for %q", v.SignerName, v.ActingForName)
		}

		// Refusals, each with its own error.
		for _, tt := range []struct {
			name string
			ctx  context.Context
			req  signing.SignRequest
			want error
		}{
			{"acting for someone else", ctx, signing.SignRequest{Document: doc, DocType: roles.TaxInvoice, ActingFor: f.w.Employee.ID, Passphrase: pass}, signing.ErrNotAuthorized},
			{"no signer role", as(f.w.Designer, &f.w.Company), signing.SignRequest{Document: doc, DocType: roles.TaxInvoice, Passphrase: pass}, signing.ErrNoSignerRole},
			{"no certificate", as(f.w.Employee, nil), signing.SignRequest{Document: doc, DocType: roles.AnnualReturn, Passphrase: pass}, signing.ErrNoCertificate},
		} {
			if _, err := f.svc.Sign(tt.ctx, tt.req); !errors.Is(err, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
			}
		}
		if _, err := f.svc.Sign(ctx, signing.SignRequest{Document: doc, DocType: "tax_receipt", Passphrase: pass}); !errs.Is(errs.Invalid, err) {
			t.Errorf("unknown family: %v, want Invalid", err)
		}
		if _, err := f.svc.Sign(actor.With(context.Background(), actor.Actor{Kind: actor.Anonymous}), signing.SignRequest{Document: doc, DocType: roles.TaxInvoice, Passphrase: pass}); !errs.Is(errs.Unauthenticated, err) {
			t.Errorf("anonymous: %v, want Unauthenticated", err)
		}
		if got := actions(t, db, f.w.Employee.ID); len(got) != 2 {
			t.Errorf("employee audit = %v, want the two refusals concerning them", got)
		}
		got := actions(t, db, f.w.Company.ID)
		if want := []string{"signing.refused", "signing.sign"}; strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("company audit = %v, want %v", got, want)
		}
	})
}

func TestWrongPassphraseLocks(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		if _, err := f.svc.Issue(as(f.w.Director, nil), f.w.Director.ID, pass); err != nil {
			t.Fatal(err)
		}
		ctx := as(f.w.Director, &f.w.Company)
		req := signing.SignRequest{Document: []byte("x"), DocType: roles.VATReturn, Passphrase: "Wrong#2026"}
		for i := 1; i <= 5; i++ {
			_, err := f.svc.Sign(ctx, req)
			if !errors.Is(err, signing.ErrWrongPassphrase) {
				t.Fatalf("attempt %d: %v, want ErrWrongPassphrase", i, err)
			}
		}
		req.Passphrase = pass
		if _, err := f.svc.Sign(ctx, req); !errors.Is(err, signing.ErrLocked) {
			t.Fatalf("right passphrase while locked: %v, want ErrLocked", err)
		}
		f.clk.Add(16 * time.Minute)
		if _, err := f.svc.Sign(ctx, req); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
		r, err := f.svc.Status(as(f.w.Director, nil), f.w.Director.ID)
		if err != nil || r.Lock.Failures != 0 {
			t.Errorf("after a signature the failures are %+v, %v; want reset", r.Lock, err)
		}
		if n := strings.Count(strings.Join(actions(t, db, f.w.Director.ID), " "), "signing.passphrase.wrong"); n != 5 {
			t.Errorf("%d wrong passphrases audited, want 5", n)
		}
	})
}

func TestExpiryRevocationRenewal(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		me := as(f.w.Director, nil)
		iss, err := f.svc.Issue(me, f.w.Director.ID, pass)
		if err != nil {
			t.Fatal(err)
		}
		req := signing.SignRequest{Document: []byte("spt"), DocType: roles.AnnualReturn, Passphrase: pass}

		f.clk.Add(pki.DefaultValidity - 10*24*time.Hour)
		r, err := f.svc.Status(me, f.w.Director.ID)
		if err != nil || r.Status != signing.StatusExpiring || !r.Until.Equal(iss.Certificate.NotAfter) {
			t.Errorf("ten days before expiry: %+v, %v; want expiring with the date", r, err)
		}
		if _, err := f.svc.Renew(me, f.w.Director.ID, "Wrong#2026"); !errors.Is(err, signing.ErrWrongPassphrase) {
			t.Errorf("renew with a wrong passphrase: %v", err)
		}
		ren, err := f.svc.Renew(me, f.w.Director.ID, pass)
		if err != nil {
			t.Fatal(err)
		}
		if ren.Certificate.Serial == iss.Certificate.Serial || ren.Code == iss.Code {
			t.Error("renewal reused the serial or the code")
		}
		old, err := db.Signing().Certificate(context.Background(), iss.Certificate.ID)
		if err != nil || old.State != signing.Superseded {
			t.Errorf("old certificate after renewal: %s, %v", old.State, err)
		}
		if _, err := f.svc.Sign(me, req); err != nil {
			t.Errorf("sign after renewal: %v", err)
		}

		f.clk.Add(pki.DefaultValidity + time.Hour)
		if r, _ := f.svc.Status(me, f.w.Director.ID); r.Status != signing.StatusExpired {
			t.Errorf("after expiry: %s", r.Status)
		}
		if _, err := f.svc.Sign(me, req); !errors.Is(err, signing.ErrExpired) {
			t.Errorf("sign after expiry: %v, want ErrExpired", err)
		}
		iss2, err := f.svc.Issue(me, f.w.Director.ID, pass)
		if err != nil {
			t.Fatalf("issue after expiry: %v", err)
		}

		if err := f.svc.Revoke(as(f.w.Employee, nil), iss2.Certificate.ID, "not mine"); !errs.Is(errs.Forbidden, err) {
			t.Errorf("revoke by someone else: %v, want Forbidden", err)
		}
		if err := f.svc.Revoke(me, iss2.Certificate.ID, ""); !errs.Is(errs.Invalid, err) {
			t.Errorf("revoke without reason: %v, want Invalid", err)
		}
		if err := f.svc.Revoke(me, iss2.Certificate.ID, "laptop stolen"); err != nil {
			t.Fatal(err)
		}
		if r, _ := f.svc.Status(me, f.w.Director.ID); r.Status != signing.StatusRevoked {
			t.Errorf("after revocation: %s", r.Status)
		}
		if _, err := f.svc.Sign(me, req); !errors.Is(err, signing.ErrRevoked) {
			t.Errorf("sign after revocation: %v, want ErrRevoked", err)
		}

		iss3, err := f.svc.Issue(me, f.w.Director.ID, pass)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.OfficerReset(me, f.w.Director.ID, "in person"); !errs.Is(errs.Forbidden, err) {
			t.Errorf("reset by the holder: %v, want Forbidden", err)
		}
		sys := actor.With(context.Background(), actor.SystemActor("test"))
		if err := f.svc.OfficerReset(sys, f.w.Director.ID, "verified at KPP Badung"); err != nil {
			t.Fatal(err)
		}
		c, _ := db.Signing().Certificate(context.Background(), iss3.Certificate.ID)
		if c.State != signing.Revoked || !strings.Contains(c.EndReason, "verified at KPP Badung") {
			t.Errorf("after reset: %s %q", c.State, c.EndReason)
		}
		got := strings.Join(actions(t, db, f.w.Director.ID), " ")
		for _, a := range []string{"signing.issue", "signing.renew", "signing.revoke", "signing.reset", "signing.refused"} {
			if !strings.Contains(got, a) {
				t.Errorf("audit %q lacks %s", got, a)
			}
		}
	})
}

func TestSignBatch(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		if _, err := f.svc.Issue(as(f.w.Director, nil), f.w.Director.ID, pass); err != nil {
			t.Fatal(err)
		}
		ctx := as(f.w.Director, &f.w.Company)
		job, err := f.svc.SignBatch(ctx, [][]byte{[]byte("a"), nil, []byte("c")}, roles.TaxInvoice, 0, pass)
		if err != nil {
			t.Fatal(err)
		}
		if signed, refused, pending := job.Counts(); job.State != signing.JobDone || signed != 2 || refused != 1 || pending != 0 {
			t.Errorf("job = %+v", job)
		}
		if it := job.Items[1]; it.State != signing.ItemRefused || !strings.Contains(it.Reason, "empty") {
			t.Errorf("empty document = %+v, want refused naming why", it)
		}
		if it := job.Items[2]; it.State != signing.ItemSigned || it.PublicID == "" {
			t.Errorf("third document = %+v", it)
		}
		if v, err := f.svc.Verification(ctx, job.Items[2].PublicID); err != nil || v.LogIndex != 1 {
			t.Errorf("signature of the third document: %+v, %v", v.Signature, err)
		}
		if _, err := f.svc.Job(as(f.w.Employee, nil), job.ID); !errs.Is(errs.NotFound, err) {
			t.Errorf("someone else's job: %v, want NotFound", err)
		}
		if got := actions(t, db, f.w.Company.ID); len(got) == 0 || got[0] != "signing.batch" {
			t.Errorf("company audit = %v, want signing.batch last", got)
		}
		if _, err := f.svc.SignBatch(ctx, [][]byte{[]byte("a")}, roles.TaxInvoice, 0, "Wrong#2026"); !errors.Is(err, signing.ErrWrongPassphrase) {
			t.Errorf("batch with a wrong passphrase: %v", err)
		}
	})
}

func TestInterruptedJobsEnd(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		ctx := context.Background()
		// A job a stopped server left running, with two documents pending.
		job, err := db.Signing().CreateJob(ctx, signing.Job{SignerID: f.w.Director.ID, ActingForID: f.w.Company.ID, DocType: roles.TaxInvoice,
			State: signing.JobRunning, CreatedAt: f.clk.Now()}, [][]byte{[]byte("a"), []byte("b")})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Signing().RefuseJobItem(ctx, job.ID, 1, "not signed: test"); err != nil {
			t.Fatal(err)
		}
		n, err := f.svc.EndInterrupted(ctx)
		if err != nil || n != 1 {
			t.Fatalf("EndInterrupted = %d, %v; want 1", n, err)
		}
		got, err := f.svc.Job(as(f.w.Director, nil), job.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != signing.JobDone || got.Items[0].Reason != "not signed: test" || got.Items[1].State != signing.ItemRefused || !strings.Contains(got.Items[1].Reason, "server stopped") {
			t.Errorf("job after restart = %+v", got)
		}
		if n, _ := f.svc.EndInterrupted(ctx); n != 0 {
			t.Errorf("second EndInterrupted ended %d jobs", n)
		}
	})
}
