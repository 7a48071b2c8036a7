package ledger

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each failed tag names the field by its JSON path and says the rule.
func TestValidateInputNamesFieldAndRule(t *testing.T) {
	yes := true
	cases := []struct {
		in   any
		want map[string]string
	}{
		{&WasteInput{Form: "powder", Quantity: 0, Container: Container{Count: 0}},
			map[string]string{
				"form":            "must be one of solid, semi_solid, liquid, gas",
				"quantity_kg":     "must be greater than 0",
				"container.type":  "is required",
				"container.count": "must be between 1 and 10000",
				"generated_at":    "is required (RFC 3339 time)",
			}},
		{&WasteInput{Form: FormSolid, Quantity: 100_000_001, Container: Container{Type: "桶", Count: 1}, GeneratedAt: time.Now()},
			map[string]string{"quantity_kg": "must be at most 100000"}},
		{&ReceiveInput{Lines: []ReceiveLine{{WasteID: "a", Accepted: &yes}, {Received: -1, ContainerCount: 10001}}},
			map[string]string{
				"lines[1].waste_id":        "is required",
				"lines[1].received_kg":     "must be at least 0",
				"lines[1].container_count": "must be between 0 and 10000",
				"lines[1].accepted":        "is required (true or false)",
			}},
		{&ManifestInput{WasteIDs: []string{"a", "a"}},
			map[string]string{
				"waste_ids":         "must not list the same value twice",
				"carriers":          "must list at least one",
				"receiver":          "is required",
				"planned_pickup_at": "is required (RFC 3339 time)",
			}},
		{&PositionsInput{Points: []TrackPoint{{Lat: 91, Lon: 0, At: time.Now()}}},
			map[string]string{"points[0].lat": "must be between -90 and 90"}},
		{&PartyInput{Name: "x", Roles: []Role{RoleGenerator, "king"}, Location: &Location{Lat: 0, Lon: 181}},
			map[string]string{
				"roles":        "must each be one of generator, transporter, receiver, inspector, admin, collector",
				"location.lon": "must be between -180 and 180",
			}},
	}
	for _, c := range cases {
		err := ValidateInput(c.in)
		var ve *ValidationError
		require.True(t, errors.As(err, &ve), "%T: %v", c.in, err)
		assert.Equal(t, c.want, ve.Fields, "%T", c.in)
		assertChinese(t, ve)
	}
	var ve *ValidationError
	require.ErrorAs(t, ValidateInput(&WasteInput{Form: "powder", Container: Container{Type: "桶", Count: 0}}), &ve)
	assert.Equal(t, map[string]string{
		"form":            "应为固态、半固态、液态、气态之一",
		"quantity_kg":     "必须大于 0",
		"container.count": "应在 1 到 10000 之间",
		"generated_at":    "必填（日期和时间）",
	}, ve.FieldsZh)
	require.NoError(t, ValidateInput(&AckInput{Note: "已电话督促"}))
}

// A licence checked on its own (PUT /parties/{id}/license) is named as the
// body's "license".
func TestCheckTagsAtPrefixesThePath(t *testing.T) {
	f := fieldErrors{}
	checkTagsAt(f, "license", &License{Number: "n", Codes: []string{"HW08"}, Methods: []string{"D10"}, CapacityTonnes: 1,
		ValidFrom: "2024-01-01", ValidTo: "1 May"})
	assert.Equal(t, fieldErrors{"license.valid_to": {Zh: "应为日期（年-月-日）", En: "must be a date YYYY-MM-DD"}}, f)
}

// assertChinese checks that a validation error names the same fields in
// Chinese, each reason with Chinese text in it.
func assertChinese(t *testing.T, ve *ValidationError) {
	t.Helper()
	require.Len(t, ve.FieldsZh, len(ve.Fields))
	for k, zh := range ve.FieldsZh {
		assert.Contains(t, ve.Fields, k)
		assert.Regexp(t, `\p{Han}`, zh, "the Chinese reason of %s", k)
	}
}
