// Package storetest is the conformance test every chat.Store must pass.
//
// Run checks the Store methods on every store, the GapLog methods on a store
// that has them, the Deduper methods on a store that has them, and what the
// store writes down on a store wrapped as a [Dumper].
package storetest

import (
	"bytes"
	"context"
	"encoding/hex"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/chat"
)

// Dumper is a store as a test wraps it so that Run can read everything the
// store has written: every byte of its files, or every row of its tables as
// text. Secret is the key the store files users under.
type Dumper interface {
	chat.Store
	Dump(ctx context.Context) ([]byte, error)
	Secret() []byte
}

// Run checks a store made fresh by open for each subtest.
func Run(t *testing.T, open func(tb testing.TB) chat.Store) {
	ctx := context.Background()
	alice := chat.User{Platform: chat.Telegram, ID: "1001"}
	sameIDOnSlack := chat.User{Platform: chat.Slack, ID: "1001"}
	day := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

	t.Run("unknown user has zero prefs", func(t *testing.T) {
		s := open(t)
		p, err := s.Prefs(ctx, alice)
		if err != nil || p != (chat.Prefs{}) {
			t.Fatalf("Prefs(new user) = %+v, %v; want zero, nil", p, err)
		}
	})
	t.Run("prefs round trip, per platform", func(t *testing.T) {
		s := open(t)
		want := chat.Prefs{Lang: "sw", Country: "KE", Audience: "youth", AskedCountry: true, LastSeen: day}
		if err := s.SavePrefs(ctx, alice, want); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Prefs(ctx, alice); got != want {
			t.Errorf("Prefs = %+v, want %+v", got, want)
		}
		if got, _ := s.Prefs(ctx, sameIDOnSlack); got != (chat.Prefs{}) {
			t.Errorf("the same id on another platform shares prefs: %+v", got)
		}
	})
	t.Run("forget deletes", func(t *testing.T) {
		s := open(t)
		_ = s.SavePrefs(ctx, alice, chat.Prefs{Lang: "fr", LastSeen: day})
		if err := s.Forget(ctx, alice); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Prefs(ctx, alice); got != (chat.Prefs{}) {
			t.Errorf("after Forget, Prefs = %+v", got)
		}
		if err := s.Forget(ctx, alice); err != nil {
			t.Errorf("Forget(unknown) = %v, want nil", err)
		}
	})
	t.Run("counters add up and filter by day", func(t *testing.T) {
		s := open(t)
		c := chat.Count{Day: "2026-11-27", Platform: chat.Telegram, Event: chat.EventReply, Kind: chat.KindAnswer, Lang: "en", FAQID: "grooming.what"}
		old := c
		old.Day = "2026-10-01"
		for _, add := range []chat.Count{c, c, old} {
			if err := s.Add(ctx, add, 1); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := s.Counts(ctx, "2026-11-01")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Count != c || rows[0].N != 2 {
			t.Errorf("Counts(since 2026-11-01) = %+v, want one row of 2", rows)
		}
		all, _ := s.Counts(ctx, "")
		if len(all) != 2 || all[0].Day != "2026-10-01" {
			t.Errorf("Counts(all) = %+v, want 2 rows, oldest first", all)
		}
	})
	t.Run("expire removes the inactive only", func(t *testing.T) {
		s := open(t)
		_ = s.SavePrefs(ctx, alice, chat.Prefs{Lang: "en", LastSeen: day.AddDate(0, 0, -200)})
		_ = s.SavePrefs(ctx, sameIDOnSlack, chat.Prefs{Lang: "en", LastSeen: day})
		n, err := s.Expire(ctx, day.AddDate(0, 0, -180))
		if err != nil || n != 1 {
			t.Fatalf("Expire = %d, %v; want 1, nil", n, err)
		}
		if got, _ := s.Prefs(ctx, alice); got != (chat.Prefs{}) {
			t.Errorf("expired user still has %+v", got)
		}
		if got, _ := s.Prefs(ctx, sameIDOnSlack); got.Lang != "en" {
			t.Errorf("active user lost prefs: %+v", got)
		}
	})
	t.Run("gap log keeps days and expires", func(t *testing.T) {
		gl, ok := open(t).(chat.GapLog)
		if !ok {
			t.Skip("this store has no gap log")
		}
		for _, g := range []chat.Gap{{Day: "2026-10-01", Lang: "en", Text: "old"}, {Day: "2026-11-27", Lang: "sw", Text: "new one"}, {Day: "2026-11-27", Lang: "en", Text: "new two"}} {
			if err := gl.AddGap(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		recent, err := gl.Gaps(ctx, "2026-11-01")
		if err != nil || len(recent) != 2 {
			t.Fatalf("Gaps(since 2026-11-01) = %+v, %v; want the 2 new ones", recent, err)
		}
		n, err := gl.ExpireGaps(ctx, "2026-10-28")
		if err != nil || n != 1 {
			t.Fatalf("ExpireGaps = %d, %v; want 1", n, err)
		}
		if all, _ := gl.Gaps(ctx, ""); len(all) != 2 || all[0].Day != "2026-11-27" {
			t.Errorf("after expiry Gaps = %+v", all)
		}
	})
	t.Run("deliveries are taken once", func(t *testing.T) {
		d, ok := open(t).(chat.Deduper)
		if !ok {
			t.Skip("this store does not de-duplicate deliveries")
		}
		for i, step := range []struct {
			key  string
			want bool
		}{{"Ev01", false}, {"Ev01", true}, {"Ev02", false}, {"Ev01", true}} {
			if got, err := d.Seen(ctx, step.key, time.Hour); err != nil || got != step.want {
				t.Fatalf("step %d: Seen(%q) = %v, %v; want %v", i, step.key, got, err, step.want)
			}
		}
		if err := d.Unsee(ctx, "Ev01"); err != nil {
			t.Fatal(err)
		}
		if got, err := d.Seen(ctx, "Ev01", time.Hour); err != nil || got {
			t.Errorf("after Unsee, Seen = %v, %v; want false (taken again)", got, err)
		}
		if err := d.Unsee(ctx, "never-seen"); err != nil {
			t.Errorf("Unsee(unknown) = %v, want nil", err)
		}
	})
	t.Run("privacy: users and deliveries only as keyed hashes", func(t *testing.T) {
		d, ok := open(t).(Dumper)
		if !ok {
			t.Skip("this store keeps nothing outside the process")
		}
		// Ids long enough not to turn up by chance inside a hex hash.
		user := chat.User{Platform: chat.Telegram, ID: "7304185296"}
		delivery := "wamid.HBgMMjU0NzEyMzQ1Njc4FQIAEhgg"
		if err := d.SavePrefs(ctx, user, chat.Prefs{Lang: "sw", Country: "KE", LastSeen: day}); err != nil {
			t.Fatal(err)
		}
		if err := d.Add(ctx, chat.Count{Day: "2026-11-27", Platform: chat.Telegram, Event: chat.EventReply, Kind: chat.KindFallback, Lang: "sw"}, 1); err != nil {
			t.Fatal(err)
		}
		if gl, ok := chat.Store(d).(chat.GapLog); ok {
			if err := gl.AddGap(ctx, chat.Gap{Day: "2026-11-27", Lang: "sw", Text: "scrubbed [number] question"}); err != nil {
				t.Fatal(err)
			}
		}
		if dd, ok := chat.Store(d).(chat.Deduper); ok {
			if _, err := dd.Seen(ctx, delivery, time.Hour); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.Counts(ctx, ""); err != nil { // writes gathered counters
			t.Fatal(err)
		}
		dump, err := d.Dump(ctx)
		if err != nil {
			t.Fatal(err)
		}
		key := chat.UserKey(d.Secret(), user)
		if !bytes.Contains(dump, []byte(key)) && !bytes.Contains(dump, mustHex(key)) {
			t.Fatalf("the user's keyed hash is not in the dump; is Dump reading the right place?")
		}
		for _, never := range []struct{ what, s string }{
			{"the raw user id", user.ID},
			{"the delivery id", delivery},
			{"the secret, in hex", hex.EncodeToString(d.Secret())},
			{"the secret", string(d.Secret())},
		} {
			if bytes.Contains(dump, []byte(never.s)) {
				t.Errorf("%s is written down", never.what)
			}
		}
	})
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}
