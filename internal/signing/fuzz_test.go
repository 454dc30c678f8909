package signing

import (
	"testing"
	"time"
)

// FuzzVerifyBundle feeds arbitrary bundles to the offline verifier: it
// must never panic, and a bundle it passes must at least name a known
// format and carry a signature.
func FuzzVerifyBundle(f *testing.F) {
	f.Add([]byte(`{"format":"coretax-signed-document-v1","document_sha256":"00"}`))
	f.Add([]byte(`{"format":"coretax-signed-document-v1","document_sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","certificate":"-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n","log":{"index":-1,"proof":["AA=="]}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBundle(data)
		if err != nil {
			return
		}
		cs := Verify(b, VerifyOptions{Document: data})
		if Passed(cs) && (b.Format != BundleFormat || b.Signature == "") {
			t.Errorf("bundle %q passed", data)
		}
		b.SignedAt = time.Time{}
		Verify(b, VerifyOptions{})
	})
}
