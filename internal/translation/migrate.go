package translation

import (
	"crypto/sha1"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/i18n"
)

// Migrate moves translations written in the earlier layout into the
// standard files: a `hash` inside active.<tag>.toml and translated entries
// in faq/<tag>/<id>.txt become go-i18n texts in locales/, phrasings in
// faq/<tag>/phrasings.txt, and metadata in locales/meta/. A translation
// made from an older English keeps that older hash, so it stays stale. It
// is run once on a tree in the earlier layout (`salama locales migrate`),
// and again after merging a branch that still wrote that layout; a tree
// already migrated is left as it is. It returns the files it wrote or
// removed.
func Migrate(localesDir, faqDir string) ([]string, error) {
	var touched []string
	write := func(name string, data []byte) error {
		if old, err := os.ReadFile(name); err == nil && string(old) == string(data) {
			return nil
		}
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		touched = append(touched, name)
		return os.WriteFile(name, data, 0o644)
	}
	locFS, faqFS := os.DirFS(localesDir), os.DirFS(faqDir)
	src, err := content.LoadSource(faqFS)
	if err != nil {
		return nil, err
	}
	// the English messages: a description becomes a comment
	enMsgs, enComments, err := readOld(locFS, "active.en.toml")
	if err != nil {
		return nil, err
	}
	oldHash := map[string]string{} // id → the hash the earlier layout gave it
	for _, m := range enMsgs {
		oldHash[m.ID] = fmt.Sprintf("sha1-%x", sha1.Sum([]byte(enComments[m.ID]+m.Forms["other"])))
	}
	if hasOldFields(locFS, "active.en.toml") {
		header := "Salama's user-interface messages, English (the source language).\ngo-i18n TOML: one [table] per message id, the text in `other`.\nText inside {{ }} is filled in by the bot: keep it exactly as it is.\nA comment above a message is a note for translators."
		if err := write(filepath.Join(localesDir, "active.en.toml"), i18n.FormatFile(header, enMsgs, enComments)); err != nil {
			return touched, err
		}
	}
	files, err := Extract(faqFS)
	if err != nil {
		return touched, err
	}
	for name, data := range files {
		if err := write(filepath.Join(localesDir, name), data); err != nil {
			return touched, err
		}
	}
	english := map[string]map[string]i18n.Message{"active": byID(enMsgs)}
	for kind, name := range map[string]string{"faq": "faq.en.toml", "directory": "directory.en.toml"} {
		var msgs []i18n.Message
		if err := parseBytes(files[name], name, &msgs); err != nil {
			return touched, err
		}
		english[kind] = byID(msgs)
	}
	history := map[string]i18n.Message{}
	oldEntryHashes := map[string]string{}
	for _, id := range src.IDs {
		if h, err := oldEntryHash(faqFS, id); err == nil {
			oldEntryHashes[id] = h
		}
	}

	tags := map[string]bool{}
	olds, _ := fs.Glob(locFS, "active.*.toml")
	for _, f := range olds {
		tags[strings.TrimSuffix(strings.TrimPrefix(f, "active."), ".toml")] = true
	}
	dirs, _ := fs.ReadDir(faqFS, ".")
	for _, d := range dirs {
		if d.IsDir() && d.Name() != "helplines" && d.Name() != "testdata" {
			tags[d.Name()] = true
		}
	}
	delete(tags, content.SourceLanguage)
	for _, tag := range sortedKeys(tags) {
		meta, err := i18n.ReadMeta(locFS, tag)
		if err != nil {
			return touched, err
		}
		// record notes a translated text; old is the hash the earlier
		// layout recorded, entry the entry it belongs to
		record := func(entry string, en, tr i18n.Message, old, status, by string) {
			if _, ok := meta[tr.ID]; tr.Empty() || ok && old == "" {
				return // nothing to record, or recorded already
			}
			m := i18n.Meta{Source: i18n.Hash(en), Text: i18n.Hash(tr), Status: status, By: by}
			if old != "" && old != oldHash[entry] && old != oldEntryHashes[entry] {
				m.Source = old // made from an English we no longer have: stale
			}
			meta[tr.ID] = m
			history[m.Source] = en
		}
		// messages: the hash leaves the file
		name := "active." + tag + ".toml"
		if hasOldFields(locFS, name) {
			msgs, _, err := readOld(locFS, name)
			if err != nil {
				return touched, err
			}
			hashes := oldHashes(locFS, name)
			reviews := oldReviews(locFS, tag)
			var out []i18n.Message
			for _, en := range enMsgs {
				tr, ok := byID(msgs)[en.ID]
				if !ok {
					tr = emptyLike(en, tag)
				}
				out = append(out, tr)
				status := i18n.StatusDraft
				if rv, ok := reviews[en.ID]; ok && rv == hashes[en.ID] {
					status = i18n.StatusReviewed
				}
				record(en.ID, en, tr, hashes[en.ID], status, "")
			}
			if err := write(filepath.Join(localesDir, name), i18n.FormatFile(messagesHeader(tag), out, nil)); err != nil {
				return touched, err
			}
		}
		// entries: texts to locales/, phrasings stay in faq/<tag>/, added
		// to what is there already
		texts := map[string]string{}
		if _, msgs, err := i18n.ReadFile(locFS, i18n.FileName("faq", tag)); err == nil {
			for _, m := range msgs {
				texts[m.ID] = m.Forms["other"]
			}
		}
		var phr strings.Builder
		if old, err := os.ReadFile(filepath.Join(faqDir, tag, "phrasings.txt")); err == nil {
			phr.Write(old)
		} else {
			phr.WriteString(phrasingsHeader(tag))
		}
		found := false
		for _, id := range src.IDs {
			file := path.Join(tag, id+".txt")
			data, err := fs.ReadFile(faqFS, file)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return touched, err
			}
			found = true
			recs, err := content.ParseRecords(file, data)
			if err != nil {
				return touched, err
			}
			if len(recs) != 1 {
				return touched, fmt.Errorf("%s: expected one record", file)
			}
			r := recs[0]
			get := func(n string) string { f, _ := r.Get(n); return f.Value }
			for _, field := range []string{"title", "short", "long"} {
				texts[id+"."+field] = get(field)
			}
			status, by := get("status"), get("reviewed-by")
			if status != i18n.StatusReviewed {
				status = i18n.StatusDraft
			}
			for _, field := range []string{"title", "short", "long"} {
				mid := id + "." + field
				record(id, english["faq"][mid], one(mid, texts[mid]), get("source-hash"), status, by)
			}
			if f, ok := r.Get("phrasings"); ok && len(f.List) > 0 {
				fmt.Fprintf(&phr, "\n[%s]\n", id)
				for _, p := range f.List {
					phr.WriteString(p + "\n")
				}
			}
			if err := os.Remove(filepath.Join(faqDir, file)); err != nil {
				return touched, err
			}
			touched = append(touched, filepath.Join(faqDir, file))
		}
		if found {
			var out []i18n.Message
			for _, id := range src.IDs {
				for _, field := range []string{"title", "short", "long"} {
					out = append(out, one(id+"."+field, texts[id+"."+field]))
				}
			}
			if err := write(filepath.Join(localesDir, i18n.FileName("faq", tag)), i18n.FormatFile(faqFileHeader(tag), out, nil)); err != nil {
				return touched, err
			}
			if err := write(filepath.Join(faqDir, tag, "phrasings.txt"), []byte(phr.String())); err != nil {
				return touched, err
			}
		}
		dirName := filepath.Join(localesDir, i18n.FileName("directory", tag))
		if _, err := os.Stat(dirName); err != nil {
			msgs := draftDirectory(src, tag)
			for _, m := range msgs {
				record(m.ID, english["directory"][m.ID], m, "", i18n.StatusDraft, "")
			}
			if err := write(dirName, i18n.FormatFile(directoryFileHeader(tag), msgs, nil)); err != nil {
				return touched, err
			}
		}
		if err := write(filepath.Join(localesDir, i18n.MetaFile(tag)), i18n.FormatMeta(tag, metaOrder(english, meta), meta)); err != nil {
			return touched, err
		}
	}
	if len(history) > 0 {
		old, _ := i18n.ReadHistory(locFS)
		for h, m := range old {
			history[h] = m
		}
		if err := write(filepath.Join(localesDir, i18n.HistoryFile), i18n.FormatHistory(history)); err != nil {
			return touched, err
		}
	}
	return touched, nil
}

