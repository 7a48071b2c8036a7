package chain

import (
	"crypto/sha256"
	"runtime"
	"sync"

	"github.com/dgraph-io/badger/v4"
)

// Verify reads the store through a pipeline so that reading Badger and
// hashing run on all cores while the checks stay strictly in index order:
// one goroutine iterates the events into chunks, workers compute the
// chunks' leaf hashes, another goroutine iterates the tree nodes, and
// Verify consumes both in order.

const (
	chunkEvents = 1024 // events per chunk
	chunksAhead = 8    // chunks read ahead of the checks, per stream
)

// chunk is a run of consecutive stored entries (events or nodes).
type chunk struct {
	keys   []uint64 // index in each key
	badKey []bool   // the key does not have the index key shape
	data   []byte   // the values, concatenated
	offs   []int    // value j is data[offs[j]:offs[j+1]]
	leaves [][32]byte
	done   chan struct{} // closed once leaves are computed (event chunks)
	err    error         // a read error after the entries held
}

// newChunk makes a chunk whose value buffer holds size bytes before growing.
func newChunk(size int) *chunk {
	return &chunk{
		keys:   make([]uint64, 0, chunkEvents),
		badKey: make([]bool, 0, chunkEvents),
		data:   make([]byte, 0, size),
		offs:   make([]int, 1, chunkEvents+1),
		done:   make(chan struct{}),
	}
}

func (c *chunk) len() int           { return len(c.keys) }
func (c *chunk) value(j int) []byte { return c.data[c.offs[j]:c.offs[j+1]] }
func (c *chunk) add(k uint64, ok bool, v []byte) {
	c.keys = append(c.keys, k)
	c.badKey = append(c.badKey, !ok)
	c.data = append(c.data, v...)
	c.offs = append(c.offs, len(c.data))
}

// pipeline reads one snapshot for Verify.
type pipeline struct {
	events chan *chunk // event chunks in order; leaves ready once done is closed
	nodes  chan *chunk // node chunks in order
	work   chan *chunk // event chunks to hash
	quit   chan struct{}
	wg     sync.WaitGroup
}

func startPipeline(txn *badger.Txn) *pipeline {
	p := &pipeline{
		events: make(chan *chunk, chunksAhead),
		nodes:  make(chan *chunk, chunksAhead),
		work:   make(chan *chunk, chunksAhead),
		quit:   make(chan struct{}),
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	p.wg.Add(2 + workers)
	go p.read(txn, eventPrefix, p.events, p.work)
	go p.read(txn, nodePrefix, p.nodes, nil)
	for range workers {
		go p.hash()
	}
	return p
}

// stop ends the pipeline and waits until its iterators are closed.
func (p *pipeline) stop() {
	close(p.quit)
	p.wg.Wait()
}

// read iterates the keys with prefix into chunks sent, in order, on out
// (and on work, to be hashed, when work is not nil).
func (p *pipeline) read(txn *badger.Txn, prefix []byte, out, work chan *chunk) {
	defer p.wg.Done()
	defer close(out)
	if work != nil {
		defer close(work)
	}
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	send := func(c *chunk) bool {
		select {
		case out <- c:
		case <-p.quit:
			return false
		}
		if work == nil {
			close(c.done)
			return true
		}
		select {
		case work <- c:
			return true
		case <-p.quit:
			return false
		}
	}
	c := newChunk(64 << 10)
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		k, ok := keyIndex(prefix, item.Key())
		if err := item.Value(func(v []byte) error { c.add(k, ok, v); return nil }); err != nil {
			c.err = err
			send(c)
			return
		}
		if c.len() == chunkEvents {
			if !send(c) {
				return
			}
			c = newChunk(len(c.data) + len(c.data)/8)
		}
	}
	if c.len() > 0 {
		send(c)
	}
}

// hash computes the leaf hashes of event chunks.
func (p *pipeline) hash() {
	defer p.wg.Done()
	h := sha256.New()
	zero := []byte{0}
	for c := range p.work {
		c.leaves = make([][32]byte, c.len())
		for j := range c.leaves {
			h.Reset()
			h.Write(zero)
			h.Write(c.value(j))
			h.Sum(c.leaves[j][:0])
		}
		close(c.done)
	}
}

// nextEvents returns the next event chunk with its leaves, or nil at the end.
func (p *pipeline) nextEvents() *chunk {
	c, ok := <-p.events
	if !ok {
		return nil
	}
	<-c.done
	return c
}

// nodeCursor walks the stored tree nodes in order.
type nodeCursor struct {
	p *pipeline
	c *chunk
	j int
}

// peek returns the current node entry, or ok false at the end.
func (n *nodeCursor) peek() (k uint64, bad bool, v []byte, err error, ok bool) {
	for n.c == nil || n.j == n.c.len() {
		if n.c != nil && n.c.err != nil {
			return 0, false, nil, n.c.err, true
		}
		c, more := <-n.p.nodes
		if !more {
			return 0, false, nil, nil, false
		}
		n.c, n.j = c, 0
	}
	return n.c.keys[n.j], n.c.badKey[n.j], n.c.value(n.j), nil, true
}

func (n *nodeCursor) next() { n.j++ }
