package evaluate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/match"
)

// ExportFolds writes each fold as input for a peer (NLP.js,
// /work/shared/peers/nlpjs): dir/fold<i>/corpus.json holds what the fold's
// indexes learn (every entry's title, the other folds' phrasings and
// questions, and their off-topic messages as NLP.js's intent None:
// {"<lang>": {"<id>": [text, ...]}}), and
// dir/fold<i>/questions.jsonl the fold's questions, one
// {"lang": ..., "text": ...} a line, in the order of the questions.
func ExportFolds(c *content.Content, qs []Question, k int, dir string) error {
	folds := MatchFolds(qs, k)
	for f := range k {
		corpus := map[string]map[string][]string{}
		for lang := range c.Langs {
			byID := map[string][]string{}
			for _, d := range trainingDocs(c, lang, qs, func(i int) bool { return folds[i] == f }) {
				id := d.ID
				if id == "" {
					id = "None" // NLP.js's intent for what it should not answer
				}
				byID[id] = append(byID[id], d.Text)
			}
			corpus[lang] = byID
		}
		var questions bytes.Buffer
		enc := json.NewEncoder(&questions)
		enc.SetEscapeHTML(false)
		for i, q := range qs {
			if folds[i] == f {
				if err := enc.Encode(struct {
					Lang string `json:"lang"`
					Text string `json:"text"`
				}{q.Lang, q.Text}); err != nil {
					return err
				}
			}
		}
		data, err := json.Marshal(corpus)
		if err != nil {
			return err
		}
		sub := filepath.Join(dir, fmt.Sprintf("fold%d", f))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(sub, "corpus.json"), data, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(sub, "questions.jsonl"), questions.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// AddPeer reads a peer's answers to the exported folds
// (dir/fold<i>/answers.jsonl: {"faq_id": ..., "score": ...} a line, "" for
// no answer) and tallies them as NLPjs.
func (r *MatchReport) AddPeer(qs []Question, dir string) error {
	folds := MatchFolds(qs, r.Folds)
	for f := range r.Folds {
		file := filepath.Join(dir, fmt.Sprintf("fold%d", f), "answers.jsonl")
		fh, err := os.Open(file)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		n := 0
		for i, q := range qs {
			if folds[i] != f {
				continue
			}
			if !sc.Scan() {
				fh.Close()
				return fmt.Errorf("%s: %d answers, want one for each of the fold's questions", file, n)
			}
			n++
			var a struct {
				FAQID string  `json:"faq_id"`
				Score float64 `json:"score"`
			}
			if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
				fh.Close()
				return fmt.Errorf("%s:%d: %v", file, n, err)
			}
			o := Outcome{Question: q, Fold: f}
			if a.FAQID != "" {
				o.Decision, o.Answer = match.Answer, []string{a.FAQID}
				o.Ranked = []match.Result{{ID: a.FAQID, Score: a.Score}}
			}
			r.tally(NLPjs, &o)
		}
		extra := sc.Scan()
		fh.Close()
		if extra {
			return fmt.Errorf("%s: more answers than the fold's %d questions (were the folds exported from other content?)", file, n)
		}
	}
	r.Methods = append(r.Methods, NLPjs)
	return nil
}
