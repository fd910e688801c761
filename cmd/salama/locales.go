package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"text/tabwriter"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/translation"
	"github.com/salama-safety/salama/locales"
)

// runLocales is the translators' command: check, status and new.
func runLocales(args []string, stdout io.Writer) error {
	const synopsis = "check|status|new LANG [--locales DIR] [--content DIR]"
	if len(args) == 0 {
		return usageError{errors.New("usage: salama locales " + synopsis)}
	}
	verb := args[0]
	if isHelp(verb) {
		fmt.Fprintf(stdout, "Usage: salama locales %s\n", synopsis)
		return nil
	}
	fset := newFlags("locales "+verb, synopsis, stdout)
	locDir := fset.String("locales", "locales", "the locales folder")
	faqDir := fset.String("content", "faq", "the faq folder")
	pos, err := fset.parse(args[1:])
	if err != nil {
		return err
	}
	if verb != "new" {
		if err := fset.noArgs(pos); err != nil {
			return err
		}
	}
	// run from anywhere else, check and status look at the built-in files
	var locFS, faqFS fs.FS = os.DirFS(*locDir), os.DirFS(*faqDir)
	if _, err := os.Stat(*locDir); err != nil && verb != "new" {
		locFS, *locDir = locales.FS, "locales"
	}
	if _, err := os.Stat(*faqDir); err != nil && verb != "new" {
		faqFS, *faqDir = faq.FS, "faq"
	}
	switch verb {
	case "check":
		r := translation.Check(locFS, *locDir, faqFS, *faqDir)
		for _, f := range r.Findings {
			fmt.Fprintln(stdout, f)
		}
		if n := r.Errors(); n > 0 {
			return fmt.Errorf("%d errors", n)
		}
		fmt.Fprintf(stdout, "locales ok: %d languages besides English, %d warnings\n", len(r.Status), len(r.Findings))
		return nil
	case "status":
		r := translation.Check(locFS, *locDir, faqFS, *faqDir)
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "language\tmessages\ttranslated\treviewed\tstale\tmissing\t\tentries\ttranslated\treviewed\tstale\tmissing\t")
		for _, s := range r.Status {
			m, e := s.Messages, s.Entries
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t\t%d\t%d\t%d\t%d\t%d\t\n", s.Lang, m.Total, m.Translated, m.Reviewed, m.Stale, m.Missing, e.Total, e.Translated, e.Reviewed, e.Stale, e.Missing)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "\nreviewed = checked by a native speaker against the current English; the rest are drafts. See docs/TRANSLATING.md.")
		if n := r.Errors(); n > 0 {
			fmt.Fprintf(stdout, "%d errors: run `salama locales check`\n", n)
		}
		return nil
	case "new":
		if len(pos) != 1 {
			return usageError{errors.New("usage: salama locales new LANG")}
		}
		files, err := translation.Scaffold(pos[0], *locDir, *faqDir)
		for _, f := range files {
			fmt.Fprintln(stdout, "wrote", f)
		}
		if err != nil {
			return err
		}
		if len(files) == 0 {
			fmt.Fprintln(stdout, "nothing to do: every file exists already")
		}
		return nil
	}
	return usageError{fmt.Errorf("unknown locales command %q: check, status or new", verb)}
}
