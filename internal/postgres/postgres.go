// Package postgres is the chat.Store on PostgreSQL, through pgx: the store
// for two or more `salama serve` replicas behind a load balancer. They share
// users' preferences, the anonymous counters, the content-gap log, the
// retention sweep and the memory of platform deliveries already taken.
//
// # Tables
//
//	meta    name → value: "schema" (the schema version) and "secret_check"
//	        (HMAC-SHA256(secret, "salama secret check"), hex)
//	prefs   user_key: HMAC-SHA256(secret, platform ␀ user id), 32 bytes →
//	        lang, country, audience, opted_out, asked_country, last_seen (a date)
//	counts  day, platform, event, kind, lang, faq_id → n
//	gaps    id, day, lang, text: the scrubbed question (the opt-in gap log)
//	seen    key: HMAC-SHA256(secret, ␀ "seen" ␀ delivery id), 32 bytes → expires
//
// No message text but the scrubbed gap log, and no raw user or delivery id,
// is written. The tables live in the connection's schema (search_path):
// give Salama a database, or a schema, of its own.
//
// # The secret
//
// Unlike the bbolt store, which makes its secret in its data directory, this
// store is given one, and every replica must be given the same. The first
// Open writes a keyed check value of it (never the secret); an Open with
// another secret fails with [ErrSecretMismatch], so that a replica with the
// wrong secret cannot file users under keys no other replica finds. Without
// a secret the store only reads and writes what is not keyed (counters, gap
// log, expiry), for `salama stats` and `salama gaps`.
//
// # Migrations
//
// Open applies the migrations from the stored schema version to
// [SchemaVersion] in one transaction holding an advisory lock, so that
// replicas starting together apply them once; a database written by a newer
// Salama is refused rather than changed.
//
// # Replicas
//
// Each replica gathers its counters in memory and adds them every
// Options.FlushEvery with one INSERT … ON CONFLICT DO UPDATE SET n = n + …,
// so counts from every replica add up. Expire and ExpireGaps run under a
// try-lock: while one replica sweeps, another's sweep returns 0 at once.
// Seen is one atomic statement, so of two replicas handed the same delivery
// exactly one takes it.
package postgres

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/salama-safety/salama/internal/chat"
)

// SchemaVersion is the layout this code writes.
const SchemaVersion = 1

// MinSecret is the shortest secret Open accepts, in bytes.
const MinSecret = 32

var (
	// ErrSecretMismatch means the database was created with another secret.
	ErrSecretMismatch = errors.New("the secret does not match the one this database was created with: give every replica the same secret (SALAMA_SECRET_FILE)")
	// ErrNoSecret is returned by the methods that key users or deliveries
	// when the store was opened without a secret.
	ErrNoSecret = errors.New("postgres: opened without a secret")
)

// migrations[i] upgrades schema version i to i+1. Each runs in the
// transaction that holds the migration lock.
var migrations = []string{
	0: `
CREATE TABLE prefs (
	user_key      bytea PRIMARY KEY,
	lang          text NOT NULL DEFAULT '',
	country       text NOT NULL DEFAULT '',
	audience      text NOT NULL DEFAULT '',
	opted_out     boolean NOT NULL DEFAULT false,
	asked_country boolean NOT NULL DEFAULT false,
	last_seen     date
);
CREATE INDEX prefs_last_seen ON prefs (last_seen);
CREATE TABLE counts (
	day      date NOT NULL,
	platform text NOT NULL,
	event    text NOT NULL,
	kind     text NOT NULL,
	lang     text NOT NULL,
	faq_id   text NOT NULL,
	n        bigint NOT NULL,
	PRIMARY KEY (day, platform, event, kind, lang, faq_id)
);
CREATE TABLE gaps (
	id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	day  date NOT NULL,
	lang text NOT NULL,
	text text NOT NULL
);
CREATE INDEX gaps_day ON gaps (day, id);
CREATE TABLE seen (
	key     bytea PRIMARY KEY,
	expires timestamptz NOT NULL
);
CREATE INDEX seen_expires ON seen (expires);
`,
}

