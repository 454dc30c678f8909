package fakturpdf

import (
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// fontData are the TrueType fonts the page is set in, by the names the
// layout uses: the Go fonts, as for the authorization-code letter (see
// doc/decisions/0005-pdf-and-fonts.md).
var fontData = map[string][]byte{
	"regular": goregular.TTF,
	"bold":    gobold.TTF,
}

// fonts are the parsed fonts, used to measure text during layout so that
// layout needs no PDF writer.
var fonts = sync.OnceValue(func() map[string]*sfnt.Font {
	m := make(map[string]*sfnt.Font, len(fontData))
	for name, data := range fontData {
		f, err := sfnt.Parse(data)
		if err != nil {
			// The fonts are compiled in; a parse failure is a broken build.
			panic("fakturpdf: parse font " + name + ": " + err.Error())
		}
		m[name] = f
	}
	return m
})

// textWidth returns the advance width of s in points, set in font at size.
func textWidth(name string, size float64, s string) float64 {
	f := fonts()[name]
	var buf sfnt.Buffer
	upem := f.UnitsPerEm()
	ppem := fixed.I(int(upem))
	var units fixed.Int26_6
	for _, r := range s {
		gi, err := f.GlyphIndex(&buf, r)
		if err != nil {
			continue
		}
		adv, err := f.GlyphAdvance(&buf, gi, ppem, font.HintingNone)
		if err != nil {
			continue
		}
		units += adv
	}
	return float64(units) / 64 / float64(upem) * size
}

// ascent returns the distance in points from the top of a line of font at
// size to its baseline.
func ascent(name string, size float64) float64 {
	f := fonts()[name]
	var buf sfnt.Buffer
	upem := f.UnitsPerEm()
	m, err := f.Metrics(&buf, fixed.I(int(upem)), font.HintingNone)
	if err != nil {
		return 0.8 * size
	}
	return float64(m.Ascent) / 64 / float64(upem) * size
}

// wrap breaks s into lines no wider than width, between words where it can
// and inside a word longer than a line (a long URL or code).
func wrap(name string, size float64, s string, width float64) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if textWidth(name, size, try) <= width {
			line = try
			continue
		}
		if line != "" {
			lines = append(lines, line)
			line = ""
		}
		for textWidth(name, size, word) > width {
			n := len(word)
			for n > 1 && textWidth(name, size, word[:n]) > width {
				n--
				for n > 1 && !utf8Start(word[n]) {
					n--
				}
			}
			lines = append(lines, word[:n])
			word = word[n:]
		}
		line = word
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// utf8Start reports whether c begins a UTF-8 encoded rune.
func utf8Start(c byte) bool { return c&0xC0 != 0x80 }
