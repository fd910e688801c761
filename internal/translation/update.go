package translation

import (
	"bytes"
	"os"
	"path/filepath"

	"github.com/salama-safety/salama/internal/i18n"
)

// Update records which English each translation was made from, the way
// `goi18n merge` keeps its hashes, but in locales/meta/ beside the texts:
// a text translated or edited since it was last recorded is taken as made
// from the current English (which is what a translator, in Weblate or in
// an editor, sees), and a text no longer translated loses its record. A
// review of an edited text no longer counts: it is a draft again. The
// English a translation was made from is kept in the history, for
// `salama locales status --diff`. With dryRun, nothing is written. It
// returns the files that changed, or would.
func Update(localesDir string, dryRun bool) ([]string, error) {
	fsys := os.DirFS(localesDir)
	files, err := i18n.Files(fsys)
	if err != nil {
		return nil, err
	}
	english := map[string]map[string]i18n.Message{}
	var order []string
	for _, kind := range i18n.Kinds {
		_, msgs, err := i18n.ReadFile(fsys, i18n.FileName(kind, i18n.Source))
		if err != nil {
			return nil, err
		}
		english[kind] = byID(msgs)
		for _, m := range msgs {
			order = append(order, m.ID)
		}
	}
	history, err := i18n.ReadHistory(fsys)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	var changed []string
	write := func(name string, data []byte) error {
		p := filepath.Join(localesDir, name)
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, data) {
			return nil
		}
		changed = append(changed, p)
		if dryRun {
			return nil
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o644)
	}
	for _, tag := range sortedKeys(files) {
		if tag == i18n.Source {
			continue
		}
		old, err := i18n.ReadMeta(fsys, tag)
		if err != nil {
			return nil, err
		}
		meta := map[string]i18n.Meta{}
		for _, kind := range i18n.Kinds {
			name := i18n.FileName(kind, tag)
			if _, err := os.Stat(filepath.Join(localesDir, name)); err != nil {
				continue
			}
			_, msgs, err := i18n.ReadFile(fsys, name)
			if err != nil {
				return nil, err
			}
			for _, m := range msgs {
				en, ok := english[kind][m.ID]
				if !ok || m.Empty() {
					continue
				}
				md, recorded := old[m.ID]
				if text := i18n.Hash(m); !recorded || md.Text != text {
					md = i18n.Meta{Source: i18n.Hash(en), Text: text, Status: i18n.StatusDraft}
				}
				meta[m.ID] = md
				if md.Source == i18n.Hash(en) {
					history[md.Source] = en
				}
				used[md.Source] = true
			}
		}
		if err := write(i18n.MetaFile(tag), i18n.FormatMeta(tag, order, meta)); err != nil {
			return changed, err
		}
	}
	for h := range history {
		if !used[h] {
			delete(history, h)
		}
	}
	for h, m := range history {
		m.File, m.Line = "", 0
		history[h] = m
	}
	if err := write(i18n.HistoryFile, i18n.FormatHistory(history)); err != nil {
		return changed, err
	}
	return changed, nil
}
