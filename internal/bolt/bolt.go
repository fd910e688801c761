// Package bolt is the chat.Store on go.etcd.io/bbolt: one file in the data
// directory, next to the secret that keys it.
//
// # Layout
//
//	DIR/secret     32 random bytes, made on first start (mode 0600)
//	DIR/salama.db  buckets:
//	  meta    "schema" → the schema version (one byte)
//	  prefs   HMAC-SHA256(secret, platform ␀ user id), hex → JSON chat.Prefs
//	  counts  day ␀ platform ␀ event ␀ kind ␀ lang ␀ faq id → int64, big endian
//	  gaps    day ␀ lang ␀ sequence (8 bytes) → scrubbed question (schema 2)
//
// No message text and no raw user id is written. A second process opening
// the same file gets ErrLocked within Options.Timeout instead of hanging.
//
// # Migrations
//
// Open reads the schema version and applies each migration after it in one
// transaction; a file from a newer Salama is refused rather than damaged.
package bolt

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/salama-safety/salama/internal/chat"
)

// SchemaVersion is the layout this code writes.
const SchemaVersion = 2

// ErrLocked means another process has the database open.
var ErrLocked = errors.New("the data directory is in use by another salama process")

var (
	bucketMeta   = []byte("meta")
	bucketPrefs  = []byte("prefs")
	bucketCounts = []byte("counts")
	bucketGaps   = []byte("gaps")
	keySchema    = []byte("schema")
)

// migrations[i] upgrades schema version i to i+1.
var migrations = []func(tx *bbolt.Tx) error{
	0: func(tx *bbolt.Tx) error { // an empty file: create the buckets
		for _, b := range [][]byte{bucketPrefs, bucketCounts} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	},
	1: func(tx *bbolt.Tx) error { // the content-gap log
		_, err := tx.CreateBucketIfNotExists(bucketGaps)
		return err
	},
}

// Options tune Open. The zero value is usable.
type Options struct {
	// Timeout bounds the wait for another process's lock (default 2s).
	Timeout time.Duration
	// FlushEvery is how long counters gather in memory before they are
	// written (default 10s). Counting each reply in its own transaction
	// would cost a disk sync per message; a crash loses at most this much
	// counting, never a preference.
	FlushEvery time.Duration
	// Now is the clock (time.Now by default).
	Now func() time.Time
	// CommitDelay makes every write transaction take this much longer, as
	// a slow, fsync-bound disk does: for load tests only (salama-load
	// -commit-delay). Zero in production.
	CommitDelay time.Duration
}

// Store is the bbolt store.
type Store struct {
	db     *bbolt.DB
	secret []byte
	opts   Options

	mu        sync.Mutex
	pending   map[chat.Count]int64
	lastFlush time.Time
	// The group commit of batch: writes waiting, and whether commitWrites
	// runs.
	wmu     sync.Mutex
	writes  []pendingWrite
	writing bool
	writers sync.WaitGroup
}

var (
	_ chat.Store  = (*Store)(nil)
	_ chat.GapLog = (*Store)(nil)
)

// Open opens or creates the store in dir.
func Open(dir string, opts Options) (*Store, error) {
	if opts.Timeout == 0 {
		opts.Timeout = 2 * time.Second
	}
	if opts.FlushEvery == 0 {
		opts.FlushEvery = 10 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	secret, err := loadSecret(filepath.Join(dir, "secret"))
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "salama.db")
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: opts.Timeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("%s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := migrate(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Store{db: db, secret: secret, opts: opts, pending: map[chat.Count]int64{}, lastFlush: opts.Now()}, nil
}

func loadSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		if len(b) < 32 {
			return nil, fmt.Errorf("%s is damaged (%d bytes); restore it, or delete it together with salama.db to start afresh", path, len(b))
		}
		return b, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("write secret: %w", err)
	}
	return b, nil
}

func migrate(db *bbolt.DB) error {
	return db.Update(func(tx *bbolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		v := 0
		if b := meta.Get(keySchema); len(b) == 1 {
			v = int(b[0])
		}
		if v > SchemaVersion {
			return fmt.Errorf("schema version %d is newer than this salama (%d); upgrade salama", v, SchemaVersion)
		}
		for ; v < SchemaVersion; v++ {
			if err := migrations[v](tx); err != nil {
				return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
			}
		}
		return meta.Put(keySchema, []byte{byte(SchemaVersion)})
	})
}

