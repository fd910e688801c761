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
// # Deleted means unreadable
//
// bbolt never overwrites a page in place: a deleted or replaced value stays
// in the file's free pages until the space is reused. So whenever a record
// or a gap-log entry is deleted (Forget, Expire, ExpireGaps), the store
// compacts the file: it copies the live data into DIR/salama.db.compact,
// swaps that in, and overwrites the old file with zeros before removing it
// (through a hard link DIR/salama.db.old, so that a crash at any point
// leaves a whole database under the usual name; Open finishes the wipe).
// Compactions are at most Options.CompactEvery apart, so deleted data stays
// in the file at most that long; Compact does one at once, and Close does
// one that is due. Zeroing cannot reach copies a copy-on-write file system,
// an SSD's wear levelling or a backup made meanwhile may keep: see
// docs/OPERATING.md.
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

// ErrNoStore means Options.MustExist was set and the directory does not
// exist or holds no database.
var ErrNoStore = errors.New("no salama data here")

// ErrNoSecret means the database was opened with Options.MustExist from a
// directory without its secret: no user's record can be found.
var ErrNoSecret = errors.New("the secret file is missing, so no user's record can be found; restore it from the backup of this salama.db")

// The files in the data directory.
const (
	dbFile      = "salama.db"
	secretFile  = "secret"
	compactFile = dbFile + ".compact" // a compaction being written
	oldFile     = dbFile + ".old"     // the file a compaction replaced, being wiped
)

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
	// MustExist refuses a directory that does not exist or holds no
	// salama.db (ErrNoStore) instead of creating one, and never makes a
	// secret: the operator's commands must not invent an empty store.
	MustExist bool
	// CompactEvery is the least time between two compactions after
	// deletions (default one minute).
	CompactEvery time.Duration
	// CompactFailed, when set, is told of a compaction after a deletion
	// that failed (the deleted data may then stay in the file's free pages
	// until the next one).
	CompactFailed func(error)
	// CommitDelay makes every write transaction take this much longer, as
	// a slow, fsync-bound disk does: for load tests only (salama-load
	// -commit-delay). Zero in production.
	CommitDelay time.Duration
}

