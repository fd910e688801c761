package stats_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/stats"
)

func sum(ps []float64) float64 {
	t := 0.0
	for _, p := range ps {
		t += p
	}
	return math.Round(t*10) / 10
}

func TestSharesSumTo100(t *testing.T) {
	for _, tc := range []struct {
		counts []int64
		want   []float64
	}{
		{[]int64{1, 1, 1}, []float64{33.4, 33.3, 33.3}},
		{[]int64{2, 1}, []float64{66.7, 33.3}},
		{[]int64{1, 0, 0}, []float64{100, 0, 0}},
		{[]int64{0, 0}, []float64{0, 0}},
		{[]int64{1, 1, 1, 1, 1, 1, 1}, []float64{14.3, 14.3, 14.3, 14.3, 14.3, 14.3, 14.2}},
	} {
		got := stats.Shares(tc.counts)
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("Shares(%v) = %v, want %v", tc.counts, got, tc.want)
				break
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		counts := make([]int64, 1+rng.IntN(9))
		for i := range counts {
			counts[i] = rng.Int64N(5000)
		}
		counts[0]++ // not all zero
		shares := stats.Shares(counts)
		if s := sum(shares); s != 100 {
			t.Fatalf("Shares(%v) = %v, sums to %v", counts, shares, s)
		}
		var total int64
		for _, n := range counts {
			total += n
		}
		for i, n := range counts { // each share within a tenth of the truth
			if exact := 100 * float64(n) / float64(total); math.Abs(shares[i]-exact) >= 0.1+1e-9 {
				t.Fatalf("Shares(%v)[%d] = %v, exact %v", counts, i, shares[i], exact)
			}
		}
	}
}

var rows = []chat.CountRow{
	{Count: chat.Count{Day: "2026-11-27", Platform: chat.Telegram, Event: chat.EventReply, Kind: chat.KindAnswer, Lang: "en", FAQID: "sextortion.what"}, N: 1},
	{Count: chat.Count{Day: "2026-11-27", Platform: chat.Slack, Event: chat.EventReply, Kind: chat.KindAnswer, Lang: "en", FAQID: "sextortion.what"}, N: 1},
	{Count: chat.Count{Day: "2026-11-27", Platform: chat.Telegram, Event: chat.EventReply, Kind: chat.KindCommand, Lang: "en"}, N: 1},
	{Count: chat.Count{Day: "2026-11-27", Platform: chat.Telegram, Event: chat.EventReply, Kind: chat.KindFallback, Lang: "sw"}, N: 2},
	{Count: chat.Count{Day: "2026-11-27", Platform: chat.Telegram, Event: chat.EventReply, Kind: chat.KindUrgent, Lang: "sw", FAQID: "help.talk-now"}, N: 1},
	{Count: chat.Count{Day: "2026-11-27", Platform: chat.Telegram, Event: chat.EventHelpful, Kind: chat.KindCommand, Lang: "en", FAQID: "sextortion.what"}, N: 2},
	{Count: chat.Count{Day: "2026-11-27", Platform: chat.Telegram, Event: chat.EventUnhelpful, Kind: chat.KindCommand, Lang: "en", FAQID: "sextortion.what"}, N: 1},
}

func TestSummarize(t *testing.T) {
	r := stats.Summarize("2026-11-01", rows)
	if len(r.Languages) != 3 || r.Languages[2].Lang != stats.AllLanguages || r.Languages[2].Replies != 6 {
		t.Fatalf("languages = %+v", r.Languages)
	}
	for _, l := range r.Languages {
		if s := sum(l.Percent); s != 100 {
			t.Errorf("%s: shares %v sum to %v", l.Lang, l.Percent, s)
		}
	}
	en := r.Languages[0] // answer 2 of 3, command 1 of 3: the old table left commands out
	if en.Percent[0] != 66.7 || en.Percent[6] != 33.3 {
		t.Errorf("en = %+v", en)
	}
	if len(r.Entries) != 1 || r.Entries[0].Answers != 2 || *r.Entries[0].HelpfulPercent != 66.7 {
		t.Errorf("entries = %+v", r.Entries)
	}
	if len(stats.Summarize("2026-11-01", nil).Languages) != 0 {
		t.Error("no counters should give no language rows")
	}
}

func TestFormats(t *testing.T) {
	r := stats.Summarize("2026-11-01", rows)
	var b bytes.Buffer
	if err := r.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "table,language,entry,measure,count,percent" {
		t.Errorf("CSV header = %v", recs[0])
	}
	byLang := map[string]float64{}
	for _, rec := range recs[1:] {
		if rec[0] == "languages" && rec[3] != "replies" {
			p, _ := strconv.ParseFloat(rec[5], 64)
			byLang[rec[1]] += p
		}
	}
	for l, s := range byLang {
		if math.Round(s*10)/10 != 100 {
			t.Errorf("CSV shares of %s sum to %v", l, s)
		}
	}
	b.Reset()
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var back stats.Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back.Languages[0].Lang != "en" {
		t.Errorf("JSON does not read back: %v %+v", err, back)
	}
	b.Reset()
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"66.7%", "33.3%", "sextortion.what", "67%", "sums to 100%"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}
