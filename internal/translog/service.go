package translog

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/coretax/coretax/internal/errs"
)

// Store reads the stored log. storage.TransLogStore implements it; records
// are appended by the stores whose changes they record.
type Store interface {
	Size(ctx context.Context) (int64, error)
	Record(ctx context.Context, index int64) ([]byte, error)
	TreeHash(ctx context.Context, size int64) (tlog.Hash, error)
	InclusionProof(ctx context.Context, index, size int64) (tlog.RecordProof, error)
	ConsistencyProof(ctx context.Context, oldSize, newSize int64) (tlog.TreeProof, error)
}

// SignedHead is a tree head with the note that signs it.
type SignedHead struct {
	Head
	Note []byte // the signed note: FormatHead's text and the signature line
}

// Entry is one record of the log with the proof that it is in the tree of
// Head.
type Entry struct {
	Index  int64
	Record []byte
	Proof  tlog.RecordProof
	Head   SignedHead
}

// Consistency proves that the tree of New extends the tree of Old.
type Consistency struct {
	Old   Head
	New   Head
	Proof tlog.TreeProof
}

// Service signs tree heads and answers proofs.
type Service struct {
	store    Store
	signer   note.Signer
	verifier string
	now      func() time.Time
}

// NewService returns the service of the log in store, signing heads with
// the note signer key signerKey (see LoadOrCreateKey). now gives the time
// written into heads.
func NewService(store Store, signerKey string, now func() time.Time) (*Service, error) {
	signer, err := note.NewSigner(strings.TrimSpace(signerKey))
	if err != nil {
		return nil, fmt.Errorf("transparency log key: %w", err)
	}
	vkey, err := VerifierKey(signerKey)
	if err != nil {
		return nil, err
	}
	return &Service{store: store, signer: signer, verifier: vkey, now: now}, nil
}

// VerifierKey returns the public verifier key text of the log, which
// anyone uses to open signed heads (OpenHead).
func (s *Service) VerifierKey() string { return s.verifier }

// Head returns the current tree head, signed now.
func (s *Service) Head(ctx context.Context) (SignedHead, error) {
	size, err := s.store.Size(ctx)
	if err != nil {
		return SignedHead{}, err
	}
	return s.headAt(ctx, size)
}

func (s *Service) headAt(ctx context.Context, size int64) (SignedHead, error) {
	hash, err := s.store.TreeHash(ctx, size)
	if err != nil {
		return SignedHead{}, err
	}
	h := Head{Size: size, Hash: hash, Time: s.now().UTC()}
	msg, err := SignHead(h, s.signer)
	if err != nil {
		return SignedHead{}, err
	}
	return SignedHead{Head: h, Note: msg}, nil
}

// Prove returns record index with its inclusion proof against the
// current head.
func (s *Service) Prove(ctx context.Context, index int64) (Entry, error) {
	if index < 0 {
		return Entry{}, errs.Errorf(errs.Invalid, "a log index is 0 or more, not %d", index)
	}
	head, err := s.Head(ctx)
	if err != nil {
		return Entry{}, err
	}
	if index >= head.Size {
		return Entry{}, errs.Errorf(errs.NotFound, "the transparency log has no record %d; it holds %d records", index, head.Size)
	}
	rec, err := s.store.Record(ctx, index)
	if err != nil {
		return Entry{}, err
	}
	proof, err := s.store.InclusionProof(ctx, index, head.Size)
	if err != nil {
		return Entry{}, err
	}
	return Entry{Index: index, Record: rec, Proof: proof, Head: head}, nil
}

// ProveConsistency proves that the tree of newSize records extends the
// tree of oldSize records; newSize 0 means the current size.
func (s *Service) ProveConsistency(ctx context.Context, oldSize, newSize int64) (Consistency, error) {
	if newSize == 0 {
		n, err := s.store.Size(ctx)
		if err != nil {
			return Consistency{}, err
		}
		newSize = n
	}
	if oldSize < 1 || oldSize > newSize {
		return Consistency{}, errs.Errorf(errs.Invalid, "the old tree size must be between 1 and the new size %d, not %d", newSize, oldSize)
	}
	oldHash, err := s.store.TreeHash(ctx, oldSize)
	if err != nil {
		return Consistency{}, err
	}
	newHash, err := s.store.TreeHash(ctx, newSize)
	if err != nil {
		return Consistency{}, err
	}
	proof, err := s.store.ConsistencyProof(ctx, oldSize, newSize)
	if err != nil {
		return Consistency{}, err
	}
	return Consistency{Old: Head{Size: oldSize, Hash: oldHash}, New: Head{Size: newSize, Hash: newHash}, Proof: proof}, nil
}

// KeyFile is the name of the log's signer key in the data directory, and
// KeyName the name a new key is given (it appears in every signature
// line of a signed head).
const (
	KeyFile = "translog.key"
	KeyName = "coretax-log"
)

// VerifierKey returns the verifier key text that belongs to the signer
// key text signerKey.
func VerifierKey(signerKey string) (string, error) {
	// A signer key is "PRIVATE+KEY+<name>+<hash>+<base64>" and its
	// verifier "<name>+<hash>+<base64 of the public key>"; note derives
	// the latter through NewEd25519VerifierKey.
	signer, err := note.NewSigner(strings.TrimSpace(signerKey))
	if err != nil {
		return "", fmt.Errorf("transparency log key: %w", err)
	}
	parts := strings.SplitN(strings.TrimSpace(signerKey), "+", 5)
	if len(parts) != 5 {
		return "", errors.New("transparency log key: not a note signer key")
	}
	key, err := decodeSignerKey(parts[4])
	if err != nil {
		return "", err
	}
	vkey, err := note.NewEd25519VerifierKey(signer.Name(), key.Public().(ed25519.PublicKey))
	if err != nil {
		return "", fmt.Errorf("transparency log key: %w", err)
	}
	return vkey, nil
}

// LoadKey returns the signer key text in path: a key supplied by the
// operator, which must exist.
func LoadKey(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read transparency log key: %w", err)
	}
	k := strings.TrimSpace(string(b))
	if _, err := VerifierKey(k); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// LoadOrCreateKey returns the signer key text in path, creating a new
// Ed25519 key named KeyName there (mode 0600) when the file does not
// exist; created reports which. Beside a new key it writes the verifier
// key to path + ".pub" for publication.
func LoadOrCreateKey(path string) (signerKey string, created bool, err error) {
	k, err := LoadKey(path)
	if err == nil {
		return k, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", false, err
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, KeyName)
	if err != nil {
		return "", false, fmt.Errorf("generate transparency log key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", false, fmt.Errorf("create data directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", false, fmt.Errorf("create transparency log key: %w", err)
	}
	if _, err := f.WriteString(skey + "\n"); err != nil {
		f.Close()
		return "", false, fmt.Errorf("write transparency log key: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", false, fmt.Errorf("write transparency log key: %w", err)
	}
	if err := os.WriteFile(path+".pub", []byte(vkey+"\n"), 0o644); err != nil {
		return "", false, fmt.Errorf("write transparency log verifier key: %w", err)
	}
	return skey, true, nil
}

// decodeSignerKey decodes the key part of a note signer key: the
// algorithm byte 1 (Ed25519) and the 32-byte seed, in base64.
func decodeSignerKey(s string) (ed25519.PrivateKey, error) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return nil, errors.New("transparency log key: not an Ed25519 note signer key")
	}
	return ed25519.NewKeyFromSeed(raw[1:]), nil
}
