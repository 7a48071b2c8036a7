package mirror

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// Chunk bounds: the events of one Import (one transaction), cut at entry
// bundle boundaries so that every bundle but the checkpoint's last is
// read whole.
const (
	chunkEvents     = 2 * chain.TileWidth
	chunksAhead     = 4 // chunks fetched and checked ahead of the import
	importsInFlight = 3 // imports queued to the writer at once
)

// Fault is something the primary served that does not hold: a checkpoint
// not signed by its key, one that goes back or forks from what the mirror
// holds, a consistency proof that does not verify, events that do not
// hash to the checkpoint. The mirror imports nothing of it and keeps
// serving its verified copy.
type Fault struct{ What string }

func (f *Fault) Error() string { return "the primary's ledger does not verify: " + f.What }

// Status is what the mirror reports (serve's /healthz, the log).
type Status struct {
	// Primary is the followed server's API base URL.
	Primary string `json:"primary"`
	// Size is the size of the mirror's latest checkpoint (what it serves
	// and proves); Stored counts the events it holds, which may run ahead
	// of it by the start of the next checkpoint.
	Size   uint64 `json:"checkpoint_size"`
	Stored uint64 `json:"stored_events"`
	// LastSync is when the mirror last held the primary's published
	// checkpoint; nil before the first time.
	LastSync *time.Time `json:"last_sync,omitempty"`
	// Error is the last failure, if the last attempt failed; Fault says
	// it is a verification failure rather than a network one.
	Error string `json:"error,omitempty"`
	Fault bool   `json:"fault,omitempty"`
}

// Mirror follows a primary ledger into a follower Service.
type Mirror struct {
	svc *ledger.Service
	src *Client
	lg  *slog.Logger

	mu   sync.Mutex
	last *time.Time
	err  error
}

// New returns a mirror that copies what src serves into svc, a Service
// opened with ledger.Config.Follow (the primary's key).
func New(svc *ledger.Service, src *Client, lg *slog.Logger) (*Mirror, error) {
	if !svc.Follower() {
		return nil, errors.New("the mirror's ledger must be opened as a follower (ledger.Config.Follow)")
	}
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	return &Mirror{svc: svc, src: src, lg: lg}, nil
}

// Status reports the mirror's position and its last error.
func (m *Mirror) Status() Status {
	size, _, _ := m.svc.Log().Head()
	st := Status{Primary: m.src.Base(), Size: size, Stored: m.svc.Log().Size()}
	m.mu.Lock()
	defer m.mu.Unlock()
	st.LastSync = m.last
	if m.err != nil {
		st.Error = m.err.Error()
		var f *Fault
		st.Fault = errors.As(m.err, &f)
	}
	return st
}

