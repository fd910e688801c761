package engine_test

import (
	"testing"
	"time"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/memstore"
	"github.com/salama-safety/salama/locales"
)

var knowledge = engine.MustLoad(faq.FS, locales.FS)

// MustEngine returns an engine on the embedded content and a fresh store,
// with the clock fixed at 2026-11-27.
func MustEngine(tb testing.TB) (*engine.Engine, *memstore.Store) {
	tb.Helper()
	s := memstore.New()
	now := func() time.Time { return time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC) }
	return engine.New(knowledge, s, engine.Options{Now: now}), s
}
