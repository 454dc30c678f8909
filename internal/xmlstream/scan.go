package xmlstream

import (
	"bytes"
	"encoding/xml"
	"unicode/utf8"
)

// scanner tokenizes an XML document held in memory as encoding/xml's
// RawToken does in strict mode, without its per-byte reads and at fewer
// allocations: names are interned, character data without entities or
// carriage returns is a slice of the document, and white space between
// elements costs nothing.
//
// It covers what bulk files hold: start and end tags with quoted
// attributes, character data with the predefined entities and character
// references, comments, and processing instructions (the XML declaration
// when it declares version 1.0 in UTF-8). On anything else (a CDATA
// section, a document type, a name that is not ASCII, and every kind of
// malformation) it gives up before the token (token returns status
// unsure), and the Decoder hands the rest of the document to
// encoding/xml, so that such a document gets encoding/xml's tokens and
// errors, with their positions. The rule that holds it together: where
// the scanner gives a token, encoding/xml gives the same one, ending at
// the same offset (FuzzScannerAgrees).
type scanner struct {
	b   []byte
	off int // offset of the next byte to read
	n   int // tokens given, each half of <a/> counted
	// closing: the last token was the start of an empty element <a/>;
	// the next is its end.
	closing bool
	toClose xml.Name
	names   map[string]xml.Name
	buf     []byte // character data that had to be rewritten
}

// scanStatus says what token gave.
type scanStatus int

const (
	scanToken  scanStatus = iota // a token
	scanEOF                      // the end of the document, where a token would start
	scanUnsure                   // encoding/xml must read what follows
)

// maxNames bounds the interned names: a file with more distinct element
// and attribute names than that gets the rest as new strings.
const maxNames = 1024

func newScanner(b []byte) *scanner {
	return &scanner{b: b, names: make(map[string]xml.Name)}
}

// token reads the next token into t. On scanUnsure it has read
// nothing: off and n are where encoding/xml takes over.
func (s *scanner) token(t *item) scanStatus {
	if s.closing {
		s.closing = false
		s.n++
		*t = item{kind: kindEnd, name: s.toClose}
		return scanToken
	}
	if s.off >= len(s.b) {
		return scanEOF
	}
	var end int
	if s.b[s.off] != '<' {
		end = s.text(t)
	} else {
		end = s.markup(t)
	}
	if end < 0 {
		return scanUnsure
	}
	s.off = end
	s.n++
	return scanToken
}

// textByte marks the bytes character data keeps as they are: tab, line
// feed, and printable ASCII except the ones with a meaning in text ('&',
// '<', and ']' which may start "]]>"). Carriage returns, other control
// characters and multi-byte UTF-8 take the slow path.
var textByte = func() (t [256]bool) {
	t['\t'], t['\n'] = true, true
	for c := 0x20; c < 0x80; c++ {
		t[c] = true
	}
	t['&'], t['<'], t[']'] = false, false, false
	return t
}()

// text reads character data up to the next '<' or the end of the
// document into t. It returns the end offset, or -1 when unsure.
func (s *scanner) text(t *item) int {
	b := s.b
	start := s.off
	i := start
	for i < len(b) && textByte[b[i]] {
		i++
	}
	if i == len(b) || b[i] == '<' {
		*t = item{kind: kindText, text: b[start:i]}
		return i
	}
	out, end := s.rewrite(start, i, 0)
	if end >= 0 {
		*t = item{kind: kindText, text: out}
	}
	return end
}

// rewrite reads character data from start, of which the bytes up to i
// need no change, into s.buf: entities and character references
// replaced, "\r\n" and "\r" turned into "\n". quote is 0 for text, which
// ends at '<' or the end of the document and may not hold "]]>", or the
// quote that ends an attribute value, which may not hold '<'. It returns
// the data and the offset after it (after the quote), or -1 when unsure.
func (s *scanner) rewrite(start, i int, quote byte) ([]byte, int) {
	b := s.b
	out := append(s.buf[:0], b[start:i]...)
	defer func() { s.buf = out[:0] }()
	for i < len(b) {
		c := b[i]
		switch {
		case c == quote && quote != 0:
			return out, i + 1
		case textByte[c]:
			out = append(out, c)
			i++
		case c == '<':
			if quote != 0 {
				return nil, -1
			}
			return out, i
		case c == ']':
			if quote == 0 && i+2 < len(b) && b[i+1] == ']' && b[i+2] == '>' {
				return nil, -1
			}
			out = append(out, c)
			i++
		case c == '\r':
			out = append(out, '\n')
			i++
			if i < len(b) && b[i] == '\n' {
				i++
			}
		case c == '&':
			r, n := entity(b[i:])
			if n == 0 {
				return nil, -1
			}
			out = utf8.AppendRune(out, r)
			i += n
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 || !inCharRange(r) {
				return nil, -1
			}
			out = append(out, b[i:i+n]...)
			i += n
		default:
			// A control character encoding/xml refuses.
			return nil, -1
		}
	}
	if quote != 0 {
		return nil, -1
	}
	return out, i
}

