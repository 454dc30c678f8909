package main

import (
	"log/slog"
	"path/filepath"
	"time"

	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/translog"
)

// newTransLog returns the transparency log service, signing heads with the
// key in keyFile, or in translog.key of the data directory when keyFile is
// empty; a missing key file there is created on first start, with its
// verifier key beside it (translog.key.pub). A key file given explicitly
// must exist.
func newTransLog(db *storage.DB, dataDir, keyFile string, logger *slog.Logger) (*translog.Service, error) {
	var skey string
	if keyFile != "" {
		k, err := translog.LoadKey(keyFile)
		if err != nil {
			return nil, err
		}
		skey = k
	} else {
		path := filepath.Join(dataDir, translog.KeyFile)
		k, created, err := translog.LoadOrCreateKey(path)
		if err != nil {
			return nil, err
		}
		if created {
			logger.Info("created the transparency log key", "file", path, "verifier_key_file", path+".pub")
		}
		skey = k
	}
	svc, err := translog.NewService(db.TransLog(), skey, time.Now)
	if err != nil {
		return nil, err
	}
	logger.Info("transparency log ready", "verifier_key", svc.VerifierKey())
	return svc, nil
}
