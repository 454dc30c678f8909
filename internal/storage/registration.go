package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/taxid"
)

// RegistrationStore implements registration.Store.
type RegistrationStore struct{ db *DB }

// Registration returns the store of the taxpayer register.
func (db *DB) Registration() *RegistrationStore { return &RegistrationStore{db: db} }

var _ registration.Store = (*RegistrationStore)(nil)

const taxpayerColumns = `id, npwp, kind, name, nik, birth_date, sex, passport_number, nationality,
	stay_permit_kind, stay_permit_number, stay_permit_expires, entity_form, deed_number, registry_number,
	street, province_code, regency_code, district_code, postal_code, email, mobile,
	registered_at, updated_at, version`

type scanner interface{ Scan(dest ...any) error }

func scanTaxpayer(row scanner) (registration.Taxpayer, error) {
	var t registration.Taxpayer
	var npwp, kind, nik, form string
	err := row.Scan(&t.ID, &npwp, &kind, &t.Name, str{&nik}, nullTime{&t.BirthDate}, str{&t.Sex},
		str{&t.Passport}, str{&t.Nationality}, str{&t.StayPermit.Kind}, str{&t.StayPermit.Number},
		nullTime{&t.StayPermit.Expires}, str{&form}, str{&t.DeedNumber}, str{&t.RegistryNumber},
		&t.Address.Street, &t.Address.ProvinceCode, &t.Address.RegencyCode, &t.Address.DistrictCode,
		&t.Address.PostalCode, &t.Email, &t.Mobile, utc{&t.RegisteredAt}, utc{&t.UpdatedAt}, &t.Version)
	t.NPWP, t.Kind, t.NIK, t.EntityForm = taxid.NPWP(npwp), registration.Kind(kind), taxid.NIK(nik), registration.EntityForm(form)
	return t, err
}

// CreateTaxpayer implements registration.Store.
func (s *RegistrationStore) CreateTaxpayer(ctx context.Context, t registration.Taxpayer, head registration.PlaceOfBusiness, alloc *registration.NPWPAllocation, links []registration.NPWPLink, history []registration.Change) (registration.Taxpayer, error) {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		// Unique fields are checked first so that the user learns which
		// one clashes; the constraints stay as the backstop.
		checks := []struct {
			field, query string
			value        string
			extra        []any
		}{
			{"email", `SELECT count(*) FROM taxpayers WHERE email = $1`, t.Email, nil},
			{"mobile", `SELECT count(*) FROM taxpayers WHERE mobile = $1`, t.Mobile, nil},
			{"nik", `SELECT count(*) FROM taxpayers WHERE nik = $1`, string(t.NIK), nil},
			{"passport_number", `SELECT count(*) FROM taxpayers WHERE passport_number = $1 AND nationality = $2`, t.Passport, []any{t.Nationality}},
			{"registry_number", `SELECT count(*) FROM taxpayers WHERE registry_number = $1`, t.RegistryNumber, nil},
		}
		var conflict *errs.Error
		for _, c := range checks {
			if c.value == "" {
				continue
			}
			var n int
			if err := tx.QueryRowContext(ctx, c.query, append([]any{c.value}, c.extra...)...).Scan(&n); err != nil {
				return fmt.Errorf("check %s: %w", c.field, err)
			}
			if n > 0 {
				e := registration.Taken(c.field, c.value)
				if conflict == nil {
					conflict = e
				} else {
					conflict.Fields = append(conflict.Fields, e.Fields...)
				}
			}
		}
		for _, l := range links {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM npwp_links WHERE legacy_npwp = $1) + (SELECT count(*) FROM taxpayers WHERE npwp = $1)`, string(l.LegacyNPWP)).Scan(&n); err != nil {
				return fmt.Errorf("check legacy NPWP: %w", err)
			}
			if n > 0 {
				e := registration.Taken("legacy_npwp", l.LegacyNPWP.String())
				if conflict == nil {
					conflict = e
				} else {
					conflict.Fields = append(conflict.Fields, e.Fields...)
				}
			}
		}
		if conflict != nil {
			return conflict
		}
		if t.NPWP == "" {
			serial, err := nextCounter(ctx, tx, "npwp", alloc.Scope, 1)
			if err != nil {
				return err
			}
			n, err := alloc.Make(serial)
			if err != nil {
				return fmt.Errorf("allocate NPWP: %w", err)
			}
			t.NPWP = n
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO taxpayers (npwp, kind, name, nik, birth_date, sex, passport_number,
			nationality, stay_permit_kind, stay_permit_number, stay_permit_expires, entity_form, deed_number,
			registry_number, street, province_code, regency_code, district_code, postal_code, email, mobile,
			registered_at, updated_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, 1)
			RETURNING id`,
			string(t.NPWP), string(t.Kind), t.Name, nullString(string(t.NIK)), nullDate(t.BirthDate), nullString(t.Sex),
			nullString(t.Passport), nullString(t.Nationality), nullString(t.StayPermit.Kind), nullString(t.StayPermit.Number),
			nullDate(t.StayPermit.Expires), nullString(string(t.EntityForm)), nullString(t.DeedNumber),
			nullString(t.RegistryNumber), t.Address.Street, t.Address.ProvinceCode, t.Address.RegencyCode,
			t.Address.DistrictCode, t.Address.PostalCode, t.Email, t.Mobile, t.RegisteredAt, t.UpdatedAt).Scan(&t.ID)
		if err != nil {
			if isUniqueViolation(err) {
				return errs.E(errs.Conflict, "another registration with the same identifiers was stored at the same moment; reload and check before trying again").Wrap(err)
			}
			return fmt.Errorf("insert taxpayer: %w", err)
		}
		t.Version = 1
		if _, err := nextCounter(ctx, tx, "tku", strconv.FormatInt(t.ID, 10), 0); err != nil {
			return err
		}
		head.TaxpayerID, head.Seq = t.ID, 0
		if err := insertPlace(ctx, tx, t.NPWP, &head); err != nil {
			return err
		}
		for _, l := range links {
			l.TaxpayerID = t.ID
			if err := insertLink(ctx, tx, l); err != nil {
				return err
			}
		}
		return insertChanges(ctx, tx, t.ID, history)
	})
	if err != nil {
		return registration.Taxpayer{}, err
	}
	return t, nil
}

