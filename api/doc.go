// Package api is hwledger's HTTP interface: an Echo server exposing every
// route of docs/api.md under /api/v1, plus GET /healthz, GET /metrics and
// GET /api/v1/openapi.json.
//
// # Contracts
//
//   - Every route is registered from the route table (routes*.go) and
//     documented in api/openapi.yaml (served as JSON). openapi_test.go holds
//     the two together: the same routes as Echo's own list, the same roles
//     (x-roles) and public routes, the ledger's enumerations. Every request
//     and answer of the HTTP tests is checked against the document
//     (package apitest); `make openapi-lint` runs Redocly's rules over it.
//   - Exactly one place chooses status codes: httpx.Problem
//     (internal/httpx/errors.go), called by the HTTPErrorHandler in
//     errors.go and by the web UI. Handlers return errors from package ledger
//     (or *httpx.Error for transport problems) and never write error answers
//     themselves.
//   - JSON bodies are decoded strictly (decode.go): unknown fields, wrong
//     types, trailing data and malformed JSON are 400 validation_failed with
//     the offending field named in "fields". Bodies over 1 MiB are 413
//     payload_too_large. A refused request appends nothing to the ledger.
//   - Authentication (auth.go): "Authorization: Bearer <token>" resolved by
//     ledger.Service.Authenticate. Each route declares the roles it needs;
//     the Service additionally checks scope and answers ErrNotFound (404) for
//     resources the caller may not see.
//   - Idempotency (idempotency.go): every state-changing request may carry
//     "Idempotency-Key" (at most 100 characters); the key and
//     SHA-256(method, path, body) are passed to the Service with
//     ledger.WithIdempotency, which replays the first answer or reports
//     ErrConflict (409 conflict) for the same key with another request.
//   - Every request runs under a deadline (Config.RequestTimeout, default
//     30 s); the SSE stream is exempt and ends on Shutdown.
//
// # Mounting the web UI
//
// The web UI (package web) is mounted by setting Config.Web:
//
//	api.New(api.Config{Service: svc, Web: func(e *echo.Echo, m api.Mount) { ... }})
//
// Web is called once, after every API route is registered, with the Echo
// instance and a Mount value giving the web code the helpers it needs
// (Mount.Authenticate resolves a bearer token or cookie value to a
// ledger.Principal). The web UI may register any path except /api/...,
// /healthz and /metrics. Its routes get the server's request logging,
// metrics, body limit and error handler; an error it returns from a handler
// is rendered by the API error mapper as JSON unless the web code handles
// it itself (e.g. with its own error page) before returning.
package api
