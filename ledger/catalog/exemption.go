package catalog

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The stages of a waste's management an exemption may apply to (豁免环节).
const (
	StageAll         = "all"         // 全部环节: the whole process
	StageCollection  = "collection"  // 收集
	StageTransport   = "transport"   // 运输
	StageUtilisation = "utilisation" // 利用
	StageDisposal    = "disposal"    // 处置
)

var stageNames = map[string]string{
	"全部环节": StageAll, "收集": StageCollection, "运输": StageTransport, "利用": StageUtilisation, "处置": StageDisposal,
}

// Exemption is one row of the exemption list (危险废物豁免管理清单): for the
// waste it describes, at the given stage, when the condition holds, the
// effect applies (e.g. "不按危险废物进行运输。": it is not transported as
// hazardous waste). One numbered item may have several rows.
type Exemption struct {
	Item int `json:"item"` // the item's number in the list, 1..32
	// AppliesTo is the list's "category_or_code" column as printed: a code,
	// several codes joined by ";", a category ("HW01"), a plain-language
	// group ("生活垃圾中的危险废物") or "-".
	AppliesTo string   `json:"applies_to"`
	Codes     []string `json:"codes,omitempty"`    // the codes AppliesTo names, canonical
	Category  string   `json:"category,omitempty"` // the category AppliesTo names
	Waste     string   `json:"waste"`              // the waste, as printed
	Stage     string   `json:"stage"`              // 豁免环节 as printed: 全部环节, 收集, 运输, 利用, 处置, 利用、处置
	// Stages is Stage parsed: one or more of StageAll, StageCollection,
	// StageTransport, StageUtilisation, StageDisposal.
	Stages    []string `json:"stages"`
	Condition string   `json:"condition"` // 豁免条件
	Effect    string   `json:"effect"`    // 豁免内容
	Edition   string   `json:"edition"`   // the edition of the list the row comes from
}

func (e Exemption) clone() Exemption {
	e.Codes, e.Stages = slices.Clone(e.Codes), slices.Clone(e.Stages)
	return e
}

// names reports whether the row names the code or the code's category.
func (e Exemption) names(code, category string) bool {
	return e.Category == category || slices.Contains(e.Codes, code)
}

// exemptionColumns are the columns of an exemption list file, in order.
var exemptionColumns = []string{"no", "category_or_code", "waste", "exempt_stage", "condition", "exemption"}

// parseExemption reads one row of an exemption list file.
func parseExemption(f []string, edition string) (Exemption, error) {
	no, err := strconv.Atoi(f[0])
	if err != nil || no < 1 {
		return Exemption{}, fmt.Errorf("no %q: want the item number, 1 or more", f[0])
	}
	e := Exemption{Item: no, AppliesTo: f[1], Waste: f[2], Stage: f[3], Condition: f[4], Effect: f[5], Edition: edition}
	for i, name := range exemptionColumns {
		if f[i] == "" {
			return Exemption{}, fmt.Errorf("%s is empty", name)
		}
	}
	switch {
	case IsCategoryID(e.AppliesTo):
		e.Category = e.AppliesTo
	case strings.ContainsAny(e.AppliesTo, "0123456789"):
		for _, c := range strings.Split(e.AppliesTo, ";") {
			n, err := Normalize(c)
			if err != nil {
				return Exemption{}, fmt.Errorf("category_or_code %q: %w", e.AppliesTo, err)
			}
			e.Codes = append(e.Codes, n)
		}
	}
	for _, s := range strings.Split(e.Stage, "、") {
		st, ok := stageNames[s]
		if !ok {
			return Exemption{}, fmt.Errorf("exempt_stage %q: want 全部环节, 收集, 运输, 利用 or 处置 (several joined by 、)", e.Stage)
		}
		e.Stages = append(e.Stages, st)
	}
	return e, nil
}
