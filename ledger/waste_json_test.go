package ledger

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The registration fast path writes exactly what encoding/json writes.
func TestWasteJSONEqualsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	strs := []string{"", "危废暂存间", "a\"b", `back\slash`, "<tag>&", "tab\there", "顺达汽修", "900-041-49", "\u2028", "x"}
	pick := func() string { return strs[r.IntN(len(strs))] }
	tm := func() time.Time {
		t := time.Date(2020+r.IntN(10), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1e9), time.UTC)
		if r.IntN(4) == 0 {
			t = t.In(time.FixedZone("CST", 8*3600))
		}
		if r.IntN(2) == 0 {
			t = t.Truncate(time.Microsecond)
		}
		return t
	}
	for i := 0; i < 2000; i++ {
		w := WasteRegisteredData{ID: pick(), Label: pick(), Generator: pick(), GeneratorName: pick(), Street: pick(), Code: pick(),
			Category: pick(), CatalogEdition: pick(), Name: pick(), MainComponents: pick(), Form: pick(), Quantity: Grams(r.Int64N(1e9)), Container: ContainerData{pick(), r.IntN(1000), []float64{0, 20, 0.5, r.Float64() * 1e5}[r.IntN(4)]},
			GeneratedAt: tm(), Storage: pick(), Status: pick(), Medical: r.IntN(2) == 0, StorageDeadline: tm(),
			StorageWarnAt: tm(), RegisteredAt: tm(), LastOccurredAt: tm(), Seq: r.Uint64()}
		if r.IntN(2) == 0 {
			w.Identification = &IdentificationData{ReportNumber: pick(), IssuedBy: pick(), IssuedAt: tm()}
		}
		switch r.IntN(3) {
		case 0:
			w.Hazards = []string{}
		case 1:
			for n := r.IntN(4); n > 0; n-- {
				w.Hazards = append(w.Hazards, pick())
			}
		}
		want, err := json.Marshal(w)
		require.NoError(t, err)
		got, ok := w.AppendEventJSON(nil)
		require.True(t, ok)
		require.Equal(t, string(want), string(got))
	}
	_, ok := WasteRegisteredData{GeneratedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}.AppendEventJSON(nil)
	assert.False(t, ok, "a year encoding/json refuses")
}
