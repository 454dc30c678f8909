package efaktur_test

import (
	"context"
	"testing"

	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// TestPrintable reads the seller as the faktur prints it, for the seller
// and for the buyer, and refuses a stranger.
func TestPrintable(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		a := f.approved(t, "2026-11-20", 1)
		want := efaktur.Party{NPWP: string(f.w.Company.NPWP), Name: "PT Surya Kencana Villas",
			Address: "Jl. Raya Uluwatu No. 88, Jimbaran, Kuta Selatan, Kabupaten Badung, Bali 80361", City: "Badung"}
		for _, who := range []struct {
			name string
			npwp string
			ctx  context.Context
		}{{"seller", string(f.w.Company.NPWP), f.seller}, {"buyer", string(f.w.VillaOwner.NPWP), f.buyer}} {
			got, p, err := f.svc.Printable(who.ctx, who.npwp, a.ID)
			if err != nil {
				t.Fatalf("%s: %v", who.name, err)
			}
			if p != want || got.Number != a.Number {
				t.Errorf("%s: party %+v of %s, want %+v", who.name, p, got.Number, want)
			}
		}
		stranger := as(f.w.Employee, nil)
		if _, _, err := f.svc.Printable(stranger, string(f.w.Company.NPWP), a.ID); !errs.Is(errs.Forbidden, err) {
			t.Errorf("stranger: %v", err)
		}
		if err := f.svc.Allow(stranger, string(f.w.Company.NPWP), efaktur.ActRead); !errs.Is(errs.Forbidden, err) {
			t.Errorf("Allow for a stranger: %v", err)
		}
		if err := f.svc.Allow(f.seller, string(f.w.Company.NPWP), efaktur.ActApprove); err != nil {
			t.Errorf("Allow for the director: %v", err)
		}

		var n int
		err := f.svc.EachPrintable(f.buyer, string(f.w.VillaOwner.NPWP), efaktur.Filter{Side: efaktur.Input}, func(fk *efaktur.Faktur, p efaktur.Party) error {
			n++
			if p != want {
				t.Errorf("EachPrintable party %+v", p)
			}
			return nil
		})
		if err != nil || n != 1 {
			t.Errorf("EachPrintable: %d fakturs, %v", n, err)
		}
	})
}
