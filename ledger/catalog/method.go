package catalog

import "strings"

// Method is a utilisation or disposal method code (利用/处置方式).
type Method struct {
	Code    string `json:"code"`    // "R9", "D10", "Y11"
	Name    string `json:"name"`    // Chinese name
	NameEn  string `json:"name_en"` // English name
	Medical bool   `json:"medical"` // a medical-waste method, Y10..Y16
}

var methods = []Method{
	{"R1", "作为燃料（直接燃烧除外）或以其他方式产生能量", "Fuel or other energy recovery", false},
	{"R2", "溶剂回收/再生", "Solvent recovery", false},
	{"R3", "再循环/再利用不是用作溶剂的有机物", "Organics recycling", false},
	{"R4", "再循环/再利用金属和金属化合物", "Metals recycling", false},
	{"R5", "再循环/再利用其他无机物", "Other inorganics recycling", false},
	{"R6", "再生酸或碱", "Acid or base regeneration", false},
	{"R7", "回收污染减除剂的组分", "Recovery of pollution-abatement components", false},
	{"R8", "回收催化剂组分", "Recovery of catalyst components", false},
	{"R9", "废油再提炼或其他废油的再利用", "Used-oil re-refining", false},
	{"R15", "其他利用方式", "Other utilisation", false},
	{"D1", "填埋", "Landfill", false},
	{"D9", "物理化学处理", "Physico-chemical treatment", false},
	{"D10", "焚烧", "Incineration", false},
	{"D16", "其他处置方式", "Other disposal", false},
	{"C1", "水泥窑协同处置", "Cement-kiln co-processing", false},
	{"C2", "生产建筑材料", "Building materials production", false},
	{"C3", "清洗（包装容器）", "Container cleaning", false},
	{"Y10", "医疗废物焚烧", "Medical waste incineration", true},
	{"Y11", "医疗废物高温蒸汽处理", "Medical waste high-temperature steam treatment", true},
	{"Y12", "医疗废物化学消毒处理", "Medical waste chemical disinfection", true},
	{"Y13", "医疗废物微波消毒处理", "Medical waste microwave disinfection", true},
	{"Y16", "医疗废物其他处置方式", "Other medical waste disposal", true},
}

// Methods returns every utilisation and disposal method code: R1-R9, R15,
// D1, D9, D10, D16, C1-C3 and the medical Y10-Y13, Y16, in that order.
func Methods() []Method {
	return append([]Method(nil), methods...)
}

// MethodByCode returns the method with the given code ("D10"; surrounding
// spaces and lower case accepted).
func MethodByCode(code string) (Method, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	for _, m := range methods {
		if m.Code == code {
			return m, true
		}
	}
	return Method{}, false
}

// MedicalMethodAllowed reports whether medical waste may be treated by the
// method: a medical Y-code or D10 incineration. Unknown codes are not allowed.
func MedicalMethodAllowed(code string) bool {
	m, ok := MethodByCode(code)
	return ok && (m.Medical || m.Code == "D10")
}
