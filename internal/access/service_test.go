package access_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/pquerna/otp/totp"
)

// clock is a fake clock that tests move forward.
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

type env struct {
	db    *storage.DB
	svc   *access.Service
	clock *clock
	world demo.World
}

func newEnv(t *testing.T, db *storage.DB) *env {
	t.Helper()
	ctx := context.Background()
	c := &clock{t: time.Now().UTC().Truncate(time.Second)}
	reg := registry.NewService(db.Registry(), c.Now)
	rs := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), c.Now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: reg, Registration: rs})
	if err != nil {
		t.Fatal(err)
	}
	var key access.Key
	key[0] = 7
	return &env{db: db, svc: access.NewService(db.Access(), nil, c.Now, access.DefaultConfig(key)), clock: c, world: w}
}

var anon = actor.With(context.Background(), actor.Actor{Kind: actor.Anonymous, Address: "192.0.2.10"})

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// lastCode reads the newest code the outbox holds for the taxpayer.
func (e *env) lastCode(t *testing.T, taxpayerID int64) string {
	t.Helper()
	var body string
	if err := e.db.SQL().QueryRow(`SELECT body FROM outbox WHERE taxpayer_id = $1 ORDER BY id DESC LIMIT 1`, taxpayerID).Scan(&body); err != nil {
		t.Fatal(err)
	}
	code := sixDigits.FindString(body)
	if code == "" {
		t.Fatalf("no code in message %q", body)
	}
	return code
}

func wantKind(t *testing.T, err error, kind errs.Kind, fragment string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s mentioning %q", kind, fragment)
	}
	msg := errs.Message(err)
	for _, f := range errs.FieldsOf(err) {
		msg += "; " + f.Message
	}
	if errs.KindOf(err) != kind || !strings.Contains(msg, fragment) {
		t.Fatalf("got %s %q, want %s mentioning %q", errs.KindOf(err), msg, kind, fragment)
	}
}

const pw = "kopi tubruk & pisang goreng"

// activate runs the whole activation of the taxpayer with the NIK or NPWP.
func (e *env) activate(t *testing.T, id string, taxpayerID int64) {
	t.Helper()
	if _, err := e.svc.SendActivationCode(anon, id, "email", "192.0.2.10"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Activate(anon, id, e.lastCode(t, taxpayerID), pw); err != nil {
		t.Fatal(err)
	}
}

func TestActivation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		emp := e.world.Employee
		offer, err := e.svc.StartActivation(anon, "5171031204900003")
		if err != nil {
			t.Fatal(err)
		}
		if offer.NPWP != string(emp.NPWP) || len(offer.Destinations) != 2 || offer.Destinations[0].Masked != "m***@mail.example" {
			t.Fatalf("offer = %+v", offer)
		}
		if _, err := e.svc.SendActivationCode(anon, "5171031204900003", "sms", "192.0.2.10"); err != nil {
			t.Fatal(err)
		}
		// Resend within 60 s is refused, after it allowed; the new
		// code voids the old one.
		_, err = e.svc.SendActivationCode(anon, "5171031204900003", "sms", "192.0.2.10")
		wantKind(t, err, errs.Conflict, "wait 60 seconds")
		old := e.lastCode(t, emp.ID)
		e.clock.Add(61 * time.Second)
		if _, err := e.svc.SendActivationCode(anon, "5171031204900003", "email", "192.0.2.10"); err != nil {
			t.Fatal(err)
		}
		code := e.lastCode(t, emp.ID)
		if old != code {
			// Only the newest code works.
			_, err = e.svc.Activate(anon, "5171031204900003", old, pw)
			wantKind(t, err, errs.Invalid, "code is wrong")
		}
		// A weak password is refused before the code is looked at.
		_, err = e.svc.Activate(anon, "5171031204900003", code, "password1")
		wantKind(t, err, errs.Invalid, "common or breached")
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		_, err = e.svc.Activate(anon, "5171031204900003", wrong, pw)
		wantKind(t, err, errs.Invalid, "more tries")
		acc, err := e.svc.Activate(anon, "5171031204900003", code, pw)
		if err != nil {
			t.Fatal(err)
		}
		if acc.NPWP != string(emp.NPWP) {
			t.Errorf("account NPWP %s, want %s", acc.NPWP, emp.NPWP)
		}
		// Replay of the used code.
		_, err = e.svc.Activate(anon, "5171031204900003", code, pw)
		wantKind(t, err, errs.Conflict, "already active")
		if _, err := e.svc.Login(anon, "5171031204900003", pw, access.Client{Address: "192.0.2.10"}); err != nil {
			t.Fatalf("login after activation: %v", err)
		}
	})
}