// Options tune Open. The zero value opens a store without a secret.
type Options struct {
	// Secret keys the hashes users and deliveries are filed under: at least
	// MinSecret bytes, the same on every replica. Without it only the
	// counters, the gap log and expiry work; the rest returns ErrNoSecret.
	Secret []byte
	// FlushEvery is how long counters gather in memory before they are
	// added to the table (default 10s). A replica killed outright loses at
	// most this much counting, never a preference.
	FlushEvery time.Duration
	// Now is the clock of Seen and of the sweep of expired deliveries
	// (time.Now by default).
	Now func() time.Time
}

// Store is the PostgreSQL store. It is safe for concurrent use, and any
// number of Stores, in any number of processes, may share one database.
type Store struct {
	pool   *pgxpool.Pool
	secret []byte
	opts   Options

	pending  chat.Tally
	mu       sync.Mutex // guards flushErr
	flushErr error      // of the last background flush, returned by the next Add

	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

var (
	_ chat.Store   = (*Store)(nil)
	_ chat.GapLog  = (*Store)(nil)
	_ chat.Deduper = (*Store)(nil)
)

// Open connects to the database named by dsn (a postgres:// URL or
// key=value pairs, as libpq takes them; pool_max_conns sets the pool size),
// applies the migrations and checks the secret. ctx bounds the connection
// and the migrations.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	return open(ctx, dsn, opts, nil)
}

// open is Open with a hook on the pool's configuration, for tests.
func open(ctx context.Context, dsn string, opts Options, configure func(*pgxpool.Config)) (*Store, error) {
	if opts.Secret != nil && len(opts.Secret) < MinSecret {
		return nil, fmt.Errorf("the secret is %d bytes; it must be at least %d", len(opts.Secret), MinSecret)
	}
	if opts.FlushEvery <= 0 {
		opts.FlushEvery = 10 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's message may quote the string, password included.
		return nil, errors.New("the PostgreSQL connection string is not valid (postgres://user@host/db, or key=value pairs)")
	}
	if configure != nil {
		configure(cfg)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := migrate(ctx, pool, opts.Secret); err != nil {
		pool.Close()
		return nil, err
	}
	s := &Store{pool: pool, secret: opts.Secret, opts: opts, stop: make(chan struct{}), stopped: make(chan struct{})}
	go s.flushLoop()
	return s, nil
}

// lockKey names an advisory lock of this schema's Salama: two deployments
// in two schemas of one database do not wait for each other.
const lockKey = `hashtextextended('salama ' || $1::text || ' ' || current_schema(), 0)`

// secretCheck is the keyed check value of a secret: it proves that two
// replicas hold the same secret without storing it.
func secretCheck(secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("salama secret check"))
	return hex.EncodeToString(m.Sum(nil))
}

