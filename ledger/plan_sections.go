package ledger

import (
	"fmt"
	"math"
	"strings"

	"github.com/hwledger/hwledger/ledger/catalog"
)

// The sections of a management plan (HJ 1259-2022 Appendix A): A.1 basic
// information, A.2 facilities, A.3 generation, A.4 storage, A.5 own
// utilisation/disposal, A.6 reduction, A.7 transfer. Which a class must
// file: PlanSectionsOf. JSON field names are English; each field's
// heading in the standard is in planFieldHeadings (docs/domain.md lists
// them). Quantities are tonnes (计量单位 t), as the standard asks. Rows of
// a table are numbered by their order (序号).
//
// These types are both the event data of plan.filed and the plan read
// model's sections: a plan is never edited, so what was filed is what is
// read.

// PlanSections is a plan's content, by section.
type PlanSections struct {
	A1 *PlanBasic       `json:"a1,omitempty"`
	A2 []PlanFacility   `json:"a2,omitempty"`
	A3 []PlanGeneration `json:"a3,omitempty"`
	A4 []PlanStorage    `json:"a4,omitempty"`
	A5 []PlanOwnUse     `json:"a5,omitempty"`
	A6 *PlanReduction   `json:"a6,omitempty"`
	A7 []PlanTransfer   `json:"a7,omitempty"`
}

// PlanBasic is A.1 单位基本信息.
type PlanBasic struct {
	UnitName              string   `json:"unit_name"`
	RegisteredAddress     string   `json:"registered_address"`
	SiteAddress           string   `json:"site_address"`
	DivisionCode          string   `json:"division_code"`
	IndustryCategory      string   `json:"industry_category"`
	IndustryCode          string   `json:"industry_code"`
	SiteLon               *float64 `json:"site_lon"`
	SiteLat               *float64 `json:"site_lat"`
	CreditCode            string   `json:"credit_code"`
	ManagementClass       string   `json:"management_class"`
	LegalRepresentative   string   `json:"legal_representative"`
	LegalPhone            string   `json:"legal_phone"`
	TechnicalLead         string   `json:"technical_lead"`
	TechnicalLeadPhone    string   `json:"technical_lead_phone"`
	HasEIA                *bool    `json:"has_eia"`
	EIANumber             string   `json:"eia_number,omitempty"`
	HasDischargePermit    *bool    `json:"has_discharge_permit"`
	DischargePermitNumber string   `json:"discharge_permit_number,omitempty"`
}

// PlanFacility is a row of A.2 设施信息 (key supervision only).
type PlanFacility struct {
	ProductionUnit string          `json:"production_unit"`
	Process        string          `json:"process"`
	FacilityName   string          `json:"facility_name"`
	FacilityCode   string          `json:"facility_code"`
	Parameters     []PlanParameter `json:"parameters,omitempty"`
	Capacity       string          `json:"capacity,omitempty"`
	CapacityUnit   string          `json:"capacity_unit,omitempty"`
	Products       string          `json:"products,omitempty"`
	Materials      string          `json:"materials,omitempty"`
}

// PlanParameter is a pollution-control facility's parameter in A.2.
type PlanParameter struct {
	Name        string `json:"name"`
	DesignValue string `json:"design_value"`
	Unit        string `json:"unit"`
}

// PlanWaste is what A.3, A.4, A.5 and A.7 say of a waste: the trade name
// beside the catalogue's, the code (category, name and hazards come from
// the catalogue), its harmful components and form.
type PlanWaste struct {
	TradeName         string `json:"trade_name,omitempty"`
	Code              string `json:"code"`
	Name              string `json:"name,omitempty"`
	Category          string `json:"category,omitempty"`
	Hazards           string `json:"hazards,omitempty"`
	HarmfulComponents string `json:"harmful_components"`
	Form              string `json:"form"`
}

// PlanGeneration is a row of A.3 危险废物产生情况信息.
type PlanGeneration struct {
	FacilityCode string `json:"facility_code"`
	FacilityName string `json:"facility_name"`
	Stage        string `json:"stage"`
	PlanWaste
	ForecastT *float64 `json:"forecast_t"`
	// 内部治理方式及去向: the facilities the waste goes to on site.
	OwnUseFacility      string   `json:"own_use_facility,omitempty"`
	OwnDisposalFacility string   `json:"own_disposal_facility,omitempty"`
	StorageFacility     string   `json:"storage_facility,omitempty"`
	StorageCapacityT    *float64 `json:"storage_capacity_t,omitempty"`
}

