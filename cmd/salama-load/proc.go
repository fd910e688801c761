package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// child is `salama serve` run as a process of its own, so that its memory
// is measured apart from the load and the fakes.
type child struct {
	bin  string   // the salama binary
	dir  string   // its data directory
	addr string   // its HTTP address
	env  []string // its settings
	logs *lockedFile

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan error
	runs int
}

// salamaBinary returns the binary to run: path when given, else one built
// from this checkout into dir.
func salamaBinary(ctx context.Context, path, dir string) (string, error) {
	if path != "" {
		return path, nil
	}
	out := filepath.Join(dir, "salama")
	build := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/salama")
	var stderr bytes.Buffer
	build.Stderr = &stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/salama (run salama-load from the repository root, or give -salama): %v: %s", err, stderr.String())
	}
	return out, nil
}

func newChild(bin, dir string, settings map[string]string) (*child, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, "salama.log"))
	if err != nil {
		return nil, err
	}
	// Only the settings given: none of the caller's tokens leak in.
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "GOMEMLIMIT=180MiB"}
	for k, v := range settings {
		env = append(env, k+"="+v)
	}
	return &child{bin: bin, dir: filepath.Join(dir, "data"), addr: addr, env: env, logs: &lockedFile{f: f}}, nil
}

// start runs salama serve and waits until /readyz says ready.
func (c *child) start(ctx context.Context) error {
	c.mu.Lock()
	cmd := exec.Command(c.bin, "serve", "--addr", c.addr, "--data", c.dir)
	cmd.Env = c.env
	cmd.Stdout, cmd.Stderr = c.logs, c.logs
	if err := cmd.Start(); err != nil {
		c.mu.Unlock()
		return err
	}
	c.cmd, c.done = cmd, make(chan error, 1)
	c.runs++
	done := c.done
	go func() { done <- cmd.Wait() }()
	c.mu.Unlock()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
		select {
		case err := <-done:
			return fmt.Errorf("salama serve exited at start: %v (log: %s)", err, c.logs.name())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		resp, err := http.Get("http://" + c.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("salama serve never became ready (log: %s)", c.logs.name())
}

// kill ends the process at once, as a crash or kill -9 does.
func (c *child) kill() {
	c.mu.Lock()
	cmd, done := c.cmd, c.done
	c.mu.Unlock()
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-done
}

// stop asks the process to stop (SIGTERM: it drains) and returns its exit
// error.
func (c *child) stop() error {
	c.mu.Lock()
	cmd, done := c.cmd, c.done
	c.mu.Unlock()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		return err
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		return fmt.Errorf("salama serve did not stop within a minute")
	}
}

// rss is the process's resident set size (Linux).
func (c *child) rss() (uint64, bool) {
	c.mu.Lock()
	pid := c.cmd.Process.Pid
	c.mu.Unlock()
	return statusValue(fmt.Sprintf("/proc/%d/status", pid), "VmRSS:")
}

// metric reads one sample of a metric from the child's /metrics (the sum
// of every series whose line starts with prefix).
func (c *child) metric(prefix string) float64 {
	resp, err := http.Get("http://" + c.addr + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	sum := 0.0
	for line := range strings.SplitSeq(string(body), "\n") {
		if strings.HasPrefix(line, prefix) {
			if i := strings.LastIndexByte(line, ' '); i > 0 {
				v, _ := strconv.ParseFloat(line[i+1:], 64)
				sum += v
			}
		}
	}
	return sum
}

func statusValue(path, key string) (uint64, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, key); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0, false
			}
			return kb * 1024, true
		}
	}
	return 0, false
}

type lockedFile struct {
	mu sync.Mutex
	f  *os.File
}

func (l *lockedFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Write(p)
}

func (l *lockedFile) name() string { return l.f.Name() }

// count returns how many lines of the log contain s.
func (l *lockedFile) count(s string) int {
	data, _ := os.ReadFile(l.f.Name())
	return strings.Count(string(data), s)
}
