package compliance

import (
	"context"
	"fmt"
	"github.com/coretax/coretax/internal/money"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/taxid"
)

// The actions of this package.
const (
	ActIngest    actor.Action = "compliance.ingest"    // send third-party records
	ActRun       actor.Action = "compliance.run"       // start the matching job, see its runs
	ActFlags     actor.Action = "compliance.flags"     // read flags and their evidence
	ActSelfCheck actor.Action = "compliance.selfcheck" // run the rules on one taxpayer's own data
	ActConfigure actor.Action = "compliance.configure" // read and add versions of the thresholds
)

// AccessRules returns the access rules of the compliance engine, to be merged
// into the roles policy. Third-party data is sent by officers holding
// officer.compliance or, with an API token carrying compliance:write, by
// the platform or bank that is a registered taxpayer (Service.Ingest
// refuses a password session of a taxpayer); the job and the flags are
// for officers holding officer.compliance; the self-check is the
// taxpayer's own and its representatives'.
func AccessRules() roles.Rules {
	return roles.Rules{
		ActIngest:    {Need: roles.Related, Officer: roles.OfficerCompliance, What: "send third-party data to the compliance engine"},
		ActRun:       {Need: roles.OfficerOnly, Officer: roles.OfficerCompliance, What: "run the compliance matching job"},
		ActFlags:     {Need: roles.OfficerOnly, Officer: roles.OfficerCompliance, What: "read compliance flags and their evidence"},
		ActSelfCheck: {Need: roles.Related, Officer: roles.OfficerCompliance, What: "see what the tax office's checks find on this taxpayer's data"},
		ActConfigure: {Need: roles.OfficerOnly, Officer: roles.OfficerCompliance, What: "read and add dated versions of the compliance thresholds"},
	}
}

// Batch is one delivery of third-party records.
type Batch struct {
	ID     int64
	Source string
	// Channel is how it came: "api", "file" or "cli".
	Channel    string
	FileName   string
	SHA256     string
	Rows       int
	Accepted   int
	Rejected   int
	ReceivedBy string
	ReceivedAt time.Time
	// Results has one entry per row.
	Results []RowResult
}

// Outcome is what the store did with one record of a batch.
type Outcome struct {
	ID int64
	// Duplicate: the source already sent a record with this FeedID.
	Duplicate bool
	// UnknownCorrects: no record of the source has CorrectsFeedID.
	UnknownCorrects bool
}

// The states of a run.
const (
	RunQueued  = "queued"
	RunRunning = "running"
	RunDone    = "done"
	RunFailed  = "failed"
)

// Run is one execution of the matching job.
type Run struct {
	ID                    int64
	Status                string
	StartedBy             string
	CreatedAt             time.Time
	StartedAt, FinishedAt time.Time
	RecordsRead, Listings int64
	FlagsRaised           int64
	FlagsSuperseded       int64
	Error                 string
	// Thresholds is the version of the thresholds the run used, in force
	// on the day it was queued (its From, zero for the shipped defaults,
	// and its Config). Runs from before the thresholds were recorded have
	// a zero Config.
	Thresholds Thresholds
}

// BookingCursor is the position after which the next chunk of booking
// records starts: records come in (source, listing, id) order.
type BookingCursor struct {
	Source, ListingID string
	ID                int64
}

// ClaimCursor is the position in the expense claims, in (claimant, id)
// order.
type ClaimCursor struct {
	NPWP string
	ID   int64
}

// Holder is a registered taxpayer found by NPWP or NIK.
type Holder struct {
	TaxpayerID int64
	NPWP, Name string
}

// BookingMonth is one month of the bookings a taxpayer imported for a
// property (doc/pbjt-bookings.md), as evidence beside third-party data.
type BookingMonth struct {
	Period        string
	FirstID       int64
	Bookings      int
	Gross, Payout money.Amount
}

