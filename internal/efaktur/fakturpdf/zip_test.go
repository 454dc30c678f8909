package fakturpdf

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// iterate returns a next function over fs, counting how often it was
// called.
func iterate(fs []Faktur, fail error) (func() (Faktur, bool, error), *int) {
	calls := 0
	return func() (Faktur, bool, error) {
		calls++
		if calls > len(fs) {
			if fail != nil {
				return Faktur{}, false, fail
			}
			return Faktur{}, false, nil
		}
		return fs[calls-1], true, nil
	}, &calls
}

func TestWriteZip(t *testing.T) {
	fs := []Faktur{normalFaktur(t), replacementFaktur(t), nikFaktur(t)}
	next, calls := iterate(fs, nil)
	var buf bytes.Buffer
	if err := WriteZip(&buf, next); err != nil {
		t.Fatal(err)
	}
	if *calls != len(fs)+1 {
		t.Errorf("next called %d times, want %d", *calls, len(fs)+1)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i, zf := range zr.File {
		names = append(names, zf.Name)
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := Write(&want, fs[i]); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s: %d bytes differ from Write's %d", zf.Name, len(got), want.Len())
		}
		if !bytes.HasPrefix(got, []byte("%PDF-")) {
			t.Errorf("%s does not start as a PDF", zf.Name)
		}
	}
	want := []string{"04002600000000123.pdf", "04012600000000124.pdf", "01002600000000125.pdf"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

func TestWriteZipEmpty(t *testing.T) {
	next, _ := iterate(nil, nil)
	var buf bytes.Buffer
	if err := WriteZip(&buf, next); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 0 {
		t.Errorf("%d entries, want none", len(zr.File))
	}
}

func TestWriteZipErrors(t *testing.T) {
	boom := errors.New("database gone")
	next, _ := iterate([]Faktur{normalFaktur(t)}, boom)
	if err := WriteZip(io.Discard, next); !errors.Is(err, boom) {
		t.Errorf("source error: got %v, want %v", err, boom)
	}

	twice, _ := iterate([]Faktur{normalFaktur(t), normalFaktur(t)}, nil)
	if err := WriteZip(io.Discard, twice); err == nil || !strings.Contains(err.Error(), "appears twice") {
		t.Errorf("duplicate number: got %v", err)
	}

	bad := normalFaktur(t)
	bad.VerifyURL = ""
	invalid, _ := iterate([]Faktur{bad}, nil)
	if err := WriteZip(io.Discard, invalid); err == nil || !strings.Contains(err.Error(), "04002600000000123") {
		t.Errorf("faktur without verification URL: got %v, want an error naming it", err)
	}
}

// TestWriteZipStreams checks that the archive is written as the fakturs
// come: the first entry reaches the writer before the last faktur is
// asked for.
func TestWriteZipStreams(t *testing.T) {
	long := longFaktur(t)
	var w countingWriter
	var atLast int64
	fs := []Faktur{long, normalFaktur(t)}
	i := 0
	next := func() (Faktur, bool, error) {
		if i == len(fs)-1 {
			atLast = w.n
		}
		if i == len(fs) {
			return Faktur{}, false, nil
		}
		i++
		return fs[i-1], true, nil
	}
	if err := WriteZip(&w, next); err != nil {
		t.Fatal(err)
	}
	if atLast == 0 {
		t.Error("nothing was written before the last faktur was asked for: the archive is not streamed")
	}
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
