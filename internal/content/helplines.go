package content

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// The international default's code.
const International = "INT"

// Service kinds.
var ServiceKinds = []string{"child-helpline", "report-hotline", "takedown", "prevention", "directory", "alternative"}

// Regions in menu order.
var Regions = []string{"East Africa", "West Africa", "Southern Africa", "Arab world", "South Asia", "Southeast Asia", "Latin America", "Europe", "North America", "International"}

// Country is a country's record in the helpline directory.
type Country struct {
	Code        string
	Name        string
	Region      string
	Languages   []string
	Emergency   string
	NoChildLine string
	Source      string
	Checked     string
	Services    []Service
}

// Service is a helpline, hotline or other service.
type Service struct {
	Name       string
	Country    string
	Kind       string
	Phone      string
	Hours      string
	Free       string
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

// ByLanguage returns the country whose `languages` lists the language.
func (d *Directory) ByLanguage(lang string) string {
	for _, code := range d.Codes {
		if slices.Contains(d.Countries[code].Languages, lang) {
			return code
		}
	}
	return ""
}

// Reachable reports whether the service has a way to reach it.
func (s Service) Reachable() bool {
	return s.Phone != "" || s.Web != "" || s.Chat != "" || s.WhatsApp != ""
}

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
				s := Service{
					Name: v.text("service", true), Country: strings.ToUpper(v.text("country", true)), Kind: v.oneOf("kind", ServiceKinds),
					Phone: v.text("phone", false), Hours: v.text("hours", false), Free: v.text("free", false),
					Chat: v.text("chat", false), WhatsApp: v.text("whatsapp", false), Web: v.text("web", false),
					Note: v.text("note", false), Unverified: v.text("unverified", false),
					Source: v.text("source", true), Checked: v.date("checked"), File: file, Line: r.Line,
				}
				if s.Free != "" && !slices.Contains([]string{"yes", "no", "unknown"}, s.Free) {
					v.fail("free", "%q is not yes, no or unknown", s.Free)
				}
				if !s.Reachable() && s.Unverified == "" {
					v.fail("service", "a service needs a phone, web, chat or whatsapp; if none could be confirmed, say so in `unverified` (it is then kept for curators and not shown)")
				}
				v.known("service", "country", "kind", "phone", "hours", "free", "chat", "whatsapp", "web", "note", "unverified", "source", "checked")
				checkURLs(&v, "source", "chat", "whatsapp", "web")
				if v.err != nil {
					errs = append(errs, v.err)
					continue
				}
				services = append(services, s)
				continue
			}
			c := &Country{
				Code: strings.ToUpper(v.text("country", true)), Name: v.text("name", true), Region: v.oneOf("region", Regions),
				Languages: v.commaList("languages"), Emergency: v.text("emergency", false), NoChildLine: v.text("no-child-line", false),
				Source: v.text("source", true), Checked: v.date("checked"),
			}
			if c.Code != International && c.Emergency == "" {
				v.fail("emergency", "is missing")
			}
			v.known("country", "name", "region", "languages", "emergency", "no-child-line", "source", "checked", "unverified")
			checkURLs(&v, "source")
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

func checkURLs(v *validator, names ...string) {
	for _, n := range names {
		if f, ok := v.rec.Get(n); ok && f.Value != "" && !strings.HasPrefix(f.Value, "https://") && !strings.HasPrefix(f.Value, "http://") {
			v.fail(n, "%q is not a link starting with https://", f.Value)
		}
	}
}

// Message ids of the directory's labels in locales/directory.<tag>.toml:
// a country's name and emergency line, a region's name.
func CountryNameID(code string) string      { return "country." + code + ".name" }
func CountryEmergencyID(code string) string { return "country." + code + ".emergency" }
func RegionID(region string) string {
	return "region." + strings.ReplaceAll(strings.ToLower(region), " ", "-")
}

// HasWords reports whether an emergency line has words to translate
// ("112 (police)"), not only numbers ("112").
func HasWords(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
