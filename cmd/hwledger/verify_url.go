package main

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/witness"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// eventsPage is how many events verify --url asks for per request.
var eventsPage = 10000

// verifyURL verifies a running server over HTTP, trusting nothing it says
// that it cannot check: it fetches the checkpoint key, the signed checkpoint
// and every event, re-derives every leaf hash, index, prev link and the
// Merkle root, and checks the root at the checkpoint's size against the
// signed one (events that arrived after the checkpoint are checked for links
// but not covered by it). With trusted (a checkpoint saved earlier), the
// server's log must extend it: the recomputed root at the saved size must
// equal the saved root, and the server's consistency proof must verify.
func verifyURL(base, token string, trusted []byte, policy *witness.Policy, out io.Writer) error {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: --url must be an http(s) URL, got %q", errUsage, base)
	}
	c := &ledgerClient{base: u.String() + "/api/v1/ledger", token: token, http: newHTTPClient()}

	vkey, err := c.getText("/key")
	if err != nil {
		return err
	}
	verifier, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		return &chain.Fault{Index: -1, What: fmt.Sprintf("the server's checkpoint key %q is not a note verifier key: %v", bytes.TrimSpace(vkey), err)}
	}
	signed, err := c.getText("/checkpoint")
	if err != nil {
		return err
	}
	cp, err := chain.OpenCheckpoint(signed, verifier)
	if err != nil {
		return &chain.Fault{Index: -1, What: "the server's " + err.Error()}
	}
	var cosigned string
	if policy != nil {
		if cosigned, err = checkCosigned(policy, signed, verifier, "the server's checkpoint"); err != nil {
			return err
		}
	}
	var saved *chain.Checkpoint
	if trusted != nil {
		s, err := chain.OpenCheckpoint(trusted, verifier)
		if err != nil {
			return &chain.Fault{Index: -1, What: "saved checkpoint (checked with the server's key): " + err.Error()}
		}
		if s.Origin != cp.Origin {
			return &chain.Fault{Index: -1, What: fmt.Sprintf("saved checkpoint is for log %q, the server's is %q", s.Origin, cp.Origin)}
		}
		if s.Size > cp.Size {
			return &chain.Fault{Index: -1, What: fmt.Sprintf("truncated: saved checkpoint has %d events, the server's checkpoint only %d", s.Size, cp.Size)}
		}
		saved = &s
	}

	w := newWalker(cp.Size, saved)
	for {
		n, err := c.events(w.size, eventsPage, w.add)
		if err != nil {
			return err
		}
		if n < eventsPage {
			break
		}
	}
	if w.size < cp.Size {
		return &chain.Fault{Index: int64(w.size), What: fmt.Sprintf("missing: the server sent %d events, its checkpoint covers %d", w.size, cp.Size)}
	}
	if !bytes.Equal(w.rootAtCheckpoint, cp.Root) {
		return &chain.Fault{Index: -1, What: fmt.Sprintf("the first %d events hash to root %x, the signed checkpoint says %x", cp.Size, w.rootAtCheckpoint, cp.Root)}
	}
	if saved != nil {
		if err := c.checkExtends(*saved, cp, w.rootAtSaved); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "OK: %d events, %d bytes; signed checkpoint of %s covers %d events, root %x", w.size, w.bytes, cp.Origin, cp.Size, cp.Root)
	if saved != nil {
		fmt.Fprintf(out, "; extends the saved checkpoint (%d events)", saved.Size)
	}
	fmt.Fprintln(out, cosigned)
	return nil
}

// checkExtends checks that the server's checkpoint cp extends saved: the
// root we recomputed at the saved size, and the server's consistency proof.
func (c *ledgerClient) checkExtends(saved, cp chain.Checkpoint, recomputed []byte) error {
	if saved.Size == 0 {
		return nil // the empty log is extended by every log; the signature was checked
	}
	if !bytes.Equal(recomputed, saved.Root) {
		return &chain.Fault{Index: -1, What: fmt.Sprintf("forked: the first %d events hash to %x, the saved checkpoint says %x", saved.Size, recomputed, saved.Root)}
	}
	if saved.Size == cp.Size {
		return nil // same size, same root: nothing more to prove
	}
	var p struct {
		From   uint64   `json:"from"`
		To     uint64   `json:"to"`
		Hashes [][]byte `json:"hashes"`
	}
	path := fmt.Sprintf("/proof/consistency?from=%d&to=%d", saved.Size, cp.Size)
	if err := c.getJSON(path, &p); err != nil {
		return err
	}
	if p.From != saved.Size || p.To != cp.Size {
		return &chain.Fault{Index: -1, What: fmt.Sprintf("asked for a consistency proof %d→%d, got %d→%d", saved.Size, cp.Size, p.From, p.To)}
	}
	if err := chain.VerifyConsistency(saved.Size, cp.Size, p.Hashes, saved.Root, cp.Root); err != nil {
		return &chain.Fault{Index: -1, What: fmt.Sprintf("the consistency proof from the saved checkpoint (%d) to the server's (%d) does not verify: %v", saved.Size, cp.Size, err)}
	}
	return nil
}

