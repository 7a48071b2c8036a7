package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/workday"
)

// The demo district's HJ 1259 paperwork, filed after its year of history:
// two classes set by the inspector; most generators' plans for each year
// of the history (a few missing, a few forecasting less than they then
// transferred: plan_exceeded); most declarations their class owes, a few
// late, a few missing (the final sweep raises declaration_overdue and
// plan_missing for those). Every filing is dated back to when a careful
// unit would have filed it.

// fileFilings files the district's plans and declarations.
func fileFilings(ctx context.Context, s *ledger.Service, r *rand.Rand, d *district, now time.Time) error {
	// The inspector puts the two hospitals with the most beds under key
	// supervision, as a local rule may (HJ 1259 4.2.2).
	for _, g := range d.Generators[:2] {
		if _, err := s.SetManagementClass(ctx, d.Inspector.P, g.ID, ledger.ClassInput{Class: ledger.ClassKey,
			Reason: "二级以上医疗机构纳入危险废物环境重点监管单位名录"}); err != nil {
			return fmt.Errorf("demo: class of %s: %w", g.In.Name, err)
		}
	}
	year := now.In(workday.Shanghai).Year()
	for i, g := range d.Generators {
		ci, err := s.ManagementClass(ctx, d.Inspector.P, g.ID)
		if err != nil {
			return err
		}
		codes, err := transferred(ctx, s, g)
		if err != nil {
			return err
		}
		for _, y := range []int{year - 1, year} {
			due := time.Date(y, 3, 31, 12, 0, 0, 0, workday.Shanghai)
			switch {
			case len(codes[y]) == 0 && y < year:
				continue // nothing happened that year
			case i%15 == 7 && y == year:
				continue // no plan this year: plan_missing
			case i%15 == 11 && y == year-1:
				continue
			case due.After(now):
				if r.IntN(2) == 0 {
					continue // not yet filed, and not yet due
				}
				due = now.Add(-time.Hour)
			}
			low := i%15 == 3 // forecasts less than it then transferred
			sec := planFor(g, ci.Class, codes[y], codes[year], low)
			at := due.Add(-time.Duration(r.IntN(20*24)) * time.Hour)
			if _, err := s.FilePlan(ctx, g.filer(), g.ID, ledger.PlanInput{Year: y, Sections: sec, OccurredAt: &at}); err != nil {
				return fmt.Errorf("demo: plan %d of %s: %w", y, g.In.Name, err)
			}
		}
		kinds := map[string][]string{ledger.ClassKey: {ledger.PeriodMonth, ledger.PeriodYear},
			ledger.ClassSimplified: {ledger.PeriodQuarter, ledger.PeriodYear}, ledger.ClassRegistered: {ledger.PeriodYear}}[ci.Class]
		for _, per := range declarationPeriods(kinds, now) {
			if per.End().Before(now.AddDate(-1, 0, 0)) {
				continue // before the history began
			}
			roll := r.IntN(12)
			if roll == 0 {
				continue // missing: declaration_overdue
			}
			at := per.Due().Add(-time.Duration(24+r.IntN(10*24)) * time.Hour)
			if roll == 1 {
				at = per.Due().Add(time.Duration(24+r.IntN(5*24)) * time.Hour) // late
			}
			if at.After(now) {
				at = now.Add(-time.Minute)
			}
			if at.Before(per.End()) {
				at = per.End().Add(time.Hour)
			}
			dr, err := s.DeclarationDraft(ctx, g.filer(), g.ID, per.String())
			if err != nil {
				return err
			}
			if _, err := s.FileDeclaration(ctx, g.filer(), g.ID, ledger.DeclarationInput{Period: per.String(), Figures: dr.Figures,
				Note: "按台账如实申报", OccurredAt: &at}); err != nil {
				return fmt.Errorf("demo: declaration %s of %s: %w", per, g.In.Name, err)
			}
		}
	}
	return nil
}

