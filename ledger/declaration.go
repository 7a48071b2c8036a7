package ledger

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/catalog"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// Declarations (申报, HJ 1259-2022 7): a generator's figures for a period,
// summarised from the ledger in the shape of tables C.1 (month), C.2
// (quarter) and C.3 (year). The server computes a draft; the generator
// reviews it and files it, with figures it may have adjusted and a note.
// Filing again for a period adds a version. Quantities are tonnes.
//
// How the draft's figures come from the ledger, per waste code (the
// declared quantity of each batch, docs/domain.md "Declarations"):
//
//   - generated_t: batches generated in the period;
//   - own_use: batches its own facility took (picked up in the period by a
//     manifest to itself), by the method it reported;
//   - outsourced: batches picked up in the period for another receiver,
//     by receiver and the method it reported ("" until it has);
//   - opening_t / closing_t: in storage at the start and end of the period:
//     generated before, less what left the site, plus what receivers
//     rejected (returned_t, the period's part).
//
// So opening + generated − own use − outsourced + returned = closing for
// every period in which nothing picked up earlier was rejected.

// DeclarationFigures are a declaration's figures: one row per waste code.
type DeclarationFigures struct {
	Rows []DeclarationRow `json:"rows"`
}

// DeclarationRow is one waste's line of tables C.1–C.3.
type DeclarationRow struct {
	TradeName         string                  `json:"trade_name,omitempty"`
	Name              string                  `json:"name"`
	Category          string                  `json:"category"`
	Code              string                  `json:"code"`
	HarmfulComponents string                  `json:"harmful_components,omitempty"`
	Form              string                  `json:"form,omitempty"`
	Hazards           string                  `json:"hazards"`
	GeneratedT        *float64                `json:"generated_t"`
	OwnUse            []DeclarationUse        `json:"own_use"`
	Outsourced        []DeclarationOutsourced `json:"outsourced"`
	OpeningT          *float64                `json:"opening_t"`
	ReturnedT         *float64                `json:"returned_t"`
	ClosingT          *float64                `json:"closing_t"`
}

// DeclarationUse is own utilisation or disposal by one method.
type DeclarationUse struct {
	Method    string   `json:"method"`
	QuantityT *float64 `json:"quantity_t"`
}

// DeclarationOutsourced is what went to one receiver by one method.
type DeclarationOutsourced struct {
	Province      string   `json:"province"`
	Receiver      string   `json:"receiver,omitempty"`
	ReceiverName  string   `json:"receiver_name"`
	LicenseNumber string   `json:"license_number"`
	Method        string   `json:"method"`
	QuantityT     *float64 `json:"quantity_t"`
}

// DeclarationDraft is the computed figures of a party's period.
type DeclarationDraft struct {
	Party     string             `json:"party"`
	PartyName string             `json:"party_name"`
	Period    string             `json:"period"`
	Kind      string             `json:"kind"`
	Table     string             `json:"table"`
	Class     string             `json:"class"`
	DueAt     time.Time          `json:"due_at"`
	Unit      string             `json:"unit"`
	Figures   DeclarationFigures `json:"figures"`
}

// Declaration is one filed version of a party's declaration.
type Declaration struct {
	ID        string             `json:"id"`
	Party     string             `json:"party"`
	PartyName string             `json:"party_name"`
	Period    string             `json:"period"`
	Kind      string             `json:"kind"`
	Table     string             `json:"table"`
	Version   int                `json:"version"`
	Class     string             `json:"class"`
	Unit      string             `json:"unit"`
	Figures   DeclarationFigures `json:"figures"`
	Note      string             `json:"note"`
	// MatchesLedger: the figures are the draft's, as computed when filed.
	MatchesLedger bool      `json:"matches_ledger"`
	DueAt         time.Time `json:"due_at"`
	// Late: filed after the deadline (at or past DueAt).
	Late       bool      `json:"late"`
	FiledAt    time.Time `json:"filed_at"`
	RecordedAt time.Time `json:"recorded_at"`
	FiledBy    string    `json:"filed_by"`
	EventIndex uint64    `json:"event_index"`
}