// walker re-derives the chain event by event.
type walker struct {
	size             uint64
	bytes            int64
	prev             []byte // hex leaf hash of the last event, ZeroPrev at first
	rng              *compact.Range
	cpSize           uint64
	savedSize        uint64
	rootAtCheckpoint []byte
	rootAtSaved      []byte
}

func newWalker(cpSize uint64, saved *chain.Checkpoint) *walker {
	w := &walker{
		prev:   []byte(chain.ZeroPrev),
		rng:    (&compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}).NewEmptyRange(0),
		cpSize: cpSize,
	}
	if saved != nil {
		w.savedSize = saved.Size
	}
	if cpSize == 0 {
		w.rootAtCheckpoint = rfc6962.DefaultHasher.EmptyRoot()
	}
	return w
}

// add checks the next event's bytes and adds its leaf to the tree.
func (w *walker) add(b []byte) error {
	i := w.size
	e, err := chain.Decode(b)
	if err != nil {
		return &chain.Fault{Index: int64(i), What: err.Error()}
	}
	if e.Index != i {
		return &chain.Fault{Index: int64(i), What: fmt.Sprintf("says it is event %d (moved, swapped or missing)", e.Index)}
	}
	if e.Prev != string(w.prev) {
		return &chain.Fault{Index: int64(i), What: fmt.Sprintf("prev is %s but event %d hashes to %s", e.Prev, int64(i)-1, w.prev)}
	}
	leaf := chain.HashLeaf(b)
	if err := w.rng.Append(leaf, nil); err != nil {
		return err
	}
	w.prev = hex.AppendEncode(w.prev[:0], leaf)
	w.size++
	w.bytes += int64(len(b))
	if w.size == w.cpSize {
		if w.rootAtCheckpoint, err = w.rng.GetRootHash(nil); err != nil {
			return err
		}
	}
	if w.size == w.savedSize {
		if w.rootAtSaved, err = w.rng.GetRootHash(nil); err != nil {
			return err
		}
	}
	return nil
}

// ledgerClient reads the ledger routes of one server.
type ledgerClient struct {
	base  string // .../api/v1/ledger
	token string
	http  *http.Client
}

func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = time.Minute
	return &http.Client{Transport: t}
}

func (c *ledgerClient) get(path string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		err := fmt.Errorf("GET %s: %s: %s", c.base+path, resp.Status, bytes.TrimSpace(msg))
		if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			err = fmt.Errorf("%w (reading events needs an inspector's or admin's token)", err)
		}
		return nil, err
	}
	return resp, nil
}

func (c *ledgerClient) getText(path string) ([]byte, error) {
	resp, err := c.get(path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(io.LimitReader(resp.Body, 1<<20))
}

func (c *ledgerClient) getJSON(path string, v any) error {
	resp, err := c.get(path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v); err != nil {
		return fmt.Errorf("GET %s: %w", c.base+path, err)
	}
	return nil
}

// events streams one page of ndjson events to fn and returns how many
// there were. Each line must be exactly the bytes that were hashed.
func (c *ledgerClient) events(from uint64, limit int, fn func(b []byte) error) (int, error) {
	resp, err := c.get(fmt.Sprintf("/events?from=%d&limit=%d", from, limit))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	r := bufio.NewReaderSize(resp.Body, 64<<10)
	n := 0
	for {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A long event: collect the rest of the line.
			full := append([]byte(nil), line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = r.ReadSlice('\n')
				full = append(full, line...)
			}
			line = full
		}
		if len(line) > 0 {
			if line[len(line)-1] == '\n' {
				line = line[:len(line)-1]
			}
			if len(line) > 0 {
				if err := fn(line); err != nil {
					return n, err
				}
				n++
			}
		}
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("reading events from %d: %w", from, err)
		}
	}
}
