// Package evaluate measures Salama's safety router and matcher on data held
// out from what they learned: k-fold cross-validation, where the fold being
// scored is never used for training or for choosing thresholds.
//
// Folds are assigned deterministically: the items of each stratum (for
// example, one language's examples of one category) are ordered by a hash of
// their text and dealt to the folds in turn, so every fold holds its share of
// every stratum and the same content always gives the same folds.
package evaluate

import (
	"hash/fnv"
	"sort"
)

// Folds deals n items into k folds, stratum by stratum, and returns each
// item's fold. key is the item's text (its place in the deal); stratum
// groups the items that must be spread evenly.
func Folds(n, k int, key, stratum func(i int) string) []int {
	groups := map[string][]int{}
	var names []string
	for i := range n {
		s := stratum(i)
		if _, ok := groups[s]; !ok {
			names = append(names, s)
		}
		groups[s] = append(groups[s], i)
	}
	sort.Strings(names)
	fold := make([]int, n)
	next := 0 // continue the deal across strata, so small strata spread too
	for _, name := range names {
		items := groups[name]
		sort.Slice(items, func(a, b int) bool {
			ha, hb := hash(key(items[a])), hash(key(items[b]))
			if ha != hb {
				return ha < hb
			}
			return items[a] < items[b]
		})
		for _, i := range items {
			fold[i] = next % k
			next++
		}
	}
	return fold
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
