package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/hwledger/hwledger/ledger"
)

// The plan form: A.1 prefilled from the party, one row per waste (A.3 and
// A.7 together; A.4 from the storage fields for the classes that file
// it), A.6's two texts and A.2's main facility for key supervision.

// planRows is how many waste rows the form offers.
const planRows = 5

type planRow struct {
	Code, Trade, Components, Form, Forecast, Method, Receiver, License string
}

type planForm struct {
	Year                                  string
	Division, Industry, IndustryCode      string
	Legal, LegalPhone, Lead, LeadPhone    string
	EIA, EIANumber, Permit, PermitNumber  string
	StorageCode, StorageType, Packaging   string
	HazardPlan, Measures                  string
	FacUnit, FacProcess, FacName, FacCode string
	GenCode, GenName, Stage               string
	Rows                                  []planRow
}

type planData struct {
	F            planForm
	Class        *ledger.ClassInfo
	Party        *ledger.Party
	Forms        []string
	StorageTypes []string
	Errors       map[string]string
}

// newPlanPage shows the plan form, its rows prefilled with the codes the
// party registered this year and last.
func (h *Handler) newPlanPage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleGenerator)
	if !ok {
		return
	}
	d, err := h.planData(r, st)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.F.Year = strconv.Itoa(h.svc.Now().In(shanghai).Year())
	d.F.GenName = "生产经营场所"
	d.F.Division, d.F.EIA, d.F.Permit, d.F.StorageType = "410104", "no", "no", ledger.StorageFacilityTypes[0]
	d.F.Legal, d.F.LegalPhone, d.F.Lead, d.F.LeadPhone = d.Party.Contact.Name, d.Party.Contact.Phone, d.Party.Contact.Name, d.Party.Contact.Phone
	codes := map[string]bool{}
	ws, err := h.svc.Wastes(r.Context(), st.p, ledger.WasteFilter{}, ledger.Page{Limit: ledger.MaxLimit})
	if err == nil {
		for _, x := range ws.Items {
			if x.Generator == st.p.Party {
				codes[x.Code] = true
			}
		}
	}
	list := make([]string, 0, len(codes))
	for c := range codes {
		list = append(list, c)
	}
	sort.Strings(list)
	for i := range d.F.Rows {
		d.F.Rows[i].Form, d.F.Rows[i].Method = ledger.FormSolid, "D10"
		if i < len(list) {
			d.F.Rows[i].Code = list[i]
		}
	}
	h.render(w, r, http.StatusOK, "plan_new", "plan.title", d)
}

func (h *Handler) planData(r *http.Request, st *state) (*planData, error) {
	ci, err := h.svc.ManagementClass(r.Context(), st.p, st.p.Party)
	if err != nil {
		return nil, err
	}
	p, err := h.svc.Party(r.Context(), st.p.Party)
	if err != nil {
		return nil, err
	}
	return &planData{Class: ci, Party: p, Forms: ledger.WasteForms, StorageTypes: ledger.StorageFacilityTypes,
		F: planForm{Rows: make([]planRow, planRows)}}, nil
}

