package signing

import (
	"context"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/roles"
)

// MaxBatch is the largest number of documents one batch signs.
const MaxBatch = 1000

// JobState is the state of a batch signing job.
type JobState string

// The job states: a job is running until every document has ended.
const (
	JobRunning JobState = "running"
	JobDone    JobState = "done"
)

// ItemState is the state of one document of a job.
type ItemState string

// The item states; pending is the only one that is not final.
const (
	ItemPending ItemState = "pending"
	ItemSigned  ItemState = "signed"
	ItemRefused ItemState = "refused"
)

// Job is a batch signing job: many documents of one family for one
// taxpayer, signed with one passphrase entry.
type Job struct {
	ID          int64
	SignerID    int64
	ActingForID int64
	DocType     roles.Family
	State       JobState
	CreatedAt   time.Time
	FinishedAt  time.Time
	Items       []JobItem
}

// JobItem is one document of a job.
type JobItem struct {
	Seq     int
	DocHash string
	State   ItemState
	// SignatureID and PublicID name the signature of a signed document.
	SignatureID int64
	PublicID    string
	// Reason says why a document was refused.
	Reason string
}

// Counts returns the number of signed, refused and pending documents.
func (j Job) Counts() (signed, refused, pending int) {
	for _, it := range j.Items {
		switch it.State {
		case ItemSigned:
			signed++
		case ItemRefused:
			refused++
		default:
			pending++
		}
	}
	return
}

// JobStore keeps batch signing jobs. Documents are kept only while their
// item is pending.
type JobStore interface {
	// CreateJob stores a running job with one pending item per document.
	CreateJob(ctx context.Context, j Job, docs [][]byte) (Job, error)
	// SaveJobSignature is SaveSignature that also marks item seq of job
	// signed, in the same transaction.
	SaveJobSignature(ctx context.Context, jobID int64, seq int, sig Signature, record []byte, ev audit.Entry) (Signature, error)
	// RefuseJobItem marks a pending item refused with reason.
	RefuseJobItem(ctx context.Context, jobID int64, seq int, reason string) error
	// FinishJob marks a job done and writes ev.
	FinishJob(ctx context.Context, jobID int64, at time.Time, ev audit.Entry) error
	// Job returns a job with its items.
	Job(ctx context.Context, id int64) (Job, error)
	// EndInterrupted ends the jobs a stopped server left running: their
	// pending items are refused with reason and the jobs marked done. It
	// returns the number of jobs ended.
	EndInterrupted(ctx context.Context, at time.Time, reason string) (int, error)
}

// interruptedReason is the reason of documents left pending by a server
// that stopped: the passphrase lived only in the stopped request.
const interruptedReason = "not signed: the server stopped before this document was reached; sign it again"

// SignBatch signs many documents of one family for one taxpayer with one
// passphrase entry, as a durable job. The checks that concern the signer
// (acting for, role, certificate, lock, passphrase) are made once and a
// refusal there refuses the whole batch with that error, before any job
// exists. Otherwise the job is stored with every document pending and
// each document then ends signed or refused with its reason (an empty or
// oversized document, a failure to store). The job always ends: here, or,
// if the server stops mid-batch, at the next start (EndInterrupted),
// because the passphrase is never stored.
func (s *Service) SignBatch(ctx context.Context, docs [][]byte, family roles.Family, actingFor int64, passphrase string) (Job, error) {
	if len(docs) == 0 || len(docs) > MaxBatch {
		return Job{}, errs.InvalidFields("the batch cannot be signed", errs.Field("documents", "", "holds %d documents; give 1 to %d", len(docs), MaxBatch))
	}
	signer, cert, err := s.prepare(ctx, family, actingFor)
	if err != nil {
		return Job{}, err
	}
	actingFor = s.actingFor(ctx, actingFor)
	key, err := s.open(ctx, signer, cert, passphrase, fmt.Sprintf("a batch of %d %s documents", len(docs), family))
	if err != nil {
		return Job{}, s.refused(ctx, actingFor, family, err)
	}
	job, err := s.store.CreateJob(ctx, Job{SignerID: signer, ActingForID: actingFor, DocType: family, State: JobRunning, CreatedAt: s.now().UTC()}, docs)
	if err != nil {
		return Job{}, err
	}
	for i, doc := range docs {
		seq := i + 1
		if err := checkDocument(doc); err != nil {
			if rerr := s.store.RefuseJobItem(ctx, job.ID, seq, refusalText(err)); rerr != nil {
				return Job{}, rerr
			}
			continue
		}
		save := func(sig Signature, record []byte, ev audit.Entry) (Signature, error) {
			return s.store.SaveJobSignature(ctx, job.ID, seq, sig, record, ev)
		}
		if _, err := s.signWith(ctx, key, cert, signer, actingFor, family, doc, save); err != nil {
			if rerr := s.store.RefuseJobItem(ctx, job.ID, seq, refusalText(err)); rerr != nil {
				return Job{}, rerr
			}
		}
	}
	done, err := s.store.Job(ctx, job.ID)
	if err != nil {
		return Job{}, err
	}
	signed, refused, _ := done.Counts()
	ev := s.entry(ctx, actingFor, "signing.batch", fmt.Sprintf("batch job %d of %d %s documents: %d signed, %d refused", job.ID, len(docs), family, signed, refused))
	if err := s.store.FinishJob(ctx, job.ID, s.now(), ev); err != nil {
		return Job{}, err
	}
	return s.store.Job(ctx, job.ID)
}

func refusalText(err error) string {
	if errs.Is(errs.Internal, err) {
		return "not signed: the document could not be stored; sign it again"
	}
	msg := "not signed: " + errs.Message(err)
	for _, f := range errs.FieldsOf(err) {
		msg += "; " + f.String()
	}
	return msg
}

// Job returns a batch job to the person who ran it.
func (s *Service) Job(ctx context.Context, id int64) (Job, error) {
	j, err := s.store.Job(ctx, id)
	if err != nil {
		return Job{}, err
	}
	a := actor.From(ctx)
	if a.Kind != actor.System && (a.Kind != actor.Taxpayer || a.TaxpayerID != j.SignerID) {
		return Job{}, errs.Errorf(errs.NotFound, "there is no signing job %d of yours", id)
	}
	return j, nil
}

// EndInterrupted ends the jobs a stopped server left running; serve calls
// it on start.
func (s *Service) EndInterrupted(ctx context.Context) (int, error) {
	return s.store.EndInterrupted(ctx, s.now(), interruptedReason)
}
