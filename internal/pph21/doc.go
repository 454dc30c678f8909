// Package pph21 computes PPh 21 (withholding on employment and
// personal-service income of residents) and PPh 26 (withholding from
// non-residents) under PP 58/2023 and PMK 168/2023: TER monthly and daily
// rates, the annual Pasal 17 computation of the last period, non-employee
// payments and the 20 % PPh 26 rate.
//
// It is pure: no storage, no clock, no network. Rates, brackets and
// thresholds are dated data with their legal source (rates.go); each Result
// explains itself step by step with citations.
package pph21
