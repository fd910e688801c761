package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/evaluate"
)

// runEval reports held-out quality figures (internal/evaluate).
func runEval(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{fmt.Errorf("eval what? safety or match")}
	}
	switch {
	case isHelp(args[0]):
		fmt.Fprintln(stdout, "Usage: salama eval safety|match [flags] (salama eval safety --help, salama eval match --help list them)")
		return nil
	case args[0] == "safety":
		return runEvalSafety(args[1:], stdout)
	case args[0] == "match":
		return runEvalMatch(args[1:], stdout)
	}
	return usageError{fmt.Errorf("unknown evaluation %q: safety or match", args[0])}
}

// parseEvalFlags parses an evaluation's flags: no arguments, and at least
// two folds.
func parseEvalFlags(fset *flags, args []string, folds *int) error {
	rest, err := fset.parse(args)
	if err != nil {
		return err
	}
	if err := fset.noArgs(rest); err != nil {
		return err
	}
	if *folds < 2 {
		return usageError{fmt.Errorf("--folds must be at least 2")}
	}
	return nil
}

func runEvalSafety(args []string, stdout io.Writer) error {
	fset := newFlags("eval safety", "[--folds 5] [--layer combined|rules-only|scorer-only] [--part all|dev|sealed] [--misses] [--format text|json]", stdout)
	var cf contentFlags
	cf.register(fset.FlagSet)
	folds := fset.Int("folds", 5, "number of cross-validation folds")
	layer := fset.String("layer", evaluate.Combined, "what to evaluate: combined, rules-only or scorer-only")
	misses := fset.Bool("misses", false, "list every example the router got wrong")
	part := fset.String("part", evaluate.All, "examples scored: all (k-fold over all), dev (k-fold outside the sealed fifth) or sealed (train on dev, score the sealed fifth)")
	fresh := fset.String("fresh", "", "train on every example and score instead the examples in this folder (<lang>/safety-examples.txt, the same format): messages nobody tuned on")
	format := fset.String("format", "text", "text or json")
	if err := parseEvalFlags(fset, args, folds); err != nil {
		return err
	}
	if *layer != evaluate.Combined && *layer != evaluate.RulesOnly && *layer != evaluate.ScorerOnly {
		return usageError{fmt.Errorf("--layer %q: want combined, rules-only or scorer-only", *layer)}
	}
	k, err := cf.load()
	if err != nil {
		return err
	}
	if *part != evaluate.All && *part != evaluate.Dev && *part != evaluate.Sealed {
		return usageError{fmt.Errorf("--part %q: want all, dev or sealed", *part)}
	}
	var rep *evaluate.SafetyReport
	if *fresh != "" {
		examples, err := readFreshExamples(*fresh)
		if err != nil {
			return err
		}
		rep, err = evaluate.SafetyFresh(k.Content, *layer, examples, k.KnownQuestion)
		if err != nil {
			return err
		}
	} else if rep, err = evaluate.Safety(k.Content, *layer, *folds, *part, k.KnownQuestion); err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	writeSafetyReport(stdout, rep, *misses)
	return nil
}

func writeSafetyReport(w io.Writer, rep *evaluate.SafetyReport, misses bool) {
	pct := func(h, n int) string {
		if n == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f%% (%d/%d)", 100*float64(h)/float64(n), h, n)
	}
	switch {
	case rep.Layer == evaluate.RulesOnly:
		fmt.Fprintf(w, "Safety router, %s (no training: every example checked once), examples: %s\n\n", rep.Layer, rep.Part)
	case rep.Part == evaluate.Fresh:
		fmt.Fprintf(w, "Safety router, %s, trained on every example, scored on the fresh examples\n\n", rep.Layer)
	case rep.Part == evaluate.Sealed:
		fmt.Fprintf(w, "Safety router, %s, trained on the dev examples, scored on the sealed fifth\n\n", rep.Layer)
	default:
		fmt.Fprintf(w, "Safety router, %s, %d-fold cross-validation over %s examples (each fold checked by a scorer trained on the others)\n\n", rep.Layer, rep.Folds, rep.Part)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "lang\turgent recall\tdeterrence recall\tprevention\tvictim→deterrence/prevention\tvictim→mixed\tordinary false alarms\t")
	row := func(lang string) {
		uh, un := rep.Rate(lang, content.ReplyUrgent)
		dh, dn := rep.Rate(lang, content.ReplyDeterrence)
		oh, on := rep.Rate(lang, content.ReplyOwnThoughts)
		var vBad, vMixed, vN, fa, fn int
		for l, byCat := range rep.Tallies {
			if lang != "" && l != lang {
				continue
			}
			if t := byCat[content.CategoryVictim]; t != nil {
				vBad += t.Deterrence + t.OwnThoughts
				vMixed += t.Mixed
				vN += t.N
			}
			if t := byCat[content.CategoryOrdinary]; t != nil {
				fa += t.Urgent + t.Deterrence + t.Mixed + t.OwnThoughts
				fn += t.N
			}
		}
		name := lang
		if name == "" {
			name = "all"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d/%d\t%d/%d\t%s\t\n", name, pct(uh, un), pct(dh, dn), pct(oh, on), vBad, vN, vMixed, vN, pct(fa, fn))
	}
	for _, l := range rep.Langs {
		row(l)
	}
	row("")
	tw.Flush()

	fmt.Fprintln(w, "\nBy category, all languages (hits are what the category wants; see evaluate.Hit)")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "category\treply\thits\turgent\tdeterrence\tmixed\tprevention\tnone\t")
	for _, c := range content.Categories {
		var sum evaluate.Tally
		miss := 0
		for _, byCat := range rep.Tallies {
			if t := byCat[c.Name]; t != nil {
				sum.N += t.N
				sum.Urgent += t.Urgent
				sum.Deterrence += t.Deterrence
				sum.Mixed += t.Mixed
				sum.OwnThoughts += t.OwnThoughts
				sum.None += t.None
				miss += len(t.Misses)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t\n", c.Name, c.Reply, pct(sum.N-miss, sum.N), sum.Urgent, sum.Deterrence, sum.Mixed, sum.OwnThoughts, sum.None)
	}
	tw.Flush()
	if !misses {
		return
	}
	fmt.Fprintln(w, "\nMisses")
	for _, l := range rep.Langs {
		for _, c := range content.Categories {
			if t := rep.Tallies[l][c.Name]; t != nil {
				for _, m := range t.Misses {
					fmt.Fprintf(w, "%s:%d: %s → %s: %s\n", m.File, m.Line, c.Name, m.Verdict, m.Text)
				}
			}
		}
	}
}

// readFreshExamples reads every <lang>/safety-examples.txt under dir: labelled
// examples kept outside the content, for salama eval safety --fresh.
func readFreshExamples(dir string) ([]content.Example, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*", "safety-examples.txt"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("--fresh %s: no <lang>/safety-examples.txt in it", dir)
	}
	var all []content.Example
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		examples, errs := content.ParseExamples(file, filepath.Base(filepath.Dir(file)), data)
		if len(errs) > 0 {
			return nil, errors.Join(errs...)
		}
		all = append(all, examples...)
	}
	return all, nil
}
