package bolt

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/salama-safety/salama/internal/chat"
)

// BenchmarkCompact measures a compaction of a store holding 100,000 users'
// preferences and a month of counters (docs/PERFORMANCE.md).
func BenchmarkCompact(b *testing.B) {
	dir := b.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rec, _ := json.Marshal(prefsRecord{Lang: "sw", Country: "KE", LastSeen: "2026-11-27"})
	err = s.update(func(tx *bbolt.Tx) error { // in one transaction: 100,000 syncs would take minutes
		for i := range 100_000 {
			key, _ := s.key(chat.User{Platform: chat.Telegram, ID: strconv.Itoa(1_000_000 + i)})
			if err := tx.Bucket(bucketPrefs).Put(key, rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	day := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	for d := range 30 {
		for _, id := range []string{"grooming.what", "sextortion.what", "help.talk-now", "images.remove"} {
			_ = s.Add(context.Background(), chat.Count{Day: day.AddDate(0, 0, -d).Format(time.DateOnly), Platform: chat.Telegram, Event: chat.EventReply, Kind: chat.KindAnswer, Lang: "sw", FAQID: id}, 3)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, dbFile)); err == nil {
		b.Logf("salama.db: %.1f MB", float64(fi.Size())/1e6)
	}
	for b.Loop() {
		if err := s.Compact(); err != nil {
			b.Fatal(err)
		}
	}
}
