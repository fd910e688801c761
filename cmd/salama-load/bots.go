package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/bolt"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/memstore"
	"github.com/salama-safety/salama/internal/postgres"
	"github.com/salama-safety/salama/internal/telegram"
	"github.com/salama-safety/salama/locales"
)

// bots is the system under test: one or more replicas, each answering
// webhooks at one URL.
type bots interface {
	// targets are the webhook URLs, one per replica.
	targets() []string
	// stop stops taking updates and returns once the replies in flight are
	// sent, and every store is closed (counters written).
	stop() error
	// procs describes the replicas' processes, when they have their own.
	procs() []procStats
}

// inProcess runs replicas in this process: each an engine on its own store
// behind the real Telegram adapter, on an httptest server.
type inProcess struct {
	srvs    []*httptest.Server
	cancel  context.CancelFunc
	runErrs []chan error
	stores  []chat.Store
	cleanup []func()
}

func (b *inProcess) targets() []string {
	out := make([]string, len(b.srvs))
	for i, s := range b.srvs {
		out[i] = s.URL
	}
	return out
}

func (b *inProcess) procs() []procStats { return nil }

func (b *inProcess) stop() error {
	b.cancel()
	var errs []error
	for _, ch := range b.runErrs {
		if err := <-ch; err != nil {
			errs = append(errs, fmt.Errorf("adapter: %v", err))
		}
	}
	for _, s := range b.srvs {
		s.Close()
	}
	for _, s := range b.stores {
		errs = append(errs, s.Close())
	}
	for _, f := range b.cleanup {
		f()
	}
	return errors.Join(errs...)
}

// startInProcess starts o.replicas adapters. With -store memory or bolt
// there is one replica; with PostgreSQL each has its own store (its own
// pool) on db, as separate processes would.
func startInProcess(ctx context.Context, o options, apiURL string, db *pgSchema, obs chat.Observer) (*inProcess, error) {
	b := &inProcess{}
	fail := func(err error) (*inProcess, error) {
		b.cancelIfStarted()
		for _, s := range b.stores {
			s.Close()
		}
		for _, f := range b.cleanup {
			f()
		}
		return nil, err
	}
	logger := slog.New(slog.DiscardHandler)
	if o.verbose {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	k, err := engine.Load(faq.FS, locales.FS)
	if err != nil {
		return fail(err)
	}
	key := make([]byte, postgres.MinSecret) // the replicas' shared secret
	_, _ = rand.Read(key)
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	b.cancel = cancel
	for range o.replicas {
		var store chat.Store
		switch {
		case db != nil:
			s, err := postgres.Open(ctx, db.url, postgres.Options{Secret: key})
			if err != nil {
				return fail(err)
			}
			store = s
		case o.store == "bolt":
			dir, err := os.MkdirTemp("", "salama-load-")
			if err != nil {
				return fail(err)
			}
			b.cleanup = append(b.cleanup, func() { os.RemoveAll(dir) })
			s, err := bolt.Open(dir, bolt.Options{CommitDelay: o.commit})
			if err != nil {
				return fail(err)
			}
			store = s
		default:
			store = memstore.New()
		}
		b.stores = append(b.stores, store)
		const concurrency = 64
		adapter, err := telegram.New(telegram.Config{
			Token:          token,
			APIURL:         apiURL,
			WebhookURL:     "https://example.invalid/telegram", // only ever given to the fake
			WebhookSecret:  secret,
			BotUsername:    username,
			HTTPClient:     loopbackClient(concurrency),
			Logger:         logger,
			Observer:       obs,
			ChatInterval:   time.Millisecond,
			GlobalRate:     1_000_000_000,
			DrainTimeout:   o.drain,
			MaxConcurrency: concurrency,
		}, engine.New(k, store, engine.Options{}))
		if err != nil {
			return fail(err)
		}
		b.srvs = append(b.srvs, httptest.NewServer(adapter.Handler()))
		runErr := make(chan error, 1)
		b.runErrs = append(b.runErrs, runErr)
		go func() { runErr <- adapter.Run(runCtx) }()
		for !adapter.Ready() {
			select {
			case err := <-runErr:
				return fail(fmt.Errorf("adapter stopped at start: %v", err))
			case <-ctx.Done():
				return fail(ctx.Err())
			case <-time.After(time.Millisecond):
			}
		}
	}
	return b, nil
}

func (b *inProcess) cancelIfStarted() {
	if b.cancel != nil {
		b.cancel()
	}
	for _, s := range b.srvs {
		s.Close()
	}
}

// serveProcs runs replicas as `salama serve` processes: Telegram in webhook
// mode, the Bot API pointed at the fake, the store shared.
type serveProcs struct {
	cmds  []*exec.Cmd
	addrs []string
	logs  []string
	dir   string
	ready []procStats // when they became ready
	stats []procStats // when they were stopped, CPU counted from ready
}

// procStats is what /proc says of a replica.
type procStats struct {
	cpu       time.Duration
	rss, peak uint64
}

func (b *serveProcs) targets() []string {
	out := make([]string, len(b.addrs))
	for i, a := range b.addrs {
		out[i] = "http://" + a + "/telegram"
	}
	return out
}

func (b *serveProcs) procs() []procStats { return b.stats }

// stop sends SIGTERM, as systemd does: each replica stops taking updates,
// sends the replies in flight, writes its counters and exits.
func (b *serveProcs) stop() error {
	b.stats = make([]procStats, len(b.cmds))
	for i, c := range b.cmds {
		b.stats[i] = readProc(c.Process.Pid)
		b.stats[i].cpu -= b.ready[i].cpu
		_ = c.Process.Signal(syscall.SIGTERM)
	}
	var errs []error
	for i, c := range b.cmds {
		done := make(chan error, 1)
		go func() { done <- c.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				errs = append(errs, fmt.Errorf("replica %d: %v; its log:\n%s", i+1, err, tail(b.logs[i])))
			}
		case <-time.After(30 * time.Second):
			_ = c.Process.Kill()
			<-done
			errs = append(errs, fmt.Errorf("replica %d did not stop within 30s of SIGTERM", i+1))
		}
	}
	os.RemoveAll(b.dir)
	return errors.Join(errs...)
}

