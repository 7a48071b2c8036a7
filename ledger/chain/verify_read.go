package chain

import (
	"bytes"
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

// chunk is a run of consecutive stored entries.
type chunk struct {
	keys   []uint64 // index in each key
	badKey []bool   // the key does not have the index key shape
	bad    []bool   // the value is not an entry (nodes + event)
	data   []byte   // the event bytes, concatenated
	offs   []int    // event j is data[offs[j]:offs[j+1]]
	nodes  []byte   // the stored tree nodes, concatenated
	noffs  []int    // nodes of event j are nodes[noffs[j]:noffs[j+1]]
	leaves [][32]byte
	done   chan struct{} // closed once leaves are computed (event chunks)
	err    error         // a read error after the entries held
}

// newChunk makes a chunk whose value buffer holds size bytes before growing.
func newChunk(size int) *chunk {
	if c, ok := chunkPool.Get().(*chunk); ok {
		c.keys, c.badKey, c.bad = c.keys[:0], c.badKey[:0], c.bad[:0]
		c.data, c.offs, c.nodes, c.noffs = c.data[:0], c.offs[:1], c.nodes[:0], c.noffs[:1]
		c.leaves, c.err, c.done = c.leaves[:0], nil, make(chan struct{})
		return c
	}
	return &chunk{
		keys:   make([]uint64, 0, chunkEvents),
		badKey: make([]bool, 0, chunkEvents),
		bad:    make([]bool, 0, chunkEvents),
		data:   make([]byte, 0, size),
		offs:   make([]int, 1, chunkEvents+1),
		nodes:  make([]byte, 0, chunkEvents*64),
		noffs:  make([]int, 1, chunkEvents+1),
		done:   make(chan struct{}),
	}
}

// chunkPool recycles chunks once the tree stage has checked them: a
// million-event verify would otherwise allocate half a gigabyte.
var chunkPool sync.Pool

// release returns c to the pool; nothing may use c afterwards.
func (c *chunk) release() { chunkPool.Put(c) }

func (c *chunk) len() int           { return len(c.keys) }
func (c *chunk) value(j int) []byte { return c.data[c.offs[j]:c.offs[j+1]] }
func (c *chunk) storedNodes(j int) []byte {
	return c.nodes[c.noffs[j]:c.noffs[j+1]]
}
func (c *chunk) add(k uint64, ok bool, v []byte) {
	nodes, ev, good := splitEntry(v)
	c.keys = append(c.keys, k)
	c.badKey = append(c.badKey, !ok)
	c.bad = append(c.bad, !good)
	c.data = append(c.data, ev...)
	c.offs = append(c.offs, len(c.data))
	c.nodes = append(c.nodes, nodes...)
	c.noffs = append(c.noffs, len(c.nodes))
}

// pipeline reads one snapshot for Verify.
type pipeline struct {
	events *stream     // entry chunks in order; leaves ready once done is closed
	work   chan *chunk // event chunks to hash
	quit   chan struct{}
	wg     sync.WaitGroup
}

// stream is a prefix read by several goroutines ("stripes"): chunk k holds
// the keys from index k·chunkEvents up to (k+1)·chunkEvents and is read by
// stripe k mod stripes, so reading Badger runs on every core; next hands
// the chunks out in order.
type stream struct {
	stripes []chan *chunk
	k       int // next chunk to hand out
	ended   bool
}

// next returns the next chunk in order, or nil at the end.
func (s *stream) next() *chunk {
	if s.ended {
		return nil
	}
	c, ok := <-s.stripes[s.k%len(s.stripes)]
	if !ok {
		// A stripe ends only when no key follows its next chunk's start:
		// nothing later exists for any stripe.
		s.ended = true
		return nil
	}
	s.k++
	return c
}

func startPipeline(txn *badger.Txn) *pipeline {
	workers := max(1, runtime.GOMAXPROCS(0))
	p := &pipeline{
		work: make(chan *chunk, chunksAhead),
		quit: make(chan struct{}),
	}
	var readers sync.WaitGroup
	p.events = p.startStream(txn, eventPrefix, workers, &readers, true)
	p.wg.Add(1 + workers)
	go func() { // the hash workers stop once every event stripe is read
		defer p.wg.Done()
		readers.Wait()
		close(p.work)
	}()
	for range workers {
		go p.hash()
	}
	return p
}

func (p *pipeline) startStream(txn *badger.Txn, prefix []byte, stripes int, readers *sync.WaitGroup, hash bool) *stream {
	s := &stream{stripes: make([]chan *chunk, stripes)}
	for i := range s.stripes {
		s.stripes[i] = make(chan *chunk, chunksAhead)
		p.wg.Add(1)
		if readers != nil {
			readers.Add(1)
		}
		go func(i int) {
			defer p.wg.Done()
			if readers != nil {
				defer readers.Done()
			}
			p.read(txn, prefix, i, stripes, s.stripes[i], hash)
		}(i)
	}
	return s
}

// stop ends the pipeline and waits until its iterators are closed.
func (p *pipeline) stop() {
	close(p.quit)
	p.wg.Wait()
}

// read reads the chunks stripe, stripe+stripes, … of prefix into out (and
// onto p.work to be hashed, when hash). The first chunk also takes any key
// that sorts before index 0, so no stored key escapes the checks.
func (p *pipeline) read(txn *badger.Txn, prefix []byte, stripe, stripes int, out chan *chunk, hash bool) {
	defer close(out)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	send := func(c *chunk) bool {
		select {
		case out <- c:
		case <-p.quit:
			return false
		}
		if !hash {
			close(c.done)
			return true
		}
		select {
		case p.work <- c:
			return true
		case <-p.quit:
			return false
		}
	}
	size := 64 << 10
	for k := uint64(stripe); ; k += uint64(stripes) {
		start, end := indexKey(prefix, k*chunkEvents), indexKey(prefix, (k+1)*chunkEvents)
		if k == 0 {
			start = prefix
		}
		it.Seek(start)
		if !it.Valid() {
			return // nothing from here on
		}
		c := newChunk(size)
		for ; it.Valid() && bytes.Compare(it.Item().Key(), end) < 0; it.Next() {
			item := it.Item()
			k, ok := keyIndex(prefix, item.Key())
			if err := item.Value(func(v []byte) error { c.add(k, ok, v); return nil }); err != nil {
				c.err = err
				send(c)
				return
			}
		}
		size = len(c.data) + len(c.data)/8
		if !send(c) {
			return
		}
	}
}

// hash computes the leaf hashes of event chunks.
func (p *pipeline) hash() {
	defer p.wg.Done()
	h := sha256.New()
	zero := []byte{0}
	for c := range p.work {
		if cap(c.leaves) >= c.len() {
			c.leaves = c.leaves[:c.len()]
		} else {
			c.leaves = make([][32]byte, c.len())
		}
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
	c := p.events.next()
	if c == nil {
		return nil
	}
	<-c.done
	return c
}