// Store keeps the records, runs and flags and reads what the rules
// compare them with. Reads that stream call fn for each row in order and
// fn must not use the store.
type Store interface {
	// AppendRecords stores the batch and its records in one transaction
	// (with the audit entry) and returns an outcome per record; a
	// duplicate or an unknown correction is not stored.
	AppendRecords(ctx context.Context, b *Batch, recs []Record, e audit.Entry) ([]Outcome, error)
	// Records returns the records with the ids.
	Records(ctx context.Context, ids []int64) ([]Record, error)
	// BookingChunk returns up to limit current booking records (no later
	// record corrects them) with a period in [from, to] after the cursor.
	BookingChunk(ctx context.Context, from, to string, after BookingCursor, limit int) ([]Record, error)
	// ListingRecords streams the current booking records of the listings
	// (keys "source\x00listing id") in [from, to], in booking order.
	ListingRecords(ctx context.Context, keys []string, from, to string, fn func(Record) error) error
	// CandidateListings returns the keys of listings having a current
	// booking record with one of the NPWPDs, host NPWPs/NIKs or districts.
	CandidateListings(ctx context.Context, npwpds, hostIDs, districts []string) ([]string, error)
	// ClaimChunk returns up to limit current expense claims after the
	// cursor, in (claimant NPWP, id) order; npwp != "" keeps one claimant.
	ClaimChunk(ctx context.Context, npwp string, after ClaimCursor, limit int) ([]Record, error)

	// Properties streams the registered properties in id order with
	// their operator and current owners; taxpayerID != 0 keeps those the
	// taxpayer operates or owns.
	Properties(ctx context.Context, taxpayerID int64, fn func(Property) error) error
	// Declarations streams the current declarations with a period in
	// [from, to] in (property, period) order; propertyIDs != nil keeps
	// those properties.
	Declarations(ctx context.Context, propertyIDs []int64, from, to string, fn func(Declaration) error) error
	// Slips returns the signed BP21 and BPPU slips the withholder issued
	// with a period in [from, to].
	Slips(ctx context.Context, withholderNPWP, from, to string) ([]Slip, error)
	// Holders returns the registered taxpayers with the NPWPs or NIKs,
	// keyed by the identifier.
	Holders(ctx context.Context, ids []string) (map[string]Holder, error)
	// BookingMonths totals the property's imported bookings per month.
	BookingMonths(ctx context.Context, propertyID int64, from, to string) ([]BookingMonth, error)

	// Analyze refreshes the database's statistics of the tables a run
	// reads, so that a run after a large delivery reads by index.
	Analyze(ctx context.Context) error
	// ThresholdVersions returns the stored versions of the thresholds,
	// oldest first.
	ThresholdVersions(ctx context.Context) ([]Thresholds, error)
	// AddThresholds stores a version; a Conflict when a stored version
	// has the same first day.
	AddThresholds(ctx context.Context, t Thresholds, e audit.Entry) error
	// CreateRun stores a queued run with its thresholds and sets its ID.
	CreateRun(ctx context.Context, r *Run, e audit.Entry) error
	// UpdateRun writes the run's state and counters.
	UpdateRun(ctx context.Context, r Run) error
	// EndInterruptedRuns fails every queued or running run.
	EndInterruptedRuns(ctx context.Context, reason string, at time.Time) (int, error)
	// Run returns a run, or NotFound; Runs the latest ones.
	Run(ctx context.Context, id int64) (Run, error)
	Runs(ctx context.Context, limit int) ([]Run, error)
	// SaveFlags stores flags of the run in one transaction: each one
	// supersedes the open flags of other runs with its rule and subject.
	// It sets the IDs and returns how many flags it superseded.
	SaveFlags(ctx context.Context, runID int64, flags []*Flag) (int, error)
	// Flags returns a page of flags; Flag one, or NotFound.
	Flags(ctx context.Context, q FlagQuery) ([]Flag, error)
	Flag(ctx context.Context, id int64) (Flag, error)
}

// RegionVersions reads the versions of the regions' PBJT configuration
// officers added (the pbjt store).
type RegionVersions interface {
	RegionVersions(ctx context.Context) ([]pbjt.Version, error)
}

// Register reads the taxpayer register.
type Register interface {
	TaxpayerByNPWP(ctx context.Context, npwp taxid.NPWP) (registration.Taxpayer, error)
}

// Service is the compliance engine.
type Service struct {
	store    Store
	regions  RegionVersions
	register Register
	policy   actor.Policy
	now      func() time.Time
	cfg      Config

	mu      sync.Mutex
	running int64 // the run in progress, 0 for none
	wg      sync.WaitGroup
}

// NewService returns the compliance engine with the thresholds of cfg.
func NewService(store Store, regions RegionVersions, register Register, policy actor.Policy, now func() time.Time, cfg Config) *Service {
	return &Service{store: store, regions: regions, register: register, policy: policy, now: now, cfg: cfg.withDefaults()}
}

