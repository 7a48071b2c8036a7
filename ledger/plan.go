package ledger

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/hwledger/hwledger/ledger/workday"
)

// Management plans (危险废物管理计划, HJ 1259-2022 5): a generator files
// its plan for each year by 31 March. Filing again for the same year adds
// a version; nothing is edited, and every version stays readable. The
// plan in force for a year is its latest version. While a year has a
// plan, a manifest may carry only the codes its A.7 lists for transfer,
// and transfers of a code past A.7's forecast raise plan_exceeded.

// Plan is one version of a party's management plan for a year.
type Plan struct {
	ID        string       `json:"id"`
	Party     string       `json:"party"`
	PartyName string       `json:"party_name"`
	Year      int          `json:"year"`
	Version   int          `json:"version"`
	Class     string       `json:"class"`
	Sections  PlanSections `json:"sections"`
	// FiledAt is when it was filed (occurred_at); RecordedAt the server's time.
	FiledAt    time.Time `json:"filed_at"`
	RecordedAt time.Time `json:"recorded_at"`
	FiledBy    string    `json:"filed_by"`
	EventIndex uint64    `json:"event_index"`
}

// PlanInput is POST /parties/{id}/plans.
type PlanInput struct {
	Year       int          `json:"year"`
	Sections   PlanSections `json:"sections"`
	OccurredAt *time.Time   `json:"occurred_at"`
}

// PlanFiledData is the data of plan.filed: the plan as filed, with the
// class it was filed under and its version for the year.
type PlanFiledData struct {
	ID        string       `json:"id"`
	Party     string       `json:"party"`
	PartyName string       `json:"party_name"`
	Year      int          `json:"year"`
	Version   int          `json:"version"`
	Class     string       `json:"class"`
	Sections  PlanSections `json:"sections"`
}

func applyPlanFiled(s proj.Store, e *chain.Event, d *PlanFiledData) error {
	p := Plan{ID: d.ID, Party: d.Party, PartyName: d.PartyName, Year: d.Year, Version: d.Version, Class: d.Class,
		Sections: d.Sections, FiledAt: e.OccurredAt, RecordedAt: e.RecordedAt, FiledBy: e.Actor.Party, EventIndex: e.Index}
	if err := setJSON(s, proj.PlanKey(p.ID), &p); err != nil {
		return err
	}
	return s.Set(proj.PlanVersionKey(p.Party, p.Year, p.Version), []byte(p.ID))
}

// planVersions returns the ids of party's plans for year, oldest first.
func planVersions(s proj.Store, party string, year int) ([]string, error) {
	var ids []string
	err := proj.EachPlanVersion(s, party, year, func(_, _ int, id string) error {
		ids = append(ids, id)
		return nil
	})
	return ids, err
}

// latestPlan returns the plan in force of party for year (nil: none filed).
func latestPlan(s proj.Store, party string, year int) (*Plan, error) {
	ids, err := planVersions(s, party, year)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return loadPlan(s, ids[len(ids)-1])
}

func loadPlan(s proj.Store, id string) (*Plan, error) {
	var p Plan
	ok, err := getJSON(s, proj.PlanKey(id), &p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("plan", id)
	}
	return &p, nil
}

// canSeeFilings reports whether p may read party's plans and declarations:
// the party itself, inspectors and admins.
func canSeeFilings(p Principal, party string) bool { return p.SeesAll() || p.Party == party }

// FilePlan files version n+1 of a generator's plan for a year (its own
// party only), with the sections its management class requires.
func (s *Service) FilePlan(ctx context.Context, p Principal, partyID string, in PlanInput) (*Plan, error) {
	p, err := p.actAs(RoleGenerator, "only a generator files a management plan")
	if err != nil {
		return nil, err
	}
	if p.Party != partyID {
		return nil, fmt.Errorf("%w: a generator files plans for itself only", ErrForbidden)
	}
	return exec(ctx, s, p, func(c *cmd) (*Plan, error) {
		party, err := loadParty(c.tx, partyID)
		if err != nil {
			return nil, err
		}
		year := c.now.In(workday.Shanghai).Year()
		if in.Year < 2000 || in.Year > year+1 {
			return nil, invalid("year", Text{"应为 2000 至 %d 年", "must be a year from 2000 to %d"}, year+1)
		}
		ci, err := classOf(c.tx, party, c.now)
		if err != nil {
			return nil, err
		}
		chk := planCheck{f: fieldErrors{}, cat: c.s.cat, class: ci.Class, credit: party.CreditCode}
		chk.check(&in.Sections)
		if err := chk.f.err(); err != nil {
			return nil, err
		}
		occurred, err := c.occurred(in.OccurredAt, time.Time{})
		if err != nil {
			return nil, err
		}
		ids, err := planVersions(c.tx, partyID, in.Year)
		if err != nil {
			return nil, err
		}
		d := PlanFiledData{ID: c.s.newID(), Party: party.ID, PartyName: party.Name, Year: in.Year, Version: len(ids) + 1,
			Class: ci.Class, Sections: in.Sections}
		if _, err := c.emit(EvPlanFiled, d.ID, occurred, &d); err != nil {
			return nil, err
		}
		if err := c.resolve(AlertPlanMissing, planSubject(party.ID, in.Year), occurred); err != nil {
			return nil, err
		}
		pl, err := loadPlan(c.tx, d.ID)
		if err != nil {
			return nil, err
		}
		if err := c.recheckExceeded(party, in.Year, &in.Sections, pl, occurred); err != nil {
			return nil, err
		}
		return pl, nil
	})
}

