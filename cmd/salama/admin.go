package main

import (
	"context"
	"encoding/json"
	"errors"
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
	"time"

	"github.com/salama-safety/salama/internal/bolt"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/norm"
	"github.com/salama-safety/salama/internal/postgres"
	"github.com/salama-safety/salama/internal/stats"
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
	Forget(ctx context.Context, u chat.User) (forgetReport, error)
	Close() error
}

// openAdmin opens the store for an operator's command: PostgreSQL (with
// SALAMA_STORE) directly; else the data directory, directly or, while
// `salama serve` holds it, through the server's admin socket. needSecret is
// true for the commands that key users. A data directory that does not
// exist or holds no store is refused, rather than created empty and
// reported on (a mistyped --data would otherwise "delete" a user from
// nothing and say so).
func openAdmin(ctx context.Context, st storeSettings, needSecret bool) (admin, error) {
	if err := st.check(); err != nil {
		return nil, err
	}
	if st.postgres() {
		pg, err := st.openPostgres(ctx, needSecret)
		if err != nil {
			return nil, err
		}
		return pgAdmin{pg}, nil
	}
	dir, err := dataDir(st.data)
	if err != nil {
		return nil, err
	}
	s, err := bolt.Open(dir, bolt.Options{Timeout: 500 * time.Millisecond, MustExist: true})
	if err == nil {
		return localAdmin{s}, nil
	}
	sock := filepath.Join(dir, adminSocket)
	if errors.Is(err, bolt.ErrLocked) {
		if _, serr := os.Stat(sock); serr == nil {
			return newSocketAdmin(sock), nil
		}
	}
	if errors.Is(err, bolt.ErrNoStore) {
		return nil, usageError{fmt.Errorf("%w; check --data or SALAMA_DATA (the systemd unit uses /var/lib/salama, the container /data)", err)}
	}
	return nil, err
}

// pgAdmin is the shared PostgreSQL store, opened directly.
type pgAdmin struct{ *postgres.Store }

func (p pgAdmin) Forget(ctx context.Context, u chat.User) (forgetReport, error) {
	return forgetUser(ctx, p.Store, u)
}

// localAdmin is the store opened directly, while no server holds it.
type localAdmin struct{ *bolt.Store }

func (l localAdmin) Forget(ctx context.Context, u chat.User) (forgetReport, error) {
	return forgetUser(ctx, l.Store, u)
}

// forgetReport is what `salama data forget` found and did.
type forgetReport struct {
	// Found lists the facts the user's record held ("language", ...); empty
	// when there was no record.
	Found []string `json:"found"`
	// Compacted is true when the database was compacted after the deletion,
	// so that the record cannot be read from the file's free pages.
	Compacted bool `json:"compacted"`
}

// compacter is a store that can rewrite its file without deleted data.
type compacter interface{ Compact() error }

// forgetUser deletes a user's record, checks that it is gone, and compacts
// the store when it can. It says which facts the record held, never their
// values: no command prints a person's record.
func forgetUser(ctx context.Context, s chat.Store, u chat.User) (forgetReport, error) {
	var r forgetReport
	p, err := s.Prefs(ctx, u)
	if err != nil {
		return r, err
	}
	r.Found = facts(p)
	if err := s.Forget(ctx, u); err != nil {
		return r, err
	}
	if after, err := s.Prefs(ctx, u); err != nil || after != (chat.Prefs{}) {
		return r, fmt.Errorf("the record is still there after deleting it (%v)", err)
	}
	if c, ok := s.(compacter); ok && len(r.Found) > 0 {
		if err := c.Compact(); err != nil {
			return r, fmt.Errorf("deleted, but compacting the database failed, so the record may stay readable in its free pages until the next compaction: %w", err)
		}
		r.Compacted = true
	}
	return r, nil
}

// facts names the facts a record holds.
func facts(p chat.Prefs) []string {
	out := []string{}
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"language", p.Lang != ""}, {"country", p.Country != ""}, {"audience", p.Audience != ""},
		{"opted-out mark", p.OptedOut}, {"asked-country mark", p.AskedCountry}, {"day last seen", !p.LastSeen.IsZero()},
	} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
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
		rep, err := forgetUser(r.Context(), store, u)
		writeJSON(w, rep, err)
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