// Store is the bbolt store.
type Store struct {
	dir    string
	secret []byte
	opts   Options

	// dbmu is held for reading by every use of db, and for writing while a
	// compaction swaps the file.
	dbmu sync.RWMutex
	db   *bbolt.DB

	pending   chat.Tally
	mu        sync.Mutex // guards lastFlush
	lastFlush time.Time

	cmu         sync.Mutex
	lastCompact time.Time
	compactDue  *time.Timer // a compaction is scheduled

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
	if opts.CompactEvery == 0 {
		opts.CompactEvery = time.Minute
	}
	path := filepath.Join(dir, dbFile)
	var secret []byte
	if opts.MustExist {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("%s: %w: the directory does not exist", dir, ErrNoStore)
		}
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("%s: %w: it holds no %s", dir, ErrNoStore, dbFile)
		}
		b, err := os.ReadFile(filepath.Join(dir, secretFile))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		secret = b // nil when missing: Prefs and Forget then say ErrNoSecret
	} else {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("data directory: %w", err)
		}
		var err error
		if secret, err = loadSecret(filepath.Join(dir, secretFile)); err != nil {
			return nil, err
		}
	}
	if len(secret) > 0 && len(secret) < 32 {
		return nil, fmt.Errorf("%s is damaged (%d bytes); restore it, or delete it together with salama.db to start afresh", filepath.Join(dir, secretFile), len(secret))
	}
	db, err := openDB(path, opts.Timeout)
	if err != nil {
		return nil, err
	}
	// a compaction that a crash interrupted: the database under its usual
	// name is whole either way
	_ = os.Remove(filepath.Join(dir, compactFile))
	if err := wipe(filepath.Join(dir, oldFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		db.Close()
		return nil, err
	}
	if err := migrate(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Store{dir: dir, db: db, secret: secret, opts: opts, lastFlush: opts.Now(), lastCompact: opts.Now()}, nil
}

func openDB(path string, timeout time.Duration) (*bbolt.DB, error) {
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: timeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("%s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// errClosed is returned by a store used after Close.
var errClosed = errors.New("bolt: the store is closed")

// view and update run fn in a read or a write transaction.
func (s *Store) view(fn func(*bbolt.Tx) error) error {
	s.dbmu.RLock()
	defer s.dbmu.RUnlock()
	if s.db == nil {
		return errClosed
	}
	return s.db.View(fn)
}

func (s *Store) update(fn func(*bbolt.Tx) error) error {
	s.dbmu.RLock()
	defer s.dbmu.RUnlock()
	if s.db == nil {
		return errClosed
	}
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

func loadSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return b, nil // Open checks its length
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

func (s *Store) key(u chat.User) ([]byte, error) {
	if s.secret == nil {
		return nil, ErrNoSecret
	}
	return []byte(chat.UserKey(s.secret, u)), nil
}

func (s *Store) Prefs(_ context.Context, u chat.User) (chat.Prefs, error) {
	var p chat.Prefs
	key, err := s.key(u)
	if err != nil {
		return p, err
	}
	err = s.view(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketPrefs).Get(key)
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
	key, err := s.key(u)
	if err != nil {
		return err
	}
	return s.batch(func(tx *bbolt.Tx) error { return tx.Bucket(bucketPrefs).Put(key, b) })
}

// Forget deletes the user's record, and compacts the file soon after
// (package comment) so that the record cannot be read from its free pages.
func (s *Store) Forget(_ context.Context, u chat.User) error {
	key, err := s.key(u)
	if err != nil {
		return err
	}
	found := false
	err = s.batch(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketPrefs)
		found = b.Get(key) != nil
		return b.Delete(key)
	})
	if err == nil && found {
		s.compactSoon()
	}
	return err
}

func countKey(c chat.Count) []byte {
	return []byte(strings.Join([]string{c.Day, string(c.Platform), string(c.Event), string(c.Kind), c.Lang, c.FAQID}, "\x00"))
}

// Add adds n to a counter. Counters gather in memory and are written
// together every Options.FlushEvery, and by Counts and Close.
func (s *Store) Add(_ context.Context, c chat.Count, n int64) error {
	s.pending.Add(c, n)
	s.mu.Lock()
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
	s.lastFlush = s.opts.Now()
	s.mu.Unlock()
	pending := s.pending.Take()
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
	if err != nil {
		s.pending.Return(pending) // for the next try
	}
	return err
}

func (s *Store) Counts(_ context.Context, since string) ([]chat.CountRow, error) {
	if err := s.flush(); err != nil {
		return nil, err
	}
	var out []chat.CountRow
	err := s.view(func(tx *bbolt.Tx) error {
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
	err := s.update(func(tx *bbolt.Tx) error {
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
	if err == nil && n > 0 {
		s.compactSoon()
	}
	return n, err
}

// Close writes the gathered counters, does a compaction that is due, and
// closes the file.
func (s *Store) Close() error {
	s.cmu.Lock()
	due := s.compactDue != nil && s.compactDue.Stop()
	s.compactDue = nil
	s.cmu.Unlock()
	var cerr error
	if due {
		cerr = s.Compact()
	}
	ferr := s.flush()
	s.writers.Wait() // writes still being committed
	s.dbmu.Lock()
	defer s.dbmu.Unlock()
	if s.db == nil {
		return errors.Join(cerr, ferr)
	}
	err := s.db.Close()
	s.db = nil
	return errors.Join(cerr, ferr, err)
}

func (s *Store) AddGap(_ context.Context, g chat.Gap) error {
	return s.update(func(tx *bbolt.Tx) error {
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
	err := s.view(func(tx *bbolt.Tx) error {
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
	err := s.update(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketGaps).Cursor()
		for k, _ := c.First(); k != nil && string(k) < day; k, _ = c.Next() {
			if err := c.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err == nil && n > 0 {
		s.compactSoon()
	}
	return n, err
}
