package slack

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/salama-safety/salama/internal/channel"
)

const (
	// maxBody bounds a request body. Slack's are a few kilobytes; a button
	// press carries the message it was on, tens of kilobytes at most.
	maxBody = 128 << 10
	// signatureWindow is how far a request's timestamp may be from now.
	signatureWindow = 5 * time.Minute
)

// Errors that make a request unauthenticated (401).
var (
	errUnsigned     = errors.New("slack: request not signed")
	errExpired      = errors.New("slack: request timestamp outside the window")
	errBadSignature = errors.New("slack: malformed signature")
)

// Handler serves Slack's HTTP requests:
//
//	POST /slack/events       Events API
//	POST /slack/commands     slash commands
//	POST /slack/interactive  block_actions
//
// Every request must carry a valid v0 signature made with the signing
// secret and a timestamp within five minutes of Config.Now; otherwise it is
// refused with 401 before its body is parsed. Valid requests are answered
// at once (200) and the reply follows in the background. When the adapter
// is shutting down, new work is refused with 503 so that Slack retries it
// elsewhere. Without a SigningSecret (Socket Mode only) every path is 404.
func (a *Adapter) Handler() http.Handler {
	mux := http.NewServeMux()
	if a.cfg.SigningSecret == "" {
		return mux
	}
	mux.HandleFunc("POST /slack/events", a.verified(a.serveEvents))
	mux.HandleFunc("POST /slack/commands", a.verified(a.serveCommand))
	mux.HandleFunc("POST /slack/interactive", a.verified(a.serveInteractive))
	return mux
}

// verified reads the body and checks the request's signature before next
// sees a byte of it.
func (a *Adapter) verified(next func(w http.ResponseWriter, r *http.Request, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// The signature's shape and the timestamp are checked first: a
		// request that cannot be genuine, or is stale, is not read.
		if err := a.checkTimestamp(r.Header); err != nil {
			a.refuse(w, r, err)
			return
		}
		// Until the signature is checked the body is a stranger's: read
		// within bounds (channel.Bodies).
		body, release, err := a.bodies.Read(w, r)
		if err != nil {
			a.log.Warn("slack: request body refused", "path", r.URL.Path, "reason", bodyReason(err))
			return
		}
		// The handlers below copy what they keep (JSON and form decoding).
		defer release()
		if err := a.checkSignature(r.Header, body); err != nil {
			a.refuse(w, r, err)
			return
		}
		next(w, r, body)
	}
}

func (a *Adapter) refuse(w http.ResponseWriter, r *http.Request, err error) {
	why := "bad_signature"
	switch {
	case errors.Is(err, errUnsigned):
		why = "unsigned"
	case errors.Is(err, errExpired):
		why = "expired"
	}
	a.log.Warn("slack: request refused", "path", r.URL.Path, "reason", why)
	channel.CloseAfter(w)
	http.Error(w, "invalid request signature", http.StatusUnauthorized)
}

// checkTimestamp checks the signature header's shape (v0= and 64 hex
// digits) and the request's timestamp against Config.Now.
func (a *Adapter) checkTimestamp(h http.Header) error {
	sig := h.Get("X-Slack-Signature")
	if sig == "" || h.Get("X-Slack-Request-Timestamp") == "" {
		return errUnsigned
	}
	if hexSig, ok := strings.CutPrefix(sig, "v0="); !ok || len(hexSig) != 64 || strings.Trim(hexSig, "0123456789abcdef") != "" {
		return errBadSignature
	}
	sec, err := strconv.ParseInt(h.Get("X-Slack-Request-Timestamp"), 10, 64)
	if err != nil {
		return errUnsigned
	}
	if a.cfg.Now().Sub(time.Unix(sec, 0)).Abs() > signatureWindow {
		return errExpired
	}
	return nil
}

