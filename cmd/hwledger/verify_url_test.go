package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/chain/chaintest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

const testToken = "inspector-token"

// ledgerServer serves the ledger routes of docs/api.md from a chain.Log, with
// hooks to make it lie.
type ledgerServer struct {
	l          *chain.Log
	checkpoint []byte                          // served instead of the current one when set
	event      func(i uint64, b []byte) []byte // rewrites event i; nil result drops it
	proof      func(hashes [][]byte) [][]byte  // rewrites consistency proofs
}

func (s *ledgerServer) handler() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("GET /api/v1/ledger/key", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, s.l.Key().VerifierKey)
	})
	m.HandleFunc("GET /api/v1/ledger/checkpoint", func(w http.ResponseWriter, r *http.Request) {
		cp := s.checkpoint
		if cp == nil {
			var err error
			if cp, err = s.l.Checkpoint(); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(cp)
	})
	m.HandleFunc("GET /api/v1/ledger/events", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			http.Error(w, `{"error":{"code":"unauthenticated"}}`, http.StatusUnauthorized)
			return
		}
		from, _ := strconv.ParseUint(r.URL.Query().Get("from"), 10, 64)
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		w.Header().Set("Content-Type", "application/x-ndjson")
		_ = s.l.Events(from, limit, func(i uint64, b []byte) error {
			if s.event != nil {
				if b = s.event(i, b); b == nil {
					return nil
				}
			}
			w.Write(b)
			w.Write([]byte("\n"))
			return nil
		})
	})
	m.HandleFunc("GET /api/v1/ledger/proof/consistency", func(w http.ResponseWriter, r *http.Request) {
		from, _ := strconv.ParseUint(r.URL.Query().Get("from"), 10, 64)
		to, _ := strconv.ParseUint(r.URL.Query().Get("to"), 10, 64)
		p, err := s.l.ConsistencyProof(from, to)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if s.proof != nil {
			p = s.proof(p)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"from": from, "to": to, "hashes": p})
	})
	return m
}

var urlTestKey = func() chain.Key {
	k, err := chain.NewKey("hwledger")
	if err != nil {
		panic(err)
	}
	return k
}()

// served opens an in-memory log of n events (variant tags their data) and
// serves it.
func served(t *testing.T, n int, variant string) (*ledgerServer, string) {
	t.Helper()
	l := chaintest.Open(t, "", chain.Options{Key: &urlTestKey})
	appendEvents(t, l, n, variant)
	s := &ledgerServer{l: l}
	srv := httptest.NewServer(s.handler())
	t.Cleanup(srv.Close)
	return s, srv.URL
}

// appendEvents appends n events, up to 500 per command.
func appendEvents(t *testing.T, l *chain.Log, n int, variant string) {
	t.Helper()
	for n > 0 {
		k := min(n, 500)
		_, err := l.Submit(context.Background(), func(tx *chain.Tx) error {
			for range k {
				if _, err := tx.Append(chain.Draft{Type: "test.url", Subject: variant, Data: map[string]uint64{"n": tx.Size()}}); err != nil {
					return err
				}
			}
			return nil
		})
		require.NoError(t, err)
		n -= k
	}
}

func saveFile(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "checkpoint.txt")
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}

func checkpointOf(t *testing.T, l *chain.Log) []byte {
	t.Helper()
	cp, err := l.Checkpoint()
	require.NoError(t, err)
	return cp
}

func TestVerifyURLGoodLog(t *testing.T) {
	defer func(p int) { eventsPage = p }(eventsPage)
	eventsPage = 7 // page through: 25 = 3·7 + 4
	s, url := served(t, 14, "a")
	at14 := checkpointOf(t, s.l)
	appendEvents(t, s.l, 11, "a")

	code, out := verifyCmd(t, "--url", url, "--token", testToken)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "OK: 25 events")

	code, out = verifyCmd(t, "--url", url, "--token", testToken, "--checkpoint", saveFile(t, at14))
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "extends the saved checkpoint (14 events)")

	code, out = verifyCmd(t, "--url", url, "--token", testToken, "--checkpoint", saveFile(t, checkpointOf(t, s.l)))
	assert.Equal(t, 0, code, out)

	// Events appended after the served checkpoint are fine.
	s.checkpoint = at14
	code, out = verifyCmd(t, "--url", url, "--token", testToken)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "covers 14 events")
}

func TestVerifyURLPagesOfTenThousand(t *testing.T) {
	_, url := served(t, 10003, "a")
	t.Setenv("HWLEDGER_TOKEN", testToken)
	code, out := verifyCmd(t, "--url", url+"/")
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "OK: 10003 events")
}

func TestVerifyURLFromTheEmptyLog(t *testing.T) {
	s, url := served(t, 0, "a")
	empty := saveFile(t, checkpointOf(t, s.l))
	code, out := verifyCmd(t, "--url", url, "--token", testToken, "--checkpoint", empty)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "OK: 0 events")
	appendEvents(t, s.l, 3, "a")
	code, out = verifyCmd(t, "--url", url, "--token", testToken, "--checkpoint", empty)
	assert.Equal(t, 0, code, out)
}

