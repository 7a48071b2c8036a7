package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/labstack/echo/v4"
)

// Exports: the CSV and XLSX answers of the routes that offer them, chosen
// by the Accept header and streamed.

// exportFormat is the format the Accept header prefers among those a route
// offers ("csv", "xlsx"; "json" is always offered and is the default).
func exportFormat(accept string, offers ...string) string {
	best, bestQ := "json", -1.0
	for _, part := range strings.Split(accept, ",") {
		fields := strings.Split(strings.TrimSpace(part), ";")
		typ := strings.ToLower(strings.TrimSpace(fields[0]))
		q := 1.0
		for _, f := range fields[1:] {
			if v, ok := strings.CutPrefix(strings.TrimSpace(f), "q="); ok {
				if x, err := strconv.ParseFloat(v, 64); err == nil {
					q = x
				}
			}
		}
		name := map[string]string{"text/csv": "csv", httpx.XLSXType: "xlsx", "application/json": "json"}[typ]
		if name != "" && (name == "json" || slices.Contains(offers, name)) && q > bestQ {
			best, bestQ = name, q
		}
	}
	return best
}

// lazyBody is a response body whose status and headers are written with
// its first byte: an error before any output still answers JSON.
type lazyBody struct {
	c           echo.Context
	ctype, name string
	started     bool
}

func (b *lazyBody) Write(p []byte) (int, error) {
	if !b.started {
		b.started = true
		h := b.c.Response().Header()
		h.Set(echo.HeaderContentType, b.ctype)
		h.Set("Content-Disposition", `attachment; filename="`+b.name+`"`)
		b.c.Response().WriteHeader(http.StatusOK)
	}
	return b.c.Response().Write(p)
}

// export answers sheets as CSV (the first sheet) or XLSX, streamed.
func export(c echo.Context, format, base string, sheets []httpx.Sheet) error {
	if format == "csv" {
		body := &lazyBody{c: c, ctype: "text/csv; charset=utf-8", name: base + ".csv"}
		if err := httpx.WriteCSVTable(body, sheets[0]); err != nil && !body.started {
			return err
		}
		return nil
	}
	body := &lazyBody{c: c, ctype: httpx.XLSXType, name: base + ".xlsx"}
	if err := httpx.WriteXLSX(body, sheets); err != nil && !body.started {
		return err
	}
	return nil
}
