package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registry"
)

// RegistryStore implements registry.Store: the population, company and
// immigration registries.
//
// A Put method stores a whole batch in one transaction, a chunk of records
// at a time (see chunkSize): one SELECT reads the stored records of a chunk's keys, one
// multi-row INSERT adds the new ones, and an UPDATE is run only for a
// record that differs from the stored one. Round trips, not rows, are what
// an import of 100,000 records pays for on PostgreSQL, and this keeps them
// to a few per chunk. updated_at moves only when a record really changes,
// so importing the same file again counts its records as unchanged.
type RegistryStore struct{ db *DB }

// Registry returns the store of the reference registries.
func (db *DB) Registry() *RegistryStore { return &RegistryStore{db: db} }

var _ registry.Store = (*RegistryStore)(nil)

// Person implements registry.Store.
func (s *RegistryStore) Person(ctx context.Context, nik string) (registry.Person, error) {
	var p registry.Person
	err := s.db.db.QueryRowContext(ctx, `SELECT nik, name, birth_date, sex, street, province_code, regency_code,
		district_code, updated_at FROM population WHERE nik = $1`, nik).
		Scan(&p.NIK, &p.Name, utc{&p.BirthDate}, &p.Sex, &p.Street, &p.ProvinceCode, &p.RegencyCode,
			&p.DistrictCode, utc{&p.UpdatedAt})
	if err != nil {
		return registry.Person{}, translate(notFound(err, fmt.Sprintf("NIK %s is not in the population registry", nik)))
	}
	return p, nil
}

// Company implements registry.Store. The company and its officers are
// read by one statement, so that they agree with each other.
func (s *RegistryStore) Company(ctx context.Context, registryNumber string) (registry.Company, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT c.registry_number, c.name, c.form, c.deed_number, c.updated_at,
		o.seq, o.position, o.name, o.nik, o.passport_number, o.nationality
		FROM companies c LEFT JOIN company_officers o ON o.registry_number = c.registry_number
		WHERE c.registry_number = $1 ORDER BY o.seq`, registryNumber)
	if err != nil {
		return registry.Company{}, translate(fmt.Errorf("read company %s: %w", registryNumber, err))
	}
	var c registry.Company
	found := false
	for rows.Next() {
		var seq sql.NullInt64
		var o registry.Officer
		var pos, name string
		if err := rows.Scan(&c.RegistryNumber, &c.Name, &c.Form, &c.DeedNumber, utc{&c.UpdatedAt},
			&seq, str{&pos}, str{&name}, str{&o.NIK}, str{&o.Passport}, str{&o.Nationality}); err != nil {
			rows.Close()
			return registry.Company{}, fmt.Errorf("read company %s: %w", registryNumber, err)
		}
		found = true
		if seq.Valid {
			o.Position, o.Name = registry.Position(pos), name
			c.Officers = append(c.Officers, o)
		}
	}
	if err := closeRows(rows); err != nil {
		return registry.Company{}, fmt.Errorf("read company %s: %w", registryNumber, err)
	}
	if !found {
		return registry.Company{}, errs.Errorf(errs.NotFound, "registry number %s is not in the company registry", registryNumber)
	}
	return c, nil
}

const immigrationColumns = `passport_number, nationality, name, birth_date, sex, passport_expires,
	stay_permit_kind, stay_permit_number, stay_permit_expires, updated_at`

func scanImmigration(row scanner) (registry.ImmigrationRecord, error) {
	var r registry.ImmigrationRecord
	err := row.Scan(&r.Passport, &r.Nationality, &r.Name, utc{&r.BirthDate}, &r.Sex, utc{&r.PassportExpires},
		&r.StayPermitKind, &r.StayPermitNumber, nullTime{&r.StayPermitExpires}, utc{&r.UpdatedAt})
	return r, err
}

// Immigration implements registry.Store.
func (s *RegistryStore) Immigration(ctx context.Context, nationality, passport string) (registry.ImmigrationRecord, error) {
	r, err := scanImmigration(s.db.db.QueryRowContext(ctx, `SELECT `+immigrationColumns+`
		FROM immigration WHERE nationality = $1 AND passport_number = $2`, nationality, passport))
	if err != nil {
		return registry.ImmigrationRecord{}, translate(notFound(err,
			fmt.Sprintf("passport %s of %s is not in the immigration registry", passport, nationality)))
	}
	return r, nil
}

// ImmigrationByPassport implements registry.Store.
func (s *RegistryStore) ImmigrationByPassport(ctx context.Context, passport string) ([]registry.ImmigrationRecord, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT `+immigrationColumns+`
		FROM immigration WHERE passport_number = $1 ORDER BY nationality`, passport)
	if err != nil {
		return nil, translate(fmt.Errorf("read passport %s: %w", passport, err))
	}
	var out []registry.ImmigrationRecord
	for rows.Next() {
		r, err := scanImmigration(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("read passport %s: %w", passport, err)
		}
		out = append(out, r)
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("read passport %s: %w", passport, err)
	}
	if len(out) == 0 {
		return nil, errs.Errorf(errs.NotFound, "passport %s is not in the immigration registry under any nationality", passport)
	}
	return out, nil
}

