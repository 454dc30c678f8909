package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
)

// errHelp is returned when the user asked for --help; the usage text has
// been printed to stdout and the exit status is 0.
var errHelp = errors.New("help requested")

// newFlagSet returns a flag set that prints usage (the text, then the
// flags) to the app's stdout on --help and returns errors instead of
// exiting.
func (a *app) newFlagSet(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), strings.TrimSpace(usage))
		fmt.Fprintln(fs.Output())
		fmt.Fprintln(fs.Output(), "Flags:")
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, sending --help output to stdout. It returns errHelp
// after printing help and a *usageError for a bad flag.
func (a *app) parse(fs *flag.FlagSet, args []string) error {
	for _, arg := range args {
		if arg == "--" {
			break
		}
		if arg == "-h" || arg == "-help" || arg == "--help" {
			fs.SetOutput(a.stdout)
			fs.Usage()
			return errHelp
		}
	}
	fs.SetOutput(discard{})
	if err := fs.Parse(args); err != nil {
		return &usageError{msg: err.Error()}
	}
	return nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// envDefault returns the value of the CORETAX_* environment variable named
// key, or def when it is unset or empty. Flags given on the command line
// override it.
func (a *app) envDefault(key, def string) string {
	if v := a.getenv(key); v != "" {
		return v
	}
	return def
}
