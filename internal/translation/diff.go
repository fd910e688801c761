package translation

import (
	"strings"

	"github.com/salama-safety/salama/internal/i18n"
)

// Diff shows how an English text changed, word by word, in the manner of
// `git diff --word-diff`: [-removed-] and {+added+}, form by form for a
// plural message.
func Diff(then, now i18n.Message) string {
	var b strings.Builder
	for _, f := range i18n.Forms {
		a, okA := then.Forms[f]
		c, okC := now.Forms[f]
		if !okA && !okC {
			continue
		}
		if len(then.Forms) > 1 || len(now.Forms) > 1 {
			b.WriteString(f + ": ")
		}
		b.WriteString(wordDiff(strings.Fields(a), strings.Fields(c)) + "\n")
	}
	return b.String()
}

// wordDiff marks the words of a not in b and of b not in a, keeping the
// longest common subsequence.
func wordDiff(a, b []string) string {
	// lcs[i][j]: the longest common subsequence of a[i:] and b[j:]
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	var del, ins []string
	flush := func() {
		if len(del) > 0 {
			out = append(out, "[-"+strings.Join(del, " ")+"-]")
		}
		if len(ins) > 0 {
			out = append(out, "{+"+strings.Join(ins, " ")+"+}")
		}
		del, ins = nil, nil
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			flush()
			out = append(out, a[i])
			i, j = i+1, j+1
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			ins = append(ins, b[j])
			j++
		default:
			del = append(del, a[i])
			i++
		}
	}
	flush()
	return strings.Join(out, " ")
}