// PlanStorage is a row of A.4 危险废物贮存情况信息.
type PlanStorage struct {
	FacilityCode string `json:"facility_code"`
	FacilityType string `json:"facility_type"`
	PlanWaste
	Packaging     string   `json:"packaging"`
	YearEndStockT *float64 `json:"year_end_stock_t"`
}

// PlanOwnUse is a row of A.5 危险废物自行利用/处置情况信息.
type PlanOwnUse struct {
	FacilityType string `json:"facility_type"`
	FacilityCode string `json:"facility_code"`
	PlanWaste
	Method    string   `json:"method"`
	ForecastT *float64 `json:"forecast_t"`
}

// PlanReduction is A.6 危险废物减量化计划和措施.
type PlanReduction struct {
	Reductions []PlanReductionRow `json:"reductions,omitempty"`
	TotalT     float64            `json:"total_t"`
	HazardPlan string             `json:"hazard_plan"`
	Measures   string             `json:"measures"`
}

// PlanReductionRow is a row of A.6's quantity table.
type PlanReductionRow struct {
	TradeName  string   `json:"trade_name,omitempty"`
	Code       string   `json:"code"`
	Name       string   `json:"name,omitempty"`
	ForecastT  *float64 `json:"forecast_t"`
	ReductionT *float64 `json:"reduction_t"`
}

// PlanTransfer is a row of A.7 危险废物转移情况信息.
type PlanTransfer struct {
	TransferType string `json:"transfer_type"`
	PlanWaste
	ForecastT     *float64 `json:"forecast_t"`
	Method        string   `json:"method"`
	ReceiverType  string   `json:"receiver_type"`
	ReceiverName  string   `json:"receiver_name"`
	LicenseNumber string   `json:"license_number,omitempty"`
}

// Enumerations of the plan's fields.
var (
	// TransferTypes are A.7's 转移类型.
	TransferTypes = []string{"省内转移", "跨省转移", "境外转移"}
	// ReceiverTypes are A.7's 拟接收单位类型: a licence holder, a unit
	// exempted at the utilisation/disposal stage, an overseas facility.
	ReceiverTypes = []string{"危险废物经营许可证持有单位", "危险废物利用处置环节豁免管理单位", "中华人民共和国境外的危险废物利用处置单位"}
	// StorageFacilityTypes are the storage facilities of GB 18597.
	StorageFacilityTypes = []string{"贮存库", "贮存场", "贮存池", "贮存罐区"}
	// OwnUseFacilityTypes are A.5's 设施类型.
	OwnUseFacilityTypes = []string{"自行利用设施", "自行处置设施"}
)

// PlanSectionsOf lists the sections class must file (HJ 1259 5.3).
func PlanSectionsOf(class string) []string {
	switch class {
	case ClassKey:
		return []string{"a1", "a2", "a3", "a4", "a5", "a6", "a7"}
	case ClassSimplified:
		return []string{"a1", "a3", "a4", "a6", "a7"}
	}
	return []string{"a1", "a3", "a7"}
}

// generationForecast is the plan's forecast of the year's generation
// (Σ A.3 本年度预计产生量), in grams.
func (p *PlanSections) generationForecast() Grams {
	var t float64
	for _, r := range p.A3 {
		if r.ForecastT != nil {
			t += *r.ForecastT
		}
	}
	return KgToGrams(t * 1000)
}

// transferForecast is A.7's forecast for code (Σ of its rows) and whether
// A.7 lists the code at all.
func (p *PlanSections) transferForecast(code string) (Grams, bool) {
	var t float64
	listed := false
	for _, r := range p.A7 {
		if r.Code == code {
			listed = true
			if r.ForecastT != nil {
				t += *r.ForecastT
			}
		}
	}
	return KgToGrams(t * 1000), listed
}

// generationRow returns the A.3 row of code (nil: none).
func (p *PlanSections) generationRow(code string) *PlanGeneration {
	for i := range p.A3 {
		if p.A3[i].Code == code {
			return &p.A3[i]
		}
	}
	return nil
}

// storageRow returns the A.4 row of code (nil: none).
func (p *PlanSections) storageRow(code string) *PlanStorage {
	for i := range p.A4 {
		if p.A4[i].Code == code {
			return &p.A4[i]
		}
	}
	return nil
}

// planCheck validates sections for a party of class with credit code,
// naming each field by its path ("sections.a3[0].forecast_t") and its
// heading in the standard, and fills the catalogue's name, category and
// hazards of each code.
type planCheck struct {
	f      fieldErrors
	cat    *catalog.Catalog
	class  string
	credit string
}

const maxPlanText = 500  // a field of a plan
const maxPlanLong = 5000 // A.6's free text
const maxPlanRows = 500  // rows of one table

