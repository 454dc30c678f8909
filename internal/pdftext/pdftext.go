// Package pdftext measures and breaks text set in the fonts of the
// project's PDF documents (the faktur, the SP2DK-style letter): the Go
// fonts, compiled in (doc/decisions/0005-pdf-and-fonts.md). Layout code
// measures with it so that a page's text can be placed, and compared with
// golden files, without a PDF writer.
package pdftext

import (
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Fonts are the TrueType fonts by the names layouts use, for a PDF
// writer to embed.
var Fonts = map[string][]byte{
	"regular": goregular.TTF,
	"bold":    gobold.TTF,
}

// parsed are the parsed Fonts.
var parsed = sync.OnceValue(func() map[string]*sfnt.Font {
	m := make(map[string]*sfnt.Font, len(Fonts))
	for name, data := range Fonts {
		f, err := sfnt.Parse(data)
		if err != nil {
			// The fonts are compiled in; a parse failure is a broken build.
			panic("pdftext: parse font " + name + ": " + err.Error())
		}
		m[name] = f
	}
	return m
})

// Width returns the advance width of s in points, set in the font named
// name at size points. Runes the font lacks count as zero.
func Width(name string, size float64, s string) float64 {
	f := parsed()[name]
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

// Ascent returns the distance in points from the top of a line of the
// font at size to its baseline.
func Ascent(name string, size float64) float64 {
	f := parsed()[name]
	var buf sfnt.Buffer
	upem := f.UnitsPerEm()
	m, err := f.Metrics(&buf, fixed.I(int(upem)), font.HintingNone)
	if err != nil {
		return 0.8 * size
	}
	return float64(m.Ascent) / 64 / float64(upem) * size
}

// Wrap breaks s into lines no wider than width, between words where it
// can and inside a word longer than a line (a long URL or code), never
// inside a rune. It returns one empty line for an empty s.
func Wrap(name string, size float64, s string, width float64) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if Width(name, size, try) <= width {
			line = try
			continue
		}
		if line != "" {
			lines = append(lines, line)
			line = ""
		}
		for Width(name, size, word) > width {
			n := len(word)
			for n > 1 && Width(name, size, word[:n]) > width {
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
