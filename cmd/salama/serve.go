package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/salama-safety/salama/internal/admin"
	"github.com/salama-safety/salama/internal/bolt"
	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/metrics"
)

// serveConfig is every setting of `salama serve`. Each has a flag and an
// environment variable; the flag wins. The channels' own settings are in
// their entries (channels.go).
type serveConfig struct {
	addr, logFormat   string
	storage           storeSettings
	retentionDays     int
	logUnanswered     bool
	unreviewedEnglish bool

	channels []*channelEntry

	// country is the deployment's default country, for every channel
	country countryFlag
}

// gapDays is how long the content-gap log keeps a question.
const gapDays = 30

// setting registers a string flag whose default comes from an environment
// variable, and names the variable in the help.
func setting(fs *flag.FlagSet, p *string, name, env, def, help string) {
	v := os.Getenv(env)
	if v == "" {
		v = def
	}
	fs.StringVar(p, name, v, fmt.Sprintf("%s (env %s)", help, env))
}

func parseServe(args []string, stdout io.Writer) (*serveConfig, *contentFlags, error) {
	f := newFlags("serve", "[flags]\n\nRuns the channels whose tokens are set. Every setting has an environment\nvariable (named in brackets); a flag wins over it. Secrets are read from\nthe variable or from the file named by the variable with _FILE appended,\nand are never shown.", stdout)
	fs := f.FlagSet
	var cf contentFlags
	cf.register(fs)
	c := &serveConfig{channels: channelEntries()}
	c.country.register(fs)
	var secrets secretFlags
	setting(fs, &c.addr, "addr", "SALAMA_ADDR", "127.0.0.1:8080", "address of the HTTP server (/healthz, /readyz, /metrics, webhooks)")
	setting(fs, &c.storage.data, "data", "SALAMA_DATA", "", "data directory (default $XDG_STATE_HOME/salama)")
	c.storage.register(fs)
	setting(fs, &c.logFormat, "log-format", "SALAMA_LOG_FORMAT", "text", "log format: text or json")
	var retention string
	setting(fs, &retention, "retention-days", "SALAMA_RETENTION_DAYS", "180", "delete a user's preferences after this many days without use")
	for _, ch := range c.channels {
		ch.register(fs, &secrets)
	}
	var unanswered string
	setting(fs, &unanswered, "log-unanswered", "SALAMA_LOG_UNANSWERED", "0", fmt.Sprintf("1 keeps unanswered questions, scrubbed and unlinked, for %d days, for salama gaps", gapDays))
	var unreviewed string
	setting(fs, &unreviewed, "unreviewed-safety", "SALAMA_UNREVIEWED_SAFETY", "draft", "urgent, deterrence and helpline texts not yet reviewed by a native speaker: draft (serve the translation) or english")
	rest, err := f.parse(args)
	if err != nil {
		return nil, nil, err
	}
	if err := f.noArgs(rest); err != nil {
		return nil, nil, err
	}
	if err := secrets.load(fs); err != nil {
		return nil, nil, err
	}
	switch unreviewed {
	case "draft":
	case "english":
		c.unreviewedEnglish = true
	default:
		return nil, nil, usageError{fmt.Errorf("--unreviewed-safety must be draft or english, not %q", unreviewed)}
	}
	switch unanswered {
	case "0", "", "false":
	case "1", "true":
		c.logUnanswered = true
	default:
		return nil, nil, usageError{fmt.Errorf("--log-unanswered must be 1 or 0, not %q", unanswered)}
	}
	n, err := strconv.Atoi(retention)
	if err != nil || n < 1 {
		return nil, nil, usageError{fmt.Errorf("--retention-days must be a whole number of days, not %q", retention)}
	}
	c.retentionDays = n
	if c.logFormat != "text" && c.logFormat != "json" {
		return nil, nil, usageError{fmt.Errorf("--log-format must be text or json, not %q", c.logFormat)}
	}
	if err := c.storage.check(); err != nil {
		return nil, nil, err
	}
	if c.storage.postgres() { // refuse a missing or bad secret before loading anything
		if secret, err := c.storage.secret(); err != nil {
			return nil, nil, err
		} else if secret == nil {
			return nil, nil, errNoSecret
		}
	}
	return c, &cf, c.check()
}

