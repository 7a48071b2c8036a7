package ledger

import (
	"context"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/hwledger/hwledger/ledger/workday"
)

// AssessQuery asks for an assessment (考核) over [From, To), rounded to
// whole days in Asia/Shanghai, grouped by "party" (default) or "street".
// Sort orders the rows: a column's JSON name (AssessSortKeys), ascending,
// or with a leading "-" descending; default "rank" (best first), "-rank"
// is worst first. Ties keep rank order.
type AssessQuery struct {
	From, To time.Time
	GroupBy  string
	Sort     string
}

// AssessRow holds one party's or street's figures. How each is computed
// (also in the OpenAPI description, docs/api.md and the README):
//
//   - generated_kg: declared quantity of the batches generated in the period.
//   - medical_generated_kg: the same for medical waste (HW01).
//   - due_kg: the part of generated_kg that is due: batches disposed of, or
//     whose storage limit has passed. A batch still inside its legal storage
//     time (and not disposed of) is not yet due and counts in no rate.
//   - disposed_kg: declared quantity of the batches of the period that have
//     since been utilised or disposed of.
//   - disposal_rate = disposed_kg / due_kg (1 when nothing is due).
//   - medical_disposal_rate: the same for medical waste.
//   - due_batches: the batches of the period that are due (as due_kg).
//   - on_time_rate = 1 − late / due_batches (1 when none is due), where late
//     counts the batches picked up after their storage limit plus those
//     still at the generator past it.
//   - overdue_alerts: storage, transit, receipt and disposal overdue alerts
//     raised against the party in the period.
//   - open_alerts: alerts against the party open now.
//   - discrepancies: batches of the period received with a significant
//     discrepancy or rejected.
//   - avg_days_to_disposal: mean days from generation to disposal of the
//     disposed batches.
//   - score = max(0, 100 − 20·overdue_alerts − 10·discrepancies
//     − 5·(1 − disposal_rate) − 5·(1 − on_time_rate)).
//     The rates together take at most 10 points, one discrepancy 10 and one
//     overdue alert 20, so overdue waste and discrepancies dominate.
//   - rank: 1 is the best; rows are ranked by score, then fewer overdue
//     alerts, then fewer discrepancies, then name.
type AssessRow struct {
	Group               string  `json:"group"` // party id or street
	Name                string  `json:"name"`
	Street              string  `json:"street,omitempty"`
	Batches             int64   `json:"batches"`
	GeneratedKg         Grams   `json:"generated_kg"`
	MedicalGeneratedKg  Grams   `json:"medical_generated_kg"`
	DueKg               Grams   `json:"due_kg"`
	DueBatches          int64   `json:"due_batches"`
	DisposedKg          Grams   `json:"disposed_kg"`
	DisposalRate        float64 `json:"disposal_rate"`
	MedicalDisposalRate float64 `json:"medical_disposal_rate"`
	OnTimeRate          float64 `json:"on_time_rate"`
	OverdueAlerts       int64   `json:"overdue_alerts"`
	OpenAlerts          int64   `json:"open_alerts"`
	Discrepancies       int64   `json:"discrepancies"`
	AvgDaysToDisposal   float64 `json:"avg_days_to_disposal"`
	Score               float64 `json:"score"`
	Rank                int     `json:"rank"`

	medicalDisposed Grams
	medicalDue      Grams // medical part of DueKg
	medicalBatches  int64
	late            int64
	notDue          Grams // generated in the period, not disposed of, inside its storage limit
	medicalNotDue   Grams
	notDueBatches   int64
	disposedBatches int64
	disposalSeconds int64
}

// Assessment is the answer: rows, district totals and the plan's targets.
// District is nil for a party that does not see every group: the district
// totals less its own row would be its neighbours' figures.
type Assessment struct {
	From     time.Time   `json:"from"`
	To       time.Time   `json:"to"`
	GroupBy  string      `json:"group_by"`
	Rows     []AssessRow `json:"rows"`
	District *AssessRow  `json:"district,omitempty"`
	// Targets of the district plan: 100 % hazardous waste utilisation and
	// disposal, 100 % medical waste safe disposal.
	Targets map[string]float64 `json:"targets"`
}

