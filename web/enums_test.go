package web

import (
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFormsOfferTheLedgersEnumerations: the registration form's physical
// forms and the list filters' statuses are the ledger's lists, each
// translated in both languages.
func TestFormsOfferTheLedgersEnumerations(t *testing.T) {
	f := newFixture(t)
	c := client(t)
	signIn(t, f, c, f.tokens["gen"])
	options := func(path, selectStart string) []string {
		t.Helper()
		res, err := c.Get(f.srv.URL + path)
		require.NoError(t, err)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		page := string(b)
		i := strings.Index(page, selectStart)
		require.GreaterOrEqual(t, i, 0, "%s has no %s", path, selectStart)
		sel := page[i : i+strings.Index(page[i:], "</select>")]
		var out []string
		for _, m := range regexp.MustCompile(`<option value="([^"]+)"`).FindAllStringSubmatch(sel, -1) {
			out = append(out, m[1])
		}
		return out
	}
	assert.Equal(t, ledger.WasteForms, options("/wastes/new", `<select name="form"`))
	// A generator's list starts with the batches it holds (value ""), then
	// offers all (value "all") and each status.
	assert.Equal(t, append([]string{"all"}, ledger.WasteStatuses...), options("/wastes", `<select name="status"`))
	assert.Equal(t, ledger.ManifestStatuses, options("/manifests", `<select name="status"`))
	for prefix, list := range map[string][]string{"form.": ledger.WasteForms, "ws.": ledger.WasteStatuses,
		"ms.": ledger.ManifestStatuses, "kind.": ledger.AlertKinds} {
		for _, v := range list {
			if m, ok := messages[prefix+v]; !ok || m[0] == "" || m[1] == "" {
				t.Errorf("message %s%s missing", prefix, v)
			}
		}
	}
}

// TestEveryEventTypeHasAName: the trace and the verification page name
// every event the ledger records, in both languages; the Chinese name is
// Chinese.
func TestEveryEventTypeHasAName(t *testing.T) {
	han := regexp.MustCompile(`\p{Han}`)
	for _, typ := range ledger.EventTypes() {
		m, ok := messages["ev."+typ]
		if !ok || m[1] == "" || !han.MatchString(m[0]) {
			t.Errorf("event type %s has no name in both languages: %q", typ, m)
		}
	}
}
