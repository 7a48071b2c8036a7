package main

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// lockedBuffer is an io.Writer safe for the server goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// inProcess is runServe running in the test process.
type inProcess struct {
	url    string // http(s)://host:port
	out    *lockedBuffer
	logs   *lockedBuffer
	cancel context.CancelFunc
	done   chan error
}

// serveInProcess runs runServe(o) until the test ends or stop is called;
// it returns once the server listens. o.addr defaults to a free loopback
// port.
func serveInProcess(t *testing.T, o serveOptions) *inProcess {
	t.Helper()
	if o.addr == "" {
		o.addr = "127.0.0.1:0"
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &inProcess{out: &lockedBuffer{}, logs: &lockedBuffer{}, cancel: cancel, done: make(chan error, 1)}
	addr := make(chan string, 1)
	o.ready = func(a string) { addr <- a }
	go func() {
		p.done <- runServe(ctx, o, p.out, slog.New(slog.NewTextHandler(p.logs, nil)))
	}()
	select {
	case a := <-addr:
		p.url = "http://" + a
		if o.tlsCert != "" {
			p.url = "https://" + a
		}
	case err := <-p.done:
		cancel()
		t.Fatalf("serve: %v\n%s", err, p.out.String())
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("serve did not start")
	}
	t.Cleanup(func() {
		cancel()
		<-p.done
	})
	return p
}

// stop shuts the server down gracefully and requires a clean exit.
func (p *inProcess) stop(t *testing.T) {
	t.Helper()
	p.cancel()
	err := <-p.done
	p.done <- err // for the cleanup
	require.NoError(t, err, p.out.String())
}
