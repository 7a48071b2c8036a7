// Package httpx holds what the HTTP API (package api) and the web UI
// (package web) must do identically, so that the two cannot drift apart:
//
//   - errors.go: the one map from errors to an HTTP status and an error
//     code, and the error body {"error": {...}};
//   - body.go: reading a request body under the 1 MiB limit and decoding a
//     JSON object strictly, naming the offending field;
//   - idempotency.go: the request hash an Idempotency-Key is bound to;
//   - manifest_steps.go: the manifest steps sent as a JSON body (pickup,
//     handover, positions, deliver, receive, cancel), which the API's routes
//     and the web UI's scan page both run;
//   - csv.go: the CSV writer with the spreadsheet formula guard, and the
//     assessment rows as CSV (the API's and the web's download alike);
//   - sse.go: the Server-Sent Events loop of the alert streams;
//
// Both packages call these functions; neither keeps a copy of its own.
package httpx
