package ledger

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/hwledger/hwledger/ledger/workday"
)

// The management class of a generator (HJ 1259-2022 4.2), computed from
// the ledger's own figures (docs/domain.md, "Management class"):
//
//   - key (重点监管) when the party holds a licence (a receiver, its own
//     utilisation or disposal facility included), or has utilised or
//     disposed of its own waste, or its annual amount is at least 100 t;
//   - simplified (简化管理) when the annual amount is at least 10 t;
//   - registered (登记管理) otherwise.
//
// The annual amount (4.2.3) is the highest calendar-year total of waste
// generated in the years the party has operated among the last three and
// the current one so far; a party operating for less than a year also
// counts the forecast of its plan for the current year (the ledger's
// stand-in for the EIA estimate). An inspector's override (an event)
// takes precedence over the computed class.

// Class thresholds of HJ 1259 4.2, in grams.
const (
	keyThreshold        Grams = 100_000_000 // 100 t
	simplifiedThreshold Grams = 10_000_000  // 10 t
)

// ClassOverride is an inspector's decision of a party's class (4.2.2).
type ClassOverride struct {
	Class  string    `json:"class"`
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	// Computed is the class the rule gave when the override was made.
	Computed string `json:"computed"`
}

// ClassInfo is a party's class and how it was found.
type ClassInfo struct {
	Party  string `json:"party"`
	Name   string `json:"name"`
	Street string `json:"street"`
	// Class is the class in force: the override, else Computed.
	Class    string `json:"class"`
	Computed string `json:"computed"`
	// AnnualKg is the annual amount of 4.2.3, in kilograms.
	AnnualKg Grams `json:"annual_kg"`
	// AnnualYear is the year whose total is the annual amount (0: the
	// plan's forecast, or nothing generated).
	AnnualYear int `json:"annual_year,omitempty"`
	// OwnFacility: the party holds a licence or has used or disposed of
	// its own waste.
	OwnFacility bool `json:"own_facility"`
	// Basis says why, in Chinese and English.
	Basis    string         `json:"basis"`
	BasisEn  string         `json:"basis_en"`
	Override *ClassOverride `json:"override,omitempty"`
}

// ClassInput is PUT /parties/{id}/management-class.
type ClassInput struct {
	Class      string     `json:"class"`
	Reason     string     `json:"reason"`
	OccurredAt *time.Time `json:"occurred_at"`
}

// ClassSetData is the data of party.class_set: the class an inspector
// decided, why, and the class the rule gave then.
type ClassSetData struct {
	Class    string `json:"class"`
	Reason   string `json:"reason"`
	Computed string `json:"computed"`
}

func applyClassSet(s proj.Store, e *chain.Event, d *ClassSetData) error {
	p, err := loadParty(s, e.Subject)
	if err != nil {
		return err
	}
	p.ClassOverride = &ClassOverride{Class: d.Class, Reason: d.Reason, By: e.Actor.Party, At: e.OccurredAt, Computed: d.Computed}
	return setJSON(s, proj.PartyKey(p.ID), p)
}

// hasClass reports whether the rule gives p a class: generators, and
// licence holders.
func hasClass(p *Party) bool { return p.HasRole(RoleGenerator) || p.License != nil }

// classFigures is what the class of one party is computed from.
type classFigures struct {
	yearly   map[int]Grams // generated, by calendar year
	first    string        // the first month with waste generated ("200601"), "" if none
	ownUse   bool          // handed waste to itself
	forecast Grams         // the forecast of its current plan (parties operating < 1 year)
}

