package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// SMSGateway sends SMS through an HTTP gateway: a POST of the JSON object
// {"to": "+62...", "text": "..."} to URL with "Authorization: Bearer
// <Token>". Any 2xx answer means the gateway accepted the message; any
// other is an error naming the status and the start of the body. A 4xx
// other than 408 and 429 is not retried. doc/notifications.md states
// this contract for adapters in front of SMS providers.
type SMSGateway struct {
	URL    string
	Token  string
	Client *http.Client // http.DefaultClient when nil
}

// NewSMSGateway checks the URL and returns a gateway.
func NewSMSGateway(rawURL, token string) (*SMSGateway, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("SMS gateway URL %q: want an http:// or https:// URL", rawURL)
	}
	return &SMSGateway{URL: rawURL, Token: token}, nil
}

// smsRequest is the body of a gateway request.
type smsRequest struct {
	To   string `json:"to"`
	Text string `json:"text"`
}

// Send posts m to the gateway.
func (g *SMSGateway) Send(ctx context.Context, m Message) error {
	body, err := json.Marshal(smsRequest{To: m.To, Text: m.Body})
	if err != nil {
		return fmt.Errorf("encode SMS request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("SMS gateway request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if g.Token != "" {
		req.Header.Set("Authorization", "Bearer "+g.Token)
	}
	client := g.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return &DeliveryError{Reason: "the SMS gateway cannot be reached", Detail: err.Error()}
	}
	defer resp.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	return &DeliveryError{
		Reason:    fmt.Sprintf("gateway error %d", resp.StatusCode),
		Detail:    bodyExcerpt(excerpt),
		Permanent: resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests,
	}
}

// bodyExcerpt turns the start of a response body into one printable line.
func bodyExcerpt(b []byte) string {
	s := strings.ToValidUTF8(string(b), "")
	if !utf8.Valid(b) && len(s) == 0 {
		return "(binary body)"
	}
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "(empty body)"
	}
	return s
}
