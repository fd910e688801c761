package channel

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSplitText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want []string
	}{
		{"short", "hello world", 20, []string{"hello world"}},
		{"empty", "  \n ", 20, nil},
		{"paragraph first", "aaaa\nbbbb\n\ncccc dddd", 16, []string{"aaaa\nbbbb", "cccc dddd"}},
		{"then line", "aaaa bbbb\ncccc dddd", 12, []string{"aaaa bbbb", "cccc dddd"}},
		{"then space", "aaaa bbbb cccc", 10, []string{"aaaa bbbb", "cccc"}},
		{"then anywhere", "aaaaaaaaaabbbbb", 10, []string{"aaaaaaaaaa", "bbbbb"}},
		// "😀" is two UTF-16 units: four of them fill eight.
		{"utf-16 units", "😀😀😀😀 😀", 8, []string{"😀😀😀😀", "😀"}},
		{"never splits a rune", "😀😀😀", 3, []string{"😀", "😀", "😀"}},
		{"exact fit", "abcde", 5, []string{"abcde"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.in, tt.max, UTF16)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Split(%q, %d, UTF16) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			for _, p := range got {
				if UTF16.Len(p) > tt.max {
					t.Errorf("part %q is over %d units", p, tt.max)
				}
			}
		})
	}
}

func TestSplitTextKeepsEverything(t *testing.T) {
	para := strings.Repeat("word ", 300) + "\nline " + strings.Repeat("ü", 900)
	text := strings.Repeat(para+"\n\n", 6)
	parts := Split(text, 4000, UTF16)
	if len(parts) < 2 {
		t.Fatalf("got %d parts, want several", len(parts))
	}
	if got, want := strings.Join(strings.Fields(strings.Join(parts, " ")), " "), strings.Join(strings.Fields(text), " "); got != want {
		t.Error("splitting lost or changed text")
	}
}

func TestCache(t *testing.T) {
	now := time.Unix(1700000000, 0)
	c := NewCache[string](2, time.Hour, func() time.Time { return now })
	if _, fresh := c.Add("a", "1"); !fresh {
		t.Fatal("Add: the first caller must win")
	}
	if v, fresh := c.Add("a", "2"); fresh || v != "1" {
		t.Fatal("Add: the first caller must win")
	}
	if v, _ := c.Get("a"); v != "1" {
		t.Errorf("Get(a) = %q, want 1", v)
	}
	c.Put("b", "2")
	c.Put("c", "3") // evicts a, the oldest
	if _, ok := c.Get("a"); ok {
		t.Error("a survived past the size bound")
	}
	now = now.Add(time.Hour)
	if _, ok := c.Get("b"); ok {
		t.Error("b survived its ttl")
	}
	if _, fresh := c.Add("b", "again"); !fresh {
		t.Error("Add after expiry refused")
	}
	c.Delete("b")
	if _, ok := c.Get("b"); ok {
		t.Error("b survived Delete")
	}
}

func TestShorten(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"Short", 20, "Short"},
		{"  spaced   out  ", 20, "spaced out"},
		{"What to do if someone threatens you", 20, "What to do if…"},
		{"Supercalifragilisticexpialidocious", 10, "Supercali…"},
		{"ماذا أفعل إذا هددني شخص ما بنشر صوري", 20, "ماذا أفعل إذا هددني…"},
		{"አንድ ሰው ፎቶዎቼን ለማጋራት ቢያስፈራራኝ ምን ላድርግ", 20, "አንድ ሰው ፎቶዎቼን ለማጋራት…"},
	}
	for _, tt := range tests {
		got := Shorten(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("Shorten(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
		if n := len([]rune(got)); n > tt.max {
			t.Errorf("Shorten(%q, %d) is %d runes", tt.in, tt.max, n)
		}
	}
}

func TestSplitIsLinear(t *testing.T) {
	// A long text without any space: the splitter must not rescan it.
	s := strings.Repeat("x", 1<<20)
	parts := Split(s, 4000, Runes)
	if got := strings.Join(parts, ""); got != s || len(parts) != (1<<20+3999)/4000 {
		t.Errorf("Split of 1 MiB: %d parts, joined equal %v", len(parts), got == s)
	}
}
