package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

const versionUsage = `
Usage: coretax version

Prints the module version, the VCS revision the binary was built from and
the Go version.
`

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module's build information is used.
var version = ""

func runVersion(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("version", versionUsage)
	if err := a.parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, versionString())
	return nil
}

// versionString describes the build: "coretax v1.2.3 (rev abc1234, go1.26.8)".
func versionString() string {
	v, rev, goVersion := version, "unknown", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if len(s.Value) > 12 {
					rev = s.Value[:12]
				} else {
					rev = s.Value
				}
			case "vcs.modified":
				if s.Value == "true" {
					rev += "+dirty"
				}
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	return fmt.Sprintf("coretax %s (rev %s, %s)", v, rev, goVersion)
}
