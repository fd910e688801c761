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

// rawFile is the database file as bytes, as someone with a copy of the disk
// would read it.
func rawFile(tb testing.TB, dir string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "salama.db"))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// Deleted gap-log entries and forgotten records cannot be read from the
// file afterwards: not as live data, not in its free pages.
func TestDeletedDataLeavesNoTraceInTheFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s, err := bolt.Open(dir, bolt.Options{Timeout: 200 * time.Millisecond, Now: func() time.Time { return now }, CompactEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const oldGap, newGap = "old question about zanzibarquux", "new question about quuxmanzibar"
	_ = s.AddGap(ctx, chat.Gap{Day: "2026-10-01", Lang: "en", Text: oldGap})
	_ = s.AddGap(ctx, chat.Gap{Day: "2026-11-27", Lang: "en", Text: newGap})
	gone := chat.User{Platform: chat.Telegram, ID: "42"}
	_ = s.SavePrefs(ctx, gone, chat.Prefs{Lang: "ha", Country: "ZZGONE", LastSeen: now})
	kept := chat.User{Platform: chat.Telegram, ID: "43"}
	_ = s.SavePrefs(ctx, kept, chat.Prefs{Lang: "sw", Country: "ZZKEPT", LastSeen: now})
	for _, want := range []string{oldGap, "ZZGONE"} {
		if !bytes.Contains(rawFile(t, dir), []byte(want)) {
			t.Fatalf("%q is not in the file before deletion; is the test reading the right file?", want)
		}
	}

	if n, err := s.ExpireGaps(ctx, "2026-10-28"); n != 1 || err != nil {
		t.Fatalf("ExpireGaps = %d, %v", n, err)
	}
	// this is why the store compacts: bbolt leaves a deleted value in a
	// free page until the page is reused
	if !bytes.Contains(rawFile(t, dir), []byte(oldGap)) {
		t.Fatal("bbolt no longer leaves deleted values in free pages; this test cannot see what it checks")
	}
	if err := s.Forget(ctx, gone); err != nil {
		t.Fatal(err)
	}
	if err := s.Compact(); err != nil {
		t.Fatal(err)
	}
	raw := rawFile(t, dir)
	for _, leak := range []string{oldGap, "zanzibarquux", "ZZGONE"} {
		if bytes.Contains(raw, []byte(leak)) {
			t.Errorf("%q can still be read from the raw file after deletion and compaction", leak)
		}
	}
	for _, live := range []string{newGap, "ZZKEPT"} {
		if !bytes.Contains(raw, []byte(live)) {
			t.Errorf("live data %q was lost by the compaction", live)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "salama.db.old")); !os.IsNotExist(err) {
		t.Errorf("the replaced file was not removed: %v", err)
	}
	// the store goes on working on the compacted file
	if p, _ := s.Prefs(ctx, kept); p.Country != "ZZKEPT" {
		t.Errorf("after compaction, Prefs = %+v", p)
	}
	if g, _ := s.Gaps(ctx, ""); len(g) != 1 || g[0].Text != newGap {
		t.Errorf("after compaction, Gaps = %+v", g)
	}
}

// A deletion compacts the file by itself, at most CompactEvery after the
// last compaction, and Close does a compaction that is due.
func TestDeletionCompactsByItself(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		every time.Duration
		close bool
	}{{"soon", time.Millisecond, false}, {"at close", time.Hour, true}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := bolt.Open(dir, bolt.Options{Timeout: 200 * time.Millisecond, CompactEvery: tc.every})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			_ = s.AddGap(ctx, chat.Gap{Day: "2026-10-01", Lang: "en", Text: "secretive plumbus question"})
			if n, _ := s.ExpireGaps(ctx, "2026-11-01"); n != 1 {
				t.Fatal("nothing expired")
			}
			if tc.close {
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
			}
			for i := 0; bytes.Contains(rawFile(t, dir), []byte("plumbus")); i++ {
				if i == 200 {
					t.Fatal("the expired entry is still in the file")
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

// A crash during a compaction leaves the database whole; the next Open
// wipes and removes what the compaction left.
func TestOpenFinishesAnInterruptedCompaction(t *testing.T) {
	dir := t.TempDir()
	s := MustOpen(t, dir)
	u := chat.User{Platform: chat.Slack, ID: "U1"}
	_ = s.SavePrefs(context.Background(), u, chat.Prefs{Lang: "fr"})
	s.Close()
	for _, f := range []string{"salama.db.old", "salama.db.compact"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("leftover"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s = MustOpen(t, dir)
	if p, _ := s.Prefs(context.Background(), u); p.Lang != "fr" {
		t.Errorf("Prefs = %+v", p)
	}
	for _, f := range []string{"salama.db.old", "salama.db.compact"} {
		if _, err := os.Stat(filepath.Join(dir, f)); !os.IsNotExist(err) {
			t.Errorf("%s left behind: %v", f, err)
		}
	}
}

// The operator's commands open with MustExist: a mistyped directory is
// refused, not created, and a store without its secret cannot pretend to
// find or forget anyone.
func TestMustExist(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "typo")
	if _, err := bolt.Open(missing, bolt.Options{MustExist: true}); !errors.Is(err, bolt.ErrNoStore) {
		t.Errorf("Open(missing dir) = %v, want ErrNoStore", err)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Error("Open with MustExist created the directory")
	}
	empty := t.TempDir()
	if _, err := bolt.Open(empty, bolt.Options{MustExist: true}); !errors.Is(err, bolt.ErrNoStore) {
		t.Errorf("Open(empty dir) = %v, want ErrNoStore", err)
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("Open with MustExist wrote %v", entries)
	}
	dir := t.TempDir()
	MustOpen(t, dir).Close()
	if err := os.Remove(filepath.Join(dir, "secret")); err != nil {
		t.Fatal(err)
	}
	s, err := bolt.Open(dir, bolt.Options{MustExist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Forget(context.Background(), chat.User{Platform: chat.Telegram, ID: "1"}); !errors.Is(err, bolt.ErrNoSecret) {
		t.Errorf("Forget without the secret = %v, want ErrNoSecret", err)
	}
	if _, err := s.Counts(context.Background(), ""); err != nil {
		t.Errorf("Counts without the secret = %v; counters need no secret", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "secret")); !os.IsNotExist(err) {
		t.Error("Open with MustExist made a new secret")
	}
}