func TestVerifyURLCatchesLies(t *testing.T) {
	fork := chaintest.Open(t, "", chain.Options{Key: &urlTestKey})
	appendEvents(t, fork, 10, "b")
	other, err := chain.NewKey("hwledger")
	require.NoError(t, err)

	cases := []struct {
		name  string
		lie   func(s *ledgerServer)
		saved func(s *ledgerServer) []byte
		want  string
	}{
		{name: "event rewritten", want: "FAIL: event 13: prev is",
			lie: func(s *ledgerServer) {
				s.event = func(i uint64, b []byte) []byte { return rewriteEvent(t, i, b, 12) }
			}},
		{name: "last event rewritten", want: "FAIL: the first 20 events hash to root",
			lie: func(s *ledgerServer) {
				s.event = func(i uint64, b []byte) []byte { return rewriteEvent(t, i, b, 19) }
			}},
		{name: "event dropped", want: "FAIL: event 5: says it is event 6",
			lie: func(s *ledgerServer) {
				s.event = func(i uint64, b []byte) []byte {
					if i == 5 {
						return nil
					}
					return b
				}
			}},
		{name: "tail withheld", want: "FAIL: event 18: missing",
			lie: func(s *ledgerServer) {
				s.event = func(i uint64, b []byte) []byte {
					if i >= 18 {
						return nil
					}
					return b
				}
			}},
		{name: "bytes not canonical", want: "FAIL: event 3: event bytes are not canonical",
			lie: func(s *ledgerServer) {
				s.event = func(i uint64, b []byte) []byte {
					if i == 3 {
						return append([]byte(" "), b...)
					}
					return b
				}
			}},
		{name: "checkpoint of another log", want: "FAIL: the first 10 events hash to root",
			lie: func(s *ledgerServer) { s.checkpoint = checkpointOf(t, fork) }},
		{name: "checkpoint signed by another key", want: "FAIL: the server's checkpoint signature",
			lie: func(s *ledgerServer) {
				size, root, _ := s.l.Head()
				s.checkpoint = sign(t, other, size, root)
			}},
		{name: "forked from the saved checkpoint", want: "FAIL: forked: the first 10 events hash to",
			saved: func(*ledgerServer) []byte { return checkpointOf(t, fork) }},
		{name: "truncated below the saved checkpoint", want: "FAIL: truncated: saved checkpoint has 20 events, the server's checkpoint only 9",
			lie: func(s *ledgerServer) {
				root, err := s.l.RootAt(9)
				require.NoError(t, err)
				s.checkpoint = sign(t, urlTestKey, 9, root)
			},
			saved: func(s *ledgerServer) []byte { return checkpointOf(t, s.l) }},
		{name: "consistency proof corrupted", want: "FAIL: the consistency proof from the saved checkpoint (7) to the server's (20) does not verify",
			lie: func(s *ledgerServer) {
				s.proof = func(p [][]byte) [][]byte { p[0][0] ^= 1; return p }
			},
			saved: func(s *ledgerServer) []byte {
				root, err := s.l.RootAt(7)
				require.NoError(t, err)
				return sign(t, urlTestKey, 7, root)
			}},
		{name: "saved checkpoint of another key", want: "FAIL: saved checkpoint (checked with the server's key)",
			saved: func(s *ledgerServer) []byte {
				size, root, _ := s.l.Head()
				return sign(t, other, size, root)
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, url := served(t, 20, "a")
			args := []string{"--url", url, "--token", testToken}
			if c.saved != nil {
				args = append(args, "--checkpoint", saveFile(t, c.saved(s)))
			}
			if c.lie != nil {
				c.lie(s)
			}
			code, out := verifyCmd(t, args...)
			assert.Equal(t, 1, code, out)
			assert.Contains(t, out, c.want)
		})
	}
}

func TestVerifyURLWrongToken(t *testing.T) {
	_, url := served(t, 3, "a")
	code, out := verifyCmd(t, "--url", url, "--token", "nope")
	assert.Equal(t, verifyUnreadable, code, "a refused token is no fault of the ledger: %s", out)
	assert.Contains(t, out, "401")
}

// rewriteEvent changes the data of event at (keeping it canonical).
func rewriteEvent(t *testing.T, i uint64, b []byte, at uint64) []byte {
	if i != at {
		return b
	}
	e, err := chain.Decode(b)
	require.NoError(t, err)
	e.Data = json.RawMessage(`{"n":999}`)
	b, err = e.Encode()
	require.NoError(t, err)
	return b
}

func sign(t *testing.T, k chain.Key, size uint64, root []byte) []byte {
	t.Helper()
	text := chain.Checkpoint{Origin: "hwledger", Size: size, Root: root}.Text()
	b, err := note.Sign(&note.Note{Text: text}, k.Signer)
	require.NoError(t, err)
	return b
}
