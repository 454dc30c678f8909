package web

import (
	"fmt"
	"html/template"
	"net/url"
	"regexp"
	"strings"

	"github.com/coretax/coretax/internal/area"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
)

// formErrors are the problems of a submitted form: messages by field name
// (the snake_case names the registration Service uses, which are also the
// names of the form's inputs) and a summary.
type formErrors struct {
	// Prefix starts the element IDs of the form's fields, for the links
	// of the summary (forms that share a page have different prefixes).
	Prefix  string
	Message string
	Fields  map[string]string
	// Order lists the fields in the order the Service reported them,
	// for the summary at the top of the form.
	Order []errs.FieldError
}

// errorsOf turns a rejected submission's error into formErrors.
func errorsOf(err error) *formErrors {
	fe := &formErrors{Message: errs.Message(err), Fields: map[string]string{}}
	for _, f := range errs.FieldsOf(err) {
		if _, dup := fe.Fields[f.Field]; dup {
			fe.Fields[f.Field] += " " + f.Message
		} else {
			fe.Fields[f.Field] = f.Message
		}
		fe.Order = append(fe.Order, f)
	}
	return fe
}

// Get returns the message for a field, or "".
func (fe *formErrors) Get(name string) string {
	if fe == nil {
		return ""
	}
	return fe.Fields[name]
}

// field is the view of one form control.
type field struct {
	Name     string // the input's name: the Service's field name
	ID       string
	Label    string
	Value    string
	Hint     string
	Error    string
	Type     string // input type; "select", "textarea" or "checkbox" for those controls
	Required bool
	// Attributes for inputs: inputmode, autocomplete, placeholder,
	// pattern, maxlength.
	Inputmode, Autocomplete, Placeholder, Pattern, Maxlength string
	// Check makes the input ask the server for an inline check when it
	// changes (with htmx).
	Check  bool
	Groups []optgroup // for selects
}

type optgroup struct {
	Label   string // "" for options outside any group
	Options []option
}

type option struct {
	Value, Label string
	Selected     bool
}

// fieldID turns a field name into an element ID: "address.street" →
// "address-street".
func fieldID(name string) string { return strings.ReplaceAll(name, ".", "-") }

// newField builds a field for the templates: field errs "name" "Label"
// value, followed by attribute pairs such as "hint" "...", "type" "email",
// "required" "true", "options" []optgroup.
func newField(fe *formErrors, name, label string, value any, attrs ...any) (field, error) {
	f := field{Name: name, ID: fieldID(name), Label: label, Value: fmt.Sprint(value), Type: "text", Error: fe.Get(name)}
	if len(attrs)%2 != 0 {
		return f, fmt.Errorf("field %s: attributes come in pairs", name)
	}
	for i := 0; i < len(attrs); i += 2 {
		k, _ := attrs[i].(string)
		v := attrs[i+1]
		s := fmt.Sprint(v)
		switch k {
		case "hint":
			f.Hint = s
		case "type":
			f.Type = s
		case "required":
			f.Required = s == "true"
		case "inputmode":
			f.Inputmode = s
		case "autocomplete":
			f.Autocomplete = s
		case "placeholder":
			f.Placeholder = s
		case "pattern":
			f.Pattern = s
		case "maxlength":
			f.Maxlength = s
		case "prefix":
			f.ID = s + fieldID(name)
		case "check":
			f.Check = s == "true"
		case "options":
			gs, ok := v.([]optgroup)
			if !ok {
				return f, fmt.Errorf("field %s: options must be []optgroup, not %T", name, v)
			}
			f.Type = "select"
			f.Groups = markSelected(gs, f.Value)
		default:
			return f, fmt.Errorf("field %s: unknown attribute %q", name, k)
		}
	}
	return f, nil
}

func markSelected(gs []optgroup, value string) []optgroup {
	out := make([]optgroup, len(gs))
	for i, g := range gs {
		out[i] = optgroup{Label: g.Label, Options: make([]option, len(g.Options))}
		for j, o := range g.Options {
			o.Selected = o.Value == value
			out[i].Options[j] = o
		}
	}
	return out
}

// choices builds a select's options from value/label pairs, after a first
// empty choice with the given prompt.
func choices(prompt string, pairs ...string) []optgroup {
	g := optgroup{Options: []option{{Value: "", Label: prompt}}}
	for i := 0; i+1 < len(pairs); i += 2 {
		g.Options = append(g.Options, option{Value: pairs[i], Label: pairs[i+1]})
	}
	return []optgroup{g}
}

// provinceChoices lists the provinces.
func provinceChoices() []optgroup {
	g := optgroup{Options: []option{{Value: "", Label: "Choose a province"}}}
	for _, a := range area.Provinces() {
		g.Options = append(g.Options, option{Value: a.Code, Label: a.Code + " " + a.Name})
	}
	return []optgroup{g}
}

