package api

import (
	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/labstack/echo/v4"
)

// MaxBodyBytes is the largest request body accepted (docs/api.md: 1 MiB); a
// larger one is answered 413 payload_too_large.
const MaxBodyBytes = httpx.MaxBodyBytes

const ctxBody = "hwledger.body"

// readBody reads the whole request body (httpx.ReadBody) once and keeps it
// in the context for the decoder and the idempotency hash.
func readBody(c echo.Context) ([]byte, error) {
	if b, ok := c.Get(ctxBody).([]byte); ok {
		return b, nil
	}
	b, err := httpx.ReadBody(c.Response(), c.Request())
	if err != nil {
		return nil, err
	}
	c.Set(ctxBody, b)
	return b, nil
}

// bind decodes the request body strictly into v (a pointer to a struct)
// with httpx.DecodeJSON, the decoder the web UI uses too.
func bind(c echo.Context, v any) error {
	b, err := readBody(c)
	if err != nil {
		return err
	}
	return httpx.DecodeJSON(c.Request().Header.Get(echo.HeaderContentType), b, v)
}
