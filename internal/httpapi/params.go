package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
)

// queryInt reads an optional non-negative integer query parameter.
func queryInt(r *http.Request, name string, fs *errs.Fields) int64 {
	s := strings.TrimSpace(r.URL.Query().Get(name))
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		fs.Add(name, s, "must be a whole number of 0 or more")
		return 0
	}
	return n
}

// pageLimit is the number of rows a list returns for the limit asked: the
// registration Service's default for 0 and at most registration.MaxPage.
func pageLimit(limit int64) int {
	switch {
	case limit <= 0:
		return 50
	case limit > registration.MaxPage:
		return registration.MaxPage
	}
	return int(limit)
}

// requireVersion checks that a change names the version it was based on.
func requireVersion(v *int) (int, error) {
	if v == nil {
		return 0, errs.InvalidFields("the change does not say which version it is based on",
			errs.Field("version", "", "is required: the version of the profile you loaded (GET the taxpayer; its version field), so that a change made meanwhile is not overwritten"))
	}
	return *v, nil
}
