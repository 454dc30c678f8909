// Package actor carries the principal of a request through a context: who
// is acting, so that services can authorize and every history row can say
// who made a change.
package actor

import (
	"context"
	"fmt"
)

// Kind is the class of a principal.
type Kind string

// The kinds of principal.
const (
	Anonymous Kind = "anonymous" // nobody has signed in
	Taxpayer  Kind = "taxpayer"  // a person acting for themselves or a represented taxpayer
	Officer   Kind = "officer"   // a tax officer (KPP or Bapenda)
	System    Kind = "system"    // the system itself: demo loader, imports, jobs
)

// Actor is the principal of a request.
type Actor struct {
	Kind Kind
	// ID identifies the principal within its kind: an NPWP for a
	// taxpayer, an officer's user name, a command name for System.
	ID string
	// Address is the client's network address, when known.
	Address string

	// AccountID is the signed-in account (0 when nobody is signed in).
	AccountID int64
	// TaxpayerID is the internal ID of the person's own taxpayer record
	// (Kind Taxpayer only).
	TaxpayerID int64
	// ActingForID and ActingFor name the taxpayer the person acts for
	// while impersonating an entity or a person they represent; zero and
	// empty when acting for themselves.
	ActingForID int64
	ActingFor   string
	// SessionID identifies the session (a hash, never the cookie value);
	// TokenID the API token, when the request came with one.
	SessionID string
	TokenID   int64
}

// Subject returns the taxpayer the actor acts for: the impersonated one, or
// their own.
func (a Actor) Subject() int64 {
	if a.ActingForID != 0 {
		return a.ActingForID
	}
	return a.TaxpayerID
}

// String renders the actor for history and audit rows: "officer:budi",
// "system:demo", "anonymous@203.0.113.9",
// "taxpayer:0080000011000000 for 0010000016000000@203.0.113.9".
func (a Actor) String() string {
	s := string(a.Kind)
	if a.Kind == "" {
		s = string(Anonymous)
	}
	if a.ID != "" {
		s += ":" + a.ID
	}
	if a.ActingFor != "" {
		s += " for " + a.ActingFor
	}
	if a.Address != "" {
		s += "@" + a.Address
	}
	return s
}

type ctxKey struct{}

// With returns a context carrying a.
func With(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, ctxKey{}, a)
}

// From returns the actor in ctx, or an anonymous actor when there is none.
func From(ctx context.Context) Actor {
	if a, ok := ctx.Value(ctxKey{}).(Actor); ok {
		return a
	}
	return Actor{Kind: Anonymous}
}

// SystemActor returns a System actor for the named internal task.
func SystemActor(task string) Actor { return Actor{Kind: System, ID: task} }

// Describe is a short human description for pages ("tax officer budi").
func (a Actor) Describe() string {
	switch a.Kind {
	case Officer:
		return fmt.Sprintf("tax officer %s", a.ID)
	case Taxpayer:
		return fmt.Sprintf("taxpayer %s", a.ID)
	case System:
		return fmt.Sprintf("system (%s)", a.ID)
	}
	return "anonymous"
}

// Action names what a principal wants to do, e.g.
// "registration.update"; each domain package declares its own.
type Action string

// Policy decides whether the actor in ctx may perform an action on a
// taxpayer (0 for actions on no particular taxpayer). Every service calls
// its Policy before it reads or changes anything: it is the one place
// where object-level access is decided. It returns nil, or an errs
// Unauthenticated or Forbidden error that says which condition is unmet.
type Policy interface {
	Allow(ctx context.Context, act Action, taxpayerID int64) error
}

// PolicyFunc adapts a function to Policy.
type PolicyFunc func(ctx context.Context, act Action, taxpayerID int64) error

// Allow calls f.
func (f PolicyFunc) Allow(ctx context.Context, act Action, taxpayerID int64) error {
	return f(ctx, act, taxpayerID)
}