// check refuses a half-configured channel, and a server with none.
func (c *serveConfig) check() error {
	some := false
	for _, ch := range c.channels {
		if err := ch.check(); err != nil {
			return usageError{err}
		}
		some = some || ch.on()
	}
	if !some {
		return usageError{errors.New("no channel is configured: set TELEGRAM_BOT_TOKEN, SLACK_BOT_TOKEN and/or WHATSAPP_TOKEN (see salama serve --help), or try `salama chat` in a terminal")}
	}
	return nil
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, cf, err := parseServe(args, stdout)
	if err != nil {
		return err
	}
	var handler slog.Handler = slog.NewTextHandler(stderr, nil)
	if c.logFormat == "json" {
		handler = slog.NewJSONHandler(stderr, nil)
	}
	log := slog.New(handler)
	k, err := cf.load()
	if err != nil {
		return err
	}
	country, err := c.country.check(k)
	if err != nil {
		return err
	}
	store, dir, err := c.storage.openServe(ctx, bolt.Options{CompactFailed: func(err error) {
		log.Error("compacting the database after a deletion failed; deleted data may stay in its free pages until the next compaction", "err", err)
	}, Tightened: func(dir string, was os.FileMode) {
		log.Warn("the data directory was open to other users; made it private", "dir", dir, "was", fmt.Sprintf("%04o", was))
	}})
	if err != nil {
		return err
	}
	defer store.Close()
	opts := engine.Options{RetentionDays: c.retentionDays, UnreviewedSafetyInEnglish: c.unreviewedEnglish, Country: country}
	if c.logUnanswered {
		opts.Gaps, opts.GapDays = store, gapDays
	}
	eng := engine.New(k, store, opts)
	if dir != "" { // with PostgreSQL the operator's commands use the database
		closeAdmin, err := admin.Serve(dir, store)
		if err != nil {
			return err
		}
		defer closeAdmin()
	}
	obs := metrics.New()

	mux := http.NewServeMux()
	mux.Handle("GET /metrics", obs.Handler())
	deps := channelDeps{engine: eng, obs: obs, label: func(lang, id string) string {
		return eng.Knowledge().Texts.T(lang, id, nil)
	}, aliases: func(lang string) []string {
		if l := eng.Knowledge().Content.Langs[lang]; l != nil {
			return l.Aliases
		}
		return nil
	}}
	// A store shared by several processes (PostgreSQL) remembers which
	// deliveries were taken, so that each is answered by one replica.
	deps.shared, _ = store.(chat.Deduper)
	var running []runningChannel
	var modes []any
	for _, ch := range c.channels {
		if !ch.on() {
			modes = append(modes, ch.name, "off")
			continue
		}
		modes = append(modes, ch.name, "on ("+ch.mode()+")")
		deps.log = log.With("channel", ch.name)
		a, err := ch.build(deps)
		if err != nil {
			return usageError{fmt.Errorf("%s: %w", ch.name, err)}
		}
		for _, r := range a.Routes() {
			mux.Handle(r.Pattern, r.Handler)
		}
		running = append(running, runningChannel{name: ch.name, a: a})
	}
	log.Info("settings", "store", c.storage.storeName(), "retention_days", c.retentionDays, "gap_log", c.logUnanswered, "unreviewed_safety_in_english", c.unreviewedEnglish, "default_country", country)
	log.Info("channels", modes...)

	var started atomic.Bool
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) { readyz(w, started.Load(), running) })
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.addr, err)
	}
	srv := channel.NewServer(mux)
	go func() { _ = srv.Serve(ln) }()
	log.Info("http server", "addr", ln.Addr().String())

	// SIGHUP re-reads --content; a broken edit keeps the last good content.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	// sweep deletes what has outlived its retention; at start, then hourly.
	sweep := func() {
		if n, err := store.Expire(ctx, time.Now().AddDate(0, 0, -c.retentionDays)); err != nil {
			log.Error("expire preferences", "err", err)
		} else if n > 0 {
			log.Info("expired inactive preferences", "users", n)
		}
		if n, err := store.ExpireGaps(ctx, time.Now().UTC().AddDate(0, 0, -gapDays).Format(time.DateOnly)); err != nil {
			log.Error("expire gap log", "err", err)
		} else if n > 0 {
			log.Info("expired unanswered questions", "questions", n)
		}
	}
	sweep()
	go func() {
		tick := time.NewTicker(time.Hour)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				reload(cf, eng, log)
			case <-tick.C:
				sweep()
			}
		}
	}()

	err = runChannels(ctx, running, started.Store, log)
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	return err
}

// runningChannel is an adapter `salama serve` runs.
type runningChannel struct {
	name string
	a    channel.Adapter
}

// runChannels runs every channel until ctx is done. A channel that fails
// for good (its credentials refused or revoked) is logged at error the
// moment it fails, and shown by /readyz; the others keep serving. When
// none is left, the server stops. A credential failure is a configuration
// error (exit status 2: systemd does not restart on it).
func runChannels(ctx context.Context, chans []runningChannel, started func(bool), log *slog.Logger) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		name string
		err  error
	}
	results := make(chan result, len(chans))
	for _, ch := range chans {
		go func() { results <- result{ch.name, ch.a.Run(ctx)} }()
	}
	started(true)
	var failed []error
	for range chans {
		r := <-results
		if r.err == nil {
			continue
		}
		log.Error("channel stopped", "channel", r.name, "outcome", string(channel.OutcomeOf(r.err)), "code", channel.CodeOf(r.err))
		failed = append(failed, fmt.Errorf("%s: %w", r.name, r.err))
		if len(failed) == len(chans) {
			cancel()
		}
	}
	if len(failed) == 0 {
		return nil
	}
	err := errors.Join(failed...)
	if channel.OutcomeOf(err) == channel.Unauthorized {
		return usageError{fmt.Errorf("%w (check the token)", err)}
	}
	return err
}

// readyz answers 200 once every channel takes updates, and 503 otherwise;
// the body lists each channel's state and, unless it is ready, why.
func readyz(w http.ResponseWriter, started bool, chans []runningChannel) {
	var b strings.Builder
	ok := started
	if !started {
		b.WriteString("starting\n")
	}
	for _, ch := range chans {
		h := ch.a.Health()
		ok = ok && h.State == channel.Ready
		fmt.Fprintf(&b, "%s %s", ch.name, h.State)
		if h.Reason != "" {
			fmt.Fprintf(&b, " (%s)", h.Reason)
		}
		b.WriteString("\n")
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
	} else {
		b.WriteString("ready\n")
	}
	io.WriteString(w, b.String())
}

var _ chat.Engine = (*engine.Engine)(nil)

// reload re-reads the content and swaps it in whole; a broken edit keeps the
// last good content serving and logs the file, line and reason.
func reload(cf *contentFlags, eng *engine.Engine, log *slog.Logger) bool {
	k, err := cf.load()
	if err != nil {
		log.Error("content reload failed; still serving the last good content", "err", err)
		return false
	}
	eng.Swap(k)
	log.Info("content reloaded")
	return true
}
