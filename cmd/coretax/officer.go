package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/storage"
)

const officerAccountUsage = `
Usage: coretax officer add    --username NAME --name "Full Name" [--password-stdin] [--data DIR] [--database-url URL]
       coretax officer unlock --login NIK|NPWP|NAME [--data DIR] [--database-url URL]
       coretax officer reset  --username NAME [--password-stdin] [--data DIR] [--database-url URL]

add creates an officer account. Without --password-stdin it prints a random
initial password once; with it, the first line of standard input is the
password (8 to 256 characters, not a common password). Give the officer
roles with 'coretax officer grant'.

unlock lifts the sign-in pause or lock of an account after repeated failed
sign-ins.

reset gives an officer account a new password (printed once, or read with
--password-stdin), lifts any lock and signs the officer out everywhere.
Taxpayers reset their own passwords with a one-time code.

The accounts' secrets are keyed with the server key in DIR/access.key
(created on first use), or CORETAX_ACCESS_KEY (64 hex digits) when set.
`

// runOfficerAccount runs 'coretax officer add' and 'coretax officer unlock'.
func runOfficerAccount(ctx context.Context, a *app, sub string, args []string) error {
	fs := a.newFlagSet("officer "+sub, officerAccountUsage)
	sf := a.addStorageFlags(fs)
	username := fs.String("username", "", "the officer's user name (add, reset)")
	name := fs.String("name", "", "the officer's full name (add)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input (add, reset)")
	login := fs.String("login", "", "the NIK, NPWP or officer user name of the account (unlock)")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if sub == "reset" && *username == "" {
		return &usageError{msg: "reset needs --username"}
	}
	if sub == "add" && (*username == "" || *name == "") {
		return &usageError{msg: "add needs --username and --name"}
	}
	if sub == "unlock" && *login == "" {
		return &usageError{msg: "unlock needs --login"}
	}
	password := ""
	if sub != "unlock" && *fromStdin {
		line, err := bufio.NewReader(a.stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("read the password from standard input: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	}
	db, _, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc, err := newAccessService(a, db, sf.dataDir, "", nil, nil)
	if err != nil {
		return err
	}
	ctx = actor.With(ctx, actor.SystemActor("officer-cli:"+osUser()))
	switch sub {
	case "add":
		acc, pw, err := svc.AddOfficer(ctx, *username, *name, password)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "officer account %s (%s) created\n", acc.Username, acc.Name)
		if password == "" {
			fmt.Fprintf(a.stdout, "initial password (shown once; ask the officer to change it): %s\n", pw)
		}
	case "reset":
		pw, err := svc.ResetOfficerPassword(ctx, *username, password)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "officer %s's password reset; every session ended\n", *username)
		if password == "" {
			fmt.Fprintf(a.stdout, "new password (shown once; ask the officer to change it): %s\n", pw)
		}
	case "unlock":
		acc, err := svc.Unlock(ctx, *login)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "account %s unlocked\n", acc.Login())
	}
	return nil
}

// newAccessService returns the access service with the server key from
// CORETAX_ACCESS_KEY or the data directory. actFor decides impersonation;
// nil means registration's related parties. kick, when set, wakes the
// outbox worker after a code is issued.
func newAccessService(a *app, db *storage.DB, dataDir, baseURL string, actFor access.ActFor, kick func()) (*access.Service, error) {
	var key access.Key
	var err error
	if hex := a.envDefault("CORETAX_ACCESS_KEY", ""); hex != "" {
		key, err = access.ParseKey(hex)
		if err != nil {
			return nil, fmt.Errorf("CORETAX_ACCESS_KEY: %w", err)
		}
	} else if key, err = access.LoadOrCreateKey(dataDir); err != nil {
		return nil, err
	}
	cfg := access.DefaultConfig(key)
	if baseURL != "" {
		cfg.BaseURL = baseURL
	}
	cfg.Kick = kick
	return access.NewService(db.Access(), actFor, time.Now, cfg), nil
}
