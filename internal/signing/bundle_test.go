package signing_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

func failed(cs []signing.Check) []string {
	var out []string
	for _, c := range cs {
		if !c.OK {
			out = append(out, c.Name+": "+c.Detail)
		}
	}
	return out
}

func TestBundleVerifies(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		if _, err := f.svc.Issue(as(f.w.Director, nil), f.w.Director.ID, pass); err != nil {
			t.Fatal(err)
		}
		ctx := as(f.w.Director, &f.w.Company)
		doc := []byte("<faktur nomor=\"04002500000001\" dpp=\"1000000\"/>")
		// Sign two documents so that the proof has a hash in it.
		if _, err := f.svc.Sign(ctx, signing.SignRequest{Document: []byte("first"), DocType: roles.TaxInvoice, Passphrase: pass}); err != nil {
			t.Fatal(err)
		}
		sig, err := f.svc.Sign(ctx, signing.SignRequest{Document: doc, DocType: roles.TaxInvoice, Passphrase: pass})
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.svc.Bundle(context.Background(), sig.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		js, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		b, err = signing.ParseBundle(js)
		if err != nil {
			t.Fatal(err)
		}
		if b.Log == nil || len(b.Log.Proof) == 0 {
			t.Fatalf("bundle log = %+v, want an inclusion proof", b.Log)
		}
		cs := signing.Verify(b, signing.VerifyOptions{Document: doc, CA: f.svc.CA().Cert})
		if !signing.Passed(cs) {
			t.Fatalf("good bundle failed: %v", failed(cs))
		}

		tampered := append([]byte(nil), doc...)
		tampered[10] ^= 1
		if got := failed(signing.Verify(b, signing.VerifyOptions{Document: tampered})); len(got) != 1 || !strings.Contains(got[0], "document matches the signed hash") {
			t.Errorf("tampered document: failed %v, want the hash check", got)
		}
		withDoc := b
		withDoc.Document = base64.StdEncoding.EncodeToString(tampered)
		if signing.Passed(signing.Verify(withDoc, signing.VerifyOptions{})) {
			t.Error("a tampered document carried in the bundle passed")
		}

		other, _, err := pki.NewCA("other", f.clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		if got := failed(signing.Verify(b, signing.VerifyOptions{Document: doc, CA: other.Cert})); len(got) != 1 || !strings.Contains(got[0], "certificate chain") {
			t.Errorf("pinned other CA: failed %v, want the chain check", got)
		}

		for name, mutate := range map[string]func(*signing.Bundle){
			"signature":   func(b *signing.Bundle) { b.Signature = base64.StdEncoding.EncodeToString([]byte("not a signature")) },
			"hash":        func(b *signing.Bundle) { b.DocumentSHA256 = strings.Repeat("0", 64) },
			"signed at":   func(b *signing.Bundle) { b.SignedAt = b.SignedAt.AddDate(5, 0, 0) },
			"log index":   func(b *signing.Bundle) { b.Log.Index = 0 },
			"log record":  func(b *signing.Bundle) { b.Log.Record = strings.Replace(b.Log.Record, b.ID, "someotherid", 1) },
			"tree head":   func(b *signing.Bundle) { b.Log.TreeHead = strings.Replace(b.Log.TreeHead, "\n2\n", "\n3\n", 1) },
			"log proof":   func(b *signing.Bundle) { b.Log.Proof[0] = base64.StdEncoding.EncodeToString(make([]byte, 32)) },
			"bad format":  func(b *signing.Bundle) { b.Format = "v0" },
			"certificate": func(b *signing.Bundle) { b.Certificate = b.CACertificate },
		} {
			c := b
			lp := *b.Log
			lp.Proof = append([]string(nil), b.Log.Proof...)
			c.Log = &lp
			mutate(&c)
			if signing.Passed(signing.Verify(c, signing.VerifyOptions{})) {
				t.Errorf("bundle with a changed %s passed", name)
			}
		}
	})
}