// prefsRecord is the stored form of chat.Prefs; its JSON names are the schema.
type prefsRecord struct {
	Lang         string `json:"lang,omitempty"`
	Country      string `json:"country,omitempty"`
	Audience     string `json:"audience,omitempty"`
	OptedOut     bool   `json:"opted_out,omitempty"`
	AskedCountry bool   `json:"asked_country,omitempty"`
	LastSeen     string `json:"last_seen,omitempty"` // YYYY-MM-DD
}

func (s *Store) key(u chat.User) []byte { return []byte(chat.UserKey(s.secret, u)) }

func (s *Store) Prefs(_ context.Context, u chat.User) (chat.Prefs, error) {
	var p chat.Prefs
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketPrefs).Get(s.key(u))
		if b == nil {
			return nil
		}
		var r prefsRecord
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("read prefs: %w", err)
		}
		p = chat.Prefs{Lang: r.Lang, Country: r.Country, Audience: r.Audience, OptedOut: r.OptedOut, AskedCountry: r.AskedCountry}
		if r.LastSeen != "" {
			p.LastSeen, _ = time.Parse(time.DateOnly, r.LastSeen)
		}
		return nil
	})
	return p, err
}

func (s *Store) SavePrefs(_ context.Context, u chat.User, p chat.Prefs) error {
	r := prefsRecord{Lang: p.Lang, Country: p.Country, Audience: p.Audience, OptedOut: p.OptedOut, AskedCountry: p.AskedCountry}
	if !p.LastSeen.IsZero() {
		r.LastSeen = p.LastSeen.UTC().Format(time.DateOnly)
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.batch(func(tx *bbolt.Tx) error { return tx.Bucket(bucketPrefs).Put(s.key(u), b) })
}

func (s *Store) Forget(_ context.Context, u chat.User) error {
	return s.batch(func(tx *bbolt.Tx) error { return tx.Bucket(bucketPrefs).Delete(s.key(u)) })
}

// batch writes by group commit: a write waits for the commit in progress,
// if any, and then goes out together with every write that arrived
// meanwhile, in one transaction and one disk sync. So a burst of new users
// on the same day does not wait for one sync each, however slow the disk,
// and a lone write on a fast disk waits for nothing. (bbolt's own Batch
// gathers only for a fixed delay, which on a slow disk makes small batches
// queue one behind the other.) fn may run twice, alone, when another write
// of its transaction failed, so it must be idempotent (a Put or a Delete
// is).
func (s *Store) batch(fn func(*bbolt.Tx) error) error {
	w := pendingWrite{fn: fn, done: make(chan error, 1)}
	s.wmu.Lock()
	s.writes = append(s.writes, w)
	if !s.writing {
		s.writing = true
		s.writers.Add(1)
		go s.commitWrites()
	}
	s.wmu.Unlock()
	return <-w.done
}

type pendingWrite struct {
	fn   func(*bbolt.Tx) error
	done chan error
}

// commitWrites commits the pending writes, all together, until none is
// left.
func (s *Store) commitWrites() {
	defer s.writers.Done()
	for {
		s.wmu.Lock()
		q := s.writes
		s.writes = nil
		if len(q) == 0 {
			s.writing = false
			s.wmu.Unlock()
			return
		}
		s.wmu.Unlock()
		err := s.update(func(tx *bbolt.Tx) error {
			for _, w := range q {
				if err := w.fn(tx); err != nil {
					return err
				}
			}
			return nil
		})
		for _, w := range q {
			if err != nil && len(q) > 1 {
				// One write failed the group: each alone, to tell whose.
				w.done <- s.update(w.fn)
				continue
			}
			w.done <- err
		}
	}
}

// update is a write transaction of its own.
func (s *Store) update(fn func(*bbolt.Tx) error) error {
	return s.db.Update(s.slow(fn))
}

// slow adds Options.CommitDelay to a write transaction.
func (s *Store) slow(fn func(*bbolt.Tx) error) func(*bbolt.Tx) error {
	if s.opts.CommitDelay <= 0 {
		return fn
	}
	return func(tx *bbolt.Tx) error {
		time.Sleep(s.opts.CommitDelay)
		return fn(tx)
	}
}

func countKey(c chat.Count) []byte {
	return []byte(strings.Join([]string{c.Day, string(c.Platform), string(c.Event), string(c.Kind), c.Lang, c.FAQID}, "\x00"))
}

// Add adds n to a counter. Counters gather in memory and are written
// together every Options.FlushEvery, and by Counts and Close.
func (s *Store) Add(_ context.Context, c chat.Count, n int64) error {
	s.mu.Lock()
	s.pending[c] += n
	due := s.opts.Now().Sub(s.lastFlush) >= s.opts.FlushEvery
	s.mu.Unlock()
	if due {
		return s.flush()
	}
	return nil
}

// flush writes the gathered counters in one transaction.
func (s *Store) flush() error {
	s.mu.Lock()
	pending := s.pending
	s.pending, s.lastFlush = map[chat.Count]int64{}, s.opts.Now()
	s.mu.Unlock()
	if len(pending) == 0 {
		return nil
	}
	err := s.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketCounts)
		for c, n := range pending {
			k := countKey(c)
			var v int64
			if old := b.Get(k); len(old) == 8 {
				v = int64(binary.BigEndian.Uint64(old))
			}
			if err := b.Put(k, binary.BigEndian.AppendUint64(nil, uint64(v+n))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil { // keep them for the next try
		s.mu.Lock()
		for c, n := range pending {
			s.pending[c] += n
		}
		s.mu.Unlock()
	}
	return err
}

func (s *Store) Counts(_ context.Context, since string) ([]chat.CountRow, error) {
	if err := s.flush(); err != nil {
		return nil, err
	}
	var out []chat.CountRow
	err := s.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketCounts).Cursor()
		for k, v := c.Seek([]byte(since)); k != nil; k, v = c.Next() {
			f := strings.Split(string(k), "\x00")
			if len(f) != 6 || len(v) != 8 {
				return fmt.Errorf("damaged counter %q", k)
			}
			out = append(out, chat.CountRow{
				Count: chat.Count{Day: f[0], Platform: chat.Platform(f[1]), Event: chat.Event(f[2]), Kind: chat.Kind(f[3]), Lang: f[4], FAQID: f[5]},
				N:     int64(binary.BigEndian.Uint64(v)),
			})
		}
		return nil
	})
	chat.SortCounts(out)
	return out, err
}

