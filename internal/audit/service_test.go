package audit

import (
	"context"
	"slices"
	"testing"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/google/go-cmp/cmp"
)

// memStore is a Store over a slice, filtering like the SQL one.
type memStore struct {
	entries []Entry
	got     []Filter
}

func (m *memStore) List(_ context.Context, f Filter) ([]Entry, error) {
	m.got = append(m.got, f)
	var out []Entry
	for i := len(m.entries) - 1; i >= 0 && len(out) < f.Limit; i-- {
		e := m.entries[i]
		if f.Before != 0 && e.Seq >= f.Before {
			continue
		}
		if (f.AccountID != 0 || len(f.TaxpayerIDs) > 0) && e.AccountID != f.AccountID && !slices.Contains(f.TaxpayerIDs, e.TaxpayerID) {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// policy allows ActRead on the listed taxpayers (0 for the whole log).
func policy(allowed ...int64) actor.Policy {
	return actor.PolicyFunc(func(_ context.Context, act actor.Action, id int64) error {
		if act != ActRead {
			return errs.Errorf(errs.Forbidden, "unexpected action %s", act)
		}
		if !slices.Contains(allowed, id) {
			return errs.Errorf(errs.Forbidden, "you do not act for taxpayer %d", id)
		}
		return nil
	})
}

func TestLogAuthorization(t *testing.T) {
	person := actor.Actor{Kind: actor.Taxpayer, ID: "p", AccountID: 5, TaxpayerID: 50, ActingForID: 60}
	for _, tt := range []struct {
		name   string
		who    actor.Actor
		allow  []int64
		filter Filter
		want   errs.Kind // -1: allowed
	}{
		{"own account", person, nil, Filter{AccountID: 5}, -1},
		{"own taxpayer and acted for", person, []int64{50, 60}, Filter{AccountID: 5, TaxpayerIDs: []int64{50, 60}}, -1},
		{"taxpayer not represented", person, []int64{50, 60}, Filter{TaxpayerIDs: []int64{70}}, errs.Forbidden},
		{"another account", person, []int64{50, 60}, Filter{AccountID: 6}, errs.Forbidden},
		{"whole log", person, []int64{50, 60}, Filter{}, errs.Forbidden},
		{"whole log for an auditor", actor.Actor{Kind: actor.Officer, ID: "budi"}, []int64{0}, Filter{}, -1},
		{"anonymous taxpayer filter", actor.Actor{}, nil, Filter{TaxpayerIDs: []int64{50}}, errs.Forbidden},
		{"bad limit", person, nil, Filter{AccountID: 5, Limit: MaxLimit + 1}, errs.Invalid},
		{"bad cursor", person, nil, Filter{AccountID: 5, Before: -1}, errs.Invalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := NewService(&memStore{}, policy(tt.allow...))
			_, err := s.Log(actor.With(context.Background(), tt.who), tt.filter)
			if tt.want == -1 {
				if err != nil {
					t.Fatalf("Log: %v", err)
				}
				return
			}
			if !errs.Is(tt.want, err) {
				t.Fatalf("Log error = %v, want kind %v", err, tt.want)
			}
		})
	}
}

func TestLogPaging(t *testing.T) {
	m := &memStore{entries: chain(7)}
	s := NewService(m, policy(0))
	ctx := context.Background()
	var seqs []int64
	var cursors []int64
	f := Filter{Limit: 3}
	for {
		p, err := s.Log(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Entries {
			seqs = append(seqs, e.Seq)
		}
		cursors = append(cursors, p.Next)
		if p.Next == 0 {
			break
		}
		f.Before = p.Next
	}
	if diff := cmp.Diff([]int64{7, 6, 5, 4, 3, 2, 1}, seqs); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{5, 2, 0}, cursors); diff != "" {
		t.Errorf("cursors (-want +got):\n%s", diff)
	}
	if _, err := s.Log(ctx, Filter{}); err != nil || m.got[len(m.got)-1].Limit != DefaultLimit {
		t.Errorf("default limit: %v, filter %+v", err, m.got[len(m.got)-1])
	}
}

func TestMine(t *testing.T) {
	m := &memStore{}
	s := NewService(m, policy(50, 60))
	ctx := actor.With(context.Background(), actor.Actor{Kind: actor.Taxpayer, AccountID: 5, TaxpayerID: 50, ActingForID: 60})
	if _, err := s.Mine(ctx, 9, 10); err != nil {
		t.Fatal(err)
	}
	want := Filter{AccountID: 5, TaxpayerIDs: []int64{50, 60}, Before: 9, Limit: 10}
	if diff := cmp.Diff(want, m.got[0]); diff != "" {
		t.Errorf("filter (-want +got):\n%s", diff)
	}
	if _, err := s.Mine(context.Background(), 0, 0); !errs.Is(errs.Unauthenticated, err) {
		t.Errorf("anonymous Mine error = %v, want Unauthenticated", err)
	}
}
