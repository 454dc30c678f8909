package booking

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coretax/coretax/internal/errs"
)

const (
	abHeader = `"Confirmation code","Status","Guest name","Contact","# of adults","# of children","# of infants","Start date","End date","# of nights","Booked","Listing","Earnings"` + "\n"
	atHeader = "Date,Arriving by date,Type,Confirmation code,Booking date,Start date,End date,Nights,Guest,Listing,Details,Reference code,Currency,Amount,Paid out,Service fee,Fast pay fee,Cleaning fee,Gross earnings,Occupancy taxes,Earnings year\n"
	bsHeader = `"Reservation number","Invoice number","Booked on","Arrival","Departure","Booker name","Guest name","Rooms","Persons","Room nights","Commission %","Original amount","Final amount","Commission amount","Payment fee","Status","Guest request","Currency","Hotel id","Property name","City","Country"` + "\n"
	agHeader = "BookingIDExternal_reference_ID,BookedDate,StayDateFrom,StayDateTo,Customer_Name,Customer_Nationality,RoomType,No_of_adult,No_of_children,Status,PaymentModel,Currency,ReferenceSellInclusive,Commission,Total_inclusive_rate,Special_Request\n"
	gHeader  = "reference,listing,guest,check_in,check_out,nights,status,currency,gross,commission,payout,payout_country,exchange_rate,rate_date,rate_source\n"
)

