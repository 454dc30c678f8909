package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyRules enforces the layering in doc/architecture.md: value
// packages import only the standard library and other value packages;
// domain packages never import storage or a transport; transports never
// import storage.
func TestDependencyRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "github.com/coretax/coretax/internal/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	const mod = "github.com/coretax/coretax/internal/"
	value := map[string]bool{"errs": true, "actor": true, "money": true, "taxid": true, "area": true, "calendar": true, "xmlstream": true}
	transport := map[string]bool{"httpapi": true, "httpmw": true, "web": true}
	top := func(path string) string {
		rest := strings.TrimPrefix(path, mod)
		name, _, _ := strings.Cut(rest, "/")
		return name
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := top(fields[0])
		for _, imp := range fields[1:] {
			internal := strings.HasPrefix(imp, mod)
			dep := top(imp)
			switch {
			case value[pkg]:
				if internal && !value[dep] {
					t.Errorf("%s imports %s: value packages import only other value packages", fields[0], imp)
				}
				if !internal && strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
					t.Errorf("%s imports %s: value packages import only the standard library", fields[0], imp)
				}
			case transport[pkg]:
				if internal && dep == "storage" {
					t.Errorf("%s imports %s: transports never import storage", fields[0], imp)
				}
			case pkg == "storage":
				if internal && transport[dep] {
					t.Errorf("%s imports %s: storage never imports a transport", fields[0], imp)
				}
			default: // domain packages
				if internal && (dep == "storage" || transport[dep]) {
					t.Errorf("%s imports %s: domain packages never import storage or a transport", fields[0], imp)
				}
			}
		}
	}
}
