package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/compliance/casework"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/notify"
)

// CaseStore implements casework.Store.
type CaseStore struct{ db *DB }

// Cases returns the store of compliance cases, letters and responses.
func (db *DB) Cases() *CaseStore { return &CaseStore{db: db} }

var _ casework.Store = (*CaseStore)(nil)

// subjectKey is the SQL of casework.KeyOf over compliance_flags.
const subjectKey = `CASE WHEN taxpayer_id IS NULL THEN subject ELSE 'taxpayer:' || CAST(taxpayer_id AS TEXT) END`

// Risks implements casework.Store. The expected recovery is summed in
// SQL as casework.Weighted does, and divided by casework.ExpectedFromWeighted.
func (s *CaseStore) Risks(ctx context.Context, q casework.RiskQuery) ([]casework.Risk, bool, error) {
	var w where
	w.add("status = ?", compliance.StatusOpen)
	if q.Regency != "" {
		w.add("regency_code = ?", q.Regency)
	}
	if q.Rule != "" {
		w.add("rule = ?", string(q.Rule))
	}
	limit := q.Limit
	if limit == 0 {
		limit = 1 << 30
	}
	query := `SELECT k, MAX(taxpayer_id), MAX(npwp), MIN(regency_code), COUNT(*), MAX(confidence),
		SUM(shortfall_sen), SUM(penalty_voluntary_sen), SUM(penalty_audit_sen),
		SUM((shortfall_sen + penalty_audit_sen) * confidence) AS weighted,
		(SELECT MAX(c.id) FROM compliance_cases c WHERE c.subject = k AND c.status <> 'closed')
		FROM (SELECT ` + subjectKey + ` AS k, * FROM compliance_flags` + w.clause() + `) f
		GROUP BY k ORDER BY weighted DESC, k LIMIT ` + w.arg(limit+1) + ` OFFSET ` + w.arg(q.Offset)
	rows, err := s.db.db.QueryContext(ctx, query, w.args...)
	if err != nil {
		return nil, false, translate(fmt.Errorf("list risks: %w", err))
	}
	var out []casework.Risk
	for rows.Next() {
		var r casework.Risk
		var tp, caseID sql.NullInt64
		var short, vol, aud, weighted int64
		if err := rows.Scan(&r.Key, &tp, &r.NPWP, &r.Regency, &r.Flags, &r.MaxConfidence, &short, &vol, &aud, &weighted, &caseID); err != nil {
			rows.Close()
			return nil, false, translate(err)
		}
		r.TaxpayerID, r.CaseID = tp.Int64, caseID.Int64
		r.Shortfall, r.PenaltyVoluntary, r.PenaltyAudit = money.Amount(short), money.Amount(vol), money.Amount(aud)
		r.ExpectedRecovery = casework.ExpectedFromWeighted(weighted)
		out = append(out, r)
	}
	if err := closeRows(rows); err != nil {
		return nil, false, err
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	if err := s.riskRules(ctx, out); err != nil {
		return nil, false, err
	}
	return out, more, nil
}

// riskRules fills the distinct rules of each risk's open flags.
func (s *CaseStore) riskRules(ctx context.Context, rs []casework.Risk) error {
	for i := range rs {
		rows, err := s.db.db.QueryContext(ctx, `SELECT DISTINCT rule FROM compliance_flags
			WHERE status = $1 AND `+subjectKey+` = $2 ORDER BY rule`, compliance.StatusOpen, rs[i].Key)
		if err != nil {
			return translate(fmt.Errorf("rules of %s: %w", rs[i].Key, err))
		}
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				rows.Close()
				return translate(err)
			}
			rs[i].Rules = append(rs[i].Rules, compliance.Rule(r))
		}
		if err := closeRows(rows); err != nil {
			return err
		}
	}
	return nil
}

func (s *CaseStore) flagIDs(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := s.db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(fmt.Errorf("flags of subject: %w", err))
	}
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		out = append(out, id)
	}
	return out, closeRows(rows)
}