// newPlan files the form as the party's next plan version for the year.
func (h *Handler) newPlan(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleGenerator)
	if !ok {
		return
	}
	d, err := h.planData(r, st)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := planForm{Year: v("year"), Division: v("division"), Industry: v("industry"), IndustryCode: v("industry_code"),
		Legal: v("legal"), LegalPhone: v("legal_phone"), Lead: v("lead"), LeadPhone: v("lead_phone"),
		EIA: v("eia"), EIANumber: v("eia_number"), Permit: v("permit"), PermitNumber: v("permit_number"),
		StorageCode: v("storage_code"), StorageType: v("storage_type"), Packaging: v("packaging"),
		HazardPlan: v("hazard_plan"), Measures: v("measures"),
		FacUnit: v("fac_unit"), FacProcess: v("fac_process"), FacName: v("fac_name"), FacCode: v("fac_code"),
		GenCode: v("gen_code"), GenName: v("gen_name"), Stage: v("stage")}
	errs := map[string]string{}
	num := func(field, s string) *float64 {
		if s == "" {
			return nil
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			errs[field] = translate(st.lang, "err.number")
			return nil
		}
		return &x
	}
	yes := func(s string) *bool { b := s == "yes"; return &b }
	p := d.Party
	lon, lat := 0.0, 0.0
	if p.Location != nil {
		lon, lat = p.Location.Lon, p.Location.Lat
	}
	sec := ledger.PlanSections{A1: &ledger.PlanBasic{UnitName: p.Name, RegisteredAddress: p.Address, SiteAddress: p.Address,
		DivisionCode: f.Division, IndustryCategory: f.Industry, IndustryCode: f.IndustryCode, SiteLon: &lon, SiteLat: &lat,
		CreditCode: p.CreditCode, ManagementClass: d.Class.Class, LegalRepresentative: f.Legal, LegalPhone: f.LegalPhone,
		TechnicalLead: f.Lead, TechnicalLeadPhone: f.LeadPhone, HasEIA: yes(f.EIA), EIANumber: f.EIANumber,
		HasDischargePermit: yes(f.Permit), DischargePermitNumber: f.PermitNumber}}
	for i := 0; i < planRows; i++ {
		k := strconv.Itoa(i)
		row := planRow{Code: v("code" + k), Trade: v("trade" + k), Components: v("components" + k), Form: v("form" + k),
			Forecast: v("forecast" + k), Method: v("method" + k), Receiver: v("receiver" + k), License: v("license" + k)}
		f.Rows = append(f.Rows, row)
		if row.Code == "" {
			continue
		}
		n := strconv.Itoa(len(sec.A3))
		t := num("sections.a3["+n+"].forecast_t", row.Forecast)
		pw := ledger.PlanWaste{TradeName: row.Trade, Code: row.Code, HarmfulComponents: row.Components, Form: row.Form}
		sec.A3 = append(sec.A3, ledger.PlanGeneration{FacilityCode: f.GenCode, FacilityName: f.GenName, Stage: f.Stage,
			PlanWaste: pw, ForecastT: t, StorageFacility: f.StorageCode})
		sec.A7 = append(sec.A7, ledger.PlanTransfer{TransferType: ledger.TransferTypes[0], PlanWaste: pw, ForecastT: t,
			Method: row.Method, ReceiverType: ledger.ReceiverTypes[0], ReceiverName: row.Receiver, LicenseNumber: row.License})
		if d.Class.Class != ledger.ClassRegistered {
			sec.A4 = append(sec.A4, ledger.PlanStorage{FacilityCode: f.StorageCode, FacilityType: f.StorageType, PlanWaste: pw,
				Packaging: f.Packaging, YearEndStockT: t})
		}
	}
	if d.Class.Class != ledger.ClassRegistered {
		sec.A6 = &ledger.PlanReduction{HazardPlan: f.HazardPlan, Measures: f.Measures}
	}
	if d.Class.Class == ledger.ClassKey {
		sec.A2 = []ledger.PlanFacility{{ProductionUnit: f.FacUnit, Process: f.FacProcess, FacilityName: f.FacName, FacilityCode: f.FacCode}}
	}
	year, err := strconv.Atoi(f.Year)
	if err != nil {
		errs["year"] = translate(st.lang, "err.number")
	}
	d.F = f
	if len(errs) == 0 {
		_, err = h.svc.FilePlan(r.Context(), st.p, st.p.Party, ledger.PlanInput{Year: year, Sections: sec})
		if err == nil {
			http.Redirect(w, r, "/filings", http.StatusSeeOther)
			return
		}
		status, _, detail, fields := classify(st.lang, err)
		if fields == nil {
			fields = map[string]string{"_": detail}
		}
		d.Errors = fields
		h.render(w, r, status, "plan_new", "plan.title", d)
		return
	}
	d.Errors = errs
	h.render(w, r, http.StatusBadRequest, "plan_new", "plan.title", d)
}
