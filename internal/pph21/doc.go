// Package pph21 computes PPh 21 (withholding on employment and
// personal-service income of residents) and PPh 26 (withholding from
// non-residents) under PP 58/2023 and PMK 168/2023: TER monthly and daily
// rates, the annual Pasal 17 computation of the last period, non-employee
// payments with the deemed percentage of their object code, the final
// PP 68/2009 layers on severance and lump-sum pension, THT and JHT, the
// 20 % PPh 26 rate with object codes and treaty rates, the higher rate of
// UU PPh Pasal 21(5a), the PPh 21 DTP facilities of 2025 and 2026, and
// non-taxable items taken out of gross.
//
// It is pure: no storage, no clock, no network. Rates, brackets, criteria
// and thresholds are dated data with their legal source (rates.go); each
// Result explains itself step by step with citations.
package pph21
