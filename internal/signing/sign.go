package signing

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/roles"
)

// MaxDocument is the largest document Sign accepts.
const MaxDocument = 16 << 20

// SignRequest is a document to sign.
type SignRequest struct {
	Document []byte
	// DocType is the document family (roles.TaxInvoice, ...).
	DocType roles.Family
	// ActingFor is the taxpayer the document is signed for: the person
	// themselves or the taxpayer they act for (0 for the actor's
	// subject).
	ActingFor int64
	// Passphrase opens the signer's key.
	Passphrase string
}

// Sign signs a document for the person signed in (actor.From(ctx)) with
// their certificate. It refuses, each with its own error (errors.Is):
// ErrNotAuthorized when the person does not act for req.ActingFor,
// ErrNoSignerRole when they lack the family's signer role for it,
// ErrNoCertificate, ErrRevoked or ErrExpired when they have no usable
// certificate, ErrLocked after too many wrong passphrases and
// ErrWrongPassphrase (which counts toward the lock). Every refusal and
// every signature is audited.
func (s *Service) Sign(ctx context.Context, req SignRequest) (Signature, error) {
	signer, cert, err := s.prepare(ctx, req.DocType, req.ActingFor)
	if err != nil {
		return Signature{}, err
	}
	actingFor := s.actingFor(ctx, req.ActingFor)
	if err := checkDocument(req.Document); err != nil {
		return Signature{}, err
	}
	key, err := s.open(ctx, signer, cert, req.Passphrase, "signing a "+string(req.DocType)+" document")
	if err != nil {
		return Signature{}, s.refused(ctx, actingFor, req.DocType, err)
	}
	return s.sign(ctx, key, cert, signer, actingFor, req.DocType, req.Document)
}

func checkDocument(doc []byte) error {
	if len(doc) == 0 {
		return errs.InvalidFields("there is nothing to sign", errs.Field("document", "", "is empty"))
	}
	if len(doc) > MaxDocument {
		return errs.InvalidFields("the document is too large", errs.Field("document", "", "holds %d bytes; at most %d can be signed", len(doc), MaxDocument))
	}
	return nil
}

func (s *Service) actingFor(ctx context.Context, id int64) int64 {
	if id == 0 {
		return actor.From(ctx).Subject()
	}
	return id
}

// prepare applies every check that does not need the passphrase, and
// audits a refusal.
func (s *Service) prepare(ctx context.Context, family roles.Family, actingFor int64) (int64, Certificate, error) {
	a := actor.From(ctx)
	if a.Kind != actor.Taxpayer || a.TaxpayerID == 0 {
		return 0, Certificate{}, errs.E(errs.Unauthenticated, "sign in to sign documents: only a person signs, with their own certificate")
	}
	if _, ok := signerRoles[family]; !ok {
		return 0, Certificate{}, errs.InvalidFields("the document type cannot be signed", errs.Field("doc_type", string(family), "is not a document family; use one of %s", familyNames()))
	}
	actingFor = s.actingFor(ctx, actingFor)
	if actingFor != a.Subject() {
		err := errs.Errorf(errs.Forbidden, "you are not acting for taxpayer %d: switch to that taxpayer's profile before signing its documents", actingFor).Wrap(ErrNotAuthorized)
		return 0, Certificate{}, s.refused(ctx, actingFor, family, err)
	}
	if err := s.policy.Allow(ctx, Action(family), actingFor); err != nil {
		if errs.Is(errs.Forbidden, err) {
			err = (&errs.Error{Kind: errs.Forbidden, Message: errs.Message(err) + fmt.Sprintf(" (the %s role is needed)", signerRoles[family].Info().Code)}).Wrap(ErrNoSignerRole)
		}
		return 0, Certificate{}, s.refused(ctx, actingFor, family, err)
	}
	cert, err := s.current(ctx, a.TaxpayerID)
	if err != nil {
		return 0, Certificate{}, s.refused(ctx, actingFor, family, err)
	}
	return a.TaxpayerID, cert, nil
}

// refused writes a refusal to the audit log and returns err; a wrong
// passphrase is already recorded with its count.
func (s *Service) refused(ctx context.Context, actingFor int64, family roles.Family, err error) error {
	if errors.Is(err, ErrWrongPassphrase) || errs.Is(errs.Internal, err) || errs.Is(errs.Unavailable, err) {
		return err
	}
	ev := s.entry(ctx, actingFor, "signing.refused", fmt.Sprintf("signing a %s document refused: %s", family, errs.Message(err)))
	if aerr := s.store.Refused(ctx, ev); aerr != nil {
		return aerr
	}
	return err
}

func (s *Service) sign(ctx context.Context, key *ecdsa.PrivateKey, cert Certificate, signer, actingFor int64, family roles.Family, doc []byte) (Signature, error) {
	save := func(sig Signature, record []byte, ev audit.Entry) (Signature, error) {
		return s.store.SaveSignature(ctx, sig, record, ev)
	}
	return s.signWith(ctx, key, cert, signer, actingFor, family, doc, save)
}

// signWith signs doc and stores the signature with save.
func (s *Service) signWith(ctx context.Context, key *ecdsa.PrivateKey, cert Certificate, signer, actingFor int64, family roles.Family, doc []byte,
	save func(Signature, []byte, audit.Entry) (Signature, error)) (Signature, error) {
	k := &Signer{svc: s, key: key, cert: cert, signer: signer, actingFor: actingFor, family: family, actor: s.entry(ctx, actingFor, "signing.sign", "")}
	p, err := k.Prepare(doc)
	if err != nil {
		return Signature{}, err
	}
	return save(p.Signature, p.Record, p.Audit)
}

// newPublicID returns a random identifier of 20 base32 characters (100
// bits), so that signatures cannot be found by counting.
func newPublicID() string {
	b := make([]byte, 13)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:20]
}

func familyNames() string {
	var names []string
	for _, f := range Families() {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

// Verification returns a signature with its certificate and the names
// it concerns, for the public verification page: anyone may read it, the
// random identifier being the capability.
func (s *Service) Verification(ctx context.Context, publicID string) (View, error) {
	return s.store.SignatureView(ctx, strings.ToLower(strings.TrimSpace(publicID)))
}
