package web

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/coretax/coretax/internal/money"
)

// The dashboard's charts are SVG written on the server: no script, no
// chart library. Each chart has a title and a description for screen
// readers, and the page puts a table of the same figures beside it.

// series is one set of bars of a chart.
type series struct {
	Name   string
	Colour string // an SVG fill, not CSS: the content security policy allows no inline styles
	Values []money.Amount
}

// The colours of the two series: declared and third-party gross.
const (
	declaredColour   = "#3b6ea5"
	thirdPartyColour = "#d9822b"
)

// esc escapes text for SVG.
func esc(s string) string { return template.HTMLEscapeString(s) }

// niceMax rounds v up to 1, 2 or 5 times a power of ten, for the axis.
func niceMax(v int64) int64 {
	if v <= 0 {
		return 1
	}
	p := int64(1)
	for p*10 <= v {
		p *= 10
	}
	for _, m := range []int64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// millions writes an amount in millions of rupiah for the axis: "12 jt".
func millions(sen int64) string {
	rp := sen / 100
	switch {
	case rp >= 1_000_000_000:
		return fmt.Sprintf("%g M", float64(rp/10_000_000)/100)
	case rp >= 1_000_000:
		return fmt.Sprintf("%g jt", float64(rp/10_000)/100)
	}
	return fmt.Sprintf("%d rb", rp/1000)
}

// barChart draws grouped bars: one group per label, one bar per series.
func barChart(id, title, desc string, labels []string, ss []series) template.HTML {
	const w, h, left, bottom, top = 640.0, 240.0, 64.0, 40.0, 16.0
	var maxV int64
	for _, s := range ss {
		for _, v := range s.Values {
			maxV = max(maxV, v.Sen())
		}
	}
	axis := niceMax(maxV)
	plotW, plotH := w-left-8, h-bottom-top
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="%s" viewBox="0 0 %g %g" width="100%%" role="img" aria-labelledby="%s-title %s-desc" xmlns="http://www.w3.org/2000/svg">`, esc(id), w, h, esc(id), esc(id))
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
	for i := 0; i <= 4; i++ {
		y := top + plotH - plotH*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#d0d4da" stroke-width="1"/>`, left, y, w-8, y)
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" font-size="10" text-anchor="end" fill="#555">%s</text>`, left-4, y+3, esc(millions(axis*int64(i)/4)))
	}
	if n := len(labels); n > 0 {
		group := plotW / float64(n)
		bar := group * 0.8 / float64(max(len(ss), 1))
		for i, l := range labels {
			x0 := left + group*float64(i) + group*0.1
			for j, s := range ss {
				v := int64(0)
				if i < len(s.Values) {
					v = s.Values[i].Sen()
				}
				bh := plotH * float64(v) / float64(axis)
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %s</title></rect>`,
					x0+bar*float64(j), top+plotH-bh, bar, bh, s.Colour, esc(l), esc(s.Name), esc(money.Amount(v).Display()))
			}
			if n <= 12 || i%2 == 0 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%g" font-size="10" text-anchor="middle" fill="#555">%s</text>`, x0+group*0.4, h-bottom+14, esc(l))
			}
		}
	}
	for j, s := range ss {
		x := left + float64(j)*180
		fmt.Fprintf(&b, `<rect x="%g" y="%g" width="10" height="10" fill="%s"/><text x="%g" y="%g" font-size="11" fill="#222">%s</text>`,
			x, h-14, s.Colour, x+14, h-5, esc(s.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
