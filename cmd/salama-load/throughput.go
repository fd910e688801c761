// The throughput scenario drives the real Telegram adapter, in webhook mode, with
// a steady stream of updates and checks that every one is answered exactly
// once. Everything runs on 127.0.0.1: a fake Bot API that records each
// sendMessage, the bot, and the load itself. Nothing leaves the machine.
//
//	go run ./cmd/salama-load                         # 1000 updates/s for 60s over 5000 chats
//	go run ./cmd/salama-load -duration 10s -rate 200
//	go run ./cmd/salama-load -store postgres://… -replicas 2
//	go run ./cmd/salama-load -serve ./salama -store postgres://… -replicas 2 -rate 50
//
// The bot is, by default, the adapter and the engine on the embedded
// content in this process, behind an httptest server, on the bbolt store in
// a temporary directory (-store memory: in memory). With -store set to a
// postgres:// URL, the run gets a schema of its own in that database,
// dropped at the end, and -replicas N starts N adapters, each with its own
// engine and store on that schema, as N processes would have. With -serve
// BINARY the replicas are real `salama serve` processes started from
// BINARY, in webhook mode, their Bot API pointed at the fake, sharing the
// store; they keep Telegram's sending limits (30 messages/s each), so keep
// -rate below that. Updates go to the replicas in turn, so that each chat's
// messages reach them all, as behind a load balancer.
//
// Each update is a private text message, a question from a dev set
// (-devset, default faq/en/questions.tsv), posted with the webhook's
// secret header. When the time is up the tool stops sending, lets the
// adapter drain its queues, and reports the updates sent, HTTP errors,
// replies, lost and duplicated replies, latencies and memory. It exits 1 when a reply was lost or
// duplicated or a request failed.
//
// The adapter's limiters are opened up (GlobalRate, ChatInterval): the
// Telegram limits they enforce would otherwise cap the test at 30 messages a
// second. Memory figures are for the whole process, fake API and load
// generator included, so they overstate the bot's own.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/memstore"
)

const (
	token    = "123456:LOAD-test-token"
	secret   = "load-test-secret"
	username = "SalamaLoadBot"

	maxRate     = 100_000
	maxDuration = 10 * time.Minute
	maxChats    = 1_000_000
)

type options struct {
	rate     int
	duration time.Duration
	chats    int
	workers  int
	devset   string
	lang     string
	drain    time.Duration
	verbose  bool
	profile  string
	store    string
	replicas int
	serve    string
	commit   time.Duration
}

