package authcode

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Verifier checks a person's identity automatically, e.g. a liveness check
// and a face match against the population registry photo.
type Verifier interface {
	Verify(ctx context.Context, r VerifyRequest) (VerifyResult, error)
}

// VerifyRequest is the JSON body POSTed to the external biometric
// verification service (doc/signing.md).
type VerifyRequest struct {
	RequestID   int64  `json:"request_id"`
	NIK         string `json:"nik,omitempty"`
	Passport    string `json:"passport,omitempty"`
	Nationality string `json:"nationality,omitempty"`
	Name        string `json:"name"`
	// Evidence refers to the liveness evidence (a selfie video or image
	// set) the person captured with the verification service's client.
	Evidence string `json:"evidence"`
}

// VerifyResult is the service's JSON answer.
type VerifyResult struct {
	Liveness   bool    `json:"liveness"`
	MatchScore float64 `json:"match_score"`
}

// HTTPVerifier is a Verifier that POSTs a VerifyRequest as JSON to URL and
// reads a VerifyResult.
type HTTPVerifier struct {
	URL    string
	Client *http.Client
}

// Verify calls the service.
func (v HTTPVerifier) Verify(ctx context.Context, r VerifyRequest) (VerifyResult, error) {
	body, err := json.Marshal(r)
	if err != nil {
		return VerifyResult{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, v.URL, bytes.NewReader(body))
	if err != nil {
		return VerifyResult{}, fmt.Errorf("identity verification service: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	c := v.Client
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		// The service's address is not the person's business: keep the
		// cause without it.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return VerifyResult{}, fmt.Errorf("identity verification service unreachable: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return VerifyResult{}, fmt.Errorf("identity verification service answered %s: %s", resp.Status, bytes.TrimSpace(msg))
	}
	var out VerifyResult
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&out); err != nil {
		return VerifyResult{}, fmt.Errorf("identity verification service: bad answer: %w", err)
	}
	return out, nil
}
