package chat

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"sync"
)

// UserKey derives the key a store files a user under: an HMAC-SHA256 of the
// platform and the platform's user id under the store's secret. Without the
// secret the key cannot be traced back to an account, and the raw id is never
// stored.
func UserKey(secret []byte, u User) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(u.Platform))
	m.Write([]byte{0})
	m.Write([]byte(u.ID))
	return hex.EncodeToString(m.Sum(nil))
}

// SortCounts orders counter rows by day, then by every other field, so that
// stores list them alike.
func SortCounts(rows []CountRow) {
	sort.Slice(rows, func(i, j int) bool { return rows[i].Count.key() < rows[j].Count.key() })
}

func (c Count) key() string {
	return strings.Join([]string{c.Day, string(c.Platform), string(c.Event), string(c.Kind), c.Lang, c.FAQID}, "\x00")
}

// Tally gathers counter increments in memory, for a store that writes them
// in batches rather than one disk write per reply. It is safe for
// concurrent use; the zero value is ready.
type Tally struct {
	mu sync.Mutex
	m  map[Count]int64
}

// Add adds n to a counter.
func (t *Tally) Add(c Count, n int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[Count]int64{}
	}
	t.m[c] += n
}

// Take returns the gathered increments, or nil, and starts afresh.
func (t *Tally) Take() map[Count]int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.m
	t.m = nil
	return m
}

// Return puts back increments that could not be written, for the next Take.
func (t *Tally) Return(m map[Count]int64) {
	for c, n := range m {
		t.Add(c, n)
	}
}