// Config returns the thresholds in use.
func (s *Service) Config() Config { return s.cfg }

func (s *Service) entry(ctx context.Context, taxpayerID int64, action, detail string) audit.Entry {
	a := actor.From(ctx)
	return audit.Entry{At: s.now(), Actor: a.String(), AccountID: a.AccountID, TaxpayerID: taxpayerID, Action: action, Address: a.Address, Detail: detail}
}

// AllowIngest checks that the actor in ctx may send third-party data,
// before a transport reads a request body: an officer holding
// officer.compliance, the system, or an API token (the transport checks
// its compliance:write scope) of the sending taxpayer.
func (s *Service) AllowIngest(ctx context.Context) error {
	a := actor.From(ctx)
	if a.Kind == actor.Taxpayer && a.TokenID == 0 {
		return errs.E(errs.Forbidden, "third-party data is sent with an API token holding the compliance:write scope, or by an officer holding officer.compliance; a password session of a taxpayer cannot send it")
	}
	var subject int64
	if a.Kind == actor.Taxpayer {
		subject = a.Subject()
	}
	return s.policy.Allow(ctx, ActIngest, subject)
}

// Delivery is records to ingest from one source.
type Delivery struct {
	Source   string
	Channel  string // "api", "file" or "cli"
	FileName string
	SHA256   string
	Inputs   []RecordInput
	// Rows are the rows' positions (file lines); nil numbers them from 1.
	Rows []int
}

// Ingest checks every record of the delivery and stores the valid ones
// append-only with the batch; it returns the batch with a result per row.
// Rows with errors are reported and skipped, the others stored.
func (s *Service) Ingest(ctx context.Context, d Delivery) (Batch, error) {
	if err := s.AllowIngest(ctx); err != nil {
		return Batch{}, err
	}
	source := strings.TrimSpace(d.Source)
	if source == "" || utf8.RuneCountInString(source) > 100 || strings.ContainsAny(source, "\r\n\x00") {
		return Batch{}, errs.InvalidFields("the source is not valid", errs.Field("source", d.Source, "name who sent the data in 1 to 100 characters, with its feed id, e.g. \"Airbnb PJAP feed 7\""))
	}
	if len(d.Inputs) == 0 {
		return Batch{}, errs.InvalidFields("the delivery holds no records", errs.Field("records", "", "send at least one record (doc/compliance.md)"))
	}
	if len(d.Inputs) > MaxRows {
		return Batch{}, errs.InvalidFields("the delivery is too large", errs.Field("records", fmt.Sprint(len(d.Inputs)), "send at most %d records at a time", MaxRows))
	}
	now := s.now().UTC()
	a := actor.From(ctx)
	b := Batch{Source: source, Channel: d.Channel, FileName: d.FileName, SHA256: d.SHA256, Rows: len(d.Inputs), ReceivedBy: a.String(), ReceivedAt: now}
	b.Results = make([]RowResult, len(d.Inputs))
	var recs []Record
	var at []int
	seen := map[string]int{}
	for i, in := range d.Inputs {
		row := i + 1
		if d.Rows != nil {
			row = d.Rows[i]
		}
		res := &b.Results[i]
		res.Row, res.FeedID = row, strings.TrimSpace(in.FeedID)
		r, fe := checkRecord(in, source, now)
		if fe == nil {
			if first, dup := seen[r.FeedID]; dup {
				f := errs.Field("source_record_id", r.FeedID, "row %d has the same id; give each record its own id", first)
				fe = &f
			}
		}
		if fe != nil {
			res.Field, res.Value, res.Message = fe.Field, fe.Value, fe.Message
			continue
		}
		seen[r.FeedID] = row
		recs = append(recs, r)
		at = append(at, i)
	}
	out, err := s.store.AppendRecords(ctx, &b, recs, s.entry(ctx, a.Subject(), "compliance.ingest",
		fmt.Sprintf("%d records from %q by %s (%s %s)", len(recs), source, d.Channel, d.FileName, d.SHA256)))
	if err != nil {
		return Batch{}, fmt.Errorf("store the records from %s: %w", source, err)
	}
	for j, o := range out {
		res := &b.Results[at[j]]
		switch {
		case o.Duplicate:
			res.Field, res.Value, res.Message = "source_record_id", recs[j].FeedID, "the source sent a record with this id before; records are never changed: send a new record with its own id and corrects naming this one"
		case o.UnknownCorrects:
			res.Field, res.Value, res.Message = "corrects", recs[j].CorrectsFeedID, "no earlier record of this source has this id"
		default:
			res.RecordID = o.ID
		}
	}
	return b, nil
}