// DeclarationInput is POST /parties/{id}/declarations.
type DeclarationInput struct {
	Period     string             `json:"period"`
	Figures    DeclarationFigures `json:"figures"`
	Note       string             `json:"note"`
	OccurredAt *time.Time         `json:"occurred_at"`
}

// DeclarationFiledData is the data of declaration.filed.
type DeclarationFiledData struct {
	ID            string             `json:"id"`
	Party         string             `json:"party"`
	PartyName     string             `json:"party_name"`
	Period        string             `json:"period"`
	Version       int                `json:"version"`
	Class         string             `json:"class"`
	Figures       DeclarationFigures `json:"figures"`
	Note          string             `json:"note"`
	MatchesLedger bool               `json:"matches_ledger"`
	DueAt         time.Time          `json:"due_at"`
}

func applyDeclarationFiled(s proj.Store, e *chain.Event, d *DeclarationFiledData) error {
	per, err := ParsePeriod(d.Period)
	if err != nil {
		return fmt.Errorf("declaration %s: period %q: %w", d.ID, d.Period, err)
	}
	x := Declaration{ID: d.ID, Party: d.Party, PartyName: d.PartyName, Period: d.Period, Kind: per.Kind, Table: per.Table(),
		Version: d.Version, Class: d.Class, Unit: "t", Figures: d.Figures, Note: d.Note, MatchesLedger: d.MatchesLedger,
		DueAt: d.DueAt, Late: !e.OccurredAt.Before(d.DueAt), FiledAt: e.OccurredAt, RecordedAt: e.RecordedAt,
		FiledBy: e.Actor.Party, EventIndex: e.Index}
	if err := setJSON(s, proj.DeclarationKey(x.ID), &x); err != nil {
		return err
	}
	return s.Set(proj.DeclarationVersionKey(x.Party, x.Period, x.Version), []byte(x.ID))
}

func loadDeclaration(s proj.Store, id string) (*Declaration, error) {
	var d Declaration
	ok, err := getJSON(s, proj.DeclarationKey(id), &d)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("declaration", id)
	}
	return &d, nil
}

// declSubject is the subject of a party's declaration_overdue alert for a
// period.
func declSubject(party string, p Period) string { return party + "-decl-" + p.String() }

// tonnes is grams as tonnes (a figure).
func tonnes(g int64) *float64 { t := float64(g) / 1e6; return &t }

