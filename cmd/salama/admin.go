package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/salama-safety/salama/internal/admin"
	"github.com/salama-safety/salama/internal/bolt"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/stats"
)

// openAdmin opens the data for an operator's command (package admin):
// PostgreSQL (with SALAMA_STORE) directly; else the data directory,
// directly or, while `salama serve` holds it, through the server's admin
// socket. needSecret is true for the commands that key users. A data
// directory that does not exist or holds no store is refused, rather than
// created empty and reported on (a mistyped --data would otherwise
// "delete" a user from nothing and say so).
func openAdmin(ctx context.Context, st storeSettings, needSecret bool) (admin.Service, error) {
	if err := st.check(); err != nil {
		return nil, err
	}
	if st.postgres() {
		pg, err := st.openPostgres(ctx, needSecret)
		if err != nil {
			return nil, err
		}
		return admin.Direct(pg), nil
	}
	dir, err := dataDir(st.data)
	if err != nil {
		return nil, err
	}
	s, err := bolt.Open(dir, bolt.Options{Timeout: 500 * time.Millisecond, MustExist: true})
	if err == nil {
		return admin.Direct(s), nil
	}
	sock := filepath.Join(dir, admin.SocketName)
	if errors.Is(err, bolt.ErrLocked) {
		if _, serr := os.Stat(sock); serr == nil {
			return admin.Dial(sock), nil
		}
	}
	if errors.Is(err, bolt.ErrNoStore) {
		return nil, usageError{fmt.Errorf("%w; check --data or SALAMA_DATA (the systemd unit uses /var/lib/salama, the container /data)", err)}
	}
	return nil, err
}

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
	for _, l := range stats.GroupGaps(gaps) {
		fmt.Fprintf(stdout, "%s: %d unanswered questions in %d groups\n", l.Lang, l.Total, len(l.Groups))
		for _, g := range l.Groups {
			fmt.Fprintf(stdout, "  %3d× %s\n", len(g), g[0])
			for _, other := range g[1:min(len(g), 4)] {
				fmt.Fprintf(stdout, "        %s\n", other)
			}
		}
		fmt.Fprintln(stdout)
	}
	return nil
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