func insertPlace(ctx context.Context, tx *sql.Tx, owner taxid.NPWP, p *registration.PlaceOfBusiness) error {
	n, err := taxid.NewNITKU(owner, p.Seq)
	if err != nil {
		return fmt.Errorf("NITKU for place %d: %w", p.Seq, err)
	}
	p.NITKU = n
	_, err = tx.ExecContext(ctx, `INSERT INTO places_of_business (taxpayer_id, seq, nitku, name, street,
		province_code, regency_code, district_code, postal_code, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		p.TaxpayerID, p.Seq, string(n), p.Name, p.Address.Street, p.Address.ProvinceCode,
		p.Address.RegencyCode, p.Address.DistrictCode, p.Address.PostalCode, p.CreatedAt)
	if err != nil {
		return fmt.Errorf("insert place of business: %w", err)
	}
	return nil
}

func insertLink(ctx context.Context, tx *sql.Tx, l registration.NPWPLink) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO npwp_links (legacy_npwp, taxpayer_id, linked_at, actor, note)
		VALUES ($1, $2, $3, $4, $5)`, string(l.LegacyNPWP), l.TaxpayerID, l.LinkedAt, l.Actor, l.Note)
	if err != nil {
		if isUniqueViolation(err) {
			return registration.Taken("legacy_npwp", l.LegacyNPWP.String()).Wrap(err)
		}
		return fmt.Errorf("insert NPWP link: %w", err)
	}
	return nil
}