func (c *planCheck) text(path, heading, v string, required bool, limit int) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && required:
		c.f.add(path, Text{"必填（%s）", "is required (%s)"}, heading)
	case len([]rune(v)) > limit:
		c.f.add(path, Text{"最多 %d 个字符（%s）", "at most %d characters (%s)"}, limit, heading)
	case strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }):
		c.f.add(path, Text{"不能含控制字符（%s）", "must not hold control characters (%s)"}, heading)
	}
	return v
}

func (c *planCheck) tonnes(path, heading string, v *float64, required bool) {
	switch {
	case v == nil:
		if required {
			c.f.add(path, Text{"必填：吨数（%s）", "is required: a number of tonnes (%s)"}, heading)
		}
	case math.IsNaN(*v) || math.IsInf(*v, 0) || *v < 0 || *v > 10_000_000:
		c.f.add(path, Text{"应为 0 至 10,000,000 的吨数（%s）", "must be a number of tonnes from 0 to 10,000,000 (%s)"}, heading)
	}
}

func (c *planCheck) oneOf(path, heading, v string, allowed []string) {
	if !contains(allowed, v) {
		c.f.add(path, Text{"应为 %s 之一（%s）", "must be one of %s (%s)"}, strings.Join(allowed, ", "), heading)
	}
}

// waste checks and fills the waste columns of a row.
func (c *planCheck) waste(path string, w *PlanWaste) {
	w.TradeName = c.text(path+".trade_name", "行业俗称/单位内部名称", w.TradeName, false, maxPlanText)
	code, err := c.cat.Lookup(w.Code)
	if err != nil {
		c.f.put(path+".code", codeProblem(err, w.Code))
	} else {
		w.Code, w.Name, w.Category, w.Hazards = code.Code, code.Name, code.Category, code.HazardText
	}
	w.HarmfulComponents = c.text(path+".harmful_components", "有害成分名称", w.HarmfulComponents, true, maxPlanText)
	c.oneOf(path+".form", "形态", w.Form, WasteForms)
}

func (c *planCheck) rows(path, heading string, n int, required bool) {
	switch {
	case n == 0 && required:
		c.f.add(path, Text{"必填：至少一行（%s）", "is required: at least one row (%s)"}, heading)
	case n > maxPlanRows:
		c.f.add(path, Text{"最多 %d 行（%s）", "at most %d rows (%s)"}, maxPlanRows, heading)
	}
}