// classify applies HJ 1259 4.2 to p's figures at now.
func classify(p *Party, f classFigures, now time.Time) ClassInfo {
	ci := ClassInfo{Party: p.ID, Name: p.Name, Street: p.Street, Override: p.ClassOverride}
	loc := workday.Shanghai
	year := now.In(loc).Year()
	start := p.CreatedAt
	if f.first != "" {
		if t, err := time.ParseInLocation("200601", f.first, loc); err == nil && t.Before(start) {
			start = t
		}
	}
	from := max(year-3, start.In(loc).Year())
	for y := from; y <= year; y++ {
		if g := f.yearly[y]; g > ci.AnnualKg {
			ci.AnnualKg, ci.AnnualYear = g, y
		}
	}
	young := now.Sub(start) < 365*24*time.Hour
	if young && f.forecast > ci.AnnualKg {
		ci.AnnualKg, ci.AnnualYear = f.forecast, 0
	}
	ci.OwnFacility = p.License != nil || f.ownUse
	amount := fmt.Sprintf("%s t", strconv.FormatFloat(ci.AnnualKg.Tonnes(), 'f', -1, 64))
	var which, whichEn string
	switch {
	case ci.AnnualYear != 0:
		which, whichEn = fmt.Sprintf("（%d 年）", ci.AnnualYear), fmt.Sprintf(" (%d)", ci.AnnualYear)
	case ci.AnnualKg > 0:
		which, whichEn = "（管理计划预计产生量）", " (the plan's forecast)"
	}
	switch {
	case p.License != nil:
		ci.Computed, ci.Basis, ci.BasisEn = ClassKey, "持有危险废物经营许可证或自行利用处置设施", "holds a licence or its own utilisation/disposal facility"
	case f.ownUse:
		ci.Computed, ci.Basis, ci.BasisEn = ClassKey, "自行利用处置危险废物", "utilises or disposes of its own waste"
	case ci.AnnualKg >= keyThreshold:
		ci.Computed, ci.Basis, ci.BasisEn = ClassKey, "年产生量 "+amount+which+" ≥ 100 t", "annual amount "+amount+whichEn+" ≥ 100 t"
	case ci.AnnualKg >= simplifiedThreshold:
		ci.Computed, ci.Basis, ci.BasisEn = ClassSimplified, "年产生量 "+amount+which+" ≥ 10 t", "annual amount "+amount+whichEn+" ≥ 10 t"
	default:
		ci.Computed, ci.Basis, ci.BasisEn = ClassRegistered, "年产生量 "+amount+which+" < 10 t", "annual amount "+amount+whichEn+" < 10 t"
	}
	ci.Class = ci.Computed
	if p.ClassOverride != nil {
		ci.Class = p.ClassOverride.Class
		ci.Basis += "；生态环境主管部门确定为" + ClassNames[p.ClassOverride.Class].Zh + "：" + p.ClassOverride.Reason
		ci.BasisEn += "; set by the authority to " + p.ClassOverride.Class + ": " + p.ClassOverride.Reason
	}
	return ci
}

// figuresOf reads the figures of party from its monthly records.
func figuresOf(s proj.Store, party string, now time.Time) (classFigures, error) {
	f := classFigures{yearly: map[int]Grams{}}
	err := proj.EachMonth(s, party, func(_, month, _ string, a proj.MonthAgg) error {
		y, _ := strconv.Atoi(month[:4])
		f.yearly[y] += Grams(a.Generated)
		if a.Batches > 0 && (f.first == "" || month < f.first) {
			f.first = month
		}
		return nil
	})
	if err != nil {
		return f, err
	}
	err = proj.EachHanded(s, party, func(h proj.Handed) error {
		f.ownUse = f.ownUse || h.Receiver == party
		return nil
	})
	if err != nil {
		return f, err
	}
	year := now.In(workday.Shanghai).Year()
	plan, err := latestPlan(s, party, year)
	if err != nil || plan == nil {
		return f, err
	}
	f.forecast = plan.Sections.generationForecast()
	return f, nil
}

// classOf computes party p's class at now.
func classOf(s proj.Store, p *Party, now time.Time) (ClassInfo, error) {
	if !hasClass(p) {
		return ClassInfo{}, nil
	}
	f, err := figuresOf(s, p.ID, now)
	if err != nil {
		return ClassInfo{}, err
	}
	return classify(p, f, now), nil
}

// withClass returns p with its class in force filled in (a copy).
func withClass(s proj.Store, p *Party, now time.Time) (*Party, error) {
	ci, err := classOf(s, p, now)
	if err != nil {
		return nil, err
	}
	cp := *p
	cp.ManagementClass = ci.Class
	return &cp, nil
}

