package postgres_test

import (
	"bytes"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/postgres"
	"github.com/salama-safety/salama/internal/postgres/pgtest"
	"github.com/salama-safety/salama/locales"
)

// replica is one `salama serve` as far as the store is concerned: an engine
// on its own store (its own pool) on the shared database.
type replica struct {
	eng   *engine.Engine
	store *postgres.Store
}

var (
	loadOnce  sync.Once
	knowledge *engine.Knowledge
	loadErr   error
)

// mustKnowledge loads the embedded content once for all the tests.
func mustKnowledge(tb testing.TB) *engine.Knowledge {
	tb.Helper()
	loadOnce.Do(func() { knowledge, loadErr = engine.Load(faq.FS, locales.FS) })
	if loadErr != nil {
		tb.Fatal(loadErr)
	}
	return knowledge
}

func mustReplicas(tb testing.TB, dsn string, n int) []replica {
	tb.Helper()
	k := mustKnowledge(tb)
	out := make([]replica, n)
	for i := range out {
		s := MustOpen(tb, dsn, postgres.Options{Secret: testSecret(1)})
		out[i] = replica{engine.New(k, s, engine.Options{Gaps: s, GapDays: 30}), s}
	}
	return out
}

func respond(tb testing.TB, r replica, u chat.User, text string) chat.Reply {
	tb.Helper()
	rep, err := r.eng.Respond(ctx, chat.Message{User: u, Chat: u.ID, Text: text, LangHint: "en"})
	if err != nil {
		tb.Fatalf("Respond(%q): %v", text, err)
	}
	return rep
}

// Two engines on one database answer the same users: a choice made through
// one is honoured by the other, a /forget through one is seen by both, and
// counting from both at once adds up.
func TestTwoReplicasAnswerTheSameUsers(t *testing.T) {
	dsn := pgtest.MustDSN(t)
	rs := mustReplicas(t, dsn, 2)
	a, b := rs[0], rs[1]
	u := chat.User{Platform: chat.Telegram, ID: "5550001"}

	respond(t, a, u, "/start lang_sw")
	if r := respond(t, b, u, "/help"); r.Lang != "sw" {
		t.Errorf("b answers in %q after the user chose Swahili through a; want sw", r.Lang)
	}
	respond(t, b, u, "/country KE")
	if p, _ := a.store.Prefs(ctx, u); p.Country != "KE" || p.Lang != "sw" {
		t.Errorf("a sees prefs %+v; want sw, KE", p)
	}

	respond(t, a, u, "/forget")
	for i, r := range rs {
		if p, _ := r.store.Prefs(ctx, u); p != (chat.Prefs{}) {
			t.Errorf("replica %d still has %+v after /forget", i, p)
		}
	}
	if r := respond(t, b, u, "/help"); r.Lang != "en" {
		t.Errorf("after /forget through a, b answers in %q; want en (the hint)", r.Lang)
	}

	// The same users, from both replicas at once.
	const users, each = 20, 10
	var wg sync.WaitGroup
	for i, r := range rs {
		for w := range users {
			wg.Go(func() {
				u := chat.User{Platform: chat.Telegram, ID: fmt.Sprint(6_000_000 + w)}
				for n := range each {
					if _, err := r.eng.Respond(ctx, chat.Message{User: u, Chat: u.ID, Text: "what is sextortion", LangHint: "en"}); err != nil {
						t.Errorf("replica %d, message %d: %v", i, n, err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	for _, r := range rs {
		if err := r.store.Close(); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := MustOpen(t, dsn, postgres.Options{}).Counts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var got int64
	for _, r := range rows {
		if r.Event == chat.EventReply && r.FAQID == "sextortion.what" && r.Lang == "en" {
			got += r.N
		}
	}
	if want := int64(len(rs) * users * each); got != want {
		t.Errorf("replies to 'what is sextortion' counted %d times, want %d", got, want)
	}
}

// What a conversation leaves in the database: keyed hashes, counters, and
// the scrubbed text of the one unanswered question (the gap log is on),
// never a message's text or a user's id.
func TestConversationLeavesNoTextOrID(t *testing.T) {
	dsn := pgtest.MustDSN(t)
	rs := mustReplicas(t, dsn, 2)
	u := chat.User{Platform: chat.Telegram, ID: "8129476530"}
	said := []string{
		"/start lang_en",
		"someone is threatening to post my pics",
		"how do i make pizza, mail me at sam@example.org or call 0712 345 678",
		"/country KE",
	}
	for i, text := range said {
		respond(t, rs[i%2], u, text)
	}
	for _, r := range rs {
		r.store.Close()
	}
	dump, err := pgtest.Dump(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, never := range append([]string{u.ID, "sam@example.org", "0712 345 678", "threatening to post"}, said[1:]...) {
		if bytes.Contains(dump, []byte(never)) {
			t.Errorf("%q is written down", never)
		}
	}
	if !bytes.Contains(dump, []byte("[email]")) || !bytes.Contains(dump, []byte("make pizza")) {
		t.Errorf("the scrubbed unanswered question is not in the gap log:\n%s", dump)
	}
}

// Round trips to the database per message, counted on the wire: a user
// never seen costs a read and a write, a returning user the same day one
// read (counters are batched). Reported with -v; docs/PERFORMANCE.md quotes it.
func TestRoundTripsPerMessage(t *testing.T) {
	dsn := pgtest.MustDSN(t)
	k := mustKnowledge(t)
	var writes atomic.Int64
	s, err := postgres.OpenCountingWrites(ctx, pgtest.WithParam(dsn, "pool_max_conns", "1"),
		postgres.Options{Secret: testSecret(1), FlushEvery: time.Hour}, &writes)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	eng := engine.New(k, s, engine.Options{})
	say := func(id string) int64 {
		before := writes.Load()
		if _, err := eng.Respond(ctx, chat.Message{User: chat.User{Platform: chat.Telegram, ID: id}, Chat: id, Text: "what is grooming", LangHint: "en"}); err != nil {
			t.Fatal(err)
		}
		return writes.Load() - before
	}
	say("1") // the connection prepares its statements once
	newUser := say("2")
	returning := say("2")
	t.Logf("round trips per message: new user %d, returning user %d", newUser, returning)
	if newUser != 2 || returning != 1 {
		t.Errorf("round trips: new user %d, returning user %d; want 2 and 1", newUser, returning)
	}
}
