// The flood scenario: salama serve, as its own process, on the bbolt store
// and Telegram's real limits (30 messages a second, one a second per chat),
// against a simulated Telegram on loopback. One user floods (1,000
// messages a second for a minute) while 20 others write as people do, one
// message every few seconds, some of them urgent. Optionally the process is
// killed (SIGKILL) mid-flood and started again.
//
// The simulator keeps every update until Salama acknowledges it — in
// polling mode by a getUpdates offset past it, in webhook mode by a 200 —
// and delivers unacknowledged ones again, as Telegram does. At the end it
// checks that every message of the normal users was answered, and that no
// update acknowledged before the kill went unanswered.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

type floodOptions struct {
	salama    string
	mode      string
	rate      int
	duration  time.Duration
	normal    int
	every     time.Duration
	killAt    time.Duration
	devset    string
	drain     time.Duration
	keepFiles bool
	maxRSS    uint64
	normalP99 time.Duration
}

func runFlood(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("salama-load flood", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o floodOptions
	var maxMB int
	fs.StringVar(&o.salama, "salama", "", "the salama binary (default: build ./cmd/salama)")
	fs.StringVar(&o.mode, "mode", "polling", "polling or webhook")
	fs.IntVar(&o.rate, "rate", 1000, "the flooding user's messages a second")
	fs.DurationVar(&o.duration, "duration", 60*time.Second, "how long the flood lasts")
	fs.IntVar(&o.normal, "normal", 20, "normal users")
	fs.DurationVar(&o.every, "every", 5*time.Second, "a normal user writes about this often")
	fs.DurationVar(&o.killAt, "kill-at", 0, "kill -9 salama this long into the flood, then start it again (0: never)")
	fs.StringVar(&o.devset, "devset", "faq/en/questions.tsv", "questions, one <label><TAB><question> a line")
	fs.DurationVar(&o.drain, "drain", 60*time.Second, "how long the normal users' last messages may take to be answered")
	fs.BoolVar(&o.keepFiles, "keep", false, "keep the temporary directory (salama's log and data)")
	fs.IntVar(&maxMB, "max-rss", 150, "fail when salama's resident memory exceeds this many MB")
	fs.DurationVar(&o.normalP99, "max-p99", 2*time.Second, "fail when the normal users' reply p99 exceeds this")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.mode != "polling" && o.mode != "webhook" {
		fmt.Fprintln(stderr, "salama-load flood: -mode must be polling or webhook")
		return 2
	}
	o.maxRSS = uint64(maxMB) << 20
	questions, err := readQuestions(o.devset)
	if err != nil {
		fmt.Fprintf(stderr, "salama-load: %v\n", err)
		return 1
	}
	rep, err := flood(ctx, o, questions, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "salama-load: %v\n", err)
		return 1
	}
	rep.print(stdout, o)
	if !rep.ok(o) {
		return 1
	}
	return 0
}

// The urgent messages normal users sometimes send.
var urgentMessages = []string{
	"the guy from insta is outside my house right now",
	"i want to kill myself",
	"he is coming to my house tonight and says he will hurt me",
}

const (
	floodChat   = 1
	firstNormal = 1001
)

// simUpdate is one update the simulated Telegram holds.
type simUpdate struct {
	id     int64
	chat   int64
	text   string
	urgent bool
	at     time.Time // sent by the user
	acked  time.Time // acknowledged by Salama (zero: not yet)
}

// tgSim is a simulated Telegram: the Bot API salama calls, and, in webhook
// mode, the deliveries to salama's webhook.
type tgSim struct {
	mu      sync.Mutex
	updates []*simUpdate // by id - 1
	byChat  map[int64][]*simUpdate
	offset  int64 // polling: the first update not confirmed
	replies map[int64][]time.Time
	changed chan struct{}
	calls   map[string]int
}

func newTGSim() *tgSim {
	return &tgSim{offset: 1, byChat: map[int64][]*simUpdate{}, replies: map[int64][]time.Time{}, changed: make(chan struct{}), calls: map[string]int{}}
}

func (s *tgSim) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// push is a user sending a message.
func (s *tgSim) push(chat int64, text string, urgent bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := &simUpdate{id: int64(len(s.updates) + 1), chat: chat, text: text, urgent: urgent, at: time.Now()}
	s.updates = append(s.updates, u)
	s.byChat[chat] = append(s.byChat[chat], u)
	s.notifyLocked()
}

