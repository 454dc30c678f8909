package pph21

import (
	"fmt"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pph21/treaty"
)

// TreatyIncome returns the treaty income type of a PPh 26 payment: the
// object code's (treaty.IncomeOf), else income as given; dividends become
// treaty.DividendsQualifying when qualifying is true. It returns false
// when neither names one.
func TreatyIncome(code ObjectCode, income treaty.Income, qualifying bool) (treaty.Income, bool) {
	in, ok := treaty.IncomeOf(string(code))
	if !ok {
		in, ok = income, income != ""
	}
	if ok && qualifying && in == treaty.Dividends {
		in = treaty.DividendsQualifying
	}
	return in, ok
}

// TreatyDay is the day a PPh 26 payment's treaty rate is looked up on:
// date, or the first day of month (January when 0) of year.
func TreatyDay(year, month int, date time.Time) time.Time {
	if !date.IsZero() {
		return time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, time.UTC)
	}
	return day(year, time.Month(max(month, 1)), 1)
}

// TreatyAbove is the message refusing a rate above a treaty row's
// maximum, for the engine and the BPNR slips alike.
func TreatyAbove(given string, row treaty.Row, domestic string) string {
	return fmt.Sprintf("rate %s is above the %s %% of the %s treaty for %s (source %s, %s); give at most %s, or facility N/A at %s %%",
		given, row.Max, row.Treaty, row.Income.Label(), row.Source, row.Status, row.Max, domestic)
}

// TreatyNoRow is the explanation step saying the table has no row.
func TreatyNoRow(country string, income treaty.Income, on time.Time) string {
	return fmt.Sprintf("the treaty table has no row for %s and %s on %s: the rate of the certificate of domicile is used, at most the domestic rate",
		country, income.Label(), on.Format("2006-01-02"))
}

// TreatyFromTable is the explanation step of a rate filled from the table.
func TreatyFromTable(row treaty.Row) string {
	return fmt.Sprintf("treaty rate %s %% from the treaty table (%s)", row.Max, row.Cite())
}

// treatyRate returns the treaty rate of a PPh 26 payment whose domestic
// rate is domestic, with the law it cites, adding its steps to r. With a
// row in the treaty table for the country and income type on the
// payment's day, a given rate above the row's maximum is refused and a
// rate left out is the row's; without one the given rate is required and
// is capped at the domestic rate (pph21.md §11; PER-25/PJ/2018).
func treatyRate(r *Result, in Input, domestic Rate) (Rate, string, error) {
	country := strings.ToUpper(in.Country)
	law := "tax treaty with " + country + "; certificate of domicile per PER-25/PJ/2018"
	table := in.Treaties
	if table == nil {
		table = treaty.Installed()
	}
	on := TreatyDay(in.Year, in.Month, in.Date)
	income, hasIncome := TreatyIncome(in.ObjectCode, in.Income, in.Qualifying)
	var row treaty.Row
	held := false
	if hasIncome {
		row, held = table.Lookup(country, income, on)
	}
	switch {
	case held && in.HasTreatyRate && in.TreatyRate > Rate(row.Max):
		return 0, "", errs.InvalidFields("treaty rate above the treaty",
			errs.Field("treaty_rate", rateNumber(in.TreatyRate), "%s", TreatyAbove(rateNumber(in.TreatyRate), row, rateNumber(domestic))))
	case held:
		if strings.TrimSpace(in.COD) == "" {
			return 0, "", errs.InvalidFields("no certificate of domicile",
				errs.Field("cod", "", "Tax Rate Mismatch: rate %s needs a COD reference; give the number of the certificate of domicile (SKD) in cod, or leave treaty out for the PPh 26 rate", row.Max))
		}
		tr := Rate(row.Max)
		if in.HasTreatyRate {
			tr = in.TreatyRate
			r.step(fmt.Sprintf("treaty rate %s as given, within the %s %% of the treaty table (%s)", tr, row.Max, row.Cite()), 0, row.Source)
		} else {
			r.step(TreatyFromTable(row), 0, row.Source)
		}
		r.Citations = append(r.Citations, row.Cite())
		return min(tr, domestic), law + "; " + row.Treaty + " (" + row.Source + ")", nil
	case !hasIncome:
		if !in.HasTreatyRate {
			return 0, "", errs.InvalidFields("no treaty rate",
				errs.Field("treaty_rate", "", "no treaty rate for %s is held without an income type; give object_code or income to look the treaty table up, or the rate stated with the certificate of domicile, e.g. \"10\", and its number in cod", country))
		}
		r.step("the treaty table was not looked up: no object_code or income names the income type; the rate of the certificate of domicile is used, at most the domestic rate", 0, "")
	default:
		if !in.HasTreatyRate {
			return 0, "", errs.InvalidFields("no treaty rate",
				errs.Field("treaty_rate", "", "the treaty table has no row for %s and %s on %s; give the rate stated with the certificate of domicile, e.g. \"10\", and its number in cod", country, income.Label(), on.Format("2006-01-02")))
		}
		r.step(TreatyNoRow(country, income, on), 0, "")
	}
	return min(in.TreatyRate, domestic), law, nil
}

// rateNumber renders a rate without its percent sign: "10", "7.5".
func rateNumber(r Rate) string { return strings.TrimSuffix(r.String(), "%") }
