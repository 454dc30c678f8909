package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/coretax/coretax/internal/storage"
)

// storageFlags are the flags every command that touches the database
// shares. Their defaults come from CORETAX_DATA and CORETAX_DATABASE_URL.
type storageFlags struct {
	dataDir     string
	databaseURL string
}

func (a *app) addStorageFlags(fs *flag.FlagSet) *storageFlags {
	sf := &storageFlags{}
	fs.StringVar(&sf.dataDir, "data", a.envDefault("CORETAX_DATA", "./coretax-data"),
		"data directory: holds the embedded SQLite database and the keys (env CORETAX_DATA)")
	fs.StringVar(&sf.databaseURL, "database-url", a.envDefault("CORETAX_DATABASE_URL", ""),
		"empty for the embedded SQLite database in --data, or postgres://user@host:5432/db (env CORETAX_DATABASE_URL)")
	return sf
}

// open opens the database and applies pending migrations.
func (sf *storageFlags) open(ctx context.Context) (*storage.DB, []storage.Migration, error) {
	db, err := storage.Open(ctx, sf.databaseURL, sf.dataDir)
	if err != nil {
		return nil, nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("migrate %s: %w", db, err)
	}
	return db, applied, nil
}