func TestCodeLimits(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		id, tp := "5171016308950002", e.world.Designer.ID
		// Five wrong tries void the code.
		if _, err := e.svc.SendActivationCode(anon, id, "email", ""); err != nil {
			t.Fatal(err)
		}
		code := e.lastCode(t, tp)
		wrong := "123456"
		if code == wrong {
			wrong = "654321"
		}
		for range 4 {
			_, err := e.svc.Activate(anon, id, wrong, pw)
			wantKind(t, err, errs.Invalid, "more tries")
		}
		_, err := e.svc.Activate(anon, id, wrong, pw)
		wantKind(t, err, errs.Invalid, "no longer works")
		_, err = e.svc.Activate(anon, id, code, pw)
		wantKind(t, err, errs.Invalid, "no valid code")
		// Every rejected entry is in the audit log, with where it came from.
		log, err := db.Audit().List(context.Background(), audit.Filter{TaxpayerIDs: []int64{tp}, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		rejected := 0
		for _, en := range log {
			if en.Action == "access.code.rejected" && en.Address == "192.0.2.10" {
				rejected++
			}
		}
		if rejected != 6 {
			t.Errorf("%d rejected code entries in the audit log, want 6 (5 wrong, 1 after voiding)", rejected)
		}
		// Expiry after 5 minutes.
		e.clock.Add(time.Minute)
		if _, err := e.svc.SendActivationCode(anon, id, "email", ""); err != nil {
			t.Fatal(err)
		}
		code = e.lastCode(t, tp)
		e.clock.Add(5 * time.Minute)
		_, err = e.svc.Activate(anon, id, code, pw)
		wantKind(t, err, errs.Invalid, "expired")
		// The daily cap: 10 codes in 24 hours.
		for i := 2; i < 10; i++ {
			e.clock.Add(time.Minute)
			if _, err := e.svc.SendActivationCode(anon, id, "email", ""); err != nil {
				t.Fatalf("code %d: %v", i+1, err)
			}
		}
		e.clock.Add(time.Minute)
		_, err = e.svc.SendActivationCode(anon, id, "email", "")
		wantKind(t, err, errs.Conflict, "10 codes")
		e.clock.Add(24 * time.Hour)
		if _, err := e.svc.SendActivationCode(anon, id, "email", ""); err != nil {
			t.Fatalf("a day later: %v", err)
		}
	})
}