// entity reads the entity or character reference at the start of b (at
// '&'): the character it stands for and its length, or 0 when
// encoding/xml would refuse it or the scanner is unsure.
func entity(b []byte) (rune, int) {
	for _, e := range predefined {
		if len(b) > len(e.name) && b[len(e.name)] == ';' && string(b[1:len(e.name)]) == e.name[1:] {
			return e.r, len(e.name) + 1
		}
	}
	if len(b) < 4 || b[1] != '#' {
		return 0, 0
	}
	i, base := 2, rune(10)
	if b[i] == 'x' {
		i, base = 3, 16
	}
	start := i
	var r rune
	for ; i < len(b); i++ {
		d := rune(-1)
		switch c := b[i]; {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		}
		if d < 0 {
			break
		}
		r = r*base + d
		if r > utf8.MaxRune {
			return 0, 0
		}
	}
	if i == start || i == len(b) || b[i] != ';' {
		return 0, 0
	}
	// As encoding/xml's string(rune(n)): a surrogate becomes U+FFFD.
	if !utf8.ValidRune(r) {
		r = utf8.RuneError
	}
	if !inCharRange(r) {
		return 0, 0
	}
	return r, i + 1
}

var predefined = [...]struct {
	name string // "&" and the name
	r    rune
}{{"&lt", '<'}, {"&gt", '>'}, {"&amp", '&'}, {"&apos", '\''}, {"&quot", '"'}}

// inCharRange is the Char production of XML 1.0 §2.2, as encoding/xml
// checks it.
func inCharRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// markup reads the tag, comment or processing instruction at s.off (at
// '<') into t: it returns the offset after it, or -1 when unsure.
func (s *scanner) markup(t *item) int {
	b := s.b
	i := s.off + 1
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '/':
		name, j := s.name(i + 1)
		if j < 0 {
			return -1
		}
		j = s.space(j)
		if j >= len(b) || b[j] != '>' {
			return -1
		}
		*t = item{kind: kindEnd, name: name}
		return j + 1
	case '?':
		return s.procInst(t, i+1)
	case '!':
		// Comments only; CDATA sections and directives go to
		// encoding/xml.
		if !bytes.HasPrefix(b[i:], []byte("!--")) {
			return -1
		}
		i += 3
		k := bytes.Index(b[i:], []byte("--"))
		if k < 0 || i+k+2 >= len(b) || b[i+k+2] != '>' {
			return -1
		}
		*t = item{boxed: xml.Comment(b[i : i+k])}
		return i + k + 3
	}
	name, j := s.name(i)
	if j < 0 {
		return -1
	}
	// As encoding/xml: an element without attributes has an empty,
	// not a nil, list.
	attr := []xml.Attr{}
	for {
		j = s.space(j)
		if j >= len(b) {
			return -1
		}
		switch b[j] {
		case '/':
			if j+1 >= len(b) || b[j+1] != '>' {
				return -1
			}
			s.closing, s.toClose = true, name
			*t = item{kind: kindStart, name: name, attr: attr}
			return j + 2
		case '>':
			*t = item{kind: kindStart, name: name, attr: attr}
			return j + 1
		}
		var a xml.Attr
		if a.Name, j = s.name(j); j < 0 {
			return -1
		}
		j = s.space(j)
		if j >= len(b) || b[j] != '=' {
			return -1
		}
		j = s.space(j + 1)
		if j >= len(b) || b[j] != '"' && b[j] != '\'' {
			return -1
		}
		val, end := s.rewrite(j+1, j+1, b[j])
		if end < 0 {
			return -1
		}
		a.Value, j = string(val), end
		attr = append(attr, a)
	}
}