func (s *Store) Expire(_ context.Context, cutoff time.Time) (int, error) {
	n := 0
	day := cutoff.UTC().Format(time.DateOnly)
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketPrefs)
		var old [][]byte
		err := b.ForEach(func(k, v []byte) error {
			var r prefsRecord
			if json.Unmarshal(v, &r) != nil || r.LastSeen < day {
				old = append(old, k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range old {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(old)
		return nil
	})
	return n, err
}

// Close writes the gathered counters and closes the file. Writes still
// running are finished first.
func (s *Store) Close() error {
	ferr := s.flush()
	s.writers.Wait()
	return errors.Join(ferr, s.db.Close())
}

func (s *Store) AddGap(_ context.Context, g chat.Gap) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketGaps)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		key := binary.BigEndian.AppendUint64([]byte(g.Day+"\x00"+g.Lang+"\x00"), seq)
		return b.Put(key, []byte(g.Text))
	})
}

func (s *Store) Gaps(_ context.Context, since string) ([]chat.Gap, error) {
	var out []chat.Gap
	err := s.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketGaps).Cursor()
		for k, v := c.Seek([]byte(since)); k != nil; k, v = c.Next() {
			f := strings.SplitN(string(k), "\x00", 3)
			if len(f) != 3 {
				return fmt.Errorf("damaged gap %q", k)
			}
			out = append(out, chat.Gap{Day: f[0], Lang: f[1], Text: string(v)})
		}
		return nil
	})
	return out, err
}

func (s *Store) ExpireGaps(_ context.Context, day string) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketGaps).Cursor()
		for k, _ := c.First(); k != nil && string(k) < day; k, _ = c.Next() {
			if err := c.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
