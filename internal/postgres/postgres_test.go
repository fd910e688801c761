package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/postgres"
	"github.com/salama-safety/salama/internal/postgres/pgtest"
	"github.com/salama-safety/salama/internal/storetest"
)

var ctx = context.Background()

// testSecret is a secret of the right size, different for each seed.
func testSecret(seed byte) []byte { return bytes.Repeat([]byte{seed}, postgres.MinSecret) }

// MustOpen opens a store on dsn with the secret, closed when the test ends.
func MustOpen(tb testing.TB, dsn string, opts postgres.Options) *postgres.Store {
	tb.Helper()
	s, err := postgres.Open(ctx, dsn, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// dumper shows storetest every row of the test's schema.
type dumper struct {
	*postgres.Store
	dsn    string
	secret []byte
}

func (d dumper) Dump(ctx context.Context) ([]byte, error) { return pgtest.Dump(ctx, d.dsn) }
func (d dumper) Secret() []byte                           { return d.secret }

func TestConformance(t *testing.T) {
	pgtest.MustDSN(t) // skip the whole test, with its message, when there is no server
	storetest.Run(t, func(tb testing.TB) chat.Store {
		dsn := pgtest.MustDSN(tb)
		return dumper{MustOpen(tb, dsn, postgres.Options{Secret: testSecret(1)}), dsn, testSecret(1)}
	})
}

// Two stores on one database behave as one: what one saves, counts,
// forgets or takes, the other sees.
func TestReplicasShareEverything(t *testing.T) {
	dsn := pgtest.MustDSN(t)
	a := MustOpen(t, dsn, postgres.Options{Secret: testSecret(1)})
	b := MustOpen(t, dsn, postgres.Options{Secret: testSecret(1)})
	u := chat.User{Platform: chat.Slack, ID: "U0123"}
	day := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

	if err := a.SavePrefs(ctx, u, chat.Prefs{Lang: "sw", Country: "KE", LastSeen: day}); err != nil {
		t.Fatal(err)
	}
	if p, err := b.Prefs(ctx, u); err != nil || p.Lang != "sw" || p.Country != "KE" {
		t.Errorf("b.Prefs = %+v, %v; want what a saved", p, err)
	}
	if err := b.Forget(ctx, u); err != nil {
		t.Fatal(err)
	}
	if p, _ := a.Prefs(ctx, u); p != (chat.Prefs{}) {
		t.Errorf("after b.Forget, a.Prefs = %+v", p)
	}

	if seen, err := a.Seen(ctx, "Ev1", time.Hour); err != nil || seen {
		t.Fatalf("a.Seen(first) = %v, %v", seen, err)
	}
	if seen, err := b.Seen(ctx, "Ev1", time.Hour); err != nil || !seen {
		t.Errorf("b.Seen(taken by a) = %v, %v; want true", seen, err)
	}
	if err := a.Unsee(ctx, "Ev1"); err != nil {
		t.Fatal(err)
	}
	if seen, _ := b.Seen(ctx, "Ev1", time.Hour); seen {
		t.Errorf("after a.Unsee, b.Seen = true; want the retry taken")
	}

	gl := chat.Gap{Day: "2026-11-27", Lang: "en", Text: "how do i [link]"}
	if err := a.AddGap(ctx, gl); err != nil {
		t.Fatal(err)
	}
	if gaps, err := b.Gaps(ctx, ""); err != nil || len(gaps) != 1 || gaps[0] != gl {
		t.Errorf("b.Gaps = %+v, %v", gaps, err)
	}
}

// The same delivery handed to two replicas at once, many times over, is
// taken exactly once.
func TestSeenRacedFromTwoStores(t *testing.T) {
	dsn := pgtest.MustDSN(t)
	stores := []*postgres.Store{MustOpen(t, dsn, postgres.Options{Secret: testSecret(1)}), MustOpen(t, dsn, postgres.Options{Secret: testSecret(1)})}
	const keys, tries = 50, 4
	var taken [keys]atomic.Int32
	var wg sync.WaitGroup
	for _, s := range stores {
		for range tries {
			wg.Go(func() {
				for k := range keys {
					seen, err := s.Seen(ctx, fmt.Sprint("Ev", k), time.Hour)
					if err != nil {
						t.Error(err)
						return
					}
					if !seen {
						taken[k].Add(1)
					}
				}
			})
		}
	}
	wg.Wait()
	for k := range keys {
		if n := taken[k].Load(); n != 1 {
			t.Errorf("delivery %d taken %d times, want once", k, n)
		}
	}
}

// A counter added from two stores at once, many times, adds up exactly.
func TestCounterRacedFromTwoStores(t *testing.T) {
	dsn := pgtest.MustDSN(t)
	c := chat.Count{Day: "2026-11-27", Platform: chat.Telegram, Event: chat.EventReply, Kind: chat.KindAnswer, Lang: "en", FAQID: "sextortion.what"}
	other := c
	other.Lang = "sw"
	// A short FlushEvery, so that the background flushes of both stores
	// race each other and the Counts calls below.
	opts := postgres.Options{Secret: testSecret(1), FlushEvery: time.Millisecond}
	stores := []*postgres.Store{MustOpen(t, dsn, opts), MustOpen(t, dsn, opts)}
	const perWorker, workers = 500, 4
	var wg sync.WaitGroup
	for i, s := range stores {
		for w := range workers {
			wg.Go(func() {
				for n := range perWorker {
					if err := s.Add(ctx, c, 1); err != nil {
						t.Error(err)
						return
					}
					if n%100 == 0 {
						if _, err := s.Counts(ctx, ""); err != nil {
							t.Error(err)
						}
					}
					if (i+w+n)%2 == 0 {
						_ = s.Add(ctx, other, 2)
					}
				}
			})
		}
	}
	wg.Wait()
	for _, s := range stores {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := MustOpen(t, dsn, postgres.Options{}).Counts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[chat.Count]int64{}
	for _, r := range rows {
		got[r.Count] = r.N
	}
	if want := int64(len(stores) * workers * perWorker); got[c] != want || got[other] != want {
		t.Errorf("counters = %d and %d, want %d each", got[c], got[other], want)
	}
}

func TestSecretMustMatch(t *testing.T) {
	dsn := pgtest.MustDSN(t)
	MustOpen(t, dsn, postgres.Options{Secret: testSecret(1)}).Close()
	_, err := postgres.Open(ctx, dsn, postgres.Options{Secret: testSecret(2)})
	if !errors.Is(err, postgres.ErrSecretMismatch) {
		t.Fatalf("Open(another secret) = %v, want ErrSecretMismatch", err)
	}
	MustOpen(t, dsn, postgres.Options{Secret: testSecret(1)}) // the right one still opens
	if _, err := postgres.Open(ctx, dsn, postgres.Options{Secret: []byte("short")}); err == nil {
		t.Error("Open(5-byte secret) = nil error")
	}
	dump, err := pgtest.Dump(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(dump, []byte("0101010101010101")) {
		t.Error("the secret is written down, in hex")
	}
}

// Replicas starting together on an empty database: the migrations run once,
// and of two secrets exactly one is accepted.
func TestOpenTogether(t *testing.T) {
	dsn := pgtest.MustDSN(t)
	const n = 6
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s, err := postgres.Open(ctx, dsn, postgres.Options{Secret: testSecret(byte(1 + i%2))})
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	var ok [2]int
	for i, err := range errs {
		switch {
		case err == nil:
			ok[i%2]++
		case !errors.Is(err, postgres.ErrSecretMismatch):
			t.Errorf("Open %d: %v", i, err)
		}
	}
	if !(ok[0] == n/2 && ok[1] == 0 || ok[0] == 0 && ok[1] == n/2) {
		t.Errorf("opened with secret 1: %d, with secret 2: %d; want all of one and none of the other", ok[0], ok[1])
	}
	conn := mustConn(t, dsn)
	var version string
	if err := conn.QueryRow(ctx, `SELECT value FROM meta WHERE name = 'schema'`).Scan(&version); err != nil || version != "1" {
		t.Errorf("schema version = %q, %v", version, err)
	}
}

func mustConn(tb testing.TB, dsn string) *pgx.Conn {
	tb.Helper()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close(ctx) })
	return conn
}

func TestNewerSchemaIsRefused(t *testing.T) {
	dsn := pgtest.MustDSN(t)
	MustOpen(t, dsn, postgres.Options{Secret: testSecret(1)}).Close()
	if _, err := mustConn(t, dsn).Exec(ctx, `UPDATE meta SET value = '99' WHERE name = 'schema'`); err != nil {
		t.Fatal(err)
	}
	_, err := postgres.Open(ctx, dsn, postgres.Options{Secret: testSecret(1)})
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open(schema 99) = %v, want a refusal", err)
	}
}

// While one replica sweeps, another's sweep deletes nothing and does not
// wait.
func TestSweepRunsOnOneReplicaAtATime(t *testing.T) {
	dsn := pgtest.MustDSN(t)
	s := MustOpen(t, dsn, postgres.Options{Secret: testSecret(1)})
	old := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	_ = s.SavePrefs(ctx, chat.User{Platform: chat.Telegram, ID: "1"}, chat.Prefs{LastSeen: old})
	_ = s.AddGap(ctx, chat.Gap{Day: "2026-01-01", Lang: "en", Text: "old"})

	other := mustConn(t, dsn) // another replica, in the middle of its sweep
	tx, err := other.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('salama sweep ' || current_schema(), 0))`); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Expire(ctx, old.AddDate(0, 0, 1)); err != nil || n != 0 {
		t.Errorf("Expire while another sweeps = %d, %v; want 0, nil", n, err)
	}
	if n, err := s.ExpireGaps(ctx, "2026-01-02"); err != nil || n != 0 {
		t.Errorf("ExpireGaps while another sweeps = %d, %v; want 0, nil", n, err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Expire(ctx, old.AddDate(0, 0, 1)); err != nil || n != 1 {
		t.Errorf("Expire after = %d, %v; want 1", n, err)
	}
	if n, err := s.ExpireGaps(ctx, "2026-01-02"); err != nil || n != 1 {
		t.Errorf("ExpireGaps after = %d, %v; want 1", n, err)
	}
}

// A delivery's memory lasts its ttl, and the sweep removes it after.
func TestSeenExpires(t *testing.T) {
	dsn := pgtest.MustDSN(t)
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s := MustOpen(t, dsn, postgres.Options{Secret: testSecret(1), Now: func() time.Time { return now }})
	if seen, _ := s.Seen(ctx, "Ev9", time.Hour); seen {
		t.Fatal("first Seen = true")
	}
	now = now.Add(59 * time.Minute)
	if seen, _ := s.Seen(ctx, "Ev9", time.Hour); !seen {
		t.Error("Seen within the ttl = false")
	}
	now = now.Add(2 * time.Minute)
	if seen, _ := s.Seen(ctx, "Ev9", time.Hour); seen {
		t.Error("Seen after the ttl = true; want it taken again")
	}
	now = now.Add(2 * time.Hour)
	if _, err := s.Expire(ctx, now.AddDate(0, 0, -180)); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := mustConn(t, dsn).QueryRow(ctx, `SELECT count(*) FROM seen`).Scan(&left); err != nil || left != 0 {
		t.Errorf("after the sweep, %d deliveries remembered (%v); want 0", left, err)
	}
}

// Without a secret the store reads the counters and the gap log (salama
// stats, salama gaps) and refuses what needs the key.
func TestWithoutSecret(t *testing.T) {
	dsn := pgtest.MustDSN(t)
	s := MustOpen(t, dsn, postgres.Options{Secret: testSecret(1)})
	c := chat.Count{Day: "2026-11-27", Platform: chat.Slack, Event: chat.EventHelpful, Kind: chat.KindAnswer, Lang: "fr", FAQID: "x"}
	_ = s.Add(ctx, c, 3)
	s.Close()
	ro := MustOpen(t, dsn, postgres.Options{})
	if rows, err := ro.Counts(ctx, "2026-11-01"); err != nil || len(rows) != 1 || rows[0].N != 3 {
		t.Errorf("Counts = %+v, %v", rows, err)
	}
	if _, err := ro.Prefs(ctx, chat.User{Platform: chat.Slack, ID: "U1"}); !errors.Is(err, postgres.ErrNoSecret) {
		t.Errorf("Prefs without a secret = %v, want ErrNoSecret", err)
	}
	if err := ro.Forget(ctx, chat.User{Platform: chat.Slack, ID: "U1"}); !errors.Is(err, postgres.ErrNoSecret) {
		t.Errorf("Forget without a secret = %v, want ErrNoSecret", err)
	}
	// and a later replica with another secret is still refused
	if _, err := postgres.Open(ctx, dsn, postgres.Options{Secret: testSecret(7)}); !errors.Is(err, postgres.ErrSecretMismatch) {
		t.Errorf("Open(another secret) after a secretless open = %v", err)
	}
}

func TestBadConnectionStringDoesNotEchoIt(t *testing.T) {
	_, err := postgres.Open(ctx, "postgres://salama:hunter2@[::1/salama", postgres.Options{})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Open(bad URL) = %v; want an error without the password", err)
	}
}
