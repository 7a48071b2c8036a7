package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
)

// testKey is the fixed, published checkpoint key of the test ledgers
// (verifier: hwledger-testdata+53a5247e+AcZ6iLoSquGlTxAhcx0XZGP34qXRLnmKllcHc/fA7UW/).
const testKey = "PRIVATE+KEY+hwledger-testdata+53a5247e+AShHQN75CwDI4B+G/AmSX9TpxAsNPDUdMLnggvAiCr0E"

// events is how many events a case's ledger holds before tampering.
const events = 20

// gen opens a case's ledger with a fixed clock and ids, continuing from
// seq (the number of events already in it).
type gen struct {
	l   *chain.Log
	seq int
}

func open(dir string, seq int) (*gen, error) {
	k, err := chain.KeyFromPrivate(testKey)
	if err != nil {
		return nil, err
	}
	if err := writeKey(dir, k); err != nil {
		return nil, err
	}
	g := &gen{seq: seq}
	start := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	g.l, err = chain.Open(chain.Options{
		Dir:   dir,
		Key:   &k,
		Clock: func() time.Time { return start.Add(time.Duration(g.seq) * time.Minute) },
		NewID: func() string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", g.seq) },
	})
	return g, err
}

// appendN appends n events, one per command (one batch each), tagged with
// variant so a forked history differs from the original.
func (g *gen) appendN(n int, variant string) error {
	for range n {
		i := g.seq
		_, err := g.l.Submit(context.Background(), func(tx *chain.Tx) error {
			_, err := tx.Append(chain.Draft{
				Type:    "waste.registered",
				Actor:   chain.Actor{Party: "party-generator-1", Role: "generator"},
				Subject: fmt.Sprintf("waste-%03d", i),
				Data: map[string]any{
					"code":       "900-041-49",
					"quantity_g": 1000 + 250*i,
					"storage":    "store room " + variant,
				},
			})
			return err
		})
		if err != nil {
			return err
		}
		g.seq++
	}
	return nil
}

// saveCheckpoint writes the current signed checkpoint to dir/checkpoint.txt,
// as an inspector keeping it outside the store would.
func (g *gen) saveCheckpoint(dir string) error {
	cp, err := g.l.Checkpoint()
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "checkpoint.txt"), cp, 0o644)
}

func (g *gen) close() error { return g.l.Close() }

// writeKey writes the key files hwledger keeps in its data dir.
func writeKey(dir string, k chain.Key) error {
	if err := os.WriteFile(filepath.Join(dir, "ledger.key"), []byte(testKey+"\n"), 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "ledger.pub"), []byte(k.VerifierKey+"\n"), 0o644)
}

// build makes a case dir holding a ledger of n events.
func build(dir string, n int) error {
	g, err := open(dir, 0)
	if err != nil {
		return err
	}
	if err := g.appendN(n, "A"); err != nil {
		g.close()
		return err
	}
	return g.close()
}
