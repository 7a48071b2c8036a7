package api

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestExportFormatNegotiation holds the Accept rules of every exporting
// route: the best q among the formats the route offers, JSON by default.
func TestExportFormatNegotiation(t *testing.T) {
	const xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	for _, c := range []struct {
		accept string
		offers []string
		want   string
	}{
		{"", []string{"csv", "xlsx"}, "json"},
		{"*/*", []string{"csv"}, "json"},
		{"text/csv", []string{"csv"}, "csv"},
		{"TEXT/CSV; charset=utf-8", []string{"csv"}, "csv"},
		{"application/json, text/csv;q=0.5", []string{"csv"}, "json"},
		{"application/json;q=0.4, text/csv;q=0.5", []string{"csv"}, "csv"},
		{xlsx + ", text/csv;q=0.5", []string{"csv", "xlsx"}, "xlsx"},
		// A route that offers no XLSX falls back to the client's next choice.
		{xlsx + ", text/csv;q=0.5", []string{"csv"}, "csv"},
		{xlsx, []string{"csv"}, "json"},
	} {
		assert.Equal(t, c.want, exportFormat(c.accept, c.offers...), "Accept %q offering %v", c.accept, c.offers)
	}
}
