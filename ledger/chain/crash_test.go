package chain

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// crashDirEnv makes TestCrashChild act as the child of TestCrashSafety.
const crashDirEnv = "HWLEDGER_CRASH_CHILD_DIR"

// TestCrashSafety kills a child process that appends from many goroutines
// with SIGKILL at random moments. After each kill the store must reopen and
// verify, and every event the child saw acknowledged must be there with the
// same bytes at the same index.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: this test starts and SIGKILLs child processes for several seconds; make test runs it")
	}
	dir := t.TempDir()
	acked := map[uint64]string{} // index → sha256 of the event bytes, over all rounds
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	const rounds = 12
	for round := range rounds {
		got := crashChild(t, dir, time.Duration(r.IntN(120))*time.Millisecond)
		for i, h := range got {
			if prev, dup := acked[i]; dup && prev != h {
				t.Fatalf("round %d: index %d acknowledged twice with different bytes", round, i)
			}
			acked[i] = h
		}

		l, err := Open(Options{Dir: dir})
		require.NoError(t, err, "round %d: reopen", round)
		rep, err := l.Verify(VerifyOptions{})
		require.NoError(t, err, "round %d: verify after SIGKILL", round)
		require.Equal(t, l.Size(), rep.Size)
		var seen uint64
		require.NoError(t, l.Events(0, 0, func(i uint64, b []byte) error {
			require.Equal(t, seen, i, "indices are gap-free from 0")
			seen++
			if want, ok := acked[i]; ok {
				sum := sha256.Sum256(b)
				require.Equal(t, want, hex.EncodeToString(sum[:]), "round %d: acknowledged event %d changed", round, i)
			}
			return nil
		}))
		for i := range acked {
			require.Less(t, i, rep.Size, "round %d: acknowledged event %d is lost", round, i)
		}
		require.NoError(t, l.Close())
		t.Logf("round %d: %d acknowledged this round, log size %d", round, len(got), rep.Size)
	}
	assert.NotEmpty(t, acked)
}

// crashChild runs the child on dir, kills it with SIGKILL the given time
// after its first acknowledgement and returns what it acknowledged.
func crashChild(t *testing.T, dir string, after time.Duration) map[uint64]string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1", "-test.v=false")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())

	got := map[uint64]string{}
	first := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		br := bufio.NewReader(out)
		once := sync.OnceFunc(func() { close(first) })
		for {
			line, err := br.ReadString('\n')
			if err != nil { // EOF; a partial last line was never acknowledged
				if err == io.EOF {
					err = nil
				}
				done <- err
				return
			}
			idx, sum, ok := strings.Cut(strings.TrimSpace(line), " ")
			i, perr := strconv.ParseUint(idx, 10, 64)
			if !ok || perr != nil || len(sum) != 64 {
				continue // not an acknowledgement (test framework output)
			}
			got[i] = sum
			once()
		}
	}()
	select {
	case <-first:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("child acknowledged nothing")
	}
	time.Sleep(after)
	require.NoError(t, cmd.Process.Kill()) // SIGKILL
	require.NoError(t, <-done)
	_ = cmd.Wait()
	return got
}

// TestCrashChild is the child of TestCrashSafety; it does nothing unless
// started by it. It appends from many goroutines until killed, writing
// "<index> <sha256 hex of the event bytes>" for each event once Submit
// has returned.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("only runs as the child of TestCrashSafety")
	}
	l, err := Open(Options{Dir: dir})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: open:", err)
		os.Exit(3)
	}
	var mu sync.Mutex
	deadline := time.Now().Add(30 * time.Second) // never outlive a lost parent
	var wg sync.WaitGroup
	for g := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; time.Now().Before(deadline); n++ {
				evs, err := l.Submit(context.Background(), func(tx *Tx) error {
					// Every other command's value and events are large enough
					// for the value log, so both places a value may live are
					// killed mid-write.
					pad := strings.Repeat("x", (n%2)*700)
					if err := tx.Set(fmt.Appendf(nil, "crash/%d", g), fmt.Appendf(nil, "%d%s", n, pad)); err != nil {
						return err
					}
					for k := 0; k <= n%3; k++ {
						if _, err := tx.Append(Draft{Type: "test.crash", Subject: fmt.Sprint(g), Data: map[string]any{"n": n, "k": k, "pad": pad}}); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					fmt.Fprintln(os.Stderr, "child: submit:", err)
					os.Exit(3)
				}
				var lines []byte
				for _, e := range evs {
					b, err := e.Encode()
					if err != nil {
						os.Exit(3)
					}
					sum := sha256.Sum256(b)
					lines = fmt.Appendf(lines, "%d %x\n", e.Index, sum)
				}
				mu.Lock()
				_, err = os.Stdout.Write(lines)
				mu.Unlock()
				if err != nil {
					os.Exit(3)
				}
			}
		}()
	}
	wg.Wait()
	os.Exit(0)
}
