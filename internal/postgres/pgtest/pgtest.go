// Package pgtest gives a test a PostgreSQL database of its own: a fresh,
// empty schema on the server named by SALAMA_TEST_POSTGRES, dropped when the
// test ends. Without the variable the test is skipped, so `go test ./...`
// passes on a machine without PostgreSQL; .ci/run starts a throwaway server
// on a Unix socket and sets it.
package pgtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Env names the variable holding the test server's connection string.
const Env = "SALAMA_TEST_POSTGRES"

// MustDSN returns a postgres:// URL of a fresh schema, or skips the test
// when Env is not set.
func MustDSN(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(Env)
	if base == "" {
		tb.Skipf("PostgreSQL tests skipped: set %s to a connection string of a server where tests may create schemas, "+
			"e.g. %s='host=/tmp/pg user=postgres dbname=postgres' (.ci/run starts a throwaway server and sets it)", Env, Env)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("%s: %v", Env, err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "salama_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return WithParam(asURL(tb, base), "search_path", schema)
}

// asURL writes a connection string as a postgres:// URL, the form
// SALAMA_STORE takes.
func asURL(tb testing.TB, dsn string) string {
	tb.Helper()
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		tb.Fatalf("%s: %v", Env, err)
	}
	q := url.Values{"host": {cfg.Host}, "port": {strconv.Itoa(int(cfg.Port))}}
	if cfg.TLSConfig == nil {
		q.Set("sslmode", "disable")
	}
	u := url.URL{Scheme: "postgres", User: url.UserPassword(cfg.User, cfg.Password), Path: "/" + cfg.Database, RawQuery: q.Encode()}
	if cfg.Password == "" {
		u.User = url.User(cfg.User)
	}
	return u.String()
}

// WithParam adds a parameter to a connection string, in either of its
// forms (a postgres:// URL, or key=value pairs): a run-time setting such as
// search_path, or one of pgx's such as pool_max_conns.
func WithParam(dsn, key, value string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			q := u.Query()
			q.Set(key, value)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return dsn + " " + key + "=" + value
}

// Dump returns every row of every table in the connection's schema as
// JSON text, one table after another, for tests that check what the store
// writes down.
func Dump(ctx context.Context, dsn string) ([]byte, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() ORDER BY table_name`)
	if err != nil {
		return nil, err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	if len(tables) == 0 {
		return nil, fmt.Errorf("no tables in the schema")
	}
	var out bytes.Buffer
	for _, t := range tables {
		rows, err := conn.Query(ctx, `SELECT row_to_json(t)::text FROM `+pgx.Identifier{t}.Sanitize()+` t`)
		if err != nil {
			return nil, err
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&out, "-- %s\n%s\n", t, strings.Join(lines, "\n"))
	}
	return out.Bytes(), nil
}
