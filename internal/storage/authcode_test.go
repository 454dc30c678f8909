package storage_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/authcode"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// fakeIssuer records who asked for a code.
type fakeIssuer struct {
	holders []int64
	phrases []string
}

func (f *fakeIssuer) Issue(_ context.Context, holder int64, passphrase string) (authcode.Issued, error) {
	f.holders = append(f.holders, holder)
	f.phrases = append(f.phrases, passphrase)
	return authcode.Issued{Certificate: "CERT-1", Code: "K7M2QX9PLR"}, nil
}

func (f *fakeIssuer) Revoke(_ context.Context, holder int64, reason string) error {
	f.holders = append(f.holders, -holder)
	return nil
}

// registries overrides the reference registries' answers.
type registries struct {
	authcode.Registries
	person      func(nik string) (registry.Person, error)
	immigration func(nat, passport string) (registry.ImmigrationRecord, error)
	byPassport  func(passport string) ([]registry.ImmigrationRecord, error)
}

func (r registries) ImmigrationByPassport(ctx context.Context, passport string) ([]registry.ImmigrationRecord, error) {
	if r.byPassport != nil {
		return r.byPassport(passport)
	}
	return r.Registries.ImmigrationByPassport(ctx, passport)
}

func (r registries) Person(ctx context.Context, nik string) (registry.Person, error) {
	if r.person != nil {
		return r.person(nik)
	}
	return r.Registries.Person(ctx, nik)
}

func (r registries) Immigration(ctx context.Context, nat, passport string) (registry.ImmigrationRecord, error) {
	if r.immigration != nil {
		return r.immigration(nat, passport)
	}
	return r.Registries.Immigration(ctx, nat, passport)
}

type standing struct{}

func (standing) Standing(context.Context, int64) (bool, string, error) {
	return false, "the VAT return for 2026-09 is not filed", nil
}

type authFixture struct {
	db     *storage.DB
	w      demo.World
	now    time.Time
	issuer *fakeIssuer
	deps   authcode.Deps
	cfg    authcode.Config
	svc    *authcode.Service
	// designer signs in with a password that meets the passphrase rules.
	designerPassword string
}

func (f *authFixture) clock() time.Time { return f.now }

func (f *authFixture) rebuild() { f.svc = authcode.NewService(f.deps, f.clock, f.cfg) }

func newAuthFixture(t *testing.T, db *storage.DB, policy authcode.Policy) *authFixture {
	t.Helper()
	ctx := context.Background()
	f := &authFixture{db: db, now: time.Now().UTC().Truncate(time.Second), issuer: &fakeIssuer{}, designerPassword: "Desain!Bali2024x"}
	rs := registry.NewService(db.Registry(), time.Now)
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
	acc := access.NewService(db.Access(), nil, time.Now, access.DefaultConfig(access.Key{7}))
	w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg, Access: acc})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acc.SetUpAccount(actor.With(ctx, actor.SystemActor("test")), string(w.Designer.NPWP), f.designerPassword); err != nil {
		t.Fatal(err)
	}
	f.w = w
	f.cfg = authcode.DefaultConfig([32]byte{9})
	f.cfg.Policy = policy
	f.deps = authcode.Deps{Store: db.AuthCode(), Taxpayers: db.Registration(), Registries: db.Registry(), Accounts: db.Access(),
		Issuer: f.issuer, Revoker: f.issuer}
	f.rebuild()
	return f
}

func (f *authFixture) as(t *testing.T, p registration.Taxpayer) context.Context {
	t.Helper()
	a, err := f.db.Access().AccountByLogin(context.Background(), string(p.NPWP))
	if err != nil {
		t.Fatal(err)
	}
	return actor.With(context.Background(), actor.Actor{Kind: actor.Taxpayer, ID: string(p.NPWP), AccountID: a.ID, TaxpayerID: p.ID})
}

func officerCtx() context.Context {
	return actor.With(context.Background(), actor.Actor{Kind: actor.Officer, ID: "budi"})
}

var sixDigitsRE = regexp.MustCompile(`\b\d{6}\b`)

