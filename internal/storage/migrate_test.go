package storage_test

import (
	"context"
	"testing"

	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/google/go-cmp/cmp"
)

// Both dialects must carry the same numbered migrations.
func TestDialectsHaveSameMigrations(t *testing.T) {
	names := func(d storage.Dialect) []string {
		ms, err := storage.Migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range ms {
			out = append(out, m.Name)
		}
		return out
	}
	if diff := cmp.Diff(names(storage.SQLite), names(storage.Postgres)); diff != "" {
		t.Errorf("sqlite and postgres migrations differ (-sqlite +postgres):\n%s", diff)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		applied, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Errorf("second Migrate applied %d migrations, want 0", len(applied))
		}
		ms, _ := storage.Migrations(db.Dialect())
		v, err := db.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Versions may have gaps, so the schema version is the last one.
		if want := ms[len(ms)-1].Version; v != want {
			t.Errorf("SchemaVersion = %d, want %d", v, want)
		}
	})
}