func migrate(ctx context.Context, pool *pgxpool.Pool, secret []byte) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(`+lockKey+`)`, "migrate"); err != nil {
		return fmt.Errorf("postgres: migration lock: %w", err)
	}
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT to_regclass('meta') IS NOT NULL`).Scan(&exists); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	if !exists {
		if _, err := tx.Exec(ctx, `CREATE TABLE meta (name text PRIMARY KEY, value text NOT NULL)`); err != nil {
			return fmt.Errorf("postgres: create meta: %w", err)
		}
	}
	meta := func(name string) (string, bool, error) {
		var v string
		err := tx.QueryRow(ctx, `SELECT value FROM meta WHERE name = $1`, name).Scan(&v)
		if errors.Is(err, pgx.ErrNoRows) {
			return "", false, nil
		}
		return v, err == nil, err
	}
	stored, ok, err := meta("schema")
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	v := 0
	if ok {
		if v, err = strconv.Atoi(stored); err != nil {
			return fmt.Errorf("postgres: damaged schema version %q", stored)
		}
	}
	if v > SchemaVersion {
		return fmt.Errorf("schema version %d is newer than this salama (%d); upgrade salama", v, SchemaVersion)
	}
	for ; v < SchemaVersion; v++ {
		if _, err := tx.Exec(ctx, migrations[v]); err != nil {
			return fmt.Errorf("postgres: migrate schema %d to %d: %w", v, v+1, err)
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO meta (name, value) VALUES ('schema', $1)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, strconv.Itoa(SchemaVersion)); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	if secret != nil {
		check, ok, err := meta("secret_check")
		switch {
		case err != nil:
			return fmt.Errorf("postgres: %w", err)
		case !ok:
			if _, err := tx.Exec(ctx, `INSERT INTO meta (name, value) VALUES ('secret_check', $1)`, secretCheck(secret)); err != nil {
				return fmt.Errorf("postgres: %w", err)
			}
		case !hmac.Equal([]byte(check), []byte(secretCheck(secret))):
			return ErrSecretMismatch
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

func (s *Store) userKey(u chat.User) ([]byte, error) {
	if s.secret == nil {
		return nil, ErrNoSecret
	}
	return hex.DecodeString(chat.UserKey(s.secret, u))
}

// deliveryKey is the keyed hash a delivery id is remembered under.
func (s *Store) deliveryKey(key string) ([]byte, error) {
	if s.secret == nil {
		return nil, ErrNoSecret
	}
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("\x00seen\x00"))
	m.Write([]byte(key))
	return m.Sum(nil), nil
}

func (s *Store) Prefs(ctx context.Context, u chat.User) (chat.Prefs, error) {
	k, err := s.userKey(u)
	if err != nil {
		return chat.Prefs{}, err
	}
	var p chat.Prefs
	var last pgtype.Date
	err = s.pool.QueryRow(ctx, `SELECT lang, country, audience, opted_out, asked_country, last_seen
		FROM prefs WHERE user_key = $1`, k).Scan(&p.Lang, &p.Country, &p.Audience, &p.OptedOut, &p.AskedCountry, &last)
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.Prefs{}, nil
	}
	if err != nil {
		return chat.Prefs{}, fmt.Errorf("postgres: read prefs: %w", err)
	}
	if last.Valid {
		y, m, d := last.Time.Date()
		p.LastSeen = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return p, nil
}

// date is a day for a date column: NULL for the zero time.
func date(t time.Time) pgtype.Date {
	if t.IsZero() {
		return pgtype.Date{}
	}
	y, m, d := t.UTC().Date()
	return pgtype.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), Valid: true}
}

