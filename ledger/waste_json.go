package ledger

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
)

// AppendEventJSON writes the data of a registration as encoding/json
// would (chain.FastJSON): registration is the event appended most, and
// reflection was a fifth of the writer's time for it. It reports false,
// and encoding/json is used, for a time encoding/json refuses.
// TestWasteJSONEqualsEncodingJSON holds it to json.Marshal.
func (w WasteRegisteredData) AppendEventJSON(b []byte) ([]byte, bool) {
	str := func(name, v string) {
		b = append(b, name...)
		b = chain.AppendJSONString(b, v)
	}
	ok := true
	tm := func(name string, t time.Time) {
		b = append(b, name...)
		var fine bool
		b, fine = chain.AppendJSONTime(b, t)
		ok = ok && fine
	}
	kg, _ := w.Quantity.MarshalJSON()
	str(`{"id":`, w.ID)
	str(`,"label":`, w.Label)
	str(`,"generator":`, w.Generator)
	str(`,"generator_name":`, w.GeneratorName)
	str(`,"street":`, w.Street)
	str(`,"code":`, w.Code)
	str(`,"category":`, w.Category)
	str(`,"catalog_edition":`, w.CatalogEdition)
	str(`,"name":`, w.Name)
	str(`,"main_components":`, w.MainComponents)
	str(`,"form":`, w.Form)
	b = append(b, `,"hazards":`...)
	if w.Hazards == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, h := range w.Hazards {
			if i > 0 {
				b = append(b, ',')
			}
			b = chain.AppendJSONString(b, h)
		}
		b = append(b, ']')
	}
	b = append(append(b, `,"quantity_kg":`...), kg...)
	str(`,"container":{"type":`, w.Container.Type)
	b = strconv.AppendInt(append(b, `,"count":`...), int64(w.Container.Count), 10)
	if v := w.Container.VolumeL; v != 0 {
		fv, err := json.Marshal(v)
		if err != nil {
			return b, false
		}
		b = append(append(b, `,"volume_l":`...), fv...)
	}
	b = append(b, '}')
	tm(`,"generated_at":`, w.GeneratedAt)
	str(`,"storage":`, w.Storage)
	str(`,"status":`, w.Status)
	b = strconv.AppendBool(append(b, `,"medical":`...), w.Medical)
	tm(`,"storage_deadline":`, w.StorageDeadline)
	tm(`,"storage_warn_at":`, w.StorageWarnAt)
	tm(`,"registered_at":`, w.RegisteredAt)
	tm(`,"last_occurred_at":`, w.LastOccurredAt)
	b = strconv.AppendUint(append(b, `,"seq":`...), w.Seq, 10)
	if id := w.Identification; id != nil {
		str(`,"identification":{"report_number":`, id.ReportNumber)
		str(`,"issued_by":`, id.IssuedBy)
		tm(`,"issued_at":`, id.IssuedAt)
		b = append(b, '}')
	}
	return append(b, '}'), ok
}
