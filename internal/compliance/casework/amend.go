package casework

import (
	"context"
	"time"

	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
)

// SelfCheckFunc adapts a function to SelfChecker: the server passes the
// engine's self-check, keeping only its flags.
type SelfCheckFunc func(ctx context.Context, npwp string) ([]compliance.Flag, error)

// SelfCheck implements SelfChecker.
func (f SelfCheckFunc) SelfCheck(ctx context.Context, npwp string) ([]compliance.Flag, error) {
	return f(ctx, npwp)
}

// EngineSelfCheck returns the SelfChecker of the compliance engine.
func EngineSelfCheck(engine *compliance.Service) SelfChecker {
	return SelfCheckFunc(func(ctx context.Context, npwp string) ([]compliance.Flag, error) {
		sc, err := engine.SelfCheck(ctx, npwp)
		return sc.Flags, err
	})
}

// PBJTDeclarations files voluntary corrections through the PBJT
// declarations service: an amendment of the month's current revision
// with the corrected base, or, for a month never declared, its first
// declaration (filed late, with the late-filing rules of the region).
type PBJTDeclarations struct{ D *pbjt.Declarations }

// Amend implements Declarations.
func (p PBJTDeclarations) Amend(ctx context.Context, npwp string, propertyID int64, period string, base money.Amount, reason string) (Amended, error) {
	in := pbjt.DeclarationInput{Month: period, Base: base.String(), Reason: reason}
	acc, err := p.D.Account(ctx, npwp, propertyID, period, time.Time{})
	switch {
	case errs.Is(errs.NotFound, err):
	case err != nil:
		return Amended{}, err
	default:
		in.Revision = acc.Current().Revision + 1
	}
	d, err := p.D.File(ctx, npwp, propertyID, in)
	if err != nil {
		return Amended{}, err
	}
	return Amended{PropertyID: propertyID, Period: period, Revision: d.Revision, Base: d.Base, Tax: d.Tax}, nil
}