// draft computes the figures of party's period.
func (s *Service) draft(r proj.Store, party *Party, per Period, now time.Time) (*DeclarationDraft, error) {
	ci, err := classOf(r, party, now)
	if err != nil {
		return nil, err
	}
	d := &DeclarationDraft{Party: party.ID, PartyName: party.Name, Period: per.String(), Kind: per.Kind, Table: per.Table(),
		Class: ci.Class, DueAt: per.Due().UTC(), Unit: "t"}
	first, last := per.months()[0], per.months()[len(per.months())-1]
	type acc struct {
		generated, opening, left, returned int64
		own, out                           map[[2]string]int64 // [receiver, method]
	}
	codes := map[string]*acc{}
	get := func(code string) *acc {
		a := codes[code]
		if a == nil {
			a = &acc{own: map[[2]string]int64{}, out: map[[2]string]int64{}}
			codes[code] = a
		}
		return a
	}
	if err := proj.EachMonth(r, party.ID, func(_, month, code string, m proj.MonthAgg) error {
		switch {
		case month < first:
			get(code).opening += m.Generated - m.Left + m.Returned
		case month <= last:
			a := get(code)
			a.generated += m.Generated
			a.left += m.Left
			a.returned += m.Returned
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := proj.EachHanded(r, party.ID, func(h proj.Handed) error {
		if h.Month < first || h.Month > last || h.Grams == 0 {
			return nil
		}
		a := get(h.Code)
		if h.Receiver == party.ID {
			a.own[[2]string{h.Receiver, h.Method}] += h.Grams
		} else {
			a.out[[2]string{h.Receiver, h.Method}] += h.Grams
		}
		return nil
	}); err != nil {
		return nil, err
	}
	plan, err := latestPlan(r, party.ID, per.Year)
	if err != nil {
		return nil, err
	}
	receivers := map[string]*Party{}
	for _, code := range sortedKeys(codes) {
		a := codes[code]
		if a.generated == 0 && a.opening == 0 && a.left == 0 && a.returned == 0 && len(a.out) == 0 && len(a.own) == 0 {
			continue
		}
		row := DeclarationRow{Code: code, Category: catalog.CategoryOf(code), GeneratedT: tonnes(a.generated),
			OpeningT: tonnes(a.opening), ReturnedT: tonnes(a.returned), ClosingT: tonnes(a.opening + a.generated - a.left + a.returned),
			OwnUse: []DeclarationUse{}, Outsourced: []DeclarationOutsourced{}}
		if c, err := s.cat.Lookup(code); err == nil {
			row.Name, row.Category, row.Hazards = c.Name, c.Category, c.HazardText
		}
		if plan != nil {
			if g := plan.Sections.generationRow(code); g != nil {
				row.TradeName, row.HarmfulComponents, row.Form = g.TradeName, g.HarmfulComponents, g.Form
			}
		}
		for _, k := range sortedPairs(a.own) {
			row.OwnUse = append(row.OwnUse, DeclarationUse{Method: k[1], QuantityT: tonnes(a.own[k])})
		}
		for _, k := range sortedPairs(a.out) {
			rx := receivers[k[0]]
			if rx == nil {
				if rx, err = loadParty(r, k[0]); err != nil {
					return nil, err
				}
				receivers[k[0]] = rx
			}
			o := DeclarationOutsourced{Province: s.prov, Receiver: rx.ID, ReceiverName: rx.Name, Method: k[1], QuantityT: tonnes(a.out[k])}
			if rx.License != nil {
				o.LicenseNumber = rx.License.Number
			}
			row.Outsourced = append(row.Outsourced, o)
		}
		d.Figures.Rows = append(d.Figures.Rows, row)
	}
	if d.Figures.Rows == nil {
		d.Figures.Rows = []DeclarationRow{}
	}
	return d, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedPairs(m map[[2]string]int64) [][2]string {
	out := make([][2]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i][0] != out[j][0] {
			return out[i][0] < out[j][0]
		}
		return out[i][1] < out[j][1]
	})
	return out
}

// declarant checks that p may read or file partyID's declarations and
// returns the party.
func declarant(r proj.Store, p Principal, partyID string) (*Party, error) {
	if !canSeeFilings(p, partyID) {
		return nil, notFound("party", partyID)
	}
	party, err := loadParty(r, partyID)
	if err != nil {
		return nil, err
	}
	if !party.HasRole(RoleGenerator) {
		return nil, ruleErr(Text{"%s 不是产废单位，无需申报", "%s is not a generator: it files no declarations"}, party.Name)
	}
	return party, nil
}

// DeclarationDraft computes a party's figures for a period ("2026-10",
// "2026-Q3", "2026") from the ledger.
func (s *Service) DeclarationDraft(ctx context.Context, p Principal, partyID, period string) (*DeclarationDraft, error) {
	per, err := ParsePeriod(period)
	if err != nil {
		return nil, invalid("period", periodProblem)
	}
	now := s.Now()
	var out *DeclarationDraft
	err = s.view(func(r *proj.Snapshot) error {
		party, err := declarant(r, p, partyID)
		if err != nil {
			return err
		}
		out, err = s.draft(r, party, per, now)
		return err
	})
	return out, err
}

// FileDeclaration files a generator's declaration for a period that has
// ended (its own party only).
func (s *Service) FileDeclaration(ctx context.Context, p Principal, partyID string, in DeclarationInput) (*Declaration, error) {
	p, err := p.actAs(RoleGenerator, "only a generator files declarations")
	if err != nil {
		return nil, err
	}
	if p.Party != partyID {
		return nil, fmt.Errorf("%w: a generator files declarations for itself only", ErrForbidden)
	}
	f := fieldErrors{}
	per, err := ParsePeriod(in.Period)
	if err != nil {
		f.put("period", periodProblem)
	}
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > 1000 {
		f.add("note", Text{"最多 1000 个字符", "at most 1000 characters"})
	}
	s.checkFigures(f, &in.Figures)
	if err := f.err(); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Declaration, error) {
		if end := per.End(); end.After(c.now) {
			return nil, invalid("period", Text{"%s 尚未结束（至 %s 止）：期满后才能申报", "%s has not ended (it ends %s): a declaration is filed once its period is over"},
				per, end.Format("2006-01-02 15:04 MST"))
		}
		party, err := declarant(c.tx, p, partyID)
		if err != nil {
			return nil, err
		}
		occurred, err := c.occurred(in.OccurredAt, time.Time{})
		if err != nil {
			return nil, err
		}
		draft, err := c.s.draft(c.tx, party, per, c.now)
		if err != nil {
			return nil, err
		}
		n := 0
		if err := proj.EachDeclarationVersion(c.tx, party.ID, per.String(), func(string, int, string) error { n++; return nil }); err != nil {
			return nil, err
		}
		d := DeclarationFiledData{ID: c.s.newID(), Party: party.ID, PartyName: party.Name, Period: per.String(), Version: n + 1,
			Class: draft.Class, Figures: in.Figures, Note: in.Note, MatchesLedger: sameFigures(in.Figures, draft.Figures),
			DueAt: per.Due().UTC()}
		if _, err := c.emit(EvDeclarationFiled, d.ID, occurred, &d); err != nil {
			return nil, err
		}
		if err := c.resolve(AlertDeclarationOverdue, declSubject(party.ID, per), occurred); err != nil {
			return nil, err
		}
		return loadDeclaration(c.tx, d.ID)
	})
}

