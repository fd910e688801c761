package memstore_test

import (
	"testing"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/memstore"
	"github.com/salama-safety/salama/internal/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(testing.TB) chat.Store { return memstore.New() })
}