func TestBruteForceAndReset(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		id, tp := "5104050502680001", e.world.VillaOwner.ID
		e.activate(t, id, tp)
		cl := access.Client{Address: ""}
		first, err := e.svc.Login(anon, id, pw, cl)
		if err != nil {
			t.Fatal(err)
		}
		// An unknown user ID gets the same answer as a wrong password.
		_, errUnknown := e.svc.Login(anon, "5104050502689999", pw, cl)
		_, errWrong := e.svc.Login(anon, id, "wrong password", cl)
		if errs.Message(errUnknown) != errs.Message(errWrong) || errs.KindOf(errWrong) != errs.Unauthenticated {
			t.Fatalf("unknown account: %v; wrong password: %v", errUnknown, errWrong)
		}
		// Growing delays: after the 4th failure the right password is
		// refused until the pause ends.
		for range 3 {
			e.clock.Add(2 * time.Minute)
			_, _ = e.svc.Login(anon, id, "wrong password", cl)
		}
		if _, err := e.svc.Login(anon, id, pw, cl); err == nil {
			t.Fatal("the right password was accepted during the pause after 4 failures")
		}
		e.clock.Add(3 * time.Second)
		if _, err := e.svc.Login(anon, id, pw, cl); err != nil {
			t.Fatalf("after the pause: %v", err)
		}
		// Ten failures in a row lock the account for 15 minutes.
		for range 10 {
			e.clock.Add(2 * time.Minute)
			_, _ = e.svc.Login(anon, id, "wrong password", cl)
		}
		e.clock.Add(14 * time.Minute)
		_, err = e.svc.Login(anon, id, pw, cl)
		wantKind(t, err, errs.Unauthenticated, "paused")
		// A reset lifts the lock, ends every session, and sign-in works
		// at once.
		if _, err := e.svc.RequestReset(anon, id, "sms", false, ""); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.ResetPassword(anon, id, e.lastCode(t, tp), "a brand new passphrase"); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Resolve(anon, first.SessionID)
		wantKind(t, err, errs.Unauthenticated, "ended")
		if _, err := e.svc.Login(anon, id, pw, cl); err == nil {
			t.Fatal("the old password still works after the reset")
		}
		r, err := e.svc.Login(anon, id, "a brand new passphrase", cl)
		if err != nil {
			t.Fatalf("login right after reset: %v", err)
		}
		if _, err := e.svc.Resolve(anon, r.SessionID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestMaxFailures(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		id, tp := "5104050502680001", e.world.VillaOwner.ID
		e.activate(t, id, tp)
		for range 100 {
			e.clock.Add(16 * time.Minute)
			_, _ = e.svc.Login(anon, id, "wrong password", access.Client{})
		}
		e.clock.Add(240 * time.Hour)
		if _, err := e.svc.Login(anon, id, pw, access.Client{}); err == nil {
			t.Fatal("sign-in allowed after 100 failures in a row")
		}
		off := actor.With(anon, actor.Actor{Kind: actor.Officer, ID: "budi"})
		if _, err := e.svc.Unlock(anon, id); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("anonymous unlock: %v", err)
		}
		if _, err := e.svc.Unlock(off, id); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Login(anon, id, pw, access.Client{}); err != nil {
			t.Fatalf("after unlock: %v", err)
		}
	})
}

func TestResetLink(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		id, tp := "5104050502680001", e.world.VillaOwner.ID
		e.activate(t, id, tp)
		e.clock.Add(2 * time.Minute)
		if _, err := e.svc.RequestReset(anon, id, "sms", true, ""); err != nil {
			t.Fatal(err)
		}
		var body string
		if err := db.SQL().QueryRow(`SELECT body FROM outbox WHERE taxpayer_id = $1 AND channel = 'email' ORDER BY id DESC LIMIT 1`, tp).Scan(&body); err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`token=([A-Za-z0-9_-]+)`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no link in %q", body)
		}
		if err := e.svc.ResetPasswordByLink(anon, m[1], "linked new passphrase"); err != nil {
			t.Fatal(err)
		}
		err := e.svc.ResetPasswordByLink(anon, m[1], "another new passphrase")
		wantKind(t, err, errs.Invalid, "no valid code")
		if _, err := e.svc.Login(anon, id, "linked new passphrase", access.Client{}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSessions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		id, tp := "5104050502680001", e.world.VillaOwner.ID
		e.activate(t, id, tp)
		// Fixation: an ID the client made up is never a session.
		if _, err := e.svc.Resolve(anon, "attacker-chosen-session-id"); errs.KindOf(err) != errs.Unauthenticated {
			t.Fatalf("made-up session: %v", err)
		}
		r, err := e.svc.Login(anon, id, pw, access.Client{Address: "192.0.2.10", UserAgent: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.SessionID) < 43 {
			t.Errorf("session ID %q is shorter than 256 bits", r.SessionID)
		}
		v, err := e.svc.Resolve(anon, r.SessionID)
		if err != nil {
			t.Fatal(err)
		}
		a := v.Actor("192.0.2.10")
		if a.Kind != actor.Taxpayer || a.TaxpayerID != tp || a.ID != string(e.world.VillaOwner.NPWP) || a.SessionID == r.SessionID {
			t.Fatalf("actor = %+v", a)
		}
		// Idle timeout: 29 minutes keep it, 30 end it.
		e.clock.Add(29 * time.Minute)
		if _, err := e.svc.Resolve(anon, r.SessionID); err != nil {
			t.Fatalf("after 29 idle minutes: %v", err)
		}
		e.clock.Add(30 * time.Minute)
		_, err = e.svc.Resolve(anon, r.SessionID)
		wantKind(t, err, errs.Unauthenticated, "without use")
		// Absolute limit: used every 20 minutes, it still ends at 12 h.
		r, err = e.svc.Login(anon, id, pw, access.Client{})
		if err != nil {
			t.Fatal(err)
		}
		for range 35 {
			e.clock.Add(20 * time.Minute)
			if _, err := e.svc.Resolve(anon, r.SessionID); err != nil {
				t.Fatalf("within 12 hours: %v", err)
			}
		}
		e.clock.Add(20 * time.Minute)
		_, err = e.svc.Resolve(anon, r.SessionID)
		wantKind(t, err, errs.Unauthenticated, "12 hours")
		// Sign out everywhere.
		r1, _ := e.svc.Login(anon, id, pw, access.Client{})
		r2, _ := e.svc.Login(anon, id, pw, access.Client{})
		v1, err := e.svc.Resolve(anon, r1.SessionID)
		if err != nil {
			t.Fatal(err)
		}
		ctx := actor.With(anon, v1.Actor(""))
		ss, err := e.svc.Sessions(ctx)
		if err != nil || len(ss) != 2 {
			t.Fatalf("sessions = %d, %v; want 2", len(ss), err)
		}
		if n, err := e.svc.LogoutEverywhere(ctx); err != nil || n < 2 {
			t.Fatalf("logout everywhere = %d, %v", n, err)
		}
		for _, raw := range []string{r1.SessionID, r2.SessionID} {
			if _, err := e.svc.Resolve(anon, raw); err == nil {
				t.Error("a session survived signing out everywhere")
			}
		}
	})
}