// table returns the regions' configuration.
func (s *Service) table(ctx context.Context) (pbjt.Table, error) {
	vs, err := s.regions.RegionVersions(ctx)
	if err != nil {
		return pbjt.Table{}, fmt.Errorf("read the regions' configuration: %w", err)
	}
	return pbjt.Defaults().With(vs...), nil
}

// StartRun queues a run of the matching job and runs it in the
// background; a Conflict while another run is in progress.
func (s *Service) StartRun(ctx context.Context) (Run, error) {
	if err := s.policy.Allow(ctx, ActRun, 0); err != nil {
		return Run{}, err
	}
	r, err := s.queue(ctx)
	if err != nil {
		return Run{}, err
	}
	bg := context.WithoutCancel(ctx)
	job := r // the goroutine's own copy: r is returned as queued
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.execute(bg, &job)
	}()
	return r, nil
}

// Match runs the matching job now and returns the finished run (the
// command line's coretax compliance match).
func (s *Service) Match(ctx context.Context) (Run, error) {
	if err := s.policy.Allow(ctx, ActRun, 0); err != nil {
		return Run{}, err
	}
	r, err := s.queue(ctx)
	if err != nil {
		return Run{}, err
	}
	s.execute(ctx, &r)
	if r.Status == RunFailed {
		return r, fmt.Errorf("run %d failed: %s", r.ID, r.Error)
	}
	return r, nil
}

func (s *Service) queue(ctx context.Context) (Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running != 0 {
		return Run{}, errs.Errorf(errs.Conflict, "run %d is in progress; wait for it to finish", s.running)
	}
	now := s.now()
	th, err := s.thresholdsOn(ctx, calendar(now))
	if err != nil {
		return Run{}, err
	}
	r := Run{Status: RunQueued, StartedBy: actor.From(ctx).String(), CreatedAt: now.UTC(), Thresholds: Thresholds{From: th.From, Config: th.Config}}
	if err := s.store.CreateRun(ctx, &r, s.entry(ctx, 0, "compliance.run", "queued the matching job with "+thresholdsName(th))); err != nil {
		return Run{}, fmt.Errorf("queue a run: %w", err)
	}
	s.running = r.ID
	return r, nil
}

// Wait blocks until background runs have finished.
func (s *Service) Wait() { s.wg.Wait() }

// EndInterrupted fails the runs a stopped server left queued or running.
func (s *Service) EndInterrupted(ctx context.Context) (int, error) {
	return s.store.EndInterruptedRuns(ctx, "the server stopped during the run; start a new run", s.now().UTC())
}

// execute runs r to its end and records the outcome.
func (s *Service) execute(ctx context.Context, r *Run) {
	defer func() {
		s.mu.Lock()
		s.running = 0
		s.mu.Unlock()
	}()
	r.Status, r.StartedAt = RunRunning, s.now().UTC()
	err := s.store.UpdateRun(ctx, *r)
	if err == nil {
		err = s.match(ctx, r)
	}
	r.FinishedAt = s.now().UTC()
	r.Status = RunDone
	if err != nil {
		r.Status, r.Error = RunFailed, errs.Message(err)
		if errs.KindOf(err) == errs.Internal {
			r.Error = err.Error()
		}
	}
	if uerr := s.store.UpdateRun(context.WithoutCancel(ctx), *r); uerr != nil && err == nil {
		r.Status, r.Error = RunFailed, uerr.Error()
	}
}