// chunkSize returns the number of records per multi-row statement. On
// PostgreSQL every statement is a round trip, so chunks are large: 500
// records, far below its limit of 65,535 bound parameters. SQLite has no
// round trips, and its driver finds each $N parameter of a statement by
// scanning the list of parameter names, so binding costs grow with the
// square of a statement's parameters: small chunks are fastest there (see
// BenchmarkImportPopulation in internal/registry).
func (s *RegistryStore) chunkSize() int {
	if s.db.dialect == Postgres {
		return 500
	}
	return 32
}

// eachChunk calls fn with consecutive parts [start, end) of n items, size
// items at a time.
func eachChunk(n, size int, fn func(start, end int) error) error {
	for start := 0; start < n; start += size {
		if err := fn(start, min(start+size, n)); err != nil {
			return err
		}
	}
	return nil
}

// placeholders returns "($1, $2, $3), ($4, $5, $6)" for rows tuples of
// cols parameters each.
func placeholders(rows, cols int) string {
	var b strings.Builder
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "$%d", r*cols+c+1)
		}
		b.WriteByte(')')
	}
	return b.String()
}

// list returns "($1, $2, ..., $n)" for an IN clause.
func list(n int) string { return placeholders(1, n) }

// stmts prepares each statement text once per transaction, so that the
// full-size chunk statements are parsed once for a whole batch.
type stmts struct {
	tx *sql.Tx
	m  map[string]*sql.Stmt
}

func newStmts(tx *sql.Tx) *stmts { return &stmts{tx: tx, m: map[string]*sql.Stmt{}} }

func (s *stmts) get(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.m[query]; ok {
		return st, nil
	}
	st, err := s.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.m[query] = st
	return st, nil
}

func (s *stmts) exec(ctx context.Context, query string, args ...any) error {
	st, err := s.get(ctx, query)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ctx, args...)
	return err
}

func (s *stmts) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.get(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// close frees the statements. Statements prepared in a transaction are
// closed with it anyway; closing them here only frees them sooner, so the
// errors change nothing.
func (s *stmts) close() {
	for _, st := range s.m {
		st.Close()
	}
}

// scanAll scans every row with scan and closes rows.
func scanAll(rows *sql.Rows, scan func(*sql.Rows) error) error {
	for rows.Next() {
		if err := scan(rows); err != nil {
			rows.Close()
			return err
		}
	}
	return closeRows(rows)
}

const populationColumns = `nik, name, birth_date, sex, street, province_code, regency_code, district_code, updated_at`

// PutPeople implements registry.Store.
func (s *RegistryStore) PutPeople(ctx context.Context, people []registry.Person, at time.Time) (registry.Counts, error) {
	var c registry.Counts
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		st := newStmts(tx)
		defer st.close()
		return eachChunk(len(people), s.chunkSize(), func(start, end int) error {
			chunk := people[start:end]
			keys := make([]any, len(chunk))
			for i, p := range chunk {
				keys[i] = p.NIK
			}
			rows, err := st.query(ctx, `SELECT `+populationColumns+` FROM population WHERE nik IN `+list(len(keys)), keys...)
			if err != nil {
				return fmt.Errorf("read population: %w", err)
			}
			stored := map[string]registry.Person{}
			err = scanAll(rows, func(rows *sql.Rows) error {
				var p registry.Person
				err := rows.Scan(&p.NIK, &p.Name, utc{&p.BirthDate}, &p.Sex, &p.Street, &p.ProvinceCode,
					&p.RegencyCode, &p.DistrictCode, utc{&p.UpdatedAt})
				stored[p.NIK] = p
				return err
			})
			if err != nil {
				return fmt.Errorf("read population: %w", err)
			}
			var fresh []any
			for _, p := range chunk {
				args := []any{p.NIK, p.Name, calendar.Midnight(p.BirthDate), p.Sex, p.Street, p.ProvinceCode, p.RegencyCode, p.DistrictCode, at}
				old, ok := stored[p.NIK]
				switch {
				case !ok:
					fresh = append(fresh, args...)
					c.Inserted++
				case samePerson(old, p):
					c.Unchanged++
				default:
					if err := st.exec(ctx, `UPDATE population SET name = $2, birth_date = $3, sex = $4, street = $5,
						province_code = $6, regency_code = $7, district_code = $8, updated_at = $9 WHERE nik = $1`, args...); err != nil {
						return fmt.Errorf("update NIK %s: %w", p.NIK, err)
					}
					c.Updated++
				}
			}
			if len(fresh) == 0 {
				return nil
			}
			if err := st.exec(ctx, `INSERT INTO population (`+populationColumns+`) VALUES `+placeholders(len(fresh)/9, 9), fresh...); err != nil {
				return fmt.Errorf("insert population: %w", err)
			}
			return nil
		})
	})
	if err != nil {
		return registry.Counts{}, err
	}
	return c, nil
}

