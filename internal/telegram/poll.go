package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/salama-safety/salama/internal/channel"
)

// pollLimit is how many updates one getUpdates returns at most: Telegram's
// own maximum. It also bounds the updates held unconfirmed.
const pollLimit = 100

// poller is the long-polling loop. Telegram forgets an update once a
// getUpdates asks for an offset above its id, so the poller asks, as its
// offset, for the oldest update not yet answered: a crash then loses
// nothing Telegram was told was handled. Such a getUpdates returns again
// the updates still in flight; they are skipped by id.
type poller struct {
	a *Adapter
	// taken are the updates handed to the dispatcher, oldest first, with
	// their tickets (nil: nothing to wait for).
	taken []takenUpdate
	// last is the highest update id taken.
	last int64
}

type takenUpdate struct {
	id     int64
	ticket *channel.Ticket
}

// offset is the getUpdates offset that confirms every update answered and
// nothing else: the oldest one still in flight, or the one after the last
// taken.
func (p *poller) offset() int64 {
	for len(p.taken) > 0 && p.taken[0].done() {
		p.taken = p.taken[1:]
	}
	if len(p.taken) > 0 {
		return p.taken[0].id
	}
	if p.last == 0 {
		return 0
	}
	return p.last + 1
}

// done reports whether the update may be confirmed: it was answered, or
// given up for good. One cancelled by a shutdown is not: Telegram delivers
// it again after the restart.
func (t takenUpdate) done() bool {
	if t.ticket == nil {
		return true
	}
	select {
	case <-t.ticket.Done():
		return t.ticket.Outcome() != channel.Shutdown
	default:
		return false
	}
}

// wait blocks until the oldest update in flight is answered, or at most d.
func (p *poller) wait(ctx context.Context, d time.Duration) error {
	if len(p.taken) == 0 {
		return p.a.cfg.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.taken[0].ticket.Done():
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// poll long-polls getUpdates until ctx is done. A 429 is waited out for its
// retry_after; a network or server failure, or another instance polling
// with the same token (409), is retried with backoff and logged at error;
// a refused token ends it with an Unauthorized error.
func (a *Adapter) poll(ctx context.Context) error {
	p := &poller{a: a}
	a.poller = p
	failures := 0
	for ctx.Err() == nil {
		off := p.offset()
		if len(p.taken) >= pollLimit {
			// Every update Telegram would return is in flight: wait for the
			// oldest rather than fetch them again.
			if err := p.wait(ctx, time.Second); err != nil {
				return nil
			}
			continue
		}
		timeout := a.cfg.PollTimeout
		if len(p.taken) > 0 {
			// Telegram answers at once while updates are unconfirmed.
			timeout = 0
		}
		updates, err := a.getUpdates(ctx, off, timeout)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			o := channel.OutcomeOf(err)
			if o == channel.Unauthorized {
				return err
			}
			wait := a.retry.Backoff(failures)
			if o == channel.RateLimited {
				wait = max(wait, retryAfterOf(err))
				a.log.Warn("telegram getUpdates rate limited", "retry_after", wait)
			} else {
				reason := string(o)
				if channel.CodeOf(err) == "409" {
					reason = "conflict: another instance polls with this token"
				}
				a.setState(channel.Retrying, reason)
			}
			failures++
			if a.cfg.Sleep(ctx, wait) != nil {
				return nil
			}
			continue
		}
		failures = 0
		a.setState(channel.Ready, "")
		fresh, refused := 0, false
		for _, u := range updates {
			if u.ID <= p.last {
				continue // in flight, or answered since the request
			}
			t, err := a.accept(u)
			if err != nil && !errors.Is(err, channel.ErrDuplicate) {
				// The queues are full: stop here, and fetch this update
				// and the ones after it again in a moment.
				refused = true
				break
			}
			p.taken = append(p.taken, takenUpdate{id: u.ID, ticket: t})
			p.last = u.ID
			fresh++
		}
		switch {
		case refused:
			// Room comes back as soon as any conversation moves on.
			if err := p.wait(ctx, 20*time.Millisecond); err != nil {
				return nil
			}
		case fresh == 0 && len(p.taken) > 0:
			// Nothing new among the updates in flight: wait for the
			// oldest before asking again.
			if err := p.wait(ctx, time.Second); err != nil {
				return nil
			}
		}
	}
	return nil
}

func retryAfterOf(err error) time.Duration {
	var e *channel.Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// getUpdates asks Telegram for the updates from offset on, waiting up to
// timeout for one. Its errors are classified.
func (a *Adapter) getUpdates(ctx context.Context, offset int64, timeout time.Duration) ([]*models.Update, error) {
	form := url.Values{
		"limit":   {strconv.Itoa(pollLimit)},
		"timeout": {strconv.Itoa(int(timeout / time.Second))},
	}
	if offset != 0 {
		form.Set("offset", strconv.FormatInt(offset, 10))
	}
	allowed, _ := json.Marshal(allowedUpdates)
	form.Set("allowed_updates", string(allowed))
	rctx, cancel := context.WithTimeout(ctx, timeout+a.cfg.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost,
		a.cfg.APIURL+"/bot"+a.cfg.Token+"/getUpdates", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, channel.Fail(channel.Other, "request")
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := a.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, channel.Fail(channel.Network, "")
	}
	defer resp.Body.Close()
	var body struct {
		OK          bool             `json:"ok"`
		Result      []*models.Update `json:"result"`
		ErrorCode   int              `json:"error_code"`
		Description string           `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&body); err != nil || !body.OK {
		code := body.ErrorCode
		if code == 0 {
			code = resp.StatusCode
		}
		switch {
		case code == http.StatusTooManyRequests:
			return nil, channel.RateLimit(time.Duration(max(body.Parameters.RetryAfter, 1))*time.Second, "429")
		case code == http.StatusUnauthorized || code == http.StatusNotFound:
			// The Bot API answers 404 to a token it does not know.
			return nil, channel.Fail(channel.Unauthorized, strconv.Itoa(code))
		case code == http.StatusConflict:
			return nil, channel.Fail(channel.Server, "409")
		case code >= 500:
			return nil, channel.Fail(channel.Server, strconv.Itoa(code))
		case err != nil:
			return nil, channel.Fail(channel.Server, "bad_body")
		}
		return nil, channel.Fail(channel.BadRequest, strconv.Itoa(code))
	}
	return body.Result, nil
}

// confirm tells Telegram, once polling stopped and the replies drained,
// which updates were answered, so that the next start does not answer them
// again; the ones not answered are delivered again then.
func (a *Adapter) confirm() {
	if a.poller == nil {
		return
	}
	off := a.poller.offset()
	if off == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	form := url.Values{"offset": {strconv.FormatInt(off, 10)}, "limit": {"1"}, "timeout": {"0"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		a.cfg.APIURL+"/bot"+a.cfg.Token+"/getUpdates", strings.NewReader(form.Encode()))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := a.client.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	if err != nil || resp.StatusCode != http.StatusOK {
		a.log.Warn("telegram could not confirm the last updates")
	}
}
