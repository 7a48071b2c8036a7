package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// startListening runs the hwledger binary with args and env added to the
// environment, and waits for the stdout line "<prefix><url> ...". It
// returns the process and the url; the process is killed at the end of
// the test unless it was waited for.
func startListening(t *testing.T, prefix string, env []string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(hwledgerBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = io.Discard
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), prefix); ok {
				urlc <- strings.Fields(rest)[0]
			}
		}
	}()
	select {
	case u := <-urlc:
		return cmd, u
	case <-time.After(60 * time.Second):
		t.Fatalf("%s: no line %q within a minute", args[0], prefix)
	}
	return nil, ""
}
