package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/labstack/echo/v4"
	"golang.org/x/mod/sumdb/tlog"
)

// The ledger as C2SP tlog-tiles, read-only and public, from the same
// store: the tile prefix is <server>/api/v1/tlog. Hash tiles and entry
// bundles are read from stored tree nodes and events (chain.Log.Tile,
// chain.Log.EntryBundle).

// Cache lifetimes of tile answers. A full tile never changes; a partial
// tile of a given width does not either, but the log may stop serving it
// once the full tile exists, so it is cached for a short while only. The
// checkpoint changes with every commit.
const (
	cacheFullTile    = "public, max-age=31536000, immutable"
	cachePartialTile = "public, max-age=300"
	cacheCheckpoint  = "public, max-age=2"
)

func (s *Server) tlogRoutes() []route {
	return []route{
		{method: http.MethodGet, path: "/tlog/checkpoint", public: true, handler: s.tlogCheckpoint},
		{method: http.MethodGet, path: "/tlog/tile/*", public: true, handler: s.tlogTile},
	}
}

func (s *Server) tlogCheckpoint(c echo.Context) error {
	cp, err := s.servedCheckpoint()
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, cacheCheckpoint)
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", cp)
}

// tlogTile answers a hash tile or an entry bundle. The path is parsed with
// golang.org/x/mod/sumdb/tlog, whose tile paths are tlog-tiles paths with
// a "tile/<H>/" prefix ("data" for entries).
func (s *Server) tlogTile(c echo.Context) error {
	rest := c.Param("*")
	sumdbPath := "tile/8/" + rest
	r, entries := strings.CutPrefix(rest, "entries/")
	if entries {
		sumdbPath = "tile/8/data/" + r
	}
	t, err := tlog.ParseTilePath(sumdbPath)
	if err != nil || t.L > chain.MaxTileLevel || (t.L == -1) != entries {
		return badRequest("path", "is not a C2SP tlog-tiles path <L>/<N>[.p/<W>] or entries/<N>[.p/<W>] with L ≤ 63")
	}
	log := s.svc.Log()
	var b []byte
	if t.L == -1 {
		b, err = log.EntryBundle(uint64(t.N), t.W)
	} else {
		b, err = log.Tile(uint(t.L), uint64(t.N), t.W)
	}
	if errors.Is(err, chain.ErrEntryTooLong) {
		s.log.Error("an event does not fit a tlog-tiles entry bundle", "err", err)
	}
	if err != nil {
		return err
	}
	cache := cachePartialTile
	if t.W == chain.TileWidth {
		cache = cacheFullTile
	}
	c.Response().Header().Set(echo.HeaderCacheControl, cache)
	return c.Blob(http.StatusOK, "application/octet-stream", b)
}
