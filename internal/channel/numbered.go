package channel

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/salama-safety/salama/internal/chat"
)

// Numbered renders a reply for a channel that shows only text: the text,
// then each choice on a line of its own with its number, "  2. Label", and a
// link choice with its address, "  3. Label – https://…". Typing the number
// presses the choice (see Pick).
func Numbered(r chat.Reply) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(r.Text))
	for i, c := range r.Choices {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "  %d. %s", i+1, strings.TrimSpace(c.Label))
		if c.URL != "" {
			b.WriteString(" – " + c.URL)
		}
	}
	return b.String()
}

// Pick returns the payload of the choice that typed text presses: its
// number among choices, in any of the scripts of Salama's languages ("2",
// "٢", "२", "২", "２"). It reports false when text is not such a number or
// the choice is a link.
func Pick(text string, choices []chat.Choice) (string, bool) {
	n, ok := number(strings.TrimSpace(text))
	if !ok || n < 1 || n > len(choices) || choices[n-1].Payload == "" {
		return "", false
	}
	return choices[n-1].Payload, true
}

// digitZeros are the zeros of the decimal digits people type in Salama's
// languages: ASCII, Arabic-Indic, Eastern Arabic-Indic (Persian, Urdu),
// Devanagari, Bengali and full-width.
var digitZeros = []rune{'0', '٠', '۰', '०', '০', '０'}

func number(s string) (int, bool) {
	if s == "" || len(s) > 12 {
		return 0, false
	}
	var b strings.Builder
	for _, r := range s {
		d := -1
		for _, z := range digitZeros {
			if r >= z && r <= z+9 {
				d = int(r - z)
				break
			}
		}
		if d < 0 {
			return 0, false
		}
		b.WriteByte(byte('0' + d))
	}
	n, err := strconv.Atoi(b.String())
	return n, err == nil
}

// Menus remembers, in memory only, the choices last shown in each
// conversation of a text-only channel, so that a typed number presses one.
// It is safe for concurrent use.
type Menus struct{ c *Cache[[]chat.Choice] }

// NewMenus keeps the choices of at most size conversations, for ttl.
func NewMenus(size int, ttl time.Duration, now func() time.Time) *Menus {
	return &Menus{c: NewCache[[]chat.Choice](size, ttl, now)}
}

// Shown remembers the choices just shown in conv.
func (m *Menus) Shown(conv string, choices []chat.Choice) {
	if len(choices) == 0 {
		m.c.Delete(conv)
		return
	}
	m.c.Put(conv, choices)
}

// Press turns a typed number into the payload of a choice shown last in
// conv; ok is false when text presses nothing.
func (m *Menus) Press(conv, text string) (string, bool) {
	choices, ok := m.c.Get(conv)
	if !ok {
		return "", false
	}
	return Pick(text, choices)
}
