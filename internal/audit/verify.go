package audit

import "fmt"

// Break is the first place where the chain does not hold.
type Break struct {
	// Seq is the first broken entry: the changed one, the first missing
	// one, or the one whose link to its predecessor fails.
	Seq int64
	// Reason says what differs.
	Reason string
}

func (b Break) String() string { return fmt.Sprintf("entry %d: %s", b.Seq, b.Reason) }

// Report is the outcome of checking a chain.
type Report struct {
	// Entries is the number of entries checked; Head the hash of the last
	// one (Genesis when there are none).
	Entries int64
	Head    Digest
	// Broken is the first break, or nil when the chain is intact.
	Broken *Break
}

// OK reports whether the chain is intact.
func (r Report) OK() bool { return r.Broken == nil }

// Verifier checks a chain fed to it entry by entry in Seq order, holding
// only the last hash, so that a log of any length is checked in constant
// memory. After the first break it ignores further entries.
type Verifier struct {
	next   int64
	prev   Digest
	n      int64
	broken *Break
}

// NewVerifier returns a Verifier expecting entry 1, chained from Genesis.
func NewVerifier() *Verifier { return &Verifier{next: 1, prev: Genesis} }

// Add checks the next entry. It returns false once the chain is broken.
// An entry is broken when its Seq is not the next one (an entry before it
// was deleted, or entries were reordered), when its PrevHash is not the
// Hash of the entry before it, or when its Hash does not match its fields
// (it was changed after it was written).
func (v *Verifier) Add(e Entry) bool {
	if v.broken != nil {
		return false
	}
	switch {
	case e.Seq > v.next:
		v.fail(v.next, "missing: the log goes from entry %d to entry %d (entries deleted)", v.next-1, e.Seq)
	case e.Seq < v.next:
		v.fail(e.Seq, "out of order: it comes after entry %d (entries duplicated or renumbered)", v.next-1)
	case e.PrevHash != v.prev:
		v.fail(e.Seq, "its previous-entry hash %s is not the hash %s of %s (entries reordered, replaced or rewritten)",
			e.PrevHash.Short(), v.prev.Short(), v.predecessor())
	default:
		if h := Hash(v.prev, e); h != e.Hash {
			v.fail(e.Seq, "its content does not match its hash: stored %s, computed %s (the entry was changed after it was written)",
				e.Hash.Short(), h.Short())
		}
	}
	if v.broken != nil {
		return false
	}
	v.prev, v.next = e.Hash, e.Seq+1
	v.n++
	return true
}

// Reject records a break the chain rules cannot see, such as a stored
// entry that cannot be read (a hash that is not hex). It is ignored when
// the chain broke earlier.
func (v *Verifier) Reject(seq int64, reason string) {
	if v.broken == nil {
		v.broken = &Break{Seq: seq, Reason: reason}
	}
}

func (v *Verifier) predecessor() string {
	if v.next == 1 {
		return "the genesis"
	}
	return fmt.Sprintf("entry %d", v.next-1)
}

func (v *Verifier) fail(seq int64, format string, args ...any) {
	v.broken = &Break{Seq: seq, Reason: fmt.Sprintf(format, args...)}
}

// Finish compares the end of the chain with the recorded head (the last
// Seq and hash storage moved with every append), which catches entries
// deleted from the end, and returns the report.
func (v *Verifier) Finish(headSeq int64, headHash Digest) Report {
	if v.broken == nil {
		last := v.next - 1
		switch {
		case headSeq > last:
			v.fail(last+1, "missing: the log ends at entry %d but the head records %d entries (entries deleted from the end)", last, headSeq)
		case headSeq < last:
			v.fail(headSeq+1, "beyond the head: the head records %d entries but the log has %d (entries inserted)", headSeq, last)
		case headHash != v.prev:
			v.fail(last, "its hash %s is not the hash %s recorded in the head (the last entry was replaced)", v.prev.Short(), headHash.Short())
		}
	}
	return Report{Entries: v.n, Head: v.prev, Broken: v.broken}
}
