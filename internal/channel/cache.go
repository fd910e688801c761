package channel

import (
	"container/list"
	"sync"
	"time"
)

// Cache is a small in-memory map whose entries expire after a time to live
// and whose size is bounded: past its size, the oldest entry goes. It is
// the de-duplication memory of the adapters (update ids, event ids) and
// their per-user caches (Slack locales). It never touches disk. It is safe
// for concurrent use.
type Cache[V any] struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	now   func() time.Time
	items map[string]*list.Element
	order *list.List // of *cacheEntry[V], oldest first
}

type cacheEntry[V any] struct {
	key     string
	value   V
	expires time.Time
}

// NewCache returns a cache of at most size entries that live for ttl, by
// the clock now (time.Now when nil).
func NewCache[V any](size int, ttl time.Duration, now func() time.Time) *Cache[V] {
	if now == nil {
		now = time.Now
	}
	return &Cache[V]{max: max(size, 1), ttl: ttl, now: now, items: map[string]*list.Element{}, order: list.New()}
}

// Get returns the value stored under key, if it has not expired.
func (c *Cache[V]) Get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.get(key)
}

func (c *Cache[V]) get(key string) (V, bool) {
	var zero V
	el, ok := c.items[key]
	if !ok {
		return zero, false
	}
	e := el.Value.(*cacheEntry[V])
	if !c.now().Before(e.expires) {
		c.order.Remove(el)
		delete(c.items, key)
		return zero, false
	}
	return e.value, true
}

// Put stores value under key for the cache's time to live.
func (c *Cache[V]) Put(key string, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.put(key, value)
}

func (c *Cache[V]) put(key string, value V) {
	if el, ok := c.items[key]; ok {
		c.order.Remove(el)
	}
	c.items[key] = c.order.PushBack(&cacheEntry[V]{key: key, value: value, expires: c.now().Add(c.ttl)})
	for c.order.Len() > c.max {
		oldest := c.order.Front()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*cacheEntry[V]).key)
	}
}

// Add stores value under key unless a live entry is there already, and
// returns the live value and false in that case. It is the de-duplication
// primitive: the first caller for a key wins.
func (c *Cache[V]) Add(key string, value V) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.get(key); ok {
		return v, false
	}
	c.put(key, value)
	return value, true
}

// Delete forgets key.
func (c *Cache[V]) Delete(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.order.Remove(el)
		delete(c.items, key)
	}
}

// Len is the number of entries, expired ones included until they are
// looked up or pushed out.
func (c *Cache[V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
