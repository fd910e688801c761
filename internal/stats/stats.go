// Package stats turns the anonymous counters (chat.CountRow) into what a
// curator reads: per language, how its replies divide among the reply
// kinds; per FAQ entry, how often it was shown and what share of the votes
// on it said it helped. It names no user: the counters hold none.
//
// # Percentages that add up
//
// Each language's shares are rounded to one decimal by the largest
// remainder method, so that a row always sums to exactly 100.0% and the
// rounding error goes to the shares it affects least. Every reply kind has
// a column, commands and files included, so nothing falls outside a row.
//
// # Formats
//
// [Report.WriteText] is the table `salama stats` prints. [Report.WriteCSV]
// is one tidy table for spreadsheets, a measured number a line:
//
//	table,language,entry,measure,count,percent
//	languages,en,,answer,40,66.7
//	entries,en,sextortion.what,helpful,3,75.0
//
// and [Report.WriteJSON] is the Report itself; scripts may rely on its
// field names.
package stats

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"text/tabwriter"

	"github.com/salama-safety/salama/internal/chat"
)

// Kinds are the reply kinds in the order of the columns; a kind the
// counters hold that is not listed here is added after them.
var Kinds = []chat.Kind{chat.KindAnswer, chat.KindClarify, chat.KindFallback, chat.KindGreeting,
	chat.KindUrgent, chat.KindDeterrence, chat.KindCommand, chat.KindMedia}

// AllLanguages is the Lang of the row that sums every language.
const AllLanguages = "all"

// Report is the counters since a day, summed.
type Report struct {
	Since string `json:"since"`
	// Kinds are the columns of Languages, in order.
	Kinds []chat.Kind `json:"kinds"`
	// Languages has a row per language, by language code, then the row of
	// all languages (AllLanguages); none when nothing was counted.
	Languages []Language `json:"languages"`
	// Entries are the FAQ entries answered or voted on, most answered
	// first.
	Entries []Entry `json:"entries"`
}

// Language is one language's replies.
type Language struct {
	Lang    string `json:"lang"`
	Replies int64  `json:"replies"`
	// Counts and Percent have one number per kind of Report.Kinds, in that
	// order; Percent sums to 100 (0 when there are no replies).
	Counts  []int64   `json:"counts"`
	Percent []float64 `json:"percent"`
}

// Entry is one FAQ entry in one language.
type Entry struct {
	ID         string `json:"id"`
	Lang       string `json:"lang"`
	Answers    int64  `json:"answers"`
	Helpful    int64  `json:"helpful"`
	NotHelpful int64  `json:"not_helpful"`
	// HelpfulPercent is Helpful out of the votes, or nil with no vote.
	HelpfulPercent *float64 `json:"helpful_percent"`
}

// Summarize sums the counters rows, counted since the day since.
func Summarize(since string, rows []chat.CountRow) *Report {
	r := &Report{Since: since, Kinds: slices.Clone(Kinds), Languages: []Language{}, Entries: []Entry{}}
	perLang := map[string]map[chat.Kind]int64{}
	type entryKey struct{ id, lang string }
	perEntry := map[entryKey]*Entry{}
	entry := func(id, lang string) *Entry {
		k := entryKey{id, lang}
		if perEntry[k] == nil {
			perEntry[k] = &Entry{ID: id, Lang: lang}
		}
		return perEntry[k]
	}
	for _, row := range rows {
		switch row.Event {
		case chat.EventReply:
			if perLang[row.Lang] == nil {
				perLang[row.Lang] = map[chat.Kind]int64{}
			}
			perLang[row.Lang][row.Kind] += row.N
			if !slices.Contains(r.Kinds, row.Kind) {
				r.Kinds = append(r.Kinds, row.Kind)
			}
			if row.Kind == chat.KindAnswer && row.FAQID != "" {
				entry(row.FAQID, row.Lang).Answers += row.N
			}
		case chat.EventHelpful:
			entry(row.FAQID, row.Lang).Helpful += row.N
		case chat.EventUnhelpful:
			entry(row.FAQID, row.Lang).NotHelpful += row.N
		}
	}
	if len(perLang) == 0 {
		return r
	}
	all := map[chat.Kind]int64{}
	langs := make([]string, 0, len(perLang))
	for l, m := range perLang {
		langs = append(langs, l)
		for k, n := range m {
			all[k] += n
		}
	}
	slices.Sort(langs)
	for _, l := range langs {
		r.Languages = append(r.Languages, r.language(l, perLang[l]))
	}
	r.Languages = append(r.Languages, r.language(AllLanguages, all))
	for _, e := range perEntry {
		if votes := e.Helpful + e.NotHelpful; votes > 0 {
			p := math.Round(1000*float64(e.Helpful)/float64(votes)) / 10
			e.HelpfulPercent = &p
		}
		r.Entries = append(r.Entries, *e)
	}
	slices.SortFunc(r.Entries, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(b.Answers, a.Answers), cmp.Compare(a.ID, b.ID), cmp.Compare(a.Lang, b.Lang))
	})
	return r
}