func (s *Store) SavePrefs(ctx context.Context, u chat.User, p chat.Prefs) error {
	k, err := s.userKey(u)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO prefs (user_key, lang, country, audience, opted_out, asked_country, last_seen)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (user_key) DO UPDATE SET lang = excluded.lang, country = excluded.country,
			audience = excluded.audience, opted_out = excluded.opted_out,
			asked_country = excluded.asked_country, last_seen = excluded.last_seen`,
		k, p.Lang, p.Country, p.Audience, p.OptedOut, p.AskedCountry, date(p.LastSeen))
	if err != nil {
		return fmt.Errorf("postgres: save prefs: %w", err)
	}
	return nil
}

func (s *Store) Forget(ctx context.Context, u chat.User) error {
	k, err := s.userKey(u)
	return s.deleteKey(ctx, "forget", `DELETE FROM prefs WHERE user_key = $1`, k, err)
}

// deleteKey runs a DELETE of one keyed hash, once the key could be made.
func (s *Store) deleteKey(ctx context.Context, what, sql string, key []byte, keyErr error) error {
	if keyErr != nil {
		return keyErr
	}
	if _, err := s.pool.Exec(ctx, sql, key); err != nil {
		return fmt.Errorf("postgres: %s: %w", what, err)
	}
	return nil
}

// Add adds n to a counter. Counters gather in memory and are added to the
// table every Options.FlushEvery, and by Counts and Close. An error of the
// last background flush is returned here, once; its counts are kept for
// the next try.
func (s *Store) Add(_ context.Context, c chat.Count, n int64) error {
	s.pending.Add(c, n)
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.flushErr
	s.flushErr = nil
	return err
}

// flushTimeout bounds one background flush.
const flushTimeout = 30 * time.Second

func (s *Store) flushLoop() {
	defer close(s.stopped)
	t := time.NewTicker(s.opts.FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			// Generous: a flush cut short may still have been committed,
			// and its counts, kept for the next try, would then count twice.
			ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
			err := s.flush(ctx)
			cancel()
			if err != nil {
				s.mu.Lock()
				s.flushErr = err
				s.mu.Unlock()
			}
		}
	}
}

// flush adds the gathered counters to the table in one statement. Rows go
// in key order, so that two replicas flushing the same keys lock them in
// the same order and cannot deadlock.
func (s *Store) flush(ctx context.Context) error {
	pending := s.pending.Take()
	if len(pending) == 0 {
		return nil
	}
	rows := make([]chat.CountRow, 0, len(pending))
	for c, n := range pending {
		rows = append(rows, chat.CountRow{Count: c, N: n})
	}
	chat.SortCounts(rows)
	days, ns := make([]time.Time, len(rows)), make([]int64, len(rows))
	platforms, events, kinds := make([]string, len(rows)), make([]string, len(rows)), make([]string, len(rows))
	langs, ids := make([]string, len(rows)), make([]string, len(rows))
	var err error
	for i, r := range rows {
		if days[i], err = time.Parse(time.DateOnly, r.Day); err != nil {
			err = fmt.Errorf("postgres: counter day %q: %w", r.Day, err)
			break
		}
		platforms[i], events[i], kinds[i] = string(r.Platform), string(r.Event), string(r.Kind)
		langs[i], ids[i], ns[i] = r.Lang, r.FAQID, r.N
	}
	if err == nil {
		_, err = s.pool.Exec(ctx, `INSERT INTO counts (day, platform, event, kind, lang, faq_id, n)
			SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
			ON CONFLICT (day, platform, event, kind, lang, faq_id) DO UPDATE SET n = counts.n + excluded.n`,
			days, platforms, events, kinds, langs, ids, ns)
		if err != nil {
			err = fmt.Errorf("postgres: add counters: %w", err)
		}
	}
	if err != nil {
		s.pending.Return(pending) // for the next try
	}
	return err
}

// Counts writes this process's gathered counters, then reads every
// replica's. A replica's last FlushEvery of counting shows once it flushes.
func (s *Store) Counts(ctx context.Context, since string) ([]chat.CountRow, error) {
	if err := s.flush(ctx); err != nil {
		return nil, err
	}
	where, args, err := sinceDay(since)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT day, platform, event, kind, lang, faq_id, n FROM counts`+where, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: read counters: %w", err)
	}
	var out []chat.CountRow
	for rows.Next() {
		var r chat.CountRow
		var day time.Time
		var p, ev, k string
		if err := rows.Scan(&day, &p, &ev, &k, &r.Lang, &r.FAQID, &r.N); err != nil {
			rows.Close()
			return nil, fmt.Errorf("postgres: read counters: %w", err)
		}
		r.Day, r.Platform, r.Event, r.Kind = day.Format(time.DateOnly), chat.Platform(p), chat.Event(ev), chat.Kind(k)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: read counters: %w", err)
	}
	chat.SortCounts(out)
	return out, nil
}

// sinceDay is the WHERE clause of "days on or after since" and its
// argument; none for since "".
func sinceDay(since string) (string, []any, error) {
	if since == "" {
		return "", nil, nil
	}
	d, err := time.Parse(time.DateOnly, since)
	if err != nil {
		return "", nil, fmt.Errorf("postgres: since %q: %w", since, err)
	}
	return ` WHERE day >= $1`, []any{d}, nil
}