func (s *tgSim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+token+"/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	_ = r.ParseMultipartForm(1 << 20) // multipart from the library, a plain form from the poller; empty for getMe
	s.mu.Lock()
	s.calls[method]++
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "getMe":
		fmt.Fprintf(w, `{"ok":true,"result":{"id":123456,"is_bot":true,"first_name":"Salama","username":%q}}`, username)
	case "getUpdates":
		s.getUpdates(w, r)
	case "sendMessage":
		chat, _ := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
		s.mu.Lock()
		s.replies[chat] = append(s.replies[chat], time.Now())
		s.mu.Unlock()
		fmt.Fprintf(w, `{"ok":true,"result":{"message_id":1,"date":1,"chat":{"id":%d,"type":"private"},"text":"ok"}}`, chat)
	default:
		io.WriteString(w, `{"ok":true,"result":true}`)
	}
}

func (s *tgSim) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.ParseInt(r.FormValue("offset"), 10, 64)
	limit, _ := strconv.Atoi(r.FormValue("limit"))
	timeout, _ := strconv.Atoi(r.FormValue("timeout"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	deadline := time.After(time.Duration(timeout) * time.Second)
	for {
		s.mu.Lock()
		now := time.Now()
		for ; offset > 0 && s.offset < offset && s.offset <= int64(len(s.updates)); s.offset++ {
			s.updates[s.offset-1].acked = now
		}
		var out []string
		for id := s.offset; id <= int64(len(s.updates)) && len(out) < limit; id++ {
			out = append(out, updateJSON(s.updates[id-1]))
		}
		changed := s.changed
		s.mu.Unlock()
		if len(out) > 0 || timeout == 0 {
			io.WriteString(w, `{"ok":true,"result":[`+strings.Join(out, ",")+`]}`)
			return
		}
		select {
		case <-changed:
		case <-deadline:
			timeout = 0
		case <-r.Context().Done():
			return
		}
	}
}

func updateJSON(u *simUpdate) string {
	q, _ := json.Marshal(u.text)
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1,"chat":{"id":%d,"type":"private"},`+
		`"from":{"id":%d,"is_bot":false,"first_name":"A","language_code":"en"},"text":%s}}`, u.id, u.id, u.chat, u.chat, q)
}

// deliver is webhook mode's Telegram: every chat's updates, in order, one
// at a time per chat, posted to the webhook until it answers 200; a
// refusal or a dead connection is retried a second later.
func (s *tgSim) deliver(ctx context.Context, hook string, chats []int64) {
	client := &http.Client{Timeout: 60 * time.Second}
	var wg sync.WaitGroup
	for _, chat := range chats {
		wg.Go(func() {
			next := 0 // index into this chat's updates
			for ctx.Err() == nil {
				s.mu.Lock()
				var u *simUpdate
				if q := s.byChat[chat]; next < len(q) {
					u = q[next]
				}
				changed := s.changed
				s.mu.Unlock()
				if u == nil {
					select {
					case <-changed:
					case <-ctx.Done():
					}
					continue
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, hook, strings.NewReader(updateJSON(u)))
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
				resp, err := client.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err != nil || resp.StatusCode != http.StatusOK {
					select {
					case <-time.After(time.Second):
					case <-ctx.Done():
					}
					continue
				}
				s.mu.Lock()
				u.acked = time.Now()
				s.mu.Unlock()
				next++
			}
		})
	}
	wg.Wait()
}

type floodReport struct {
	sent, floodSent, normalSent, urgentSent int
	floodAcked, floodReplies                int
	normalLatency, urgentLatency            []time.Duration
	unanswered, duplicated, lostAcked       int
	rssMax, rssLast                         uint64
	rssSamples                              int
	queueMax                                float64
	dropped, refused                        float64
	kills, runs                             int
	exitErr                                 error
	drainTime                               time.Duration
	warnings, errors                        int
	dir                                     string
}

func flood(ctx context.Context, o floodOptions, questions []string, stderr io.Writer) (*floodReport, error) {
	dir, err := os.MkdirTemp("", "salama-flood-")
	if err != nil {
		return nil, err
	}
	if !o.keepFiles {
		defer os.RemoveAll(dir)
	}
	bin, err := salamaBinary(ctx, o.salama, dir)
	if err != nil {
		return nil, err
	}
	sim := newTGSim()
	api := httptest.NewServer(sim)
	defer api.Close()
	settings := map[string]string{"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": api.URL}
	if o.mode == "webhook" {
		settings["TELEGRAM_WEBHOOK_URL"] = "https://example.invalid/telegram" // only ever given to the simulator
		settings["TELEGRAM_WEBHOOK_SECRET"] = secret
	}
	c, err := newChild(bin, dir, settings)
	if err != nil {
		return nil, err
	}
	if err := c.start(ctx); err != nil {
		return nil, err
	}
	rep := &floodReport{dir: dir}

	chats := []int64{floodChat}
	for i := range o.normal {
		chats = append(chats, int64(firstNormal+i))
	}
	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	var bg sync.WaitGroup
	if o.mode == "webhook" {
		bg.Go(func() { sim.deliver(loadCtx, "http://"+c.addr+"/telegram", chats) })
	}
	// Memory and queue, every 200 ms, across restarts.
	sampleCtx, stopSample := context.WithCancel(ctx)
	defer stopSample()
	var sampleMu sync.Mutex
	bg.Go(func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-sampleCtx.Done():
				return
			case <-t.C:
			}
			if v, ok := c.rss(); ok {
				sampleMu.Lock()
				rep.rssMax, rep.rssLast = max(rep.rssMax, v), v
				rep.rssSamples++
				sampleMu.Unlock()
			}
			q := c.metric("salama_queue_messages")
			sampleMu.Lock()
			rep.queueMax = max(rep.queueMax, q)
			sampleMu.Unlock()
		}
	})

	// The users.
	start := time.Now()
	var users sync.WaitGroup
	users.Go(func() { // the flood
		interval := time.Second / time.Duration(o.rate)
		for i := 0; loadCtx.Err() == nil && time.Since(start) < o.duration; i++ {
			if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
				time.Sleep(d)
			}
			sim.push(floodChat, questions[i%len(questions)], false)
		}
	})
	for n := range o.normal {
		users.Go(func() {
			r := rand.New(rand.NewPCG(uint64(n), 7))
			time.Sleep(time.Duration(r.Int64N(int64(o.every))))
			for i := 0; loadCtx.Err() == nil && time.Since(start) < o.duration; i++ {
				if i%10 == 9 {
					sim.push(int64(firstNormal+n), urgentMessages[r.IntN(len(urgentMessages))], true)
				} else {
					sim.push(int64(firstNormal+n), questions[r.IntN(len(questions))], false)
				}
				time.Sleep(o.every/2 + time.Duration(r.Int64N(int64(o.every))))
			}
		})
	}
	var killedAt time.Time
	if o.killAt > 0 {
		select {
		case <-time.After(o.killAt):
		case <-ctx.Done():
		}
		killedAt = time.Now()
		c.kill()
		rep.kills++
		fmt.Fprintf(stderr, "salama-load: killed salama (SIGKILL) %s into the flood; starting it again\n", o.killAt)
		if err := c.start(ctx); err != nil {
			return nil, err
		}
	}
	users.Wait()

	// The drain: every normal message answered, or the time is up.
	drainStart := time.Now()
	for time.Since(drainStart) < o.drain && ctx.Err() == nil {
		if sim.normalUnanswered() == 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	rep.drainTime = time.Since(drainStart)
	rep.dropped = c.metric(`salama_dropped_total{channel="telegram",reason="throttled"}`)
	rep.refused = c.metric(`salama_dropped_total{channel="telegram",reason="conversation_full"}`) +
		c.metric(`salama_dropped_total{channel="telegram",reason="busy"}`)
	stopSample()
	stopLoad()
	rep.exitErr = c.stop()
	bg.Wait()
	rep.runs = c.runs
	rep.warnings, rep.errors = c.logs.count("level=WARN"), c.logs.count("level=ERROR")
	sim.report(rep, killedAt)
	return rep, nil
}

func (s *tgSim) normalUnanswered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for chat, msgs := range s.byChat {
		if chat != floodChat {
			n += max(len(msgs)-len(s.replies[chat]), 0)
		}
	}
	return n
}

// report matches each normal user's replies to their messages, in order.
func (s *tgSim) report(rep *floodReport, killedAt time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	byChat := map[int64][]*simUpdate{}
	for _, u := range s.updates {
		rep.sent++
		if u.chat == floodChat {
			rep.floodSent++
			if !u.acked.IsZero() {
				rep.floodAcked++
			}
			continue
		}
		byChat[u.chat] = append(byChat[u.chat], u)
	}
	rep.floodReplies = len(s.replies[floodChat])
	for chat, msgs := range byChat {
		replies := s.replies[chat]
		rep.normalSent += len(msgs)
		// A normal user writes seconds apart: replies come in order, one
		// per message (more after a restart, for messages answered but not
		// yet acknowledged when the process was killed).
		for _, u := range msgs {
			if u.urgent {
				rep.urgentSent++
			}
			if len(replies) == 0 || replies[0].Before(u.at) {
				for len(replies) > 0 && replies[0].Before(u.at) {
					rep.duplicated++ // an earlier message's second reply
					replies = replies[1:]
				}
			}
			if len(replies) == 0 {
				rep.unanswered++
				if !u.acked.IsZero() && (killedAt.IsZero() || u.acked.Before(killedAt)) {
					rep.lostAcked++
				}
				continue
			}
			took := replies[0].Sub(u.at)
			replies = replies[1:]
			if u.urgent {
				rep.urgentLatency = append(rep.urgentLatency, took)
			} else {
				rep.normalLatency = append(rep.normalLatency, took)
			}
		}
		rep.duplicated += len(replies)
	}
}

func (r *floodReport) ok(o floodOptions) bool {
	return r.lostAcked == 0 && r.unanswered == 0 && r.rssMax <= o.maxRSS && pct(r.normalLatency, 99) <= o.normalP99
}

func (r *floodReport) print(w io.Writer, o floodOptions) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	fmt.Fprintf(bw, "salama-load flood: salama serve (%s) on bbolt, Telegram's limits; one user sends %d/s for %s, %d users one message every ~%s (every tenth urgent)",
		o.mode, o.rate, o.duration, o.normal, o.every)
	if o.killAt > 0 {
		fmt.Fprintf(bw, "; kill -9 at %s and restart", o.killAt)
	}
	fmt.Fprintln(bw)
	fmt.Fprintf(bw, "updates            %d (flood %d, normal %d of which urgent %d)\n", r.sent, r.floodSent, r.normalSent, r.urgentSent)
	fmt.Fprintf(bw, "flood              %d acknowledged, %d replies; the last process throttled %.0f replies and refused %.0f updates while a queue was full (delivered again)\n",
		r.floodAcked, r.floodReplies, r.dropped, r.refused)
	fmt.Fprintf(bw, "normal replies     p50 %s  p99 %s  max %s (%d)\n", pct(r.normalLatency, 50).Round(time.Millisecond), pct(r.normalLatency, 99).Round(time.Millisecond), pct(r.normalLatency, 100).Round(time.Millisecond), len(r.normalLatency))
	fmt.Fprintf(bw, "urgent replies     p50 %s  p99 %s  max %s (%d)\n", pct(r.urgentLatency, 50).Round(time.Millisecond), pct(r.urgentLatency, 99).Round(time.Millisecond), pct(r.urgentLatency, 100).Round(time.Millisecond), len(r.urgentLatency))
	fmt.Fprintf(bw, "unanswered         %d normal messages (%d of them acknowledged before the kill: lost)\n", r.unanswered, r.lostAcked)
	fmt.Fprintf(bw, "answered twice     %d (replies sent again after a restart)\n", r.duplicated)
	fmt.Fprintf(bw, "salama memory      VmRSS max %s, last %s (%d samples); queue max %.0f messages\n", mb(r.rssMax), mb(r.rssLast), r.rssSamples, r.queueMax)
	fmt.Fprintf(bw, "salama process     %d start(s), exit after SIGTERM: %v; log: %d warnings, %d errors\n", r.runs, exitText(r.exitErr), r.warnings, r.errors)
	fmt.Fprintf(bw, "drain              %s\n", r.drainTime.Round(time.Millisecond))
	if o.keepFiles {
		fmt.Fprintf(bw, "files              %s\n", r.dir)
	}
	verdict := "ok"
	if !r.ok(o) {
		verdict = fmt.Sprintf("FAILED (want no message lost or unanswered, VmRSS ≤ %s, normal p99 ≤ %s)", mb(o.maxRSS), o.normalP99)
	}
	fmt.Fprintf(bw, "verdict            %s\n", verdict)
}

func exitText(err error) string {
	if err == nil {
		return "status 0"
	}
	return err.Error()
}
