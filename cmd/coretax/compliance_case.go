package main

import (
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/compliance/casework"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/storage"
)

// newCases builds the compliance case work: the engine's flags, the
// regions' offices for the letters, the self-check through the engine,
// voluntary corrections filed as amended PBJT declarations, and the
// dashboard's sums (doc/compliance-cases.md). baseURL starts the link in
// a letter's e-mail.
func newCases(db *storage.DB, policy actor.Policy, properties *pbjt.Service, baseURL string) *casework.Service {
	engine := compliance.NewService(db.Compliance(), db.PBJT(), db.Registration(), policy, time.Now, compliance.DefaultConfig())
	return casework.NewService(db.Cases(), engine, db.Registration(), properties, policy, time.Now, casework.Config{BaseURL: baseURL}).
		WithSelfCheck(casework.EngineSelfCheck(engine), casework.PBJTDeclarations{D: pbjt.NewDeclarations(properties, db.PBJT(), db.PBJT())}).
		WithDashboard(db.Cases())
}
