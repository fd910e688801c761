package telegram

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"golang.org/x/text/language"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
)

// secretHeader is where Telegram puts the webhook's secret_token.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateBytes bounds a webhook body; real updates are a few kilobytes.
const maxUpdateBytes = 256 << 10

// allowedUpdates are the update kinds the bot asks Telegram for.
var allowedUpdates = []string{
	models.AllowedUpdateMessage,
	models.AllowedUpdateEditedMessage,
	models.AllowedUpdateCallbackQuery,
	models.AllowedUpdateMyChatMember,
}

// Adapter connects an engine to a Telegram bot. Create it with [New], start
// it with [Adapter.Run]; in webhook mode mount its [Adapter.Routes] on an
// HTTPS server.
type Adapter struct {
	cfg    Config
	engine chat.Engine
	log    *slog.Logger
	bot    *bot.Bot
	botID  int64
	client observingClient
	spacer *channel.Spacer // private chats, and the bot's global rate
	groups *channel.Spacer // groups' own spacing
	retry  channel.Retry
	work   *channel.Dispatcher
	status channel.Status
	// secretSum is the SHA-256 of the webhook secret, compared in constant
	// time whatever the header's length.
	secretSum [sha256.Size]byte
	hookPath  string

	running  atomic.Bool
	ready    atomic.Bool
	username atomic.Pointer[string]
	// poller is the polling loop, once it runs; read after it stopped.
	poller *poller
	// side runs answerCallbackQuery outside the chat queues.
	side *channel.Aside
}

var _ channel.Adapter = (*Adapter)(nil)

