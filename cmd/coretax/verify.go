package main

import (
	"context"
	"fmt"
	"os"

	"github.com/coretax/coretax/internal/pki"
	"github.com/coretax/coretax/internal/signing"
)

const verifyUsage = `
Usage: coretax verify [--document DOC] [--ca CA.crt] [--log-key KEY] BUNDLE

Checks a signed-document bundle offline (GET /api/v1/signatures/{id}/bundle
or the "Download the bundle" link of a /verify page): the document against
the signed SHA-256, the signer's certificate chain to the CA and its
validity at the signing time, the ECDSA signature, and the record's
inclusion proof in the transparency log against the signed tree head.

By default the CA certificate and the log's verifier key are taken from the
bundle itself; pin them with --ca (the installation's DATA/ca/ca.crt) and
--log-key (GET /api/v1/log/key) to trust only those. Without --document and
without a document inside the bundle, only the signed hash is checked.

Prints one line per check and exits with status 1 when any check fails.
`

func runVerify(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("verify", verifyUsage)
	docPath := fs.String("document", "", "check this `file` against the signed hash")
	caPath := fs.String("ca", "", "pin the CA certificate in this PEM `file`")
	logKey := fs.String("log-key", "", "pin the transparency log's verifier `key`")
	files, err := a.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return &usageError{msg: "give exactly one bundle file: coretax verify BUNDLE"}
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		return err
	}
	b, err := signing.ParseBundle(data)
	if err != nil {
		return err
	}
	var opt signing.VerifyOptions
	opt.LogKey = *logKey
	if *docPath != "" {
		if opt.Document, err = os.ReadFile(*docPath); err != nil {
			return err
		}
	}
	if *caPath != "" {
		pemText, err := os.ReadFile(*caPath)
		if err != nil {
			return err
		}
		if opt.CA, err = pki.ParseCertificatePEM(pemText); err != nil {
			return fmt.Errorf("%s: %w", *caPath, err)
		}
	}
	fmt.Fprintf(a.stdout, "signature %s: %s signed a %s document for %s (%s) at %s\n",
		b.ID, b.Signer.Name, b.DocType, b.ActingFor.Name, b.ActingFor.NPWP, b.SignedAt.UTC().Format("2006-01-02 15:04:05 MST"))
	checks := signing.Verify(b, opt)
	for _, c := range checks {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(a.stdout, "%s %s: %s\n", mark, c.Name, c.Detail)
	}
	if !signing.Passed(checks) {
		fmt.Fprintln(a.stdout, "the bundle does NOT verify")
		return &exitError{code: 1}
	}
	fmt.Fprintln(a.stdout, "the bundle verifies")
	return nil
}
