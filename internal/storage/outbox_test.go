package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/notify"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/google/go-cmp/cmp"
)

var outboxT0 = time.Date(2026, 3, 2, 3, 0, 0, 500000000, time.UTC)

func code(to string, account int64) notify.Message {
	return notify.Message{Channel: notify.Email, To: to, Subject: "Kode aktivasi", Body: "Kode Anda: 123456",
		Purpose: "activation_code", AccountID: account, TaxpayerID: 100 + account, CreatedAt: outboxT0}
}

func TestOutboxEnqueueAndRead(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := db.Outbox()
		m := code("made@mail.example", 7)
		m.Channel, m.To, m.Subject = notify.SMS, "+6281234564411", ""
		id, err := s.Enqueue(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Message(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := m
		want.ID, want.Status, want.NextAt = id, notify.Pending, outboxT0
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Message mismatch (-want +got):\n%s", diff)
		}
		if _, err := s.Message(ctx, id+1); errs.KindOf(err) != errs.NotFound {
			t.Errorf("Message(unknown) error = %v, want NotFound", err)
		}
		if _, err := s.Enqueue(ctx, notify.Message{Channel: notify.Email, To: "a@b.example"}); err == nil {
			t.Error("Enqueue without CreatedAt succeeded")
		}
		bad := code("x@y.example", 1)
		bad.Channel = "fax"
		if _, err := s.Enqueue(ctx, bad); errs.KindOf(err) != errs.Invalid {
			t.Errorf("Enqueue(channel fax) error = %v, want Invalid", err)
		}
	})
}

func TestOutboxList(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := db.Outbox()
		var ids []int64
		for i := range 5 {
			id, err := s.Enqueue(ctx, code(fmt.Sprintf("p%d@mail.example", i), int64(1+i%2)))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		list := func(f notify.Filter) []int64 {
			t.Helper()
			ms, err := s.List(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, m := range ms {
				got = append(got, m.ID)
			}
			return got
		}
		tests := []struct {
			name string
			f    notify.Filter
			want []int64
		}{
			{"all newest first", notify.Filter{}, []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}},
			{"first page", notify.Filter{Limit: 2}, []int64{ids[4], ids[3]}},
			{"second page", notify.Filter{Limit: 2, Before: ids[3]}, []int64{ids[2], ids[1]}},
			{"account", notify.Filter{AccountID: 2}, []int64{ids[3], ids[1]}},
			{"taxpayer", notify.Filter{TaxpayerID: 101}, []int64{ids[4], ids[2], ids[0]}},
			{"account and taxpayer disagree", notify.Filter{AccountID: 2, TaxpayerID: 101}, nil},
			{"account, before", notify.Filter{AccountID: 1, Before: ids[2]}, []int64{ids[0]}},
		}
		for _, tt := range tests {
			if diff := cmp.Diff(tt.want, list(tt.f)); diff != "" {
				t.Errorf("%s: List(%+v) mismatch (-want +got):\n%s", tt.name, tt.f, diff)
			}
		}
	})
}

