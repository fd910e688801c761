package telegram

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/salama-safety/salama/internal/chat"
)

// secretHeader is where Telegram puts the webhook's secret_token.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateBytes bounds a webhook body; real updates are a few kilobytes.
const maxUpdateBytes = 1 << 20

// allowedUpdates are the update kinds the bot asks Telegram for.
var allowedUpdates = []string{
	models.AllowedUpdateMessage,
	models.AllowedUpdateEditedMessage,
	models.AllowedUpdateCallbackQuery,
	models.AllowedUpdateMyChatMember,
}

// Adapter connects an engine to a Telegram bot. Create it with [New], start
// it with [Adapter.Run]; in webhook mode mount [Adapter.Handler] on an HTTPS
// server.
type Adapter struct {
	cfg    Config
	engine chat.Engine
	log    *slog.Logger
	bot    *bot.Bot
	botID  int64
	client observingClient
	limits *limits
	work   *dispatcher
	// secretSum is the SHA-256 of the webhook secret, compared in constant
	// time whatever the header's length.
	secretSum [sha256.Size]byte

	running  atomic.Bool
	ready    atomic.Bool
	username atomic.Pointer[string]
	// lastUpdate is the highest update_id handed to the dispatcher in
	// polling mode, confirmed to Telegram on shutdown.
	lastUpdate atomic.Int64
}

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
		limits:    newLimits(cfg.Now),
		work:      newDispatcher(cfg.MaxConcurrency),
		secretSum: sha256.Sum256([]byte(cfg.WebhookSecret)),
	}
	if cfg.BotUsername != "" {
		a.setUsername(cfg.BotUsername)
	}
	a.bot, err = bot.New(cfg.Token,
		bot.WithServerURL(cfg.APIURL),
		bot.WithSkipGetMe(),
		bot.WithHTTPClient(cfg.PollTimeout, a.client),
		bot.WithAllowedUpdates(allowedUpdates),
		// One worker, synchronous handler, unbuffered channel: the library
		// asks for the next batch (confirming this one) only after every
		// update of it is in the dispatcher.
		bot.WithWorkers(1),
		bot.WithNotAsyncHandlers(),
		bot.WithUpdatesChannelCap(0),
		bot.WithDefaultHandler(a.onPolledUpdate),
		bot.WithErrorsHandler(a.onLibraryError),
		bot.WithDebugHandler(func(string, ...any) {}),
	)
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	// The token starts with the bot's user id.
	a.botID = a.bot.ID()
	return a, nil
}

// Ready reports whether the adapter is set up and taking updates.
func (a *Adapter) Ready() bool { return a.ready.Load() }

// Run sets the bot up (getMe when the username is not configured, the
// command menu, the webhook or its removal), then takes updates until ctx is
// done: by long polling, or from [Adapter.Handler] in webhook mode. When ctx
// is done it stops taking updates, waits up to DrainTimeout for the replies
// in flight (then cancels them, and waits one more second at most), and
// returns nil. It returns an error when setup fails. Run may
// be called once.
func (a *Adapter) Run(ctx context.Context) error {
	if !a.running.CompareAndSwap(false, true) {
		return errors.New("telegram: Run called twice")
	}
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()

	if err := a.setup(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}

	a.work.start(workCtx)
	a.ready.Store(true)
	mode := "polling"
	if a.webhook() {
		mode = "webhook"
	}
	a.log.Info("telegram adapter running", "mode", mode)
	if a.webhook() {
		<-ctx.Done()
	} else {
		a.bot.Start(ctx)
	}

	a.ready.Store(false)
	drained := a.work.close()
	t := time.NewTimer(a.cfg.DrainTimeout)
	defer t.Stop()
	select {
	case <-drained:
	case <-t.C:
		// Telegram already counts these updates as delivered: their
		// replies are lost, the price of a bounded shutdown.
		a.log.Warn("telegram drain timed out; cancelling replies in flight")
		cancelWork()
		// Cancelled work ends quickly, unless the engine ignores its
		// context: Run must return all the same.
		select {
		case <-drained:
		case <-time.After(time.Second):
			a.log.Warn("telegram replies still running after cancel")
		}
	}
	if n := a.work.dropped.Load(); n > 0 {
		a.log.Warn("telegram updates dropped at shutdown", "count", n)
	}
	if !a.webhook() {
		a.confirmUpdates()
	}
	a.log.Info("telegram adapter stopped")
	return nil
}