func insertChanges(ctx context.Context, tx *sql.Tx, taxpayerID int64, cs []registration.Change) error {
	for _, c := range cs {
		_, err := tx.ExecContext(ctx, `INSERT INTO taxpayer_changes (taxpayer_id, changed_at, actor, action, field, old_value, new_value)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, taxpayerID, c.At, c.Actor, c.Action, c.Field, c.Old, c.New)
		if err != nil {
			return fmt.Errorf("insert history: %w", err)
		}
		if err := appendAudit(ctx, tx, changeEntry(ctx, taxpayerID, c)); err != nil {
			return err
		}
	}
	return nil
}

// bumpVersion takes the optimistic lock: it moves the taxpayer from
// version to version+1 and fails with a Conflict when someone else
// changed it first.
func bumpVersion(ctx context.Context, tx *sql.Tx, taxpayerID int64, version int, at time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE taxpayers SET version = version + 1, updated_at = $3 WHERE id = $1 AND version = $2`,
		taxpayerID, version, at)
	if err != nil {
		return fmt.Errorf("lock taxpayer %d: %w", taxpayerID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		var npwp string
		if err := tx.QueryRowContext(ctx, `SELECT npwp FROM taxpayers WHERE id = $1`, taxpayerID).Scan(&npwp); err != nil {
			return notFound(err, "taxpayer not found")
		}
		return registration.StaleVersion(taxid.NPWP(npwp))
	}
	return nil
}

// TaxpayerByNPWP implements registration.Store.
func (s *RegistrationStore) TaxpayerByNPWP(ctx context.Context, npwp taxid.NPWP) (registration.Taxpayer, error) {
	row := s.db.db.QueryRowContext(ctx, `SELECT `+taxpayerColumns+` FROM taxpayers WHERE npwp = $1
		UNION ALL
		SELECT `+prefixed("t.", taxpayerColumns)+` FROM taxpayers t JOIN npwp_links l ON l.taxpayer_id = t.id WHERE l.legacy_npwp = $1
		LIMIT 1`, string(npwp))
	t, err := scanTaxpayer(row)
	if err != nil {
		return t, translate(notFound(err, fmt.Sprintf("no taxpayer is registered with NPWP %s", npwp.Format())))
	}
	return t, nil
}

// prefixed qualifies a comma-separated column list with a table alias.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// TaxpayerByID implements registration.Store.
func (s *RegistrationStore) TaxpayerByID(ctx context.Context, id int64) (registration.Taxpayer, error) {
	t, err := scanTaxpayer(s.db.db.QueryRowContext(ctx, `SELECT `+taxpayerColumns+` FROM taxpayers WHERE id = $1`, id))
	if err != nil {
		return t, translate(notFound(err, fmt.Sprintf("taxpayer %d not found", id)))
	}
	return t, nil
}

// Profile implements registration.Store. It reads in one transaction so
// that the parts agree with each other.
func (s *RegistrationStore) Profile(ctx context.Context, id int64) (registration.Profile, error) {
	var p registration.Profile
	tx, err := s.db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: s.db.dialect == Postgres})
	if err != nil {
		return p, translate(err)
	}
	defer tx.Rollback()
	p.Taxpayer, err = scanTaxpayer(tx.QueryRowContext(ctx, `SELECT `+taxpayerColumns+` FROM taxpayers WHERE id = $1`, id))
	if err != nil {
		return p, translate(notFound(err, fmt.Sprintf("taxpayer %d not found", id)))
	}
	if p.Places, err = queryPlaces(ctx, tx, id); err != nil {
		return p, err
	}
	if p.Parties, err = queryParties(ctx, tx, `WHERE r.taxpayer_id = $1`, id); err != nil {
		return p, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, taxpayer_id, event, effective_date, note, actor, recorded_at
		FROM pkp_events WHERE taxpayer_id = $1 ORDER BY effective_date, id`, id)
	if err != nil {
		return p, translate(err)
	}
	for rows.Next() {
		var e registration.PKPEvent
		if err := rows.Scan(&e.ID, &e.TaxpayerID, &e.Event, nullTime{&e.EffectiveDate}, &e.Note, &e.Actor, utc{&e.RecordedAt}); err != nil {
			rows.Close()
			return p, err
		}
		p.PKP = append(p.PKP, e)
	}
	if err := closeRows(rows); err != nil {
		return p, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT legacy_npwp, taxpayer_id, linked_at, actor, note FROM npwp_links WHERE taxpayer_id = $1 ORDER BY linked_at`, id)
	if err != nil {
		return p, translate(err)
	}
	for rows.Next() {
		var l registration.NPWPLink
		var n string
		if err := rows.Scan(&n, &l.TaxpayerID, utc{&l.LinkedAt}, &l.Actor, &l.Note); err != nil {
			rows.Close()
			return p, err
		}
		l.LegacyNPWP = taxid.NPWP(n)
		p.Links = append(p.Links, l)
	}
	if err := closeRows(rows); err != nil {
		return p, err
	}
	return p, nil
}

