package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/salama-safety/salama/internal/bolt"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/postgres"
)

// Where the data is kept: bbolt in the data directory (the default, one
// process), or PostgreSQL (SALAMA_STORE=postgres://…), which several
// `salama serve` replicas share. This file is the only place that chooses.

// storage is what serve and the operator's commands need from a store.
type storage interface {
	chat.Store
	chat.GapLog
}

// storeSettings are the settings that choose the store. The store's URL
// may hold a password, so it is read like the channels' secrets (from
// SALAMA_STORE or the file named by SALAMA_STORE_FILE, never shown by
// --help, hidden from every output); the HMAC secret itself never has a
// flag: a flag would show in the process list.
type storeSettings struct {
	data       string // --data, SALAMA_DATA: the bbolt data directory
	store      string // --store, SALAMA_STORE: "" for bbolt, or a postgres:// URL
	secretFile string // --secret-file, SALAMA_SECRET_FILE (PostgreSQL only)
}

const secretEnv = "SALAMA_SECRET"

// storeFlags registers --data, --store and --secret-file for an operator's
// command.
func storeFlags(fs *flag.FlagSet) *storeSettings {
	st := &storeSettings{}
	fs.StringVar(&st.data, "data", "", "data directory (default $SALAMA_DATA, else the OS state directory); it must exist")
	st.register(fs)
	return st
}

// register adds --store and --secret-file; --data is registered by each
// command.
func (s *storeSettings) register(fs *flag.FlagSet) {
	fs.StringVar(&s.store, "store", "", "empty for bbolt in the data directory, or a postgres:// URL shared by every replica (env SALAMA_STORE or SALAMA_STORE_FILE; docs/OPERATING.md)")
	setting(fs, &s.secretFile, "secret-file", "SALAMA_SECRET_FILE", "", "with PostgreSQL: a file of at least 32 random bytes, the same on every replica (or hex in $"+secretEnv+")")
}

func (s *storeSettings) postgres() bool {
	return strings.HasPrefix(s.store, "postgres://") || strings.HasPrefix(s.store, "postgresql://")
}

// check reads SALAMA_STORE when --store was not given, and refuses
// settings that do not fit together, before anything opens.
func (s *storeSettings) check() error {
	if s.store == "" {
		v, err := secret("SALAMA_STORE")
		if err != nil {
			return err
		}
		s.store = v
	}
	redact(s.store)
	switch {
	case s.store != "" && !s.postgres():
		return usageError{errors.New("SALAMA_STORE must be empty (bbolt in the data directory) or a postgres:// URL")}
	case !s.postgres() && (s.secretFile != "" || os.Getenv(secretEnv) != ""):
		return usageError{fmt.Errorf("SALAMA_SECRET_FILE and %s are for a PostgreSQL store; bbolt keeps its secret in the data directory", secretEnv)}
	case s.secretFile != "" && os.Getenv(secretEnv) != "":
		return usageError{fmt.Errorf("set SALAMA_SECRET_FILE or %s, not both", secretEnv)}
	}
	return nil
}

// secret reads the secret that keys users in a shared store: the bytes of
// SALAMA_SECRET_FILE as they are, or the hex of SALAMA_SECRET. It never
// makes one: replicas that each made their own would file the same user
// under different keys.
func (s *storeSettings) secret() ([]byte, error) {
	if s.secretFile != "" {
		b, err := os.ReadFile(s.secretFile)
		if err != nil {
			return nil, usageError{fmt.Errorf("SALAMA_SECRET_FILE: %w", err)}
		}
		if len(b) < postgres.MinSecret {
			return nil, usageError{fmt.Errorf("SALAMA_SECRET_FILE %s holds %d bytes; it needs at least %d (head -c 32 /dev/urandom > FILE)", s.secretFile, len(b), postgres.MinSecret)}
		}
		redact(string(b))
		redact(hex.EncodeToString(b))
		return b, nil
	}
	if v := os.Getenv(secretEnv); v != "" {
		b, err := hex.DecodeString(strings.TrimSpace(v))
		redact(v)
		if err != nil || len(b) < postgres.MinSecret {
			return nil, usageError{fmt.Errorf("%s must be at least %d hex digits (openssl rand -hex 32)", secretEnv, 2*postgres.MinSecret)}
		}
		redact(string(b))
		return b, nil
	}
	return nil, nil
}

// errNoSecret explains what a PostgreSQL store needs.
var errNoSecret = usageError{errors.New("SALAMA_STORE is PostgreSQL, so the secret must come from SALAMA_SECRET_FILE (a file of 32 random bytes, the same on every replica: head -c 32 /dev/urandom > /etc/salama/secret) or " + secretEnv + "; Salama never makes one for a shared database")}

// openPostgres opens the shared store. needSecret is false for the commands
// that read only what is not keyed (stats, gaps).
func (s *storeSettings) openPostgres(ctx context.Context, needSecret bool) (*postgres.Store, error) {
	secret, err := s.secret()
	if err != nil {
		return nil, err
	}
	if secret == nil && needSecret {
		return nil, errNoSecret
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, err := postgres.Open(ctx, s.store, postgres.Options{Secret: secret})
	if errors.Is(err, postgres.ErrSecretMismatch) {
		return nil, usageError{err}
	}
	return st, err
}

// openServe opens the store for `salama serve`; dir is the bbolt data
// directory, where the admin socket goes, or "" for PostgreSQL, where the
// operator's commands go to the database itself.
func (s *storeSettings) openServe(ctx context.Context, boltOpts bolt.Options) (st storage, dir string, err error) {
	if s.postgres() {
		pg, err := s.openPostgres(ctx, true)
		if err != nil {
			return nil, "", err
		}
		return pg, "", nil
	}
	if dir, err = dataDir(s.data); err != nil {
		return nil, "", err
	}
	b, err := bolt.Open(dir, boltOpts)
	if err != nil {
		return nil, "", err
	}
	return b, dir, nil
}

// storeName is the store as the start-up log names it, never the URL
// (which may hold a password).
func (s *storeSettings) storeName() string {
	if s.postgres() {
		return "postgres"
	}
	return "bbolt"
}
