package safety

import "strings"

// prefixKey is how many leading bytes of a prefix index it.
const prefixKey = 3

// prefixIndex finds, for a word, the indexed prefixes it starts with in at
// most prefixKey map lookups, however long the prefixes are: each prefix is
// filed under its first prefixKey bytes (or all of it, when shorter).
type prefixIndex[V any] map[string][]prefixed[V]

type prefixed[V any] struct {
	prefix string
	v      V
}

func (p prefixIndex[V]) add(prefix string, v V) {
	k := prefix[:min(len(prefix), prefixKey)]
	p[k] = append(p[k], prefixed[V]{prefix, v})
}

// each calls fn with the value of every indexed prefix of w.
func (p prefixIndex[V]) each(w string, fn func(V)) {
	for n := 1; n <= min(len(w), prefixKey); n++ {
		for _, e := range p[w[:n]] {
			// under a key shorter than prefixKey are only prefixes of that
			// very length; under a full key, longer ones to check
			if len(e.prefix) == n || len(e.prefix) > n && strings.HasPrefix(w, e.prefix) {
				fn(e.v)
			}
		}
	}
}