// New returns an adapter for engine. It makes no request: Run does.
func New(cfg Config, engine chat.Engine) (*Adapter, error) {
	if engine == nil {
		return nil, errors.New("telegram: nil engine")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	a := &Adapter{
		cfg:       cfg,
		engine:    engine,
		log:       cfg.Logger.With("platform", string(chat.Telegram)),
		client:    observingClient{c: cfg.HTTPClient},
		spacer:    &channel.Spacer{Rate: float64(cfg.GlobalRate), Burst: cfg.ChatBurst, Now: cfg.Now, Sleep: cfg.Sleep},
		groups:    &channel.Spacer{Now: cfg.Now, Sleep: cfg.Sleep},
		secretSum: sha256.Sum256([]byte(cfg.WebhookSecret)),
		side:      channel.NewAside(16),
	}
	if cfg.WebhookURL != "" {
		u, _ := url.Parse(cfg.WebhookURL) // checked by withDefaults
		a.hookPath = u.Path
	}
	a.retry = channel.Retry{
		Base:        cfg.RetryBase,
		MaxRetries:  cfg.MaxRetries,
		Sleep:       cfg.Sleep,
		OnRateLimit: a.onRateLimit,
	}
	q := cfg.Queue.Wire(chat.Telegram, engine, cfg.Observer, a.log, cfg.Now)
	q.Senders, q.DrainTimeout = cfg.MaxConcurrency, cfg.DrainTimeout
	if q.ReplyTimeout <= 0 {
		q.ReplyTimeout = 2 * time.Minute
	}
	a.cfg.Queue.ReplyTimeout = q.ReplyTimeout
	a.work = channel.NewDispatcher(q)
	if cfg.BotUsername != "" {
		a.setUsername(cfg.BotUsername)
	}
	a.bot, err = bot.New(cfg.Token,
		bot.WithServerURL(cfg.APIURL),
		bot.WithSkipGetMe(),
		bot.WithHTTPClient(cfg.RequestTimeout, a.client),
		bot.WithDefaultHandler(func(context.Context, *bot.Bot, *models.Update) {}),
		bot.WithErrorsHandler(func(error) {}),
		bot.WithDebugHandler(func(string, ...any) {}),
	)
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	// The token starts with the bot's user id.
	a.botID = a.bot.ID()
	return a, nil
}

func (a *Adapter) platform() chat.Platform { return chat.Telegram }

// Ready reports whether the adapter is set up and taking updates.
func (a *Adapter) Ready() bool { return a.ready.Load() }

// Health is the adapter's state, for /readyz.
func (a *Adapter) Health() channel.Health { return a.status.Health() }

// Routes is the webhook endpoint in webhook mode (the path of WebhookURL),
// none in polling mode.
func (a *Adapter) Routes() []channel.Route {
	if a.hookPath == "" {
		return nil
	}
	return []channel.Route{{Pattern: "POST " + a.hookPath, Handler: a.Handler()}}
}

// Run sets the bot up (getMe when the username is not configured, the
// command menu, the webhook or its removal), then takes updates until ctx is
// done: by long polling, or from [Adapter.Handler] in webhook mode. Set-up
// and polling are retried with backoff while Telegram is unreachable,
// logged at error and shown by Health. When ctx is done Run stops taking
// updates, waits up to DrainTimeout for the replies in flight (then cancels
// them), confirms the updates answered, and returns nil. It returns an
// error (outcome Unauthorized) when Telegram refuses the token. Run may be
// called once.
func (a *Adapter) Run(ctx context.Context) error {
	if !a.running.CompareAndSwap(false, true) {
		return errors.New("telegram: Run called twice")
	}
	err := a.setup(ctx)
	if err == nil {
		a.ready.Store(true)
		a.setState(channel.Ready, "")
		mode := "polling"
		if a.webhook() {
			mode = "webhook"
		}
		a.log.Info("telegram adapter running", "mode", mode)
		if a.webhook() {
			<-ctx.Done()
		} else {
			err = a.poll(ctx)
		}
	}
	a.ready.Store(false)
	if left := a.work.Close(); left > 0 {
		a.log.Warn("telegram replies cancelled at shutdown; their updates were not confirmed", "count", left)
	}
	a.side.Close()
	if !a.webhook() {
		a.confirm()
	}
	if err != nil && ctx.Err() == nil {
		a.setState(channel.Failed, string(channel.OutcomeOf(err)))
		return err
	}
	a.setState(channel.Stopped, "")
	a.log.Info("telegram adapter stopped")
	return nil
}

// setState records the adapter's state, for Health, and logs a failure at
// error the moment it happens.
func (a *Adapter) setState(st channel.State, reason string) { a.status.Report(a.log, st, reason) }

func (a *Adapter) webhook() bool { return a.cfg.WebhookURL != "" }

// setupCall makes one set-up request, retrying while Telegram is
// unreachable or failing (with backoff, Health Retrying) until ctx is done.
// Only a refusal of the token, or of the request itself, is final.
func (a *Adapter) setupCall(ctx context.Context, method string, fn func(context.Context) error) error {
	for n := 0; ; n++ {
		err := a.call(ctx, op{method: method}, fn)
		if err == nil || ctx.Err() != nil {
			return err
		}
		o := channel.OutcomeOf(err)
		if !o.Retryable() && o != channel.Other {
			return fmt.Errorf("telegram: %s: %w", method, err)
		}
		a.setState(channel.Retrying, string(o))
		if err := a.cfg.Sleep(ctx, a.retry.Backoff(n)); err != nil {
			return err
		}
	}
}

func (a *Adapter) setup(ctx context.Context) error {
	if a.botUsername() == "" {
		var me *models.User
		err := a.setupCall(ctx, "getMe", func(ctx context.Context) (err error) {
			me, err = a.bot.GetMe(ctx)
			return err
		})
		if err != nil {
			return err
		}
		if me.Username == "" {
			return errors.New("telegram: getMe returned no username")
		}
		a.setUsername(me.Username)
	}

	a.registerCommands(ctx)

	if a.webhook() {
		return a.setupCall(ctx, "setWebhook", func(ctx context.Context) error {
			_, err := a.bot.SetWebhook(ctx, &bot.SetWebhookParams{
				URL:            a.cfg.WebhookURL,
				AllowedUpdates: allowedUpdates,
				SecretToken:    a.cfg.WebhookSecret,
			})
			return err
		})
	}
	// getUpdates answers 409 while a webhook is set. Pending updates are
	// kept.
	return a.setupCall(ctx, "deleteWebhook", func(ctx context.Context) error {
		_, err := a.bot.DeleteWebhook(ctx, &bot.DeleteWebhookParams{})
		return err
	})
}

var commandRE = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// registerCommands sets the command menu: English (or the engine's first
// language) for every user, then each language for users whose Telegram
// speaks it. Failures are logged: the bot works without a menu.
func (a *Adapter) registerCommands(ctx context.Context) {
	langs := a.engine.Languages()
	if len(langs) == 0 {
		return
	}
	def := langs[0]
	for _, l := range langs {
		if l == "en" {
			def = l
		}
	}
	a.setCommands(ctx, def, "")
	seen := map[string]bool{}
	for _, l := range langs {
		code := languageCode(l, a.cfg.Aliases(l))
		if code == "" || seen[code] {
			continue
		}
		seen[code] = true
		a.setCommands(ctx, l, code)
	}
}

// languageCode is the language_code Telegram knows a language by: a
// two-letter ISO 639-1 code, "pt" for "pt-BR". A language with none uses
// its first two-letter alias from its facts (Filipino's apps report "tl",
// Tagalog). A language with neither gets no menu of its own ("") and sees
// the default one.
func languageCode(lang string, aliases []string) string {
	if tag, err := language.Parse(lang); err == nil {
		if base, _ := tag.Base(); len(base.String()) == 2 {
			return base.String()
		}
	}
	for _, a := range aliases {
		// as written: x/text would read "tl" back as "fil"
		if base, _, _ := strings.Cut(strings.ToLower(a), "-"); len(base) == 2 {
			return base
		}
	}
	return ""
}

func (a *Adapter) setCommands(ctx context.Context, lang, code string) {
	var cmds []models.BotCommand
	for _, c := range a.engine.Commands(lang) {
		name := strings.ToLower(strings.TrimPrefix(c.Name, "/"))
		desc := strings.TrimSpace(c.Description)
		if !commandRE.MatchString(name) || desc == "" {
			continue
		}
		if utf8.RuneCountInString(desc) > 256 {
			desc = string([]rune(desc)[:256])
		}
		cmds = append(cmds, models.BotCommand{Command: name, Description: desc})
	}
	if len(cmds) == 0 {
		return
	}
	err := a.call(ctx, op{method: "setMyCommands"}, func(ctx context.Context) error {
		_, err := a.bot.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds, LanguageCode: code})
		return err
	})
	if err != nil {
		a.log.Warn("telegram setMyCommands failed", "lang", code, "outcome", string(channel.OutcomeOf(err)))
	}
}