// Run follows the primary until ctx ends: a Sync right after the last
// one copied something, else every interval; after a failure, the next
// attempt waits longer each time (500 ms doubling to a minute), and never
// longer than interval once that is longer.
func (m *Mirror) Run(ctx context.Context, interval time.Duration) {
	fails := 0
	for {
		n, err := m.Sync(ctx)
		if ctx.Err() != nil {
			return
		}
		wait := interval
		switch {
		case err != nil:
			m.lg.Error("mirror: sync failed", "err", err)
			wait = max(retryAfter(fails), interval)
			fails++
		case n > 0:
			fails, wait = 0, 0
		default:
			fails = 0
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// Sync copies the primary up to its published checkpoint and stores the
// checkpoint, after checking its signature with the pinned key, the
// consistency proof from the mirror's checkpoint to it, every event
// (canonical bytes, index and prev link, in chain.Tx.AppendRaw), and that
// the events hash to it. It returns how many events it copied. A *Fault
// says what the primary served that does not hold; nothing of it is
// copied.
func (m *Mirror) Sync(ctx context.Context) (copied uint64, err error) {
	defer func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.err = err
		if err == nil {
			now := time.Now().UTC()
			m.last = &now
		}
	}()
	signed, err := m.src.Checkpoint(ctx)
	if err != nil {
		return 0, err
	}
	log := m.svc.Log()
	cp, err := chain.OpenCheckpoint(signed, log.Key().Verifier)
	if err != nil {
		return 0, &Fault{fmt.Sprintf("its checkpoint does not verify with the pinned key %s: %v", log.Key().VerifierKey, err)}
	}
	if cp.Origin != log.Origin() {
		return 0, &Fault{fmt.Sprintf("its checkpoint is for log %q, the mirror follows %q", cp.Origin, log.Origin())}
	}
	held, heldRoot, heldCP := log.Head()
	stored := log.Size()
	if cp.Size < held {
		return 0, &Fault{fmt.Sprintf("its checkpoint went back: it has %d events, the mirror holds a checkpoint of %d", cp.Size, held)}
	}
	if cp.Size <= stored {
		// Nothing new to copy: the checkpoint must sign what is held.
		root, err := log.RootAt(cp.Size)
		if err != nil {
			return 0, err
		}
		if !bytes.Equal(root, cp.Root) {
			return 0, &Fault{fmt.Sprintf("forked: its checkpoint of %d events has root %x, the mirror's copy of them hashes to %x", cp.Size, cp.Root, root)}
		}
		if cp.Size == stored && !bytes.Equal(signed, heldCP) {
			// The same tree, or its end reached: store it (with the
			// cosignatures it may carry now).
			return 0, m.svc.Import(ctx, nil, signed)
		}
		return 0, nil
	}
	if held > 0 {
		p, err := m.src.Consistency(ctx, held, cp.Size)
		if err != nil {
			return 0, err
		}
		if err := proof.VerifyConsistency(rfc6962.DefaultHasher, held, cp.Size, p, heldRoot, cp.Root); err != nil {
			return 0, &Fault{fmt.Sprintf("its checkpoint of %d events is not an extension of the mirror's of %d: %v", cp.Size, held, err)}
		}
	}
	return m.copyTo(ctx, stored, cp, signed)
}

// chunk is a run of fetched events, checked against the checkpoint.
type chunk struct {
	events [][]byte
	err    error
}

// copyTo copies events [from, cp.Size) in chunks: one goroutine fetches
// and checks them ahead while this one imports them in order. Each chunk
// is proved a prefix of cp (a consistency proof from the end of the chunk
// to cp) before it is imported; the last is cp, stored with it.
func (m *Mirror) copyTo(ctx context.Context, from uint64, cp chain.Checkpoint, signed []byte) (uint64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	log := m.svc.Log()
	chunks := make(chan chunk, chunksAhead)
	go func() {
		defer close(chunks)
		rng := log.Range()
		for next := from; next < cp.Size; {
			end := min(cp.Size, (next/chunkEvents+1)*chunkEvents)
			evs, err := m.fetch(ctx, rng, next, end, cp)
			select {
			case chunks <- chunk{events: evs, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
			next = end
		}
	}()
	// Imports in flight, oldest first: the writer applies the next chunk
	// while it syncs the one before.
	type started struct {
		n    uint64
		wait func() error
	}
	var inflight []started
	var copied uint64
	done := func() error {
		err := inflight[0].wait()
		if err == nil {
			copied += inflight[0].n
		} else if errors.Is(err, chain.ErrCopy) {
			err = &Fault{err.Error()}
		}
		inflight = inflight[1:]
		return err
	}
	defer func() {
		for len(inflight) > 0 {
			_ = done()
		}
	}()
	next := from
	for c := range chunks {
		if c.err != nil {
			return copied, c.err
		}
		var cpHere []byte
		if next += uint64(len(c.events)); next == cp.Size {
			cpHere = signed
		}
		inflight = append(inflight, started{uint64(len(c.events)), m.svc.StartImport(ctx, c.events, cpHere)})
		if len(inflight) >= importsInFlight {
			if err := done(); err != nil {
				return copied, err
			}
		}
	}
	for len(inflight) > 0 {
		if err := done(); err != nil {
			return copied, err
		}
	}
	return copied, nil
}

// fetch reads events [from, to) and extends rng with them; the root of
// rng must then be consistent with cp (equal to it at cp's size).
func (m *Mirror) fetch(ctx context.Context, rng *compact.Range, from, to uint64, cp chain.Checkpoint) ([][]byte, error) {
	evs, err := m.src.Events(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, b := range evs {
		if err := rng.Append(chain.HashLeaf(b), nil); err != nil {
			return nil, err
		}
	}
	root, err := rng.GetRootHash(nil)
	if err != nil {
		return nil, err
	}
	if to == cp.Size {
		if !bytes.Equal(root, cp.Root) {
			return nil, &Fault{fmt.Sprintf("its events up to %d hash to %x, its checkpoint says %x", to, root, cp.Root)}
		}
		return evs, nil
	}
	p, err := m.src.Consistency(ctx, to, cp.Size)
	if err != nil {
		return nil, err
	}
	if err := proof.VerifyConsistency(rfc6962.DefaultHasher, to, cp.Size, p, root, cp.Root); err != nil {
		return nil, &Fault{fmt.Sprintf("its events %d..%d are not the start of its checkpoint of %d events: %v", from, to-1, cp.Size, err)}
	}
	return evs, nil
}
