// Package pki is the certificate authority of the signing service: the
// system CA (created on first start in the data directory, or supplied as
// files), the X.509 certificates it issues to people, their ECDSA P-256
// key pairs and the sealing of a private key under the holder's signing
// passphrase (argon2id, then AES-256-GCM).
//
// It knows nothing of taxpayers or storage: the signing package decides
// whom to certify and keeps what this package produces.
package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// CAName starts the common name of a CA this package creates; the
// installation's name follows it.
const CAName = "Coretax Signing CA"

// CAValidity is how long a created CA certificate is valid.
const CAValidity = 10 * 365 * 24 * time.Hour

// DefaultValidity is how long a person's certificate is valid: two years
// (PER-7/PJ/2025 as reported by secondary sources, identifiers.md §7,
// "likely"); the signing service takes it as configuration.
const DefaultValidity = 2 * 365 * 24 * time.Hour

// CA is a certificate authority: its certificate and signing key.
type CA struct {
	Cert *x509.Certificate
	key  crypto.Signer
}

// The files of a CA in its directory.
const (
	KeyFile  = "ca.key"
	CertFile = "ca.crt"
)

// LoadOrCreate loads the CA kept in dir (DATA/ca), or creates one there
// when dir holds neither file: a self-signed ECDSA P-256 certificate valid
// for CAValidity, named CAName plus installation. The key is written with
// mode 0600. A directory with only one of the two files is an error, so a
// lost key is never silently replaced.
func LoadOrCreate(dir, installation string, now time.Time) (*CA, error) {
	keyPath, certPath := filepath.Join(dir, KeyFile), filepath.Join(dir, CertFile)
	_, kerr := os.Stat(keyPath)
	_, cerr := os.Stat(certPath)
	switch {
	case kerr == nil && cerr == nil:
		return Load(certPath, keyPath)
	case errors.Is(kerr, os.ErrNotExist) && errors.Is(cerr, os.ErrNotExist):
	case kerr != nil && !errors.Is(kerr, os.ErrNotExist):
		return nil, fmt.Errorf("signing CA: %w", kerr)
	case cerr != nil && !errors.Is(cerr, os.ErrNotExist):
		return nil, fmt.Errorf("signing CA: %w", cerr)
	default:
		return nil, fmt.Errorf("signing CA: %s holds only one of %s and %s; restore the other or remove both to create a new CA", dir, KeyFile, CertFile)
	}
	ca, keyPEM, err := NewCA(installation, now)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("signing CA: %w", err)
	}
	if err := os.WriteFile(keyPath, keyPEM, 0o600); err != nil {
		return nil, fmt.Errorf("signing CA: %w", err)
	}
	if err := os.WriteFile(certPath, ca.CertPEM(), 0o644); err != nil {
		return nil, fmt.Errorf("signing CA: %w", err)
	}
	return ca, nil
}

// NewCA creates a self-signed CA in memory and returns it with its private
// key in PEM (PKCS #8).
func NewCA(installation string, now time.Time) (*CA, []byte, error) {
	key, err := GenerateKey()
	if err != nil {
		return nil, nil, err
	}
	name := CAName
	if s := strings.TrimSpace(installation); s != "" {
		name += " " + s
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, fmt.Errorf("signing CA serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name, Organization: []string{"Coretax"}},
		NotBefore:             now.Add(-time.Minute).UTC(),
		NotAfter:              now.Add(CAValidity).UTC(),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
		SubjectKeyId:          keyID(&key.PublicKey),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("create signing CA: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("create signing CA: %w", err)
	}
	p8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("create signing CA: %w", err)
	}
	return &CA{Cert: cert, key: key}, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}), nil
}

// Load reads a CA from a PEM certificate file and a PEM private key file
// (PKCS #8, SEC 1 "EC PRIVATE KEY" or PKCS #1): the system's own CA, or an
// external one supplied with --ca-cert and --ca-key. The certificate must
// be a CA allowed to sign certificates, and the key must match it.
func Load(certFile, keyFile string) (*CA, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("signing CA certificate: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("signing CA key: %w", err)
	}
	return Parse(certPEM, keyPEM)
}