func TestTwoStep(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		id, tp := "5104050502680001", e.world.VillaOwner.ID
		e.activate(t, id, tp)
		r, _ := e.svc.Login(anon, id, pw, access.Client{})
		v, err := e.svc.Resolve(anon, r.SessionID)
		if err != nil {
			t.Fatal(err)
		}
		ctx := actor.With(anon, v.Actor(""))
		en, err := e.svc.BeginTOTP(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(en.URI, "otpauth://totp/") || len(en.QRPNG) == 0 {
			t.Fatalf("enrolment = %q, %d bytes of QR", en.URI, len(en.QRPNG))
		}
		_, err = e.svc.ConfirmTOTP(ctx, "000000")
		if err == nil {
			// 000000 may be the right code once in a million runs.
			code, _ := totp.GenerateCode(en.Secret, e.clock.Now())
			if code != "000000" {
				t.Fatal("a wrong code confirmed the enrolment")
			}
		}
		code, _ := totp.GenerateCode(en.Secret, e.clock.Now())
		recovery, err := e.svc.ConfirmTOTP(ctx, code)
		if err != nil && !strings.Contains(errs.Message(err), "already on") {
			t.Fatal(err)
		}
		if len(recovery) != 10 {
			t.Fatalf("%d recovery codes, want 10", len(recovery))
		}
		// The password alone gives a session that waits for the code.
		r, err = e.svc.Login(anon, id, pw, access.Client{})
		if err != nil || !r.SecondStep {
			t.Fatalf("login = %+v, %v; want a second step", r, err)
		}
		_, err = e.svc.Resolve(anon, r.SessionID)
		wantKind(t, err, errs.Unauthenticated, "authenticator")
		_, err = e.svc.SecondStep(anon, r.SessionID, "abcde-fghij", access.Client{})
		wantKind(t, err, errs.Invalid, "not right")
		e.clock.Add(time.Minute)
		code, _ = totp.GenerateCode(en.Secret, e.clock.Now())
		done, err := e.svc.SecondStep(anon, r.SessionID, code, access.Client{})
		if err != nil {
			t.Fatal(err)
		}
		if done.SessionID == r.SessionID {
			t.Error("the session ID did not change after the second step")
		}
		if _, err := e.svc.Resolve(anon, done.SessionID); err != nil {
			t.Fatal(err)
		}
		// The same authenticator code does not work twice, even within its
		// 30-second window (RFC 6238 §5.2).
		r, err = e.svc.Login(anon, id, pw, access.Client{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.SecondStep(anon, r.SessionID, code, access.Client{})
		wantKind(t, err, errs.Invalid, "not right")
		e.clock.Add(30 * time.Second)
		code, _ = totp.GenerateCode(en.Secret, e.clock.Now())
		if _, err := e.svc.SecondStep(anon, r.SessionID, code, access.Client{}); err != nil {
			t.Fatalf("the next step's code: %v", err)
		}
		// A recovery code works once.
		for i, want := range []bool{true, false} {
			r, _ := e.svc.Login(anon, id, pw, access.Client{})
			_, err := e.svc.SecondStep(anon, r.SessionID, strings.ToUpper(recovery[3]), access.Client{})
			if (err == nil) != want {
				t.Fatalf("recovery code use %d: %v", i+1, err)
			}
		}
	})
}

func TestTokensAndSwitch(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		dir := e.world.Director
		sys := actor.With(context.Background(), actor.SystemActor("test"))
		if _, err := e.svc.SetUpAccount(sys, string(dir.NPWP), pw); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SetUpAccount(anon, string(e.world.Designer.NPWP), pw); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("anonymous set-up: %v", err)
		}
		r, err := e.svc.Login(anon, string(dir.NPWP), pw, access.Client{})
		if err != nil {
			t.Fatal(err)
		}
		// The director acts for the company, with a new session ID.
		raw, err := e.svc.Switch(anon, r.SessionID, string(e.world.Company.NPWP), access.Client{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Resolve(anon, r.SessionID); err == nil {
			t.Error("the session ID from before the switch still works")
		}
		v, err := e.svc.Resolve(anon, raw)
		if err != nil {
			t.Fatal(err)
		}
		a := v.Actor("")
		if a.ActingForID != e.world.Company.ID || a.ActingFor != string(e.world.Company.NPWP) || a.TaxpayerID != dir.ID {
			t.Fatalf("actor after switch = %+v", a)
		}
		// Not a related party of the designer.
		_, err = e.svc.Switch(anon, raw, string(e.world.Designer.NPWP), access.Client{})
		wantKind(t, err, errs.Forbidden, "related party")
		back, err := e.svc.Switch(anon, raw, "", access.Client{})
		if err != nil {
			t.Fatal(err)
		}
		v, _ = e.svc.Resolve(anon, back)
		if a := v.Actor(""); a.ActingForID != 0 {
			t.Fatalf("actor after switching back = %+v", a)
		}
		// Tokens: scoped, for a represented taxpayer, revocable, expiring.
		ctx := actor.With(anon, v.Actor(""))
		_, _, err = e.svc.CreateToken(ctx, access.TokenRequest{Name: "ERP", NPWP: string(e.world.Designer.NPWP), Scopes: []string{"registration:read"}, Days: 30})
		wantKind(t, err, errs.Forbidden, "related party")
		_, _, err = e.svc.CreateToken(ctx, access.TokenRequest{Name: "ERP", Scopes: []string{"payroll:admin"}, Days: 400})
		wantKind(t, err, errs.Invalid, "")
		secret, tok, err := e.svc.CreateToken(ctx, access.TokenRequest{Name: "ERP", NPWP: string(e.world.Company.NPWP), Scopes: []string{"registration:read"}, Days: 30})
		if err != nil {
			t.Fatal(err)
		}
		got, ta, err := e.svc.ResolveToken(anon, secret, "198.51.100.4")
		if err != nil {
			t.Fatal(err)
		}
		if !got.Allows("registration:read") || got.Allows("registration:write") {
			t.Errorf("scopes %v", got.Scopes)
		}
		if ta.TokenID != tok.ID || ta.ActingForID != e.world.Company.ID || ta.TaxpayerID != dir.ID {
			t.Errorf("token actor = %+v", ta)
		}
		if _, _, err := e.svc.CreateToken(actor.With(anon, ta), access.TokenRequest{Name: "x", Scopes: []string{"registration:read"}, Days: 1}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("a token made a token: %v", err)
		}
		if err := e.svc.RevokeToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = e.svc.ResolveToken(anon, secret, "")
		wantKind(t, err, errs.Unauthenticated, "revoked")
		secret, _, _ = e.svc.CreateToken(ctx, access.TokenRequest{Name: "short", Scopes: []string{"registration:write"}, Days: 1})
		e.clock.Add(25 * time.Hour)
		_, _, err = e.svc.ResolveToken(anon, secret, "")
		wantKind(t, err, errs.Unauthenticated, "expired")
	})
}

