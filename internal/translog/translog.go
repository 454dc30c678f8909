// Package translog is the transparency log of signed documents: an
// append-only Merkle tree (golang.org/x/mod/sumdb/tlog, the hashing of
// Certificate Transparency, RFC 6962) whose tree heads the system signs
// with its log key as notes (golang.org/x/mod/sumdb/note).
//
// Every signed document's record is appended to the log in the same
// transaction as its signature. Anyone holding the log's verifier key can
// then check, offline and without trusting the server, that a record is in
// the log (VerifyInclusion against a signed head) and that a later head
// extends an earlier one (VerifyConsistency), so the log was not rewritten.
//
// The pure functions of this file are what an offline verifier uses; the
// Service in service.go answers the proofs from the stored tree.
package translog

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Origin is the first line of every tree head note: it names the log and
// the version of the head format.
const Origin = "coretax transparency log v1"

// RecordHeader is the first line of every record.
const RecordHeader = "coretax signed document v1"

// Head is a tree head: the log held Size records whose Merkle tree hash
// was Hash at Time.
type Head struct {
	Size int64
	Hash tlog.Hash
	Time time.Time
}

// String formats h for messages.
func (h Head) String() string {
	return fmt.Sprintf("size %d, hash %s", h.Size, h.Hash)
}

// FormatHead returns the text of the note that signs h:
//
//	coretax transparency log v1
//	<size, decimal>
//	<tree hash, standard base64>
//	<time, RFC 3339 in UTC>
func FormatHead(h Head) []byte {
	return fmt.Appendf(nil, "%s\n%d\n%s\n%s\n", Origin, h.Size,
		base64.StdEncoding.EncodeToString(h.Hash[:]), h.Time.UTC().Format(time.RFC3339Nano))
}

// ParseHead parses the text of a head note (FormatHead's output).
func ParseHead(text []byte) (Head, error) {
	lines := strings.Split(string(text), "\n")
	if len(lines) != 5 || lines[4] != "" {
		return Head{}, errors.New("tree head: want four lines, each ending in a newline")
	}
	if lines[0] != Origin {
		return Head{}, fmt.Errorf("tree head: first line is %q, want %q", lines[0], Origin)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return Head{}, fmt.Errorf("tree head: size %q is not a non-negative decimal number", lines[1])
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		return Head{}, fmt.Errorf("tree head: hash %q is not %d bytes in base64", lines[2], tlog.HashSize)
	}
	at, err := time.Parse(time.RFC3339Nano, lines[3])
	if err != nil {
		return Head{}, fmt.Errorf("tree head: time %q: %w", lines[3], err)
	}
	return Head{Size: size, Hash: tlog.Hash(raw), Time: at.UTC()}, nil
}

// SignHead signs h with signer and returns the signed note.
func SignHead(h Head, signer note.Signer) ([]byte, error) {
	msg, err := note.Sign(&note.Note{Text: string(FormatHead(h))}, signer)
	if err != nil {
		return nil, fmt.Errorf("sign tree head: %w", err)
	}
	return msg, nil
}

// OpenHead checks the signature of a signed head note against the log's
// verifier key (the text of note.NewVerifier's key, e.g. from
// GET /api/v1/log/key) and returns the head.
func OpenHead(msg []byte, verifierKey string) (Head, error) {
	v, err := note.NewVerifier(strings.TrimSpace(verifierKey))
	if err != nil {
		return Head{}, fmt.Errorf("log verifier key: %w", err)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return Head{}, fmt.Errorf("tree head signature: %w", err)
	}
	return ParseHead([]byte(n.Text))
}

// VerifyInclusion checks that record is record number index of the tree
// named by head, using proof (from Service.Prove or the API). It fails
// when the record, the index, the proof or the head was changed.
func VerifyInclusion(record []byte, index int64, proof tlog.RecordProof, head Head) error {
	if index < 0 || index >= head.Size {
		return fmt.Errorf("record %d is not in a tree of %d records", index, head.Size)
	}
	if err := tlog.CheckRecord(proof, head.Size, head.Hash, index, tlog.RecordHash(record)); err != nil {
		return fmt.Errorf("record %d is not proved in the tree of %s: %w", index, head, err)
	}
	return nil
}

