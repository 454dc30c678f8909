package calendar

import (
	"testing"
	"time"
)

func TestDay(t *testing.T) {
	for _, tt := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 11, 24, 16, 59, 59, 0, time.UTC), "2026-11-24"},
		{time.Date(2026, 11, 24, 17, 0, 0, 0, time.UTC), "2026-11-25"},
		{time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC), "2027-01-01"},
	} {
		got := Day(tt.in)
		if got.Format(time.DateOnly) != tt.want || got.Location() != time.UTC || got.Hour() != 0 {
			t.Errorf("Day(%v) = %v, want %s at UTC midnight", tt.in, got, tt.want)
		}
	}
	if got := Midnight(time.Date(2026, 3, 9, 23, 30, 0, 0, WIB)); !got.Equal(time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Midnight = %v", got)
	}
}