func closeRows(rows *sql.Rows) error {
	if err := rows.Err(); err != nil {
		rows.Close()
		return translate(err)
	}
	return rows.Close()
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func queryPlaces(ctx context.Context, q querier, taxpayerID int64) ([]registration.PlaceOfBusiness, error) {
	rows, err := q.QueryContext(ctx, `SELECT taxpayer_id, seq, nitku, name, street, province_code, regency_code,
		district_code, postal_code, created_at FROM places_of_business WHERE taxpayer_id = $1 ORDER BY seq`, taxpayerID)
	if err != nil {
		return nil, translate(err)
	}
	var out []registration.PlaceOfBusiness
	for rows.Next() {
		var p registration.PlaceOfBusiness
		var n string
		if err := rows.Scan(&p.TaxpayerID, &p.Seq, &n, &p.Name, &p.Address.Street, &p.Address.ProvinceCode,
			&p.Address.RegencyCode, &p.Address.DistrictCode, &p.Address.PostalCode, utc{&p.CreatedAt}); err != nil {
			rows.Close()
			return nil, err
		}
		p.NITKU = taxid.NITKU(n)
		out = append(out, p)
	}
	return out, closeRows(rows)
}

func queryParties(ctx context.Context, q querier, where string, arg any) ([]registration.RelatedParty, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.taxpayer_id, r.party_id, p.npwp, r.relation, r.name, r.nik,
		r.passport_number, r.nationality, r.share_bp, r.main_pic, r.valid_from, r.valid_until, r.created_at
		FROM related_parties r LEFT JOIN taxpayers p ON p.id = r.party_id `+where+`
		ORDER BY r.main_pic DESC, r.valid_from, r.id`, arg)
	if err != nil {
		return nil, translate(err)
	}
	var out []registration.RelatedParty
	for rows.Next() {
		var r registration.RelatedParty
		var partyID sql.NullInt64
		var share sql.NullInt64
		var npwp, rel string
		if err := rows.Scan(&r.ID, &r.TaxpayerID, &partyID, str{&npwp}, &rel, &r.Name, str{&r.NIK},
			str{&r.Passport}, str{&r.Nationality}, &share, &r.MainPIC, nullTime{&r.ValidFrom},
			nullTime{&r.ValidUntil}, utc{&r.CreatedAt}); err != nil {
			rows.Close()
			return nil, err
		}
		r.PartyID, r.PartyNPWP, r.Relation, r.ShareBP = partyID.Int64, taxid.NPWP(npwp), registration.Relation(rel), int(share.Int64)
		out = append(out, r)
	}
	return out, closeRows(rows)
}

// UpdateTaxpayer implements registration.Store.
func (s *RegistrationStore) UpdateTaxpayer(ctx context.Context, t registration.Taxpayer, version int, history []registration.Change) (registration.Taxpayer, error) {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		for _, c := range []struct{ field, value string }{{"email", t.Email}, {"mobile", t.Mobile}} {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM taxpayers WHERE `+c.field+` = $1 AND id <> $2`, c.value, t.ID).Scan(&n); err != nil {
				return fmt.Errorf("check %s: %w", c.field, err)
			}
			if n > 0 {
				return registration.Taken(c.field, c.value)
			}
		}
		if err := bumpVersion(ctx, tx, t.ID, version, t.UpdatedAt); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE taxpayers SET name = $2, street = $3, province_code = $4, regency_code = $5,
			district_code = $6, postal_code = $7, email = $8, mobile = $9, stay_permit_kind = $10,
			stay_permit_number = $11, stay_permit_expires = $12 WHERE id = $1`,
			t.ID, t.Name, t.Address.Street, t.Address.ProvinceCode, t.Address.RegencyCode, t.Address.DistrictCode,
			t.Address.PostalCode, t.Email, t.Mobile, nullString(t.StayPermit.Kind), nullString(t.StayPermit.Number),
			nullDate(t.StayPermit.Expires))
		if err != nil {
			return fmt.Errorf("update taxpayer: %w", err)
		}
		return insertChanges(ctx, tx, t.ID, history)
	})
	if err != nil {
		return registration.Taxpayer{}, err
	}
	return s.TaxpayerByID(ctx, t.ID)
}

// AddPlace implements registration.Store.
func (s *RegistrationStore) AddPlace(ctx context.Context, taxpayerID int64, version int, p registration.PlaceOfBusiness, history []registration.Change) (registration.PlaceOfBusiness, error) {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := bumpVersion(ctx, tx, taxpayerID, version, p.CreatedAt); err != nil {
			return err
		}
		var npwp string
		if err := tx.QueryRowContext(ctx, `SELECT npwp FROM taxpayers WHERE id = $1`, taxpayerID).Scan(&npwp); err != nil {
			return err
		}
		seq, err := nextCounter(ctx, tx, "tku", strconv.FormatInt(taxpayerID, 10), 0)
		if err != nil {
			return err
		}
		if seq > 999999 {
			return errs.Errorf(errs.Conflict, "%s already has 999,999 places of business, the most a 6-digit NITKU suffix allows", npwp)
		}
		p.TaxpayerID, p.Seq = taxpayerID, int(seq)
		if err := insertPlace(ctx, tx, taxid.NPWP(npwp), &p); err != nil {
			return err
		}
		for i := range history {
			history[i].New = fmt.Sprintf("%s (NITKU %s)", history[i].New, p.NITKU)
		}
		return insertChanges(ctx, tx, taxpayerID, history)
	})
	return p, err
}

// AddParty implements registration.Store.
func (s *RegistrationStore) AddParty(ctx context.Context, version int, r registration.RelatedParty, endPIC int64, endPICOn time.Time, history []registration.Change) (registration.RelatedParty, error) {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := bumpVersion(ctx, tx, r.TaxpayerID, version, r.CreatedAt); err != nil {
			return err
		}
		if endPIC != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE related_parties SET valid_until = $3 WHERE id = $1 AND taxpayer_id = $2`,
				endPIC, r.TaxpayerID, calendar.Midnight(endPICOn)); err != nil {
				return fmt.Errorf("end main PIC: %w", err)
			}
		}
		var share any
		if r.ShareBP > 0 {
			share = r.ShareBP
		}
		var party any
		if r.PartyID != 0 {
			party = r.PartyID
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO related_parties (taxpayer_id, party_id, relation, name, nik,
			passport_number, nationality, share_bp, main_pic, valid_from, valid_until, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			r.TaxpayerID, party, string(r.Relation), r.Name, nullString(r.NIK), nullString(r.Passport),
			nullString(r.Nationality), share, r.MainPIC, calendar.Midnight(r.ValidFrom), nullDate(r.ValidUntil), r.CreatedAt).Scan(&r.ID)
		if err != nil {
			if isUniqueViolation(err) {
				return errs.E(errs.Conflict, "the entity already has an open-ended main PIC; end that appointment first").Wrap(err)
			}
			return fmt.Errorf("insert related party: %w", err)
		}
		return insertChanges(ctx, tx, r.TaxpayerID, history)
	})
	return r, err
}

