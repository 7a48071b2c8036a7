package chain

import (
	"container/list"
	"sync"
)

// tileCacheBytes bounds the memory kept by the full-tile cache.
const tileCacheBytes = 64 << 20

// tileCache keeps recently served full tiles and entry bundles. A full tile
// never changes once the log holds it, so the cache is never stale; the
// least recently used ones go when it passes its byte budget.
type tileCache struct {
	mu    sync.Mutex
	max   int
	bytes int
	order *list.List                // of *tileEntry, most recent first
	index map[tileKey]*list.Element // → order element
}

// tileKey names a full tile: level −1 for an entry bundle.
type tileKey struct {
	level int
	n     uint64
}

type tileEntry struct {
	key  tileKey
	data []byte
}

func newTileCache(max int) *tileCache {
	return &tileCache{max: max, order: list.New(), index: map[tileKey]*list.Element{}}
}

// get returns the cached tile; the caller must not change it.
func (c *tileCache) get(k tileKey) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.index[k]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*tileEntry).data, true
}

func (c *tileCache) put(k tileKey, data []byte) {
	if len(data) > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.index[k]; ok {
		return
	}
	c.index[k] = c.order.PushFront(&tileEntry{key: k, data: data})
	c.bytes += len(data)
	for c.bytes > c.max {
		last := c.order.Back()
		e := last.Value.(*tileEntry)
		c.order.Remove(last)
		delete(c.index, e.key)
		c.bytes -= len(e.data)
	}
}
