// Package audit is the append-only, tamper-evident security log: logins,
// one-time codes, password and role changes, impersonation, profile
// changes. Entries form a hash chain: each entry's hash covers its own
// fields and the hash of the entry before it, so that changing, deleting
// or reordering a stored entry breaks the chain at that entry, and the
// Verifier names it.
//
// Storage appends entries inside the transaction of the change they record
// (see storage's appendAudit); this package holds the pure parts — the
// canonical encoding, the hash and the verifier — and the Service that
// reads the log for the people it concerns.
package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// Digest is a SHA-256 hash of an entry.
type Digest [sha256.Size]byte

// Genesis is the hash the first entry chains from: 32 zero bytes.
var Genesis Digest

// String returns the digest in lower-case hex, the form stored and shown.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// Short returns the first 12 hex digits, for messages.
func (d Digest) Short() string { return d.String()[:12] }

// ParseDigest parses 64 hex digits.
func ParseDigest(s string) (Digest, error) {
	var d Digest
	if len(s) != 2*len(d) {
		return d, fmt.Errorf("hash %q: want %d hex digits, got %d", s, 2*len(d), len(s))
	}
	if _, err := hex.Decode(d[:], []byte(s)); err != nil {
		return d, fmt.Errorf("hash %q: %w", s, err)
	}
	return d, nil
}

// Entry is one record of the audit log.
type Entry struct {
	// Seq numbers entries 1, 2, 3, ... without gaps, in the order they
	// were appended.
	Seq int64
	// At is when the event happened. Storage keeps microseconds (the
	// precision of PostgreSQL timestamps), so At is truncated to the
	// microsecond before it is hashed.
	At time.Time
	// Actor is who acted, as actor.Actor.String renders it.
	Actor string
	// AccountID is the account concerned (the one signed in, or the one a
	// failed login tried), 0 for none.
	AccountID int64
	// TaxpayerID is the taxpayer concerned or acted for, 0 for none.
	TaxpayerID int64
	// Action is a dotted name: "access.login.failed",
	// "registration.update".
	Action string
	// Address is the client's network address, when known.
	Address string
	// Detail says in words what happened or changed ("email: a@x → b@x").
	Detail string
	// PrevHash is the Hash of entry Seq-1 (Genesis for the first entry);
	// Hash is Hash(PrevHash, the entry).
	PrevHash Digest
	Hash     Digest
}

// hashVersion starts every encoded entry so that a future change of the
// encoding cannot produce the same bytes as this one.
const hashVersion = "coretax-audit-v1"

// timeLayout is RFC 3339 with exactly nine fractional digits, so that a
// time has one encoding.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// Canonical returns the bytes that Hash hashes: the version tag, prev, and
// the entry's fields in a fixed order (Seq, At, Actor, AccountID,
// TaxpayerID, Action, Address, Detail), each preceded by its length as an
// 8-byte big-endian integer so that no two entries encode alike. Integers
// are decimal, At is UTC RFC 3339 with nanoseconds. PrevHash and Hash of e
// are not part of it: prev takes PrevHash's place.
func Canonical(prev Digest, e Entry) []byte {
	fields := [][]byte{
		[]byte(hashVersion),
		prev[:],
		[]byte(strconv.FormatInt(e.Seq, 10)),
		[]byte(e.At.UTC().Format(timeLayout)),
		[]byte(e.Actor),
		[]byte(strconv.FormatInt(e.AccountID, 10)),
		[]byte(strconv.FormatInt(e.TaxpayerID, 10)),
		[]byte(e.Action),
		[]byte(e.Address),
		[]byte(e.Detail),
	}
	n := 0
	for _, f := range fields {
		n += 8 + len(f)
	}
	b := make([]byte, 0, n)
	for _, f := range fields {
		b = binary.BigEndian.AppendUint64(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// Hash returns the hash of e chained from prev: SHA-256 of Canonical(prev, e).
func Hash(prev Digest, e Entry) Digest {
	return sha256.Sum256(Canonical(prev, e))
}

// Seal prepares e to follow an entry with sequence number seq-1 and hash
// prev: it sets Seq, truncates At to the stored precision, and fills
// PrevHash and Hash.
func Seal(e Entry, seq int64, prev Digest) Entry {
	e.Seq = seq
	e.At = e.At.UTC().Truncate(time.Microsecond)
	e.PrevHash = prev
	e.Hash = Hash(prev, e)
	return e
}