// match is the job: index the properties, stream the booking records a
// listing at a time, evaluate unmatched listings at once and matched ones
// with their property's declarations, then the expense claims; store the
// flags.
func (s *Service) match(ctx context.Context, r *Run) error {
	table, err := s.table(ctx)
	if err != nil {
		return err
	}
	if err := s.store.Analyze(ctx); err != nil {
		return fmt.Errorf("refresh statistics: %w", err)
	}
	e := newEnv(s.configOf(r.Thresholds), table, calendar(r.CreatedAt))
	ix := NewIndex()
	if err := s.store.Properties(ctx, 0, func(p Property) error { ix.Add(p); return nil }); err != nil {
		return fmt.Errorf("read the properties: %w", err)
	}
	var flags []*Flag
	byProperty := map[int64]*matched{}
	var unmatched []*Listing
	var unmatchedM []Match
	finish := func(l *Listing) error {
		r.Listings++
		m := ix.Match(l)
		if m.Property == nil {
			// Judged after the stream, grouped into places: listings of
			// one place on several sources are one flag.
			unmatched = append(unmatched, l)
			unmatchedM = append(unmatchedM, m)
			return nil
		}
		mp := byProperty[m.Property.ID]
		if mp == nil {
			mp = &matched{p: m.Property}
			byProperty[m.Property.ID] = mp
		}
		mp.listings = append(mp.listings, l)
		mp.keys = append(mp.keys, m)
		return nil
	}
	var cur *Listing
	after := BookingCursor{}
	for {
		chunk, err := s.store.BookingChunk(ctx, e.from, e.to, after, e.cfg.ChunkSize)
		if err != nil {
			return fmt.Errorf("read third-party bookings: %w", err)
		}
		for i := range chunk {
			rec := &chunk[i]
			if cur == nil || cur.Source != rec.Source || cur.ID != rec.ListingID {
				if cur != nil {
					if err := finish(cur); err != nil {
						return err
					}
				}
				cur = &Listing{Source: rec.Source, ID: rec.ListingID}
			}
			if err := cur.add(rec, e.cfg.MaxEvidence); err != nil {
				return fmt.Errorf("record %d: %w", rec.ID, err)
			}
		}
		r.RecordsRead += int64(len(chunk))
		if len(chunk) < e.cfg.ChunkSize {
			break
		}
		last := chunk[len(chunk)-1]
		after = BookingCursor{Source: last.Source, ListingID: last.ListingID, ID: last.ID}
	}
	if cur != nil {
		if err := finish(cur); err != nil {
			return err
		}
	}
	uf, err := e.places(unmatched, unmatchedM)
	if err != nil {
		return err
	}
	flags = append(flags, uf...)
	pf, err := e.properties(ctx, s.store, byProperty, nil)
	if err != nil {
		return err
	}
	flags = append(flags, pf...)
	ff, err := e.claims(ctx, s.store, "")
	if err != nil {
		return err
	}
	flags = append(flags, ff...)
	if err := e.complete(ctx, s.store, flags); err != nil {
		return err
	}
	for start := 0; start < len(flags); start += 500 {
		end := min(start+500, len(flags))
		n, err := s.store.SaveFlags(ctx, r.ID, flags[start:end])
		if err != nil {
			return fmt.Errorf("store flags: %w", err)
		}
		r.FlagsSuperseded += int64(n)
		r.FlagsRaised += int64(end - start)
	}
	return nil
}

// places groups the listings no property matched into places
// (GroupPlaces) and runs rule undeclared-property on each.
func (e env) places(ls []*Listing, ms []Match) ([]*Flag, error) {
	var flags []*Flag
	for _, pl := range GroupPlaces(ls, ms) {
		f, err := e.undeclared(pl)
		if err != nil {
			return nil, err
		}
		if f != nil {
			flags = append(flags, f)
		}
	}
	return flags, nil
}

