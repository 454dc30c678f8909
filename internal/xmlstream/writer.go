package xmlstream

import (
	"bufio"
	"encoding/xml"
	"io"
)

// Writer writes an indented XML document through a buffer. It keeps the
// first error of the underlying writer and writes nothing after it.
type Writer struct {
	w   *bufio.Writer
	err error
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: bufio.NewWriter(w)}
}

// Raw writes s as it is: markup the caller has composed.
func (w *Writer) Raw(s string) {
	if w.err == nil {
		_, w.err = w.w.WriteString(s)
	}
}

// Leaf writes the line indent<name>value</name> with value escaped, or
// indent<name/> when value is empty.
func (w *Writer) Leaf(indent, name, value string) {
	if value == "" {
		w.Raw(indent + "<" + name + "/>\n")
		return
	}
	w.Raw(indent + "<" + name + ">")
	if w.err == nil {
		w.err = xml.EscapeText(w.w, []byte(value))
	}
	w.Raw("</" + name + ">\n")
}

// Err returns the first error met, or nil.
func (w *Writer) Err() error { return w.err }

// Flush writes out the buffer unless an error was met, and returns the
// first error.
func (w *Writer) Flush() error {
	if w.err == nil {
		w.err = w.w.Flush()
	}
	return w.err
}
