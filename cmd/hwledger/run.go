package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"
)

// runUntilSignal runs a long-running command: fn gets a context that ends
// on SIGINT or SIGTERM and a text logger on stderr. It prints fn's error
// as "name: error" and returns the exit code: 0, 2 for a usage error
// (errUsage), 1 for any other.
func runUntilSignal(name string, stderr io.Writer, fn func(ctx context.Context, logger *slog.Logger) error) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if err := fn(ctx, logger); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		if errors.Is(err, errUsage) {
			return 2
		}
		return 1
	}
	return 0
}

// httpServer is an HTTP server: *http.Server, or *api.Server around one.
type httpServer interface {
	Serve(l net.Listener) error
	Shutdown(ctx context.Context) error
}

// serveUntil serves srv on l until ctx ends or serving fails; when ctx
// ends it shuts srv down gracefully, letting in-flight requests finish
// within grace. A server closed by that shutdown is not an error.
func serveUntil(ctx context.Context, srv httpServer, l net.Listener, grace time.Duration, logger *slog.Logger) error {
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(l) }()
	var err error
	select {
	case err = <-serveErr:
	case <-ctx.Done():
		logger.Info("shutting down: finishing in-flight requests")
		sctx, cancel := context.WithTimeout(context.Background(), grace)
		err = srv.Shutdown(sctx)
		cancel()
		if serr := <-serveErr; err == nil {
			err = serr
		}
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
