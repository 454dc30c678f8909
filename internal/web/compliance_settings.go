package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
)

// The thresholds of the compliance engine: the version in force, every
// version and the form to add one (doc/compliance.md, "Thresholds").

func (s *server) complianceService() (*compliance.Service, error) {
	if s.compliance == nil {
		return nil, errs.E(errs.Unavailable, "the compliance engine is not served by this server")
	}
	return s.compliance, nil
}

// thresholdRow is one threshold of a version as the page shows it.
type thresholdRow struct {
	Name, What, Value string
}

// thresholdInput is one input of the form.
type thresholdInput struct {
	Name, Label, Hint, Value, Error string
}

type thresholdVersionView struct {
	From, Reason, RecordedBy, RecordedAt string
	Shipped, InForce                     bool
	// Changes lists the values that differ from the version before.
	Changes []string
}

type settingsPage struct {
	page
	InForce     thresholdVersionView
	InForceRows []thresholdRow
	Versions    []thresholdVersionView
	Inputs      []thresholdInput
	From        string
	Reason      string
	Errors      *formErrors
}

func versionView(t, before compliance.Thresholds, inForce bool) thresholdVersionView {
	v := thresholdVersionView{Reason: t.Reason, RecordedBy: t.RecordedBy, Shipped: t.Shipped(), InForce: inForce}
	if t.Shipped() {
		v.From = "shipped"
	} else {
		v.From = t.From.Format(time.DateOnly)
		v.RecordedAt = t.RecordedAt.In(calendar.WIB).Format("2006-01-02 15:04 WIB")
		v.Changes = t.Config.Changes(before.Config)
	}
	return v
}

// inputValue shows a threshold as the form takes it: rupiah for amounts,
// whole numbers otherwise.
func inputValue(unit string, v int64) string {
	if unit == "sen" {
		return money.Amount(v).String()
	}
	return strconv.FormatInt(v, 10)
}

func (s *server) renderSettings(w http.ResponseWriter, r *http.Request, status int, svc *compliance.Service, form map[string]string, fe *formErrors) error {
	vs, inForce, err := svc.ThresholdVersions(r.Context())
	if err != nil {
		return err
	}
	p := settingsPage{Errors: fe}
	for i := len(vs) - 1; i >= 0; i-- {
		before := vs[max(i-1, 0)]
		p.Versions = append(p.Versions, versionView(vs[i], before, vs[i].From.Equal(inForce.From)))
	}
	p.InForce = versionView(inForce, inForce, true)
	values := inForce.Config.Values()
	for i, th := range compliance.ThresholdNames {
		p.InForceRows = append(p.InForceRows, thresholdRow{Name: th.Name, What: th.What, Value: compliance.FormatThreshold(th.Unit, values[i])})
		in := thresholdInput{Name: th.Name, Label: th.Name, Hint: th.What, Value: inputValue(th.Unit, values[i]), Error: fe.Get(th.Name)}
		switch th.Unit {
		case "sen":
			in.Hint += "; in rupiah, e.g. 100.000"
		case "bp":
			in.Hint += "; in basis points, 1 to 10000 (100 bp = 1 %)"
		}
		if v, ok := form[th.Name]; ok {
			in.Value = v
		}
		p.Inputs = append(p.Inputs, in)
	}
	p.From, p.Reason = svc.Today().AddDate(0, 0, 1).Format(time.DateOnly), ""
	if form != nil {
		p.From, p.Reason = form["from"], form["reason"]
	}
	p.page = s.newPage(w, r, "Compliance thresholds", "compliance")
	s.render(w, r, status, "compliance_settings", p)
	return nil
}

// complianceSettings handles GET /officer/compliance/settings.
func (s *server) complianceSettings(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.complianceService()
	if err != nil {
		return err
	}
	return s.renderSettings(w, r, http.StatusOK, svc, nil, nil)
}

// addComplianceSettings handles POST /officer/compliance/settings: from,
// reason and every threshold; amounts in rupiah.
func (s *server) addComplianceSettings(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.complianceService()
	if err != nil {
		return err
	}
	if err := svc.AllowConfigure(r.Context()); err != nil {
		return err
	}
	form := map[string]string{"from": strings.TrimSpace(r.PostForm.Get("from")), "reason": r.PostForm.Get("reason")}
	var fs errs.Fields
	t := compliance.Thresholds{Reason: form["reason"]}
	if form["from"] != "" {
		if t.From, err = time.Parse(time.DateOnly, form["from"]); err != nil {
			fs.Add("from", form["from"], "is not a day; write YYYY-MM-DD, e.g. 2026-12-01")
		}
	}
	values := make([]int64, len(compliance.ThresholdNames))
	for i, th := range compliance.ThresholdNames {
		v := strings.TrimSpace(r.PostForm.Get(th.Name))
		form[th.Name] = v
		if th.Unit == "sen" {
			sen, err := parseDecimal(v)
			if err != nil {
				fs.Add(th.Name, v, "%s", errs.Message(err))
			}
			values[i] = sen
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			fs.Add(th.Name, v, "is not a whole number; write digits, e.g. %s", inputValue(th.Unit, compliance.DefaultConfig().Values()[i]))
		}
		values[i] = n
	}
	if err := fs.Err("the thresholds are not valid"); err != nil {
		return s.renderSettings(w, r, http.StatusUnprocessableEntity, svc, form, errorsOf(err))
	}
	t.Config = compliance.Config{WindowMonths: int(values[0]), MinShortfall: money.Amount(values[1]), NetMinShare: values[2],
		NetPayoutTolerance: values[3], OffshoreCover: values[4], NomineeMaxShare: values[5], NomineeMinGross: money.Amount(values[6]),
		FeeTolerance: values[7], FeeMinGap: money.Amount(values[8]), MaxEvidence: int(values[9])}
	if _, err := svc.AddThresholds(r.Context(), t); errs.Is(errs.Invalid, err) || errs.Is(errs.Conflict, err) {
		return s.renderSettings(w, r, statusOf(err), svc, form, errorsOf(err))
	} else if err != nil {
		return err
	}
	return seeOther(w, r, "/officer/compliance/settings")
}
