package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/memstore"
	"github.com/salama-safety/salama/internal/safety"
)

// askResult is one line of `salama ask --format json`. Scripts depend on
// these names.
type askResult struct {
	Lang       string   `json:"lang"`
	Kind       string   `json:"kind"`
	FAQID      string   `json:"faq_id"`
	Candidates []string `json:"candidates"`
	Score      float64  `json:"score"`
	// Category is the danger and harm taxonomy category of a safety
	// reply (urgent, deterrence, prevention), else absent.
	Category string `json:"category,omitempty"`
	Text     string `json:"text"`
	// Explain is present with --explain.
	Explain *askExplain `json:"explain,omitempty"`
}

// askExplain is what decided a message's safety check.
type askExplain struct {
	Verdict    string                 `json:"verdict"`
	Rules      []string               `json:"rules"`
	Categories []safety.CategoryProb  `json:"categories"`
	Features   []safety.FeatureWeight `json:"features"`
}

func newAskExplain(ex safety.Explanation) *askExplain {
	a := &askExplain{Verdict: ex.Result.Verdict.String(), Rules: []string{}, Categories: ex.Categories, Features: ex.Features}
	for _, r := range ex.Rules {
		a.Rules = append(a.Rules, fmt.Sprintf("%s:%d [%s] %s", r.File, r.Line, r.Category, r.Pattern))
	}
	return a
}

func (a *askExplain) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  safety: %s\n", a.Verdict)
	for _, r := range a.Rules {
		fmt.Fprintf(&b, "  rule: %s\n", r)
	}
	for _, c := range a.Categories {
		fmt.Fprintf(&b, "  scorer: %-20s %.3f\n", c.Category, c.Prob)
	}
	if len(a.Features) > 0 {
		b.WriteString("  features:")
		for _, f := range a.Features {
			fmt.Fprintf(&b, " %q %+.2f", f.Feature, f.Weight)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// runAsk answers questions without keeping any state: it uses an in-memory
// store that vanishes when it returns, and writes nothing to disk.
func runAsk(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fset := newFlags("ask", "[--lang TAG] [--country CC] [--format text|json] [--explain] [--content DIR] [--locales DIR] [QUESTION]\n\nAnswers QUESTION (the words after the flags), or each line of standard input.", stdout)
	fset.text = true
	var cf contentFlags
	cf.register(fset.FlagSet)
	lang := fset.String("lang", "", "answer in this language (BCP 47 tag, e.g. sw or pt-BR)")
	var country countryFlag
	country.register(fset.FlagSet)
	format := fset.String("format", "text", "text or json")
	explain := fset.Bool("explain", false, "show which safety rule or which features decided each message")
	question, err := fset.parse(args)
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError{fmt.Errorf("--format must be text or json, not %q", *format)}
	}
	k, err := cf.loadCtx(ctx)
	if err != nil {
		return err
	}
	code, err := country.check(k)
	if err != nil {
		return err
	}
	store := memstore.New()
	eng := engine.New(k, store, engine.Options{Country: code})
	if err := checkLang(eng, *lang); err != nil {
		return err
	}
	user := chat.User{Platform: chat.Console, ID: "ask"}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	answer := func(q string) error {
		m := chat.Message{User: user, Chat: "ask", Text: q, LangHint: *lang}
		r, err := eng.Respond(ctx, m)
		if err != nil {
			return err
		}
		var ex *askExplain
		if *explain {
			_, e := eng.Explain(ctx, m)
			ex = newAskExplain(e)
		}
		if *format == "json" {
			if r.Candidates == nil {
				r.Candidates = []string{}
			}
			err = enc.Encode(askResult{Lang: r.Lang, Kind: string(r.Kind), FAQID: r.FAQID, Candidates: r.Candidates, Score: round(r.Score), Category: r.Category, Text: r.Text, Explain: ex})
		} else {
			category := ""
			if r.Category != "" {
				category = " " + r.Category
			}
			_, err = fmt.Fprintf(out, "[%s%s %s %.2f] %s\n", r.Kind, category, r.FAQID, r.Score, strings.ReplaceAll(r.Text, "\n", " / "))
			if err == nil && ex != nil {
				_, err = fmt.Fprint(out, ex)
			}
		}
		if err == nil {
			err = out.Flush() // a person typing sees each answer at once
		}
		return err
	}
	if len(question) > 0 {
		return answer(strings.Join(question, " "))
	}
	return eachLine(ctx, stdin, answer)
}

// checkLang refuses a --lang the engine has no language for, rather than
// answer in English.
func checkLang(eng *engine.Engine, tag string) error {
	if tag == "" {
		return nil
	}
	if _, ok := eng.Language(tag); !ok {
		return usageError{fmt.Errorf("--lang %q: not a language Salama speaks; choose one of %s (a tag such as pt-BR or sw-KE is fine)", tag, strings.Join(eng.Languages(), ", "))}
	}
	return nil
}

func round(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }
