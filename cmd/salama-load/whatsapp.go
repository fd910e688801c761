// The whatsapp scenario: the real WhatsApp adapter, in this process, on
// the bbolt store, receiving signed webhook deliveries at a steady rate from
// thousands of users, against a fake Graph API; every message must be
// answered exactly once.
package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/bolt"
	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/whatsapp"
	"github.com/salama-safety/salama/locales"
)

const (
	waPhoneID = "1555000111"
	waSecret  = "load-app-secret"
)

// fakeGraph answers every message with success and counts them by
// recipient; read receipts are counted apart.
type fakeGraph struct {
	mu    sync.Mutex
	sent  map[string]int
	reads int
}

func (f *fakeGraph) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodGet {
		fmt.Fprintf(w, `{"id":%q}`, waPhoneID)
		return
	}
	var m struct {
		To     string `json:"to"`
		Status string `json:"status"`
	}
	_ = json.NewDecoder(r.Body).Decode(&m)
	f.mu.Lock()
	if m.Status == "read" {
		f.reads++
	} else {
		f.sent[m.To]++
	}
	f.mu.Unlock()
	io.WriteString(w, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.out"}]}`)
}

func runWhatsApp(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("salama-load whatsapp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rate := fs.Int("rate", 1000, "deliveries a second (one message each)")
	duration := fs.Duration("duration", 60*time.Second, "how long to send")
	users := fs.Int("users", 5000, "distinct senders")
	workers := fs.Int("workers", 64, "concurrent webhook calls at most")
	devset := fs.String("devset", "faq/en/questions.tsv", "questions, one <label><TAB><question> a line")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	questions, err := readQuestions(*devset)
	if err != nil {
		fmt.Fprintf(stderr, "salama-load: %v\n", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "salama-load-wa-")
	if err != nil {
		fmt.Fprintf(stderr, "salama-load: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	store, err := bolt.Open(dir, bolt.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "salama-load: %v\n", err)
		return 1
	}
	defer store.Close()
	k, err := engine.Load(faq.FS, locales.FS)
	if err != nil {
		fmt.Fprintf(stderr, "salama-load: %v\n", err)
		return 1
	}
	graph := &fakeGraph{sent: map[string]int{}}
	graphSrv := httptest.NewServer(graph)
	defer graphSrv.Close()
	obs := &observer{sendErrors: map[string]int{}, dropped: map[string]int{}}
	a, err := whatsapp.New(whatsapp.Config{
		Token: "EAAG-load", PhoneNumberID: waPhoneID, AppSecret: waSecret, VerifyToken: "v",
		APIURL: graphSrv.URL + "/v21.0", HTTPClient: loopbackClient(*workers), Observer: obs,
		Logger: slog.New(slog.DiscardHandler),
		// Opened up, as the throughput scenario opens Telegram's: the
		// Cloud API's 80 messages a second would cap the test.
		Rate: 1_000_000_000, PairInterval: time.Millisecond,
		Queue: channel.Config{DrainTimeout: 60 * time.Second},
	}, engine.New(k, store, engine.Options{}))
	if err != nil {
		fmt.Fprintf(stderr, "salama-load: %v\n", err)
		return 1
	}
	hook := httptest.NewServer(a.Handler())
	defer hook.Close()
	runCtx, stopAdapter := context.WithCancel(context.WithoutCancel(ctx))
	defer stopAdapter()
	runErr := make(chan error, 1)
	go func() { runErr <- a.Run(runCtx) }()
	for !a.Ready() {
		time.Sleep(time.Millisecond)
	}

	client := loopbackClient(*workers)
	total := int(int64(*rate) * int64(*duration) / int64(time.Second))
	posted := make([]int, *users)
	var mu sync.Mutex
	var latency []time.Duration
	httpErrors := 0
	jobs := make(chan int, *rate)
	var wg sync.WaitGroup
	for range *workers {
		wg.Go(func() {
			for i := range jobs {
				u := i % *users
				body := waDelivery(i, waUser(u), questions[(i / *users + u)%len(questions)])
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL+whatsapp.Path, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Hub-Signature-256", waSign(body))
				start := time.Now()
				resp, err := client.Do(req)
				took := time.Since(start)
				ok := err == nil && resp.StatusCode == http.StatusOK
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				mu.Lock()
				latency = append(latency, took)
				if ok {
					posted[u]++
				} else {
					httpErrors++
				}
				mu.Unlock()
			}
		})
	}
	start := time.Now()
	interval := time.Second / time.Duration(*rate)
	for i := 0; i < total && ctx.Err() == nil; i++ {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	sendTime := time.Since(start)
	rss, _ := vmRSS()
	stopAdapter()
	if err := <-runErr; err != nil {
		fmt.Fprintf(stderr, "salama-load: adapter: %v\n", err)
		return 1
	}
	// A reply may take two messages (text before its buttons), so the fake
	// tells lost replies (a user with fewer messages than deliveries) and
	// the adapter tells duplicates (more replies than deliveries).
	lost, messages, sent := 0, 0, 0
	graph.mu.Lock()
	for u, n := range posted {
		got := graph.sent[waUser(u)]
		messages += got
		sent += n
		lost += max(n-got, 0)
	}
	reads := graph.reads
	graph.mu.Unlock()
	obs.mu.Lock()
	took := obs.took
	obs.mu.Unlock()
	dup := max(len(took)-sent, 0)
	fmt.Fprintf(stdout, "salama-load whatsapp: %d signed deliveries/s for %s from %d users, in this process, bbolt store\n", *rate, *duration, *users)
	fmt.Fprintf(stdout, "deliveries         %d accepted in %s (%.0f/s), HTTP errors %d\n", sent, sendTime.Round(time.Millisecond), float64(sent)/sendTime.Seconds(), httpErrors)
	fmt.Fprintf(stdout, "webhook latency    p50 %s  p99 %s  max %s (answered once replied, or after 2 s)\n", pct(latency, 50), pct(latency, 99), pct(latency, 100))
	fmt.Fprintf(stdout, "reply latency      p50 %s  p99 %s  max %s\n", pct(took, 50), pct(took, 99), pct(took, 100))
	fmt.Fprintf(stdout, "replies            %d replies in %d messages, %d read receipts\n", len(took), messages, reads)
	fmt.Fprintf(stdout, "lost replies       %d\nduplicated replies %d\n", lost, dup)
	fmt.Fprintf(stdout, "memory             VmRSS %s at the end of sending (whole process)\n", mb(rss))
	if lost > 0 || dup > 0 || httpErrors > 0 {
		return 1
	}
	return 0
}

// waUser is the phone number of load user u.
func waUser(u int) string { return fmt.Sprintf("2547%08d", u) }

func waDelivery(i int, from, text string) string {
	q, _ := json.Marshal(text)
	return fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"messages","value":{`+
		`"messaging_product":"whatsapp","metadata":{"phone_number_id":%q},"contacts":[{"profile":{"name":"A"},"wa_id":%q}],`+
		`"messages":[{"from":%q,"id":"wamid.load%d","timestamp":"%d","type":"text","text":{"body":%s}}]}}]}]}`,
		waPhoneID, from, from, i, time.Now().Unix(), q)
}

func waSign(body string) string {
	m := hmac.New(sha256.New, []byte(waSecret))
	m.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

var _ chat.Observer = (*observer)(nil)