// lastCode reads the code from the newest message in the outbox.
func (f *authFixture) lastCode(t *testing.T) (string, string) {
	t.Helper()
	var body, to string
	if err := f.db.SQL().QueryRow(`SELECT body, recipient FROM outbox WHERE purpose = 'authcode_code' ORDER BY id DESC LIMIT 1`).Scan(&body, &to); err != nil {
		t.Fatal(err)
	}
	return sixDigitsRE.FindString(body), to
}

func fieldMessage(err error, field string) string {
	for _, fe := range errs.FieldsOf(err) {
		if fe.Field == field {
			return fe.Message
		}
	}
	return ""
}

func TestAuthCodeHappyPath(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newAuthFixture(t, db, authcode.PolicyNone)
		ctx := f.as(t, f.w.Director)
		profiles, err := f.svc.Profiles(ctx)
		if err != nil || len(profiles) != 2 || !profiles[0].Self || profiles[1].ID != f.w.Company.ID {
			t.Fatalf("Profiles = %+v, %v; want self and the company", profiles, err)
		}
		checks, err := f.svc.Prerequisites(ctx, f.w.Company.ID)
		if err != nil || !checks.Passed() || len(checks) != 4 {
			t.Fatalf("Prerequisites = %+v, %v", checks, err)
		}
		if got := checks[3].Detail; got != "no unfiled returns or unpaid bills are recorded" {
			t.Errorf("standing detail = %q", got)
		}
		r, sent, err := f.svc.Start(ctx, f.w.Company.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if r.State != authcode.Code || r.SubjectID != f.w.Company.ID || sent.Channel != "sms" {
			t.Fatalf("Start = %+v, %+v", r, sent)
		}
		code, to := f.lastCode(t)
		if to != f.w.Director.Mobile || code == "" {
			t.Fatalf("code %q went to %q, want the mobile %q", code, to, f.w.Director.Mobile)
		}
		if strings.Contains(r.CodeHash, code) {
			t.Error("the code is stored in clear")
		}
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		if _, err := f.svc.Confirm(ctx, r.ID, wrong); !strings.Contains(fieldMessage(err, "code"), "4 tries left") {
			t.Errorf("wrong code: %v", err)
		}
		r, err = f.svc.Confirm(ctx, r.ID, code)
		if err != nil || r.State != authcode.Ready {
			t.Fatalf("Confirm = %+v, %v", r, err)
		}
		for _, bad := range []string{"Sh0rt!a", "NoDigits!!", "nospecial1A", "NOLOWER1!", "Has/Slash1a", "Has+Plus1a", "Quote'1aA"} {
			if _, _, err := f.svc.Issue(ctx, r.ID, bad, bad); fieldMessage(err, "passphrase") == "" {
				t.Errorf("passphrase %q: %v, want a passphrase error", bad, err)
			}
		}
		if _, _, err := f.svc.Issue(ctx, r.ID, "Matahari#2026", "Matahari#2027"); fieldMessage(err, "confirm") == "" {
			t.Errorf("different confirmation: %v", err)
		}
		r, out, err := f.svc.Issue(ctx, r.ID, "Matahari#2026", "Matahari#2026")
		if err != nil || r.State != authcode.Complete || out.Code != "K7M2QX9PLR" || r.Certificate != "CERT-1" {
			t.Fatalf("Issue = %+v, %+v, %v", r, out, err)
		}
		if len(f.issuer.holders) != 1 || f.issuer.holders[0] != f.w.Director.ID {
			t.Errorf("issuer asked for %v, want the director %d", f.issuer.holders, f.w.Director.ID)
		}
		entries, err := db.Audit().List(context.Background(), audit.Filter{TaxpayerIDs: []int64{f.w.Company.ID}, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			if strings.HasPrefix(e.Action, "authcode.") {
				actions = append(actions, e.Action)
			}
		}
		want := []string{"authcode.request", "authcode.code.rejected", "authcode.code.confirmed", "authcode.issued"}
		if strings.Join(sorted(actions), ",") != strings.Join(sorted(want), ",") {
			t.Errorf("audit actions = %v, want %v", actions, want)
		}
	})
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestAuthCodePassphraseDiffersFromLoginPassword(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newAuthFixture(t, db, authcode.PolicyNone)
		ctx := f.as(t, f.w.Designer)
		r, _, err := f.svc.Start(ctx, 0, "email")
		if err != nil {
			t.Fatal(err)
		}
		code, to := f.lastCode(t)
		if to != f.w.Designer.Email {
			t.Errorf("code went to %q, want the e-mail %q", to, f.w.Designer.Email)
		}
		if r, err = f.svc.Confirm(ctx, r.ID, code); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.svc.Issue(ctx, r.ID, f.designerPassword, f.designerPassword)
		if got := fieldMessage(err, "passphrase"); got != "must differ from your login password" {
			t.Errorf("login password as passphrase: %v", err)
		}
		if len(f.issuer.holders) != 0 {
			t.Error("the issuer was called")
		}
	})
}

