package ledger

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// DGClasses are the dangerous-goods classes and divisions of GB 6944-2012
// a manifest line may name.
var DGClasses = []string{"1", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2", "2.1", "2.2", "2.3", "3",
	"4.1", "4.2", "4.3", "5.1", "5.2", "6.1", "6.2", "7", "8", "9"}

// unNumber is a UN number as GB 12268 lists it: UN and four digits.
var unNumber = regexp.MustCompile(`^UN[0-9]{4}$`)

// checkManifestLines normalises and checks what a manifest declares of
// its batches: each line names a batch of waste_ids once, a class of
// GB 6944 and a UN number, both or neither.
func checkManifestLines(f fieldErrors, in *ManifestInput) {
	in.EmergencyMeasures = strings.TrimSpace(in.EmergencyMeasures)
	seen := map[string]bool{}
	for i := range in.DangerousGoods {
		l := &in.DangerousGoods[i]
		field := fmt.Sprintf("dangerous_goods[%d]", i)
		l.WasteID = strings.TrimSpace(l.WasteID)
		l.DGClass = strings.TrimSpace(l.DGClass)
		l.UNNumber = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(l.UNNumber), " ", ""))
		switch {
		case l.WasteID == "":
		case !slices.Contains(in.WasteIDs, l.WasteID):
			f.add(field+".waste_id", Text{"应为 waste_ids 中的一个批次", "must be one of waste_ids"})
		case seen[l.WasteID]:
			f.add(field+".waste_id", Text{"每个批次只能有一行", "must name each batch once"})
		}
		seen[l.WasteID] = true
		if l.DGClass != "" && !slices.Contains(DGClasses, l.DGClass) {
			f.add(field+".dg_class", Text{"应为 GB 6944 的危险货物类别或项别，如 3、6.1、8、9", "must be a class or division of GB 6944, such as 3, 6.1, 8 or 9"})
		}
		if l.UNNumber != "" && !unNumber.MatchString(l.UNNumber) {
			f.add(field+".un_number", Text{"应为 UN 加 4 位数字，如 UN1203", "must be UN and 4 digits, such as UN1203"})
		}
		switch {
		case l.DGClass == "" && l.UNNumber != "":
			f.add(field+".dg_class", Text{"填写联合国编号时必须填写危险货物类别", "is required with un_number"})
		case l.DGClass != "" && l.UNNumber == "":
			f.add(field+".un_number", Text{"填写危险货物类别时必须填写联合国编号", "is required with dg_class"})
		}
	}
}

// dangerousGoods is what in's dangerous_goods lines declare, as event data, in the order
// of the lines (nil when none declares anything).
func dangerousGoods(in *ManifestInput) []DangerousGoodsData {
	var out []DangerousGoodsData
	for _, l := range in.DangerousGoods {
		if l.DGClass != "" || l.UNNumber != "" {
			out = append(out, DangerousGoodsData(l))
		}
	}
	return out
}
