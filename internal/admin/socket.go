package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/salama-safety/salama/internal/chat"
)

// SocketName is the admin socket's name in the data directory.
const SocketName = "admin.sock"

// Serve answers the operator's questions about s on the admin socket in
// dir until stop is called; stop removes the socket. A socket left by a
// server that crashed is replaced.
func Serve(dir string, s Store) (stop func(), err error) {
	path := filepath.Join(dir, SocketName)
	_ = os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /counts", func(w http.ResponseWriter, r *http.Request) {
		rows, err := s.Counts(r.Context(), r.URL.Query().Get("since"))
		writeJSON(w, rows, err)
	})
	mux.HandleFunc("GET /gaps", func(w http.ResponseWriter, r *http.Request) {
		gaps, err := s.Gaps(r.Context(), r.URL.Query().Get("since"))
		writeJSON(w, gaps, err)
	})
	mux.HandleFunc("POST /forget", func(w http.ResponseWriter, r *http.Request) {
		u := chat.User{Platform: chat.Platform(r.FormValue("platform")), ID: r.FormValue("user")}
		rep, err := Forget(r.Context(), s, u)
		writeJSON(w, rep, err)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return func() { srv.Close(); os.Remove(path) }, nil
}

func writeJSON(w http.ResponseWriter, v any, err error) {
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// Dial returns the Service of the server listening on the admin socket at
// path. It connects at each question, so it never fails itself.
func Dial(path string) Service {
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}}
	return &client{c: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

type client struct{ c *http.Client }

func (s *client) get(ctx context.Context, path string, v any) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://salama"+path, nil)
	return s.do(req, v)
}

func (s *client) do(req *http.Request, v any) error {
	resp, err := s.c.Do(req)
	if err != nil {
		return fmt.Errorf("asking the running server: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("the running server says: %s", strings.TrimSpace(string(b)))
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func (s *client) Counts(ctx context.Context, since string) ([]chat.CountRow, error) {
	var rows []chat.CountRow
	return rows, s.get(ctx, "/counts?since="+url.QueryEscape(since), &rows)
}

func (s *client) Gaps(ctx context.Context, since string) ([]chat.Gap, error) {
	var gaps []chat.Gap
	return gaps, s.get(ctx, "/gaps?since="+url.QueryEscape(since), &gaps)
}

func (s *client) Forget(ctx context.Context, u chat.User) (ForgetReport, error) {
	form := url.Values{"platform": {string(u.Platform)}, "user": {u.ID}}
	req, _ := http.NewRequestWithContext(ctx, "POST", "http://salama/forget", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var r ForgetReport
	return r, s.do(req, &r)
}

func (s *client) Close() error { return nil }