func (s *socketAdmin) Forget(ctx context.Context, u chat.User) (forgetReport, error) {
	form := url.Values{"platform": {string(u.Platform)}, "user": {u.ID}}
	req, _ := http.NewRequestWithContext(ctx, "POST", "http://salama/forget", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var r forgetReport
	return r, s.do(req, &r)
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

func adminFlags(name, synopsis string, stdout io.Writer) (*flags, *storeSettings, *string) {
	fs := newFlags(name, synopsis, stdout)
	st := storeFlags(fs.FlagSet)
	since := fs.String("since", "30d", "from this many days ago (30d) or this date (2026-11-01)")
	return fs, st, since
}

// runStats prints the anonymous counters as a curator reads them
// (package stats).
func runStats(ctx context.Context, args []string, stdout io.Writer, now time.Time) error {
	fs, st, since := adminFlags("stats", "[--since 30d] [--format text|csv|json] [--data DIR]", stdout)
	format := fs.String("format", "text", "text, csv (one tidy table for spreadsheets) or json")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if err := fs.noArgs(rest); err != nil {
		return err
	}
	if *format != "text" && *format != "csv" && *format != "json" {
		return usageError{fmt.Errorf("--format must be text, csv or json, not %q", *format)}
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
	r := stats.Summarize(day, rows)
	switch *format {
	case "csv":
		return r.WriteCSV(stdout)
	case "json":
		return r.WriteJSON(stdout)
	}
	return r.WriteText(stdout)
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
	fs, st, since := adminFlags("gaps", "[--since 30d] [--data DIR]", stdout)
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if err := fs.noArgs(rest); err != nil {
		return err
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
	const synopsis = "forget --platform telegram|slack|whatsapp|console --user ID [--data DIR]"
	if len(args) > 0 && isHelp(args[0]) {
		fmt.Fprintf(stdout, "Usage: salama data %s\n", synopsis)
		return nil
	}
	if len(args) == 0 || args[0] != "forget" {
		return usageError{errors.New("usage: salama data " + synopsis)}
	}
	fs := newFlags("data forget", "--platform telegram|slack|whatsapp|console --user ID [--data DIR]\n\nDeletes what is stored about one user, says what it found, and compacts\nthe database so that the record cannot be read back from the file.\nOn WhatsApp the id is the phone number with its country code.", stdout)
	st := storeFlags(fs.FlagSet)
	platform := fs.String("platform", "", "telegram, slack or console")
	user := fs.String("user", "", "the user's id on that platform (Telegram: the numeric id; Slack: U…)")
	rest, err := fs.parse(args[1:])
	if err != nil {
		return err
	}
	if err := fs.noArgs(rest); err != nil {
		return err
	}
	switch chat.Platform(*platform) {
	case chat.Telegram, chat.Slack, chat.Console:
	case chat.WhatsApp:
		// WhatsApp's id is the number as digits: "+254 712-345 678" is
		// 254712345678.
		*user = strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, *user)
	default:
		return usageError{fmt.Errorf("--platform must be telegram, slack, whatsapp or console, not %q", *platform)}
	}
	if *user == "" {
		return usageError{errors.New("--user is required")}
	}
	a, err := openAdmin(ctx, *st, true)
	if err != nil {
		return err
	}
	defer a.Close()
	r, err := a.Forget(ctx, chat.User{Platform: chat.Platform(*platform), ID: *user})
	if err != nil {
		return err
	}
	if len(r.Found) == 0 {
		fmt.Fprintf(stdout, "Nothing is stored about that %s user: no record under their id, so nothing was deleted.\n", *platform)
		fmt.Fprintln(stdout, "Check the id (Telegram: the numeric user id; Slack: the member id, U…): Salama cannot look anyone up by name.")
	} else {
		fmt.Fprintf(stdout, "Found a record of that %s user holding: %s.\n", *platform, strings.Join(r.Found, ", "))
		fmt.Fprintln(stdout, "Deleted it, and checked that nothing is stored under that user now.")
		if r.Compacted {
			fmt.Fprintln(stdout, "Compacted the database, so the record cannot be read back from the file's free space.")
		}
	}
	fmt.Fprintln(stdout, "Not touched: the anonymous counters and the gap log, which are linked to no one; copies in backups.")
	return nil
}
