package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/salama-safety/salama/internal/channel"
)

// op describes one Graph API request for [Adapter.call].
type op struct {
	method string
	// to is the spacing key of a message to a user; empty for requests
	// that are not messages (read receipts, the start-up check).
	to     string
	urgent bool
}

// call is the one function every Graph API request goes through. A message
// waits for its user's turn (the pair rate limit) and the number's
// (throughput); then the request is made and retried by the shared policy
// (channel.Retry). A refused access token stops the channel. Its error is
// classified.
func (a *Adapter) call(ctx context.Context, o op, fn func(context.Context) error) error {
	err := a.retry.Do(ctx, func(ctx context.Context) error {
		if o.to != "" {
			if err := a.spacer.Wait(ctx, o.to, a.cfg.PairInterval, o.urgent); err != nil {
				return err
			}
		}
		return fn(ctx)
	})
	if channel.OutcomeOf(err) == channel.Unauthorized {
		a.die(channel.CodeOf(err))
	}
	return err
}

// post sends one JSON body to /{phone-number-id}/messages.
func (a *Adapter) post(ctx context.Context, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return channel.Fail(channel.BadRequest, "marshal")
	}
	return a.request(ctx, http.MethodPost, "/"+a.cfg.PhoneNumberID+"/messages", bytes.NewReader(b))
}

// request makes one Graph API request with the bearer token and classifies
// its failure.
func (a *Adapter) request(ctx context.Context, method, path string, body io.Reader) error {
	req, err := http.NewRequestWithContext(ctx, method, a.cfg.APIURL+path, body)
	if err != nil {
		return channel.Fail(channel.Other, "request")
	}
	req.Header.Set("Authorization", "Bearer "+a.cfg.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.cfg.HTTPClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return channel.Fail(channel.Network, "")
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	return classify(resp.StatusCode, data)
}

// graphError is the error body of the Graph API.
type graphError struct {
	Error struct {
		Code    int `json:"code"`
		Subcode int `json:"error_subcode"`
	} `json:"error"`
}

// classify maps a Graph API failure to the delivery layer's outcomes, by
// its error code (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
func classify(status int, body []byte) error {
	var g graphError
	_ = json.Unmarshal(body, &g)
	code := g.Error.Code
	name := strconv.Itoa(code)
	if code == 0 {
		name = "http_" + strconv.Itoa(status)
	}
	switch {
	case code == 190 || code == 102 || code == 10 && status == http.StatusForbidden || status == http.StatusUnauthorized:
		// The access token is invalid, expired or lacks the permission.
		return channel.Fail(channel.Unauthorized, name)
	case code == 131056: // pair rate limit: one user, about one every 6 s
		return channel.RateLimit(6*time.Second, name)
	case code == 130429 || code == 131057: // throughput of the number
		return channel.RateLimit(time.Second, name)
	case code == 4 || code == 80007 || code == 613: // the app's call rate
		return channel.RateLimit(30*time.Second, name)
	case status == http.StatusTooManyRequests:
		return channel.RateLimit(time.Second, name)
	case code == 131026: // undeliverable: not on WhatsApp, or blocked the number
		return channel.Fail(channel.Blocked, name)
	case code == 131047: // more than 24 hours since the user wrote
		return channel.Fail(channel.Expired, name)
	case code == 131000 || code == 131016 || code == 1 || code == 2 || status >= 500:
		return channel.Fail(channel.Server, name)
	}
	return channel.Fail(channel.BadRequest, name)
}