// Assessment computes the assessment. Inspectors and admins see every group
// and the district totals. Any other party sees its own figures only: its
// own row (none for a party that generates nothing, such as a carrier),
// grouped by party whatever q.GroupBy asks, and no district totals. A
// street's row or the district's, less its own, would give away its
// neighbours' figures.
func (s *Service) Assessment(ctx context.Context, p Principal, q AssessQuery) (*Assessment, error) {
	f := fieldErrors{}
	if q.GroupBy == "" {
		q.GroupBy = GroupByParty
	}
	if !contains(AssessGroupings, q.GroupBy) {
		f.add("group_by", Text{"应为以下之一：%s", "must be one of %s"}, strings.Join(AssessGroupings, ", "))
	}
	if q.Sort == "" {
		q.Sort = "rank"
	}
	if _, ok := assessSort[strings.TrimPrefix(q.Sort, "-")]; !ok {
		f.add("sort", Text{"应为以下列名之一（可加前缀 - 表示倒序）：%s", "must be one of %s, each optionally prefixed with -"}, strings.Join(AssessSortKeys, ", "))
	}
	if q.From.IsZero() || q.To.IsZero() {
		f.add("from", Text{"必须填写起止日期", "from and to are required (RFC 3339 or YYYY-MM-DD)"})
	} else if !q.To.After(q.From) {
		f.add("to", Text{"结束日期应晚于开始日期", "must be after from"})
	} else if q.To.Sub(q.From) > 3*366*24*time.Hour {
		f.add("to", Text{"考核期最长三年", "a period is at most three years"})
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	if p.SeesAll() {
		a, err := s.assess(q)
		if err != nil {
			return nil, err
		}
		sortRows(a.Rows, q.Sort)
		return a, nil
	}
	q.GroupBy = GroupByParty
	all, err := s.assess(q)
	if err != nil {
		return nil, err
	}
	own := &Assessment{From: all.From, To: all.To, GroupBy: GroupByParty, Rows: []AssessRow{}, Targets: all.Targets}
	for _, x := range all.Rows {
		if x.Group == p.Party {
			own.Rows = append(own.Rows, x) // ranked among every generator
		}
	}
	return own, nil
}

// assess computes every group's row and the district totals of a valid q.
func (s *Service) assess(q AssessQuery) (*Assessment, error) {
	loc := workday.Shanghai
	first := q.From.In(loc).Format("20060102")
	last := q.To.In(loc).Add(-time.Nanosecond).Format("20060102")
	rows := map[string]*AssessRow{}
	parties := map[string]*Party{}
	row := func(r proj.Store, party string) (*AssessRow, error) {
		if x, ok := rows[party]; ok {
			return x, nil
		}
		pp, err := loadParty(r, party)
		if err != nil {
			return nil, err
		}
		parties[party] = pp
		x := &AssessRow{Group: pp.ID, Name: pp.Name, Street: pp.Street}
		rows[party] = x
		return x, nil
	}
	err := s.view(func(r *proj.Snapshot) error {
		// Every generator gets a row, even one with nothing in the period.
		if err := proj.EachParty(r, string(RoleGenerator), func(id string) error {
			_, err := row(r, id)
			return err
		}); err != nil {
			return err
		}
		if err := r.EachDayAgg(first, last, func(party string, a proj.DayAgg) error {
			x, err := row(r, party)
			if err != nil {
				return err
			}
			x.Batches += a.Batches
			x.GeneratedKg += Grams(a.Generated)
			x.MedicalGeneratedKg += Grams(a.Medical)
			x.medicalBatches += a.MedicalBatches
			x.DisposedKg += Grams(a.Disposed)
			x.medicalDisposed += Grams(a.MedicalDisposed)
			x.disposedBatches += a.DisposedBatches
			x.disposalSeconds += a.DisposalSeconds
			x.late += a.LatePickups
			x.Discrepancies += a.Discrepancies
			x.OverdueAlerts += a.OverdueAlerts
			return nil
		}); err != nil {
			return err
		}
		// Batches of the period not yet due: not disposed of and still
		// inside their storage limit. They are taken out of due_kg.
		now := s.Now()
		for _, st := range notDisposed {
			if err := eachWasteIn(r, proj.WastesInStatus(st), func(w *Waste) {
				x, ok := rows[w.Generator]
				if !ok || !now.Before(w.StorageDeadline) {
					return
				}
				if d := w.GeneratedAt.In(loc).Format("20060102"); d < first || d > last {
					return
				}
				x.notDue += w.Quantity
				x.notDueBatches++
				if w.Medical {
					x.medicalNotDue += w.Quantity
				}
			}); err != nil {
				return err
			}
		}
		// Open alerts now, and batches of the period still stored past
		// their limit (they count as late).
		return proj.EachID(r, proj.AlertsInStatus(AlertOpen), func(id string) error {
			a, err := loadAlert(r, id)
			if err != nil {
				return err
			}
			x, ok := rows[a.Party]
			if !ok {
				return nil
			}
			x.OpenAlerts++
			if a.Kind == AlertStorageOverdue {
				if w, err := loadWaste(r, a.Subject); err == nil && (w.Status == WasteStored || w.Status == WasteManifested) {
					d := w.GeneratedAt.In(loc).Format("20060102")
					if d >= first && d <= last {
						x.late++
					}
				}
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	var district AssessRow
	grouped := map[string]*AssessRow{}
	for id, x := range rows {
		if !parties[id].HasRole(RoleGenerator) {
			continue
		}
		add(&district, x)
		g := x
		if q.GroupBy == GroupByStreet {
			if grouped[x.Street] == nil {
				grouped[x.Street] = &AssessRow{Group: x.Street, Name: x.Street}
			}
			add(grouped[x.Street], x)
			continue
		}
		grouped[id] = g
	}
	out := &Assessment{From: q.From.UTC(), To: q.To.UTC(), GroupBy: q.GroupBy, Rows: []AssessRow{},
		Targets: map[string]float64{"disposal_rate": 1, "medical_disposal_rate": 1}}
	for _, x := range grouped {
		finish(x)
		out.Rows = append(out.Rows, *x)
	}
	sort.Slice(out.Rows, func(i, j int) bool { return better(&out.Rows[i], &out.Rows[j]) })
	for i := range out.Rows {
		out.Rows[i].Rank = i + 1
	}
	district.Group, district.Name = "district", "全区 district"
	finish(&district)
	out.District = &district
	return out, nil
}

func add(dst, x *AssessRow) {
	dst.Batches += x.Batches
	dst.GeneratedKg += x.GeneratedKg
	dst.MedicalGeneratedKg += x.MedicalGeneratedKg
	dst.DisposedKg += x.DisposedKg
	dst.medicalDisposed += x.medicalDisposed
	dst.medicalBatches += x.medicalBatches
	dst.disposedBatches += x.disposedBatches
	dst.disposalSeconds += x.disposalSeconds
	dst.late += x.late
	dst.notDue += x.notDue
	dst.medicalNotDue += x.medicalNotDue
	dst.notDueBatches += x.notDueBatches
	dst.Discrepancies += x.Discrepancies
	dst.OverdueAlerts += x.OverdueAlerts
	dst.OpenAlerts += x.OpenAlerts
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 1
	}
	return math.Min(1, a/b)
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

// finish derives the rates and the score of a row.
func finish(x *AssessRow) {
	x.DueKg = x.GeneratedKg - x.notDue
	x.DueBatches = x.Batches - x.notDueBatches
	x.medicalDue = x.MedicalGeneratedKg - x.medicalNotDue
	x.DisposalRate = round(ratio(float64(x.DisposedKg), float64(x.DueKg)), 4)
	x.MedicalDisposalRate = round(ratio(float64(x.medicalDisposed), float64(x.medicalDue)), 4)
	x.OnTimeRate = round(1-ratio(float64(x.late), float64(x.Batches-x.notDueBatches)), 4)
	if x.Batches-x.notDueBatches <= 0 {
		x.OnTimeRate = 1
	}
	if x.disposedBatches > 0 {
		x.AvgDaysToDisposal = round(float64(x.disposalSeconds)/float64(x.disposedBatches)/86400, 2)
	}
	x.Score = round(math.Max(0, 100-
		20*float64(x.OverdueAlerts)-
		10*float64(x.Discrepancies)-
		5*(1-x.DisposalRate)-
		5*(1-x.OnTimeRate)), 2)
}

// better reports whether a ranks before b: higher score, then fewer
// overdue alerts, then fewer discrepancies, then name.
func better(a, b *AssessRow) bool {
	switch {
	case a.Score != b.Score:
		return a.Score > b.Score
	case a.OverdueAlerts != b.OverdueAlerts:
		return a.OverdueAlerts < b.OverdueAlerts
	case a.Discrepancies != b.Discrepancies:
		return a.Discrepancies < b.Discrepancies
	}
	return a.Name < b.Name
}

// eachWasteIn calls fn with every batch of list.
func eachWasteIn(r *proj.Snapshot, list proj.List, fn func(w *Waste)) error {
	it, err := r.Iter(list, []byte{0xff})
	if err != nil {
		return err
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		w, err := loadWasteAt(r, it.Seq())
		if err != nil {
			return err
		}
		fn(w)
	}
	return it.Err()
}