// check validates every section: those of the class are required, the
// others may be given.
func (c *planCheck) check(s *PlanSections) {
	need := map[string]bool{}
	for _, k := range PlanSectionsOf(c.class) {
		need[k] = true
	}
	if s.A1 == nil {
		if need["a1"] {
			c.f.add("sections.a1", Text{"必填（A.1 单位基本信息）", "is required (A.1 单位基本信息)"})
		}
	} else {
		c.basic(s.A1)
	}
	c.rows("sections.a2", "A.2 设施信息", len(s.A2), need["a2"])
	for i := range s.A2 {
		r, p := &s.A2[i], fmt.Sprintf("sections.a2[%d]", i)
		r.ProductionUnit = c.text(p+".production_unit", "主要生产单元名称", r.ProductionUnit, true, maxPlanText)
		r.Process = c.text(p+".process", "主要工艺名称", r.Process, true, maxPlanText)
		r.FacilityName = c.text(p+".facility_name", "设施名称", r.FacilityName, true, maxPlanText)
		r.FacilityCode = c.text(p+".facility_code", "设施编码", r.FacilityCode, true, maxPlanText)
		for j := range r.Parameters {
			q := fmt.Sprintf("%s.parameters[%d]", p, j)
			r.Parameters[j].Name = c.text(q+".name", "参数名称", r.Parameters[j].Name, true, maxPlanText)
			r.Parameters[j].DesignValue = c.text(q+".design_value", "设计值", r.Parameters[j].DesignValue, true, maxPlanText)
			r.Parameters[j].Unit = c.text(q+".unit", "计量单位", r.Parameters[j].Unit, false, maxPlanText)
		}
		r.Capacity = c.text(p+".capacity", "生产设施生产能力", r.Capacity, false, maxPlanText)
		r.CapacityUnit = c.text(p+".capacity_unit", "计量单位", r.CapacityUnit, false, maxPlanText)
		r.Products = c.text(p+".products", "产品产量", r.Products, false, maxPlanText)
		r.Materials = c.text(p+".materials", "原辅料", r.Materials, false, maxPlanText)
	}
	c.rows("sections.a3", "A.3 危险废物产生情况信息", len(s.A3), need["a3"])
	for i := range s.A3 {
		r, p := &s.A3[i], fmt.Sprintf("sections.a3[%d]", i)
		r.FacilityCode = c.text(p+".facility_code", "产生危险废物设施编码", r.FacilityCode, true, maxPlanText)
		r.FacilityName = c.text(p+".facility_name", "产生危险废物设施名称", r.FacilityName, true, maxPlanText)
		r.Stage = c.text(p+".stage", "对应产废环节名称", r.Stage, true, maxPlanText)
		c.waste(p, &r.PlanWaste)
		c.tonnes(p+".forecast_t", "本年度预计产生量", r.ForecastT, true)
		r.OwnUseFacility = c.text(p+".own_use_facility", "自行利用设施编码", r.OwnUseFacility, false, maxPlanText)
		r.OwnDisposalFacility = c.text(p+".own_disposal_facility", "自行处置设施编码", r.OwnDisposalFacility, false, maxPlanText)
		r.StorageFacility = c.text(p+".storage_facility", "贮存设施编码", r.StorageFacility, false, maxPlanText)
		c.tonnes(p+".storage_capacity_t", "贮存设施设计能力", r.StorageCapacityT, false)
	}
	c.rows("sections.a4", "A.4 危险废物贮存情况信息", len(s.A4), need["a4"])
	for i := range s.A4 {
		r, p := &s.A4[i], fmt.Sprintf("sections.a4[%d]", i)
		r.FacilityCode = c.text(p+".facility_code", "贮存设施编码", r.FacilityCode, true, maxPlanText)
		c.oneOf(p+".facility_type", "贮存设施类型", r.FacilityType, StorageFacilityTypes)
		c.waste(p, &r.PlanWaste)
		r.Packaging = c.text(p+".packaging", "包装形式", r.Packaging, true, maxPlanText)
		c.tonnes(p+".year_end_stock_t", "本年度预计剩余贮存量", r.YearEndStockT, true)
	}
	c.rows("sections.a5", "A.5 危险废物自行利用/处置情况信息", len(s.A5), false)
	for i := range s.A5 {
		r, p := &s.A5[i], fmt.Sprintf("sections.a5[%d]", i)
		c.oneOf(p+".facility_type", "设施类型", r.FacilityType, OwnUseFacilityTypes)
		r.FacilityCode = c.text(p+".facility_code", "设施编码", r.FacilityCode, true, maxPlanText)
		c.waste(p, &r.PlanWaste)
		r.Method = c.method(p+".method", "自行利用/处置方式代码", r.Method)
		c.tonnes(p+".forecast_t", "本年度预计自行利用/处置量", r.ForecastT, true)
	}
	if s.A6 == nil {
		if need["a6"] {
			c.f.add("sections.a6", Text{"必填（A.6 危险废物减量化计划和措施）", "is required (A.6 危险废物减量化计划和措施)"})
		}
	} else {
		c.reduction(s.A6)
	}
	c.rows("sections.a7", "A.7 危险废物转移情况信息", len(s.A7), need["a7"])
	for i := range s.A7 {
		r, p := &s.A7[i], fmt.Sprintf("sections.a7[%d]", i)
		c.oneOf(p+".transfer_type", "转移类型", r.TransferType, TransferTypes)
		c.waste(p, &r.PlanWaste)
		c.tonnes(p+".forecast_t", "本年度预计转移量", r.ForecastT, true)
		r.Method = c.method(p+".method", "利用/处置方式代码", r.Method)
		c.oneOf(p+".receiver_type", "拟接收单位类型", r.ReceiverType, ReceiverTypes)
		r.ReceiverName = c.text(p+".receiver_name", "接收单位名称", r.ReceiverName, true, maxPlanText)
		r.LicenseNumber = c.text(p+".license_number", "许可证编码", r.LicenseNumber, r.ReceiverType == ReceiverTypes[0], maxPlanText)
	}
}

func (c *planCheck) method(path, heading, v string) string {
	m, ok := catalog.MethodByCode(v)
	if !ok {
		c.f.add(path, Text{"应为利用处置方式代码，如 R9、D10、C1（%s）", "must be a method code such as R9, D10 or C1 (%s)"}, heading)
		return v
	}
	return m.Code
}