func TestAuthCodePrerequisiteFailures(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newAuthFixture(t, db, authcode.PolicyNone)
		base := f.deps
		for _, tt := range []struct {
			name    string
			who     func() registration.Taxpayer
			subject func() int64
			deps    func(d *authcode.Deps)
			check   string
			want    string
		}{
			{"NIK not in the population registry", func() registration.Taxpayer { return f.w.Designer }, nil,
				func(d *authcode.Deps) {
					d.Registries = registries{Registries: base.Registries, person: func(string) (registry.Person, error) {
						return registry.Person{}, errs.E(errs.NotFound, "no such person")
					}}
				}, "identity", "is not in the population registry"},
			{"name differs from the population registry", func() registration.Taxpayer { return f.w.Designer }, nil,
				func(d *authcode.Deps) {
					d.Registries = registries{Registries: base.Registries, person: func(nik string) (registry.Person, error) {
						return registry.Person{NIK: nik, Name: "SOMEONE ELSE"}, nil
					}}
				}, "identity", `has the name "SOMEONE ELSE"`},
			{"renewed passport not yet in the immigration registry", func() registration.Taxpayer { return f.w.Director }, nil,
				func(d *authcode.Deps) {
					d.Registries = registries{Registries: base.Registries, immigration: func(string, string) (registry.ImmigrationRecord, error) {
						return registry.ImmigrationRecord{}, errs.E(errs.NotFound, "no such record")
					}, byPassport: func(string) ([]registry.ImmigrationRecord, error) { return nil, nil }}
				}, "identity", "if the passport was renewed, the immigration registry does not have the new passport yet"},
			{"expired passport", func() registration.Taxpayer { return f.w.Director }, nil,
				func(d *authcode.Deps) {
					d.Registries = registries{Registries: base.Registries, immigration: func(nat, p string) (registry.ImmigrationRecord, error) {
						return registry.ImmigrationRecord{Passport: p, Nationality: nat, Name: f.w.Director.Name,
							PassportExpires: f.now.AddDate(0, 0, -3), StayPermitKind: "KITAS", StayPermitNumber: f.w.Director.StayPermit.Number}, nil
					}}
				}, "identity", "expired on " + f.now.AddDate(0, 0, -3).Format(time.DateOnly)},
			{"expired stay permit", func() registration.Taxpayer { return f.w.Director }, nil,
				func(d *authcode.Deps) {
					d.Registries = registries{Registries: base.Registries, immigration: func(nat, p string) (registry.ImmigrationRecord, error) {
						return registry.ImmigrationRecord{Passport: p, Nationality: nat, Name: f.w.Director.Name, PassportExpires: f.now.AddDate(3, 0, 0),
							StayPermitKind: "KITAS", StayPermitNumber: f.w.Director.StayPermit.Number, StayPermitExpires: f.now.AddDate(0, -1, 0)}, nil
					}}
				}, "identity", "stay permit KITAS " + f.w.Director.StayPermit.Number + " expired"},
			{"employee is not the main PIC or a director", func() registration.Taxpayer { return f.w.Employee },
				func() int64 { return f.w.Company.ID }, nil,
				"representation", "consultants and other related parties cannot request the primary code"},
			{"not in good standing", func() registration.Taxpayer { return f.w.Director }, nil,
				func(d *authcode.Deps) { d.Standing = standing{} },
				"standing", "the VAT return for 2026-09 is not filed"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				f.deps = base
				if tt.deps != nil {
					tt.deps(&f.deps)
				}
				f.rebuild()
				var subject int64
				if tt.subject != nil {
					subject = tt.subject()
				}
				ctx := f.as(t, tt.who())
				checks, err := f.svc.Prerequisites(ctx, subject)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range checks {
					if c.Name == tt.check {
						if c.Passed || !strings.Contains(c.Detail, tt.want) {
							t.Errorf("%s = %+v, want failed with %q", c.Name, c, tt.want)
						}
					} else if !c.Passed {
						t.Errorf("%s failed too: %s", c.Name, c.Detail)
					}
				}
				_, _, err = f.svc.Start(ctx, subject, "")
				if !errs.Is(errs.Invalid, err) || !strings.Contains(fieldMessage(err, tt.check), tt.want) {
					t.Errorf("Start = %v, want the failed prerequisite", err)
				}
			})
		}
		t.Run("account of someone else", func(t *testing.T) {
			f.deps = base
			f.rebuild()
			own := f.as(t, f.w.Employee)
			a := actor.From(own)
			a.TaxpayerID, a.ID = f.w.Designer.ID, string(f.w.Designer.NPWP)
			checks, err := f.svc.Prerequisites(actor.With(context.Background(), a), 0)
			if err != nil || checks[1].Passed || !strings.Contains(checks[1].Detail, "not the own account") {
				t.Errorf("Prerequisites = %+v, %v", checks, err)
			}
		})
	})
}