func (a *Adapter) botUsername() string {
	if p := a.username.Load(); p != nil {
		return *p
	}
	return ""
}

func (a *Adapter) setUsername(u string) { a.username.Store(&u) }

// Handler returns the webhook endpoint. It answers 401, before reading the
// body, to a request without the right X-Telegram-Bot-Api-Secret-Token
// header (every request, when no webhook secret is configured); 503 while
// the adapter is not running, so that Telegram delivers the update again
// later; 400 to a body that is not an update; 429 or 503 when the queues
// are full; and 200 once the update's reply has been sent (or given up for
// good, or there was nothing to answer). So Telegram counts an update as
// delivered only once it has been answered: a crash before that makes
// Telegram deliver it again.
func (a *Adapter) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.secretOK(r.Header.Get(secretHeader)) {
			channel.CloseAfter(w)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if !a.ready.Load() {
			channel.Refuse(w, channel.ErrClosed)
			return
		}
		u, err := decodeUpdate(http.MaxBytesReader(w, r.Body, maxUpdateBytes))
		if err != nil {
			a.log.Warn("telegram webhook body is not an update")
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		t, err := a.accept(u)
		if err != nil && !errors.Is(err, channel.ErrDuplicate) {
			channel.Refuse(w, err)
			return
		}
		// The answer waits for the reply, which may outlast the server's
		// write timeout.
		channel.WaitWriting(w, a.cfg.Queue.ReplyTimeout+a.cfg.DrainTimeout)
		if !channel.Await(r.Context(), t, 0) {
			return // Telegram hung up; it delivers the update again
		}
		w.WriteHeader(http.StatusOK)
	})
}