// checkSignature checks the v0 HMAC of the body with slack-go's verifier.
// That verifier checks the window again, against the wall clock, which is
// why a clock injected through Config.Now must stay near the real time.
func (a *Adapter) checkSignature(h http.Header, body []byte) error {
	sv, err := slackapi.NewSecretsVerifier(h, a.cfg.SigningSecret)
	if err != nil {
		if errors.Is(err, slackapi.ErrExpiredTimestamp) {
			return errExpired
		}
		return err
	}
	if _, err := sv.Write(body); err != nil {
		return err
	}
	return sv.Ensure()
}

func (a *Adapter) serveEvents(w http.ResponseWriter, r *http.Request, body []byte) {
	if !json.Valid(body) {
		http.Error(w, "malformed event", http.StatusBadRequest)
		return
	}
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		// Valid JSON we cannot read (an event type we did not subscribe
		// to): acknowledge it so that Slack does not retry.
		a.log.Debug("slack: event not understood", "event", ev.Type)
		w.WriteHeader(http.StatusOK)
		return
	}
	switch ev.Type {
	case slackevents.URLVerification:
		uv, _ := ev.Data.(*slackevents.EventsAPIURLVerificationEvent)
		if uv == nil {
			http.Error(w, "malformed challenge", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, uv.Challenge)
	case slackevents.CallbackEvent:
		if r.Header.Get("X-Slack-Retry-Num") != "" {
			a.log.Debug("slack: event retried by Slack", "event", ev.InnerEvent.Type,
				"retry_reason", r.Header.Get("X-Slack-Retry-Reason"))
		}
		t, err := a.handleEvent(ev)
		if err != nil && !errors.Is(err, channel.ErrDuplicate) {
			channel.Refuse(w, err)
			return
		}
		// Answered once replied, or after AckWait: within Slack's three
		// seconds either way. A retry of an event in flight waits the
		// same way, and is not answered twice.
		channel.Await(r.Context(), t, a.cfg.AckWait)
		w.WriteHeader(http.StatusOK)
	case slackevents.AppRateLimited:
		a.log.Warn("slack: events rate limited by Slack")
		w.WriteHeader(http.StatusOK)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "malformed command", http.StatusBadRequest)
		return
	}
	cmd, err := slackapi.SlashCommandParse(withForm(r, form))
	if err != nil {
		http.Error(w, "malformed command", http.StatusBadRequest)
		return
	}
	if _, err := a.handleCommand(replayID(r), cmd); err != nil && !errors.Is(err, channel.ErrDuplicate) {
		channel.Refuse(w, err)
		return
	}
	// An empty 200 shows nothing; the answer follows via response_url.
	w.WriteHeader(http.StatusOK)
}

func (a *Adapter) serveInteractive(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "malformed interaction", http.StatusBadRequest)
		return
	}
	cb, err := slackapi.InteractionCallbackParse(withForm(r, form))
	if err != nil {
		http.Error(w, "malformed interaction", http.StatusBadRequest)
		return
	}
	if _, err := a.handleInteraction(replayID(r), cb); err != nil && !errors.Is(err, channel.ErrDuplicate) {
		channel.Refuse(w, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// withForm returns a copy of r whose form is already parsed, so that
// slack-go's parsers read the verified body instead of the spent stream.
func withForm(r *http.Request, form url.Values) *http.Request {
	r2 := r.Clone(r.Context())
	r2.Body = http.NoBody
	r2.PostForm = form
	r2.Form = form
	return r2
}

func bodyReason(err error) string {
	switch {
	case errors.Is(err, channel.ErrBodyTooLarge):
		return "too_large"
	case errors.Is(err, channel.ErrBodyBusy):
		return "busy"
	}
	return "unreadable"
}

// replayID identifies a signed request: its signature, which covers its
// timestamp and body. Slack never sends the same one twice, so a second
// within the signature window is a replay, answered 200 and ignored.
func replayID(r *http.Request) string { return "s:" + r.Header.Get("X-Slack-Signature") }
