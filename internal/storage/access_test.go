package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

func TestAccessRepresentsAndHolder(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		rs := registry.NewService(db.Registry(), time.Now)
		reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
		w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg})
		if err != nil {
			t.Fatal(err)
		}
		st := db.Access()
		for _, tt := range []struct {
			name           string
			person, target int64
			day            time.Time
			want           bool
		}{
			{"director today", w.Director.ID, w.Company.ID, time.Now(), true},
			{"director on the first day, 00:30 WIB", w.Director.ID, w.Company.ID, time.Date(2024, 1, 14, 17, 30, 0, 0, time.UTC), true},
			{"director the day before", w.Director.ID, w.Company.ID, time.Date(2024, 1, 14, 12, 0, 0, 0, time.UTC), false},
			{"designer", w.Designer.ID, w.Company.ID, time.Now(), false},
			{"the other way round", w.Company.ID, w.Director.ID, time.Now(), false},
		} {
			got, err := st.Represents(ctx, tt.person, tt.target, tt.day)
			if err != nil || got != tt.want {
				t.Errorf("%s: Represents = %v, %v; want %v", tt.name, got, err, tt.want)
			}
		}
		for _, id := range []string{"5171031204900003", string(w.Employee.NPWP)} {
			h, err := st.Holder(ctx, id)
			if err != nil || h.TaxpayerID != w.Employee.ID || h.AccountID != 0 || !h.Individual {
				t.Errorf("Holder(%s) = %+v, %v", id, h, err)
			}
		}
		if _, err := st.Holder(ctx, "9999999999999999"); err == nil {
			t.Error("Holder of an unknown NIK found something")
		}
	})
}