func TestAuthCodeExpiryTriesAndResend(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newAuthFixture(t, db, authcode.PolicyNone)
		ctx := f.as(t, f.w.Director)
		r, _, err := f.svc.Start(ctx, 0, "sms")
		if err != nil {
			t.Fatal(err)
		}
		code, _ := f.lastCode(t)
		if _, err := f.svc.Resend(ctx, r.ID, "sms"); !errs.Is(errs.Conflict, err) || !strings.Contains(err.Error(), "wait 60 seconds") {
			t.Errorf("resend at once: %v", err)
		}
		f.now = f.now.Add(5*time.Minute + time.Second)
		if _, err := f.svc.Confirm(ctx, r.ID, code); !strings.Contains(fieldMessage(err, "code"), "expired") {
			t.Errorf("expired code: %v", err)
		}
		if _, err := f.svc.Resend(ctx, r.ID, "email"); err != nil {
			t.Fatal(err)
		}
		code, to := f.lastCode(t)
		if to != f.w.Director.Email {
			t.Errorf("resent code went to %q", to)
		}
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for i := 0; i < 5; i++ {
			f.svc.Confirm(ctx, r.ID, wrong)
		}
		if _, err := f.svc.Confirm(ctx, r.ID, code); !strings.Contains(fieldMessage(err, "code"), "no longer works") {
			t.Errorf("right code after five wrong ones: %v", err)
		}
		f.now = f.now.Add(time.Minute)
		if _, err := f.svc.Resend(ctx, r.ID, "sms"); err != nil {
			t.Fatal(err)
		}
		code, _ = f.lastCode(t)
		if r, err = f.svc.Confirm(ctx, r.ID, code); err != nil || r.State != authcode.Ready {
			t.Errorf("fresh code: %+v, %v", r, err)
		}

		// Three codes were sent today; with a cap of three no new request
		// can send a fourth, and the ready request stays.
		f.cfg.DailyCodes = 3
		f.rebuild()
		f.now = f.now.Add(2 * time.Minute)
		if _, _, err := f.svc.Start(ctx, 0, ""); !errs.Is(errs.Conflict, err) || !strings.Contains(err.Error(), "3 authorization-request codes were sent in the last 24 hours") {
			t.Errorf("fourth code in a day: %v", err)
		}
		if cur, _ := f.svc.Current(ctx); cur.ID != r.ID || cur.State != authcode.Ready {
			t.Errorf("after the refused request: %+v", cur)
		}
		f.now = f.now.Add(24 * time.Hour)
		if _, _, err := f.svc.Start(ctx, 0, ""); err != nil {
			t.Errorf("a code the next day: %v", err)
		}
		if old, _ := f.svc.Request(ctx, r.ID); old.State != authcode.Cancelled {
			t.Errorf("the replaced request is %s, want cancelled", old.State)
		}
	})
}