func runThroughput(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("salama-load throughput", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.IntVar(&o.rate, "rate", 1000, "updates per second")
	fs.DurationVar(&o.duration, "duration", 60*time.Second, "how long to send")
	fs.IntVar(&o.chats, "chats", 5000, "distinct private chats the updates come from")
	fs.IntVar(&o.workers, "workers", 64, "concurrent webhook requests at most")
	fs.StringVar(&o.devset, "devset", "faq/en/questions.tsv", "questions to send, one <label><TAB><question> a line")
	fs.StringVar(&o.lang, "lang", "", "the language_code of the senders (default: the questions file's folder, \"en\" for faq/en/questions.tsv, or its name, \"en\" for en.tsv)")
	fs.DurationVar(&o.drain, "drain", 60*time.Second, "how long the adapter may take to drain once sending stops")
	fs.BoolVar(&o.verbose, "v", false, "show the adapter's warnings")
	fs.StringVar(&o.profile, "cpuprofile", "", "write a CPU profile of the run (sending and drain) to this file")
	fs.StringVar(&o.store, "store", "bolt", "bolt (in a temporary directory), memory, or a postgres:// URL (the run uses a schema of its own there)")
	fs.IntVar(&o.replicas, "replicas", 1, "replicas answering the webhook in turn (more than one needs a postgres:// store)")
	fs.StringVar(&o.serve, "serve", "", "run the replicas as `BINARY serve` processes (a built salama) instead of in this process")
	fs.DurationVar(&o.commit, "commit-delay", 0, "make each bbolt write transaction this much slower, as a slow (fsync-bound) disk does (in process, -store bolt)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	switch {
	case o.rate < 1 || o.rate > maxRate:
		fmt.Fprintf(stderr, "salama-load: -rate must be 1 to %d\n", maxRate)
		return 2
	case o.duration <= 0 || o.duration > maxDuration:
		fmt.Fprintf(stderr, "salama-load: -duration must be above 0 and at most %s\n", maxDuration)
		return 2
	case o.chats < 1 || o.chats > maxChats:
		fmt.Fprintf(stderr, "salama-load: -chats must be 1 to %d\n", maxChats)
		return 2
	case o.store != "bolt" && o.store != "memory" && !o.postgres():
		fmt.Fprintln(stderr, "salama-load: -store must be bolt, memory or a postgres:// URL")
		return 2
	case o.replicas < 1 || o.replicas > 16:
		fmt.Fprintln(stderr, "salama-load: -replicas must be 1 to 16")
		return 2
	case o.replicas > 1 && !o.postgres():
		fmt.Fprintln(stderr, "salama-load: -replicas above 1 needs a postgres:// -store, which replicas share")
		return 2
	case o.serve != "" && o.store == "memory":
		fmt.Fprintln(stderr, "salama-load: salama serve has no memory store")
		return 2
	case o.workers < 1:
		fmt.Fprintln(stderr, "salama-load: -workers must be at least 1")
		return 2
	}
	if o.lang == "" {
		o.lang = strings.TrimSuffix(filepath.Base(o.devset), filepath.Ext(o.devset))
		if o.lang == "questions" { // faq/<lang>/questions.tsv
			o.lang = filepath.Base(filepath.Dir(o.devset))
		}
	}
	if o.serve != "" && o.rate > 25*o.replicas {
		fmt.Fprintf(stderr, "salama-load: warning: salama serve sends at most 30 messages/s per replica (Telegram's limit); %d/s over %d replicas will queue\n", o.rate, o.replicas)
	}
	questions, err := readQuestions(o.devset)
	if err != nil {
		fmt.Fprintf(stderr, "salama-load: %v\n", err)
		return 1
	}
	rep, err := load(ctx, o, questions)
	if err != nil {
		fmt.Fprintf(stderr, "salama-load: %v\n", err)
		return 1
	}
	rep.print(stdout, o)
	if rep.lost > 0 || rep.duplicated > 0 || rep.httpErrors > 0 || (rep.counted >= 0 && rep.counted != int64(rep.accepted)) {
		return 1
	}
	return 0
}

func (o options) postgres() bool {
	return strings.HasPrefix(o.store, "postgres://") || strings.HasPrefix(o.store, "postgresql://")
}

// readQuestions reads the question column of a dev-set file.
func readQuestions(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if _, q, ok := strings.Cut(line, "\t"); ok && strings.TrimSpace(q) != "" {
			out = append(out, q)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no questions", path)
	}
	return out, nil
}

// fakeAPI is a Bot API on loopback that answers every method with success
// and records sendMessage per chat.
type fakeAPI struct {
	mu      sync.Mutex
	sent    map[int64][]time.Time // when each reply to a chat arrived
	msgID   int64
	other   map[string]int // other methods called
	badForm atomic.Int64
}

func newFakeAPI() *fakeAPI {
	return &fakeAPI{sent: map[int64][]time.Time{}, other: map[string]int{}}
}

// calls is how many times a method other than sendMessage was called.
func (f *fakeAPI) calls(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.other[method]
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+token+"/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	if method == "getMe" { // salama serve asks, the in-process adapter is told
		f.mu.Lock()
		f.other[method]++
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Salama","username":%q}}`, username)
		return
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		f.badForm.Add(1)
		http.Error(w, `{"ok":false,"error_code":400,"description":"Bad Request"}`, http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if method != "sendMessage" {
		f.mu.Lock()
		f.other[method]++
		f.mu.Unlock()
		io.WriteString(w, `{"ok":true,"result":true}`)
		return
	}
	chatID, err := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
	if err != nil || r.FormValue("text") == "" {
		f.badForm.Add(1)
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"ok":false,"error_code":400,"description":"Bad Request: message text is empty"}`)
		return
	}
	f.mu.Lock()
	f.sent[chatID] = append(f.sent[chatID], time.Now())
	f.msgID++
	id := f.msgID
	f.mu.Unlock()
	fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"date":1,"chat":{"id":%d,"type":"private"},"text":"ok"}}`, id, chatID)
}

// observer counts the adapter's delivery events.
type observer struct {
	mu         sync.Mutex
	took       []time.Duration
	sendErrors map[string]int
	rateWaits  int
	dropped    map[string]int
	maxQueue   int
}

func (o *observer) Replied(_ chat.Platform, _ chat.Kind, _ string, took time.Duration) {
	o.mu.Lock()
	o.took = append(o.took, took)
	o.mu.Unlock()
}

func (o *observer) SendError(_ chat.Platform, reason string) {
	o.mu.Lock()
	o.sendErrors[reason]++
	o.mu.Unlock()
}

func (o *observer) RateLimitWait(chat.Platform, time.Duration) {
	o.mu.Lock()
	o.rateWaits++
	o.mu.Unlock()
}

func (o *observer) Queue(_ chat.Platform, waiting int) {
	o.mu.Lock()
	o.maxQueue = max(o.maxQueue, waiting)
	o.mu.Unlock()
}

func (o *observer) Event(chat.Platform, string) {}

func (o *observer) Dropped(_ chat.Platform, reason string) {
	o.mu.Lock()
	o.dropped[reason]++
	o.mu.Unlock()
}

// loopbackOnly refuses any request that would leave the machine.
type loopbackOnly struct{ base http.RoundTripper }

func (l loopbackOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if ip := net.ParseIP(r.URL.Hostname()); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("salama-load: refusing a request to %q: not loopback", r.URL.Hostname())
	}
	return l.base.RoundTrip(r)
}

