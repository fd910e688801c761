package chat

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
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
