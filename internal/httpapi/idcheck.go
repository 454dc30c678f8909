package httpapi

import (
	"net/http"
	"strings"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/taxid"
)

// IDCheck is the JSON form of a taxid.Result: the object that
// `coretax id check --json` prints for each value, member for member, so
// that the CLI can use this type (and NewIDCheck) instead of its own.
type IDCheck struct {
	Input      string   `json:"input"`
	Kind       string   `json:"kind"`
	Valid      bool     `json:"valid"`
	Normalized string   `json:"normalized"`
	Warnings   []string `json:"warnings"`
	Errors     []string `json:"errors"`
	NIK        *NIKInfo `json:"nik,omitempty"`
}

// NIKInfo is what a NIK (or an NPWP that is a NIK) says about its holder.
type NIKInfo struct {
	BirthDate    string `json:"birth_date"`
	Sex          string `json:"sex"`
	ProvinceCode string `json:"province_code"`
	Province     string `json:"province"`
	RegencyCode  string `json:"regency_code"`
	Regency      string `json:"regency"`
	DistrictCode string `json:"district_code"`
}

// NewIDCheck converts the result of taxid.Check.
func NewIDCheck(r taxid.Result) IDCheck {
	out := IDCheck{
		Input:      r.Input,
		Kind:       string(r.Kind),
		Valid:      r.Valid,
		Normalized: r.Normalized,
		Warnings:   append([]string{}, r.Warnings...),
		Errors:     append([]string{}, r.Errors...),
	}
	if n := r.NIK; n != nil {
		out.NIK = &NIKInfo{
			BirthDate:    date(n.BirthDate),
			Sex:          string(n.Sex),
			ProvinceCode: n.ProvinceCode,
			Province:     n.Province,
			RegencyCode:  n.RegencyCode,
			Regency:      n.Regency,
			DistrictCode: n.DistrictCode,
		}
	}
	return out
}

// checkID handles GET /id/check?value=&kind=. An identifier that fails its
// checks is still a 200 whose errors say why; only a missing value or an
// unknown kind is a 422.
func (s *server) checkID(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	value := q.Get("value")
	if strings.TrimSpace(value) == "" {
		return errs.InvalidFields("nothing to check",
			errs.Field("value", value, "is required: the identifier to check, e.g. value=3171011501900001"))
	}
	var kind taxid.Kind
	if k := q.Get("kind"); strings.TrimSpace(k) != "" {
		var err error
		if kind, err = taxid.ParseKind(k); err != nil {
			return errs.InvalidFields("unknown kind of identifier", errs.Field("kind", k, "%s", errs.Message(err)))
		}
	}
	writeJSON(w, http.StatusOK, NewIDCheck(taxid.Check(kind, value, s.now())))
	return nil
}
