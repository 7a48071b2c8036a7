package manifestpdf

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hwledger/hwledger/ledger"
)

// The 联单 is a Chinese form: its words are the form's own.

// parts are the three copies, in print order.
var parts = []struct{ No, Name string }{
	{"第一联", "移出人联"},
	{"第二联", "承运人联"},
	{"第三联", "接受人联"},
}

var statusWords = map[string]string{
	ledger.ManifestSubmitted: "待提货",
	ledger.ManifestInTransit: "运输中",
	ledger.ManifestDelivered: "已送达",
	ledger.ManifestReceived:  "已接收",
	ledger.ManifestClosed:    "已办结",
	ledger.ManifestCancelled: "已取消",
}

var formWords = map[string]string{
	ledger.FormSolid:     "固态",
	ledger.FormSemiSolid: "半固态",
	ledger.FormLiquid:    "液态",
	ledger.FormGas:       "气态",
}

var hazardWords = map[string]string{"T": "毒性", "C": "腐蚀性", "I": "易燃性", "R": "反应性", "In": "感染性"}

var stepWords = map[string]string{
	ledger.EvManifestCreated:  "填写联单",
	ledger.EvManifestPickedUp: "提货起运",
	ledger.EvManifestHandover: "接驳交接",
	ledger.EvManifestDeliver:  "送达",
	ledger.EvManifestReceived: "接收确认",
	ledger.EvManifestCancel:   "取消联单",
	ledger.EvManifestClosed:   "办结",
	ledger.EvWasteDisposed:    "利用处置",
}

// word is the form's word for v in table, else v itself.
func word(table map[string]string, v string) string {
	if w, ok := table[v]; ok {
		return w
	}
	return v
}

// hazards names a batch's hazard characteristics.
func hazards(hs []string) string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = word(hazardWords, h)
	}
	return strings.Join(out, "、")
}

// stepDetail is what a step prints beside its name: the vehicle and
// driver of a custody change, the findings of a receipt, a reason.
func stepDetail(typ string, data json.RawMessage) (string, error) {
	switch typ {
	case ledger.EvManifestPickedUp, ledger.EvManifestHandover:
		var d ledger.CustodyData
		if err := json.Unmarshal(data, &d); err != nil {
			return "", err
		}
		return fmt.Sprintf("车牌 %s · 驾驶员 %s · 扫码 %d 件", d.VehiclePlate, d.Driver, len(d.Labels)), nil
	case ledger.EvManifestReceived:
		var d ledger.ManifestReceivedData
		if err := json.Unmarshal(data, &d); err != nil {
			return "", err
		}
		var ok, refused int
		var kg ledger.Grams
		for _, l := range d.Lines {
			if l.Accepted {
				ok++
				kg += l.Received
			} else {
				refused++
			}
		}
		s := fmt.Sprintf("接收 %d 批 %s kg", ok, kgText(kg))
		if refused > 0 {
			s += fmt.Sprintf(" · 拒收 %d 批", refused)
		}
		return s, nil
	case ledger.EvManifestCancel:
		var d ledger.ManifestCancelledData
		if err := json.Unmarshal(data, &d); err != nil {
			return "", err
		}
		return "原因：" + d.Reason, nil
	}
	return "", nil
}

// kgText writes a quantity in kilograms as the API does (at most 3
// decimals, no trailing zeros).
func kgText(g ledger.Grams) string {
	b, _ := g.MarshalJSON()
	return string(b)
}
