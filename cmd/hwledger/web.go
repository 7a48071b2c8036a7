package main

import (
	"github.com/hwledger/hwledger/api"
	"github.com/hwledger/hwledger/web"
	"github.com/labstack/echo/v4"
)

// The web UI is served by the same binary: every path the API does not
// claim goes to it.
func init() {
	mountWeb = func(e *echo.Echo, m api.Mount) {
		ui, err := web.New(m.Service, web.Options{Logger: m.Logger, Done: m.Done, Witnesses: m.Witnesses, Secure: m.Secure, PDFFont: m.PDFFont})
		if err != nil {
			m.Logger.Error("web UI not available", "err", err)
			return
		}
		e.Any("/*", echo.WrapHandler(ui))
		e.Any("/", echo.WrapHandler(ui))
	}
}
