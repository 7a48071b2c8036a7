package mirror

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"golang.org/x/mod/sumdb/tlog"
)

// Client reads a primary ledger over its HTTP API. Without a token it
// reads only what is public: the checkpoint, the verifier key, the
// consistency proofs and the event bytes in the C2SP tlog-tiles entry
// bundles. With a token (an inspector's or an admin's) it reads the
// events from GET /ledger/events instead, up to 100,000 in one answer.
// Nothing it reads is trusted: the Mirror checks every byte.
type Client struct {
	base  string // the server's URL with /api/v1, no trailing slash
	token string
	http  *http.Client
}

// NewClient returns a client of the server at base (e.g.
// "https://ledger.example.gov.cn"; a trailing /api/v1 is accepted).
func NewClient(base, token string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--from %q: want the primary's http(s) URL", base)
	}
	b := strings.TrimSuffix(u.String(), "/api/v1") + "/api/v1"
	return &Client{base: b, token: token, http: &http.Client{Timeout: 60 * time.Second}}, nil
}

// Base returns the API base URL the client reads.
func (c *Client) Base() string { return c.base }

// get answers the body of GET path (under the API base), or an error for
// any status but 200.
func (c *Client) get(ctx context.Context, path string, auth bool) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	if auth && c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", path, resp.Status, bytes.TrimSpace(b[:min(len(b), 300)]))
	}
	return b, nil
}

// Key returns the primary's note verifier key (GET /ledger/key).
func (c *Client) Key(ctx context.Context) (string, error) {
	b, err := c.get(ctx, "/ledger/key", false)
	return strings.TrimSpace(string(b)), err
}

// Checkpoint returns the primary's published checkpoint, with the
// witnesses' cosignatures it carries (GET /tlog/checkpoint).
func (c *Client) Checkpoint(ctx context.Context) ([]byte, error) {
	return c.get(ctx, "/tlog/checkpoint", false)
}

// Consistency returns the consistency proof from size1 to size2.
func (c *Client) Consistency(ctx context.Context, size1, size2 uint64) ([][]byte, error) {
	b, err := c.get(ctx, fmt.Sprintf("/ledger/proof/consistency?from=%d&to=%d", size1, size2), false)
	if err != nil {
		return nil, err
	}
	var a struct {
		From, To uint64
		Hashes   [][]byte
	}
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("consistency proof %d→%d: %w", size1, size2, err)
	}
	if a.From != size1 || a.To != size2 {
		return nil, fmt.Errorf("asked for the consistency proof %d→%d, got %d→%d", size1, size2, a.From, a.To)
	}
	return a.Hashes, nil
}

// Events returns the bytes of events [from, to), in order: exactly
// to−from of them, else an error.
func (c *Client) Events(ctx context.Context, from, to uint64) ([][]byte, error) {
	var out [][]byte
	var err error
	if c.token != "" {
		out, err = c.eventsStream(ctx, from, to)
	} else {
		out, err = c.eventsTiles(ctx, from, to)
	}
	if err == nil && uint64(len(out)) != to-from {
		err = fmt.Errorf("asked for events %d..%d, got %d", from, to-1, len(out))
	}
	return out, err
}

// eventsStream reads GET /ledger/events (NDJSON, each line the event's
// bytes).
func (c *Client) eventsStream(ctx context.Context, from, to uint64) ([][]byte, error) {
	b, err := c.get(ctx, fmt.Sprintf("/ledger/events?from=%d&limit=%d", from, to-from), true)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, 0, to-from)
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		out = append(out, bytes.Clone(sc.Bytes()))
	}
	return out, sc.Err()
}

// eventsTiles reads the entry bundles that hold events [from, to): full
// bundles, and a partial one of the width that ends at to.
func (c *Client) eventsTiles(ctx context.Context, from, to uint64) ([][]byte, error) {
	out := make([][]byte, 0, to-from)
	for n := from / chain.TileWidth; n*chain.TileWidth < to; n++ {
		first := n * chain.TileWidth
		w := min(uint64(chain.TileWidth), to-first)
		t := tlog.Tile{H: chain.TileHeight, L: -1, N: int64(n), W: int(w)}
		path := "/tlog/tile/entries/" + strings.TrimPrefix(t.Path(), "tile/8/data/")
		b, err := c.get(ctx, path, false)
		if err != nil {
			return nil, err
		}
		evs, err := splitBundle(b, int(w))
		if err != nil {
			return nil, fmt.Errorf("entry bundle %s: %w", path, err)
		}
		for j, e := range evs {
			if i := first + uint64(j); i >= from {
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// splitBundle splits a C2SP tlog-tiles entry bundle (each entry a
// big-endian uint16 length and its bytes) into its w entries.
func splitBundle(b []byte, w int) ([][]byte, error) {
	out := make([][]byte, 0, w)
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, errors.New("truncated length prefix")
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, errors.New("truncated entry")
		}
		out = append(out, bytes.Clone(b[2:2+n]))
		b = b[2+n:]
	}
	if len(out) != w {
		return nil, fmt.Errorf("holds %d entries, want %d", len(out), w)
	}
	return out, nil
}

// retryAfter is how long to wait after failed attempt n (from 0):
// exponential from 500 ms, at most a minute.
func retryAfter(n int) time.Duration {
	d := 500 * time.Millisecond << min(n, 7)
	return min(d, time.Minute)
}