// readOld reads a message file of the earlier layout: messages with their
// forms, and each message's description.
func readOld(fsys fs.FS, name string) ([]i18n.Message, map[string]string, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, nil, err
	}
	mf, err := goi18n.ParseMessageFileBytes(data, name, map[string]goi18n.UnmarshalFunc{"toml": toml.Unmarshal})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	_, msgs, err := i18n.ReadFile(fsys, name)
	if err != nil {
		return nil, nil, err
	}
	comments := map[string]string{}
	for _, m := range mf.Messages {
		if m.Description != "" {
			comments[m.ID] = m.Description
		}
	}
	return msgs, comments, nil
}

func parseBytes(data []byte, name string, out *[]i18n.Message) error {
	_, msgs, err := i18n.ReadFile(mapFS{name: data}, name)
	*out = msgs
	return err
}

// mapFS is a one-file fs.FS.
type mapFS map[string][]byte

func (m mapFS) Open(name string) (fs.File, error) { return nil, fs.ErrNotExist }
func (m mapFS) ReadFile(name string) ([]byte, error) {
	if d, ok := m[name]; ok {
		return d, nil
	}
	return nil, fs.ErrNotExist
}

func hasOldFields(fsys fs.FS, name string) bool {
	data, err := fs.ReadFile(fsys, name)
	return err == nil && (strings.Contains(string(data), "\nhash = ") || strings.Contains(string(data), "\ndescription = "))
}