func TestRehashAndLoginForms(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		id, tp := "5104050502680001", e.world.VillaOwner.ID
		e.activate(t, id, tp)
		if _, err := db.SQL().Exec(`UPDATE accounts SET password_hash = $1 WHERE taxpayer_id = $2`, access.WeakHash(pw), tp); err != nil {
			t.Fatal(err)
		}
		// The NIK as printed, with separators.
		if _, err := e.svc.Login(anon, " 5104.0505.0268-0001 ", pw, access.Client{}); err != nil {
			t.Fatal(err)
		}
		var hash string
		if err := db.SQL().QueryRow(`SELECT password_hash FROM accounts WHERE taxpayer_id = $1`, tp).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(hash, "m=65536,t=3,p=2") {
			t.Fatalf("hash after sign-in = %s, want today's parameters", hash)
		}
		if _, err := e.svc.Login(anon, id, pw, access.Client{}); err != nil {
			t.Fatalf("login after rehash: %v", err)
		}
	})
}

func TestOfficerReset(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		sys := actor.With(anon, actor.SystemActor("test"))
		if _, _, err := e.svc.AddOfficer(sys, "Siti", "Siti Aminah", "ruang arsip lantai dua"); err != nil {
			t.Fatal(err)
		}
		r, err := e.svc.Login(anon, "SITI", "ruang arsip lantai dua", access.Client{})
		if err != nil {
			t.Fatal(err)
		}
		v, err := e.svc.Resolve(anon, r.SessionID)
		if err != nil || v.Actor("").Kind != actor.Officer || v.Actor("").ID != "siti" {
			t.Fatalf("officer session: %+v, %v", v.Actor(""), err)
		}
		for range 10 {
			e.clock.Add(2 * time.Minute)
			_, _ = e.svc.Login(anon, "siti", "wrong password", access.Client{})
		}
		if _, err := e.svc.ResetOfficerPassword(anon, "siti", ""); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("anonymous reset: %v", err)
		}
		if _, err := e.svc.ResetOfficerPassword(sys, "5104050502680001", ""); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("reset of a taxpayer by an officer: %v", err)
		}
		pw, err := e.svc.ResetOfficerPassword(sys, "siti", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Resolve(anon, r.SessionID); err == nil {
			t.Error("a session survived the reset")
		}
		if _, err := e.svc.Login(anon, "siti", pw, access.Client{}); err != nil {
			t.Fatalf("login right after the reset: %v", err)
		}
	})
}

// An issued code wakes the outbox worker, so that it goes out at once.
func TestCodeKicksOutbox(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		var key access.Key
		key[0] = 7
		cfg := access.DefaultConfig(key)
		kicks := 0
		cfg.Kick = func() { kicks++ }
		svc := access.NewService(db.Access(), nil, e.clock.Now, cfg)
		if _, err := svc.SendActivationCode(anon, "5171031204900003", "email", "192.0.2.10"); err != nil {
			t.Fatal(err)
		}
		if kicks != 1 {
			t.Errorf("Kick called %d times after one code, want 1", kicks)
		}
		// A refused resend stores nothing and kicks nothing.
		if _, err := svc.SendActivationCode(anon, "5171031204900003", "email", "192.0.2.10"); err == nil {
			t.Fatal("resend within the gap was accepted")
		}
		if kicks != 1 {
			t.Errorf("Kick called %d times after a refused resend, want 1", kicks)
		}
	})
}
