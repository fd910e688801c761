package whatsapp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
)

// Config configures an [Adapter]. Token, PhoneNumberID, AppSecret and
// VerifyToken are required; the zero value of every other field is a
// sensible default.
type Config struct {
	// Token is the access token (a System User's permanent token) that
	// may send messages from the number.
	Token string
	// PhoneNumberID is the Cloud API id of the business phone number (not
	// the number itself).
	PhoneNumberID string
	// AppSecret is the Meta app's secret, with which Meta signs every
	// webhook delivery.
	AppSecret string
	// VerifyToken is the token chosen when the webhook was configured;
	// Meta sends it back in the verification handshake.
	VerifyToken string
	// APIURL is the Graph API base, with its version
	// ("https://graph.facebook.com/v21.0"): a test fake or an
	// on-premises proxy.
	APIURL string
	// HTTPClient makes every Graph API request (a client with a 30 s
	// timeout).
	HTTPClient *http.Client
	// Logger receives kinds and outcomes, never text, phone numbers or
	// names (slog.Default()).
	Logger *slog.Logger
	// Observer receives delivery events for metrics (chat.NopObserver).
	Observer chat.Observer
	// Label returns a user-interface message in a language (the list
	// button "button_choose"); the main program gives the translated
	// ones. English when nil.
	Label func(lang, id string) string

	// Rate is the most messages a second from the number (80, the Cloud
	// API's default throughput).
	Rate int
	// PairInterval and PairBurst space the messages to one user: a burst,
	// then one every interval (20 and 6 s: WhatsApp's pair rate limit
	// allows bursts, then about one message every six seconds).
	PairInterval time.Duration
	PairBurst    int
	// MaxRetries and RetryBase: channel.Retry's (5, 500 ms).
	MaxRetries int
	RetryBase  time.Duration
	// AckWait is how long a delivery waits for its replies before it is
	// answered 200 anyway (2 s).
	AckWait time.Duration
	// Window is WhatsApp's customer-service window (24 hours): no reply is
	// attempted to a message older than this.
	Window time.Duration
	// Queue bounds the queues and sets the per-user rate limit (see
	// channel.Config; its zero value is the default).
	Queue channel.Config
	// Sleep and Now: the clock, injected by tests.
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time
}

// DefaultAPIURL is the Graph API the adapter speaks to by default.
const DefaultAPIURL = "https://graph.facebook.com/v21.0"

// ErrConfig is wrapped by the errors New returns for a bad Config.
var ErrConfig = errors.New("whatsapp: invalid config")

func (c Config) withDefaults() (Config, error) {
	var missing []string
	for _, f := range []struct{ name, v string }{
		{"Token", c.Token}, {"PhoneNumberID", c.PhoneNumberID}, {"AppSecret", c.AppSecret}, {"VerifyToken", c.VerifyToken},
	} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return c, errors.Join(ErrConfig, errors.New("whatsapp: Config needs "+strings.Join(missing, ", ")))
	}
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	c.APIURL = strings.TrimRight(c.APIURL, "/")
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Observer == nil {
		c.Observer = chat.NopObserver{}
	}
	if c.Label == nil {
		c.Label = func(_, id string) string { return englishLabels[id] }
	}
	if c.Rate <= 0 {
		c.Rate = 80
	}
	if c.PairInterval <= 0 {
		c.PairInterval = 6 * time.Second
	}
	if c.PairBurst <= 0 {
		c.PairBurst = 20
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = 5
	}
	if c.AckWait <= 0 {
		c.AckWait = 2 * time.Second
	}
	if c.Window <= 0 {
		c.Window = 24 * time.Hour
	}
	if c.Sleep == nil {
		c.Sleep = channel.Sleep
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

var englishLabels = map[string]string{"button_choose": "Choose"}
