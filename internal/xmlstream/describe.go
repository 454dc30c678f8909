package xmlstream

import "fmt"

// Describe gives a problem found at a position of an XML file as one line,
//
//	where (XML line:column) path "value": message; fix
//
// leaving out the value and the fix when they are empty.
func Describe(where string, at Pos, path, value, message, fix string) string {
	s := fmt.Sprintf("%s (XML %d:%d) %s", where, at.Line, at.Column, path)
	if value != "" {
		s += fmt.Sprintf(" %q", value)
	}
	s += ": " + message
	if fix != "" {
		s += "; " + fix
	}
	return s
}