// sweep runs del in a transaction under the sweep lock, unless another
// replica holds it: then it returns 0 at once, as that replica deletes the
// same rows.
func (s *Store) sweep(ctx context.Context, del func(tx pgx.Tx) (int64, error)) (int, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("postgres: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	var mine bool
	if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(`+lockKey+`)`, "sweep").Scan(&mine); err != nil {
		return 0, fmt.Errorf("postgres: sweep lock: %w", err)
	}
	if !mine {
		return 0, nil
	}
	n, err := del(tx)
	if err != nil {
		return 0, fmt.Errorf("postgres: sweep: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("postgres: sweep: %w", err)
	}
	return int(n), nil
}

// Expire deletes the preferences of users last seen before cutoff's day,
// and the memory of deliveries whose ttl has passed. It returns how many
// users it deleted; 0 when another replica is sweeping.
func (s *Store) Expire(ctx context.Context, cutoff time.Time) (int, error) {
	return s.sweep(ctx, func(tx pgx.Tx) (int64, error) {
		tag, err := tx.Exec(ctx, `DELETE FROM prefs WHERE last_seen IS NULL OR last_seen < $1`, date(cutoff))
		if err != nil {
			return 0, err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM seen WHERE expires <= $1`, s.opts.Now()); err != nil {
			return 0, err
		}
		return tag.RowsAffected(), nil
	})
}

// Close stops the background flush, writes the gathered counters and
// closes the pool.
func (s *Store) Close() error {
	var err error
	s.once.Do(func() {
		close(s.stop)
		<-s.stopped
		ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
		defer cancel()
		err = s.flush(ctx)
		s.pool.Close()
	})
	return err
}

func (s *Store) AddGap(ctx context.Context, g chat.Gap) error {
	d, err := time.Parse(time.DateOnly, g.Day)
	if err != nil {
		return fmt.Errorf("postgres: gap day %q: %w", g.Day, err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO gaps (day, lang, text) VALUES ($1, $2, $3)`, d, g.Lang, g.Text); err != nil {
		return fmt.Errorf("postgres: add gap: %w", err)
	}
	return nil
}

func (s *Store) Gaps(ctx context.Context, since string) ([]chat.Gap, error) {
	where, args, err := sinceDay(since)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT day, lang, text FROM gaps`+where+` ORDER BY day, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: read gaps: %w", err)
	}
	var out []chat.Gap
	for rows.Next() {
		var g chat.Gap
		var day time.Time
		if err := rows.Scan(&day, &g.Lang, &g.Text); err != nil {
			rows.Close()
			return nil, fmt.Errorf("postgres: read gaps: %w", err)
		}
		g.Day = day.Format(time.DateOnly)
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: read gaps: %w", err)
	}
	return out, nil
}

// ExpireGaps deletes the gaps of days before day; 0 when another replica
// is sweeping.
func (s *Store) ExpireGaps(ctx context.Context, day string) (int, error) {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return 0, fmt.Errorf("postgres: day %q: %w", day, err)
	}
	return s.sweep(ctx, func(tx pgx.Tx) (int64, error) {
		tag, err := tx.Exec(ctx, `DELETE FROM gaps WHERE day < $1`, d)
		return tag.RowsAffected(), err
	})
}

// Seen records the keyed hash of key until ttl passes, in one statement:
// the insert succeeds, or revives an expired row, only for the first
// caller, whichever replica it runs in.
func (s *Store) Seen(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	k, err := s.deliveryKey(key)
	if err != nil {
		return false, err
	}
	now := s.opts.Now()
	var one int
	err = s.pool.QueryRow(ctx, `INSERT INTO seen (key, expires) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET expires = excluded.expires WHERE seen.expires <= $3
		RETURNING 1`, k, now.Add(ttl), now).Scan(&one)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("postgres: seen: %w", err)
	}
	return false, nil
}

func (s *Store) Unsee(ctx context.Context, key string) error {
	k, err := s.deliveryKey(key)
	return s.deleteKey(ctx, "unsee", `DELETE FROM seen WHERE key = $1`, k, err)
}