func (a *Adapter) webhook() bool { return a.cfg.WebhookURL != "" }

func (a *Adapter) setup(ctx context.Context) error {
	if a.botUsername() == "" {
		var me *models.User
		err := a.call(ctx, op{method: "getMe"}, func(ctx context.Context) (err error) {
			me, err = a.bot.GetMe(ctx)
			return err
		})
		if err != nil {
			return fmt.Errorf("telegram: getMe: %w", err)
		}
		if me.Username == "" {
			return errors.New("telegram: getMe returned no username")
		}
		a.setUsername(me.Username)
	}

	a.registerCommands(ctx)

	if a.webhook() {
		err := a.call(ctx, op{method: "setWebhook"}, func(ctx context.Context) error {
			_, err := a.bot.SetWebhook(ctx, &bot.SetWebhookParams{
				URL:            a.cfg.WebhookURL,
				AllowedUpdates: allowedUpdates,
				SecretToken:    a.cfg.WebhookSecret,
			})
			return err
		})
		if err != nil {
			return fmt.Errorf("telegram: setWebhook: %w", err)
		}
		return nil
	}
	// getUpdates answers 409 while a webhook is set. Pending updates are
	// kept.
	err := a.call(ctx, op{method: "deleteWebhook"}, func(ctx context.Context) error {
		_, err := a.bot.DeleteWebhook(ctx, &bot.DeleteWebhookParams{})
		return err
	})
	if err != nil {
		return fmt.Errorf("telegram: deleteWebhook: %w", err)
	}
	return nil
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
		// Telegram's language_code is ISO 639-1: "pt" for "pt-BR".
		code := strings.ToLower(strings.FieldsFunc(l, func(r rune) bool { return r == '-' || r == '_' })[0])
		if seen[code] {
			continue
		}
		seen[code] = true
		a.setCommands(ctx, l, code)
	}
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
		a.log.Warn("telegram setMyCommands failed", "lang", code, "class", errorClass(err))
	}
}

func (a *Adapter) botUsername() string {
	if p := a.username.Load(); p != nil {
		return *p
	}
	return ""
}

func (a *Adapter) setUsername(u string) { a.username.Store(&u) }