func samePerson(a, b registry.Person) bool {
	return a.NIK == b.NIK && a.Name == b.Name && a.BirthDate.Equal(b.BirthDate) && a.Sex == b.Sex && a.Street == b.Street &&
		a.ProvinceCode == b.ProvinceCode && a.RegencyCode == b.RegencyCode && a.DistrictCode == b.DistrictCode
}

// PutImmigration implements registry.Store.
func (s *RegistryStore) PutImmigration(ctx context.Context, records []registry.ImmigrationRecord, at time.Time) (registry.Counts, error) {
	type key struct{ nationality, passport string }
	var c registry.Counts
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		st := newStmts(tx)
		defer st.close()
		return eachChunk(len(records), s.chunkSize(), func(start, end int) error {
			chunk := records[start:end]
			// Read by passport number alone (indexed); the same number
			// under another nationality is filtered out below.
			keys := make([]any, len(chunk))
			for i, r := range chunk {
				keys[i] = r.Passport
			}
			rows, err := st.query(ctx, `SELECT `+immigrationColumns+` FROM immigration WHERE passport_number IN `+list(len(keys)), keys...)
			if err != nil {
				return fmt.Errorf("read immigration: %w", err)
			}
			stored := map[key]registry.ImmigrationRecord{}
			err = scanAll(rows, func(rows *sql.Rows) error {
				r, err := scanImmigration(rows)
				stored[key{r.Nationality, r.Passport}] = r
				return err
			})
			if err != nil {
				return fmt.Errorf("read immigration: %w", err)
			}
			var fresh []any
			for _, r := range chunk {
				args := []any{r.Passport, r.Nationality, r.Name, calendar.Midnight(r.BirthDate), r.Sex, calendar.Midnight(r.PassportExpires),
					r.StayPermitKind, r.StayPermitNumber, nullDate(r.StayPermitExpires), at}
				old, ok := stored[key{r.Nationality, r.Passport}]
				switch {
				case !ok:
					fresh = append(fresh, args...)
					c.Inserted++
				case sameImmigration(old, r):
					c.Unchanged++
				default:
					if err := st.exec(ctx, `UPDATE immigration SET name = $3, birth_date = $4, sex = $5, passport_expires = $6,
						stay_permit_kind = $7, stay_permit_number = $8, stay_permit_expires = $9, updated_at = $10
						WHERE passport_number = $1 AND nationality = $2`, args...); err != nil {
						return fmt.Errorf("update passport %s of %s: %w", r.Passport, r.Nationality, err)
					}
					c.Updated++
				}
			}
			if len(fresh) == 0 {
				return nil
			}
			if err := st.exec(ctx, `INSERT INTO immigration (`+immigrationColumns+`) VALUES `+placeholders(len(fresh)/10, 10), fresh...); err != nil {
				return fmt.Errorf("insert immigration: %w", err)
			}
			return nil
		})
	})
	if err != nil {
		return registry.Counts{}, err
	}
	return c, nil
}

func sameImmigration(a, b registry.ImmigrationRecord) bool {
	return a.Passport == b.Passport && a.Nationality == b.Nationality && a.Name == b.Name &&
		a.BirthDate.Equal(b.BirthDate) && a.Sex == b.Sex && a.PassportExpires.Equal(b.PassportExpires) &&
		a.StayPermitKind == b.StayPermitKind && a.StayPermitNumber == b.StayPermitNumber &&
		a.StayPermitExpires.Equal(b.StayPermitExpires)
}

const officerColumns = `registry_number, seq, position, name, nik, passport_number, nationality`

