package chain

// Seal makes the log refuse every command from now on: Submit, and every
// command already queued, answers err; nothing more is appended. A batch
// whose commit had already started when Seal was called completes (its
// commands were run before the seal) and Seal returns once it is durable
// and published, so Size is final when Seal returns. The first Seal's err
// stays; Seal is safe to call from any goroutine, more than once.
func (l *Log) Seal(err error) {
	l.sealed.CompareAndSwap(nil, &err)
	if l.opts.ReadOnly {
		return // no writer
	}
	// A barrier through the queue: the writer answers it only after the
	// batch in flight is finished.
	req := &request{done: make(chan result, 1)}
	select {
	case <-l.stop:
		return
	case l.queue <- req:
	}
	<-req.done
}

// Sealed returns the error Seal was called with, or nil.
func (l *Log) Sealed() error {
	if p := l.sealed.Load(); p != nil {
		return *p
	}
	return nil
}
