package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/memstore"
)

// askResult is one line of `salama ask --format json`. Scripts depend on
// these names.
type askResult struct {
	Lang       string   `json:"lang"`
	Kind       string   `json:"kind"`
	FAQID      string   `json:"faq_id"`
	Candidates []string `json:"candidates"`
	Score      float64  `json:"score"`
	Text       string   `json:"text"`
}

// runAsk answers questions without keeping any state: it uses an in-memory
// store that vanishes when it returns, and writes nothing to disk.
func runAsk(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fset := flag.NewFlagSet("ask", flag.ContinueOnError)
	var cf contentFlags
	cf.register(fset)
	lang := fset.String("lang", "", "answer in this language (BCP 47 tag, e.g. sw or pt-BR)")
	country := fset.String("country", "", "show helplines of this country (ISO code, e.g. KE)")
	format := fset.String("format", "text", "text or json")
	if err := fset.Parse(args); err != nil {
		return usageError{err}
	}
	if *format != "text" && *format != "json" {
		return usageError{fmt.Errorf("--format must be text or json, not %q", *format)}
	}
	k, err := cf.load()
	if err != nil {
		return err
	}
	store := memstore.New()
	eng := engine.New(k, store, engine.Options{})
	user := chat.User{Platform: chat.Console, ID: "ask"}
	if *country != "" {
		if k.Content.Helplines.Countries[strings.ToUpper(*country)] == nil {
			return usageError{fmt.Errorf("--country %q is not in the helpline directory", *country)}
		}
		_ = store.SavePrefs(ctx, user, chat.Prefs{Country: strings.ToUpper(*country)})
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	answer := func(q string) error {
		r, err := eng.Respond(ctx, chat.Message{User: user, Chat: "ask", Text: q, LangHint: *lang})
		if err != nil {
			return err
		}
		if *format == "json" {
			if r.Candidates == nil {
				r.Candidates = []string{}
			}
			return enc.Encode(askResult{Lang: r.Lang, Kind: string(r.Kind), FAQID: r.FAQID, Candidates: r.Candidates, Score: round(r.Score), Text: r.Text})
		}
		_, err = fmt.Fprintf(out, "[%s %s %.2f] %s\n", r.Kind, r.FAQID, r.Score, strings.ReplaceAll(r.Text, "\n", " / "))
		return err
	}
	if fset.NArg() > 0 {
		return answer(strings.Join(fset.Args(), " "))
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if err := answer(sc.Text()); err != nil {
			return err
		}
	}
	return sc.Err()
}

func round(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }
