package content

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// The international default's code.
const International = "INT"

// Worldwide is the `where` of a service that works from any country.
const Worldwide = "worldwide"

// Service kinds. Only the talk kinds are ever offered as someone to talk to.
const (
	KindChildHelpline = "child-helpline" // a helpline for children and young people
	KindCrisisLine    = "crisis-line"    // a suicide or mental-health crisis line, for any age
	KindAlternative   = "alternative"    // the best talking line where there is no child helpline
	KindReportHotline = "report-hotline" // a place to report abuse material or a crime; not for talking
	KindTakedown      = "takedown"       // a tool to get images removed
	KindPrevention    = "prevention"     // confidential help for people worried about their own thoughts
	KindDirectory     = "directory"      // a list of helplines or hotlines in every country
)

// ServiceKinds lists every kind, and TalkKinds the kinds of service a person
// can talk to, in the order replies list them.
var (
	ServiceKinds = []string{KindChildHelpline, KindCrisisLine, KindAlternative, KindReportHotline, KindTakedown, KindPrevention, KindDirectory}
	TalkKinds    = []string{KindChildHelpline, KindAlternative, KindCrisisLine}
)

// Regions in menu order.
var Regions = []string{"East Africa", "West Africa", "Central Africa", "Southern Africa", "Arab world", "South Asia", "Southeast Asia", "Latin America", "Europe", "North America", "International"}

// Country is a country's record in the helpline directory.
type Country struct {
	Code   string
	Name   string // in English; other languages take their own name for the code
	Region string
	// Languages are the launch languages widely spoken by young people
	// here: a reader of one of them whose country is not known is offered
	// this country as a one-tap choice. It never sets a country by itself.
	Languages []string
	// Emergency lists the numbers to call in danger, digits only, the one
	// to try first first; empty when none could be confirmed (Unverified
	// then says why).
	Emergency []string
	// Police and Ambulance are the numbers for each service, where the
	// sources give separate ones.
	Police, Ambulance []string
	// EmergencyNote is one short sentence shown with the numbers.
	EmergencyNote string
	NoChildLine   string
	Unverified    string
	Source        string
	Checked       string
	Services      []Service
	File          string
	Line          int
}

// Service is a helpline, hotline or other service.
type Service struct {
	// ID is the service's stable id, "<country code in lower case>.<name>"
	// (ke.childline): translations of its note are found by it.
	ID      string
	Name    string
	Country string
	Kind    string
	Phone   string
	Hours   Hours
	Free    string
	// Urgent is false for a line marked `urgent: no`: it is never offered
	// to someone in danger now (it says it is not for emergencies, or it
	// only takes reports).
	Urgent bool
	// Where lists the country codes where the service works, or Worldwide;
	// empty means the country of the record.
	Where      []string
	Chat       string
	WhatsApp   string
	Web        string
	Note       string
	Unverified string
	Source     string
	Checked    string
	File       string
	Line       int
}

// Hours are a service's opening hours: always open, or open in spans.
// The zero value means the hours are not known.
type Hours struct {
	Always bool
	Spans  []Span
}

// Span is a time of day on a run of weekdays.
type Span struct {
	// From and To are weekdays, 0 for Monday to 6 for Sunday; Daily is
	// set instead when the span is every day.
	From, To int
	Daily    bool
	// Open and Close are "HH:MM".
	Open, Close string
}

// Known reports whether any hours are known.
func (h Hours) Known() bool { return h.Always || len(h.Spans) > 0 }

// Weekdays are the day names the `hours` field uses, Monday first.
var Weekdays = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

var (
	timeRange  = regexp.MustCompile(`^([01][0-9]|2[0-4]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])$`)
	phoneChars = regexp.MustCompile(`^[+*#]?[0-9]([0-9 -]*[0-9])?$`)
	digitsOnly = regexp.MustCompile(`^[0-9]{2,}$`)
	serviceID  = regexp.MustCompile(`^[a-z]{2,3}\.[a-z0-9]+(-[a-z0-9]+)*$`)
	regionCode = regexp.MustCompile(`^[A-Z]{2}$`)
)

// ParseHours reads an `hours` value: `24/7`, or spans separated by `; `,
// each `HH:MM-HH:MM` and then `daily`, a day (`Sat`) or a run of days
// (`Mon-Fri`).
func ParseHours(s string) (Hours, error) {
	if s == "" {
		return Hours{}, nil
	}
	if s == "24/7" {
		return Hours{Always: true}, nil
	}
	var h Hours
	for _, part := range strings.Split(s, ";") {
		times, days, ok := strings.Cut(strings.TrimSpace(part), " ")
		if !ok || !timeRange.MatchString(times) {
			return Hours{}, fmt.Errorf("%q is not `24/7` or like `08:00-17:00 Mon-Fri`", s)
		}
		open, closing, _ := strings.Cut(times, "-")
		sp := Span{Open: open, Close: closing}
		switch first, last, run := strings.Cut(strings.TrimSpace(days), "-"); {
		case days == "daily":
			sp.Daily = true
		case run:
			sp.From, sp.To = slices.Index(Weekdays, first), slices.Index(Weekdays, last)
		default:
			sp.From = slices.Index(Weekdays, first)
			sp.To = sp.From
		}
		if !sp.Daily && (sp.From < 0 || sp.To < 0) {
			return Hours{}, fmt.Errorf("%q: days are `daily`, a day or a run of days like `Mon-Fri` (%s)", s, strings.Join(Weekdays, ", "))
		}
		h.Spans = append(h.Spans, sp)
	}
	return h, nil
}

// Directory is the helpline directory.
type Directory struct {
	Countries map[string]*Country
	// Codes lists the country codes by region order, then name.
	Codes []string
}

// Country returns the country, or the international default.
func (d *Directory) Country(code string) *Country {
	if c := d.Countries[strings.ToUpper(code)]; c != nil {
		return c
	}
	return d.Countries[International]
}

// ByLanguage returns the countries whose `languages` lists the language,
// in directory order.
func (d *Directory) ByLanguage(lang string) []string {
	var out []string
	for _, code := range d.Codes {
		if slices.Contains(d.Countries[code].Languages, lang) {
			out = append(out, code)
		}
	}
	return out
}

// Reachable reports whether the service has a way to reach it.
func (s Service) Reachable() bool {
	return s.Phone != "" || s.Web != "" || s.Chat != "" || s.WhatsApp != ""
}

// Talk reports whether someone can talk to the service.
func (s Service) Talk() bool { return slices.Contains(TalkKinds, s.Kind) }

// ServicesOf returns a country's reachable services of the given kinds, in
// file order.
func (c *Country) ServicesOf(kinds ...string) []Service {
	var out []Service
	for _, s := range c.Services {
		if slices.Contains(kinds, s.Kind) && s.Reachable() {
			out = append(out, s)
		}
	}
	return out
}

// TalkLines returns the reachable services a person can talk to, child
// helplines first; with urgent set, only those fit for someone in danger
// now (never one marked `urgent: no`, never a reporting line).
func (c *Country) TalkLines(urgent bool) []Service {
	var out []Service
	for _, kind := range TalkKinds {
		for _, s := range c.ServicesOf(kind) {
			if !urgent || s.Urgent {
				out = append(out, s)
			}
		}
	}
	return out
}

// Numbers returns every phone number the country's record and services
// give, as written: the numbers a reply may show.
func (c *Country) Numbers() []string {
	out := slices.Concat(c.Emergency, c.Police, c.Ambulance)
	for _, s := range c.Services {
		if s.Phone != "" && s.Reachable() {
			out = append(out, s.Phone)
		}
	}
	return out
}

// NoteID is the message id under which a translation of a service's note
// is looked up. The notes themselves are data, written in English in the
// directory, so that they can become messages later without a new format.
func NoteID(serviceID string) string { return "directory." + serviceID + ".note" }

// CountryNoteID is NoteID for a country's emergency note.
func CountryNoteID(code string) string {
	return "directory." + strings.ToLower(code) + ".emergency-note"
}