// checkFigures validates filed figures: known codes and methods, every
// quantity a number of tonnes from 0 up, texts of bounded length. The
// catalogue's name, category and hazards of each code are filled in.
func (s *Service) checkFigures(f fieldErrors, fig *DeclarationFigures) {
	if len(fig.Rows) > 1000 {
		f.add("figures.rows", Text{"最多 1000 行", "at most 1000 rows"})
		return
	}
	num := func(path string, v *float64) {
		switch {
		case v == nil:
			f.add(path, Text{"必填：吨数", "is required: a number of tonnes"})
		case math.IsNaN(*v) || math.IsInf(*v, 0) || *v < 0 || *v > 10_000_000:
			f.add(path, Text{"应为 0 至 10,000,000 的吨数", "must be a number of tonnes from 0 to 10,000,000"})
		}
	}
	text := func(path, v string) {
		if len([]rune(v)) > maxPlanText {
			f.add(path, Text{"最多 %d 个字符", "at most %d characters"}, maxPlanText)
		}
	}
	method := func(path string, v *string) {
		if *v == "" {
			return // not yet reported by the receiver
		}
		if m, ok := catalog.MethodByCode(*v); ok {
			*v = m.Code
		} else {
			f.add(path, Text{"应为利用处置方式代码（如 R9、D10），或留空", "must be a method code such as R9 or D10, or empty"})
		}
	}
	for i := range fig.Rows {
		r, p := &fig.Rows[i], fmt.Sprintf("figures.rows[%d]", i)
		if c, err := s.cat.Lookup(r.Code); err != nil {
			f.put(p+".code", codeProblem(err, r.Code))
		} else {
			r.Code, r.Name, r.Category, r.Hazards = c.Code, c.Name, c.Category, c.HazardText
		}
		text(p+".trade_name", r.TradeName)
		text(p+".harmful_components", r.HarmfulComponents)
		if r.Form != "" && !contains(WasteForms, r.Form) {
			f.add(p+".form", Text{"应为 %s 之一", "must be one of %s"}, strings.Join(WasteForms, ", "))
		}
		num(p+".generated_t", r.GeneratedT)
		num(p+".opening_t", r.OpeningT)
		num(p+".closing_t", r.ClosingT)
		if r.ReturnedT == nil {
			r.ReturnedT = tonnes(0)
		}
		num(p+".returned_t", r.ReturnedT)
		if r.OwnUse == nil {
			r.OwnUse = []DeclarationUse{}
		}
		if r.Outsourced == nil {
			r.Outsourced = []DeclarationOutsourced{}
		}
		for j := range r.OwnUse {
			q := fmt.Sprintf("%s.own_use[%d]", p, j)
			method(q+".method", &r.OwnUse[j].Method)
			num(q+".quantity_t", r.OwnUse[j].QuantityT)
		}
		for j := range r.Outsourced {
			o, q := &r.Outsourced[j], fmt.Sprintf("%s.outsourced[%d]", p, j)
			text(q+".province", o.Province)
			text(q+".receiver_name", o.ReceiverName)
			text(q+".license_number", o.LicenseNumber)
			if strings.TrimSpace(o.ReceiverName) == "" {
				f.add(q+".receiver_name", Text{"必填", "is required"})
			}
			method(q+".method", &o.Method)
			num(q+".quantity_t", o.QuantityT)
		}
	}
}