// OpenFlagIDs implements casework.Store.
func (s *CaseStore) OpenFlagIDs(ctx context.Context, key string) ([]int64, error) {
	return s.flagIDs(ctx, `SELECT id FROM compliance_flags WHERE status = $1 AND `+subjectKey+` = $2 ORDER BY id`, compliance.StatusOpen, key)
}

// SubjectFlagIDs implements casework.Store.
func (s *CaseStore) SubjectFlagIDs(ctx context.Context, key string) ([]int64, error) {
	return s.flagIDs(ctx, `SELECT id FROM compliance_flags WHERE `+subjectKey+` = $1 ORDER BY id DESC`, key)
}

// ActiveCase implements casework.Store.
func (s *CaseStore) ActiveCase(ctx context.Context, key string) (int64, error) {
	var id int64
	err := s.db.db.QueryRowContext(ctx, `SELECT id FROM compliance_cases WHERE subject = $1 AND status <> 'closed'`, key).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, translate(fmt.Errorf("active case of %s: %w", key, err))
	}
	return id, nil
}

// insertEvent writes a case's history row.
func insertEvent(ctx context.Context, tx *sql.Tx, caseID int64, ev casework.Event) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO compliance_case_events (case_id, at, actor, action, detail) VALUES ($1, $2, $3, $4, $5)`,
		caseID, ev.At.UTC(), ev.Actor, ev.Action, ev.Detail)
	if err != nil {
		return fmt.Errorf("insert case event: %w", err)
	}
	return nil
}

func joinRules(rs []compliance.Rule) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

// CreateCase implements casework.Store.
func (s *CaseStore) CreateCase(ctx context.Context, c *casework.Case, ev casework.Event, e audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		var other int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM compliance_cases WHERE subject = $1 AND status <> 'closed'`, c.Key).Scan(&other)
		if err == nil {
			return errs.Errorf(errs.Conflict, "%s already has case %d, which is not closed; work that case or close it first", c.Key, other)
		}
		if err != sql.ErrNoRows {
			return fmt.Errorf("find the open case of %s: %w", c.Key, err)
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO compliance_cases (subject, taxpayer_id, npwp, name, regency_code, status, outcome, assigned_to,
			rules, shortfall_sen, penalty_voluntary_sen, penalty_audit_sen, expected_recovery_sen, opened_by, opened_at, updated_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9, $10, $11, $12, $13, $14, $15, 1) RETURNING id`,
			c.Key, nullID(c.TaxpayerID), c.NPWP, c.Name, c.Regency, string(casework.Open), c.AssignedTo, joinRules(c.Rules),
			c.Shortfall.Sen(), c.PenaltyVoluntary.Sen(), c.PenaltyAudit.Sen(), c.ExpectedRecovery.Sen(), c.OpenedBy,
			c.OpenedAt.UTC(), c.UpdatedAt.UTC()).Scan(&c.ID)
		if isUniqueViolation(err) {
			return errs.Errorf(errs.Conflict, "%s already has a case that is not closed; reload the list", c.Key)
		}
		if err != nil {
			return fmt.Errorf("insert case: %w", err)
		}
		c.Version, c.Status = 1, casework.Open
		for _, id := range c.FlagIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO compliance_case_flags (case_id, flag_id) VALUES ($1, $2)`, c.ID, id); err != nil {
				return fmt.Errorf("insert case flag %d: %w", id, err)
			}
		}
		ev.Detail = fmt.Sprintf("case %d: %s", c.ID, ev.Detail)
		e.Detail = ev.Detail
		if err := insertEvent(ctx, tx, c.ID, ev); err != nil {
			return err
		}
		return appendAudit(ctx, tx, e)
	})
}

const caseColumns = `id, subject, taxpayer_id, npwp, name, regency_code, status, outcome, assigned_to, rules,
	shortfall_sen, penalty_voluntary_sen, penalty_audit_sen, expected_recovery_sen, opened_by, opened_at, updated_at, closed_at, version`