func loadHelplines(fsys fs.FS) (*Directory, []error) {
	d := &Directory{Countries: map[string]*Country{}}
	files, err := fs.Glob(fsys, helplinesFolder+"/*.txt")
	if err != nil {
		return nil, []error{err}
	}
	if len(files) == 0 {
		return nil, []error{&Error{File: helplinesFolder + "/", Line: 1, Msg: "no helpline files"}}
	}
	var errs []error
	var services []Service
	ids := map[string]bool{}
	for _, file := range files {
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		recs, err := ParseRecords(file, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for i := range recs {
			r := &recs[i]
			v := validator{rec: r}
			if _, isService := r.Get("service"); isService {
				s, ok := readService(&v, file, ids)
				if !ok {
					errs = append(errs, v.err)
					continue
				}
				services = append(services, s)
				continue
			}
			c := readCountry(&v)
			if v.err == nil && d.Countries[c.Code] != nil {
				v.fail("country", "%s appears twice", c.Code)
			}
			if v.err != nil {
				errs = append(errs, v.err)
				continue
			}
			d.Countries[c.Code] = c
		}
	}
	for _, s := range services {
		c := d.Countries[s.Country]
		if c == nil {
			errs = append(errs, &Error{File: s.File, Line: s.Line, Field: "country", Msg: fmt.Sprintf("%s has no country record", s.Country)})
			continue
		}
		c.Services = append(c.Services, s)
	}
	if d.Countries[International] == nil {
		errs = append(errs, &Error{File: path.Join(helplinesFolder, "international.txt"), Line: 1, Msg: "the international default (country: INT) is missing"})
	}
	for code := range d.Countries {
		d.Codes = append(d.Codes, code)
	}
	sort.Slice(d.Codes, func(i, j int) bool {
		a, b := d.Countries[d.Codes[i]], d.Countries[d.Codes[j]]
		if ra, rb := slices.Index(Regions, a.Region), slices.Index(Regions, b.Region); ra != rb {
			return ra < rb
		}
		return a.Name < b.Name
	})
	return d, errs
}

func readService(v *validator, file string, ids map[string]bool) (Service, bool) {
	r := v.rec
	s := Service{
		ID: v.text("id", true), Name: v.text("service", true), Country: strings.ToUpper(v.text("country", true)), Kind: v.oneOf("kind", ServiceKinds),
		Phone: v.text("phone", false), Free: v.text("free", false), Urgent: true, Where: v.commaList("where"),
		Chat: v.text("chat", false), WhatsApp: v.text("whatsapp", false), Web: v.text("web", false),
		Note: v.text("note", false), Unverified: v.text("unverified", false),
		Source: v.text("source", true), Checked: v.date("checked"), File: file, Line: r.Line,
	}
	hours, err := ParseHours(v.text("hours", false))
	if err != nil {
		v.fail("hours", "%v", err)
	}
	s.Hours = hours
	switch u := v.text("urgent", false); u {
	case "", "yes":
	case "no":
		s.Urgent = false
	default:
		v.fail("urgent", "%q is not yes or no", u)
	}
	switch {
	case s.ID != "" && !serviceID.MatchString(s.ID):
		v.fail("id", "%q is not an id like `ke.childline`: the country code in lower case, a dot, then words joined by -", s.ID)
	case s.ID != "" && !strings.HasPrefix(s.ID, strings.ToLower(s.Country)+"."):
		v.fail("id", "%q must start with the country code, %s.", s.ID, strings.ToLower(s.Country))
	case ids[s.ID]:
		v.fail("id", "%q is used by another service", s.ID)
	}
	ids[s.ID] = true
	if s.Free != "" && !slices.Contains([]string{"yes", "no", "unknown"}, s.Free) {
		v.fail("free", "%q is not yes, no or unknown", s.Free)
	}
	if s.Phone != "" && !phoneChars.MatchString(s.Phone) {
		v.fail("phone", "%q: write the number as dialled, digits with spaces or hyphens (a leading + or * is allowed); put words in `note`", s.Phone)
	}
	for _, w := range s.Where {
		if w != Worldwide && !regionCode.MatchString(w) {
			v.fail("where", "%q is not a country code (KE, GB) or %q", w, Worldwide)
		}
	}
	if len(s.Where) == 0 && (s.Kind == KindPrevention || s.Country == International) {
		v.fail("where", "is missing: say where the service works (country codes, or %s), so that readers elsewhere know", Worldwide)
	}
	if !s.Reachable() && s.Unverified == "" {
		v.fail("service", "a service needs a phone, web, chat or whatsapp; if none could be confirmed, say so in `unverified` (it is then kept for curators and not shown)")
	}
	v.known("id", "service", "country", "kind", "phone", "hours", "free", "urgent", "where", "chat", "whatsapp", "web", "note", "unverified", "source", "checked")
	checkURLs(v, "source", "chat", "whatsapp", "web")
	return s, v.err == nil
}

func readCountry(v *validator) *Country {
	c := &Country{
		Code: strings.ToUpper(v.text("country", true)), Name: v.text("name", true), Region: v.oneOf("region", Regions),
		Languages: v.commaList("languages"), Emergency: v.commaList("emergency"), Police: v.commaList("police"), Ambulance: v.commaList("ambulance"),
		EmergencyNote: v.text("emergency-note", false), NoChildLine: v.text("no-child-line", false), Unverified: v.text("unverified", false),
		Source: v.text("source", true), Checked: v.date("checked"), File: v.rec.File, Line: v.rec.Line,
	}
	for _, name := range []string{"emergency", "police", "ambulance"} {
		for _, n := range v.commaList(name) {
			if !digitsOnly.MatchString(n) {
				v.fail(name, "%q: write digits only, numbers separated by commas (`999, 112`); put words in `emergency-note`", n)
			}
		}
	}
	if c.Code != International && len(c.Emergency) == 0 && c.Unverified == "" {
		v.fail("emergency", "is missing; if no emergency number could be confirmed, say so in `unverified` (the bot then tells readers it could not confirm one)")
	}
	if c.Code == International && (len(c.Emergency) > 0 || len(c.Police) > 0 || len(c.Ambulance) > 0) {
		v.fail("emergency", "the international default has no emergency number")
	}
	v.known("country", "name", "region", "languages", "emergency", "police", "ambulance", "emergency-note", "no-child-line", "unverified", "source", "checked")
	checkURLs(v, "source")
	return c
}

func checkURLs(v *validator, names ...string) {
	for _, n := range names {
		if f, ok := v.rec.Get(n); ok && f.Value != "" && !strings.HasPrefix(f.Value, "https://") && !strings.HasPrefix(f.Value, "http://") {
			v.fail(n, "%q is not a link starting with https://", f.Value)
		}
	}
}

// CountryNameID is the message id of a country's name in
// locales/directory.<tag>.toml (NoteID and CountryNoteID are its notes').
func CountryNameID(code string) string { return "directory." + strings.ToLower(code) + ".name" }