// declarationPeriods lists the ended periods of kinds whose deadline
// passed within the last year, oldest first.
func declarationPeriods(kinds []string, now time.Time) []ledger.Period {
	var out []ledger.Period
	for _, k := range kinds {
		for y := now.In(workday.Shanghai).Year() - 1; y <= now.In(workday.Shanghai).Year(); y++ {
			n := map[string]int{ledger.PeriodMonth: 12, ledger.PeriodQuarter: 4, ledger.PeriodYear: 1}[k]
			for i := 1; i <= n; i++ {
				p := ledger.Period{Kind: k, Year: y, N: i}
				if k == ledger.PeriodYear {
					p.N = 0
				}
				if !p.Due().After(now) && p.Due().After(now.AddDate(-1, 0, 0)) {
					out = append(out, p)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Due().Before(out[j].Due()) })
	return out
}

// transferred is what a generator generated of each code, by year, in
// kilograms.
func transferred(ctx context.Context, s *ledger.Service, g *party) (map[int]map[string]float64, error) {
	out := map[int]map[string]float64{}
	pg := ledger.Page{Limit: ledger.MaxLimit}
	for {
		l, err := s.Wastes(ctx, g.P, ledger.WasteFilter{}, pg)
		if err != nil {
			return nil, err
		}
		for _, w := range l.Items {
			if w.Generator != g.ID {
				continue
			}
			y := w.GeneratedAt.In(workday.Shanghai).Year()
			if out[y] == nil {
				out[y] = map[string]float64{}
			}
			out[y][w.Code] += w.Quantity.Tonnes() * 1000
		}
		if l.NextCursor == "" {
			return out, nil
		}
		pg.Cursor = l.NextCursor
	}
}

// planFor is a generator's plan for a year: its codes (kg generated that
// year, else the current year's), forecast with room, or short when low.
func planFor(g *party, class string, kg, fallback map[string]float64, low bool) ledger.PlanSections {
	if len(kg) == 0 {
		kg = fallback
	}
	f := func(v float64) *float64 { return &v }
	no := false
	s := ledger.PlanSections{A1: &ledger.PlanBasic{UnitName: g.In.Name, RegisteredAddress: g.In.Address, SiteAddress: g.In.Address,
		DivisionCode: "410104", IndustryCategory: industryOf(g.Kind), IndustryCode: industryCodeOf(g.Kind),
		SiteLon: f(g.In.Location.Lon), SiteLat: f(g.In.Location.Lat), CreditCode: g.In.CreditCode, ManagementClass: class,
		LegalRepresentative: g.In.Contact.Name, LegalPhone: g.In.Contact.Phone, TechnicalLead: g.In.Contact.Name,
		TechnicalLeadPhone: g.In.Contact.Phone, HasEIA: &no, HasDischargePermit: &no}}
	codes := make([]string, 0, len(kg))
	for c := range kg {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	if len(codes) == 0 {
		codes = []string{"900-041-49"}
	}
	for _, c := range codes {
		t := kg[c] / 1000 * 1.3
		if low {
			t = kg[c] / 1000 * 0.6
		}
		t = float64(int(t*1000)+1) / 1000
		form := ledger.FormSolid
		w := ledger.PlanWaste{Code: c, HarmfulComponents: harmfulOf(c), Form: form}
		s.A3 = append(s.A3, ledger.PlanGeneration{FacilityCode: "TA001", FacilityName: "生产经营场所", Stage: "日常经营", PlanWaste: w,
			ForecastT: f(t), StorageFacility: "TS001"})
		s.A7 = append(s.A7, ledger.PlanTransfer{TransferType: "省内转移", PlanWaste: w, ForecastT: f(t), Method: "D10",
			ReceiverType: ledger.ReceiverTypes[0], ReceiverName: "持证利用处置单位", LicenseNumber: "豫环许可危废字"})
		if class != ledger.ClassRegistered {
			s.A4 = append(s.A4, ledger.PlanStorage{FacilityCode: "TS001", FacilityType: "贮存库", PlanWaste: w, Packaging: "密封周转箱",
				YearEndStockT: f(t / 12)})
		}
	}
	if class != ledger.ClassRegistered {
		s.A6 = &ledger.PlanReduction{HazardPlan: "分类收集，避免混入一般废物", Measures: "规范贮存，按月委托持证单位利用处置"}
	}
	if class == ledger.ClassKey {
		s.A2 = []ledger.PlanFacility{{ProductionUnit: "主要经营场所", Process: "日常经营", FacilityName: "危险废物暂存间", FacilityCode: "TS001"}}
	}
	return s
}

func industryOf(kind string) string {
	switch kind {
	case "hospital", "maternity", "chc", "clinic", "dental":
		return "卫生"
	case "auto", "body":
		return "汽车、摩托车等修理与维护"
	}
	return "制造业"
}

func industryCodeOf(kind string) string {
	switch kind {
	case "hospital", "maternity", "chc", "clinic", "dental":
		return "841"
	case "auto", "body":
		return "811"
	}
	return "C"
}

func harmfulOf(code string) string {
	switch {
	case len(code) > 0 && code[len(code)-2:] == "01":
		return "病原微生物"
	case len(code) > 0 && code[len(code)-2:] == "08":
		return "矿物油"
	case len(code) > 0 && code[len(code)-2:] == "12":
		return "有机溶剂、重金属"
	}
	return "有毒有害物质"
}