func (c *planCheck) basic(b *PlanBasic) {
	p := "sections.a1"
	b.UnitName = c.text(p+".unit_name", "单位名称", b.UnitName, true, maxPlanText)
	b.RegisteredAddress = c.text(p+".registered_address", "注册地址", b.RegisteredAddress, true, maxPlanText)
	b.SiteAddress = c.text(p+".site_address", "生产经营场所地址", b.SiteAddress, true, maxPlanText)
	b.DivisionCode = c.text(p+".division_code", "行政区划", b.DivisionCode, true, maxPlanText)
	b.IndustryCategory = c.text(p+".industry_category", "行业类别", b.IndustryCategory, true, maxPlanText)
	b.IndustryCode = c.text(p+".industry_code", "行业代码", b.IndustryCode, true, maxPlanText)
	switch {
	case b.SiteLon == nil:
		c.f.add(p+".site_lon", Text{"必填：东经度数（生产经营场所中心经度）", "is required: degrees east (生产经营场所中心经度)"})
	case *b.SiteLon < -180 || *b.SiteLon > 180:
		c.f.add(p+".site_lon", Text{"应在 -180 至 180 之间（生产经营场所中心经度）", "must be between -180 and 180 (生产经营场所中心经度)"})
	}
	switch {
	case b.SiteLat == nil:
		c.f.add(p+".site_lat", Text{"必填：北纬度数（生产经营场所中心纬度）", "is required: degrees north (生产经营场所中心纬度)"})
	case *b.SiteLat < -90 || *b.SiteLat > 90:
		c.f.add(p+".site_lat", Text{"应在 -90 至 90 之间（生产经营场所中心纬度）", "must be between -90 and 90 (生产经营场所中心纬度)"})
	}
	if b.CreditCode = strings.ToUpper(strings.TrimSpace(b.CreditCode)); b.CreditCode != c.credit {
		c.f.add(p+".credit_code", Text{"应为本单位的统一社会信用代码 %s", "must be the party's credit code %s (统一社会信用代码)"}, c.credit)
	}
	if b.ManagementClass != c.class {
		c.f.add(p+".management_class", Text{"应为本单位现行管理类别 %s（管理类别）", "must be the party's management class in force, %s (管理类别)"}, c.class)
	}
	b.LegalRepresentative = c.text(p+".legal_representative", "法定代表人", b.LegalRepresentative, true, maxPlanText)
	b.LegalPhone = c.text(p+".legal_phone", "联系电话", b.LegalPhone, true, maxPlanText)
	b.TechnicalLead = c.text(p+".technical_lead", "危险废物环境管理技术负责人", b.TechnicalLead, true, maxPlanText)
	b.TechnicalLeadPhone = c.text(p+".technical_lead_phone", "联系电话", b.TechnicalLeadPhone, true, maxPlanText)
	if b.HasEIA == nil {
		c.f.add(p+".has_eia", Text{"必填：是或否（是否有环境影响评价审批文件）", "is required: true or false (是否有环境影响评价审批文件)"})
	}
	b.EIANumber = c.text(p+".eia_number", "环境影响评价审批文件文号或备案编号", b.EIANumber, b.HasEIA != nil && *b.HasEIA, maxPlanText)
	if b.HasDischargePermit == nil {
		c.f.add(p+".has_discharge_permit", Text{"必填：是或否（是否有排污许可证或是否进行排污登记）", "is required: true or false (是否有排污许可证或是否进行排污登记)"})
	}
	b.DischargePermitNumber = c.text(p+".discharge_permit_number", "排污许可证证书编号或排污登记表编号", b.DischargePermitNumber,
		b.HasDischargePermit != nil && *b.HasDischargePermit, maxPlanText)
}

func (c *planCheck) reduction(r *PlanReduction) {
	p := "sections.a6"
	c.rows(p+".reductions", "减少危险废物产生量的计划", len(r.Reductions), false)
	r.TotalT = 0
	for i := range r.Reductions {
		x, q := &r.Reductions[i], fmt.Sprintf("%s.reductions[%d]", p, i)
		x.TradeName = c.text(q+".trade_name", "行业俗称/单位内部名称", x.TradeName, false, maxPlanText)
		if code, err := c.cat.Lookup(x.Code); err != nil {
			c.f.put(q+".code", codeProblem(err, x.Code))
		} else {
			x.Code, x.Name = code.Code, code.Name
		}
		c.tonnes(q+".forecast_t", "本年度预计产生量", x.ForecastT, true)
		c.tonnes(q+".reduction_t", "预计减少量", x.ReductionT, true)
		if x.ReductionT != nil {
			r.TotalT += *x.ReductionT
		}
	}
	r.HazardPlan = c.text(p+".hazard_plan", "减低危险废物危害性的计划", r.HazardPlan, true, maxPlanLong)
	r.Measures = c.text(p+".measures", "减少危险废物产生量和降低危害性的措施", r.Measures, true, maxPlanLong)
}
