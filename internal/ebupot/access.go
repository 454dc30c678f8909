package ebupot

import (
	"context"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/errs"
)

// This file decides which family of slips a caller may work on. Coretax
// keeps two families of e-Bupot roles (doc/roles.md): the PPh 21/26 roles
// for the payroll slips (BPMP, BP21, BP26, BPA1, BPA2), which state
// people's pay, and the unified roles for the slips to vendors (BPPU,
// BPNR). A holder of one family's roles works on that family's slips
// only; the main PIC holds every role. The transports check that the
// caller holds a role of either family before they read a request's body
// (Allow), and the service decides by the slip's type once it is known.

// Access is what the caller may do with a withholder's slips, by family.
type Access struct {
	Read2126, Draft2126, Sign2126          bool
	ReadUnified, DraftUnified, SignUnified bool
}

// Access returns what the caller may do with the slips of the withholder
// npwp. A caller who may do nothing with them gets the refusal.
func (s *Service) Access(ctx context.Context, npwp string) (Access, error) {
	w, err := s.withholder(ctx, npwp, ActRead)
	if err != nil {
		return Access{}, err
	}
	var a Access
	for _, c := range []struct {
		act     actor.Action
		unified bool
		to      *bool
	}{
		{ActRead, false, &a.Read2126}, {ActDraft, false, &a.Draft2126}, {ActSign, false, &a.Sign2126},
		{ActRead, true, &a.ReadUnified}, {ActDraft, true, &a.DraftUnified}, {ActSign, true, &a.SignUnified},
	} {
		err := s.allowFamily(ctx, w.id(), c.act, c.unified)
		if err != nil && !errs.Is(errs.Forbidden, err) {
			return Access{}, err
		}
		*c.to = err == nil
	}
	return a, nil
}

// familyActions are the actions that stand, for the unified slips, for
// each PPh 21/26 action, in the order they are tried. Reading a unified
// slip is open to its drafters and signers, and, as before the unified
// roles were checked on their own, to the PPh 21/26 drafter, whose
// ebupot.read has always covered every slip of the withholder.
var familyActions = map[actor.Action][]actor.Action{
	ActRead:    {ActReadUnified, ActSignUnified, ActRead},
	ActDraft:   {ActDraftUnified},
	ActCompute: {ActDraftUnified},
	ActSign:    {ActSignUnified},
}

// allowFamily checks act (ActRead, ActDraft, ActCompute or ActSign) on
// the slips of one family of the taxpayer id: the unified slips when
// unified, else the PPh 21/26 ones. The refusal is the policy's, which
// names the role needed.
func (s *Service) allowFamily(ctx context.Context, id int64, act actor.Action, unified bool) error {
	acts, ok := familyActions[act]
	if !unified || !ok {
		return s.policy.Allow(ctx, act, id)
	}
	var first error
	for _, a := range acts {
		err := s.policy.Allow(ctx, a, id)
		if err == nil || !errs.Is(errs.Forbidden, err) {
			return err
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// allowType checks act on a slip of type t.
func (s *Service) allowType(ctx context.Context, id int64, act actor.Action, t objectcode.SlipType) error {
	return s.allowFamily(ctx, id, act, Unified(t))
}

// allowEither checks act on the slips of either family: what a transport
// checks before it reads a request's body, and what every call checks
// before it knows the slip's type. Both refusals are told, so the caller
// learns the role of each family.
func (s *Service) allowEither(ctx context.Context, id int64, act actor.Action) error {
	if _, ok := familyActions[act]; !ok {
		return s.policy.Allow(ctx, act, id)
	}
	err := s.allowFamily(ctx, id, act, false)
	if err == nil || !errs.Is(errs.Forbidden, err) {
		return err
	}
	uerr := s.allowFamily(ctx, id, act, true)
	if uerr == nil || !errs.Is(errs.Forbidden, uerr) {
		return uerr
	}
	return errs.E(errs.Forbidden, errs.Message(err)+"; nor the unified slips (BPPU, BPNR): "+errs.Message(uerr))
}
