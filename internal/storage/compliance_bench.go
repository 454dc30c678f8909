package storage

import (
	"context"
	"fmt"
	"time"
)

// BenchProperty is a property the compliance benchmark registers: an
// individual taxpayer (NPWP = NIK) operating it, and the bases it
// declared, one per tax month "YYYY-MM" (none when Bases is empty).
type BenchProperty struct {
	NIK, District, Name, NPWPD string
	Bases                      map[string]int64
	// ID is set by SeedComplianceBench.
	ID int64
}

// SeedComplianceBench registers the properties of the compliance
// benchmark with their taxpayers, owner rows and declarations, writing
// rows with COPY on PostgreSQL and multi-row INSERTs on SQLite, in
// chunks. It is the benchmark's set-up, not what it measures; it returns
// the number of declarations written.
func (s *ComplianceStore) SeedComplianceBench(ctx context.Context, ps []BenchProperty, at time.Time) (int, error) {
	at = at.UTC()
	day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
	decls := 0
	const chunk = 2000
	for start := 0; start < len(ps); start += chunk {
		end := min(start+chunk, len(ps))
		err := s.db.inBulkTx(ctx, func(bt bulkTx) error {
			var tpIDs, propIDs []int64
			if bt.copies() {
				var err error
				if tpIDs, err = bt.nextIDs(ctx, "taxpayers", end-start); err != nil {
					return err
				}
				if propIDs, err = bt.nextIDs(ctx, "pbjt_properties", end-start); err != nil {
					return err
				}
			} else {
				var tbase, pbase int64
				if err := bt.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM taxpayers`).Scan(&tbase); err != nil {
					return err
				}
				if err := bt.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM pbjt_properties`).Scan(&pbase); err != nil {
					return err
				}
				for i := range end - start {
					tpIDs = append(tpIDs, tbase+int64(i)+1)
					propIDs = append(propIDs, pbase+int64(i)+1)
				}
			}
			var tps, props, owners, ds []any
			for i := start; i < end; i++ {
				j := i - start
				p := &ps[i]
				p.ID = propIDs[j]
				d := p.District
				owner := fmt.Sprintf("BENCH OWNER %d", i)
				tps = append(tps, tpIDs[j], p.NIK, "resident_individual", owner, p.NIK, "Jl. Bench", d[:2], d[:4], d, "80361",
					fmt.Sprintf("owner%d@bench.example", i), fmt.Sprintf("+62800%08d", i), at, at)
				props = append(props, propIDs[j], tpIDs[j], p.Name, "villa", "Jl. Bench", d[:2], d[:4], d, "80361", p.NPWPD, at, at)
				owners = append(owners, propIDs[j], tpIDs[j], 1, tpIDs[j], p.NIK, owner, 10000, day.AddDate(-3, 0, 0))
				for month, base := range p.Bases {
					ds = append(ds, propIDs[j], tpIDs[j], d[:4], month, 0, fmt.Sprintf("SPTPD/BENCH/%d/%s", i, month), "", false, base, base, 1, 0, 1000,
						base/10, 0, 0, "", day, day, day, false, 0, day, "Bapenda", "sptpd-generic", "", "current", "bench", at)
					decls++
				}
			}
			if err := bt.insert(ctx, "taxpayers", []string{"id", "npwp", "kind", "name", "nik", "street", "province_code", "regency_code", "district_code",
				"postal_code", "email", "mobile", "registered_at", "updated_at"}, tps); err != nil {
				return err
			}
			if err := bt.insert(ctx, "pbjt_properties", []string{"id", "taxpayer_id", "name", "kind", "street", "province_code", "regency_code", "district_code",
				"postal_code", "npwpd", "created_at", "updated_at"}, props); err != nil {
				return err
			}
			if err := bt.insert(ctx, "pbjt_owners", []string{"property_id", "taxpayer_id", "position", "owner_id", "owner_npwp", "owner_name", "share_bp", "valid_from"}, owners); err != nil {
				return err
			}
			return bt.insert(ctx, "pbjt_declarations", []string{"property_id", "taxpayer_id", "regency_code", "period", "revision", "number", "payment_code",
				"nil_return", "base_sen", "bookings_gross_sen", "bookings", "unpriced", "rate_bp", "tax_sen", "prior_tax_sen", "overpayment_sen", "reason",
				"filed_on", "filing_due", "payment_due", "late", "fine_sen", "region_from", "office", "layout", "penalty_rule", "status", "filed_by", "filed_at"}, ds)
		})
		if err != nil {
			return decls, fmt.Errorf("seed compliance bench rows %d..%d: %w", start, end, err)
		}
	}
	return decls, nil
}
