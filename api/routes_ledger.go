package api

import (
	"bufio"
	"net/http"
	"strconv"

	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// InclusionAnswer is GET /ledger/proof/inclusion: RFC 6962 hashes, base64.
type InclusionAnswer struct {
	Index  uint64   `json:"index"`
	Size   uint64   `json:"size"`
	Hashes [][]byte `json:"hashes"`
}

// ConsistencyAnswer is GET /ledger/proof/consistency: RFC 6962 hashes, base64.
type ConsistencyAnswer struct {
	From   uint64   `json:"from"`
	To     uint64   `json:"to"`
	Hashes [][]byte `json:"hashes"`
}

// Limits of GET /ledger/events.
const (
	defaultEventsLimit = 1000
	maxEventsLimit     = 100000
)

var seesEvents = []ledger.Role{ledger.RoleInspector, ledger.RoleAdmin}

func (s *Server) ledgerRoutes() []route {
	return []route{
		{method: http.MethodGet, path: "/ledger/checkpoint", public: true, handler: s.checkpoint},
		{method: http.MethodGet, path: "/ledger/key", public: true, handler: s.verifierKey},
		{method: http.MethodGet, path: "/ledger/events", roles: seesEvents, handler: s.events},
		{method: http.MethodGet, path: "/ledger/proof/inclusion", public: true, handler: s.inclusion},
		{method: http.MethodGet, path: "/ledger/proof/consistency", public: true, handler: s.consistency},
	}
}

// servedCheckpoint is the checkpoint GET /ledger/checkpoint and
// GET /tlog/checkpoint answer: the latest, or with witnesses the newest
// that the policy's number of witnesses have cosigned, their cosignature
// lines after the ledger's signature (see witness.Collector.Checkpoint).
func (s *Server) servedCheckpoint() ([]byte, error) {
	if s.cfg.Witnesses != nil {
		cp, _, err := s.cfg.Witnesses.Checkpoint()
		return cp, err
	}
	return s.svc.Log().Checkpoint()
}

func (s *Server) checkpoint(c echo.Context) error {
	cp, err := s.servedCheckpoint()
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", cp)
}

func (s *Server) verifierKey(c echo.Context) error {
	return c.String(http.StatusOK, s.svc.Log().Key().VerifierKey+"\n")
}

func (s *Server) events(c echo.Context) error {
	var from uint64
	if c.QueryParam("from") != "" {
		n, err := uintQuery(c, "from")
		if err != nil {
			return err
		}
		from = n
	}
	limit := defaultEventsLimit
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxEventsLimit {
			return badRequest("limit", "must be an integer from 1 to %d", maxEventsLimit)
		}
		limit = n
	}
	log := s.svc.Log()
	size := log.Size()
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "application/x-ndjson")
	w.Header().Set("X-Ledger-Size", strconv.FormatUint(size, 10))
	w.WriteHeader(http.StatusOK)
	if from >= size {
		return nil
	}
	if uint64(limit) > size-from {
		limit = int(size - from)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	err := log.Events(from, limit, func(_ uint64, b []byte) error {
		if _, err := bw.Write(b); err != nil {
			return err
		}
		return bw.WriteByte('\n')
	})
	if err != nil {
		// The status line is gone: cut the stream short so the client sees
		// a truncated answer rather than a silently short one.
		s.log.Error("streaming events", "err", err)
		panic(http.ErrAbortHandler)
	}
	return bw.Flush()
}

func (s *Server) inclusion(c echo.Context) error {
	index, err := uintQuery(c, "index")
	if err != nil {
		return err
	}
	size, err := uintQuery(c, "size")
	if err != nil {
		return err
	}
	h, err := s.svc.Log().InclusionProof(index, size)
	if err != nil {
		return err
	}
	if h == nil {
		h = [][]byte{}
	}
	return ok(c, InclusionAnswer{Index: index, Size: size, Hashes: h})
}

func (s *Server) consistency(c echo.Context) error {
	from, err := uintQuery(c, "from")
	if err != nil {
		return err
	}
	to, err := uintQuery(c, "to")
	if err != nil {
		return err
	}
	h, err := s.svc.Log().ConsistencyProof(from, to)
	if err != nil {
		return err
	}
	if h == nil {
		h = [][]byte{}
	}
	return ok(c, ConsistencyAnswer{From: from, To: to, Hashes: h})
}