// procInst reads a processing instruction from i (after "<?"). The XML
// declaration is read only when it declares version 1.0 in UTF-8 in the
// plain form xmlDecl accepts; encoding/xml reads any other.
func (s *scanner) procInst(t *item, i int) int {
	b := s.b
	j := nameEnd(b, i)
	if j < 0 || !asciiName(b[i:j]) {
		return -1
	}
	target := string(b[i:j])
	j = s.space(j)
	k := bytes.Index(b[j:], []byte("?>"))
	if k < 0 {
		return -1
	}
	inst := b[j : j+k]
	if target == "xml" && !xmlDecl(inst) {
		return -1
	}
	*t = item{boxed: xml.ProcInst{Target: target, Inst: inst}}
	return j + k + 2
}

// xmlDecl says the content of an XML declaration is pseudo-attributes
// separated by white space: version "1.0", encoding UTF-8 in any case and
// standalone yes or no, each at most once, quoted with either quote. For
// such content encoding/xml reads the version and encoding that are
// written, and accepts them.
func xmlDecl(inst []byte) bool {
	seen := map[string]bool{}
	for i := 0; i < len(inst); {
		j := i
		for j < len(inst) && 'a' <= inst[j] && inst[j] <= 'z' {
			j++
		}
		name := string(inst[i:j])
		if seen[name] || j+1 >= len(inst) || inst[j] != '=' || inst[j+1] != '"' && inst[j+1] != '\'' {
			return false
		}
		seen[name] = true
		q := inst[j+1]
		k := bytes.IndexByte(inst[j+2:], q)
		if k < 0 {
			return false
		}
		val := string(inst[j+2 : j+2+k])
		switch name {
		case "version":
			if val != "1.0" {
				return false
			}
		case "encoding":
			if !bytes.EqualFold([]byte(val), []byte("utf-8")) {
				return false
			}
		case "standalone":
			if val != "yes" && val != "no" {
				return false
			}
		default:
			return false
		}
		i = j + 2 + k + 1
		if i < len(inst) && !isSpace(inst[i]) {
			return false
		}
		for i < len(inst) && isSpace(inst[i]) {
			i++
		}
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\r' || c == '\n' || c == '\t' }

// space returns the offset of the first byte from i that is not white
// space.
func (s *scanner) space(i int) int {
	for i < len(s.b) && isSpace(s.b[i]) {
		i++
	}
	return i
}

// name reads an element or attribute name from i and splits it at its
// colon as encoding/xml does: the name and the offset after it, or -1
// when encoding/xml would refuse it or the scanner is unsure (a name
// that is not ASCII).
func (s *scanner) name(i int) (xml.Name, int) {
	j := nameEnd(s.b, i)
	if j < 0 {
		return xml.Name{}, -1
	}
	raw := s.b[i:j]
	if n, ok := s.names[string(raw)]; ok {
		return n, j
	}
	if !asciiName(raw) {
		return xml.Name{}, -1
	}
	var n xml.Name
	switch c := bytes.Count(raw, []byte(":")); {
	case c > 1:
		return xml.Name{}, -1
	case c == 1 && raw[0] != ':' && raw[len(raw)-1] != ':':
		k := bytes.IndexByte(raw, ':')
		n = xml.Name{Space: string(raw[:k]), Local: string(raw[k+1:])}
	default:
		n = xml.Name{Local: string(raw)}
	}
	if len(s.names) < maxNames {
		s.names[string(raw)] = n
	}
	return n, j
}

// nameEnd returns the end of the name that starts at i, as encoding/xml's
// readName delimits it (by a byte below 0x80 that is not a name byte), or
// -1 when there is none or it runs to the end of the document.
func nameEnd(b []byte, i int) int {
	j := i
	for j < len(b) && (b[j] >= utf8.RuneSelf || nameByte[b[j]]) {
		j++
	}
	if j == i || j == len(b) {
		return -1
	}
	return j
}

// asciiName says raw is an XML name of ASCII letters, digits and "_:.-"
// that starts with a letter, '_' or ':'. Other names, valid or not, are
// left to encoding/xml.
func asciiName(raw []byte) bool {
	if len(raw) == 0 || !nameStart[raw[0]] {
		return false
	}
	for _, c := range raw[1:] {
		if !nameByte[c] {
			return false
		}
	}
	return true
}

var nameStart, nameByte = func() (start, any [256]bool) {
	for c := 'A'; c <= 'Z'; c++ {
		start[c], start[c+'a'-'A'] = true, true
	}
	start['_'], start[':'] = true, true
	any = start
	for c := '0'; c <= '9'; c++ {
		any[c] = true
	}
	any['.'], any['-'] = true, true
	return start, any
}()
