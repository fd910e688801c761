// The slowbodies scenario: salama serve, as its own process, with Slack in
// HTTP mode, receives hundreds of unauthenticated requests whose 1 MiB
// bodies trickle in; its resident memory is read before, during and after.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

func runSlowBodies(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("salama-load slowbodies", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bin := fs.String("salama", "", "the salama binary (default: build ./cmd/salama)")
	conns := fs.Int("bodies", 300, "slow requests at once")
	size := fs.Int("size", 1<<20, "the body each announces, in bytes")
	rate := fs.Int("rate", 1024, "bytes a second each sends")
	duration := fs.Duration("duration", 30*time.Second, "how long the attack lasts")
	maxGrowth := fs.Int("max-growth", 50, "fail when resident memory grows by more than this many MB")
	chunked := fs.Bool("chunked", true, "send the bodies chunked, without a length (else with Content-Length, refused at once)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	dir, err := os.MkdirTemp("", "salama-slow-")
	if err != nil {
		fmt.Fprintf(stderr, "salama-load: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	path, err := salamaBinary(ctx, *bin, dir)
	if err != nil {
		fmt.Fprintf(stderr, "salama-load: %v\n", err)
		return 1
	}
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	defer slack.Close()
	c, err := newChild(path, dir, map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-load", "SLACK_SIGNING_SECRET": "load-secret", "SLACK_API_URL": slack.URL + "/api/",
	})
	if err != nil {
		fmt.Fprintf(stderr, "salama-load: %v\n", err)
		return 1
	}
	if err := c.start(ctx); err != nil {
		fmt.Fprintf(stderr, "salama-load: %v\n", err)
		return 1
	}
	time.Sleep(2 * time.Second) // let start-up settle
	before, _ := c.rss()

	var peak atomic.Uint64
	var statuses sync.Map // status code → *atomic.Int64
	var closed atomic.Int64
	count := func(code int) {
		v, _ := statuses.LoadOrStore(code, new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
	}
	attack, stop := context.WithTimeout(ctx, *duration)
	defer stop()
	var wg sync.WaitGroup
	for i := range *conns {
		wg.Go(func() {
			for attack.Err() == nil {
				code := slowRequest(attack, c.addr, *size, *rate, i, *chunked)
				if code == 0 {
					closed.Add(1)
				} else {
					count(code)
				}
			}
		})
	}
	t := time.NewTicker(200 * time.Millisecond)
	for attack.Err() == nil {
		select {
		case <-t.C:
			if v, ok := c.rss(); ok && v > peak.Load() {
				peak.Store(v)
			}
		case <-attack.Done():
		}
	}
	t.Stop()
	wg.Wait()
	time.Sleep(2 * time.Second)
	after, _ := c.rss()
	stopErr := c.stop()

	growth := int64(peak.Load()) - int64(before)
	fmt.Fprintf(stdout, "salama-load slowbodies: %d requests at once to /slack/events, each announcing %d bytes sent at %d B/s, for %s\n",
		*conns, *size, *rate, *duration)
	fmt.Fprintf(stdout, "salama VmRSS       before %s, peak %s (+%.1f MB), after %s\n", mb(before), mb(peak.Load()), float64(growth)/(1<<20), mb(after))
	fmt.Fprint(stdout, "answers           ")
	statuses.Range(func(k, v any) bool {
		fmt.Fprintf(stdout, " %d×%d", k.(int), v.(*atomic.Int64).Load())
		return true
	})
	fmt.Fprintf(stdout, ", connections closed by salama %d\n", closed.Load())
	fmt.Fprintf(stdout, "salama process     exit after SIGTERM: %s\n", exitText(stopErr))
	if growth > int64(*maxGrowth)<<20 || stopErr != nil {
		fmt.Fprintf(stdout, "verdict            FAILED (want growth ≤ %d MB and a clean stop)\n", *maxGrowth)
		return 1
	}
	fmt.Fprintln(stdout, "verdict            ok")
	return 0
}

// slowRequest sends an unauthenticated request whose body trickles in, and
// returns the status salama answered, or 0 if it closed the connection.
func slowRequest(ctx context.Context, addr string, size, rate, i int, chunked bool) int {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		time.Sleep(100 * time.Millisecond)
		return 0
	}
	defer conn.Close()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	length := fmt.Sprintf("Content-Length: %d", size)
	if chunked {
		length = "Transfer-Encoding: chunked"
	}
	fmt.Fprintf(conn, "POST /slack/events HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
		"X-Slack-Request-Timestamp: %s\r\nX-Slack-Signature: v0=%064x\r\n%s\r\n\r\n", addr, ts, i, length)
	chunk := make([]byte, max(rate/10, 1))
	for j := range chunk {
		chunk[j] = 'x'
	}
	if chunked {
		chunk = append(fmt.Appendf(nil, "%x\r\n", len(chunk)), append(chunk, '\r', '\n')...)
	}
	answer := make(chan int, 1)
	go func() {
		buf := make([]byte, 64)
		n, _ := conn.Read(buf)
		code := 0
		if n >= 12 {
			code, _ = strconv.Atoi(string(buf[9:12]))
		}
		answer <- code
	}()
	for sent := 0; sent < size; sent += len(chunk) {
		select {
		case code := <-answer:
			return code
		case <-ctx.Done():
			return 0
		case <-time.After(100 * time.Millisecond):
		}
		if _, err := conn.Write(chunk); err != nil {
			break
		}
	}
	select {
	case code := <-answer:
		return code
	case <-time.After(5 * time.Second):
		return 0
	}
}