// VerifyConsistency checks that the tree of newHead extends the tree of
// oldHead, using proof (from Service.ProveConsistency or the API): every
// record of the old tree is still in the new one, unchanged and in the same
// place. Equal heads need no proof.
func VerifyConsistency(proof tlog.TreeProof, oldHead, newHead Head) error {
	if oldHead.Size > newHead.Size {
		return fmt.Errorf("the old tree (%d records) is larger than the new one (%d)", oldHead.Size, newHead.Size)
	}
	if oldHead.Size == 0 {
		return nil
	}
	if err := tlog.CheckTree(proof, newHead.Size, newHead.Hash, oldHead.Size, oldHead.Hash); err != nil {
		return fmt.Errorf("the tree of %s does not extend the tree of %s: %w", newHead, oldHead, err)
	}
	return nil
}

// Record is what the log holds for one signed document.
type Record struct {
	DocumentID        string    // the signed document's identifier
	DocumentSHA256    [32]byte  // SHA-256 of the signed document bytes
	CertificateSerial string    // serial of the signer's certificate
	SignedAt          time.Time // signing time
}

// NewRecord returns the record of document, signed under the certificate
// with the given serial at signedAt.
func NewRecord(documentID string, document []byte, certificateSerial string, signedAt time.Time) Record {
	return Record{DocumentID: documentID, DocumentSHA256: sha256.Sum256(document),
		CertificateSerial: certificateSerial, SignedAt: signedAt}
}

// Marshal returns the record's bytes, the text that is logged and hashed:
//
//	coretax signed document v1
//	<document id>
//	<SHA-256 of the document, lower-case hex>
//	<certificate serial>
//	<signing time, RFC 3339 in UTC>
//
// It fails when a text field is empty or holds a line break.
func (r Record) Marshal() ([]byte, error) {
	for name, v := range map[string]string{"document id": r.DocumentID, "certificate serial": r.CertificateSerial} {
		if v == "" || strings.ContainsAny(v, "\r\n") {
			return nil, fmt.Errorf("log record: the %s must be one non-empty line, not %q", name, v)
		}
	}
	if r.SignedAt.IsZero() {
		return nil, errors.New("log record: the signing time is missing")
	}
	return fmt.Appendf(nil, "%s\n%s\n%s\n%s\n%s\n", RecordHeader, r.DocumentID, hex.EncodeToString(r.DocumentSHA256[:]),
		r.CertificateSerial, r.SignedAt.UTC().Format(time.RFC3339Nano)), nil
}

// ParseRecord parses a record's bytes (Marshal's output).
func ParseRecord(b []byte) (Record, error) {
	lines := strings.Split(string(b), "\n")
	if len(lines) != 6 || lines[5] != "" {
		return Record{}, errors.New("log record: want five lines, each ending in a newline")
	}
	if lines[0] != RecordHeader {
		return Record{}, fmt.Errorf("log record: first line is %q, want %q", lines[0], RecordHeader)
	}
	var r Record
	r.DocumentID, r.CertificateSerial = lines[1], lines[3]
	if r.DocumentID == "" || r.CertificateSerial == "" {
		return Record{}, errors.New("log record: the document id or certificate serial is empty")
	}
	sum, err := hex.DecodeString(lines[2])
	if err != nil || len(sum) != sha256.Size || hex.EncodeToString(sum) != lines[2] {
		return Record{}, fmt.Errorf("log record: document hash %q is not a lower-case hex SHA-256", lines[2])
	}
	copy(r.DocumentSHA256[:], sum)
	if r.SignedAt, err = time.Parse(time.RFC3339Nano, lines[4]); err != nil {
		return Record{}, fmt.Errorf("log record: signing time %q: %w", lines[4], err)
	}
	r.SignedAt = r.SignedAt.UTC()
	return r, nil
}

// Matches reports whether the record names document.
func (r Record) Matches(document []byte) bool {
	sum := sha256.Sum256(document)
	return bytes.Equal(sum[:], r.DocumentSHA256[:])
}