// sameFigures reports whether filed figures equal the computed ones to the
// gram.
func sameFigures(a, b DeclarationFigures) bool {
	if len(a.Rows) != len(b.Rows) {
		return false
	}
	g := func(v *float64) int64 {
		if v == nil {
			return -1
		}
		return int64(math.Round(*v * 1e6))
	}
	for i := range a.Rows {
		x, y := a.Rows[i], b.Rows[i]
		if x.Code != y.Code || g(x.GeneratedT) != g(y.GeneratedT) || g(x.OpeningT) != g(y.OpeningT) ||
			g(x.ClosingT) != g(y.ClosingT) || g(x.ReturnedT) != g(y.ReturnedT) ||
			len(x.OwnUse) != len(y.OwnUse) || len(x.Outsourced) != len(y.Outsourced) {
			return false
		}
		for j := range x.OwnUse {
			if x.OwnUse[j].Method != y.OwnUse[j].Method || g(x.OwnUse[j].QuantityT) != g(y.OwnUse[j].QuantityT) {
				return false
			}
		}
		for j := range x.Outsourced {
			if x.Outsourced[j].ReceiverName != y.Outsourced[j].ReceiverName || x.Outsourced[j].Method != y.Outsourced[j].Method ||
				g(x.Outsourced[j].QuantityT) != g(y.Outsourced[j].QuantityT) {
				return false
			}
		}
	}
	return true
}

// Declarations lists a party's filed declarations, newest period first and
// each period's versions in order; period "" lists every period.
func (s *Service) Declarations(ctx context.Context, p Principal, partyID, period string) ([]*Declaration, error) {
	if period != "" {
		per, err := ParsePeriod(period)
		if err != nil {
			return nil, invalid("period", periodProblem)
		}
		period = per.String()
	}
	var out []*Declaration
	err := s.view(func(r *proj.Snapshot) error {
		if _, err := declarant(r, p, partyID); err != nil {
			return err
		}
		return proj.EachDeclarationVersion(r, partyID, period, func(_ string, _ int, id string) error {
			d, err := loadDeclaration(r, id)
			if err == nil {
				out = append(out, d)
			}
			return err
		})
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Period > out[j].Period })
	return out, err
}

// Declaration returns one filed declaration the caller may see.
func (s *Service) Declaration(ctx context.Context, p Principal, id string) (*Declaration, error) {
	var out *Declaration
	err := s.view(func(r *proj.Snapshot) error {
		d, err := loadDeclaration(r, id)
		if err != nil {
			return err
		}
		if !canSeeFilings(p, d.Party) {
			return notFound("declaration", id)
		}
		out = d
		return nil
	})
	return out, err
}
