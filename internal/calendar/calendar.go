// Package calendar holds the one rule about calendar days that every
// module shares: DJP counts days (deadlines, validity, "today") in Western
// Indonesian Time, and dates are carried as time.Time values at UTC
// midnight so that they compare alike in memory and in both databases.
package calendar

import "time"

// WIB is Western Indonesian Time, UTC+7 with no daylight saving: the zone
// in which DJP counts calendar days and shows times.
var WIB = time.FixedZone("WIB", 7*60*60)

// Day returns the calendar day in WIB of the instant t, as UTC midnight.
// 2026-11-24 18:00 UTC is 2026-11-25 01:00 WIB, so its day is 2026-11-25.
func Day(t time.Time) time.Time {
	return Midnight(t.In(WIB))
}

// Midnight returns t's own year, month and day at UTC midnight: the
// stored form of a date that is already a calendar day in its zone.
func Midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
