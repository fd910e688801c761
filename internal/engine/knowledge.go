package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/i18n"
	"github.com/salama-safety/salama/internal/match"
	"github.com/salama-safety/salama/internal/norm"
	"github.com/salama-safety/salama/internal/safety"
)

// Knowledge is everything the engine knows, built once from the content and
// locale folders and swapped whole on reload.
type Knowledge struct {
	Content *content.Content
	Texts   *i18n.Bundle
	Index   map[string]*match.Index
	// Safety holds every language's rules and the scorer trained on every
	// language's examples: danger written in any supported language is
	// caught whatever the user's language.
	Safety *safety.Router
	// a folded greeting or help phrase → the languages that have it:
	// "help" and "msaada" always work, whatever the saved language
	greetingLangs map[string][]string
	helpLangs     map[string][]string
	// smallTalk maps a folded small-talk phrase (greetings, thanks, OK
	// words, farewells) to each language's use of it (smalltalk.go)
	smallTalk map[string][]socialUse
	// smallTalkFirst holds the first word of every small-talk phrase
	smallTalkFirst map[string]bool
	langs          []string
	// wordLangs maps a word to the languages that know it, bit i for
	// langs[i]: one lookup per word when telling languages apart
	wordLangs map[string]uint64
	// countries maps a country's folded name, in English as the directory
	// writes it and in every language's own words, to its code
	countries map[string]string
	// regionNames names countries in each language (CLDR, through
	// golang.org/x/text/language/display) where its directory file does not
	regionNames map[string]display.Namer
	// tags maps a language's code and aliases (tl for fil) to its code
	tags map[string]string
	// matcher finds the closest supported language for a platform's tag
	// (pt-AO finds pt-PT where there is one)
	matcher language.Matcher
	// scripts lists, per Unicode script, the languages written in it
	scripts []scriptLangs
	// fillers are every language's words that may follow a greeting
	fillers map[string]bool
	// englishNames maps a language to its folded English name, for
	// "/language swahili"
	englishNames map[string]string
	// partial reports the languages with fewer than half of their
	// messages or entries translated yet
	partial map[string]bool
}

type scriptLangs struct {
	table *unicode.RangeTable
	langs []string
}

// stemmers are the stemmers a language's facts can name (`stemmer =
// english` in its language.txt).
var stemmers = map[string]func(string) string{"english": match.StemEnglish}