// confirmUpdates tells Telegram, after polling stopped, that every update
// handed to the dispatcher was handled, so that the next start does not
// answer them again. The library confirms a batch only when it asks for the
// next one, which it no longer will.
func (a *Adapter) confirmUpdates() {
	last := a.lastUpdate.Load()
	if last == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := a.call(ctx, op{method: "getUpdates"}, func(ctx context.Context) error {
		form := url.Values{
			"offset":  {strconv.FormatInt(last+1, 10)},
			"limit":   {"1"},
			"timeout": {"0"},
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost,
			a.cfg.APIURL+"/bot"+a.cfg.Token+"/getUpdates", strings.NewReader(form.Encode()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := a.client.Do(req)
		if err != nil {
			return errNetwork
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return &statusError{status: resp.StatusCode}
		}
		return nil
	})
	if err != nil {
		a.log.Warn("telegram could not confirm the last updates", "class", errorClass(err))
	}
}

// onPolledUpdate is the library's handler in polling mode. It runs in the
// library's single worker, in update order.
func (a *Adapter) onPolledUpdate(_ context.Context, _ *bot.Bot, u *models.Update) {
	if a.accept(u) {
		a.lastUpdate.Store(u.ID)
	}
}

// onLibraryError logs the library's own errors (getUpdates failures) by
// class only: their text may quote a response body.
func (a *Adapter) onLibraryError(err error) {
	var tm *bot.TooManyRequestsError
	var ue *url.Error
	class := "other"
	switch {
	case errors.Is(err, context.Canceled):
		return
	case errors.As(err, &tm):
		class = "rate_limited"
	case errors.Is(err, bot.ErrorUnauthorized):
		class = "unauthorized"
	case errors.Is(err, bot.ErrorConflict):
		class = "conflict"
	case errors.As(err, &ue):
		class = "network"
	}
	a.log.Warn("telegram polling error", "class", class)
}

// Handler returns the webhook endpoint. It answers 401, before reading the
// body, to a request without the right X-Telegram-Bot-Api-Secret-Token
// header (every request, when no webhook secret is configured); 503 while
// the adapter is not running, so that Telegram delivers the update again
// later; 400 to a body that is not an update; and 200 once the update is
// queued.
func (a *Adapter) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.secretOK(r.Header.Get(secretHeader)) {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if !a.ready.Load() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		var u models.Update
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxUpdateBytes)).Decode(&u); err != nil {
			a.log.Warn("telegram webhook body is not an update")
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		if !a.accept(&u) {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

func (a *Adapter) secretOK(got string) bool {
	if a.cfg.WebhookSecret == "" || got == "" {
		return false
	}
	sum := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(sum[:], a.secretSum[:]) == 1
}

// accept converts an update and queues its handling. It reports false only
// when the adapter no longer takes work; ignored updates count as accepted.
func (a *Adapter) accept(u *models.Update) bool {
	in, kind, ok := convert(u, a.botUsername(), a.botID)
	if !ok {
		a.log.Debug("telegram update ignored", "kind", kind)
		return true
	}
	a.log.Debug("telegram update", "kind", kind, "group", in.msg.Group)
	received := a.cfg.Now()
	return a.work.submit(in.key(), func(ctx context.Context) { a.handle(ctx, in, received) })
}

// handle answers one update. It runs in the update's chat queue.
func (a *Adapter) handle(ctx context.Context, in inbound, received time.Time) {
	if in.optOut {
		a.optOut(ctx, in.msg.User)
		return
	}
	if in.callbackID != "" {
		// Answer first: the button shows a spinner until then.
		err := a.call(ctx, op{method: "answerCallbackQuery"}, func(ctx context.Context) error {
			_, err := a.bot.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: in.callbackID})
			return err
		})
		if err != nil {
			a.log.Warn("telegram answerCallbackQuery failed", "class", errorClass(err))
		}
		if in.msg.Payload == "" {
			return
		}
	}

	reply, err := a.engine.Respond(ctx, in.msg)
	if err != nil {
		// The reply is still usable; the store failed.
		a.log.Warn("engine error", "kind", string(reply.Kind))
	}

	link := ""
	if in.msg.Group && reply.Private {
		link = "https://t.me/" + a.botUsername() + "?start=private"
	}
	parts := render(reply, link, a.cfg.PrivateLabel(reply.Lang))
	if len(parts) == 0 {
		a.log.Debug("telegram empty reply", "kind", string(reply.Kind))
		return
	}
	for i, p := range parts {
		params := &bot.SendMessageParams{
			ChatID:             in.chatID,
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
		err := a.call(ctx, op{method: "sendMessage", chat: in.key(), group: in.msg.Group}, func(ctx context.Context) error {
			_, err := a.bot.SendMessage(ctx, params)
			return err
		})
		if err != nil {
			a.sendFailed(ctx, in, err)
			return
		}
	}
	a.cfg.Observer.Replied(chat.Telegram, reply.Kind, reply.Lang, a.cfg.Now().Sub(received))
}

// sendFailed reports a send that failed for good. A private chat that
// refuses messages belongs to a user who blocked the bot: forget them.
func (a *Adapter) sendFailed(ctx context.Context, in inbound, err error) {
	class := errorClass(err)
	if class == "blocked" && in.msg.Group {
		class = "forbidden"
	}
	a.log.Warn("telegram send failed", "class", class, "group", in.msg.Group)
	a.cfg.Observer.SendError(chat.Telegram, class)
	if class == "blocked" {
		a.optOut(ctx, in.msg.User)
	}
}

func (a *Adapter) optOut(ctx context.Context, u chat.User) {
	if err := a.engine.OptOut(ctx, u); err != nil {
		a.log.Warn("engine opt-out failed")
	}
}
