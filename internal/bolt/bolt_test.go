package bolt_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

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
	storetest.Run(t, func(tb testing.TB) chat.Store { return MustOpen(tb, tb.TempDir()) })
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