func TestOutboxClaimLease(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := db.Outbox()
		const lease = 2 * time.Minute
		id, err := s.Enqueue(ctx, code("made@mail.example", 1))
		if err != nil {
			t.Fatal(err)
		}
		later := code("later@mail.example", 1)
		later.NextAt = outboxT0.Add(time.Hour)
		if _, err := s.Enqueue(ctx, later); err != nil {
			t.Fatal(err)
		}
		claim := func(now time.Time) []notify.Message {
			t.Helper()
			ms, err := s.Claim(ctx, now, lease, 10)
			if err != nil {
				t.Fatal(err)
			}
			return ms
		}
		if got := claim(outboxT0.Add(-time.Second)); len(got) != 0 {
			t.Fatalf("Claim before due = %d messages, want none", len(got))
		}
		got := claim(outboxT0)
		if len(got) != 1 || got[0].ID != id || got[0].Status != notify.Sending || got[0].Attempts != 1 || !got[0].NextAt.Equal(outboxT0.Add(lease)) {
			t.Fatalf("Claim at due time = %+v, want message %d sending, attempt 1, leased until %v", got, id, outboxT0.Add(lease))
		}
		if again := claim(outboxT0.Add(lease - time.Second)); len(again) != 0 {
			t.Fatalf("Claim within the lease = %+v, want none", again)
		}
		// The lease expires with the attempt unfinished: taken again.
		retaken := claim(outboxT0.Add(lease))
		if len(retaken) != 1 || retaken[0].ID != id || retaken[0].Attempts != 2 {
			t.Fatalf("Claim after the lease = %+v, want message %d at attempt 2", retaken, id)
		}
		// The first attempt finishes late: refused.
		if err := s.MarkSent(ctx, id, 1, outboxT0.Add(lease)); !errors.Is(err, notify.ErrLeaseLost) {
			t.Errorf("MarkSent by the expired attempt = %v, want ErrLeaseLost", err)
		}
		sentAt := outboxT0.Add(lease + time.Second)
		if err := s.MarkSent(ctx, id, 2, sentAt); err != nil {
			t.Fatal(err)
		}
		m, err := s.Message(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != notify.Sent || !m.SentAt.Equal(sentAt) || m.Attempts != 2 {
			t.Errorf("after MarkSent: status %s, sent at %v, attempts %d; want sent at %v after 2 attempts", m.Status, m.SentAt, m.Attempts, sentAt)
		}
		if err := s.MarkFailed(ctx, id, 2, "late"); !errors.Is(err, notify.ErrLeaseLost) {
			t.Errorf("MarkFailed on a sent message = %v, want ErrLeaseLost", err)
		}
		if got := claim(outboxT0.Add(30 * time.Minute)); len(got) != 0 {
			t.Errorf("Claim after sending = %+v, want none (the other message is due in an hour)", got)
		}
	})
}

func TestOutboxMarkRetryFailedDevOutbox(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := db.Outbox()
		var ids []int64
		for i := range 3 {
			id, err := s.Enqueue(ctx, code(fmt.Sprintf("p%d@mail.example", i), 1))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		if ms, err := s.Claim(ctx, outboxT0, time.Minute, 10); err != nil || len(ms) != 3 {
			t.Fatalf("Claim = %d messages, %v; want 3", len(ms), err)
		}
		next := outboxT0.Add(30 * time.Second)
		if err := s.MarkRetry(ctx, ids[0], 1, "gateway error 502: Bad Gateway", next); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkFailed(ctx, ids[1], 1, "no SMTP server is configured"); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkDevOutbox(ctx, ids[2], 1); err != nil {
			t.Fatal(err)
		}
		want := []struct {
			status notify.Status
			err    string
		}{{notify.Pending, "gateway error 502: Bad Gateway"}, {notify.Failed, "no SMTP server is configured"}, {notify.DevOutbox, ""}}
		for i, id := range ids {
			m, err := s.Message(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if m.Status != want[i].status || m.LastError != want[i].err {
				t.Errorf("message %d: status %s, last error %q; want %s, %q", i, m.Status, m.LastError, want[i].status, want[i].err)
			}
		}
		// Only the retried message comes back, and only when due.
		if ms, _ := s.Claim(ctx, next.Add(-time.Millisecond), time.Minute, 10); len(ms) != 0 {
			t.Errorf("Claim before the retry is due = %d messages, want none", len(ms))
		}
		ms, err := s.Claim(ctx, next, time.Minute, 10)
		if err != nil || len(ms) != 1 || ms[0].ID != ids[0] || ms[0].Attempts != 2 {
			t.Errorf("Claim when the retry is due = %+v, %v; want message %d at attempt 2", ms, err, ids[0])
		}
	})
}

// TestOutboxClaimOnce races claimants for the same messages: each
// message is claimed exactly once.
func TestOutboxClaimOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := db.Outbox()
		const n = 30
		for i := range n {
			if _, err := s.Enqueue(ctx, code(fmt.Sprintf("p%d@mail.example", i), 1)); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		claimed := map[int64]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					ms, err := s.Claim(ctx, outboxT0, time.Minute, 5)
					if err != nil {
						t.Error(err)
						return
					}
					if len(ms) == 0 {
						return
					}
					mu.Lock()
					for _, m := range ms {
						claimed[m.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(claimed) != n {
			t.Errorf("%d messages claimed, want %d", len(claimed), n)
		}
		for id, c := range claimed {
			if c != 1 {
				t.Errorf("message %d claimed %d times", id, c)
			}
		}
	})
}
