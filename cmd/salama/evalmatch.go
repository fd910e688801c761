package main

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/evaluate"
	"github.com/salama-safety/salama/internal/match"
	"github.com/salama-safety/salama/locales"
)

func runEvalMatch(args []string, stdout io.Writer) error {
	fset := newFlags("eval match", "[--folds 5] [--thresholds nested|default] [--misses] [--export DIR | --peer DIR] [--format text|json]", stdout)
	var cf contentFlags
	cf.register(fset.FlagSet)
	folds := fset.Int("folds", 5, "number of cross-validation folds")
	thresholds := fset.String("thresholds", "nested", "nested (chosen on the other folds) or default (the engine's)")
	misses := fset.Bool("misses", false, "list every held-out question the matcher got wrong")
	export := fset.String("export", "", "write each fold as NLP.js input (corpus.json, questions.jsonl) under this folder, and stop")
	peer := fset.String("peer", "", "read NLP.js answers (fold<i>/answers.jsonl) from this folder and report them alongside")
	format := fset.String("format", "text", "text or json")
	if err := parseEvalFlags(fset, args, folds); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError{fmt.Errorf("--format must be text or json, not %q", *format)}
	}
	var opts evaluate.MatchOptions
	opts.Folds = *folds
	switch *thresholds {
	case "nested":
	case "default":
		opts.Thresholds = &match.DefaultThresholds
	default:
		return usageError{fmt.Errorf("--thresholds %q: want nested or default", *thresholds)}
	}
	var faqFS, locFS fs.FS = faq.FS, locales.FS
	if cf.content != "" {
		faqFS = os.DirFS(cf.content)
	}
	if cf.locales != "" {
		locFS = os.DirFS(cf.locales)
	}
	c, err := content.Load(faqFS, locFS)
	if err != nil {
		return err
	}
	qs := evaluate.MatchData(c)
	if *export != "" {
		return evaluate.ExportFolds(c, qs, *folds, *export)
	}
	rep := evaluate.Match(c, qs, opts)
	if *peer != "" {
		if err := rep.AddPeer(qs, *peer); err != nil {
			return err
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	writeMatchReport(stdout, rep, *thresholds, *misses)
	return nil
}

func writeMatchReport(w io.Writer, rep *evaluate.MatchReport, thresholds string, misses bool) {
	pct := func(h, n int) string {
		if n == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(h)/float64(n))
	}
	langs := append(append([]string{}, rep.Langs...), evaluate.AllLangs)
	fmt.Fprintf(w, "Matching, %d-fold cross-validation: each fold's questions are ranked by indexes built without them", rep.Folds)
	if thresholds == "nested" {
		fmt.Fprintf(w, ",\nand decided by thresholds chosen on the other folds.\n\n")
	} else {
		fmt.Fprintf(w, ",\nand decided by the engine's thresholds (chosen on all folds: not held out).\n\n")
	}
	fmt.Fprintln(w, "Top-1: the right entry first, on-topic questions (NLP.js: its answer)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "lang\tquestions\t")
	for _, m := range rep.Methods {
		fmt.Fprintf(tw, "%s\t", m)
	}
	fmt.Fprintln(tw, "salama top-3\t")
	for _, l := range langs {
		fmt.Fprintf(tw, "%s\t%d\t", l, rep.Tallies[evaluate.Salama][l].N)
		for _, m := range rep.Methods {
			t := rep.Tallies[m][l]
			fmt.Fprintf(tw, "%s\t", pct(t.Top1, t.N))
		}
		t := rep.Tallies[evaluate.Salama][l]
		fmt.Fprintf(tw, "%s\t\n", pct(t.Top3, t.N))
	}
	tw.Flush()

	fmt.Fprintln(w, "\nWhat the matcher's decision did (on-topic: answered right / wrong, choices offered (right entry among them), fallback; off-topic: answered, choices)")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "lang\tright\twrong\tchoices\t(right in)\tfallback\toff-topic\tanswered\tchoices\t")
	for _, l := range langs {
		t := rep.Tallies[evaluate.Salama][l]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t\n", l, pct(t.AnsweredRight, t.N), pct(t.Answered-t.AnsweredRight, t.N),
			pct(t.Clarified, t.N), pct(t.ClarifiedRight, t.N), pct(t.Fallback, t.N), t.OffTopic, pct(t.OffAnswered, t.OffTopic), pct(t.OffClarified, t.OffTopic))
	}
	tw.Flush()

	if rep.Tallies[evaluate.NLPjs] != nil {
		fmt.Fprintln(w, "\nAnswers side by side: answered right / answered wrong, on-topic; off-topic messages answered with an entry")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "lang	salama right	wrong	off-topic answered	nlpjs right	wrong	off-topic answered	")
		for _, l := range langs {
			s, p := rep.Tallies[evaluate.Salama][l], rep.Tallies[evaluate.NLPjs][l]
			fmt.Fprintf(tw, "%s	%s	%s	%s	%s	%s	%s	\n", l, pct(s.AnsweredRight, s.N), pct(s.Answered-s.AnsweredRight, s.N), pct(s.OffAnswered, s.OffTopic),
				pct(p.AnsweredRight, p.N), pct(p.Answered-p.AnsweredRight, p.N), pct(p.OffAnswered, p.OffTopic))
		}
		tw.Flush()
	}

	fmt.Fprintln(w, "\nMatcher top-1 by source of the question")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "lang\t")
	sources := []string{evaluate.FromPhrasing, evaluate.FromQuestion}
	for _, s := range sources {
		fmt.Fprintf(tw, "%s\tn\t", s)
	}
	fmt.Fprintln(tw)
	for _, l := range langs {
		fmt.Fprintf(tw, "%s\t", l)
		for _, s := range sources {
			if t := rep.BySource[s][l]; t != nil {
				fmt.Fprintf(tw, "%s\t%d\t", pct(t.Top1, t.N), t.N)
			} else {
				fmt.Fprint(tw, "-\t0\t")
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()

	fmt.Fprintln(w, "\nThresholds (floor, answer, close, sure)")
	for f, t := range rep.FoldThresholds {
		fmt.Fprintf(w, "  fold %d: %s\n", f, thresholdString(t))
	}
	fmt.Fprintf(w, "  chosen on all folds: %s\n  the engine's:        %s\n", thresholdString(rep.Chosen), thresholdString(match.DefaultThresholds))
	if !misses {
		return
	}
	fmt.Fprintln(w, "\nMisses: file: want → got (ranked): question")
	for _, o := range rep.Outcomes {
		if o.Right() {
			continue
		}
		got := o.Decision.String()
		if o.Decision == match.Answer {
			got += " " + o.Answer[0]
		}
		var ranked []string
		for _, r := range o.Ranked {
			ranked = append(ranked, fmt.Sprintf("%s %.2f", r.ID, r.Score))
		}
		want := o.ID
		if want == "" {
			want = "fallback"
		}
		where := o.File
		if o.Line > 0 {
			where = fmt.Sprintf("%s:%d", o.File, o.Line)
		}
		fmt.Fprintf(w, "%s: %s → %s (%s): %s\n", where, want, got, strings.Join(ranked, ", "), o.Text)
	}
}

func thresholdString(t match.Thresholds) string {
	return fmt.Sprintf("%.2f %.2f %.2f %.2f", t.Floor, t.Answer, t.Close, t.Sure)
}
