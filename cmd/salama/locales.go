package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/translation"
	"github.com/salama-safety/salama/locales"
)

// runLocales is the translators' and curators' command.
func runLocales(args []string, stdout io.Writer) error {
	const synopsis = "check|status [--diff TAG]|new TAG|extract [--check]|update [--check] [--locales DIR] [--content DIR]"
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
	diff := fset.String("diff", "", "status: show how the English changed under each stale translation of this language")
	check := fset.Bool("check", false, "extract, update: change nothing; fail (extract) or warn (update) if something would change")
	positional, err := fset.parse(args[1:])
	if err != nil {
		return err
	}
	if verb != "new" {
		if err := fset.noArgs(positional); err != nil {
			return err
		}
	}
	switch verb {
	case "check":
		r := checkFiles(*locDir, *faqDir)
		for _, f := range r.Findings {
			fmt.Fprintln(stdout, f)
		}
		if n := r.Errors(); n > 0 {
			return fmt.Errorf("%d errors", n)
		}
		fmt.Fprintf(stdout, "locales ok: %d languages besides English, %d warnings\n", len(r.Status), len(r.Findings))
		return nil
	case "status":
		r := checkFiles(*locDir, *faqDir)
		if *diff != "" {
			return printDiff(stdout, r, *diff)
		}
		return printStatus(stdout, r)
	case "new":
		if len(positional) != 1 {
			return usageError{errors.New("usage: salama locales new TAG (yo, pt-PT)")}
		}
		files, err := translation.Scaffold(positional[0], *locDir, *faqDir)
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
	case "extract":
		if *check {
			r := checkFiles(*locDir, *faqDir)
			for _, f := range r.Findings {
				if f.Error && strings.Contains(f.Msg, "locales extract") {
					fmt.Fprintln(stdout, f)
					return errors.New("the English base files are not up to date")
				}
			}
			fmt.Fprintln(stdout, "the English base files are up to date")
			return nil
		}
		files, err := translation.WriteExtract(*faqDir, *locDir)
		for _, f := range files {
			fmt.Fprintln(stdout, "wrote", f)
		}
		return err
	case "update":
		files, err := translation.Update(*locDir, *check)
		verb := "wrote"
		if *check {
			verb = "warning: not up to date, run `salama locales update`:"
		}
		for _, f := range files {
			fmt.Fprintln(stdout, verb, f)
		}
		return err
	case "migrate":
		files, err := translation.Migrate(*locDir, *faqDir)
		for _, f := range files {
			fmt.Fprintln(stdout, "changed", f)
		}
		return err
	}
	return usageError{fmt.Errorf("unknown locales command %q: %s", verb, synopsis)}
}

// checkFiles runs the one validator on the folders, or, run from anywhere
// else, on the built-in files.
func checkFiles(locDir, faqDir string) *translation.Report {
	var locFS, faqFS fs.FS = os.DirFS(locDir), os.DirFS(faqDir)
	if _, err := os.Stat(locDir); err != nil {
		locFS, locDir = locales.FS, "locales"
	}
	if _, err := os.Stat(faqDir); err != nil {
		faqFS, faqDir = faq.FS, "faq"
	}
	return translation.Check(locFS, locDir, faqFS, faqDir)
}

func printStatus(stdout io.Writer, r *translation.Report) error {
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "language\tmessages\ttranslated\treviewed\tstale\t\tentries\ttranslated\treviewed\tstale\t\tdirectory\ttranslated\t")
	for _, s := range r.Status {
		m, e, d := s.Messages, s.Entries, s.Directory
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t\t%d\t%d\t%d\t%d\t\t%d\t%d\t\n", s.Lang, m.Total, m.Translated, m.Reviewed, m.Stale, e.Total, e.Translated, e.Reviewed, e.Stale, d.Total, d.Translated)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\nreviewed = checked by a native speaker against the current English; the rest are drafts.")
	fmt.Fprintln(stdout, "stale = the English changed since; `salama locales status --diff TAG` shows how. See docs/TRANSLATING.md.")
	if n := r.Errors(); n > 0 {
		fmt.Fprintf(stdout, "%d errors: run `salama locales check`\n", n)
	}
	return nil
}

func printDiff(stdout io.Writer, r *translation.Report, tag string) error {
	n := 0
	for _, s := range r.Stale {
		if s.Lang != tag {
			continue
		}
		n++
		fmt.Fprintf(stdout, "%s:%d: %s\n", s.File, s.Line, s.ID)
		if !s.Known {
			fmt.Fprintf(stdout, "  (the English it was made from is not in the history; it is now:)\n  %s\n\n", s.Now.Forms["other"])
			continue
		}
		fmt.Fprintln(stdout, indent(translation.Diff(s.Then, s.Now)))
	}
	if n == 0 {
		fmt.Fprintf(stdout, "no stale translation in %s\n", tag)
	}
	return nil
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ") + "\n"
}