// decodeUpdate reads one update, as Telegram sends it to the webhook.
func decodeUpdate(r io.Reader) (*models.Update, error) {
	var u models.Update
	if err := json.NewDecoder(r).Decode(&u); err != nil {
		return nil, err
	}
	return &u, nil
}

func (a *Adapter) secretOK(got string) bool {
	if a.cfg.WebhookSecret == "" || got == "" {
		return false
	}
	sum := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(sum[:], a.secretSum[:]) == 1
}

// accept converts an update and submits it. It returns the job's ticket
// (nil when the update needs no answer), and the dispatcher's refusal;
// ErrDuplicate comes with the first delivery's ticket.
func (a *Adapter) accept(u *models.Update) (*channel.Ticket, error) {
	in, kind, ok := convert(u, a.botUsername(), a.botID)
	if !ok {
		a.log.Debug("telegram update ignored", "kind", kind)
		return nil, nil
	}
	a.log.Debug("telegram update", "kind", kind, "group", in.msg.Group)
	var answered <-chan struct{}
	if in.callbackID != "" && !a.work.Seen(in.id(u)) {
		answered = a.answerCallback(in.callbackID)
	}
	if in.callbackID != "" && in.msg.Payload == "" {
		return nil, nil
	}
	j := channel.Job{
		Conv:            in.key(),
		ID:              in.id(u),
		Kind:            in.kind,
		Msg:             in.msg,
		OptOut:          in.optOut,
		OptOutOnBlocked: !in.msg.Group,
		Send: func(ctx context.Context, r chat.Reply) error {
			if answered != nil {
				// The press's own reply follows its spinner's answer.
				select {
				case <-answered:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return a.sendReply(ctx, in, r)
		},
	}
	return a.work.Submit(j)
}

// answerCallback answers a button press at once, outside the chat's queue:
// the button shows a spinner until then, however many replies wait. The
// channel it returns is closed once the answer is made (or failed).
func (a *Adapter) answerCallback(id string) <-chan struct{} {
	done := make(chan struct{})
	started := a.side.Go(func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := a.call(ctx, op{method: "answerCallbackQuery"}, func(ctx context.Context) error {
			_, err := a.bot.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: id})
			return err
		})
		if err != nil {
			a.log.Warn("telegram answerCallbackQuery failed", "outcome", string(channel.OutcomeOf(err)))
		}
	})
	if !started {
		close(done) // stopping: Telegram drops the spinner by itself
	}
	return done
}

// sendReply renders a reply and sends its messages, in order. A group that
// became a supergroup gets the reply at its new id.
func (a *Adapter) sendReply(ctx context.Context, in inbound, reply chat.Reply) error {
	link := ""
	if in.msg.Group && reply.Private {
		link = "https://t.me/" + a.botUsername() + "?start=private"
	}
	parts := render(reply, link, a.cfg.PrivateLabel(reply.Lang))
	chatID := in.chatID
	o := op{method: "sendMessage", chat: in.key(), group: in.msg.Group, urgent: reply.Kind == chat.KindUrgent}
	for i, p := range parts {
		params := &bot.SendMessageParams{
			ChatID:             chatID,
			MessageThreadID:    in.thread,
			Text:               p.html,
			ParseMode:          models.ParseModeHTML,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: bot.True()},
		}
		if i == 0 && in.replyTo != 0 {
			params.ReplyParameters = &models.ReplyParameters{MessageID: in.replyTo, AllowSendingWithoutReply: true}
		}
		if p.keyboard != nil {
			// Assigned only when set: a nil *inlineKeyboard in the interface
			// would be sent as "null".
			params.ReplyMarkup = p.keyboard
		}
		err := a.call(ctx, o, func(ctx context.Context) error {
			_, err := a.bot.SendMessage(ctx, params)
			var me *bot.MigrateError
			if errors.As(err, &me) && me.MigrateToChatID != 0 {
				// The group became a supergroup: the same message, at once,
				// to its new id; later parts follow it there.
				a.log.Info("telegram group moved to a supergroup; sending there")
				chatID = int64(me.MigrateToChatID)
				params.ChatID = chatID
				params.MessageThreadID = 0
				_, err = a.bot.SendMessage(ctx, params)
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
