package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// call sends a JSON request with c and decodes the JSON answer into out
// (when not nil), returning the status.
func call(t *testing.T, c *http.Client, method, url string, in, out any) int {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s = %d: %v\n%s", method, url, resp.StatusCode, err, b)
		}
	}
	return resp.StatusCode
}

// TestSignAndVerifyOffline is the demo director's path through the API as
// served: an authorization code and certificate from the wizard, a
// signature for the company, the certificate status, and the downloaded
// bundle checked offline by `coretax verify` against the CA in the data
// directory.
func TestSignAndVerifyOffline(t *testing.T) {
	dir := t.TempDir()
	base, out, stop := serveInProcess(t, "--data", dir, "--demo")
	defer stop()
	m := regexp.MustCompile(`registered by passport: \S+/taxpayers/(\d{16})`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no director in the demo notes:\n%s", out.String())
	}
	const company = "0010000016000000"
	director := signIn(t, base, m[1], "gruber villa sunrise")
	// The demo gives the director a certificate for its fakturs; revoke it
	// so that the wizard issues a new one.
	if code := call(t, director, "POST", base+"/api/v1/certificates/mine/revoke", map[string]string{"reason": "the test obtains a new one through the wizard"}, nil); code != http.StatusOK {
		t.Fatalf("revoke the demo certificate = %d", code)
	}

	var profiles struct {
		Profiles []struct {
			ID   int64  `json:"id"`
			NPWP string `json:"npwp"`
		} `json:"profiles"`
	}
	if code := call(t, director, "GET", base+"/api/v1/authcode/profiles", nil, &profiles); code != http.StatusOK {
		t.Fatalf("profiles = %d", code)
	}
	var companyID int64
	for _, p := range profiles.Profiles {
		if p.NPWP == company {
			companyID = p.ID
		}
	}
	var started struct {
		Request struct {
			ID int64 `json:"id"`
		} `json:"request"`
	}
	if code := call(t, director, "POST", base+"/api/v1/authcode/requests", map[string]any{"subject_id": companyID}, &started); code != http.StatusCreated {
		t.Fatalf("start = %d", code)
	}
	var outbox struct {
		Messages []struct {
			Body    string `json:"body"`
			Purpose string `json:"purpose"`
		} `json:"messages"`
	}
	if code := call(t, director, "GET", base+"/api/v1/outbox", nil, &outbox); code != http.StatusOK {
		t.Fatalf("outbox = %d", code)
	}
	var otp string
	for _, msg := range outbox.Messages {
		if msg.Purpose == "authcode_code" {
			otp = regexp.MustCompile(`\d{6}`).FindString(msg.Body)
			break
		}
	}
	reqURL := base + "/api/v1/authcode/requests/" + strconv.FormatInt(started.Request.ID, 10)
	if code := call(t, director, "POST", reqURL+"/confirm", map[string]string{"code": otp}, nil); code != http.StatusOK {
		t.Fatalf("confirm with %q = %d", otp, code)
	}
	const pass = "Matahari#2026"
	if code := call(t, director, "POST", reqURL+"/issue", map[string]string{"passphrase": pass, "confirm": pass}, nil); code != http.StatusOK && code != http.StatusCreated {
		t.Fatalf("issue = %d", code)
	}

	var status struct {
		Status string `json:"status"`
	}
	if code := call(t, director, "GET", base+"/api/v1/certificates/mine", nil, &status); code != http.StatusOK || status.Status != "valid" {
		t.Fatalf("certificate status = %d %+v", code, status)
	}

	if code := call(t, director, "POST", base+"/api/v1/access/acting-for", map[string]string{"npwp": company}, nil); code != http.StatusOK {
		t.Fatalf("act for the company = %d", code)
	}
	doc := []byte(`<TaxInvoice><Number>04002500000001</Number><TaxBase>1000000</TaxBase></TaxInvoice>`)
	sign := map[string]string{"document": base64.StdEncoding.EncodeToString(doc), "doc_type": "tax_invoice", "passphrase": "Wrong#2026x"}
	var refusal struct {
		Error struct {
			Fields []struct {
				Field string `json:"field"`
			} `json:"fields"`
		} `json:"error"`
	}
	if code := call(t, director, "POST", base+"/api/v1/signatures", sign, &refusal); code != http.StatusUnprocessableEntity ||
		len(refusal.Error.Fields) != 1 || refusal.Error.Fields[0].Field != "passphrase" {
		t.Errorf("wrong passphrase = %d %+v, want 422 naming the passphrase", code, refusal)
	}
	sign["passphrase"] = pass
	var sig struct {
		ID        string `json:"id"`
		BundleURL string `json:"bundle_url"`
		ActingFor struct {
			NPWP string `json:"npwp"`
		} `json:"acting_for"`
	}
	if code := call(t, director, "POST", base+"/api/v1/signatures", sign, &sig); code != http.StatusCreated || sig.ActingFor.NPWP != company {
		t.Fatalf("sign = %d %+v", code, sig)
	}

	// Anyone can fetch the bundle and check it offline.
	var bundle json.RawMessage
	if code := call(t, http.DefaultClient, "GET", base+sig.BundleURL, nil, &bundle); code != http.StatusOK {
		t.Fatalf("bundle = %d", code)
	}
	if code, page := getWith(t, http.DefaultClient, base+"/verify/"+sig.ID); code != http.StatusOK || !strings.Contains(page, "✓ inclusion proof") {
		t.Errorf("verify page = %d\n%.500s", code, page)
	}
	bundleFile, docFile := filepath.Join(dir, "bundle.json"), filepath.Join(dir, "faktur.xml")
	if err := os.WriteFile(bundleFile, bundle, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(docFile, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(dir, "ca", "ca.crt")
	if code, out, _ := runCoretax("verify", "--document", docFile, "--ca", caFile, bundleFile); code != 0 {
		t.Errorf("coretax verify = %d:\n%s", code, out)
	}
	doc[20] ^= 1
	if err := os.WriteFile(docFile, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runCoretax("verify", "--document", docFile, "--ca", caFile, bundleFile); code != 1 {
		t.Errorf("coretax verify of a changed document = %d:\n%s", code, out)
	}
}
