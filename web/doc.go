// Package web is hwledger's browser UI: server-rendered pages (html/template
// from an embed.FS) for the people who use the ledger — a clinic's nurse or
// a paint shop's foreman (generator), a truck driver with a phone (carrier),
// a facility's weighbridge clerk (receiver) and a bureau inspector.
// Simplified Chinese is the default language; "?lang=en" switches to
// English and remembers the choice in the "lang" cookie.
//
// Pages call the [ledger.Service] in-process. Nothing is fetched from the
// internet: CSS, JavaScript (including the vendored jsQR decoder) and the
// label QR codes are embedded or rendered by the server.
//
// # Mounting
//
// [New] returns a [Handler], an http.Handler for every path outside /api/
// (the HTTP API keeps /api/, /healthz and /metrics). With a plain mux:
//
//	ui, err := web.New(svc, web.Options{})
//	mux := http.NewServeMux()
//	mux.Handle("/api/", apiHandler)
//	mux.Handle("/", ui)
//
// With Echo v4, route everything the API does not claim to the UI:
//
//	e.Any("/*", echo.WrapHandler(ui))
//
// Echo matches its static API routes first, so /api/v1/... never reaches
// the UI. If the server sets a WriteTimeout, exempt /ui/alerts/stream (a
// Server-Sent Events stream) or alerts stop after the timeout.
//
// # Security
//
// Sign-in takes a party's API token. The token is kept only in server
// memory, keyed by a random session id held in an HttpOnly, SameSite=Strict
// cookie (Secure when [Options.Secure]); it never appears in a page.
// Every request re-authenticates the token, so a revoked token signs the
// session out. Every POST needs the session's CSRF token (form field
// "csrf" or header "X-CSRF-Token"), else 403. Responses carry a strict
// Content-Security-Policy (no inline script or style), X-Frame-Options DENY,
// nosniff, no-referrer and a Permissions-Policy that allows only this
// origin's camera and geolocation.
//
// The carrier's scan page works offline: scans are queued in localStorage
// and sent later to this package's same-origin JSON endpoints
// (POST /ui/api/manifests/{id}/{pickup|handover|deliver|positions}) with
// their occurred_at and an Idempotency-Key, so a retried scan is recorded
// once. Those endpoints use the session and the CSRF header, not a bearer
// token, so the token never reaches JavaScript. Otherwise they are the
// API's POST /api/v1/manifests/{id}/{step} (internal/httpx.ManifestStep):
// the same decoding, answers, error bodies and idempotency hash, so a scan
// resent through the API is a replay.
package web
