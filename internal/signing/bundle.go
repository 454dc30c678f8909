package signing

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/translog"
)

// BundleFormat names the version of the signed-document bundle.
const BundleFormat = "coretax-signed-document-v1"

// Bundle is a signed document with everything needed to check it offline:
// the signature, the signer's certificate and the CA's, and the proof
// that the signature is in the transparency log. It is a file format
// (what `coretax verify` reads and GET /api/v1/signatures/{id}/bundle
// serves), so its JSON shape is defined here, with the format.
type Bundle struct {
	Format string `json:"format"`
	ID     string `json:"id"`
	// DocType is the document family.
	DocType string `json:"doc_type"`
	// DocumentSHA256 is the SHA-256 of the document, lower-case hex.
	DocumentSHA256 string `json:"document_sha256"`
	// Document is the document itself in standard base64, when the
	// bundle carries it; otherwise the verifier is given the document
	// separately or checks the hash only.
	Document string `json:"document,omitempty"`
	// Signature is the ASN.1 DER ECDSA signature over the SHA-256 of the
	// document, standard base64.
	Signature string    `json:"signature"`
	SignedAt  time.Time `json:"signed_at"`
	Signer    Party     `json:"signer"`
	ActingFor Party     `json:"acting_for"`
	// Certificate and CACertificate are PEM.
	Certificate   string `json:"certificate"`
	CACertificate string `json:"ca_certificate"`
	// Log proves the signature's record is in the transparency log.
	Log *LogProof `json:"log,omitempty"`
}

// Party names a person or taxpayer in a bundle.
type Party struct {
	Name string `json:"name"`
	NPWP string `json:"npwp"`
}

// LogProof is a log record with its inclusion proof and the signed tree
// head it is proved against.
type LogProof struct {
	Index int64 `json:"index"`
	// Record is the record's text (translog.Record.Marshal).
	Record string `json:"record"`
	// Proof are the hashes of the inclusion proof, standard base64.
	Proof []string `json:"proof"`
	// TreeHead is the signed note of the tree head.
	TreeHead string `json:"tree_head"`
	// VerifierKey is the log's public note verifier key.
	VerifierKey string `json:"verifier_key"`
}

// Log answers inclusion proofs from the transparency log
// (translog.Service).
type Log interface {
	Prove(ctx context.Context, index int64) (translog.Entry, error)
	VerifierKey() string
}

// Bundle returns the bundle of a signature, by its public ID, with the
// inclusion proof against the current tree head when the service has a
// log.
func (s *Service) Bundle(ctx context.Context, publicID string) (Bundle, error) {
	v, err := s.Verification(ctx, publicID)
	if err != nil {
		return Bundle{}, err
	}
	b := Bundle{Format: BundleFormat, ID: v.PublicID, DocType: string(v.DocType), DocumentSHA256: v.DocHash,
		Signature: base64.StdEncoding.EncodeToString(v.Value), SignedAt: v.SignedAt,
		Signer: Party{v.SignerName, v.SignerNPWP}, ActingFor: Party{v.ActingForName, v.ActingForNPWP},
		Certificate: string(pki.CertPEM(v.Certificate.DER)), CACertificate: string(s.ca.CertPEM())}
	if s.log != nil && v.LogIndex >= 0 {
		e, err := s.log.Prove(ctx, v.LogIndex)
		if err != nil {
			return Bundle{}, fmt.Errorf("prove signature %s in the log: %w", v.PublicID, err)
		}
		lp := &LogProof{Index: e.Index, Record: string(e.Record), TreeHead: string(e.Head.Note), VerifierKey: s.log.VerifierKey()}
		for _, h := range e.Proof {
			lp.Proof = append(lp.Proof, base64.StdEncoding.EncodeToString(h[:]))
		}
		b.Log = lp
	}
	return b, nil
}

// Check is one check of a bundle, as `coretax verify` prints it.
type Check struct {
	Name   string
	OK     bool
	Detail string
}

// VerifyOptions are what the verifier trusts besides the bundle.
type VerifyOptions struct {
	// Document is the document, when given separately.
	Document []byte
	// CA, when set, is the pinned CA certificate the signer's must chain
	// to, instead of the CA certificate in the bundle.
	CA *x509.Certificate
	// LogKey, when set, is the pinned verifier key of the log, instead of
	// the one in the bundle.
	LogKey string
}

