package ledger

func fp(v float64) *float64 { return &v }

// samplePlan is a whole plan for a party of class with credit code,
// listing codes for generation and transfer, each forecast t tonnes.
func samplePlan(class, credit string, t float64, codes ...string) PlanSections {
	yes := true
	s := PlanSections{A1: &PlanBasic{UnitName: "顺达汽修", RegisteredAddress: "郑州市管城回族区南关街 1 号", SiteAddress: "郑州市管城回族区南关街 1 号",
		DivisionCode: "410104", IndustryCategory: "汽车修理与维护", IndustryCode: "8111", SiteLon: fp(113.68), SiteLat: fp(34.75),
		CreditCode: credit, ManagementClass: class, LegalRepresentative: "赵一", LegalPhone: "13800000001",
		TechnicalLead: "钱二", TechnicalLeadPhone: "13800000002", HasEIA: &yes, EIANumber: "郑环审〔2020〕1号",
		HasDischargePermit: &yes, DischargePermitNumber: "91410104MA0000001P001Q"}}
	for _, c := range codes {
		w := PlanWaste{TradeName: "废机油", Code: c, HarmfulComponents: "矿物油", Form: FormLiquid}
		s.A3 = append(s.A3, PlanGeneration{FacilityCode: "TA001", FacilityName: "维修车间", Stage: "保养", PlanWaste: w, ForecastT: fp(t),
			StorageFacility: "TS001"})
		s.A7 = append(s.A7, PlanTransfer{TransferType: "省内转移", PlanWaste: w, ForecastT: fp(t), Method: "R9",
			ReceiverType: ReceiverTypes[0], ReceiverName: "郑州环境处置中心", LicenseNumber: "豫环许可危废字41010001"})
		if class != ClassRegistered {
			s.A4 = append(s.A4, PlanStorage{FacilityCode: "TS001", FacilityType: "贮存库", PlanWaste: w, Packaging: "200 L 铁桶",
				YearEndStockT: fp(t / 10)})
		}
	}
	if class != ClassRegistered {
		s.A6 = &PlanReduction{Reductions: []PlanReductionRow{{Code: codes[0], ForecastT: fp(t), ReductionT: fp(t / 20)}},
			HazardPlan: "更换低毒清洗剂", Measures: "油液分类收集，延长换油周期"}
	}
	if class == ClassKey {
		s.A2 = []PlanFacility{{ProductionUnit: "维修车间", Process: "保养", FacilityName: "废油收集装置", FacilityCode: "TA001"}}
	}
	return s
}

// filePlan files samplePlan for f.gen's class and credit code.
func (f *fixture) filePlan(p Principal, year int, t float64, codes ...string) *Plan {
	f.t.Helper()
	ci, err := f.s.ManagementClass(f.ctx, f.insp, p.Party)
	if err != nil {
		f.t.Fatal(err)
	}
	party, err := f.s.Party(f.ctx, p.Party)
	if err != nil {
		f.t.Fatal(err)
	}
	pl, err := f.s.FilePlan(f.ctx, p, p.Party, PlanInput{Year: year, Sections: samplePlan(ci.Class, party.CreditCode, t, codes...)})
	if err != nil {
		f.t.Fatal(err)
	}
	return pl
}