// ManagementClass returns the class of a party and how it was found. The
// party itself, inspectors and admins may ask.
func (s *Service) ManagementClass(ctx context.Context, p Principal, partyID string) (*ClassInfo, error) {
	if !p.SeesAll() && p.Party != partyID {
		return nil, notFound("party", partyID)
	}
	now := s.Now()
	var out *ClassInfo
	err := s.view(func(r *proj.Snapshot) error {
		party, err := loadParty(r, partyID)
		if err != nil {
			return err
		}
		if !hasClass(party) {
			return ruleErr(Text{"%s 既不是产废单位也不持有经营许可证，没有管理类别", "%s is neither a generator nor a licence holder: it has no management class"}, party.Name)
		}
		ci, err := classOf(r, party, now)
		out = &ci
		return err
	})
	return out, err
}

// Classes returns the class of every party that has one (generators and
// licence holders), by street then name: the district at a glance
// (inspectors and admins). It reads the monthly figures once.
func (s *Service) Classes(ctx context.Context, p Principal) ([]ClassInfo, error) {
	if !p.SeesAll() {
		return nil, fmt.Errorf("%w: only inspectors and admins see every party's class", ErrForbidden)
	}
	now := s.Now()
	year := now.In(workday.Shanghai).Year()
	var out []ClassInfo
	err := s.view(func(r *proj.Snapshot) error {
		figs := map[string]*classFigures{}
		fig := func(party string) *classFigures {
			f := figs[party]
			if f == nil {
				f = &classFigures{yearly: map[int]Grams{}}
				figs[party] = f
			}
			return f
		}
		first := strconv.Itoa(year - 3)
		if err := proj.EachMonth(r, "", func(party, month, _ string, a proj.MonthAgg) error {
			f := fig(party)
			if a.Batches > 0 && (f.first == "" || month < f.first) {
				f.first = month
			}
			if month >= first {
				y, _ := strconv.Atoi(month[:4])
				f.yearly[y] += Grams(a.Generated)
			}
			return nil
		}); err != nil {
			return err
		}
		return proj.EachParty(r, "", func(id string) error {
			party, err := loadParty(r, id)
			if err != nil || !hasClass(party) {
				return err
			}
			f := fig(id)
			if err := proj.EachHanded(r, id, func(h proj.Handed) error {
				f.ownUse = f.ownUse || h.Receiver == id
				return nil
			}); err != nil {
				return err
			}
			if now.Sub(party.CreatedAt) < 365*24*time.Hour {
				plan, err := latestPlan(r, id, year)
				if err != nil {
					return err
				}
				if plan != nil {
					f.forecast = plan.Sections.generationForecast()
				}
			}
			out = append(out, classify(party, *f, now))
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Street != out[j].Street {
			return out[i].Street < out[j].Street
		}
		return out[i].Name < out[j].Name
	})
	return out, err
}

// SetManagementClass records an inspector's decision of a party's class,
// with the reason (HJ 1259 4.2.2: the local authority may assign the class
// to fit local rules). The computed class stays visible beside it.
func (s *Service) SetManagementClass(ctx context.Context, p Principal, partyID string, in ClassInput) (*Party, error) {
	p, err := p.actAs(RoleInspector, "only an inspector sets a party's management class")
	if err != nil {
		return nil, err
	}
	f := fieldErrors{}
	if !contains(ManagementClasses, in.Class) {
		f.add("class", Text{"应为 %s 之一", "must be one of %s"}, strings.Join(ManagementClasses, ", "))
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" || len([]rune(in.Reason)) > 1000 {
		f.add("reason", Text{"必须说明理由，最多 1000 个字符", "is required, at most 1000 characters"})
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Party, error) {
		party, err := loadParty(c.tx, partyID)
		if err != nil {
			return nil, err
		}
		if !hasClass(party) {
			return nil, ruleErr(Text{"%s 既不是产废单位也不持有经营许可证，没有管理类别", "%s is neither a generator nor a licence holder: it has no management class"}, party.Name)
		}
		ci, err := classOf(c.tx, party, c.now)
		if err != nil {
			return nil, err
		}
		occurred, err := c.occurred(in.OccurredAt, time.Time{})
		if err != nil {
			return nil, err
		}
		if _, err := c.emit(EvClassSet, party.ID, occurred, ClassSetData{Class: in.Class, Reason: in.Reason, Computed: ci.Computed}); err != nil {
			return nil, err
		}
		party, err = loadParty(c.tx, partyID)
		if err != nil {
			return nil, err
		}
		return withClass(c.tx, party, c.now)
	})
}
