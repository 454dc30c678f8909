package main

import (
	"context"
	"fmt"
	"os/user"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/authcode"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/compliance/casework"
	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/exemption"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage"
)

const officerUsage = `
Usage: coretax officer grant  --username NAME --role ROLE [--data DIR] [--database-url URL]
       coretax officer revoke --username NAME --role ROLE [--data DIR] [--database-url URL]
       coretax officer roles  [--username NAME] [--data DIR] [--database-url URL]

Officers act through officer roles; without one an officer may do nothing.
grant gives an officer a role, revoke takes it away, roles lists who holds
what. Every grant and revocation is written to the audit log with the
operating-system user who ran the command.

Roles:
  officer.registration  search the register, read and correct profiles, PKP status, legacy NPWP links
  officer.access        unlock accounts, see the people and roles of a taxpayer
  officer.audit         read the audit log of any taxpayer
  officer.regional      read and register PBJT properties, change the regions' PBJT configuration
`

func runOfficer(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("officer", officerUsage)
	sf := a.addStorageFlags(fs)
	username := fs.String("username", "", "the officer's user name")
	role := fs.String("role", "", "the officer role")
	if len(args) == 0 {
		return &usageError{msg: "missing subcommand; use grant, revoke or roles"}
	}
	sub := args[0]
	switch sub {
	case "grant", "revoke", "roles":
	case "add", "unlock", "reset":
		return runOfficerAccount(ctx, a, sub, args[1:])
	case "help", "-h", "-help", "--help":
		return a.parse(fs, []string{"--help"})
	default:
		return &usageError{msg: fmt.Sprintf("unknown subcommand %q; use grant, revoke or roles", sub)}
	}
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if sub != "roles" && (*username == "" || *role == "") {
		return &usageError{msg: sub + " needs --username and --role"}
	}
	db, _, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := newRolesService(db, time.Now)
	ctx = actor.With(ctx, actor.SystemActor("officer-cli:"+osUser()))
	switch sub {
	case "grant":
		g, err := svc.GrantOfficerRole(ctx, *username, *role)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "officer %s now holds %s (%s)\n", g.Username, g.Role, g.Role.Label())
	case "revoke":
		if err := svc.RevokeOfficerRole(ctx, *username, *role); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "officer %s no longer holds %s\n", *username, *role)
	case "roles":
		gs, err := svc.OfficerRoles(ctx, *username)
		if err != nil {
			return err
		}
		if len(gs) == 0 {
			fmt.Fprintln(a.stdout, "no officer holds an officer role")
		}
		for _, g := range gs {
			fmt.Fprintf(a.stdout, "%s\t%s\tgranted %s by %s\n", g.Username, g.Role, g.GrantedAt.Format("2006-01-02 15:04 MST"), g.GrantedBy)
		}
	}
	return nil
}

// newRolesService returns the roles service with the policy every server
// uses.
func newRolesService(db *storage.DB, now func() time.Time) *roles.Service {
	return roles.NewService(db.Roles(), newPolicy(db, now), now)
}

// newPolicy returns the access policy: roles' rules over the register,
// the grants and the company registry.
func newPolicy(db *storage.DB, now func() time.Time) *roles.Policy {
	return roles.NewPolicy(db.Roles(), db.Registry(), now, roles.DefaultRules().Merge(authcode.Rules()).Merge(signing.Rules()).Merge(efaktur.Rules()).Merge(ebupot.Rules()).Merge(exemption.Rules()).Merge(pbjt.Rules()).Merge(casework.Rules()).Merge(compliance.AccessRules()))
}

func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}
