package main

import (
	"context"
	"fmt"
)

const migrateUsage = `
Usage: coretax migrate [--data DIR] [--database-url URL]

Applies the embedded database migrations that have not been applied yet and
exits. 'coretax serve' does the same on start, so running this is needed only
to prepare a database ahead of a deployment. Migrations are forward-only.
`

func runMigrate(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("migrate", migrateUsage)
	sf := a.addStorageFlags(fs)
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	db, applied, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, m := range applied {
		fmt.Fprintf(a.stdout, "applied %04d_%s\n", m.Version, m.Name)
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s is at schema version %d\n", db, v)
	return nil
}
