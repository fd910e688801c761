package whatsapp

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
)

// maxDelivery bounds a webhook body: Meta batches updates, a few kilobytes
// each.
const maxDelivery = 512 << 10

// Path is where the adapter serves its webhook (the callback URL's path in
// the Meta app).
const Path = "/whatsapp"

// Adapter connects an engine to a WhatsApp business number. Create it with
// [New], start it with [Adapter.Run], and mount [Adapter.Routes].
type Adapter struct {
	cfg    Config
	engine chat.Engine
	log    *slog.Logger
	retry  channel.Retry
	spacer *channel.Spacer
	work   *channel.Dispatcher
	menus  *channel.Menus
	bodies channel.Bodies
	status channel.Status
	secret []byte
	verify [sha256.Size]byte

	running atomic.Bool
	ready   atomic.Bool
	// side sends read receipts outside the conversations' queues.
	side *channel.Aside

	// fatal is set when the access token is refused.
	fatal channel.Fatal
}

var _ channel.Adapter = (*Adapter)(nil)

// New returns an adapter for engine. It makes no request: Run does.
func New(cfg Config, engine chat.Engine) (*Adapter, error) {
	if engine == nil {
		return nil, errors.Join(ErrConfig, errors.New("whatsapp: nil engine"))
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	a := &Adapter{
		cfg:    cfg,
		engine: engine,
		log:    cfg.Logger.With("platform", string(chat.WhatsApp)),
		spacer: &channel.Spacer{Rate: float64(cfg.Rate), Burst: cfg.PairBurst, Now: cfg.Now, Sleep: cfg.Sleep},
		menus:  channel.NewMenus(100_000, 24*time.Hour, cfg.Now),
		bodies: channel.Bodies{Max: maxDelivery},
		secret: []byte(cfg.AppSecret),
		verify: sha256.Sum256([]byte(cfg.VerifyToken)),
		side:   channel.NewAside(16),
	}
	a.retry = channel.Retry{
		Base:        cfg.RetryBase,
		MaxRetries:  cfg.MaxRetries,
		Sleep:       cfg.Sleep,
		OnRateLimit: channel.ObserveWaits(chat.WhatsApp, cfg.Observer),
	}
	a.work = channel.NewDispatcher(cfg.Queue.Wire(chat.WhatsApp, engine, cfg.Observer, a.log, cfg.Now))
	return a, nil
}

// Health is the adapter's state, for /readyz.
func (a *Adapter) Health() channel.Health { return a.status.Health() }

// Routes is the webhook, at Path.
func (a *Adapter) Routes() []channel.Route {
	return []channel.Route{{Pattern: Path, Handler: a.Handler()}}
}

// Ready reports whether the adapter takes updates.
func (a *Adapter) Ready() bool { return a.ready.Load() }

// Run checks the access token (retrying while the Graph API is
// unreachable), then takes webhook deliveries until ctx is done; then it
// stops taking them (503), drains the replies in flight and returns nil. It
// returns an error (outcome Unauthorized) when the access token is refused,
// at start or later. Run may be called once.
func (a *Adapter) Run(ctx context.Context) error {
	if !a.running.CompareAndSwap(false, true) {
		return errors.New("whatsapp: Run called twice")
	}
	err := a.checkToken(ctx)
	if err == nil {
		a.ready.Store(true)
		a.status.Report(a.log, channel.Ready, "")
		a.log.Info("whatsapp adapter running")
		select {
		case <-ctx.Done():
		case <-a.fatal.Done():
			err = a.fatal.Err()
		}
	}
	a.ready.Store(false)
	a.work.Close()
	a.side.Close()
	if err != nil && ctx.Err() == nil {
		a.status.Report(a.log, channel.Failed, channel.CodeOf(err))
		return err
	}
	a.status.Report(a.log, channel.Stopped, "")
	a.log.Info("whatsapp adapter stopped")
	return nil
}

// checkToken asks the Graph API for the phone number, which only a valid
// token may see.
func (a *Adapter) checkToken(ctx context.Context) error {
	for n := 0; ; n++ {
		err := a.call(ctx, op{method: "phone_number"}, func(ctx context.Context) error {
			return a.request(ctx, http.MethodGet, "/"+a.cfg.PhoneNumberID+"?fields=id", nil)
		})
		if err == nil || ctx.Err() != nil {
			return err
		}
		o := channel.OutcomeOf(err)
		if !o.Retryable() {
			return fmt.Errorf("whatsapp: %w", err)
		}
		a.status.Report(a.log, channel.Retrying, string(o))
		if err := a.cfg.Sleep(ctx, a.retry.Backoff(n)); err != nil {
			return err
		}
	}
}

// die stops the channel for good: the access token was refused.
func (a *Adapter) die(why string) {
	if a.fatal.Stop(why) {
		a.status.Report(a.log, channel.Failed, why)
	}
}

// Handler is the webhook: the verification handshake (GET) and the
// deliveries (POST), as the package documentation says.
func (a *Adapter) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			a.handshake(w, r)
		case http.MethodPost:
			a.deliveryHandler(w, r)
		default:
			w.Header().Set("Allow", "GET, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
}

// handshake answers Meta's verification of the webhook URL.
func (a *Adapter) handshake(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sum := sha256.Sum256([]byte(q.Get("hub.verify_token")))
	if q.Get("hub.mode") != "subscribe" || q.Get("hub.verify_token") == "" || subtle.ConstantTimeCompare(sum[:], a.verify[:]) != 1 {
		a.log.Warn("whatsapp: verification refused")
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(q.Get("hub.challenge")))
}

// deliveryHandler checks, decodes and submits one delivery.
func (a *Adapter) deliveryHandler(w http.ResponseWriter, r *http.Request) {
	sig, ok := strings.CutPrefix(r.Header.Get("X-Hub-Signature-256"), "sha256=")
	if !ok || len(sig) != 64 || strings.Trim(sig, "0123456789abcdef") != "" {
		a.refuse(w, "unsigned")
		return
	}
	body, release, err := a.bodies.Read(w, r)
	if err != nil {
		a.log.Warn("whatsapp: delivery body refused")
		return
	}
	defer release()
	mac := hmac.New(sha256.New, a.secret)
	mac.Write(body)
	want := mac.Sum(nil)
	got, _ := hex.DecodeString(sig)
	if !hmac.Equal(got, want) {
		a.refuse(w, "bad_signature")
		return
	}
	if !a.ready.Load() {
		channel.Refuse(w, channel.ErrClosed)
		return
	}
	var d delivery
	if err := json.Unmarshal(body, &d); err != nil {
		a.log.Warn("whatsapp: delivery is not JSON")
		http.Error(w, "bad delivery", http.StatusBadRequest)
		return
	}
	tickets, err := a.accept(&d)
	if err != nil {
		channel.Refuse(w, err)
		return
	}
	// Answered once replied, or after AckWait: Meta times out slow
	// webhooks, and delivers a refused one again.
	deadline := time.Now().Add(a.cfg.AckWait)
	for _, t := range tickets {
		if !channel.Await(r.Context(), t, time.Until(deadline)) {
			break
		}
	}
	w.WriteHeader(http.StatusOK)
}

func (a *Adapter) refuse(w http.ResponseWriter, why string) {
	a.log.Warn("whatsapp: delivery refused", "reason", why)
	channel.CloseAfter(w)
	http.Error(w, "invalid signature", http.StatusUnauthorized)
}

// accept submits a delivery's messages and handles its status callbacks.
// It returns the messages' tickets, and the first refusal: the delivery
// is then refused whole, and the messages already taken are recognised
// when Meta delivers it again.
func (a *Adapter) accept(d *delivery) ([]*channel.Ticket, error) {
	var tickets []*channel.Ticket
	now := a.cfg.Now()
	for _, e := range d.Entry {
		for _, c := range e.Changes {
			v := c.Value
			if c.Field != "messages" || v.Metadata.PhoneNumberID != "" && v.Metadata.PhoneNumberID != a.cfg.PhoneNumberID {
				continue
			}
			for _, st := range v.Statuses {
				a.onStatus(st)
			}
			for _, m := range v.Messages {
				in, kind, ok := convert(m, now)
				if !ok {
					a.log.Debug("whatsapp message ignored", "kind", kind)
					continue
				}
				t, err := a.submit(in)
				if err != nil && !errors.Is(err, channel.ErrDuplicate) {
					return nil, err
				}
				tickets = append(tickets, t)
			}
		}
	}
	return tickets, nil
}

// submit hands a message to the dispatcher, and marks it read.
func (a *Adapter) submit(in inbound) (*channel.Ticket, error) {
	if in.msg.Payload == "" && in.msg.Media == chat.MediaNone {
		// A number typed under a numbered list presses its choice.
		if p, ok := a.menus.Press(in.msg.User.ID, in.msg.Text); ok {
			in.msg.Text, in.msg.Payload, in.kind = "", p, "number"
		}
	}
	t, err := a.work.Submit(channel.Job{
		Conv:            in.msg.User.ID,
		ID:              "m:" + in.id,
		Kind:            in.kind,
		Msg:             in.msg,
		OptOutOnBlocked: true,
		Send:            func(ctx context.Context, r chat.Reply) error { return a.sendReply(ctx, in, r) },
	})
	if err == nil {
		a.markRead(in.id)
	}
	return t, err
}

// onStatus counts a status callback; a failure that means the user cannot
// be reached (blocked the number) makes the engine forget them, in their
// conversation's order.
func (a *Adapter) onStatus(st status) {
	a.cfg.Observer.Event(chat.WhatsApp, "status_"+statusWord(st.Status))
	if st.Status != "failed" || st.RecipientID == "" {
		return
	}
	for _, e := range st.Errors {
		if e.Code == 131026 {
			a.log.Info("whatsapp message undeliverable; forgetting the user")
			_, _ = a.work.Submit(channel.Job{
				Conv: st.RecipientID, ID: "s:" + st.ID, Kind: "undeliverable", OptOut: true,
				Msg: chat.Message{User: chat.User{Platform: chat.WhatsApp, ID: st.RecipientID}},
			})
			return
		}
	}
}

// statusWord keeps the metric's label to Meta's fixed words.
func statusWord(s string) string {
	switch s {
	case "sent", "delivered", "read", "failed", "deleted", "warning":
		return s
	}
	return "other"
}

// markRead sends the read receipt of a message, aside: it need not wait
// for the conversation's replies.
func (a *Adapter) markRead(id string) {
	// once Run is ending no receipt starts: not worth holding Run up
	a.side.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := a.call(ctx, op{method: "read"}, func(ctx context.Context) error {
			return a.post(ctx, outMessage{Product: "whatsapp", Status: "read", MessageID: id})
		})
		if err != nil {
			a.log.Debug("whatsapp read receipt failed", "outcome", string(channel.OutcomeOf(err)))
		}
	})
}

// sendReply renders a reply and sends its messages, in order, unless the
// user's message is past the 24-hour window.
func (a *Adapter) sendReply(ctx context.Context, in inbound, r chat.Reply) error {
	if a.cfg.Now().Sub(in.at) > a.cfg.Window {
		return channel.Fail(channel.Expired, "window")
	}
	out := render(in.msg.User.ID, r, a.cfg.Label(r.Lang, "button_choose"))
	a.menus.Shown(in.msg.User.ID, out.numbered)
	o := op{method: "messages", to: in.msg.User.ID, urgent: r.Kind == chat.KindUrgent}
	for _, m := range out.messages {
		if err := a.call(ctx, o, func(ctx context.Context) error { return a.post(ctx, m) }); err != nil {
			return err
		}
	}
	return nil
}
