package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/translog"
)

// The /log routes are public: anyone may check that a document was signed
// and that the log was not rewritten, so none of them asks who calls.
// Hashes are standard base64, as in the signed head notes.

// logHeadJSON is a tree head; Note, when present, is the signed note.
type logHeadJSON struct {
	Size int64      `json:"size"`
	Hash string     `json:"hash"`
	Time *time.Time `json:"time,omitempty"`
	Note string     `json:"note,omitempty"`
}

func signedHeadOut(h translog.SignedHead) logHeadJSON {
	t := h.Time
	return logHeadJSON{Size: h.Size, Hash: h.Hash.String(), Time: &t, Note: string(h.Note)}
}

// logEntryJSON is one record with its inclusion proof against Head.
type logEntryJSON struct {
	Index int64 `json:"index"`
	// Record is the record's text; RecordBase64 its exact bytes.
	Record       string      `json:"record"`
	RecordBase64 []byte      `json:"record_base64"`
	LeafHash     string      `json:"leaf_hash"`
	Proof        []string    `json:"proof"`
	Head         logHeadJSON `json:"head"`
}

// logConsistencyJSON proves that the tree of New extends the tree of Old.
type logConsistencyJSON struct {
	Old   logHeadJSON `json:"old"`
	New   logHeadJSON `json:"new"`
	Proof []string    `json:"proof"`
}

// logKeyJSON is the log's verifier key.
type logKeyJSON struct {
	Key    string `json:"key"`
	Origin string `json:"origin"`
}

func hashesOut(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.String()
	}
	return out
}

// wantsText reports whether the client asked for text/plain rather than
// JSON.
func wantsText(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "text/plain") && !strings.Contains(accept, "application/json")
}

func writeText(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

func (s *server) logService() (*translog.Service, error) {
	if s.translog == nil {
		return nil, errs.E(errs.Unavailable, "the transparency log is not served by this server")
	}
	return s.translog, nil
}

// logHead handles GET /log/head: the current tree head, signed now. With
// Accept: text/plain the answer is the signed note alone.
func (s *server) logHead(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.logService()
	if err != nil {
		return err
	}
	h, err := svc.Head(r.Context())
	if err != nil {
		return err
	}
	if wantsText(r) {
		writeText(w, h.Note)
		return nil
	}
	writeJSON(w, http.StatusOK, signedHeadOut(h))
	return nil
}

// logEntry handles GET /log/entries/{index}: the record with its
// inclusion proof against the current head.
func (s *server) logEntry(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.logService()
	if err != nil {
		return err
	}
	raw := r.PathValue("index")
	index, perr := strconv.ParseInt(raw, 10, 64)
	if perr != nil || index < 0 {
		return errs.InvalidFields("the log index is not valid", errs.Field("index", raw, "must be a whole number, 0 or more"))
	}
	e, err := svc.Prove(r.Context(), index)
	if err != nil {
		return err
	}
	text := string(e.Record)
	if !utf8.ValidString(text) {
		text = ""
	}
	writeJSON(w, http.StatusOK, logEntryJSON{Index: e.Index, Record: text, RecordBase64: e.Record,
		LeafHash: tlog.RecordHash(e.Record).String(), Proof: hashesOut(e.Proof), Head: signedHeadOut(e.Head)})
	return nil
}

// logConsistency handles GET /log/consistency?old=&new=: the proof that
// the tree of new records (the current size when left out) extends the
// tree of old records.
func (s *server) logConsistency(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.logService()
	if err != nil {
		return err
	}
	var fs errs.Fields
	q := r.URL.Query()
	if q.Get("old") == "" {
		fs.Add("old", "", "is required: the size of the tree you hold")
	}
	oldSize := queryInt(r, "old", &fs)
	newSize := queryInt(r, "new", &fs)
	if err := fs.Err("the query parameters are not valid"); err != nil {
		return err
	}
	c, err := svc.ProveConsistency(r.Context(), oldSize, newSize)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, logConsistencyJSON{
		Old:   logHeadJSON{Size: c.Old.Size, Hash: c.Old.Hash.String()},
		New:   logHeadJSON{Size: c.New.Size, Hash: c.New.Hash.String()},
		Proof: hashesOut(c.Proof)})
	return nil
}

// logKey handles GET /log/key: the verifier key that opens signed heads.
// With Accept: text/plain the answer is the key line alone.
func (s *server) logKey(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.logService()
	if err != nil {
		return err
	}
	if wantsText(r) {
		writeText(w, []byte(svc.VerifierKey()+"\n"))
		return nil
	}
	writeJSON(w, http.StatusOK, logKeyJSON{Key: svc.VerifierKey(), Origin: translog.Origin})
	return nil
}