func TestAuthCodeVerificationServiceDown(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
		}))
		defer srv.Close()
		f := newAuthFixture(t, db, authcode.PolicyExternal)
		f.deps.Verifier = authcode.HTTPVerifier{URL: srv.URL}
		f.rebuild()
		ctx := f.as(t, f.w.Designer)
		r, _, err := f.svc.Start(ctx, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		code, _ := f.lastCode(t)
		if r, err = f.svc.Confirm(ctx, r.ID, code); err != nil {
			t.Fatal(err)
		}
		r, v, err := f.svc.VerifyIdentity(ctx, r.ID, "ref")
		if err != nil || v.Passed || r.VerifyFailures != 1 || !strings.Contains(v.Detail, "503 Service Unavailable: maintenance") {
			t.Errorf("service down: %+v, %+v, %v", r, v, err)
		}
	})
}

func TestAuthCodeResumeAfterRestart(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newAuthFixture(t, db, authcode.PolicyNone)
		ctx := f.as(t, f.w.Director)
		r, _, err := f.svc.Start(ctx, f.w.Company.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		code, _ := f.lastCode(t)
		f.rebuild() // a new process on the same database
		cur, err := f.svc.Current(ctx)
		if err != nil || cur.ID != r.ID || cur.State != authcode.Code {
			t.Fatalf("Current after restart = %+v, %v", cur, err)
		}
		if cur, err = f.svc.Confirm(ctx, cur.ID, code); err != nil || cur.State != authcode.Ready {
			t.Fatalf("Confirm after restart = %+v, %v", cur, err)
		}
		f.rebuild()
		if _, _, err := f.svc.Issue(ctx, cur.ID, "Matahari#2026", "Matahari#2026"); err != nil {
			t.Fatal(err)
		}
		// Someone else cannot see or move the request.
		if _, err := f.svc.Request(f.as(t, f.w.Employee), cur.ID); !errs.Is(errs.NotFound, err) {
			t.Errorf("another person's request: %v", err)
		}
	})
}

// verificationService is a fake biometric service that records what it
// was sent.
type verificationService struct {
	mu    sync.Mutex
	got   []authcode.VerifyRequest
	score float64
}

func (v *verificationService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req authcode.VerifyRequest
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "POST JSON", http.StatusBadRequest)
		return
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	v.mu.Lock()
	v.got = append(v.got, req)
	score := v.score
	v.mu.Unlock()
	json.NewEncoder(w).Encode(authcode.VerifyResult{Liveness: true, MatchScore: score})
}

