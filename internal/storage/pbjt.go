package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pbjt"
)

// PBJTStore implements pbjt.Store.
type PBJTStore struct{ db *DB }

// PBJT returns the store of the regions' configuration and the
// properties.
func (db *DB) PBJT() *PBJTStore { return &PBJTStore{db: db} }

var _ pbjt.Store = (*PBJTStore)(nil)

// RegionVersions implements pbjt.Store.
func (s *PBJTStore) RegionVersions(ctx context.Context) ([]pbjt.Version, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT regency_code, valid_from, config, recorded_at, recorded_by
		FROM pbjt_region_versions ORDER BY regency_code, valid_from`)
	if err != nil {
		return nil, translate(fmt.Errorf("list PBJT region versions: %w", err))
	}
	var out []pbjt.Version
	for rows.Next() {
		var code, config, by string
		var from, at time.Time
		if err := rows.Scan(&code, utc{&from}, &config, utc{&at}, &by); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		v, err := pbjt.DecodeValues(code, calendar.Midnight(from), []byte(config))
		if err != nil {
			rows.Close()
			return nil, err
		}
		v.RecordedAt, v.RecordedBy = at, by
		out = append(out, v)
	}
	return out, closeRows(rows)
}

// AddRegionVersion implements pbjt.Store.
func (s *PBJTStore) AddRegionVersion(ctx context.Context, v pbjt.Version, e audit.Entry) error {
	config, err := pbjt.EncodeValues(v)
	if err != nil {
		return fmt.Errorf("encode PBJT configuration: %w", err)
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO pbjt_region_versions (regency_code, valid_from, config, recorded_at, recorded_by)
			VALUES ($1, $2, $3, $4, $5)`, v.RegencyCode, calendar.Midnight(v.From), string(config), v.RecordedAt.UTC(), v.RecordedBy)
		if isUniqueViolation(err) {
			return errs.Errorf(errs.Conflict, "%s already has a version from %s recorded in the database; choose another first day",
				v.Name(), v.From.Format(time.DateOnly))
		}
		if err != nil {
			return fmt.Errorf("insert PBJT region version: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

// npwpdTaken is the Conflict of a local tax number used by another
// property of the same region.
func npwpdTaken(p *pbjt.Property) error {
	return &errs.Error{Kind: errs.Conflict, Message: "the local tax number (NPWPD) is taken", Fields: []errs.FieldError{errs.Field("npwpd", p.NPWPD,
		"is the local tax number of another property in region %s; check the number the region issued", p.RegencyCode)}}
}

// CreateProperty implements pbjt.Store.
func (s *PBJTStore) CreateProperty(ctx context.Context, p *pbjt.Property, e audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		a := p.Address
		err := tx.QueryRowContext(ctx, `INSERT INTO pbjt_properties (taxpayer_id, name, kind, street, province_code, regency_code,
			district_code, postal_code, npwpd, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1) RETURNING id`,
			p.TaxpayerID, p.Name, string(p.Kind), a.Street, a.ProvinceCode, p.RegencyCode, a.DistrictCode, a.PostalCode, nullString(p.NPWPD),
			p.CreatedAt.UTC(), p.UpdatedAt.UTC()).Scan(&p.ID)
		if isUniqueViolation(err) {
			return npwpdTaken(p)
		}
		if err != nil {
			return fmt.Errorf("insert property: %w", err)
		}
		p.Version = 1
		if err := insertPropertyParts(ctx, tx, p); err != nil {
			return err
		}
		e.Detail = fmt.Sprintf("property %d: %s", p.ID, e.Detail)
		return appendAudit(ctx, tx, e)
	})
}

