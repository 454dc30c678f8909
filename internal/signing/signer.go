package signing

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/translog"
)

// Signer is a signer's key opened with one passphrase entry, for one
// document family and one taxpayer. A document module that stores its
// documents and their signatures in one transaction (e-Faktur numbers a
// faktur and signs it in the approving transaction) opens a Signer, calls
// Prepare inside its transaction and saves what Prepare returns there.
// A Signer lives only as long as the request or job that opened it; the
// passphrase is never kept.
type Signer struct {
	svc       *Service
	key       *ecdsa.PrivateKey
	cert      Certificate
	signer    int64
	actingFor int64
	family    roles.Family
	actor     audit.Entry
}

// Prepared is a signature made but not yet stored: the row, the
// transparency log record and the audit entry that the caller's store
// saves in its transaction, as SaveSignature does.
type Prepared struct {
	Signature Signature
	Record    []byte
	Audit     audit.Entry
}

// Open makes every check Sign makes (acting for, signer role,
// certificate, lock, passphrase), auditing a refusal, and returns a
// Signer for family documents of actingFor (0 for the actor's subject).
func (s *Service) Open(ctx context.Context, family roles.Family, actingFor int64, passphrase, what string) (*Signer, error) {
	signer, cert, err := s.prepare(ctx, family, actingFor)
	if err != nil {
		return nil, err
	}
	actingFor = s.actingFor(ctx, actingFor)
	key, err := s.open(ctx, signer, cert, passphrase, what)
	if err != nil {
		return nil, s.refused(ctx, actingFor, family, err)
	}
	return &Signer{svc: s, key: key, cert: cert, signer: signer, actingFor: actingFor, family: family,
		actor: s.entry(ctx, actingFor, "signing.sign", "")}, nil
}

// SignerID is the person who signs.
func (k *Signer) SignerID() int64 { return k.signer }

// ActingForID is the taxpayer the documents are signed for.
func (k *Signer) ActingForID() int64 { return k.actingFor }

// CertificateSerial is the serial of the signing certificate.
func (k *Signer) CertificateSerial() int64 { return k.cert.Serial }

// Prepare signs doc. The caller stores the result (storage's
// saveSignature does it for the stores of this repository); until then
// the signature does not exist. Prepare is safe for concurrent use (the
// key is only read; the service's clock must be safe for concurrent
// use, as time.Now is), so a batch may be signed on several processors.
func (k *Signer) Prepare(doc []byte) (Prepared, error) {
	if err := checkDocument(doc); err != nil {
		return Prepared{}, err
	}
	sum := sha256.Sum256(doc)
	value, err := ecdsa.SignASN1(rand.Reader, k.key, sum[:])
	if err != nil {
		return Prepared{}, fmt.Errorf("sign: %w", err)
	}
	sig := Signature{PublicID: newPublicID(), CertificateID: k.cert.ID, SignerID: k.signer, ActingForID: k.actingFor,
		DocType: k.family, DocHash: hex.EncodeToString(sum[:]), Value: value, SignedAt: k.svc.now().UTC().Truncate(time.Microsecond), LogIndex: -1}
	record, err := translog.NewRecord(sig.PublicID, doc, strconv.FormatInt(k.cert.Serial, 10), sig.SignedAt).Marshal()
	if err != nil {
		return Prepared{}, err
	}
	ev := k.actor
	ev.At = k.svc.now()
	ev.Detail = fmt.Sprintf("%s document %s (SHA-256 %s) signed with certificate %d", k.family, sig.PublicID, sig.DocHash, k.cert.Serial)
	return Prepared{Signature: sig, Record: record, Audit: ev}, nil
}
