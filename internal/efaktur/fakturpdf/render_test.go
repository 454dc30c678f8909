package fakturpdf

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// renderDPI is the resolution the pages are rendered at: enough for a
// 120 pt QR code to keep two pixels per module.
const renderDPI = 50

// TestRenderedPages renders each fixture with pdftoppm (Debian package
// poppler-utils) and checks the images: one per page of the layout, each a
// decodable A4 page, and on the last page a QR code at the place the layout
// gives it, with the three finder patterns of a QR symbol and the modules
// of the verification URL. Without pdftoppm the test skips, except under
// CI=true, where it fails.
func TestRenderedPages(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftoppm not found: install poppler-utils (.ci/run does)")
		}
		t.Skip("pdftoppm not found; install poppler-utils to check the rendered pages")
	}
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			f := fx.make(t)
			items, err := layout(f)
			if err != nil {
				t.Fatal(err)
			}
			pages, qr := 0, item{}
			for _, it := range items {
				pages = max(pages, it.page)
				if it.kind == qrItem {
					qr = it
				}
			}
			dir := t.TempDir()
			pdf := filepath.Join(dir, "faktur.pdf")
			w, err := os.Create(pdf)
			if err != nil {
				t.Fatal(err)
			}
			if err := Write(w, f); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("pdftoppm", "-r", fmt.Sprint(renderDPI), "-png", pdf, filepath.Join(dir, "page")).CombinedOutput()
			if err != nil {
				t.Fatalf("pdftoppm: %v\n%s", err, out)
			}
			files, err := filepath.Glob(filepath.Join(dir, "page-*.png"))
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != pages {
				t.Fatalf("%d page images, want %d", len(files), pages)
			}
			var last image.Image
			for _, name := range files {
				img := decode(t, name)
				b := img.Bounds()
				if w, h := px(pageW), px(pageH); abs(b.Dx()-w) > 1 || abs(b.Dy()-h) > 1 {
					t.Errorf("%s is %dx%d, want A4 at %d dpi, %dx%d", filepath.Base(name), b.Dx(), b.Dy(), renderDPI, w, h)
				}
				last = img
			}
			checkQR(t, last, qr)
		})
	}
}

// checkQR samples the centre of every module of the QR code in img.
func checkQR(t *testing.T, img image.Image, qr item) {
	t.Helper()
	n := len(qr.modules)
	side := qr.size * renderDPI / 72 / float64(n) // pixels per module
	x0, y0 := qr.x*renderDPI/72, qr.y*renderDPI/72
	dark := func(mx, my int) bool {
		x := int(x0 + (float64(mx)+0.5)*side)
		y := int(y0 + (float64(my)+0.5)*side)
		g := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
		return g.Y < 128
	}
	// Not blank: a QR symbol is roughly half dark.
	darkCount := 0
	for my := range n {
		for mx := range n {
			if dark(mx, my) {
				darkCount++
			}
		}
	}
	if share := float64(darkCount) / float64(n*n); share < 0.3 || share > 0.7 {
		t.Errorf("QR region is %.0f%% dark, want a QR symbol (30–70%%)", 100*share)
	}
	// A finder pattern: a dark 7×7 ring, a light 5×5 ring, a dark 3×3 core.
	finder := func(ox, oy int) bool {
		for y := range 7 {
			for x := range 7 {
				ring := min(x, y, 6-x, 6-y)
				if dark(ox+x, oy+y) != (ring != 1) {
					return false
				}
			}
		}
		return true
	}
	for _, c := range []struct {
		name   string
		x, y   int
		finder bool
	}{
		{"top left", 0, 0, true},
		{"top right", n - 7, 0, true},
		{"bottom left", 0, n - 7, true},
		{"bottom right", n - 7, n - 7, false},
	} {
		if got := finder(c.x, c.y); got != c.finder {
			t.Errorf("%s corner of the QR code: finder pattern %v, want %v", c.name, got, c.finder)
		}
	}
	// Every module as encoded: the symbol carries the verification URL.
	wrong := 0
	for my := range n {
		for mx := range n {
			if dark(mx, my) != qr.modules[my][mx] {
				wrong++
			}
		}
	}
	if wrong > 0 {
		t.Errorf("%d of %d QR modules differ from the symbol of %q", wrong, n*n, qr.text)
	}
}

func decode(t *testing.T, name string) image.Image {
	t.Helper()
	r, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	img, err := png.Decode(r)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(name), err)
	}
	return img
}

// px converts points to pixels at renderDPI.
func px(pt float64) int { return int(pt*renderDPI/72 + 0.5) }

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
