package efaktur

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSkipStored(t *testing.T) {
	f := func(ref string) *Faktur { return &Faktur{Invoice: Invoice{RefDesc: ref}} }
	p := func(inv int, field string) Problem { return Problem{Invoice: inv, Field: field} }
	chunk := func() *pending {
		return &pending{read: 6, UploadChunk: UploadChunk{
			Fakturs:  []*Faktur{f("1"), f("3"), f("4"), f("6")},
			Indexes:  []int{1, 3, 4, 6},
			Problems: []Problem{p(2, "a"), p(2, "b"), p(5, "c")},
			Rejected: 2,
		}}
	}
	type counts struct {
		Refs     []string
		Indexes  []int
		Problems []Problem
		Rejected int
		Skipped  int
	}
	for _, tc := range []struct {
		name string
		done []int
		want counts
	}{
		{"nothing stored before", nil, counts{[]string{"1", "3", "4", "6"}, []int{1, 3, 4, 6}, []Problem{p(2, "a"), p(2, "b"), p(5, "c")}, 2, 0}},
		{"valid ones stored before", []int{3, 6, 9}, counts{[]string{"1", "4"}, []int{1, 4}, []Problem{p(2, "a"), p(2, "b"), p(5, "c")}, 2, 2}},
		{"a rejected one stored before", []int{1, 2}, counts{[]string{"3", "4", "6"}, []int{3, 4, 6}, []Problem{p(5, "c")}, 1, 2}},
		{"all stored before", []int{1, 2, 3, 4, 5, 6}, counts{[]string{}, []int{}, []Problem{}, 0, 6}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := chunk()
			skipStored(c, tc.done)
			got := counts{Refs: []string{}, Indexes: c.Indexes, Problems: c.Problems, Rejected: c.Rejected, Skipped: c.Skipped}
			for _, fk := range c.Fakturs {
				got.Refs = append(got.Refs, fk.Invoice.RefDesc)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("skipStored(%v) (-want +got):\n%s", tc.done, diff)
			}
		})
	}
}