// EndParty implements registration.Store.
func (s *RegistrationStore) EndParty(ctx context.Context, taxpayerID int64, version int, partyID int64, until time.Time, history []registration.Change) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		at := time.Now().UTC()
		if len(history) > 0 {
			at = history[0].At
		}
		if err := bumpVersion(ctx, tx, taxpayerID, version, at); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE related_parties SET valid_until = $3 WHERE id = $1 AND taxpayer_id = $2`,
			partyID, taxpayerID, calendar.Midnight(until))
		if err != nil {
			return fmt.Errorf("end related party: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errs.Errorf(errs.NotFound, "related party %d not found", partyID)
		}
		return insertChanges(ctx, tx, taxpayerID, history)
	})
}

// AddPKPEvent implements registration.Store.
func (s *RegistrationStore) AddPKPEvent(ctx context.Context, version int, e registration.PKPEvent, history []registration.Change) (registration.PKPEvent, error) {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := bumpVersion(ctx, tx, e.TaxpayerID, version, e.RecordedAt); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO pkp_events (taxpayer_id, event, effective_date, note, actor, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			e.TaxpayerID, e.Event, calendar.Midnight(e.EffectiveDate), e.Note, e.Actor, e.RecordedAt).Scan(&e.ID)
		if err != nil {
			return fmt.Errorf("insert PKP event: %w", err)
		}
		return insertChanges(ctx, tx, e.TaxpayerID, history)
	})
	return e, err
}

// AddLink implements registration.Store.
func (s *RegistrationStore) AddLink(ctx context.Context, version int, l registration.NPWPLink, history []registration.Change) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := bumpVersion(ctx, tx, l.TaxpayerID, version, l.LinkedAt); err != nil {
			return err
		}
		if err := insertLink(ctx, tx, l); err != nil {
			return err
		}
		return insertChanges(ctx, tx, l.TaxpayerID, history)
	})
}

// History implements registration.Store.
func (s *RegistrationStore) History(ctx context.Context, taxpayerID int64, before int64, limit int) ([]registration.Change, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT id, taxpayer_id, changed_at, actor, action, field, old_value, new_value
		FROM taxpayer_changes WHERE taxpayer_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`, taxpayerID, before, limit)
	if err != nil {
		return nil, translate(err)
	}
	var out []registration.Change
	for rows.Next() {
		var c registration.Change
		if err := rows.Scan(&c.ID, &c.TaxpayerID, utc{&c.At}, &c.Actor, &c.Action, &c.Field, &c.Old, &c.New); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	return out, closeRows(rows)
}

