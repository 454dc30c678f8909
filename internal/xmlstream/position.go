package xmlstream

import (
	"bytes"
	"io"
)

// Pos is a position in an XML file: 1-based line and column, the column
// counted in bytes.
type Pos struct {
	Line, Column int
}

// lineTracker passes bytes through to the decoder and remembers where the
// newlines are, so that an offset from Decoder.InputOffset becomes a line
// and column. Offsets are asked for in increasing order, so newlines behind
// the last offset asked for are dropped: memory stays bounded by the
// decoder's read-ahead, whatever the size of the file.
type lineTracker struct {
	r         io.Reader
	read      int64   // bytes read so far
	newlines  []int64 // offsets of newlines not yet passed
	line      int     // line of lineStart
	lineStart int64   // offset of the first byte of line
	// err is the underlying reader's last error other than io.EOF: an
	// error the decoder returns that is not err is the document's fault.
	err error
	// content says a byte other than white space or a byte-order mark
	// was read.
	content bool
	// doc is the whole document when it is held in memory
	// (NewBytesDecoder): newlines are then found when a position is
	// asked for, up to the offset asked for, and scanned is where that
	// search stopped.
	doc     []byte
	scanned int64
}

// newDocLines returns the lineTracker of a document held in memory.
func newDocLines(doc []byte) *lineTracker {
	t := &lineTracker{doc: doc, line: 1}
	for _, c := range doc {
		switch c {
		case ' ', '\t', '\r', '\n', 0xEF, 0xBB, 0xBF:
		default:
			t.content = true
			return t
		}
	}
	return t
}

func newLineTracker(r io.Reader) *lineTracker {
	return &lineTracker{r: r, line: 1}
}

func (t *lineTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF {
		t.err = err
	}
	b := p[:n]
	if !t.content {
		for _, c := range b {
			switch c {
			case ' ', '\t', '\r', '\n', 0xEF, 0xBB, 0xBF:
			default:
				t.content = true
			}
			if t.content {
				break
			}
		}
	}
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			break
		}
		t.newlines = append(t.newlines, t.read+int64(i+j))
		i += j + 1
	}
	t.read += int64(n)
	return n, err
}

// pos returns the position of byte offset off. Offsets must not decrease
// from one call to the next.
func (t *lineTracker) pos(off int64) Pos {
	if t.doc != nil {
		for t.scanned < off {
			j := bytes.IndexByte(t.doc[t.scanned:off], '\n')
			if j < 0 {
				t.scanned = off
				break
			}
			t.line++
			t.lineStart = t.scanned + int64(j) + 1
			t.scanned = t.lineStart
		}
		return Pos{Line: t.line, Column: int(off-t.lineStart) + 1}
	}
	i := 0
	for i < len(t.newlines) && t.newlines[i] < off {
		t.line++
		t.lineStart = t.newlines[i] + 1
		i++
	}
	if i > 0 {
		t.newlines = append(t.newlines[:0], t.newlines[i:]...)
	}
	return Pos{Line: t.line, Column: int(off-t.lineStart) + 1}
}
