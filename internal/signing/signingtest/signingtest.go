// Package signingtest builds the signing service for tests of the modules
// that sign documents: a fresh CA, a transparency log in the test's
// temporary directory, and a fast key derivation so that opening a key
// does not cost a real argon2id run.
package signingtest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/translog"
)

// noLogins says no passphrase is anyone's login password.
type noLogins struct{}

func (noLogins) SameAsLogin(context.Context, int64, string) (bool, error) { return false, nil }

// New returns a signing service keeping its certificates and signatures
// in store and its transparency log in log, under policy and the clock
// now (storage.DB's Signing and TransLog in the tests of this
// repository).
func New(t testing.TB, store signing.Store, log translog.Store, policy actor.Policy, now func() time.Time) *signing.Service {
	t.Helper()
	ca, _, err := pki.NewCA("test", now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	cfg := signing.DefaultConfig([]byte("test code key"))
	cfg.KDF = pki.KDF{Memory: 64, Time: 1, Threads: 1}
	key, _, err := translog.LoadOrCreateKey(filepath.Join(t.TempDir(), "log.key"))
	if err != nil {
		t.Fatal(err)
	}
	tl, err := translog.NewService(log, key, now)
	if err != nil {
		t.Fatal(err)
	}
	return signing.NewService(store, ca, tl, policy, noLogins{}, now, cfg)
}

// Certify issues the person holderID a certificate under passphrase,
// acting as that person.
func Certify(t testing.TB, svc *signing.Service, holderID int64, passphrase string) {
	t.Helper()
	ctx := actor.With(context.Background(), actor.Actor{Kind: actor.Taxpayer, TaxpayerID: holderID, AccountID: holderID})
	if _, err := svc.Issue(ctx, holderID, passphrase); err != nil {
		t.Fatal(err)
	}
}