// Search implements registration.Store.
func (s *RegistrationStore) Search(ctx context.Context, q registration.Query) ([]registration.Summary, error) {
	var where []string
	args := []any{q.After, q.Limit}
	if q.Number != "" {
		// A 15-digit legacy number is stored with a leading 0, so the
		// prefix is tried both as typed and after a 0.
		args = append(args, q.Number+"%", "0"+q.Number+"%")
		n, l := len(args)-1, len(args)
		where = append(where, fmt.Sprintf(`(npwp LIKE $%d OR npwp LIKE $%d OR nik LIKE $%d
			OR id IN (SELECT taxpayer_id FROM npwp_links WHERE legacy_npwp LIKE $%d OR legacy_npwp LIKE $%d))`, n, l, n, n, l))
	}
	if q.Name != "" {
		args = append(args, "%"+escapeLike(strings.ToLower(q.Name))+"%")
		where = append(where, fmt.Sprintf(`lower(name) LIKE $%d ESCAPE '\'`, len(args)))
	}
	if q.Kind != "" {
		args = append(args, string(q.Kind))
		where = append(where, fmt.Sprintf(`kind = $%d`, len(args)))
	}
	cond := ""
	for _, w := range where {
		cond += " AND " + w
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT id, npwp, kind, name, regency_code FROM taxpayers
		WHERE id > $1`+cond+` ORDER BY id LIMIT $2`, args...)
	if err != nil {
		return nil, translate(err)
	}
	var out []registration.Summary
	for rows.Next() {
		var r registration.Summary
		var npwp, kind string
		if err := rows.Scan(&r.ID, &npwp, &kind, &r.Name, &r.RegencyCode); err != nil {
			rows.Close()
			return nil, err
		}
		r.NPWP, r.Kind = taxid.NPWP(npwp), registration.Kind(kind)
		out = append(out, r)
	}
	return out, closeRows(rows)
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// PartiesOf implements registration.Store.
func (s *RegistrationStore) PartiesOf(ctx context.Context, partyID int64) ([]registration.Representation, error) {
	ps, err := queryParties(ctx, s.db.db, `WHERE r.party_id = $1`, partyID)
	if err != nil {
		return nil, err
	}
	out := make([]registration.Representation, 0, len(ps))
	entities := map[int64]registration.Taxpayer{}
	for _, p := range ps {
		e, ok := entities[p.TaxpayerID]
		if !ok {
			if e, err = s.TaxpayerByID(ctx, p.TaxpayerID); err != nil {
				return nil, err
			}
			entities[p.TaxpayerID] = e
		}
		out = append(out, registration.Representation{RelatedParty: p, EntityNPWP: e.NPWP, EntityName: e.Name})
	}
	return out, nil
}