// Stemmers lists the stemmer names a language's facts may give.
func Stemmers() []string {
	out := make([]string, 0, len(stemmers))
	for name := range stemmers {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// LoadOptions configure Load. The zero value is usable.
type LoadOptions struct {
	// ScorerCache is a folder where the trained safety scorer is kept
	// between starts (safety.TrainCached); "" trains it at every start.
	ScorerCache string
}

// Load reads and checks the content (faq/) and locales (locales/) folders and
// builds the indexes. Every problem found is returned, joined.
func Load(faqFS, localesFS fs.FS) (*Knowledge, error) {
	return LoadWith(faqFS, localesFS, LoadOptions{})
}

// LoadWith is Load with options.
func LoadWith(faqFS, localesFS fs.FS, opts LoadOptions) (*Knowledge, error) {
	// loading makes short-lived garbage in bursts: collect it less often
	// while loading (a fifth of the collections), as normal afterwards
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	var texts *i18n.Bundle
	var terr error
	var loading sync.WaitGroup
	loading.Go(func() { texts, terr = i18n.Load(localesFS) }) // beside the content
	c, err := content.Load(faqFS, localesFS)
	loading.Wait()
	if err != nil {
		return nil, err
	}
	if terr != nil {
		return nil, terr
	}
	k := &Knowledge{
		Content: c, Texts: texts,
		Index:         map[string]*match.Index{},
		greetingLangs: map[string][]string{}, helpLangs: map[string][]string{},
		countries: map[string]string{}, wordLangs: map[string]uint64{}, regionNames: map[string]display.Namer{},
	}
	var errs []error
	k.langs = c.Languages() // English first, then by code
	k.learnLanguages()
	k.indexCountryNames()
	// each language's index, lexicon and vocabulary are independent: build
	// them side by side (start-up time), then gather them in order
	type built struct {
		index *match.Index
		vocab map[string]bool
		// trouble: the words of the language's safety examples
		trouble map[string]bool
	}
	rules, err := safety.CompileRules(allRules(c, k.langs))
	if err != nil {
		return nil, err
	}
	var wg sync.WaitGroup
	var scorer *safety.Scorer
	wg.Go(func() {
		scorer = safety.TrainCached(opts.ScorerCache, append(allExamples(c, k.langs), safety.ExtraExamples(c)...), allRules(c, k.langs))
	}) // the longest job: start it first
	out := make([]built, len(k.langs))
	// as many languages at once as there are cores: more would not be
	// faster, and each holds its working memory while it builds
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, code := range k.langs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			l := c.Langs[code]
			docs := MatchDocs(c, code, nil)
			b := &out[i]
			b.vocab = map[string]bool{}
			for _, w := range slices.Concat(l.Greetings, l.Thanks, l.OK, l.Bye, l.Help) {
				for _, f := range norm.Words(w) {
					b.vocab[f] = true
				}
			}
			see := func(w string) { b.vocab[w] = true } // the words this language's people type
			// and the words they write in trouble: the safety examples
			// carry slang, typos and euphemism the FAQ's phrasings do not,
			// so that a frightened message is answered in its language
			// (added below, less the English words they switch into)
			if code != content.SourceLanguage {
				b.trouble = map[string]bool{}
				for _, ex := range l.Examples {
					for _, w := range norm.Words(ex.Text) {
						b.trouble[w] = true
					}
				}
			}
			lang := MatchLang(code, l)
			lang.Seen = see
			b.index = match.New(lang, docs)
		}()
	}
	wg.Wait()
	k.Safety = safety.NewRouter(rules, scorer, safety.DefaultThresholds)
	var english map[string]bool
	if i := slices.Index(k.langs, content.SourceLanguage); i >= 0 {
		english = out[i].vocab
	}
	for i, code := range k.langs {
		l := c.Langs[code]
		k.Index[code] = out[i].index
		for w := range out[i].vocab {
			k.wordLangs[w] |= 1 << uint(i)
		}
		for w := range out[i].trouble {
			if !english[w] { // "pls", "what", "pics" keep an English message in English
				k.wordLangs[w] |= 1 << uint(i)
			}
		}
		for g := range foldSet(l.Greetings) {
			k.greetingLangs[g] = append(k.greetingLangs[g], code)
		}
		for h := range foldSet(l.Help) {
			k.helpLangs[h] = append(k.helpLangs[h], code)
		}
		// a language without its own safety words yet (a new one) is
		// still covered by every other language's rules and the scorer;
		// `salama locales check` warns about it
	}
	k.learnSmallTalk()
	if len(c.Langs[content.SourceLanguage].Rules) == 0 {
		errs = append(errs, &content.Error{File: "en/safety.txt", Line: 1, Msg: "the English safety lexicon is missing"})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return k, nil
}

// MatchLang is what a language's content contributes to its matcher: its
// stop words, synonyms and stemmer.
func MatchLang(code string, l *content.Lang) match.Lang {
	return match.Lang{Stopwords: l.Stopwords, Synonyms: l.Synonyms, Stem: stemmers[l.Stemmer]}
}

// MatchDocs lists what a language's index is built from, in topic
// order: each entry's title and phrasings, the questions of questions.tsv
// that name an entry the language has, and the off-topic messages
// (offtopic.txt and the questions labelled none). held, when not nil,
// leaves out the phrasings and questions whose folded text it reports
// (internal/evaluate holds them out by fold); titles always stay.
func MatchDocs(c *content.Content, code string, held func(folded string) bool) []match.Doc {
	l := c.Langs[code]
	keep := func(text string) bool { return held == nil || !held(norm.Fold(text)) }
	var docs []match.Doc
	for _, id := range c.IDs {
		e := l.Entries[id]
		if e == nil {
			continue
		}
		docs = append(docs, match.Doc{ID: id, Text: e.Title})
		for _, p := range e.Phrasings {
			if keep(p) {
				docs = append(docs, match.Doc{ID: id, Text: p})
			}
		}
	}
	for _, q := range l.Questions {
		if l.Entries[q.ID] != nil && keep(q.Text) {
			docs = append(docs, match.Doc{ID: q.ID, Text: q.Text})
		}
	}
	// off-topic messages: what to leave (match.Doc)
	for _, t := range l.Offtopic {
		if keep(t) {
			docs = append(docs, match.Doc{Text: t})
		}
	}
	for _, q := range l.Questions {
		if q.ID == content.QuestionNone && keep(q.Text) {
			docs = append(docs, match.Doc{Text: q.Text})
		}
	}
	return docs
}

// learnLanguages reads what the engine needs from each language's facts.
func (k *Knowledge) learnLanguages() {
	c := k.Content
	k.tags, k.fillers, k.englishNames, k.partial = map[string]string{}, map[string]bool{}, map[string]string{}, map[string]bool{}
	var tags []language.Tag
	byScript := map[string]int{}
	for _, code := range k.langs {
		l := c.Langs[code]
		k.tags[strings.ToLower(code)] = code
		for _, a := range l.Aliases {
			k.tags[strings.ToLower(a)] = code
		}
		tags = append(tags, language.Make(code))
		for _, f := range l.Fillers {
			k.fillers[norm.Fold(f)] = true
		}
		k.englishNames[code] = norm.Fold(display.English.Languages().Name(language.Make(code)))
		if l.Script != "" && unicode.Scripts[l.Script] != nil {
			i, ok := byScript[l.Script]
			if !ok {
				i = len(k.scripts)
				byScript[l.Script] = i
				k.scripts = append(k.scripts, scriptLangs{table: unicode.Scripts[l.Script]})
			}
			k.scripts[i].langs = append(k.scripts[i].langs, code)
		}
		entries, messages := 0, 0
		for _, id := range c.IDs {
			if e := l.Entries[id]; e != nil && e.Translated {
				entries++
			}
		}
		ids := k.messageIDs()
		for _, id := range ids {
			if k.Texts.Has(code, id) {
				messages++
			}
		}
		k.partial[code] = code != content.SourceLanguage && (entries*2 < len(c.IDs) || messages*2 < len(ids))
	}
	k.matcher = language.NewMatcher(tags)
}

// messageIDs are the ids of the English user-interface messages.
func (k *Knowledge) messageIDs() []string { return k.Texts.IDs(content.SourceLanguage, "active") }

func foldSet(items []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range items {
		if f := norm.Fold(s); f != "" {
			m[f] = true
		}
	}
	return m
}

// allRules lists every language's safety rules, English first.
func allRules(c *content.Content, langs []string) []content.Rule {
	var all []content.Rule
	for _, code := range langs {
		all = append(all, c.Langs[code].Rules...)
	}
	return all
}

// allExamples lists every language's labelled safety examples.
func allExamples(c *content.Content, langs []string) []content.Example {
	var all []content.Example
	for _, code := range langs {
		all = append(all, c.Langs[code].Examples...)
	}
	return all
}

// MustLoad is Load for tests and for the embedded content, which CI checks.
func MustLoad(faqFS, localesFS fs.FS) *Knowledge {
	k, err := Load(faqFS, localesFS)
	if err != nil {
		panic(fmt.Sprintf("salama: embedded content is broken: %v", err))
	}
	return k
}

// indexCountryNames lets a reader name their country in any language
// (مصر, Misri, भारत, Brasil) as well as by the directory's English name. A
// name two countries share in different languages is left out rather
// than guessed.
func (k *Knowledge) indexCountryNames() {
	for _, lang := range k.langs {
		if n := display.Regions(language.Make(lang)); n != nil {
			k.regionNames[lang] = n
		}
	}
	ambiguous := map[string]bool{}
	add := func(name, code string) {
		f := norm.Fold(name)
		if f == "" || ambiguous[f] {
			return
		}
		if other, ok := k.countries[f]; ok && other != code {
			delete(k.countries, f)
			ambiguous[f] = true
			return
		}
		k.countries[f] = code
	}
	dir := k.Content.Helplines
	for _, code := range dir.Codes {
		if code == content.International {
			continue
		}
		add(dir.Countries[code].Name, code)
		for _, lang := range k.langs {
			if id := content.CountryNameID(code); k.Texts.Has(lang, id) {
				add(k.Texts.T(lang, id, nil), code)
			}
		}
		region, err := language.ParseRegion(code)
		if err != nil {
			continue
		}
		for _, lang := range k.langs {
			n := k.regionNames[lang]
			if n == nil {
				continue
			}
			name := n.Name(region)
			add(name, code)
			for _, part := range strings.Split(name, ", ") { // "Masar, Misira"
				add(part, code)
			}
		}
	}
}

// countryName is the country's name in the language: the directory's
// English name, the translators' (locales/directory.<tag>.toml), or CLDR's.
func (k *Knowledge) countryName(lang, code string) string {
	cn := k.Content.Helplines.Countries[code]
	if cn != nil && lang == content.SourceLanguage {
		return cn.Name
	}
	if id := content.CountryNameID(code); k.Texts.Has(lang, id) {
		return k.Texts.T(lang, id, nil) // the translators' name (directory.<tag>.toml)
	}
	if region, err := language.ParseRegion(code); err == nil {
		for _, l := range []string{lang, content.SourceLanguage} {
			if n := k.regionNames[l]; n != nil {
				if name, _, _ := strings.Cut(n.Name(region), ", "); name != "" {
					return name
				}
			}
		}
	}
	if cn != nil {
		return cn.Name
	}
	return code
}