// Parse builds a CA from its PEM certificate and PEM private key.
func Parse(certPEM, keyPEM []byte) (*CA, error) {
	cert, err := ParseCertificatePEM(certPEM)
	if err != nil {
		return nil, fmt.Errorf("signing CA certificate: %w", err)
	}
	if !cert.IsCA || cert.KeyUsage != 0 && cert.KeyUsage&x509.KeyUsageCertSign == 0 {
		return nil, fmt.Errorf("signing CA certificate %q is not a CA allowed to sign certificates", cert.Subject.CommonName)
	}
	b, _ := pem.Decode(keyPEM)
	if b == nil {
		return nil, fmt.Errorf("signing CA key: no PEM block")
	}
	var key any
	switch b.Type {
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(b.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(b.Bytes)
	default:
		key, err = x509.ParsePKCS8PrivateKey(b.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("signing CA key: %w", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("signing CA key: %T cannot sign", key)
	}
	pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return nil, fmt.Errorf("signing CA key does not match the certificate %q", cert.Subject.CommonName)
	}
	return &CA{Cert: cert, key: signer}, nil
}

// CertPEM returns the CA certificate in PEM.
func (ca *CA) CertPEM() []byte { return CertPEM(ca.Cert.Raw) }

// Subject is whom a certificate names: a person as registered.
type Subject struct {
	// Name is the person's registered name (the common name).
	Name string
	// SerialNumber is their NPWP or NIK (the serialNumber attribute).
	SerialNumber string
	// Country is their nationality as ISO 3166-1 alpha-3 ("IDN"); the
	// certificate carries it as alpha-2 ("ID"), as X.520 requires.
	Country string
}

// Issue signs a certificate for subject's public key pub, valid from
// notBefore to notAfter, for digital signatures only, with the given
// serial number. It returns the certificate in DER.
func (ca *CA) Issue(s Subject, pub crypto.PublicKey, notBefore, notAfter time.Time, serial int64) ([]byte, error) {
	if strings.TrimSpace(s.Name) == "" || strings.TrimSpace(s.SerialNumber) == "" {
		return nil, fmt.Errorf("issue certificate: the subject needs a name and an identity number")
	}
	if serial <= 0 {
		return nil, fmt.Errorf("issue certificate: serial %d is not positive", serial)
	}
	if !notAfter.After(notBefore) {
		return nil, fmt.Errorf("issue certificate: not after %s is not later than not before %s", notAfter, notBefore)
	}
	name := pkix.Name{CommonName: s.Name, SerialNumber: s.SerialNumber}
	if s.Country != "" {
		c, err := Alpha2(s.Country)
		if err != nil {
			return nil, fmt.Errorf("issue certificate: %w", err)
		}
		name.Country = []string{c}
	}
	ecPub, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("issue certificate: the key is a %T, not an ECDSA key", pub)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               name,
		NotBefore:             notBefore.UTC(),
		NotAfter:              notAfter.UTC(),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		SubjectKeyId:          keyID(ecPub),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, pub, ca.key)
	if err != nil {
		return nil, fmt.Errorf("issue certificate %d: %w", serial, err)
	}
	return der, nil
}

// Alpha2 converts an ISO 3166-1 alpha-3 country code to alpha-2
// ("IDN" → "ID"); an alpha-2 code is returned as is.
func Alpha2(code string) (string, error) {
	r, err := language.ParseRegion(strings.TrimSpace(code))
	if err != nil || !r.IsCountry() {
		return "", fmt.Errorf("%q is not an ISO 3166-1 country code", code)
	}
	return r.String(), nil
}

// GenerateKey returns a new ECDSA P-256 key pair.
func GenerateKey() (*ecdsa.PrivateKey, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return k, nil
}

// keyID is the subject key identifier: SHA-256 of the public key, cut to
// 20 bytes (RFC 7093 §2 method 1).
func keyID(pub *ecdsa.PublicKey) []byte {
	b, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil
	}
	sum := sha256.Sum256(b)
	return sum[:20]
}

// CertPEM encodes a DER certificate as PEM.
func CertPEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// ParseCertificatePEM parses the first certificate of a PEM text.
func ParseCertificatePEM(b []byte) (*x509.Certificate, error) {
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return nil, fmt.Errorf("no CERTIFICATE block in the PEM text")
		}
		if blk.Type == "CERTIFICATE" {
			return x509.ParseCertificate(blk.Bytes)
		}
	}
}

// VerifyChain checks that cert was issued by ca, was valid at the instant
// at, and may make digital signatures.
func VerifyChain(cert, ca *x509.Certificate, at time.Time) error {
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return err
	}
	if cert.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return fmt.Errorf("certificate %s may not make digital signatures", cert.SerialNumber)
	}
	return nil
}