func scanCase(sc scanner) (casework.Case, error) {
	var c casework.Case
	var tp sql.NullInt64
	var status, outcome, rules string
	var short, vol, aud, exp int64
	if err := sc.Scan(&c.ID, &c.Key, &tp, &c.NPWP, &c.Name, &c.Regency, &status, &outcome, &c.AssignedTo, &rules,
		&short, &vol, &aud, &exp, &c.OpenedBy, utc{&c.OpenedAt}, utc{&c.UpdatedAt}, nullTime{&c.ClosedAt}, &c.Version); err != nil {
		return c, err
	}
	c.TaxpayerID, c.Status, c.Outcome = tp.Int64, casework.Status(status), casework.Outcome(outcome)
	for _, r := range strings.Split(rules, ",") {
		if r != "" {
			c.Rules = append(c.Rules, compliance.Rule(r))
		}
	}
	c.Shortfall, c.PenaltyVoluntary, c.PenaltyAudit, c.ExpectedRecovery = money.Amount(short), money.Amount(vol), money.Amount(aud), money.Amount(exp)
	return c, nil
}

// Case implements casework.Store.
func (s *CaseStore) Case(ctx context.Context, id int64) (casework.Case, error) {
	c, err := scanCase(s.db.db.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM compliance_cases WHERE id = $1`, id))
	if err != nil {
		return c, translate(notFound(err, "there is no case "+strconv.FormatInt(id, 10)))
	}
	if err := s.fill(ctx, &c, true); err != nil {
		return c, err
	}
	return c, nil
}

// fill reads a case's flags, letter and response, and with history its
// events.
func (s *CaseStore) fill(ctx context.Context, c *casework.Case, history bool) error {
	ids, err := s.flagIDs(ctx, `SELECT flag_id FROM compliance_case_flags WHERE case_id = $1 ORDER BY flag_id`, c.ID)
	if err != nil {
		return err
	}
	c.FlagIDs = ids
	if history {
		rows, err := s.db.db.QueryContext(ctx, `SELECT at, actor, action, detail FROM compliance_case_events WHERE case_id = $1 ORDER BY id`, c.ID)
		if err != nil {
			return translate(fmt.Errorf("events of case %d: %w", c.ID, err))
		}
		for rows.Next() {
			var ev casework.Event
			if err := rows.Scan(utc{&ev.At}, &ev.Actor, &ev.Action, &ev.Detail); err != nil {
				rows.Close()
				return translate(err)
			}
			c.Events = append(c.Events, ev)
		}
		if err := closeRows(rows); err != nil {
			return err
		}
	}
	var l casework.Letter
	var content string
	var outbox sql.NullInt64
	err = s.db.db.QueryRowContext(ctx, `SELECT id, number, issued_at, content, outbox_id FROM compliance_letters WHERE case_id = $1`, c.ID).
		Scan(&l.ID, &l.Number, utc{&l.IssuedAt}, &content, &outbox)
	switch {
	case err == sql.ErrNoRows:
	case err != nil:
		return translate(fmt.Errorf("letter of case %d: %w", c.ID, err))
	default:
		id, number, issued := l.ID, l.Number, l.IssuedAt
		if err := json.Unmarshal([]byte(content), &l); err != nil {
			return fmt.Errorf("letter of case %d: %w", c.ID, err)
		}
		l.ID, l.Number, l.IssuedAt, l.CaseID, l.OutboxID = id, number, issued, c.ID, outbox.Int64
		c.Letter = &l
	}
	var r casework.Response
	err = s.db.db.QueryRowContext(ctx, `SELECT id, channel, explanation, correction, received_at, recorded_by FROM compliance_responses WHERE case_id = $1`, c.ID).
		Scan(&r.ID, &r.Channel, &r.Explanation, &r.Correction, utc{&r.ReceivedAt}, &r.RecordedBy)
	switch {
	case err == sql.ErrNoRows:
	case err != nil:
		return translate(fmt.Errorf("response of case %d: %w", c.ID, err))
	default:
		r.CaseID = c.ID
		c.Response = &r
	}
	return nil
}

// Cases implements casework.Store.
func (s *CaseStore) Cases(ctx context.Context, q casework.CaseQuery) ([]casework.Case, bool, error) {
	var w where
	if q.Regency != "" {
		w.add("regency_code = ?", q.Regency)
	}
	if q.Status != "" {
		w.add("status = ?", string(q.Status))
	}
	if q.AssignedTo != "" {
		w.add("assigned_to = ?", q.AssignedTo)
	}
	if q.Rule != "" {
		w.add("EXISTS (SELECT 1 FROM compliance_case_flags cf JOIN compliance_flags f ON f.id = cf.flag_id WHERE cf.case_id = compliance_cases.id AND f.rule = ?)", string(q.Rule))
	}
	limit := q.Limit
	if limit == 0 {
		limit = 50
	}
	cs, err := s.cases(ctx, `SELECT `+caseColumns+` FROM compliance_cases`+w.clause()+
		` ORDER BY expected_recovery_sen DESC, id LIMIT `+w.arg(limit+1)+` OFFSET `+w.arg(q.Offset), w.args...)
	if err != nil {
		return nil, false, err
	}
	more := len(cs) > limit
	if more {
		cs = cs[:limit]
	}
	return cs, more, nil
}

func (s *CaseStore) cases(ctx context.Context, query string, args ...any) ([]casework.Case, error) {
	rows, err := s.db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(fmt.Errorf("list cases: %w", err))
	}
	var out []casework.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, translate(err)
		}
		out = append(out, c)
	}
	if err := closeRows(rows); err != nil {
		return nil, err
	}
	for i := range out {
		if err := s.fill(ctx, &out[i], false); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CasesOf implements casework.Store.
func (s *CaseStore) CasesOf(ctx context.Context, taxpayerID int64) ([]casework.Case, error) {
	return s.cases(ctx, `SELECT `+caseColumns+` FROM compliance_cases c WHERE taxpayer_id = $1
		AND EXISTS (SELECT 1 FROM compliance_letters l WHERE l.case_id = c.id) ORDER BY id DESC`, taxpayerID)
}

// step changes a case's row when it is at version (any version when
// version is 0) and its status meets cond ("status = ?" with the status,
// or "status <> 'closed'"), and writes the event and the audit entry.
func step(ctx context.Context, tx *sql.Tx, id int64, version int, set string, args []any, cond string, condArgs []any, ev casework.Event, e audit.Entry) error {
	var w where
	w.args = args
	w.add("id = ?", id)
	if version != 0 {
		w.add("version = ?", version)
	}
	w.add(cond, condArgs...)
	res, err := tx.ExecContext(ctx, `UPDATE compliance_cases SET `+set+`, updated_at = `+w.arg(ev.At.UTC())+`, version = version + 1`+w.clause(), w.args...)
	if err != nil {
		return fmt.Errorf("update case %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		var v int
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT version, status FROM compliance_cases WHERE id = $1`, id).Scan(&v, &status); err != nil {
			return translate(notFound(err, "there is no case "+strconv.FormatInt(id, 10)))
		}
		if version != 0 && v != version {
			return errs.Errorf(errs.Conflict, "case %d was changed by someone else since version %d (it is at version %d); reload it and try again", id, version, v)
		}
		return errs.Errorf(errs.Conflict, "case %d is %s, which does not allow this step; reload it", id, casework.Status(status).Label())
	}
	if err := insertEvent(ctx, tx, id, ev); err != nil {
		return err
	}
	return appendAudit(ctx, tx, e)
}

