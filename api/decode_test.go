package api

import (
	"errors"
	"testing"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
)

// FuzzDecode feeds arbitrary bytes to the strict decoder of every request
// body type: it must never panic, and every failure must be a 400
// validation_failed naming a field.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"code":"900-214-08","quantity_kg":1.5,"container":{"type":"桶","count":1},"generated_at":"2026-03-01T00:00:00Z"}`,
		`{"lines":[{"waste_id":"x","received_kg":1,"accepted":true}]}`,
		`{"points":[{"lat":1,"lon":2,"at":"2026-03-01T00:00:00Z"}]}`,
		`{"labels":["a"],"location":{"lat":1,"lon":1}}`, `{"quantity_kg":1.2345}`, `{"x":1}`, `[]`, `null`, `{`, `{"a":}`,
		`{"roles":["generator"],"license":{"codes":[1]}}`, `{"advance":"49h"}`,
	} {
		f.Add([]byte(s))
	}
	targets := []func() any{
		func() any { return &ledger.WasteInput{} }, func() any { return &ledger.ManifestInput{} },
		func() any { return &ledger.CustodyInput{} }, func() any { return &ledger.PositionsInput{} },
		func() any { return &ledger.ReceiveInput{} }, func() any { return &ledger.DisposeInput{} },
		func() any { return &ledger.PartyInput{} }, func() any { return &ledger.License{} },
		func() any { return &ledger.WasteCorrection{} }, func() any { return &ledger.AckInput{} },
		func() any { return &ledger.CancelInput{} }, func() any { return &ClockRequest{} },
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, mk := range targets {
			err := httpx.DecodeStrict(b, mk())
			if err == nil {
				continue
			}
			var ae *httpx.Error
			if !errors.As(err, &ae) || ae.Code != CodeValidation || ae.Status != 400 || len(ae.Fields) != 1 {
				t.Fatalf("decode %q: %#v", b, err)
			}
		}
	})
}
