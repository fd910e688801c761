package admin_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/admin"
	"github.com/salama-safety/salama/internal/bolt"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/memstore"
)

var (
	ctx  = context.Background()
	user = chat.User{Platform: chat.Telegram, ID: "42"}
	day  = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
)

// MustStore returns a bbolt store in a fresh data directory holding one
// user's record, a counter and a gap.
func MustStore(tb testing.TB) (*bolt.Store, string) {
	tb.Helper()
	dir := tb.TempDir()
	s, err := bolt.Open(dir, bolt.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	fill(tb, s)
	return s, dir
}

func fill(tb testing.TB, s admin.Store) {
	tb.Helper()
	for _, err := range []error{
		s.SavePrefs(ctx, user, chat.Prefs{Lang: "sw", Country: "KE", LastSeen: day}),
		s.Add(ctx, chat.Count{Day: "2026-11-27", Platform: chat.Telegram, Event: chat.EventReply, Kind: chat.KindAnswer, Lang: "sw", FAQID: "grooming.what"}, 3),
		s.AddGap(ctx, chat.Gap{Day: "2026-11-27", Lang: "sw", Text: "mpira wa leo"}),
	} {
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// Forget names the facts the record held, never their values, deletes it,
// and compacts a store that can be compacted.
func TestForget(t *testing.T) {
	b, _ := MustStore(t)
	m := memstore.New()
	fill(t, m)
	for _, tc := range []struct {
		name      string
		s         admin.Store
		compacted bool
	}{{"bolt", b, true}, {"memstore", m, false}} {
		r, err := admin.Forget(ctx, tc.s, user)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if want := []string{"language", "country", "day last seen"}; !slices.Equal(r.Found, want) || r.Compacted != tc.compacted {
			t.Errorf("%s: Forget = %+v, want found %v, compacted %v", tc.name, r, want, tc.compacted)
		}
		if p, _ := tc.s.Prefs(ctx, user); p != (chat.Prefs{}) {
			t.Errorf("%s: the record is still there: %+v", tc.name, p)
		}
		if r, err := admin.Forget(ctx, tc.s, user); err != nil || len(r.Found) != 0 || r.Compacted {
			t.Errorf("%s: forgetting again = %+v, %v; want nothing found", tc.name, r, err)
		}
	}
}

// The socket answers as the store itself would, and is the server's
// user's only.
func TestSocketAnswersAsTheStore(t *testing.T) {
	s, dir := MustStore(t)
	stop, err := admin.Serve(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, admin.SocketName)
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket %v, %v; want mode 0600", fi, err)
	}
	direct, remote := admin.Direct(s), admin.Dial(path)
	for _, svc := range []admin.Service{direct, remote} {
		rows, err := svc.Counts(ctx, "2026-11-01")
		if err != nil || len(rows) != 1 || rows[0].N != 3 {
			t.Errorf("Counts = %+v, %v", rows, err)
		}
		gaps, err := svc.Gaps(ctx, "2026-11-01")
		if err != nil || len(gaps) != 1 || gaps[0].Text != "mpira wa leo" {
			t.Errorf("Gaps = %+v, %v", gaps, err)
		}
	}
	r, err := remote.Forget(ctx, user)
	if err != nil || len(r.Found) != 3 || !r.Compacted {
		t.Errorf("Forget through the socket = %+v, %v", r, err)
	}
	if p, _ := s.Prefs(ctx, user); p != (chat.Prefs{}) {
		t.Errorf("the record is still there: %+v", p)
	}
	stop()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the socket is still there after stop: %v", err)
	}
	if _, err := remote.Counts(ctx, ""); err == nil {
		t.Error("a stopped server still answers")
	}
}