// Assign implements casework.Store.
func (s *CaseStore) Assign(ctx context.Context, id int64, version int, officer string, ev casework.Event, e audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		return step(ctx, tx, id, version, "assigned_to = $1", []any{officer}, "status <> 'closed'", nil, ev, e)
	})
}

// letterContent is the letter as stored: everything but its ID and
// number, which have their own columns.
func letterContent(l *casework.Letter) (string, error) {
	b, err := json.Marshal(l)
	if err != nil {
		return "", fmt.Errorf("encode letter: %w", err)
	}
	return string(b), nil
}

// SendLetter implements casework.Store.
func (s *CaseStore) SendLetter(ctx context.Context, version int, l *casework.Letter, m *notify.Message, text func(*casework.Letter) (string, string), ev casework.Event, e audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		year := l.IssuedAt.Year()
		seq, err := nextCounter(ctx, tx, "compliance_letter", l.Regency+"/"+strconv.Itoa(year), 1)
		if err != nil {
			return err
		}
		l.Number = casework.LetterNumber(seq, l.Regency, year)
		if m != nil {
			m.Subject, m.Body = text(l)
			if l.OutboxID, err = insertOutbox(ctx, tx, *m); err != nil {
				return err
			}
			m.ID = l.OutboxID
		}
		ev.Detail = l.Number + ": " + ev.Detail
		e.Detail = ev.Detail
		if err := step(ctx, tx, l.CaseID, version, "status = $1", []any{string(casework.LetterSent)}, "status = ?", []any{string(casework.Open)}, ev, e); err != nil {
			return err
		}
		content, err := letterContent(l)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO compliance_letters (case_id, taxpayer_id, number, regency_code, issued_at, due_on, content, outbox_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, l.CaseID, nullID(l.TaxpayerID), l.Number, l.Regency, l.IssuedAt.UTC(),
			nullDate(l.DueOn), content, nullID(l.OutboxID)).Scan(&l.ID); err != nil {
			if isUniqueViolation(err) {
				return errs.Errorf(errs.Conflict, "case %d has a letter already", l.CaseID)
			}
			return fmt.Errorf("insert letter: %w", err)
		}
		return nil
	})
}