// Verify checks a bundle offline and returns every check it made, in
// order; the bundle is good when every check is OK (Passed). It checks
// the document's hash, the certificate's chain to the CA and its validity
// at the signing time, the signature, and, when the bundle carries one,
// that the log record names this signature and is proved in a signed tree
// head.
func Verify(b Bundle, opt VerifyOptions) []Check {
	var out []Check
	add := func(name string, err error, okDetail string) bool {
		c := Check{Name: name, OK: err == nil, Detail: okDetail}
		if err != nil {
			c.Detail = err.Error()
		}
		out = append(out, c)
		return err == nil
	}
	if !add("format", formatErr(b), b.Format) {
		return out
	}
	sum, err := hex.DecodeString(b.DocumentSHA256)
	if err == nil && len(sum) != sha256.Size {
		err = fmt.Errorf("is %d bytes", len(sum))
	}
	if !add("document hash", wrap("the bundle's document_sha256", err), b.DocumentSHA256) {
		return out
	}
	doc := opt.Document
	if doc == nil && b.Document != "" {
		d, err := base64.StdEncoding.DecodeString(b.Document)
		if !add("document", wrap("the bundle's document", err), "carried in the bundle") {
			return out
		}
		doc = d
	}
	if doc != nil {
		got := sha256.Sum256(doc)
		var err error
		if !bytes.Equal(got[:], sum) {
			err = fmt.Errorf("the document's SHA-256 is %x, the signed one %s: the document was changed", got, b.DocumentSHA256)
		}
		add("document matches the signed hash", err, fmt.Sprintf("%d bytes, SHA-256 %x", len(doc), got))
	} else {
		out = append(out, Check{Name: "document matches the signed hash", OK: true, Detail: "no document given: only the signed hash is checked (pass --document to check the document itself)"})
	}

	cert, err := pki.ParseCertificatePEM([]byte(b.Certificate))
	if !add("signer certificate", wrap("the signer's certificate", err), certDetail(cert)) {
		return out
	}
	ca := opt.CA
	caFrom := "the pinned CA"
	if ca == nil {
		ca, err = pki.ParseCertificatePEM([]byte(b.CACertificate))
		if !add("CA certificate", wrap("the CA certificate in the bundle", err), "taken from the bundle (pass --ca to pin one)") {
			return out
		}
		caFrom = "the bundle's CA"
	}
	add("certificate chain", wrap("the signer's certificate does not chain to "+caFrom+" at the signing time", pki.VerifyChain(cert, ca, b.SignedAt)),
		fmt.Sprintf("issued by %q, valid %s to %s, signed at %s", ca.Subject.CommonName, cert.NotBefore.Format(time.DateOnly), cert.NotAfter.Format(time.DateOnly), b.SignedAt.UTC().Format(time.RFC3339)))

	sigErr := func() error {
		raw, err := base64.StdEncoding.DecodeString(b.Signature)
		if err != nil {
			return fmt.Errorf("the signature is not base64: %w", err)
		}
		pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
		if !ok {
			return fmt.Errorf("the certificate's key is a %T, not ECDSA", cert.PublicKey)
		}
		if !ecdsa.VerifyASN1(pub, sum, raw) {
			return fmt.Errorf("the signature does not verify over the signed hash with the certificate's key")
		}
		return nil
	}()
	add("signature", sigErr, "ECDSA P-256 over SHA-256, by "+cert.Subject.CommonName)

	if b.Log == nil {
		out = append(out, Check{Name: "transparency log", OK: true, Detail: "not checked: the bundle carries no log proof"})
		return out
	}
	add("log record", logRecordErr(b, sum, cert), fmt.Sprintf("record %d names this signature", b.Log.Index))
	key := opt.LogKey
	if key == "" {
		key = b.Log.VerifierKey
	}
	head, err := translog.OpenHead([]byte(b.Log.TreeHead), key)
	if !add("tree head", wrap("the signed tree head", err), head.String()) {
		return out
	}
	var proof tlog.RecordProof
	for i, p := range b.Log.Proof {
		raw, err := base64.StdEncoding.DecodeString(p)
		if err != nil || len(raw) != tlog.HashSize {
			add("inclusion proof", fmt.Errorf("proof hash %d is not a base64 SHA-256 hash", i), "")
			return out
		}
		var h tlog.Hash
		copy(h[:], raw)
		proof = append(proof, h)
	}
	add("inclusion proof", translog.VerifyInclusion([]byte(b.Log.Record), b.Log.Index, proof, head),
		fmt.Sprintf("record %d is in the tree of %d records", b.Log.Index, head.Size))
	return out
}

// Passed reports whether every check is OK.
func Passed(cs []Check) bool {
	for _, c := range cs {
		if !c.OK {
			return false
		}
	}
	return len(cs) > 0
}

func formatErr(b Bundle) error {
	if b.Format != BundleFormat {
		return fmt.Errorf("the bundle's format is %q, want %q", b.Format, BundleFormat)
	}
	return nil
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

func certDetail(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	return fmt.Sprintf("serial %s, %s", c.SerialNumber, c.Subject)
}

func logRecordErr(b Bundle, sum []byte, cert *x509.Certificate) error {
	r, err := translog.ParseRecord([]byte(b.Log.Record))
	if err != nil {
		return err
	}
	switch {
	case r.DocumentID != b.ID:
		return fmt.Errorf("the record names signature %q, the bundle %q", r.DocumentID, b.ID)
	case !bytes.Equal(r.DocumentSHA256[:], sum):
		return fmt.Errorf("the record's document hash %x differs from the bundle's %s", r.DocumentSHA256, b.DocumentSHA256)
	case r.CertificateSerial != strconv.FormatInt(cert.SerialNumber.Int64(), 10) || !cert.SerialNumber.IsInt64():
		return fmt.Errorf("the record names certificate %s, the bundle %s", r.CertificateSerial, cert.SerialNumber)
	case !r.SignedAt.Equal(b.SignedAt):
		return fmt.Errorf("the record's signing time %s differs from the bundle's %s", r.SignedAt.Format(time.RFC3339Nano), b.SignedAt.Format(time.RFC3339Nano))
	}
	return nil
}

// ParseBundle reads a bundle's JSON.
func ParseBundle(data []byte) (Bundle, error) {
	var b Bundle
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&b); err != nil {
		return Bundle{}, fmt.Errorf("read bundle: %w", err)
	}
	return b, nil
}
