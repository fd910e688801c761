package i18n

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// MetaDir is the folder of locales/ that holds what is known about each
// translation.
const MetaDir = "meta"

// Review statuses.
const (
	StatusDraft    = "draft"    // machine-made, or not yet checked by a native speaker
	StatusReviewed = "reviewed" // a native speaker checked it against the English
)

// Meta is what is known about one translated message, kept in
// locales/meta/<tag>.toml under the message's id:
//
//	["grooming.what.title"]
//	source = "sha1-…"   # the English it was translated from (Hash)
//	text = "sha1-…"     # the translation when that was recorded
//	status = "reviewed" # or "draft"
//	by = "Amina Hassan"
//	date = 2026-12-01   # quoted or not
//
// `salama locales update` writes source and text; reviewers write status,
// by and date. A translation is stale when the English no longer has the
// hash in source; it is reviewed when status says so and both hashes are
// current.
type Meta struct {
	Source string
	Text   string
	Status string
	By     string
	Date   string
	Line   int
}

// MetaFile is the name of a language's metadata file inside locales/.
func MetaFile(tag string) string { return path.Join(MetaDir, tag+".toml") }

// ReadMeta reads a language's metadata; a missing file is no metadata.
func ReadMeta(fsys fs.FS, tag string) (map[string]Meta, error) {
	out := map[string]Meta{}
	name := MetaFile(tag)
	data, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	var raw map[string]map[string]any
	if err := toml.Unmarshal(data, &raw); err != nil {
		line := 1
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, _ = de.Position()
		}
		return nil, &FileError{File: name, Line: line, Msg: err.Error()}
	}
	lines := headerLines(string(data))
	for id, fields := range raw {
		m := Meta{Line: max(lines[id], 1)}
		for k, v := range fields {
			s := metaString(v)
			switch k {
			case "source":
				m.Source = s
			case "text":
				m.Text = s
			case "status":
				m.Status = s
			case "by":
				m.By = s
			case "date":
				m.Date = s
			default:
				return nil, &FileError{File: name, Line: m.Line, Msg: fmt.Sprintf("[%s]: %q is not a known field (source, text, status, by, date)", id, k)}
			}
		}
		if m.Status != "" && m.Status != StatusDraft && m.Status != StatusReviewed {
			return nil, &FileError{File: name, Line: m.Line, Msg: fmt.Sprintf("[%s]: status %q is neither %q nor %q", id, m.Status, StatusDraft, StatusReviewed)}
		}
		out[id] = m
	}
	return out, nil
}

// metaString accepts a date written with or without quotes.
func metaString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case toml.LocalDate:
		return v.String()
	case time.Time:
		return v.Format(time.DateOnly)
	case toml.LocalDateTime:
		return v.LocalDate.String()
	}
	return fmt.Sprint(v)
}

// FormatMeta writes a language's metadata in the order of ids.
func FormatMeta(tag string, ids []string, meta map[string]Meta) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# What is known about each %s translation. See docs/TRANSLATING.md.\n", tag)
	b.WriteString("# `salama locales update` writes source and text; reviewers write status, by and date.\n")
	for _, id := range ids {
		m, ok := meta[id]
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "\n[%s]\nsource = %q\ntext = %q\n", tomlKey(id), m.Source, m.Text)
		status := m.Status
		if status == "" {
			status = StatusDraft
		}
		fmt.Fprintf(&b, "status = %q\n", status)
		if m.By != "" {
			fmt.Fprintf(&b, "by = %s\n", strconv.Quote(m.By))
		}
		if m.Date != "" {
			fmt.Fprintf(&b, "date = %q\n", m.Date)
		}
	}
	return []byte(b.String())
}

// tomlKey quotes a key that is not a bare TOML key.
func tomlKey(k string) string {
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return strconv.Quote(k)
		}
	}
	return k
}

// HistoryFile keeps the English texts that translations were made from, by
// hash, so that `salama locales status --diff` can show what changed in
// the English since a translation was made.
const HistoryFile = MetaDir + "/history.toml"

// ReadHistory reads the English history: hash → message.
func ReadHistory(fsys fs.FS) (map[string]Message, error) {
	out := map[string]Message{}
	data, err := fs.ReadFile(fsys, HistoryFile)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	var raw map[string]map[string]string
	if err := toml.Unmarshal(data, &raw); err != nil {
		return nil, &FileError{File: HistoryFile, Line: 1, Msg: err.Error()}
	}
	for h, fields := range raw {
		m := Message{ID: fields["id"], Forms: map[string]string{}, File: HistoryFile}
		for _, f := range Forms {
			if s, ok := fields[f]; ok {
				m.Forms[f] = s
			}
		}
		out[h] = m
	}
	return out, nil
}

// FormatHistory writes the English history, sorted by id then hash.
func FormatHistory(h map[string]Message) []byte {
	hashes := make([]string, 0, len(h))
	for k := range h {
		hashes = append(hashes, k)
	}
	sort.Slice(hashes, func(i, j int) bool {
		a, b := h[hashes[i]], h[hashes[j]]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return hashes[i] < hashes[j]
	})
	var b strings.Builder
	b.WriteString("# The English texts that translations were made from, by hash, for\n# `salama locales status --diff`. Written by `salama locales update`.\n")
	for _, k := range hashes {
		m := h[k]
		fmt.Fprintf(&b, "\n[%s]\nid = %q\n", tomlKey(k), m.ID)
		for _, f := range Forms {
			if s, ok := m.Forms[f]; ok {
				fmt.Fprintf(&b, "%s = %s\n", f, Quote(s))
			}
		}
	}
	return []byte(b.String())
}

// Quote writes s as a TOML basic string on one line, escaping only what
// TOML requires, so that the text stays readable (é, 👋 and Arabic as they
// are) and a translation tool that rewrites the file writes it the same.
func Quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// FormatFile writes a message file: a header comment, then one table per
// message, its forms in CLDR order. Comments maps an id to a comment
// written above its table (a note for translators).
func FormatFile(header string, msgs []Message, comments map[string]string) []byte {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(header, "\n"), "\n") {
		b.WriteString(strings.TrimRight("# "+l, " ") + "\n")
	}
	for _, m := range msgs {
		b.WriteString("\n")
		if c := comments[m.ID]; c != "" {
			for _, l := range strings.Split(c, "\n") {
				b.WriteString(strings.TrimRight("# "+l, " ") + "\n")
			}
		}
		fmt.Fprintf(&b, "[%s]\n", tableKey(m.ID))
		for _, f := range Forms {
			if s, ok := m.Forms[f]; ok {
				fmt.Fprintf(&b, "%s = %s\n", f, Quote(s))
			}
		}
	}
	return []byte(b.String())
}

// tableKey writes a dotted message id as a TOML table header key:
// grooming.what.title stays as it is (nested tables, which go-i18n and
// translate-toolkit both read back as "grooming.what.title").
func tableKey(id string) string {
	parts := strings.Split(id, ".")
	for i, p := range parts {
		parts[i] = tomlKey(p)
	}
	return strings.Join(parts, ".")
}