func oldHashes(fsys fs.FS, name string) map[string]string {
	data, _ := fs.ReadFile(fsys, name)
	var raw map[string]map[string]any
	_ = toml.Unmarshal(data, &raw)
	out := map[string]string{}
	for id, m := range raw {
		if h, ok := m["hash"].(string); ok {
			out[id] = h
		}
	}
	return out
}

func oldReviews(fsys fs.FS, tag string) map[string]string {
	data, err := fs.ReadFile(fsys, "review."+tag+".toml")
	out := map[string]string{}
	if err != nil {
		return out
	}
	var raw map[string]map[string]any
	_ = toml.Unmarshal(data, &raw)
	for id, m := range raw {
		if h, ok := m["hash"].(string); ok {
			out[id] = h
		}
	}
	return out
}

// oldEntryHash is the hash the earlier layout gave an English entry: its
// title, short and long, with the lines of a wrapped list item joined by a
// line break as that layout did.
func oldEntryHash(faqFS fs.FS, id string) (string, error) {
	data, err := fs.ReadFile(faqFS, "en/"+id+".txt")
	if err != nil {
		return "", err
	}
	fields := map[string][]string{}
	cur := ""
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimRight(l, "\r")
		switch {
		case cur != "" && (strings.HasPrefix(l, "  ") || strings.TrimSpace(l) == ""):
			fields[cur] = append(fields[cur], strings.TrimPrefix(l, "  "))
		case strings.HasPrefix(l, "title:"):
			cur = ""
			fields["title"] = []string{strings.TrimSpace(strings.TrimPrefix(l, "title:"))}
		case l == "short:" || l == "long:":
			cur = strings.TrimSuffix(l, ":")
		default:
			cur = ""
		}
	}
	join := func(lines []string) string {
		for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
			lines = lines[:len(lines)-1]
		}
		var b strings.Builder
		prevBlank := false
		for i, l := range lines {
			t := strings.TrimRight(l, " ")
			switch {
			case t == "":
				prevBlank = true
				continue
			case i == 0:
			case prevBlank:
				b.WriteString("\n\n")
			case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "  "):
				b.WriteString("\n")
			default:
				b.WriteString(" ")
			}
			prevBlank = false
			b.WriteString(strings.TrimSpace(t))
		}
		return b.String()
	}
	text := fields["title"][0] + "\n" + join(fields["short"]) + "\n" + join(fields["long"])
	return fmt.Sprintf("sha1-%x", sha1.Sum([]byte(text))), nil
}

func byID(msgs []i18n.Message) map[string]i18n.Message {
	out := map[string]i18n.Message{}
	for _, m := range msgs {
		out[m.ID] = m
	}
	return out
}

// metaOrder lists the ids of every kind in file order.
func metaOrder(english map[string]map[string]i18n.Message, meta map[string]i18n.Meta) []string {
	var ids []string
	for _, kind := range i18n.Kinds {
		for _, m := range sortedByLine(english[kind]) {
			if _, ok := meta[m.ID]; ok {
				ids = append(ids, m.ID)
			}
		}
	}
	return ids
}