// PutCompanies implements registry.Store. A company whose row or officer
// list differs from the stored one counts as updated, and its stored
// officers are replaced by the batch's.
func (s *RegistryStore) PutCompanies(ctx context.Context, companies []registry.Company, at time.Time) (registry.Counts, error) {
	var c registry.Counts
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		st := newStmts(tx)
		defer st.close()
		return eachChunk(len(companies), s.chunkSize(), func(start, end int) error {
			chunk := companies[start:end]
			stored, err := storedCompanies(ctx, st, chunk)
			if err != nil {
				return err
			}
			var fresh, officers []any
			for _, co := range chunk {
				old, ok := stored[co.RegistryNumber]
				args := []any{co.RegistryNumber, co.Name, co.Form, co.DeedNumber, at}
				switch {
				case !ok:
					fresh = append(fresh, args...)
					c.Inserted++
				case sameCompany(*old, co):
					c.Unchanged++
					continue
				default:
					if err := st.exec(ctx, `UPDATE companies SET name = $2, form = $3, deed_number = $4, updated_at = $5
						WHERE registry_number = $1`, args...); err != nil {
						return fmt.Errorf("update company %s: %w", co.RegistryNumber, err)
					}
					if err := st.exec(ctx, `DELETE FROM company_officers WHERE registry_number = $1`, co.RegistryNumber); err != nil {
						return fmt.Errorf("replace officers of %s: %w", co.RegistryNumber, err)
					}
					c.Updated++
				}
				for i, o := range co.Officers {
					officers = append(officers, co.RegistryNumber, i+1, string(o.Position), o.Name,
						nullString(o.NIK), nullString(o.Passport), nullString(o.Nationality))
				}
			}
			if len(fresh) > 0 {
				if err := st.exec(ctx, `INSERT INTO companies (registry_number, name, form, deed_number, updated_at) VALUES `+
					placeholders(len(fresh)/5, 5), fresh...); err != nil {
					return fmt.Errorf("insert companies: %w", err)
				}
			}
			const cols = 7
			return eachChunk(len(officers)/cols, s.chunkSize(), func(start, end int) error {
				if err := st.exec(ctx, `INSERT INTO company_officers (`+officerColumns+`) VALUES `+
					placeholders(end-start, cols), officers[start*cols:end*cols]...); err != nil {
					return fmt.Errorf("insert officers: %w", err)
				}
				return nil
			})
		})
	})
	if err != nil {
		return registry.Counts{}, err
	}
	return c, nil
}

// storedCompanies reads the stored companies, with their officers, that
// have the registry numbers of chunk.
func storedCompanies(ctx context.Context, st *stmts, chunk []registry.Company) (map[string]*registry.Company, error) {
	keys := make([]any, len(chunk))
	for i, co := range chunk {
		keys[i] = co.RegistryNumber
	}
	stored := map[string]*registry.Company{}
	rows, err := st.query(ctx, `SELECT registry_number, name, form, deed_number, updated_at FROM companies
		WHERE registry_number IN `+list(len(keys)), keys...)
	if err != nil {
		return nil, fmt.Errorf("read companies: %w", err)
	}
	err = scanAll(rows, func(rows *sql.Rows) error {
		var co registry.Company
		err := rows.Scan(&co.RegistryNumber, &co.Name, &co.Form, &co.DeedNumber, utc{&co.UpdatedAt})
		stored[co.RegistryNumber] = &co
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read companies: %w", err)
	}
	if len(stored) == 0 {
		return stored, nil
	}
	rows, err = st.query(ctx, `SELECT `+officerColumns+` FROM company_officers
		WHERE registry_number IN `+list(len(keys))+` ORDER BY registry_number, seq`, keys...)
	if err != nil {
		return nil, fmt.Errorf("read officers: %w", err)
	}
	err = scanAll(rows, func(rows *sql.Rows) error {
		var number, pos string
		var seq int
		var o registry.Officer
		if err := rows.Scan(&number, &seq, &pos, &o.Name, str{&o.NIK}, str{&o.Passport}, str{&o.Nationality}); err != nil {
			return err
		}
		o.Position = registry.Position(pos)
		if co := stored[number]; co != nil {
			co.Officers = append(co.Officers, o)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read officers: %w", err)
	}
	return stored, nil
}

func sameCompany(a, b registry.Company) bool {
	return a.RegistryNumber == b.RegistryNumber && a.Name == b.Name && a.Form == b.Form &&
		a.DeedNumber == b.DeedNumber && slices.Equal(a.Officers, b.Officers)
}