// TestRowErrors checks that each bad row is reported with its row, its
// column, its value and a message that says what to do, and that the good
// rows around it still become bookings.
func TestRowErrors(t *testing.T) {
	tests := []struct {
		name    string
		format  Format
		file    string
		want    []RowError // Message holds a part of the message
		good    int
		noRates bool
	}{
		{
			name: "airbnb reservations: end before start", format: AirbnbReservations,
			file: abHeader + `"HM1","Confirmed","A B","","2","0","0","10/03/2026","10/07/2026","4","2026-08-14","Villa","$100.00"` + "\n" +
				`"HM2","Confirmed","C D","","2","0","0","10/09/2026","10/08/2026","1","2026-08-14","Villa","$100.00"` + "\n",
			want: []RowError{{Row: 3, Column: "End date", Value: "10/08/2026", Message: "not after the check-in date 2026-10-09"}},
			good: 1,
		},
		{
			name: "airbnb reservations: nights disagree with dates", format: AirbnbReservations,
			file: abHeader + `"HM1","Confirmed","A B","","2","0","0","10/03/2026","10/07/2026","5","2026-08-14","Villa","$100.00"` + "\n",
			want: []RowError{{Row: 2, Column: "# of nights", Value: "5", Message: "2026-10-03 to 2026-10-07 is 4 nights"}},
		},
		{
			name: "airbnb reservations: earnings without currency", format: AirbnbReservations,
			file: abHeader + `"HM1","Confirmed","A B","","2","0","0","10/03/2026","10/07/2026","4","2026-08-14","Villa","100.00"` + "\n",
			want: []RowError{{Row: 2, Column: "Earnings", Value: "100.00", Message: "no currency sign"}},
		},
		{
			name: "airbnb reservations: empty confirmation code", format: AirbnbReservations,
			file: abHeader + `"","Confirmed","A B","","2","0","0","10/03/2026","10/07/2026","4","2026-08-14","Villa","$100.00"` + "\n",
			want: []RowError{{Row: 2, Column: "Confirmation code", Message: "confirmation code identifies the stay"}},
		},
		{
			name: "airbnb transactions: not a date", format: AirbnbTransactions,
			file: atHeader + "10/04/2026,,Reservation,HM1,08/14/2026,10/33/2026,10/07/2026,4,A B,Villa,,,USD,100.00,,3.00,,,103.00,,2026\n",
			want: []RowError{{Row: 2, Column: "Start date", Value: "10/33/2026", Message: "is not a date"}},
		},
		{
			name: "airbnb transactions: bad amount", format: AirbnbTransactions,
			file: atHeader + "10/04/2026,,Reservation,HM1,08/14/2026,10/03/2026,10/07/2026,4,A B,Villa,,,USD,1OO.00,,3.00,,,103.00,,2026\n",
			want: []RowError{{Row: 2, Column: "Amount", Value: "1OO.00", Message: "contains 'O'"}},
		},
		{
			name: "airbnb transactions: bad currency", format: AirbnbTransactions,
			file: atHeader + "10/04/2026,,Reservation,HM1,08/14/2026,10/03/2026,10/07/2026,4,A B,Villa,,,US Dollar,100.00,,3.00,,,103.00,,2026\n",
			want: []RowError{{Row: 2, Column: "Currency", Value: "US Dollar", Message: "ISO 4217"}},
		},
		{
			name: "booking statement: unknown status", format: BookingStatement,
			file: bsHeader + `"1","I","2026-08-02T09:14:51","2026-10-09","2026-10-12","B","G","1","2","3","15.00","100","100","15","","maybe","","IDR","H","Villa","C","ID"` + "\n",
			want: []RowError{{Row: 2, Column: "Status", Value: "maybe", Message: "expected OK, CANCELLED or no_show"}},
		},
		{
			name: "booking statement: room nights disagree", format: BookingStatement,
			file: bsHeader + `"1","I","2026-08-02T09:14:51","2026-10-09","2026-10-12","B","G","1","2","4","15.00","100","100","15","","OK","","IDR","H","Villa","C","ID"` + "\n",
			want: []RowError{{Row: 2, Column: "Room nights", Value: "4", Message: "is 3 room nights"}},
		},
		{
			name: "booking statement: empty final amount", format: BookingStatement,
			file: bsHeader + `"1","I","2026-08-02T09:14:51","2026-10-09","2026-10-12","B","G","1","2","3","15.00","100","","15","","OK","","IDR","H","Villa","C","ID"` + "\n",
			want: []RowError{{Row: 2, Column: "Final amount", Message: "is empty"}},
		},
		{
			name: "agoda: unknown status", format: AgodaBookings,
			file: agHeader + "1,2026-09-02 18:22:10,2026-10-28,2026-10-31,N,VN,Villa,2,0,Pending,Agoda Collect,IDR,100,15,85,\n",
			want: []RowError{{Row: 2, Column: "Status", Value: "Pending", Message: "expected Confirmed, Amended, Cancelled or NoShow"}},
		},
		{
			name: "agoda: no rate for the currency", format: AgodaBookings,
			file: agHeader + "1,2026-09-02 18:22:10,2026-10-28,2026-10-31,N,VN,Villa,2,0,Confirmed,Agoda Collect,AUD,100,15,85,\n",
			want: []RowError{{Row: 2, Column: "Currency", Value: "AUD", Message: "no AUD→IDR rate for 2026-10-31"}},
		},
		{
			name: "agoda: no rate table", format: AgodaBookings, noRates: true,
			file: agHeader + "1,2026-09-02 18:22:10,2026-10-28,2026-10-31,N,VN,Villa,2,0,Confirmed,Agoda Collect,USD,100,15,85,\n" +
				"2,2026-09-02 18:22:10,2026-11-28,2026-11-30,M,VN,Villa,2,0,Confirmed,Agoda Collect,IDR,1000000,150000,850000,\n",
			want: []RowError{{Row: 2, Column: "Currency", Value: "USD", Message: "no exchange rate table"}},
			good: 1,
		},
		{
			name: "generic: several problems in one row", format: Generic,
			file: gHeader + "R1,Villa,,2026-10-03,2026-10-07,4,booked,IDR,1.000.000,0,,INDONESIA,,,\n",
			want: []RowError{
				{Row: 2, Column: "guest", Message: "write the name of the guest"},
				{Row: 2, Column: "status", Value: "booked", Message: "confirmed or cancelled"},
				{Row: 2, Column: "payout_country", Value: "INDONESIA", Message: "IDN for Indonesia"},
			},
		},
		{
			name: "generic: amounts without gross", format: Generic,
			file: gHeader + "R1,Villa,A,2026-10-03,2026-10-07,,,IDR,,100000,,,,,\n",
			want: []RowError{{Row: 2, Column: "commission", Value: "100000", Message: "without gross"}},
		},
		{
			name: "generic: negative gross", format: Generic,
			file: gHeader + "R1,Villa,A,2026-10-03,2026-10-07,,,IDR,-500000,,,,,,\n",
			want: []RowError{{Row: 2, Column: "gross", Value: "-500000", Message: "is negative"}},
		},
		{
			name: "generic: bad exchange rate", format: Generic,
			file: gHeader + "R1,Villa,A,2026-10-03,2026-10-07,,,USD,100,,,,abc,,\n",
			want: []RowError{{Row: 2, Column: "exchange_rate", Value: "abc", Message: "how many rupiah"}},
		},
		{
			name: "generic: check-in missing", format: Generic,
			file: gHeader + "R1,Villa,A,,2026-10-07,,,,,,,,,,\n",
			want: []RowError{{Row: 2, Column: "check_in", Message: "is empty"}},
		},
		{
			name: "ical: bad DTSTART", format: ICalendar,
			file: "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:2026-10-03\r\nDTEND;VALUE=DATE:20261006\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
			want: []RowError{{Row: 4, Column: "DTSTART", Value: "2026-10-03", Message: "DTSTART;VALUE=DATE:20261003"}},
		},
		{
			name: "ical: DTEND before DTSTART", format: ICalendar,
			file: "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261006\r\nDTEND;VALUE=DATE:20261003\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
			want: []RowError{{Row: 5, Column: "DTEND", Value: "20261003", Message: "not after DTSTART"}},
		},
		{
			name: "ical: no DTSTART", format: ICalendar,
			file: "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
			want: []RowError{{Row: 2, Column: "DTSTART", Message: "is missing"}},
		},
		{
			name: "ical: cut off", format: ICalendar,
			file: "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261006\r\n",
			want: []RowError{{Row: 2, Column: "END:VEVENT", Message: "never closed"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := Options{Rates: testRates(), Listing: ""}
			if tt.noRates {
				opt.Rates = nil
			}
			res, err := Read(strings.NewReader(tt.file), tt.format, opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Bookings) != tt.good {
				t.Errorf("%d bookings, want %d", len(res.Bookings), tt.good)
			}
			got := make([]RowError, len(res.Errors))
			for i, e := range res.Errors {
				got[i] = e
				if i < len(tt.want) && strings.Contains(e.Message, tt.want[i].Message) {
					got[i].Message = tt.want[i].Message
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s\nmessages: %v", diff, res.Errors)
			}
		})
	}
}

func TestRowErrorText(t *testing.T) {
	e := RowError{Row: 7, Column: "Start date", Value: "10/33/2026", Message: "is not a date; write the date as 2026-10-03"}
	want := `row 7, column "Start date", value "10/33/2026": is not a date; write the date as 2026-10-03`
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
}

// TestFileErrors checks the errors that concern the whole file.
func TestFileErrors(t *testing.T) {
	tests := []struct {
		name, file string
		format     Format
		want       string
	}{
		{"missing columns", "Confirmation code,Status,Guest name\nHM1,Confirmed,A\n", AirbnbReservations, `Start date: column missing from the header; the Airbnb reservations export has a column named "Start date"`},
		{"empty file", "", Generic, "the file is empty"},
		{"unknown format", "a,b\n", Format("expedia"), `format "expedia" is not one this system reads`},
		{"quote never closed", "listing,guest,check_in,check_out\n\"Villa,A,2026-10-03,2026-10-07\n", Generic, "is not valid CSV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.file), tt.format, Options{})
			var e *errs.Error
			if !errors.As(err, &e) || e.Kind != errs.Invalid {
				t.Fatalf("error %v, want an Invalid *errs.Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}
