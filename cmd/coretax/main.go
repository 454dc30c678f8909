// Command coretax is the core tax administration system: one binary that
// serves the API and the web pages, migrates its database, checks tax
// identifiers offline and imports reference registries.
//
// main only wires: it reads flags and the environment, opens storage,
// builds the services and hands them to the transports.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand. run gets the arguments after the subcommand's
// name and returns an error; an *exitError sets the exit status without
// printing anything more.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, app *app, args []string) error
}

// app carries the process's outside world, so that subcommands can be run
// from tests with their own streams and environment.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// exitError ends the process with the given status. Subcommands that have
// already reported to the user (coretax id check with invalid inputs) use
// it to set the status quietly.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// usageError reports a mistake on the command line; main prints it with a
// hint to run --help and exits with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func commands() []command {
	cmds := []command{
		{"serve", "run the HTTP server (API under /api/v1, web pages under /)", runServe},
		{"migrate", "apply database migrations and exit", runMigrate},
		{"version", "print the version and build information", runVersion},
		{"id", "check tax identifiers offline (coretax id check VALUE...)", runID},
		{"registry", "import reference registries (population, company, immigration)", runRegistry},
		{"audit", "check the audit log's hash chain (coretax audit verify)", runAudit},
		{"officer", "grant, revoke and list officer roles (coretax officer grant --username X --role Y)", runOfficer},
		{"verify", "check a signed-document bundle offline (coretax verify BUNDLE --document DOC)", runVerify},
		{"pph21", "compute PPh 21/26 offline with an explanation (coretax pph21 --json < input.json)", runPPh21},
		{"bench", "measure an e-Faktur bulk upload against a minimal yardstick (coretax bench efaktur [--database URL])", runBench},
		{"efaktur", "check a Coretax e-Faktur XML offline, or convert a CSV/XLSX sheet to it (coretax efaktur validate FILE.xml)", runEfaktur},
		{"objectcode", "list, search and show e-Bupot tax object codes (coretax objectcode search TEXT | show CODE)", runObjectcode},
		{"treaty", "load and list the PPh 26 treaty rate table (coretax treaty load FILE | list [--country SGP])", runTreaty},
		{"compliance", "ingest third-party records and run the compliance matching job (coretax compliance import FILE --source NAME | match)", runCompliance},
		{"villa", "import a villa's booking exports and declare its months for PBJT (coretax villa import FILE --channel airbnb|booking|agoda|ical|csv --property ID --owner NPWP; coretax villa declare --property ID --owner NPWP --month YYYY-MM [--file])", runVilla},
	}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	return cmds
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	os.Exit(a.main(ctx, os.Args[1:]))
}

// main runs the subcommand named by args[0] and returns the exit status.
func (a *app) main(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return a.main(ctx, []string{args[1], "--help"})
		}
		a.usage(a.stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, a, args[1:])
		var ee *exitError
		var ue *usageError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.code
		case errors.Is(err, errHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(a.stderr, "coretax %s: %s\nRun 'coretax %s --help' for usage.\n", c.name, ue.msg, c.name)
			return 2
		default:
			fmt.Fprintf(a.stderr, "coretax %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(a.stderr, "coretax: unknown command %q\n\n", args[0])
	a.usage(a.stderr)
	return 2
}

func (a *app) usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: coretax COMMAND [flags] [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'coretax COMMAND --help' for the flags of a command.")
}