// Respond implements casework.Store.
func (s *CaseStore) Respond(ctx context.Context, version int, r *casework.Response, ev casework.Event, e audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := step(ctx, tx, r.CaseID, version, "status = $1", []any{string(casework.ResponseReceived)},
			"status = ?", []any{string(casework.LetterSent)}, ev, e); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO compliance_responses (case_id, taxpayer_id, channel, explanation, correction, received_at, recorded_by)
			VALUES ($1, (SELECT taxpayer_id FROM compliance_cases WHERE id = $1), $2, $3, $4, $5, $6) RETURNING id`,
			r.CaseID, r.Channel, r.Explanation, r.Correction, r.ReceivedAt.UTC(), r.RecordedBy).Scan(&r.ID)
		if isUniqueViolation(err) {
			return errs.Errorf(errs.Conflict, "case %d has a response already", r.CaseID)
		}
		if err != nil {
			return fmt.Errorf("insert response: %w", err)
		}
		return nil
	})
}

// Close implements casework.Store. The flags the case was opened from
// that are still open are closed with it: the office has dealt with
// them, and the risk list no longer counts them. A later run raises a
// new flag if the data still show the finding.
func (s *CaseStore) Close(ctx context.Context, id int64, version int, o casework.Outcome, at time.Time, ev casework.Event, e audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := step(ctx, tx, id, version, "status = $1, outcome = $2, closed_at = $3",
			[]any{string(casework.Closed), string(o), at.UTC()}, "status <> 'closed'", nil, ev, e); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE compliance_flags SET status = $1 WHERE status = $2
			AND id IN (SELECT flag_id FROM compliance_case_flags WHERE case_id = $3)`, compliance.StatusClosed, compliance.StatusOpen, id)
		if err != nil {
			return fmt.Errorf("close the flags of case %d: %w", id, err)
		}
		return nil
	})
}
