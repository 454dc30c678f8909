package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/coretax/coretax/internal/notify"
)

// fakeGateway is an SMS gateway that records the requests it gets and
// answers with a fixed status and body.
type fakeGateway struct {
	status int
	body   string

	mu  sync.Mutex
	got []gatewayRequest
}

type gatewayRequest struct {
	method, auth, contentType string
	body                      map[string]any
}

func (g *fakeGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	req := gatewayRequest{method: r.Method, auth: r.Header.Get("Authorization"), contentType: r.Header.Get("Content-Type")}
	if err := json.Unmarshal(b, &req.body); err != nil {
		http.Error(w, "bad JSON", http.StatusBadRequest)
		return
	}
	g.mu.Lock()
	g.got = append(g.got, req)
	g.mu.Unlock()
	w.WriteHeader(g.status)
	io.WriteString(w, g.body)
}

func TestSMSGateway(t *testing.T) {
	m := notify.Message{Channel: notify.SMS, To: "+6281234564411", Body: "Kode aktivasi Coretax: 482913. Berlaku 5 menit."}
	tests := []struct {
		status    int
		body      string
		wantErr   string // the DeliveryError's text, "" for success
		permanent bool
	}{
		{http.StatusAccepted, `{"id":"abc"}`, "", false},
		{http.StatusOK, ``, "", false},
		{http.StatusBadGateway, "<html>\n  <body>Bad Gateway</body>\n</html>", "gateway error 502: <html> <body>Bad Gateway</body> </html>", false},
		{http.StatusTooManyRequests, `slow down`, "gateway error 429: slow down", false},
		{http.StatusUnprocessableEntity, `{"error":"invalid number"}`, `gateway error 422: {"error":"invalid number"}`, true},
		{http.StatusUnauthorized, ``, "gateway error 401: (empty body)", true},
		{http.StatusInternalServerError, strings.Repeat("x", 1000), "gateway error 500: " + strings.Repeat("x", 200), false},
	}
	for _, tt := range tests {
		g := &fakeGateway{status: tt.status, body: tt.body}
		srv := httptest.NewServer(g)
		gw, err := notify.NewSMSGateway(srv.URL+"/send", "tok-123")
		if err != nil {
			t.Fatal(err)
		}
		err = gw.Send(context.Background(), m)
		srv.Close()
		if len(g.got) != 1 {
			t.Fatalf("status %d: gateway got %d requests, want 1", tt.status, len(g.got))
		}
		r := g.got[0]
		if r.method != "POST" || r.auth != "Bearer tok-123" || r.contentType != "application/json" ||
			r.body["to"] != m.To || r.body["text"] != m.Body || len(r.body) != 2 {
			t.Errorf("status %d: gateway got %+v, want a JSON POST of to and text with the bearer token", tt.status, r)
		}
		var de *notify.DeliveryError
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("status %d: Send = %v, want success", tt.status, err)
		case tt.wantErr != "" && (!errors.As(err, &de) || de.Error() != tt.wantErr || de.Permanent != tt.permanent):
			t.Errorf("status %d: Send = %v, want %q, permanent %v", tt.status, err, tt.wantErr, tt.permanent)
		}
	}
}

func TestSMSGatewayUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	gw, err := notify.NewSMSGateway(srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	err = gw.Send(context.Background(), notify.Message{Channel: notify.SMS, To: "+6281234564411", Body: "x"})
	var de *notify.DeliveryError
	if !errors.As(err, &de) || de.Reason != "the SMS gateway cannot be reached" || de.Permanent {
		t.Errorf("Send to a closed server = %v, want a retryable unreachable error", err)
	}
	for _, u := range []string{"", "gateway.example/send", "ftp://gateway.example/", "https://"} {
		if _, err := notify.NewSMSGateway(u, ""); err == nil {
			t.Errorf("NewSMSGateway(%q) succeeded, want an error", u)
		}
	}
}