func (r *Report) language(lang string, m map[chat.Kind]int64) Language {
	l := Language{Lang: lang, Counts: make([]int64, len(r.Kinds))}
	for i, k := range r.Kinds {
		l.Counts[i] = m[k]
		l.Replies += m[k]
	}
	l.Percent = Shares(l.Counts)
	return l
}

// Shares returns each count's share of their sum in percent, rounded to one
// decimal so that the shares sum to exactly 100 (largest remainder method;
// ties go to the earlier count). All zero counts give all zero shares.
func Shares(counts []int64) []float64 {
	var total int64
	for _, n := range counts {
		total += n
	}
	out := make([]float64, len(counts))
	if total == 0 {
		return out
	}
	// work in tenths of a percent: 1000 of them to hand out
	tenths := make([]int64, len(counts))
	rem := make([]int64, len(counts)) // remainders, in units of 1/total tenth
	var given int64
	for i, n := range counts {
		tenths[i], rem[i] = n*1000/total, n*1000%total
		given += tenths[i]
	}
	order := make([]int, len(counts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rem[b], rem[a]) })
	for _, i := range order[:1000-given] {
		tenths[i]++
	}
	for i, t := range tenths {
		out[i] = float64(t) / 10
	}
	return out
}

// WriteText writes the report as two aligned tables.
func (r *Report) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "Since %s (anonymous counters; no user is identified)\n\n", r.Since)
	if len(r.Languages) == 0 {
		_, err := fmt.Fprintln(w, "No replies counted yet.")
		return err
	}
	fmt.Fprintln(w, "Share of each language's replies by kind (each row sums to 100%):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "language\treplies\t")
	for _, k := range r.Kinds {
		fmt.Fprintf(tw, "%s\t", k)
	}
	fmt.Fprintln(tw)
	for _, l := range r.Languages {
		fmt.Fprintf(tw, "%s\t%d\t", l.Lang, l.Replies)
		for _, p := range l.Percent {
			fmt.Fprintf(tw, "%.1f%%\t", p)
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Entries) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "entry\tlanguage\tanswers\thelpful\tnot helpful\thelpful %")
	for _, e := range r.Entries {
		pct := "-"
		if e.HelpfulPercent != nil {
			pct = fmt.Sprintf("%.0f%%", *e.HelpfulPercent)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\n", e.ID, e.Lang, e.Answers, e.Helpful, e.NotHelpful, pct)
	}
	return tw.Flush()
}

// WriteCSV writes the report as one tidy table (package comment).
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"table", "language", "entry", "measure", "count", "percent"})
	pct := func(p float64) string { return strconv.FormatFloat(p, 'f', 1, 64) }
	for _, l := range r.Languages {
		_ = cw.Write([]string{"languages", l.Lang, "", "replies", strconv.FormatInt(l.Replies, 10), ""})
		for i, k := range r.Kinds {
			_ = cw.Write([]string{"languages", l.Lang, "", string(k), strconv.FormatInt(l.Counts[i], 10), pct(l.Percent[i])})
		}
	}
	for _, e := range r.Entries {
		_ = cw.Write([]string{"entries", e.Lang, e.ID, "answers", strconv.FormatInt(e.Answers, 10), ""})
		help, notHelp := "", ""
		if e.HelpfulPercent != nil {
			help, notHelp = pct(*e.HelpfulPercent), pct(100-*e.HelpfulPercent)
		}
		_ = cw.Write([]string{"entries", e.Lang, e.ID, "helpful", strconv.FormatInt(e.Helpful, 10), help})
		_ = cw.Write([]string{"entries", e.Lang, e.ID, "not_helpful", strconv.FormatInt(e.NotHelpful, 10), notHelp})
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the report as one indented JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
