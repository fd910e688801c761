package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/salama-safety/salama/internal/bolt"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/norm"
)

// The operator's commands (stats, gaps, data forget) read the store directly,
// or, while `salama serve` holds it, ask the server over a Unix socket in the
// data directory. The socket is mode 0600: only the server's own user can
// use it, and it is never on the network.
const adminSocket = "admin.sock"

// admin is what the operator's commands need from the data.
type admin interface {
	Counts(ctx context.Context, since string) ([]chat.CountRow, error)
	Gaps(ctx context.Context, since string) ([]chat.Gap, error)
	Forget(ctx context.Context, u chat.User) error
	Close() error
}

// openAdmin opens the store for an operator's command: PostgreSQL directly,
// or bbolt directly, or, while `salama serve` holds bbolt, the server's
// admin socket. needSecret is true for the commands that key users.
func openAdmin(ctx context.Context, st storeSettings, needSecret bool) (admin, error) {
	if err := st.check(); err != nil {
		return nil, err
	}
	if st.postgres() {
		pg, err := st.openPostgres(ctx, needSecret)
		if err != nil {
			return nil, err
		}
		return pg, nil
	}
	dir, err := dataDir(st.data)
	if err != nil {
		return nil, err
	}
	s, err := bolt.Open(dir, bolt.Options{Timeout: 500 * time.Millisecond})
	if err == nil {
		return s, nil
	}
	sock := filepath.Join(dir, adminSocket)
	if errors.Is(err, bolt.ErrLocked) {
		if _, serr := os.Stat(sock); serr == nil {
			return newSocketAdmin(sock), nil
		}
	}
	return nil, err
}