// UpdateProperty implements pbjt.Store.
func (s *PBJTStore) UpdateProperty(ctx context.Context, p *pbjt.Property, version int, e audit.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		a := p.Address
		res, err := tx.ExecContext(ctx, `UPDATE pbjt_properties SET name = $1, kind = $2, street = $3, province_code = $4, regency_code = $5,
			district_code = $6, postal_code = $7, npwpd = $8, updated_at = $9, version = version + 1
			WHERE id = $10 AND taxpayer_id = $11 AND version = $12`,
			p.Name, string(p.Kind), a.Street, a.ProvinceCode, p.RegencyCode, a.DistrictCode, a.PostalCode, nullString(p.NPWPD),
			p.UpdatedAt.UTC(), p.ID, p.TaxpayerID, version)
		if isUniqueViolation(err) {
			return npwpdTaken(p)
		}
		if err != nil {
			return fmt.Errorf("update property %d: %w", p.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return errs.Errorf(errs.Conflict, "property %d was changed by someone else since version %d; reload it and make the change again", p.ID, version)
		}
		p.Version = version + 1
		for _, table := range []string{"pbjt_units", "pbjt_owners"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE property_id = $1`, p.ID); err != nil {
				return fmt.Errorf("replace %s of property %d: %w", table, p.ID, err)
			}
		}
		if err := insertPropertyParts(ctx, tx, p); err != nil {
			return err
		}
		e.Detail = fmt.Sprintf("property %d version %d: %s", p.ID, p.Version, e.Detail)
		return appendAudit(ctx, tx, e)
	})
}

// insertPropertyParts inserts the units and owners of p in their order.
func insertPropertyParts(ctx context.Context, tx *sql.Tx, p *pbjt.Property) error {
	for i, u := range p.Units {
		if _, err := tx.ExecContext(ctx, `INSERT INTO pbjt_units (property_id, taxpayer_id, position, name, rooms) VALUES ($1, $2, $3, $4, $5)`,
			p.ID, p.TaxpayerID, i, u.Name, u.Rooms); err != nil {
			return fmt.Errorf("insert unit %q: %w", u.Name, err)
		}
	}
	for i, o := range p.Owners {
		if _, err := tx.ExecContext(ctx, `INSERT INTO pbjt_owners (property_id, taxpayer_id, position, owner_id, owner_npwp, owner_name,
			share_bp, valid_from, valid_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			p.ID, p.TaxpayerID, i, o.TaxpayerID, o.NPWP, o.Name, o.Share, calendar.Midnight(o.From), nullDate(o.Until)); err != nil {
			return fmt.Errorf("insert owner %s: %w", o.NPWP, err)
		}
	}
	return nil
}

const propertyColumns = `id, taxpayer_id, name, kind, street, province_code, regency_code, district_code, postal_code, npwpd,
	created_at, updated_at, version`

func scanProperty(row scanner) (pbjt.Property, error) {
	var p pbjt.Property
	var kind string
	a := &p.Address
	err := row.Scan(&p.ID, &p.TaxpayerID, &p.Name, &kind, &a.Street, &a.ProvinceCode, &p.RegencyCode, &a.DistrictCode, &a.PostalCode,
		str{&p.NPWPD}, utc{&p.CreatedAt}, utc{&p.UpdatedAt}, &p.Version)
	p.Kind, a.RegencyCode = pbjt.Kind(kind), p.RegencyCode
	return p, err
}

// Property implements pbjt.Store.
func (s *PBJTStore) Property(ctx context.Context, id int64) (pbjt.Property, error) {
	p, err := scanProperty(s.db.db.QueryRowContext(ctx, `SELECT `+propertyColumns+` FROM pbjt_properties WHERE id = $1`, id))
	if err != nil {
		return p, translate(notFound(err, fmt.Sprintf("there is no property %d", id)))
	}
	ps := []*pbjt.Property{&p}
	return p, s.loadParts(ctx, ps)
}

// PropertiesOf implements pbjt.Store.
func (s *PBJTStore) PropertiesOf(ctx context.Context, taxpayerID int64) ([]pbjt.Property, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT `+propertyColumns+` FROM pbjt_properties
		WHERE taxpayer_id = $1 OR id IN (SELECT property_id FROM pbjt_owners WHERE owner_id = $1) ORDER BY id`, taxpayerID)
	if err != nil {
		return nil, translate(fmt.Errorf("list properties: %w", err))
	}
	var out []pbjt.Property
	for rows.Next() {
		p, err := scanProperty(rows)
		if err != nil {
			rows.Close()
			return nil, translate(err)
		}
		out = append(out, p)
	}
	if err := closeRows(rows); err != nil {
		return nil, err
	}
	ps := make([]*pbjt.Property, len(out))
	for i := range out {
		ps[i] = &out[i]
	}
	return out, s.loadParts(ctx, ps)
}

// loadParts reads the units and owners of ps, one query each per
// property.
func (s *PBJTStore) loadParts(ctx context.Context, ps []*pbjt.Property) error {
	for _, p := range ps {
		rows, err := s.db.db.QueryContext(ctx, `SELECT name, rooms FROM pbjt_units WHERE property_id = $1 ORDER BY position`, p.ID)
		if err != nil {
			return translate(fmt.Errorf("list units of property %d: %w", p.ID, err))
		}
		for rows.Next() {
			var u pbjt.Unit
			if err := rows.Scan(&u.Name, &u.Rooms); err != nil {
				rows.Close()
				return translate(err)
			}
			p.Units = append(p.Units, u)
		}
		if err := closeRows(rows); err != nil {
			return err
		}
		rows, err = s.db.db.QueryContext(ctx, `SELECT owner_id, owner_npwp, owner_name, share_bp, valid_from, valid_until
			FROM pbjt_owners WHERE property_id = $1 ORDER BY position`, p.ID)
		if err != nil {
			return translate(fmt.Errorf("list owners of property %d: %w", p.ID, err))
		}
		for rows.Next() {
			var o pbjt.Owner
			if err := rows.Scan(&o.TaxpayerID, &o.NPWP, &o.Name, &o.Share, utc{&o.From}, nullTime{&o.Until}); err != nil {
				rows.Close()
				return translate(err)
			}
			o.From = calendar.Midnight(o.From)
			if !o.Until.IsZero() {
				o.Until = calendar.Midnight(o.Until)
			}
			p.Owners = append(p.Owners, o)
		}
		if err := closeRows(rows); err != nil {
			return err
		}
	}
	return nil
}
