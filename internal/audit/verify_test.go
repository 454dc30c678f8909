package audit

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// chain returns n sealed entries.
func chain(n int) []Entry {
	var out []Entry
	prev := Genesis
	for i := 1; i <= n; i++ {
		e := Seal(Entry{At: t0.Add(time.Duration(i) * time.Second), Actor: "system:test", TaxpayerID: int64(i % 3),
			Action: "registration.update", Detail: fmt.Sprintf("change %d", i)}, int64(i), prev)
		out = append(out, e)
		prev = e.Hash
	}
	return out
}

func TestVerifier(t *testing.T) {
	for _, tt := range []struct {
		name       string
		tamper     func([]Entry) []Entry
		headSeq    int64 // -1: the last entry's
		wantSeq    int64 // 0: intact
		wantReason string
	}{
		{name: "intact", tamper: func(es []Entry) []Entry { return es }, headSeq: -1},
		{name: "empty", tamper: func([]Entry) []Entry { return nil }, headSeq: 0},
		{name: "edited detail", tamper: func(es []Entry) []Entry { es[3].Detail = "nothing happened"; return es },
			headSeq: -1, wantSeq: 4, wantReason: "does not match its hash"},
		{name: "edited and rehashed", tamper: func(es []Entry) []Entry {
			es[3].Detail = "nothing happened"
			es[3].Hash = Hash(es[3].PrevHash, es[3])
			return es
		}, headSeq: -1, wantSeq: 5, wantReason: "previous-entry hash"},
		{name: "deleted", tamper: func(es []Entry) []Entry { return append(es[:5], es[6:]...) },
			headSeq: -1, wantSeq: 6, wantReason: "from entry 5 to entry 7"},
		{name: "deleted first", tamper: func(es []Entry) []Entry { return es[1:] },
			headSeq: -1, wantSeq: 1, wantReason: "missing"},
		{name: "deleted last", tamper: func(es []Entry) []Entry { return es[:9] },
			headSeq: 10, wantSeq: 10, wantReason: "head records 10 entries"},
		{name: "swapped data", tamper: func(es []Entry) []Entry {
			es[2].Seq, es[6].Seq = es[6].Seq, es[2].Seq
			es[2], es[6] = es[6], es[2]
			return es
		}, headSeq: -1, wantSeq: 3, wantReason: "previous-entry hash"},
		{name: "duplicated", tamper: func(es []Entry) []Entry { return slices.Concat(es[:4], es[3:]) },
			headSeq: 10, wantSeq: 4, wantReason: "out of order"},
		{name: "last replaced", tamper: func(es []Entry) []Entry { return es }, headSeq: -2,
			wantSeq: 10, wantReason: "recorded in the head"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			es := tt.tamper(chain(10))
			v := NewVerifier()
			for _, e := range es {
				v.Add(e)
			}
			head, headSeq := Genesis, tt.headSeq
			if len(es) > 0 {
				head = es[len(es)-1].Hash
			}
			switch headSeq {
			case -1:
				headSeq = es[len(es)-1].Seq
			case -2:
				headSeq = 10
				head = es[0].Hash
			}
			r := v.Finish(headSeq, head)
			if tt.wantSeq == 0 {
				if !r.OK() || r.Entries != int64(len(es)) || r.Head != head {
					t.Fatalf("report = %+v, want intact with %d entries", r, len(es))
				}
				return
			}
			if r.OK() {
				t.Fatalf("report = %+v, want broken at %d", r, tt.wantSeq)
			}
			if r.Broken.Seq != tt.wantSeq || !strings.Contains(r.Broken.Reason, tt.wantReason) {
				t.Errorf("broken at %s, want entry %d: ...%s...", r.Broken, tt.wantSeq, tt.wantReason)
			}
		})
	}
}

func TestVerifierStopsAtFirstBreak(t *testing.T) {
	es := chain(5)
	es[1].Detail, es[3].Detail = "x", "y"
	v := NewVerifier()
	var ok []bool
	for _, e := range es {
		ok = append(ok, v.Add(e))
	}
	if fmt.Sprint(ok) != "[true false false false false]" {
		t.Errorf("Add results = %v", ok)
	}
	if r := v.Finish(5, es[4].Hash); r.Broken.Seq != 2 || r.Entries != 1 {
		t.Errorf("report = %+v, want broken at 2 after 1 entry", r)
	}
}
