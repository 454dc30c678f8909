package audit

import (
	"context"
	"time"

	"github.com/coretax/coretax/internal/actor"
)

// For returns the entry of an action by the principal in ctx (actor.From)
// on the taxpayer taxpayerID at time at: who, from which account and
// address, did what. Services build their entries with it so that every
// entry names its actor alike.
func For(ctx context.Context, at time.Time, taxpayerID int64, action, detail string) Entry {
	a := actor.From(ctx)
	return Entry{At: at, Actor: a.String(), AccountID: a.AccountID, TaxpayerID: taxpayerID, Action: action, Address: a.Address, Detail: detail}
}
