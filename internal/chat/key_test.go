package chat_test

import (
	"sync"
	"testing"

	"github.com/salama-safety/salama/internal/chat"
)

func TestTallyTakesWhatWasAddedOnce(t *testing.T) {
	var tally chat.Tally
	a := chat.Count{Day: "2026-11-27", Platform: chat.Telegram, Event: chat.EventReply, Kind: chat.KindAnswer, Lang: "sw"}
	b := a
	b.Lang = "ha"
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				tally.Add(a, 1)
				tally.Add(b, 2)
			}
		})
	}
	wg.Wait()
	got := tally.Take()
	if got[a] != 800 || got[b] != 1600 || len(got) != 2 {
		t.Fatalf("Take = %v, want 800 and 1600", got)
	}
	if again := tally.Take(); len(again) != 0 {
		t.Errorf("second Take = %v, want nothing", again)
	}
	tally.Return(got) // a write failed
	tally.Add(a, 1)
	if got := tally.Take(); got[a] != 801 || got[b] != 1600 {
		t.Errorf("after Return and Add, Take = %v", got)
	}
}
