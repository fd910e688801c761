package slack

import (
	"container/list"
	"sync"
	"time"
)

// ttlCache is a small in-memory map whose entries expire after ttl and
// whose size is bounded: past max entries, the oldest one goes. It never
// touches disk.
type ttlCache[V any] struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	now   func() time.Time
	items map[string]*list.Element
	order *list.List // of *ttlEntry[V], oldest first
}

type ttlEntry[V any] struct {
	key     string
	value   V
	expires time.Time
}

func newTTLCache[V any](max int, ttl time.Duration, now func() time.Time) *ttlCache[V] {
	return &ttlCache[V]{max: max, ttl: ttl, now: now, items: map[string]*list.Element{}, order: list.New()}
}

// Get returns the value stored under key, if it has not expired.
func (c *ttlCache[V]) Get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.get(key)
}

func (c *ttlCache[V]) get(key string) (V, bool) {
	var zero V
	el, ok := c.items[key]
	if !ok {
		return zero, false
	}
	e := el.Value.(*ttlEntry[V])
	if !c.now().Before(e.expires) {
		c.order.Remove(el)
		delete(c.items, key)
		return zero, false
	}
	return e.value, true
}

// Put stores value under key for the cache's ttl.
func (c *ttlCache[V]) Put(key string, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.put(key, value)
}

func (c *ttlCache[V]) put(key string, value V) {
	if el, ok := c.items[key]; ok {
		c.order.Remove(el)
	}
	c.items[key] = c.order.PushBack(&ttlEntry[V]{key: key, value: value, expires: c.now().Add(c.ttl)})
	for c.order.Len() > c.max {
		oldest := c.order.Front()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*ttlEntry[V]).key)
	}
}

// Add stores value under key unless a live entry is there already; it
// reports whether it stored it. It is the de-duplication primitive: the
// first caller for a key wins.
func (c *ttlCache[V]) Add(key string, value V) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.get(key); ok {
		return false
	}
	c.put(key, value)
	return true
}

// Delete forgets key.
func (c *ttlCache[V]) Delete(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.order.Remove(el)
		delete(c.items, key)
	}
}