// regencyChoices lists the regencies and cities of a province, or of all
// provinces grouped by province when none is chosen, so that the form
// works without a round trip.
func regencyChoices(province string) []optgroup {
	first := optgroup{Options: []option{{Value: "", Label: "Choose a regency or city"}}}
	if _, ok := area.Province(province); ok {
		for _, a := range area.Regencies(province) {
			first.Options = append(first.Options, option{Value: a.Code, Label: a.Code + " " + a.Name})
		}
		return []optgroup{first}
	}
	gs := []optgroup{first}
	for _, p := range area.Provinces() {
		g := optgroup{Label: p.Name}
		for _, a := range area.Regencies(p.Code) {
			g.Options = append(g.Options, option{Value: a.Code, Label: a.Code + " " + a.Name})
		}
		gs = append(gs, g)
	}
	return gs
}

// districtChoices lists the districts of a regency.
func districtChoices(regency string) []optgroup {
	if _, ok := area.Regency(regency); !ok {
		return choices("Choose a regency or city first")
	}
	g := optgroup{Options: []option{{Value: "", Label: "Choose a district (kecamatan)"}}}
	for _, a := range area.Districts(regency) {
		g.Options = append(g.Options, option{Value: a.Code, Label: a.Code + " " + a.Name})
	}
	return []optgroup{g}
}

// addressForm is an address as typed into a form.
type addressForm struct {
	Street, ProvinceCode, RegencyCode, DistrictCode, PostalCode string
}

// addressFrom reads the address.* inputs. A regency or district that is
// not in the chosen province or regency is dropped, so that the lists
// stay consistent after the province changes.
func addressFrom(v url.Values) addressForm {
	a := addressForm{
		Street:       v.Get("address.street"),
		ProvinceCode: strings.TrimSpace(v.Get("address.province_code")),
		RegencyCode:  strings.TrimSpace(v.Get("address.regency_code")),
		DistrictCode: strings.TrimSpace(v.Get("address.district_code")),
		PostalCode:   v.Get("address.postal_code"),
	}
	if a.ProvinceCode == "" && len(a.RegencyCode) >= 2 {
		a.ProvinceCode = a.RegencyCode[:2]
	}
	return a
}

// consistent drops a regency outside the province and a district outside
// the regency; used when the lists are refreshed.
func (a addressForm) consistent() addressForm {
	if a.ProvinceCode != "" && !strings.HasPrefix(a.RegencyCode, a.ProvinceCode) {
		a.RegencyCode = ""
	}
	if !strings.HasPrefix(a.DistrictCode, a.RegencyCode) || a.RegencyCode == "" {
		a.DistrictCode = ""
	}
	return a
}

func (a addressForm) input() registration.AddressInput {
	return registration.AddressInput(a)
}

// areaName names an area code for display: "5103 Kabupaten Badung".
func areaName(code string) string {
	var a area.Area
	var ok bool
	switch len(code) {
	case 2:
		a, ok = area.Province(code)
	case 4:
		a, ok = area.Regency(code)
	case 6:
		a, ok = area.District(code)
	}
	if !ok {
		return code
	}
	return a.Name
}

var urlPattern = regexp.MustCompile(`https?://[^\s]+`)

// linkify escapes s and turns the http(s) URLs in it into links.
func linkify(s string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range urlPattern.FindAllStringIndex(s, -1) {
		b.WriteString(template.HTMLEscapeString(s[last:m[0]]))
		u := s[m[0]:m[1]]
		fmt.Fprintf(&b, `<a href="%s">%s</a>`, template.HTMLEscapeString(u), template.HTMLEscapeString(u))
		last = m[1]
	}
	b.WriteString(template.HTMLEscapeString(s[last:]))
	return template.HTML(b.String())
}

// fieldLabels names the fields in error summaries the way the forms
// label them.
var fieldLabels = map[string]string{
	"kind":                  "Kind of taxpayer",
	"name":                  "Name",
	"nik":                   "NIK",
	"legacy_npwp":           "Legacy NPWP",
	"passport_number":       "Passport number",
	"nationality":           "Nationality",
	"stay_permit_kind":      "Stay permit kind",
	"stay_permit_number":    "Stay permit number",
	"stay_permit_expires":   "Stay permit expiry",
	"entity_form":           "Legal form",
	"deed_number":           "Deed number",
	"registry_number":       "Company registry number",
	"address.street":        "Street",
	"address.province_code": "Province",
	"address.regency_code":  "Regency or city",
	"address.district_code": "District",
	"address.postal_code":   "Postal code",
	"email":                 "E-mail",
	"mobile":                "Mobile number",
	"relation":              "Relation",
	"npwp":                  "NPWP",
	"share_percent":         "Share",
	"valid_from":            "First day",
	"valid_until":           "Last day",
	"main_pic":              "Main PIC",
	"event":                 "Change",
	"effective_date":        "Effective date",
	"note":                  "Note",
	"version":               "Version",
	"q":                     "Search",
}

// fieldLabel returns the label of a field, or its name.
func fieldLabel(name string) string {
	if l, ok := fieldLabels[name]; ok {
		return l
	}
	return name
}

var funcs = template.FuncMap{
	"label":     fieldLabel,
	"field":     newField,
	"choices":   choices,
	"provinces": provinceChoices,
	"regencies": regencyChoices,
	"districts": districtChoices,
	"areaName":  areaName,
	"fieldid":   fieldID,
	"errsFor":   formErrorsFor,
	"linkify":   linkify,
	"date":      date,
	"kindLabel": func(k registration.Kind) string { return k.Label() },
}
