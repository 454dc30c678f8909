package objectcode

import (
	"testing"

	"github.com/coretax/coretax/internal/errs"
)

// TestCheck covers each mismatch between a code and a recipient that the
// domain notes name (pph21.md §1, ebupot.md §6), and the slip rule.
func TestCheck(t *testing.T) {
	on := day(2026, 6, 1)
	tests := []struct {
		name      string
		code      string
		slip      SlipType
		recipient RecipientKind
		want      string // "" for no error
	}{
		{"permanent employee on BPMP", "21-100-01", BPMP, PermanentEmployee, ""},
		{"permanent employee's last period on BPA1", "21-100-01", BPA1, PermanentEmployee, ""},
		{"freelancer on a permanent-employee code", "21-100-01", BP21, NonEmployee,
			"21-100-01 is for permanent employees; a recipient paid for a project or a service without an employment contract is a non-employee (bukan pegawai): " +
				"use 21-100-20 for service providers in any field, 21-100-07 for experts (tenaga ahli), or 21-100-33 for performers"},
		{"freelancer keyed into BPMP", "21-100-01", BPMP, NonEmployee,
			"21-100-01 is for permanent employees; a recipient paid for a project or a service without an employment contract is a non-employee (bukan pegawai): " +
				"use 21-100-20 for service providers in any field (on BP21), 21-100-07 for experts (tenaga ahli) (on BP21), or 21-100-33 for performers (on BP21); non-employees are not reported on BPMP"},
		{"casual worker on a permanent-employee code", "21-100-01", BPMP, NonPermanentEmployee,
			"21-100-01 is for permanent employees; a recipient paid by the month, day, week, unit or job without a permanent contract is a non-permanent employee (pegawai tidak tetap): " +
				"use 21-100-35 for non-permanent employees paid monthly"},
		{"casual worker on BP21", "21-100-07", BP21, NonPermanentEmployee,
			"21-100-07 is for non-employees; a recipient paid by the month, day, week, unit or job without a permanent contract is a non-permanent employee (pegawai tidak tetap): " +
				"use 21-100-35 for non-permanent employees paid monthly, 21-100-24 for non-permanent employees paid daily, weekly, per unit or in a lump sum, up to Rp 2,500,000 a day, " +
				"or 21-100-30 for non-permanent employees paid daily, weekly, per unit or in a lump sum, above Rp 2,500,000 a day"},
		{"permanent employee on a non-employee code", "21-100-20", BP21, PermanentEmployee,
			"21-100-20 is for non-employees; a recipient employed on a permanent contract is a permanent employee (pegawai tetap): " +
				"use 21-100-01 for income of permanent employees, including civil servants, TNI/Polri members and state officials (on BPMP, BPA1, or BPA2); permanent employees are not reported on BP21"},
		{"pensioner on a permanent-employee code", "21-100-01", BPMP, Pensioner,
			"21-100-01 is for permanent employees; a recipient paid a pension is a pensioner: use 21-100-02 for periodic pension received regularly"},
		{"commissioner on an expert code", "21-100-07", BP21, BoardMember,
			"21-100-07 is for non-employees; a commissioner or supervisor who is not an employee is a board member: " +
				"use 21-100-10 for members of a board of commissioners or supervisors paid irregularly"},
		{"former employee on an expert code", "21-100-07", BP21, FormerEmployee,
			"21-100-07 is for non-employees; a recipient paid after their employment ended is a former employee: " +
				"use 21-401-01 for severance pay (pesangon) paid in a lump sum, 21-401-02 for pension benefits, THT or JHT paid in a lump sum, " +
				"or 21-100-25 for severance, pension benefits, THT or JHT paid in instalments from the third calendar year on"},
		{"seminar participant on a trainer code", "21-100-18", BP21, Participant,
			"21-100-18 is for non-employees; a recipient paid for taking part in a meeting, training, competition or other activity is a participant (peserta kegiatan): " +
				"use 21-100-14 for participants of meetings, conferences, seminars, workshops or performances, 21-100-16 for participants of education, training or apprenticeship, " +
				"or 21-100-36 for competition participants in sport, art, skill, science, technology and the like"},
		{"foreign consultant on a resident code", "21-100-07", BP21, NonResident,
			"21-100-07 is for non-employees; a recipient resident abroad is a non-resident (PPh 26): " +
				"use 27-100-99 for PPh 26 on services, work and activities, prizes and awards, pensions and other periodic payments (on BP26) or 27-104-01 for services, work and activities (on BPNR); non-residents are not reported on BP21"},
		{"foreign consultant on BP26", "27-100-99", BP26, NonResident, ""},
		{"resident on a PPh 26 code", "27-104-01", BPNR, Resident,
			"27-104-01 is for non-residents; a resident person or entity paid under the unified regime is a resident taxpayer: " +
				"use the code for resident taxpayers that names the payment, reported on BPPU, BPNR, BPSP, or BPCY"},
		{"rent from a resident or a non-resident", "28-403-02", BPNR, NonResident, ""},
		{"other recipient on a board code", "21-100-10", BP21, Other,
			"21-100-10 is for board members who are not employees; this recipient is of another kind: " +
				"use the code for other recipients that names the payment, reported on BP21"},
		{"wrong slip", "21-100-01", BP21, PermanentEmployee, "21-100-01 cannot be reported on a BP21 slip; it belongs on BPMP, BPA1, or BPA2"},
		{"wrong slip, no recipient given", "21-100-35", BP26, "", "21-100-35 cannot be reported on a BP26 slip; it belongs on BPMP or BP21"},
		{"retired code", "21-100-09", BP21, NonEmployee, "code 21-100-09 was retired on 2024-12-31; use 21-100-20 for service providers in any field"},
		{"unknown kind", "21-100-01", BPMP, "employee", `recipient kind "employee" is not known`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.code, tt.slip, tt.recipient, on)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %s", tt.want)
			}
			if !errs.Is(errs.Invalid, err) {
				t.Errorf("kind %v, want invalid", errs.KindOf(err))
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestParseKinds(t *testing.T) {
	if s, err := ParseSlipType(" bp21 "); err != nil || s != BP21 {
		t.Errorf("ParseSlipType: %v %v", s, err)
	}
	if _, err := ParseSlipType("BP22"); err == nil {
		t.Error("ParseSlipType(BP22): no error")
	}
	if k, err := ParseRecipientKind("Non-Employee"); err != nil || k != NonEmployee {
		t.Errorf("ParseRecipientKind: %v %v", k, err)
	}
	if _, err := ParseRecipientKind("freelancer"); err == nil {
		t.Error("ParseRecipientKind(freelancer): no error")
	}
	for _, k := range RecipientKinds {
		if _, ok := recipientWords[k]; !ok {
			t.Errorf("no words for %s", k)
		}
	}
}
