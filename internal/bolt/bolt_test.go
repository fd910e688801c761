package bolt_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/salama-safety/salama/internal/bolt"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/storetest"
)

// MustOpen opens a store in a fresh directory, closed when the test ends.
func MustOpen(tb testing.TB, dir string) *bolt.Store {
	tb.Helper()
	s, err := bolt.Open(dir, bolt.Options{Timeout: 200 * time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) chat.Store {
		dir := tb.TempDir()
		return dumper{MustOpen(tb, dir), dir}
	})
}

// dumper shows storetest the database file as it is on disk.
type dumper struct {
	*bolt.Store
	dir string
}

func (d dumper) Dump(context.Context) ([]byte, error) {
	return os.ReadFile(filepath.Join(d.dir, "salama.db"))
}

func (d dumper) Secret() []byte {
	b, _ := os.ReadFile(filepath.Join(d.dir, "secret"))
	return b
}

func TestRawIDNeverStored(t *testing.T) {
	dir := t.TempDir()
	s := MustOpen(t, dir)
	u := chat.User{Platform: chat.Telegram, ID: "987654321"}
	if err := s.SavePrefs(context.Background(), u, chat.Prefs{Lang: "sw", Country: "KE"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	data, err := os.ReadFile(filepath.Join(dir, "salama.db"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("987654321")) {
		t.Error("the raw user id is in the database file")
	}
	if !bytes.Contains(data, []byte(`"country":"KE"`)) {
		t.Error("the preferences are not in the file; is the test looking at the right file?")
	}
}

func TestSecondProcessGetsErrLocked(t *testing.T) {
	dir := t.TempDir()
	MustOpen(t, dir)
	_, err := bolt.Open(dir, bolt.Options{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, bolt.ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
}

func TestReopenKeepsSecretAndData(t *testing.T) {
	dir := t.TempDir()
	u := chat.User{Platform: chat.Slack, ID: "U1"}
	s := MustOpen(t, dir)
	_ = s.SavePrefs(context.Background(), u, chat.Prefs{Lang: "fr"})
	s.Close()
	s2 := MustOpen(t, dir)
	if p, _ := s2.Prefs(context.Background(), u); p.Lang != "fr" {
		t.Errorf("after reopen, Prefs = %+v", p)
	}
}

// A data directory written by schema 1 (before the gap log) opens and gains
// the gap bucket, keeping its preferences.
func TestMigrationFromSchema1(t *testing.T) {
	dir := t.TempDir()
	s := MustOpen(t, dir)
	u := chat.User{Platform: chat.Telegram, ID: "7"}
	_ = s.SavePrefs(context.Background(), u, chat.Prefs{Lang: "sw"})
	s.Close()
	db, err := bbolt.Open(filepath.Join(dir, "salama.db"), 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error { // make it look like schema 1
		if err := tx.DeleteBucket([]byte("gaps")); err != nil {
			return err
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte{1})
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s = MustOpen(t, dir)
	if p, _ := s.Prefs(context.Background(), u); p.Lang != "sw" {
		t.Errorf("prefs lost in migration: %+v", p)
	}
	if err := s.AddGap(context.Background(), chat.Gap{Day: "2026-11-27", Lang: "en", Text: "x"}); err != nil {
		t.Errorf("gap log after migration: %v", err)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	dir := t.TempDir()
	MustOpen(t, dir).Close()
	db, _ := bbolt.Open(filepath.Join(dir, "salama.db"), 0o600, &bbolt.Options{Timeout: time.Second})
	_ = db.Update(func(tx *bbolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte{99}) })
	db.Close()
	if _, err := bolt.Open(dir, bolt.Options{Timeout: 100 * time.Millisecond}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open(schema 99) = %v, want a refusal", err)
	}
}

// Counters gather in memory; Close writes them, so nothing counted is lost
// on a clean stop.
func TestCountersWrittenOnClose(t *testing.T) {
	dir := t.TempDir()
	s := MustOpen(t, dir)
	c := chat.Count{Day: "2026-11-27", Platform: chat.Telegram, Event: chat.EventReply, Kind: chat.KindAnswer, Lang: "sw", FAQID: "grooming.what"}
	for range 3 {
		if err := s.Add(context.Background(), c, 1); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err := MustOpen(t, dir).Counts(context.Background(), "")
	if err != nil || len(rows) != 1 || rows[0].N != 3 {
		t.Errorf("after reopen Counts = %+v, %v; want one row of 3", rows, err)
	}
}