// serveAdmin answers the operator's commands for a running server.
func serveAdmin(ctx context.Context, dir string, store storage) (func(), error) {
	path := filepath.Join(dir, adminSocket)
	_ = os.Remove(path) // a socket left by a server that crashed
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /counts", func(w http.ResponseWriter, r *http.Request) {
		rows, err := store.Counts(r.Context(), r.URL.Query().Get("since"))
		writeJSON(w, rows, err)
	})
	mux.HandleFunc("GET /gaps", func(w http.ResponseWriter, r *http.Request) {
		gaps, err := store.Gaps(r.Context(), r.URL.Query().Get("since"))
		writeJSON(w, gaps, err)
	})
	mux.HandleFunc("POST /forget", func(w http.ResponseWriter, r *http.Request) {
		u := chat.User{Platform: chat.Platform(r.FormValue("platform")), ID: r.FormValue("user")}
		writeJSON(w, "ok", store.Forget(r.Context(), u))
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return func() { srv.Close(); os.Remove(path) }, nil
}

func writeJSON(w http.ResponseWriter, v any, err error) {
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

type socketAdmin struct{ c *http.Client }

func newSocketAdmin(path string) *socketAdmin {
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}}
	return &socketAdmin{c: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

func (s *socketAdmin) get(ctx context.Context, path string, v any) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://salama"+path, nil)
	return s.do(req, v)
}

func (s *socketAdmin) do(req *http.Request, v any) error {
	resp, err := s.c.Do(req)
	if err != nil {
		return fmt.Errorf("asking the running server: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("the running server says: %s", strings.TrimSpace(string(b)))
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func (s *socketAdmin) Counts(ctx context.Context, since string) ([]chat.CountRow, error) {
	var rows []chat.CountRow
	return rows, s.get(ctx, "/counts?since="+url.QueryEscape(since), &rows)
}

func (s *socketAdmin) Gaps(ctx context.Context, since string) ([]chat.Gap, error) {
	var gaps []chat.Gap
	return gaps, s.get(ctx, "/gaps?since="+url.QueryEscape(since), &gaps)
}

func (s *socketAdmin) Forget(ctx context.Context, u chat.User) error {
	form := url.Values{"platform": {string(u.Platform)}, "user": {u.ID}}
	req, _ := http.NewRequestWithContext(ctx, "POST", "http://salama/forget", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var ok string
	return s.do(req, &ok)
}

func (s *socketAdmin) Close() error { return nil }

// sinceDay reads --since: a number of days ("30d") or a date.
func sinceDay(s string, now time.Time) (string, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(d); err == nil && n >= 0 {
			return now.UTC().AddDate(0, 0, -n).Format(time.DateOnly), nil
		}
	}
	if _, err := time.Parse(time.DateOnly, s); err == nil {
		return s, nil
	}
	return "", usageError{fmt.Errorf("--since %q: give days like 30d, or a date like 2026-11-01", s)}
}

func adminFlags(name string) (*flag.FlagSet, *storeSettings, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	st := storeFlags(fs)
	since := fs.String("since", "30d", "from this many days ago (30d) or this date (2026-11-01)")
	return fs, st, since
}

// runStats prints the anonymous counters as a curator reads them.
func runStats(ctx context.Context, args []string, stdout io.Writer, now time.Time) error {
	fs, st, since := adminFlags("stats")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	day, err := sinceDay(*since, now)
	if err != nil {
		return err
	}
	a, err := openAdmin(ctx, *st, false)
	if err != nil {
		return err
	}
	defer a.Close()
	rows, err := a.Counts(ctx, day)
	if err != nil {
		return err
	}
	perLang := map[string]map[chat.Kind]int64{}
	type entryKey struct{ id, lang string }
	type entryStats struct{ answers, yes, no int64 }
	perEntry := map[entryKey]*entryStats{}
	for _, r := range rows {
		k := entryKey{r.FAQID, r.Lang}
		switch r.Event {
		case chat.EventReply:
			if perLang[r.Lang] == nil {
				perLang[r.Lang] = map[chat.Kind]int64{}
			}
			perLang[r.Lang][r.Kind] += r.N
			perLang[r.Lang]["all"] += r.N
			if r.Kind != chat.KindAnswer || r.FAQID == "" {
				continue
			}
		case chat.EventHelpful, chat.EventUnhelpful:
		default:
			continue
		}
		e := perEntry[k]
		if e == nil {
			e = &entryStats{}
			perEntry[k] = e
		}
		switch r.Event {
		case chat.EventReply:
			e.answers += r.N
		case chat.EventHelpful:
			e.yes += r.N
		case chat.EventUnhelpful:
			e.no += r.N
		}
	}
	fmt.Fprintf(stdout, "Since %s (anonymous counters; no user is identified)\n\n", day)
	if len(rows) == 0 {
		fmt.Fprintln(stdout, "No replies counted yet.")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "language\treplies\tanswer\tclarify\tfallback\tgreeting\turgent\tdeterrence\t")
	langs := sortedKeys(perLang)
	for _, l := range langs {
		m := perLang[l]
		pct := func(k chat.Kind) string { return fmt.Sprintf("%.1f%%", 100*float64(m[k])/float64(m["all"])) }
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", l, m["all"], pct(chat.KindAnswer), pct(chat.KindClarify), pct(chat.KindFallback), pct(chat.KindGreeting), pct(chat.KindUrgent), pct(chat.KindDeterrence))
	}
	tw.Flush()
	keys := make([]entryKey, 0, len(perEntry))
	for k := range perEntry {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := perEntry[keys[i]], perEntry[keys[j]]
		if a.answers != b.answers {
			return a.answers > b.answers
		}
		return keys[i].id+keys[i].lang < keys[j].id+keys[j].lang
	})
	fmt.Fprintln(stdout)
	tw = tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "entry\tlanguage\tanswers\thelpful\tnot helpful\thelpful %")
	for _, k := range keys {
		e := perEntry[k]
		pct := "-"
		if e.yes+e.no > 0 {
			pct = fmt.Sprintf("%.0f%%", 100*float64(e.yes)/float64(e.yes+e.no))
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\n", k.id, k.lang, e.answers, e.yes, e.no, pct)
	}
	return tw.Flush()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// runGaps lists the unanswered questions by language, similar ones together.
func runGaps(ctx context.Context, args []string, stdout io.Writer, now time.Time) error {
	fs, st, since := adminFlags("gaps")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	day, err := sinceDay(*since, now)
	if err != nil {
		return err
	}
	a, err := openAdmin(ctx, *st, false)
	if err != nil {
		return err
	}
	defer a.Close()
	gaps, err := a.Gaps(ctx, day)
	if err != nil {
		return err
	}
	if len(gaps) == 0 {
		fmt.Fprintf(stdout, "No unanswered questions since %s. (The gap log is kept only when the server runs with SALAMA_LOG_UNANSWERED=1.)\n", day)
		return nil
	}
	byLang := map[string][]string{}
	for _, g := range gaps {
		byLang[g.Lang] = append(byLang[g.Lang], g.Text)
	}
	for _, lang := range sortedKeys(byLang) {
		groups := groupSimilar(byLang[lang])
		fmt.Fprintf(stdout, "%s: %d unanswered questions in %d groups\n", lang, len(byLang[lang]), len(groups))
		for _, g := range groups {
			fmt.Fprintf(stdout, "  %3d× %s\n", len(g), g[0])
			for _, other := range g[1:min(len(g), 4)] {
				fmt.Fprintf(stdout, "        %s\n", other)
			}
		}
		fmt.Fprintln(stdout)
	}
	return nil
}

// groupSimilar puts together questions sharing at least half their words,
// largest group first.
func groupSimilar(texts []string) [][]string {
	type group struct {
		words map[string]bool
		texts []string
	}
	var groups []*group
	for _, t := range texts {
		words := map[string]bool{}
		for _, w := range norm.Words(t) {
			words[w] = true
		}
		var best *group
		bestSim := 0.5
		for _, g := range groups {
			if s := jaccard(words, g.words); s >= bestSim {
				best, bestSim = g, s
			}
		}
		if best == nil {
			groups = append(groups, &group{words: words, texts: []string{t}})
			continue
		}
		best.texts = append(best.texts, t)
	}
	sort.SliceStable(groups, func(i, j int) bool { return len(groups[i].texts) > len(groups[j].texts) })
	out := make([][]string, len(groups))
	for i, g := range groups {
		out[i] = g.texts
	}
	return out
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	inter := 0
	for w := range a {
		if b[w] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// runData handles `salama data forget --platform P --user ID`.
func runData(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "forget" {
		return usageError{errors.New("usage: salama data forget --platform telegram|slack|console --user ID")}
	}
	fs := flag.NewFlagSet("data forget", flag.ContinueOnError)
	st := storeFlags(fs)
	platform := fs.String("platform", "", "telegram, slack or console")
	user := fs.String("user", "", "the user's id on that platform (Telegram: the numeric id; Slack: U…)")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err}
	}
	switch chat.Platform(*platform) {
	case chat.Telegram, chat.Slack, chat.Console:
	default:
		return usageError{fmt.Errorf("--platform must be telegram, slack or console, not %q", *platform)}
	}
	if *user == "" {
		return usageError{errors.New("--user is required")}
	}
	a, err := openAdmin(ctx, *st, true)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Forget(ctx, chat.User{Platform: chat.Platform(*platform), ID: *user}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Deleted everything stored about that %s user (if there was anything).\n", *platform)
	return nil
}
