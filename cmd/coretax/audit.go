package main

import (
	"context"
	"fmt"
)

const auditUsage = `
Usage: coretax audit verify [--data DIR] [--database-url URL]

verify checks the whole audit log: every entry's hash must match its fields
and the hash of the entry before it, the entries must be numbered without
gaps, and the last one must match the recorded head. It reads the log in
chunks, so a log of any length is checked in constant memory.

It prints
  audit log intact: N entries, head HASH                (exit status 0)
  audit log broken at entry SEQ: REASON                 (exit status 1)
naming the first entry that was changed, deleted, reordered or inserted.
doc/architecture.md describes the chain.
`

func runAudit(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("audit", auditUsage)
	sf := a.addStorageFlags(fs)
	if len(args) == 0 {
		return &usageError{msg: "missing subcommand; use verify"}
	}
	switch args[0] {
	case "verify":
	case "help", "-h", "-help", "--help":
		return a.parse(fs, []string{"--help"})
	default:
		return &usageError{msg: fmt.Sprintf("unknown subcommand %q; use verify", args[0])}
	}
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	db, _, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := db.Audit().Verify(ctx)
	if err != nil {
		return err
	}
	if !r.OK() {
		fmt.Fprintf(a.stdout, "audit log broken at entry %d: %s\n", r.Broken.Seq, r.Broken.Reason)
		return &exitError{code: 1}
	}
	fmt.Fprintf(a.stdout, "audit log intact: %d entries, head %s\n", r.Entries, r.Head)
	return nil
}
