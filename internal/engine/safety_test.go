package engine_test

import (
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/content"
)

// What every safety reply must be, whatever decided it: an urgent reply
// never asks what happened and names its category; the deterrence and mixed
// replies carry no FAQ entry. (How often the router decides right is
// measured on held-out examples in internal/evaluate, not here.)
func TestSafetyReplies(t *testing.T) {
	eng, _ := MustEngine(t)
	for code, l := range knowledge.Content.Langs {
		for _, ex := range l.Examples {
			r := ask(t, eng, code, ex.Text)
			where := ex.File + ":" + strconv.Itoa(ex.Line)
			switch r.Kind {
			case chat.KindUrgent:
				if strings.Contains(r.Text, "?") || strings.Contains(r.Text, "؟") {
					t.Errorf("%s: an urgent reply must not ask a question: %q", where, r.Text)
				}
				if reply, _ := content.CategoryReply(r.Category); reply != content.ReplyUrgent {
					t.Errorf("%s: urgent reply with category %q", where, r.Category)
				}
			case chat.KindDeterrence:
				for _, c := range r.Choices {
					if strings.HasPrefix(c.Payload, "faq:") || strings.HasPrefix(c.Payload, "more:") {
						t.Errorf("%s: a deterrence reply offers FAQ content: %+v", where, c)
					}
				}
				if r.FAQID != "" || r.Category == "" {
					t.Errorf("%s: deterrence reply with entry %q and category %q", where, r.FAQID, r.Category)
				}
			}
		}
	}
}

// A caption is read like a message before the media reply: a photo
// captioned with a threat to end one's life is urgent.
func TestCaptionsAreChecked(t *testing.T) {
	eng, _ := MustEngine(t)
	for _, tc := range []struct {
		caption string
		want    chat.Kind
	}{
		{"if he posts this i will kill myself", chat.KindUrgent},
		{"where can i get more cp like this", chat.KindDeterrence},
		{"look at my cat", chat.KindMedia},
		{"", chat.KindMedia},
	} {
		r := respond(t, eng, chat.Message{Media: chat.MediaPhoto, Text: tc.caption})
		if r.Kind != tc.want {
			t.Errorf("photo captioned %q = %s, want %s", tc.caption, r.Kind, tc.want)
		}
	}
}

// A victim who uses an offender's words gets the mixed reply, which speaks
// to both and gives no FAQ content, never the plain deterrence reply.
func TestMixedReply(t *testing.T) {
	eng, _ := MustEngine(t)
	r := respond(t, eng, chat.Message{Text: "someone sent me cp links on whatsapp, how do i report it"})
	if r.Kind != chat.KindDeterrence || r.Category == "" {
		t.Fatalf("= %s %q, want the mixed deterrence reply", r.Kind, r.Category)
	}
	if !strings.Contains(r.Text, knowledge.Texts.T("en", "deterrence_mixed", nil)) {
		t.Errorf("= %q, want the words for both readers", r.Text)
	}
}

// Folding comes before every check, so capitals in the middle of a word and
// stretched letters ("I want to diEee", "myselFff") change no safety
// decision, in any language.
func TestSafetyIgnoresCaseAndStretching(t *testing.T) {
	eng, _ := MustEngine(t)
	for code, l := range knowledge.Content.Langs {
		for i, ex := range l.Examples {
			if i%7 != 0 { // a sample keeps the test quick
				continue
			}
			want := ask(t, eng, code, ex.Text).Kind
			if want != chat.KindUrgent && want != chat.KindDeterrence {
				continue
			}
			if got := ask(t, eng, code, mangle(ex.Text)).Kind; got != want {
				t.Errorf("%s:%d: %q = %s, but %q = %s", ex.File, ex.Line, ex.Text, want, mangle(ex.Text), got)
			}
		}
	}
}

// mangle capitalises every other letter and stretches the last letter of
// each word: "i want to die" → "I wAnT To dIeee".
func mangle(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if i%2 == 0 {
			b.WriteString(strings.ToUpper(string(r)))
		} else {
			b.WriteRune(r)
		}
		last := i+1 == len(rs) || rs[i+1] == ' '
		if last && unicode.IsLetter(r) && (i == 0 || rs[i-1] != r) { // "free" stays "free"
			b.WriteString(strings.Repeat(string(r), 3))
		}
	}
	return b.String()
}