// Plans lists a party's plans, every version, newest year first and each
// year's versions in order; year 0 lists every year.
func (s *Service) Plans(ctx context.Context, p Principal, partyID string, year int) ([]*Plan, error) {
	if !canSeeFilings(p, partyID) {
		return nil, notFound("party", partyID)
	}
	var out []*Plan
	err := s.view(func(r *proj.Snapshot) error {
		if _, err := loadParty(r, partyID); err != nil {
			return err
		}
		return proj.EachPlanVersion(r, partyID, year, func(_, _ int, id string) error {
			pl, err := loadPlan(r, id)
			if err == nil {
				out = append(out, pl)
			}
			return err
		})
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Year > out[j].Year })
	return out, err
}

// Plan returns one plan version the caller may see.
func (s *Service) Plan(ctx context.Context, p Principal, id string) (*Plan, error) {
	var out *Plan
	err := s.view(func(r *proj.Snapshot) error {
		pl, err := loadPlan(r, id)
		if err != nil {
			return err
		}
		if !canSeeFilings(p, pl.Party) {
			return notFound("plan", id)
		}
		out = pl
		return nil
	})
	return out, err
}

// planSubject is the subject of a party's plan alerts for a year.
func planSubject(party string, year int) string { return party + "-plan-" + strconv.Itoa(year) }

// exceededSubject is the subject of plan_exceeded for a code.
func exceededSubject(party string, year int, code string) string {
	return planSubject(party, year) + "-" + code
}

// planRefusal refuses a manifest of generator gen carrying code in year
// when the year's plan does not list the code for transfer (A.7). A year
// without a plan refuses nothing (plan_missing covers it).
func planRefusal(s proj.Store, gen string, year int, code string) error {
	pl, err := latestPlan(s, gen, year)
	if err != nil || pl == nil {
		return err
	}
	if _, listed := pl.Sections.transferForecast(code); !listed {
		return ruleErr(Text{"%d 年管理计划第 %d 版（%s）的转移情况（A.7）未列 %s：请先备案修订后的管理计划",
			"management plan %d version %d (%s) does not list %s for transfer (A.7): file an amended plan first"},
			pl.Year, pl.Version, pl.ID, code)
	}
	return nil
}

// transferredIn is what gen's batches of code left its site in year (by
// pickup), in grams.
func transferredIn(s proj.Store, gen string, year int, code string) (Grams, error) {
	var g Grams
	y := strconv.Itoa(year)
	err := proj.EachMonth(s, gen, func(_, month, c string, a proj.MonthAgg) error {
		if c == code && month[:4] == y {
			g += Grams(a.Left - a.Returned)
		}
		return nil
	})
	return g, err
}

// checkExceeded raises plan_exceeded for each code of manifest m whose
// transfers this year have passed the forecast of its generator's plan.
func (c *cmd) checkExceeded(m *Manifest, at time.Time) error {
	if m.Kind != "" && m.Kind != ManifestTransfer {
		return nil // a return or redirect moves waste already counted
	}
	year := at.In(workday.Shanghai).Year()
	pl, err := latestPlan(c.tx, m.Generator, year)
	if err != nil || pl == nil {
		return err
	}
	gen, err := loadParty(c.tx, m.Generator)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, id := range m.WasteIDs {
		w, err := loadWaste(c.tx, id)
		if err != nil {
			return err
		}
		if seen[w.Code] {
			continue
		}
		seen[w.Code] = true
		forecast, listed := pl.Sections.transferForecast(w.Code)
		if !listed {
			continue
		}
		got, err := transferredIn(c.tx, m.Generator, year, w.Code)
		if err != nil {
			return err
		}
		if got <= forecast {
			continue
		}
		if err := c.raiseExceeded(gen, pl, w.Code, got, forecast); err != nil {
			return err
		}
	}
	return nil
}

// recheckExceeded compares the year's transfers of each code a newly
// filed plan lists with its forecast: past it, plan_exceeded is raised
// (a plan filed after the transfers); within it, an open one is resolved.
func (c *cmd) recheckExceeded(party *Party, year int, sec *PlanSections, pl *Plan, at time.Time) error {
	seen := map[string]bool{}
	for _, r := range sec.A7 {
		if seen[r.Code] {
			continue
		}
		seen[r.Code] = true
		forecast, _ := sec.transferForecast(r.Code)
		got, err := transferredIn(c.tx, party.ID, year, r.Code)
		if err != nil {
			return err
		}
		if got <= forecast {
			if err := c.resolve(AlertPlanExceeded, exceededSubject(party.ID, year, r.Code), at); err != nil {
				return err
			}
			continue
		}
		if err := c.raiseExceeded(party, pl, r.Code, got, forecast); err != nil {
			return err
		}
	}
	return nil
}

// raiseExceeded opens plan_exceeded for code of party's plan pl.
func (c *cmd) raiseExceeded(gen *Party, pl *Plan, code string, got, forecast Grams) error {
	f := alertFacts{p: gen, detail: Text{
		Zh: fmt.Sprintf("%s %d 年 %s 已转移 %s t，超过管理计划（第 %d 版）预计转移量 %s t", gen.Name, pl.Year, code, tonnesText(got), pl.Version, tonnesText(forecast)),
		En: fmt.Sprintf("%s: %s transferred in %d is %s t, past the plan's (version %d) forecast of %s t", gen.Name, code, pl.Year, tonnesText(got), pl.Version, tonnesText(forecast)),
	}}
	return c.raise(Alert{Kind: AlertPlanExceeded, Subject: exceededSubject(gen.ID, pl.Year, code), Party: gen.ID,
		Parties: []string{gen.ID}, Street: gen.Street}, f)
}

// tonnesText writes g as tonnes with up to 3 decimals.
func tonnesText(g Grams) string { return strconv.FormatFloat(float64(g)/1e6, 'f', -1, 64) }