func loopbackClient(conns int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = conns
	t.Proxy = nil
	return &http.Client{Transport: loopbackOnly{base: t}, Timeout: 30 * time.Second}
}

// memory is a sampled series of one figure.
type memory struct {
	n              int
	min, max, last uint64
}

func (m *memory) add(v uint64) {
	if m.n == 0 || v < m.min {
		m.min = v
	}
	m.max = max(m.max, v)
	m.last = v
	m.n++
}

type report struct {
	sent, httpErrors, accepted int
	sendTime, drainTime        time.Duration
	maxLag                     time.Duration
	webhookLatency             []time.Duration
	sendMessages, replied      int
	replyLatency               []time.Duration
	lost, duplicated           int
	lostChats, dupChats        int
	sendErrors                 map[string]int
	rateWaits                  int
	badForm                    int64
	other                      map[string]int
	heapInuse, sys, rss        memory
	samples                    int
	cpu                        time.Duration
	cpuOK                      bool
	users                      int
	counted                    int64 // replies the store counted; -1 unless PostgreSQL
	apiLatency                 []time.Duration
	replicas                   []procStats
}

func load(ctx context.Context, o options, questions []string) (*report, error) {
	api := newFakeAPI()
	apiSrv := httptest.NewServer(api)
	defer apiSrv.Close()

	obs := &observer{sendErrors: map[string]int{}, dropped: map[string]int{}}
	var db *pgSchema
	if o.postgres() {
		var err error
		if db, err = newSchema(ctx, o.store); err != nil {
			return nil, err
		}
		defer db.drop(context.WithoutCancel(ctx)) //nolint:errcheck // best effort
	}
	var sys bots
	var err error
	if o.serve != "" {
		storeURL := ""
		if db != nil {
			storeURL = db.url
		}
		sys, err = startServe(ctx, o, apiSrv.URL, storeURL, api)
	} else {
		sys, err = startInProcess(ctx, o, apiSrv.URL, db, obs)
	}
	if err != nil {
		return nil, err
	}
	stopped := false
	defer func() {
		if !stopped {
			sys.stop() //nolint:errcheck // already failing
		}
	}()
	targets := sys.targets()

	rep := &report{counted: -1}
	if o.profile != "" {
		f, err := os.Create(o.profile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	startCPU, cpuOK := cpuTime()

	// Memory, every second until the end.
	var memMu sync.Mutex
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		rss, _ := vmRSS()
		memMu.Lock()
		rep.heapInuse.add(ms.HeapInuse)
		rep.sys.add(ms.Sys)
		if rss > 0 {
			rep.rss.add(rss)
		}
		rep.samples++
		memMu.Unlock()
	}
	sample()
	memDone := make(chan struct{})
	memStopped := make(chan struct{})
	go func() {
		defer close(memStopped)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-memDone:
				return
			case <-tick.C:
				sample()
			}
		}
	}()

	// The load: a pacer hands update numbers to workers at the set rate.
	// Update i goes to chat i mod chats, and to the replicas in turn so
	// that each chat's successive updates reach different replicas.
	client := loopbackClient(o.workers)
	total := int(int64(o.rate) * int64(o.duration) / int64(time.Second))
	posted := make([][]time.Time, o.chats) // when each accepted update was posted, by chat index
	var mu sync.Mutex
	jobs := make(chan int, o.rate)
	var wg sync.WaitGroup
	for range o.workers {
		wg.Go(func() {
			for i := range jobs {
				c := i % o.chats
				chatID := int64(1_000_000 + c)
				body := update(int64(i+1), chatID, o.lang, questions[(i/o.chats+c)%len(questions)])
				target := targets[(i+i/o.chats)%len(targets)]
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(body))
				if err != nil {
					mu.Lock()
					rep.httpErrors++
					mu.Unlock()
					continue
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
				start := time.Now()
				resp, err := client.Do(req)
				took := time.Since(start)
				ok := err == nil && resp.StatusCode == http.StatusOK
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				mu.Lock()
				rep.sent++
				rep.webhookLatency = append(rep.webhookLatency, took)
				if ok {
					posted[c] = append(posted[c], start)
					rep.accepted++
				} else {
					rep.httpErrors++
				}
				mu.Unlock()
			}
		})
	}
	start := time.Now()
	interval := time.Second / time.Duration(o.rate)
	for i := 0; i < total && ctx.Err() == nil; i++ {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		} else {
			rep.maxLag = max(rep.maxLag, -d)
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	rep.sendTime = time.Since(start)

	// The drain: the replicas stop taking updates and return once every
	// reply in flight is sent (or their drain time-out passed), and their
	// stores are closed.
	drainStart := time.Now()
	stopped = true
	if err := sys.stop(); err != nil {
		return nil, err
	}
	rep.drainTime = time.Since(drainStart)
	rep.replicas = sys.procs()
	if end, ok := cpuTime(); ok && cpuOK {
		rep.cpu, rep.cpuOK = end-startCPU, true
	}
	sample()
	close(memDone)
	<-memStopped

	api.mu.Lock()
	for c, times := range posted {
		replies := api.sent[int64(1_000_000+c)]
		n, got := len(times), len(replies)
		rep.sendMessages += got
		switch {
		case got < n:
			rep.lost += n - got
			rep.lostChats++
		case got > n:
			rep.duplicated += got - n
			rep.dupChats++
		}
		// A chat's updates are chats/rate seconds apart: its k-th reply
		// answers its k-th update.
		for k := range min(n, got) {
			rep.apiLatency = append(rep.apiLatency, replies[k].Sub(times[k]))
		}
	}
	for id, replies := range api.sent {
		if id < 1_000_000 || id >= int64(1_000_000+o.chats) {
			rep.duplicated += len(replies) // a reply to a chat that sent nothing
		}
	}
	rep.other = api.other
	api.mu.Unlock()
	rep.badForm = api.badForm.Load()
	obs.mu.Lock()
	rep.replied = len(obs.took)
	rep.replyLatency = obs.took
	rep.sendErrors = obs.sendErrors
	rep.rateWaits = obs.rateWaits
	obs.mu.Unlock()
	rep.users = -1 // the bolt store does not list users
	if ip, ok := sys.(*inProcess); ok && len(ip.stores) == 1 {
		if ms, ok := ip.stores[0].(*memstore.Store); ok {
			rep.users = len(ms.Keys())
		}
	}
	if db != nil {
		if rep.users, err = db.users(ctx); err != nil {
			return nil, err
		}
		if rep.counted, err = db.counted(ctx); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// update is the JSON of a webhook update carrying a private text message.
func update(id, chatID int64, lang, text string) string {
	l, _ := json.Marshal(lang)
	q, _ := json.Marshal(text)
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1,`+
		`"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"A","language_code":%s},"text":%s}}`,
		id, id, chatID, chatID, l, q)
}

// vmRSS reads the resident set size from /proc/self/status (Linux only).
func vmRSS() (uint64, bool) { return statusValue("/proc/self/status", "VmRSS:") }

// cpuTime reads the process's user and system time from /proc/self/stat
// (Linux only; clock ticks of 1/100 s, the usual USER_HZ).
func cpuTime() (time.Duration, bool) { return cpuTimeOf("self") }

// cpuTimeOf is cpuTime of the process pid ("self" for this one).
func cpuTimeOf(pid string) (time.Duration, bool) {
	data, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name, field 2, may hold spaces: count from its ")".
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, true
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(i-1, 0)]
}

