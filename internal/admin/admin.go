// Package admin is what an operator's tool needs from Salama's data: the
// anonymous counters, the content-gap log, and deleting one user's record
// on request. The command line (`salama stats`, `gaps`, `data forget`) and
// any future dashboard share it.
//
// # Reaching the data
//
// A [Service] reads a store opened in the same process ([Direct]), or asks
// the `salama serve` process that holds it ([Dial]): bbolt lets only one
// process open its file, so the server answers the operator's questions on
// a Unix socket in its data directory ([Serve], [SocketName]). The socket
// is mode 0600, so only the server's own user (and root) can use it, and
// it is never on the network.
//
// # The socket's protocol
//
// HTTP/1.1 over the socket, JSON answers, errors as a plain-text body with
// status 500:
//
//	GET  /counts?since=YYYY-MM-DD   []chat.CountRow
//	GET  /gaps?since=YYYY-MM-DD     []chat.Gap
//	POST /forget                    ForgetReport; form fields platform, user
//
// A user id travels only in the body of a POST on the local socket, and is
// never logged.
package admin

import (
	"context"
	"fmt"

	"github.com/salama-safety/salama/internal/chat"
)

// Service answers an operator's questions. Implementations are safe for
// concurrent use.
type Service interface {
	// Counts returns the anonymous counters of days on or after since
	// (YYYY-MM-DD).
	Counts(ctx context.Context, since string) ([]chat.CountRow, error)
	// Gaps returns the unanswered questions of days on or after since,
	// oldest first.
	Gaps(ctx context.Context, since string) ([]chat.Gap, error)
	// Forget deletes one user's record and says what it held (Forget).
	Forget(ctx context.Context, u chat.User) (ForgetReport, error)
	// Close releases what the Service opened.
	Close() error
}

// Store is a store an operator's questions are answered from.
type Store interface {
	chat.Store
	chat.GapLog
}

// Direct is the Service of a store opened in this process; Close closes
// the store.
func Direct(s Store) Service { return direct{s} }

type direct struct{ Store }

func (d direct) Forget(ctx context.Context, u chat.User) (ForgetReport, error) {
	return Forget(ctx, d.Store, u)
}

// ForgetReport is what Forget found and did.
type ForgetReport struct {
	// Found lists the facts the user's record held ("language", ...); empty
	// when there was no record.
	Found []string `json:"found"`
	// Compacted is true when the database was compacted after the deletion,
	// so that the record cannot be read from the file's free pages.
	Compacted bool `json:"compacted"`
}

// compacter is a store that can rewrite its file without deleted data.
type compacter interface{ Compact() error }

// Forget deletes a user's record, checks that it is gone, and compacts the
// store when it can. It says which facts the record held, never their
// values: no operator's tool prints a person's record.
func Forget(ctx context.Context, s chat.Store, u chat.User) (ForgetReport, error) {
	var r ForgetReport
	p, err := s.Prefs(ctx, u)
	if err != nil {
		return r, err
	}
	r.Found = facts(p)
	if err := s.Forget(ctx, u); err != nil {
		return r, err
	}
	if after, err := s.Prefs(ctx, u); err != nil || after != (chat.Prefs{}) {
		return r, fmt.Errorf("the record is still there after deleting it (%v)", err)
	}
	if c, ok := s.(compacter); ok && len(r.Found) > 0 {
		if err := c.Compact(); err != nil {
			return r, fmt.Errorf("deleted, but compacting the database failed, so the record may stay readable in its free pages until the next compaction: %w", err)
		}
		r.Compacted = true
	}
	return r, nil
}

// facts names the facts a record holds.
func facts(p chat.Prefs) []string {
	out := []string{}
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"language", p.Lang != ""}, {"country", p.Country != ""}, {"audience", p.Audience != ""},
		{"opted-out mark", p.OptedOut}, {"asked-country mark", p.AskedCountry}, {"day last seen", !p.LastSeen.IsZero()},
	} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}