// calendar is the day estimates are made on: today in WIB.
func calendar(t time.Time) time.Time {
	wib := time.FixedZone("WIB", 7*3600)
	d := t.In(wib)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// properties merges the matched properties, in id order, with their
// declarations streamed in the same order, and runs the property rules.
func (e env) properties(ctx context.Context, store Store, byProperty map[int64]*matched, only []int64) ([]*Flag, error) {
	pids := make([]int64, 0, len(byProperty))
	for id := range byProperty {
		pids = append(pids, id)
	}
	slices.Sort(pids)
	var flags []*Flag
	i := 0
	evalUpTo := func(pid int64, ds []Declaration) error {
		for i < len(pids) && pids[i] <= pid {
			var d []Declaration
			if pids[i] == pid {
				d = ds
			}
			fs, err := e.property(byProperty[pids[i]], d)
			if err != nil {
				return err
			}
			flags = append(flags, fs...)
			i++
		}
		return nil
	}
	var curPID int64
	var cur []Declaration
	err := store.Declarations(ctx, only, e.from, e.to, func(d Declaration) error {
		if d.PropertyID != curPID && curPID != 0 {
			if err := evalUpTo(curPID, cur); err != nil {
				return err
			}
			cur = cur[:0]
		}
		curPID = d.PropertyID
		cur = append(cur, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the declarations: %w", err)
	}
	if curPID != 0 {
		if err := evalUpTo(curPID, cur); err != nil {
			return nil, err
		}
	}
	if err := evalUpTo(math.MaxInt64, nil); err != nil {
		return nil, err
	}
	return flags, nil
}

// claims runs rule unwithheld-fees over the expense claims, a claimant
// at a time (npwp != "" for one claimant).
func (e env) claims(ctx context.Context, store Store, npwp string) ([]*Flag, error) {
	var flags []*Flag
	var cur *Claimant
	finish := func(c *Claimant) error {
		slips, err := store.Slips(ctx, c.NPWP, e.from, e.to)
		if err != nil {
			return fmt.Errorf("read the slips of %s: %w", c.NPWP, err)
		}
		c.Slips = slips
		f, err := e.fees(*c)
		if err != nil {
			return err
		}
		if f != nil {
			flags = append(flags, f)
		}
		return nil
	}
	after := ClaimCursor{}
	for {
		chunk, err := store.ClaimChunk(ctx, npwp, after, e.cfg.ChunkSize)
		if err != nil {
			return nil, fmt.Errorf("read expense claims: %w", err)
		}
		for _, rec := range chunk {
			if cur == nil || cur.NPWP != rec.HostNPWP {
				if cur != nil {
					if err := finish(cur); err != nil {
						return nil, err
					}
				}
				cur = &Claimant{NPWP: rec.HostNPWP}
			}
			cur.Claims = append(cur.Claims, rec)
		}
		if len(chunk) < e.cfg.ChunkSize {
			break
		}
		last := chunk[len(chunk)-1]
		after = ClaimCursor{NPWP: last.HostNPWP, ID: last.ID}
	}
	if cur != nil {
		if err := finish(cur); err != nil {
			return nil, err
		}
	}
	return flags, nil
}

// complete fills in what the rules left to the store: the summaries of
// record evidence, the registered taxpayer behind a host or claimant, and
// the imported bookings of flagged properties.
func (e env) complete(ctx context.Context, store Store, flags []*Flag) error {
	var ids []int64
	var hostIDs []string
	for _, f := range flags {
		for _, ev := range f.Evidence {
			if ev.Kind == EvidenceRecord && ev.ID != 0 && ev.Summary == "" {
				ids = append(ids, ev.ID)
			}
		}
		if f.TaxpayerID == 0 && f.NPWP != "" {
			hostIDs = append(hostIDs, f.NPWP)
		}
	}
	records := map[int64]Evidence{}
	for start := 0; start < len(ids); start += 500 {
		recs, err := store.Records(ctx, ids[start:min(start+500, len(ids))])
		if err != nil {
			return fmt.Errorf("read evidence records: %w", err)
		}
		for _, r := range recs {
			records[r.ID] = r.Evidence()
		}
	}
	holders := map[string]Holder{}
	for start := 0; start < len(hostIDs); start += 500 {
		hs, err := store.Holders(ctx, hostIDs[start:min(start+500, len(hostIDs))])
		if err != nil {
			return fmt.Errorf("look up hosts: %w", err)
		}
		for k, v := range hs {
			holders[k] = v
		}
	}
	for _, f := range flags {
		for i := range f.Evidence {
			if ev := &f.Evidence[i]; ev.Kind == EvidenceRecord && ev.ID != 0 && ev.Summary == "" {
				if r, ok := records[ev.ID]; ok {
					*ev = r
				}
			}
		}
		if h, ok := holders[f.NPWP]; ok && f.TaxpayerID == 0 {
			f.TaxpayerID = h.TaxpayerID
		}
		if f.PropertyID != 0 && f.PeriodFrom != "" {
			bms, err := store.BookingMonths(ctx, f.PropertyID, f.PeriodFrom, f.PeriodTo)
			if err != nil {
				return fmt.Errorf("read the bookings of property %d: %w", f.PropertyID, err)
			}
			for _, bm := range bms {
				f.Evidence = append(f.Evidence, Evidence{Kind: EvidenceBooking, ID: bm.FirstID, Period: bm.Period, Summary: fmt.Sprintf("%d bookings the taxpayer imported for %s: gross %s, payout %s",
					bm.Bookings, bm.Period, bm.Gross.Display(), bm.Payout.Display())})
			}
		}
	}
	return nil
}

// Flags returns a page of flags for an officer holding
// officer.compliance: by default the open ones, newest first.
func (s *Service) Flags(ctx context.Context, q FlagQuery) (FlagPage, error) {
	if err := s.policy.Allow(ctx, ActFlags, 0); err != nil {
		return FlagPage{}, err
	}
	var fs errs.Fields
	if q.Rule != "" && !q.Rule.Valid() {
		fs.Add("rule", string(q.Rule), "is one of %s", ruleNames())
	}
	switch q.Status {
	case "":
		q.Status = StatusOpen
	case StatusOpen, StatusSuperseded, StatusClosed, "all":
	default:
		fs.Add("status", q.Status, "is open, superseded, closed or all")
	}
	if q.Regency != "" && !pbjt.IsRegion(q.Regency) {
		fs.Add("regency", q.Regency, "is one of the Bali regions %s", strings.Join(pbjt.Regions, ", "))
	}
	if q.Limit == 0 {
		q.Limit = 50
	}
	if q.Limit < 1 || q.Limit > 500 {
		fs.Add("limit", fmt.Sprint(q.Limit), "is from 1 to 500")
	}
	if len(fs) > 0 {
		return FlagPage{}, errs.InvalidFields("the filter is not valid", fs...)
	}
	q.Limit++
	flags, err := s.store.Flags(ctx, q)
	if err != nil {
		return FlagPage{}, fmt.Errorf("list flags: %w", err)
	}
	page := FlagPage{Flags: flags}
	if len(flags) == q.Limit {
		page.Flags = flags[:q.Limit-1]
		page.Next = page.Flags[len(page.Flags)-1].ID
	}
	return page, nil
}

func ruleNames() string {
	n := make([]string, len(Rules))
	for i, r := range Rules {
		n[i] = string(r)
	}
	return strings.Join(n, ", ")
}

// Flag returns one flag with its evidence.
func (s *Service) Flag(ctx context.Context, id int64) (Flag, error) {
	if err := s.policy.Allow(ctx, ActFlags, 0); err != nil {
		return Flag{}, err
	}
	return s.store.Flag(ctx, id)
}

// Runs returns the latest runs; Run one.
func (s *Service) Runs(ctx context.Context, limit int) ([]Run, error) {
	if err := s.policy.Allow(ctx, ActRun, 0); err != nil {
		return nil, err
	}
	return s.store.Runs(ctx, min(max(limit, 1), 100))
}

// RunByID returns one run.
func (s *Service) RunByID(ctx context.Context, id int64) (Run, error) {
	if err := s.policy.Allow(ctx, ActRun, 0); err != nil {
		return Run{}, err
	}
	return s.store.Run(ctx, id)
}

// SelfCheck is what the rules find on one taxpayer's own data.
type SelfCheck struct {
	NPWP       string
	AsOf       time.Time
	From, To   string
	Properties int
	Listings   int
	// Flags are what a run would raise now; they are not stored and
	// have no ID.
	Flags []Flag
}

// SelfCheck runs the rules on the taxpayer's own properties, the
// third-party listings that match them or name the taxpayer as host, its
// declarations and its expense claims, without storing anything: "what
// the tax office will see". Only the taxpayer, those acting for it and
// officers holding officer.compliance may read it.
func (s *Service) SelfCheck(ctx context.Context, npwp string) (SelfCheck, error) {
	n, _, err := taxid.ParseNPWP(npwp)
	if err != nil {
		return SelfCheck{}, errs.InvalidFields("the NPWP is not valid", errs.Field("npwp", npwp, "%s", errs.Message(err)))
	}
	t, err := s.register.TaxpayerByNPWP(ctx, n)
	if errs.Is(errs.NotFound, err) {
		return SelfCheck{}, errs.Errorf(errs.NotFound, "no taxpayer is registered with NPWP %s", n)
	}
	if err != nil {
		return SelfCheck{}, err
	}
	if err := s.policy.Allow(ctx, ActSelfCheck, t.ID); err != nil {
		return SelfCheck{}, err
	}
	table, err := s.table(ctx)
	if err != nil {
		return SelfCheck{}, err
	}
	th, err := s.thresholdsOn(ctx, calendar(s.now()))
	if err != nil {
		return SelfCheck{}, err
	}
	e := newEnv(s.configOf(th), table, calendar(s.now()))
	out := SelfCheck{NPWP: string(t.NPWP), AsOf: e.asOf, From: e.from, To: e.to}
	ix := NewIndex()
	var npwpds, districts []string
	hostIDs := []string{string(t.NPWP)}
	if t.NIK != "" {
		hostIDs = append(hostIDs, string(t.NIK))
	}
	err = s.store.Properties(ctx, t.ID, func(p Property) error {
		ix.Add(p)
		if p.NPWPD != "" {
			npwpds = append(npwpds, p.NPWPD)
		}
		if p.DistrictCode != "" {
			districts = append(districts, p.DistrictCode)
		}
		for _, id := range []string{p.NPWP, p.NIK} {
			if id != "" && !slices.Contains(hostIDs, id) {
				hostIDs = append(hostIDs, id)
			}
		}
		return nil
	})
	if err != nil {
		return SelfCheck{}, fmt.Errorf("read the properties: %w", err)
	}
	out.Properties = ix.Len()
	keys, err := s.store.CandidateListings(ctx, npwpds, hostIDs, districts)
	if err != nil {
		return SelfCheck{}, fmt.Errorf("find the listings: %w", err)
	}
	var flags []*Flag
	byProperty := map[int64]*matched{}
	var unmatched []*Listing
	var unmatchedM []Match
	var cur *Listing
	finish := func(l *Listing) error {
		m := ix.Match(l)
		switch {
		case m.Property != nil:
			mp := byProperty[m.Property.ID]
			if mp == nil {
				mp = &matched{p: m.Property}
				byProperty[m.Property.ID] = mp
			}
			mp.listings = append(mp.listings, l)
			mp.keys = append(mp.keys, m)
		case slices.Contains(hostIDs, l.HostNPWP) || slices.Contains(hostIDs, l.HostNIK):
			// A listing naming the taxpayer as host that none of its
			// properties matches.
			if m.Key != KeyHostOthers {
				m = Match{Key: KeyHostOthers, Holder: &Property{TaxpayerID: t.ID, NPWP: string(t.NPWP)}}
			}
			unmatched = append(unmatched, l)
			unmatchedM = append(unmatchedM, m)
		default:
			return nil
		}
		out.Listings++
		return nil
	}
	if len(keys) > 0 {
		var finishErr error
		err = s.store.ListingRecords(ctx, keys, e.from, e.to, func(rec Record) error {
			if cur == nil || cur.Source != rec.Source || cur.ID != rec.ListingID {
				if cur != nil {
					if finishErr = finish(cur); finishErr != nil {
						return finishErr
					}
				}
				cur = &Listing{Source: rec.Source, ID: rec.ListingID}
			}
			return cur.add(&rec, e.cfg.MaxEvidence)
		})
		if err != nil {
			return SelfCheck{}, fmt.Errorf("read the listings' records: %w", err)
		}
		if cur != nil {
			if err := finish(cur); err != nil {
				return SelfCheck{}, err
			}
		}
	}
	uf, err := e.places(unmatched, unmatchedM)
	if err != nil {
		return SelfCheck{}, err
	}
	flags = append(flags, uf...)
	pids := make([]int64, 0, len(byProperty))
	for id := range byProperty {
		pids = append(pids, id)
	}
	slices.Sort(pids)
	if len(pids) > 0 {
		pf, err := e.properties(ctx, s.store, byProperty, pids)
		if err != nil {
			return SelfCheck{}, err
		}
		flags = append(flags, pf...)
	}
	ff, err := e.claims(ctx, s.store, string(t.NPWP))
	if err != nil {
		return SelfCheck{}, err
	}
	flags = append(flags, ff...)
	if err := e.complete(ctx, s.store, flags); err != nil {
		return SelfCheck{}, err
	}
	for _, f := range flags {
		f.Status = StatusOpen
		f.CreatedAt = s.now().UTC()
		out.Flags = append(out.Flags, *f)
	}
	return out, nil
}