func mb(b uint64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }

func (r *report) print(w io.Writer, o options) {
	fmt.Fprintf(w, "salama-load: %d updates/s for %s over %d chats, questions from %s (%s), %d workers, GOMAXPROCS %d\n",
		o.rate, o.duration, o.chats, o.devset, o.lang, o.workers, runtime.GOMAXPROCS(0))
	storeName := o.store
	if o.postgres() {
		storeName = "postgres" // the URL may hold a password
	}
	where := "in this process"
	if o.serve != "" {
		where = "salama serve processes"
	}
	fmt.Fprintf(w, "bot                %d replica(s), %s, store %s, commit delay %s\n", o.replicas, where, storeName, o.commit)
	fmt.Fprintf(w, "updates sent       %d in %s (%.0f/s), pacer behind by %s at most\n",
		r.sent, r.sendTime.Round(time.Millisecond), float64(r.sent)/r.sendTime.Seconds(), r.maxLag.Round(time.Microsecond))
	fmt.Fprintf(w, "HTTP errors        %d (accepted %d)\n", r.httpErrors, r.accepted)
	fmt.Fprintf(w, "webhook latency    p50 %s  p99 %s  max %s\n",
		pct(r.webhookLatency, 50), pct(r.webhookLatency, 99), pct(r.webhookLatency, 100))
	if o.serve != "" {
		fmt.Fprintf(w, "replies received   %d sendMessage, drain %s\n", r.sendMessages, r.drainTime.Round(time.Microsecond))
	} else {
		fmt.Fprintf(w, "replies received   %d sendMessage, %d replies delivered (adapter), drain %s\n",
			r.sendMessages, r.replied, r.drainTime.Round(time.Microsecond))
		fmt.Fprintf(w, "reply latency      p50 %s  p99 %s  max %s (update received to reply sent)\n",
			pct(r.replyLatency, 50), pct(r.replyLatency, 99), pct(r.replyLatency, 100))
	}
	fmt.Fprintf(w, "round trip         p50 %s  p99 %s  max %s (update posted to reply at the API)\n",
		pct(r.apiLatency, 50), pct(r.apiLatency, 99), pct(r.apiLatency, 100))
	fmt.Fprintf(w, "lost replies       %d (in %d chats)\n", r.lost, r.lostChats)
	fmt.Fprintf(w, "duplicated replies %d (in %d chats)\n", r.duplicated, r.dupChats)
	if len(r.sendErrors) > 0 || r.rateWaits > 0 || r.badForm > 0 {
		fmt.Fprintf(w, "send errors        %v, rate-limit waits %d, malformed requests %d\n", r.sendErrors, r.rateWaits, r.badForm)
	}
	fmt.Fprintf(w, "other API calls    %v\n", r.other)
	if r.users >= 0 {
		fmt.Fprintf(w, "users in store     %d\n", r.users)
	}
	if r.counted >= 0 {
		fmt.Fprintf(w, "replies counted    %d by the store's counters (want %d)\n", r.counted, r.accepted)
	}
	if o.serve != "" {
		fmt.Fprintf(w, "memory (%d samples, this process: the load and the fake API)\n", r.samples)
	} else {
		fmt.Fprintf(w, "memory (%d samples, whole process)\n", r.samples)
	}
	fmt.Fprintf(w, "  HeapInuse        min %s  max %s  last %s\n", mb(r.heapInuse.min), mb(r.heapInuse.max), mb(r.heapInuse.last))
	fmt.Fprintf(w, "  Sys              min %s  max %s  last %s\n", mb(r.sys.min), mb(r.sys.max), mb(r.sys.last))
	if r.rss.n > 0 {
		fmt.Fprintf(w, "  VmRSS            min %s  max %s  last %s\n", mb(r.rss.min), mb(r.rss.max), mb(r.rss.last))
	} else {
		fmt.Fprintln(w, "  VmRSS            not available")
	}
	busy := r.sendTime + r.drainTime
	if r.cpuOK {
		fmt.Fprintf(w, "CPU time           %s over %s (%.2f cores), %.0f µs per update\n",
			r.cpu.Round(10*time.Millisecond), busy.Round(time.Millisecond), r.cpu.Seconds()/busy.Seconds(),
			float64(r.cpu.Microseconds())/float64(max(r.sent, 1)))
	}
	for i, p := range r.replicas {
		fmt.Fprintf(w, "replica %d          CPU %s once ready (%.2f cores), VmRSS %s at the end, peak %s\n",
			i+1, p.cpu.Round(10*time.Millisecond), p.cpu.Seconds()/r.sendTime.Seconds(), mb(p.rss), mb(p.peak))
	}
}