func TestAuthCodeExternalVerification(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		fake := &verificationService{score: 0.42}
		srv := httptest.NewServer(fake)
		defer srv.Close()
		f := newAuthFixture(t, db, authcode.PolicyExternal)
		f.deps.Verifier = authcode.HTTPVerifier{URL: srv.URL}
		f.deps.Policy = actor.PolicyFunc(func(ctx context.Context, act actor.Action, _ int64) error {
			if act == authcode.ActReview && actor.From(ctx).ID == "budi" {
				return nil
			}
			return errs.E(errs.Forbidden, "needs the officer.access role")
		})
		f.rebuild()
		ctx := f.as(t, f.w.Director)
		r, _, err := f.svc.Start(ctx, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		code, _ := f.lastCode(t)
		if r, err = f.svc.Confirm(ctx, r.ID, code); err != nil || r.State != authcode.Verify {
			t.Fatalf("Confirm = %+v, %v", r, err)
		}
		for i := 1; i <= 3; i++ {
			var v authcode.Verification
			r, v, err = f.svc.VerifyIdentity(ctx, r.ID, "liveness-ref-"+string(rune('0'+i)))
			if err != nil || v.Passed || !strings.Contains(v.Detail, "score 0.42, below the threshold 0.80") {
				t.Fatalf("attempt %d = %+v, %+v, %v", i, r, v, err)
			}
			if i < 3 && r.State != authcode.Verify {
				t.Fatalf("after %d failures the state is %s", i, r.State)
			}
		}
		if r.State != authcode.Manual || !strings.Contains(r.Reason, "failed 3 times") {
			t.Fatalf("after three failures: %+v", r)
		}
		if _, _, err := f.svc.VerifyIdentity(ctx, r.ID, "again"); !errs.Is(errs.Conflict, err) {
			t.Errorf("a fourth attempt: %v", err)
		}
		if len(fake.got) != 3 || fake.got[0].Passport != f.w.Director.Passport || fake.got[0].NIK != "" ||
			fake.got[0].RequestID != r.ID || fake.got[2].Evidence != "liveness-ref-3" {
			t.Errorf("the service was sent %+v", fake.got)
		}
		// The officer queue.
		if _, err := f.svc.Queue(ctx); !errs.Is(errs.Forbidden, err) {
			t.Errorf("a taxpayer reads the queue: %v", err)
		}
		q, err := f.svc.Queue(officerCtx())
		if err != nil || len(q) != 1 || q[0].ID != r.ID || q[0].HolderName != f.w.Director.Name {
			t.Fatalf("Queue = %+v, %v", q, err)
		}
		_, vs, err := f.svc.Review(officerCtx(), r.ID)
		if err != nil || len(vs) != 3 || vs[0].MatchScore != 0.42 || !vs[0].Liveness {
			t.Errorf("Review = %+v, %v", vs, err)
		}
		if _, err := f.svc.Decide(officerCtx(), r.ID, false, ""); fieldMessage(err, "reason") == "" {
			t.Errorf("rejection without reason: %v", err)
		}
		if r, err = f.svc.Decide(officerCtx(), r.ID, true, "passport and KITAS checked at KPP Badung"); err != nil || r.State != authcode.Ready || r.DecidedBy != "budi" {
			t.Fatalf("approve = %+v, %v", r, err)
		}
		if _, _, err := f.svc.Issue(ctx, r.ID, "Matahari#2026", "Matahari#2026"); err != nil {
			t.Fatal(err)
		}
		// A reset revokes and starts a new request, already verified.
		n, err := f.svc.Reset(officerCtx(), f.w.Director.ID, "lost phone; identity checked in person")
		if err != nil || n.State != authcode.Ready || n.ID == r.ID {
			t.Fatalf("Reset = %+v, %v", n, err)
		}
		if got := f.issuer.holders; len(got) != 2 || got[1] != -f.w.Director.ID {
			t.Errorf("issuer and revoker calls = %v", got)
		}
		if old, _ := db.AuthCode().Request(context.Background(), r.ID); old.State != authcode.Complete {
			t.Errorf("the old request became %s", old.State)
		}
	})
}

func TestAuthCodePassingVerificationAndRejection(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		fake := &verificationService{score: 0.93}
		srv := httptest.NewServer(fake)
		defer srv.Close()
		f := newAuthFixture(t, db, authcode.PolicyExternal)
		f.deps.Verifier = authcode.HTTPVerifier{URL: srv.URL}
		f.rebuild()
		ctx := f.as(t, f.w.Designer)
		r, _, _ := f.svc.Start(ctx, 0, "")
		code, _ := f.lastCode(t)
		r, _ = f.svc.Confirm(ctx, r.ID, code)
		r, v, err := f.svc.VerifyIdentity(ctx, r.ID, "ref-1")
		if err != nil || !v.Passed || r.State != authcode.Ready || fake.got[0].NIK != string(f.w.Designer.NIK) {
			t.Fatalf("VerifyIdentity = %+v, %+v, %v; sent %+v", r, v, err, fake.got)
		}

		// Manual policy: the officer rejects with a reason the person sees.
		f.cfg.Policy = authcode.PolicyManual
		f.rebuild()
		f.now = f.now.Add(2 * time.Minute)
		r, _, err = f.svc.Start(ctx, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		code, _ = f.lastCode(t)
		if r, err = f.svc.Confirm(ctx, r.ID, code); err != nil || r.State != authcode.Manual {
			t.Fatalf("Confirm under the manual policy = %+v, %v", r, err)
		}
		if _, err := f.svc.Decide(ctx, r.ID, true, "me"); !errs.Is(errs.Forbidden, err) {
			t.Errorf("the person decides: %v", err)
		}
		if _, err := f.svc.Decide(officerCtx(), r.ID, false, "the KTP photo does not match"); err != nil {
			t.Fatal(err)
		}
		cur, err := f.svc.Current(ctx)
		if err != nil || cur.State != authcode.Rejected || cur.Reason != "the KTP photo does not match" {
			t.Errorf("Current = %+v, %v", cur, err)
		}
	})
}
