package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

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
	// per language, folded greeting and help phrases
	greetings map[string]map[string]bool
	help      map[string]map[string]bool
	// every language's help words: "help" always works, whatever the
	// saved language
	anyHelp map[string]bool
	langs   []string
	// wordLangs maps a word to the languages that know it, bit i for
	// langs[i]: one lookup per word when telling languages apart
	wordLangs map[string]uint64
	// countries maps a country's folded name, in English as the directory
	// writes it and in every language's own words, to its code
	countries map[string]string
	// regionNames names countries in each language (CLDR, through
	// golang.org/x/text/language/display)
	regionNames map[string]display.Namer
}

// stemmers holds the stemmer of each language that has one.
var stemmers = map[string]func(string) string{"en": match.StemEnglish}

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
	c, err := content.Load(faqFS)
	if err != nil {
		return nil, err
	}
	texts, err := i18n.Load(localesFS)
	if err != nil {
		return nil, err
	}
	k := &Knowledge{
		Content: c, Texts: texts,
		Index:     map[string]*match.Index{},
		greetings: map[string]map[string]bool{}, help: map[string]map[string]bool{}, anyHelp: map[string]bool{},
		countries: map[string]string{}, wordLangs: map[string]uint64{}, regionNames: map[string]display.Namer{},
	}
	var errs []error
	k.langs = append(k.langs, content.SourceLanguage)
	for code := range c.Langs {
		if code != content.SourceLanguage {
			k.langs = append(k.langs, code)
		}
	}
	slices.Sort(k.langs[1:]) // English first, then by code
	k.indexCountryNames()
	// each language's index, lexicon and vocabulary are independent: build
	// them side by side (start-up time), then gather them in order
	type built struct {
		index *match.Index
		vocab map[string]bool
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
	for i, code := range k.langs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := c.Langs[code]
			var docs []match.Doc
			for _, id := range c.IDs {
				e := l.Entries[id]
				if e == nil {
					continue
				}
				docs = append(docs, match.Doc{ID: id, Text: e.Title})
				for _, p := range e.Phrasings {
					docs = append(docs, match.Doc{ID: id, Text: p})
				}
			}
			b := &out[i]
			b.vocab = map[string]bool{}
			for _, w := range slices.Concat(l.Greetings, l.Help) {
				for _, f := range norm.Words(w) {
					b.vocab[f] = true
				}
			}
			see := func(w string) { b.vocab[w] = true } // the words this language's people type
			b.index = match.New(match.Lang{Stopwords: l.Stopwords, Synonyms: l.Synonyms, Stem: stemmers[code], Seen: see}, docs)
		}()
	}
	wg.Wait()
	k.Safety = safety.NewRouter(rules, scorer, safety.DefaultThresholds)
	for i, code := range k.langs {
		l := c.Langs[code]
		k.Index[code] = out[i].index
		for w := range out[i].vocab {
			k.wordLangs[w] |= 1 << uint(i)
		}
		k.greetings[code] = foldSet(l.Greetings)
		k.help[code] = foldSet(l.Help)
		for h := range k.help[code] {
			k.anyHelp[h] = true
		}
		if code != content.SourceLanguage && len(l.Rules) == 0 {
			errs = append(errs, &content.Error{File: code + "/safety.txt", Line: 1, Msg: "every language needs its safety lexicon"})
		}
		if len(l.Examples) == 0 {
			errs = append(errs, &content.Error{File: code + "/safety-examples.txt", Line: 1, Msg: "every language needs its labelled safety examples"})
		}
	}
	if len(c.Langs[content.SourceLanguage].Rules) == 0 {
		errs = append(errs, &content.Error{File: "en/safety.txt", Line: 1, Msg: "the English safety lexicon is missing"})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return k, nil
}

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
// English name, or the language's own name for it.
func (k *Knowledge) countryName(lang, code string) string {
	cn := k.Content.Helplines.Countries[code]
	if cn != nil && lang == content.SourceLanguage {
		return cn.Name
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