// tail is the end of a replica's log, for an error message.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// freeAddr is a loopback address nobody listens on right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServe starts o.replicas `salama serve` processes from the binary
// o.serve and waits until each has registered its webhook with the fake.
// Their environment is this one without any TELEGRAM_, SLACK_ or SALAMA_
// variable (no real token reaches them), plus their settings.
func startServe(ctx context.Context, o options, apiURL, storeURL string, api *fakeAPI) (*serveProcs, error) {
	dir, err := os.MkdirTemp("", "salama-load-serve-")
	if err != nil {
		return nil, err
	}
	b := &serveProcs{dir: dir}
	fail := func(err error) (*serveProcs, error) {
		for _, c := range b.cmds {
			_ = c.Process.Kill()
			_ = c.Wait()
		}
		os.RemoveAll(dir)
		return nil, err
	}
	secretFile := filepath.Join(dir, "secret")
	key := make([]byte, postgres.MinSecret) // the replicas' shared secret
	_, _ = rand.Read(key)
	if err := os.WriteFile(secretFile, key, 0o600); err != nil {
		return fail(err)
	}
	var base []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TELEGRAM_") && !strings.HasPrefix(kv, "SLACK_") && !strings.HasPrefix(kv, "SALAMA_") {
			base = append(base, kv)
		}
	}
	for i := range o.replicas {
		addr, err := freeAddr()
		if err != nil {
			return fail(err)
		}
		env := append(base[:len(base):len(base)],
			"SALAMA_ADDR="+addr,
			"SALAMA_DATA="+filepath.Join(dir, fmt.Sprintf("data-%d", i+1)),
			"TELEGRAM_BOT_TOKEN="+token,
			"TELEGRAM_API_URL="+apiURL,
			"TELEGRAM_WEBHOOK_URL=https://example.invalid/telegram",
			"TELEGRAM_WEBHOOK_SECRET="+secret,
		)
		if storeURL != "" {
			env = append(env, "SALAMA_STORE="+storeURL, "SALAMA_SECRET_FILE="+secretFile)
		}
		logPath := filepath.Join(dir, fmt.Sprintf("replica-%d.log", i+1))
		logFile, err := os.Create(logPath)
		if err != nil {
			return fail(err)
		}
		cmd := exec.Command(o.serve, "serve")
		cmd.Env, cmd.Stdout, cmd.Stderr = env, logFile, logFile
		if err := cmd.Start(); err != nil {
			logFile.Close()
			return fail(fmt.Errorf("start %s serve: %w", o.serve, err))
		}
		logFile.Close() // the child has its own copy
		b.cmds, b.addrs, b.logs = append(b.cmds, cmd), append(b.addrs, addr), append(b.logs, logPath)
	}
	// Ready: every replica answers /readyz and has set its webhook (its
	// adapter takes updates right after).
	client := loopbackClient(1)
	deadline := time.Now().Add(60 * time.Second)
	for i, addr := range b.addrs {
		for {
			resp, err := client.Get("http://" + addr + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Now().After(deadline) || ctx.Err() != nil {
				return fail(fmt.Errorf("replica %d not ready within 60s; its log:\n%s", i+1, tail(b.logs[i])))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	for api.calls("setWebhook") < o.replicas {
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fail(fmt.Errorf("only %d of %d replicas set their webhook within 60s", api.calls("setWebhook"), o.replicas))
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // from setWebhook to taking updates
	for _, c := range b.cmds {
		b.ready = append(b.ready, readProc(c.Process.Pid))
	}
	return b, nil
}

// readProc reads a process's CPU time and resident sizes from /proc
// (Linux only; zero elsewhere).
func readProc(pid int) procStats {
	var st procStats
	st.cpu, _ = cpuTimeOf(strconv.Itoa(pid))
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return st
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		for name, p := range map[string]*uint64{"VmRSS:": &st.rss, "VmHWM:": &st.peak} {
			if v, ok := strings.CutPrefix(sc.Text(), name); ok {
				kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				*p = kb * 1024
			}
		}
	}
	return st
}

// pgSchema is a schema of its own for one run, in the database -store
// names, dropped at the end.
type pgSchema struct {
	base, url, name string
}

func newSchema(ctx context.Context, base string) (*pgSchema, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, errors.New("-store: not a valid postgres:// URL")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	s := &pgSchema{base: base, name: fmt.Sprintf("salama_load_%x", b)}
	q := u.Query()
	q.Set("search_path", s.name)
	u.RawQuery = q.Encode()
	s.url = u.String()
	conn, err := pgxpool.New(ctx, base) // a pool: it understands pool_max_conns in the URL
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	defer conn.Close()
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+s.name); err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return s, nil
}

// users counts the preference records, one per user the replicas saw.
func (s *pgSchema) users(ctx context.Context) (int, error) {
	conn, err := pgxpool.New(ctx, s.url)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var n int
	err = conn.QueryRow(ctx, "SELECT count(*) FROM prefs").Scan(&n)
	return n, err
}

// counted adds up the replies the replicas counted.
func (s *pgSchema) counted(ctx context.Context) (int64, error) {
	st, err := postgres.Open(ctx, s.url, postgres.Options{})
	if err != nil {
		return 0, err
	}
	defer st.Close()
	rows, err := st.Counts(ctx, "")
	if err != nil {
		return 0, err
	}
	var n int64
	for _, r := range rows {
		if r.Event == chat.EventReply {
			n += r.N
		}
	}
	return n, nil
}

func (s *pgSchema) drop(ctx context.Context) error {
	conn, err := pgxpool.New(ctx, s.base)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.Exec(ctx, "DROP SCHEMA "+s.name+" CASCADE")
	return err
}
