package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/catalog"
)

// wasteRow is a batch with its storage clock.
type wasteRow struct {
	*ledger.Waste
	Clock deadline
}

type inventoryData struct {
	Rows       []wasteRow
	Status     string
	Code       string
	Overdue    bool // only batches past their limit
	Soon       bool // only batches whose bar is amber (即将到期)
	Held       bool // a generator's own batches still held, by storage deadline
	HeldFirst  bool // a generator's list: Held unless ?status= says otherwise
	Statuses   []string
	NextCursor string
	Names      names
	Assess     *ledger.AssessRow // a generator's own row, this year to date
	Year       int
	Alerts     []*ledger.Alert // a party's own alerts asking for attention now
}

// heldStatuses are the statuses of a batch its holder still keeps: they
// have a storage clock (storageClock).
var heldStatuses = []string{ledger.WasteStored, ledger.WasteManifested, ledger.WasteRejected}

// EmptyKey is the message of an empty list, saying what the filter found
// (inv.empty.code takes the code, inv.empty.status the status's name).
func (d inventoryData) EmptyKey() string {
	switch {
	case d.Code != "":
		return "inv.empty.code"
	case d.Overdue && d.Soon:
		return "inv.empty.both"
	case d.Overdue:
		return "inv.empty.overdue"
	case d.Soon:
		return "inv.empty.soon"
	case d.Held:
		return "inv.empty.held"
	case d.Status != "" && d.Status != "all":
		return "inv.empty.status"
	}
	return "inv.empty"
}

// inventory lists the generator's batches (inspectors: all) with a
// deadline bar each, filtered by status, code, overdue and due soon. A
// generator's list starts with every batch it still holds, the nearest
// storage deadline first (?status=all: every batch, as the ledger pages
// them); an inspector's or a collector's is the ledger's pages.
func (h *Handler) inventory(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleGenerator, ledger.RoleCollector, ledger.RoleInspector, ledger.RoleAdmin)
	if !ok {
		return
	}
	q := r.URL.Query()
	status := q.Get("status")
	f := ledger.WasteFilter{Status: status, Code: strings.TrimSpace(q.Get("code"))}
	if status == "all" {
		f.Status = ""
	}
	overdue := q.Get("overdue") == "1"
	if overdue {
		f.Overdue = &overdue
	}
	n, err := h.partyNames(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now, rules := h.svc.Now(), h.svc.Rules()
	d := inventoryData{Status: status, Code: f.Code, Overdue: overdue, Soon: q.Get("soon") == "1", Statuses: ledger.WasteStatuses, Names: n,
		HeldFirst: !st.p.SeesAll() && st.p.Has(ledger.RoleGenerator)}
	d.Held = d.HeldFirst && status == ""
	d.Soon = d.Soon && d.HeldFirst // a generator's batches are few; a district's are paged
	var items []*ledger.Waste
	if d.Held {
		for _, s := range heldStatuses {
			f.Status = s
			all, err := h.allWastes(r, st.p, f)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			items = append(items, all...)
		}
		slices.SortStableFunc(items, func(a, b *ledger.Waste) int { return a.StorageDeadline.Compare(b.StorageDeadline) })
	} else {
		list, err := h.svc.Wastes(r.Context(), st.p, f, ledger.Page{Limit: 100, Cursor: q.Get("cursor")})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		items, d.NextCursor = list.Items, list.NextCursor
	}
	for _, x := range items {
		row := wasteRow{x, storageClock(x, now, rules)}
		if d.Soon && row.Clock.Level != "warn" {
			continue
		}
		d.Rows = append(d.Rows, row)
	}
	if !st.p.SeesAll() {
		if d.Alerts, err = h.currentAlerts(r.Context(), st.p, ledger.AlertFilter{}); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if !st.p.SeesAll() && st.p.Has(ledger.RoleGenerator) {
		d.Year = now.In(shanghai).Year()
		// The Service scopes the assessment to the caller: its own row, ranked
		// among all generators. The inventory still shows if it fails.
		if a, err := h.assess(r.Context(), st.p, yearToDate(now), ledger.GroupByParty, ""); err != nil {
			h.lg.Warn("web: own assessment", "party", st.p.Party, "err", err)
		} else {
			for i := range a.Rows {
				if a.Rows[i].Group == st.p.Party {
					d.Assess = &a.Rows[i]
				}
			}
		}
	}
	h.render(w, r, http.StatusOK, "inventory", "inv.title", d)
}

// allWastes pages through every batch matching f.
func (h *Handler) allWastes(r *http.Request, p ledger.Principal, f ledger.WasteFilter) ([]*ledger.Waste, error) {
	return allPages(func(pg ledger.Page) (ledger.List[*ledger.Waste], error) { return h.svc.Wastes(r.Context(), p, f, pg) })
}

// wasteForm is the registration form as typed, kept to re-show on errors.
type wasteForm struct {
	Code, Name, MainComponents, Form, Quantity, ContainerType, ContainerCount, GeneratedAt, Storage string
	ContainerVolume                                                                                 string // litres, optional
	IdentNumber, IdentBy, IdentAt                                                                   string
	Hazards                                                                                         []string
	// CountConfirmed is the container count the person confirmed when the
	// form asked (countQuestion); AskCount: the form asks now.
	CountConfirmed string
	AskCount       bool
}

// dateOnly is the value format of <input type="date">.
const dateOnly = "2006-01-02"

// ShowIdent reports whether the form shows the identification report's
// fields without the picker: for a 900-000-xx code, or when some are filled.
func (f wasteForm) ShowIdent() bool {
	d := strings.ReplaceAll(strings.TrimSpace(f.Code), "-", "")
	return strings.HasPrefix(d, "900000") || f.IdentNumber != "" || f.IdentBy != "" || f.IdentAt != ""
}

type newWasteData struct {
	F          wasteForm
	Industries []catalog.Industry // for the picker's industry filter
	Forms      []string
	Hazards    []string
	Errors     map[string]string
	Detail     string
}

func (h *Handler) newWasteData(f wasteForm) newWasteData {
	return newWasteData{F: f, Industries: h.svc.Catalog().At(h.svc.Now()).Industries(), Forms: ledger.WasteForms, Hazards: catalog.Hazards}
}

// newWastePage shows the registration form.
func (h *Handler) newWastePage(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.need(w, r, ledger.RoleGenerator); !ok {
		return
	}
	f := wasteForm{Form: ledger.FormSolid, ContainerCount: "1",
		GeneratedAt: h.svc.Now().In(shanghai).Format(dateTimeLocal)}
	h.render(w, r, http.StatusOK, "waste_new", "reg.title", h.newWasteData(f))
}

// dateTimeLocal is the value format of <input type="datetime-local">.
const dateTimeLocal = "2006-01-02T15:04"

// newWaste registers a batch and shows it (with its label link).
func (h *Handler) newWaste(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleGenerator)
	if !ok {
		return
	}
	f := wasteForm{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), MainComponents: r.PostFormValue("main_components"),
		Form: r.PostFormValue("form"), Quantity: r.PostFormValue("quantity_kg"), ContainerType: r.PostFormValue("container_type"),
		ContainerCount: r.PostFormValue("container_count"), ContainerVolume: r.PostFormValue("container_volume_l"), GeneratedAt: r.PostFormValue("generated_at"),
		Storage: r.PostFormValue("storage"), Hazards: r.PostForm["hazards"],
		IdentNumber: r.PostFormValue("ident_number"), IdentBy: r.PostFormValue("ident_by"), IdentAt: r.PostFormValue("ident_at"),
		CountConfirmed: r.PostFormValue("count_confirmed")}
	errs := map[string]string{}
	in := ledger.WasteInput{Code: strings.TrimSpace(f.Code), Name: strings.TrimSpace(f.Name), MainComponents: f.MainComponents,
		Form: f.Form, Hazards: f.Hazards, Storage: strings.TrimSpace(f.Storage),
		Container: ledger.Container{Type: strings.TrimSpace(f.ContainerType)}}
	if f.IdentNumber != "" || f.IdentBy != "" || f.IdentAt != "" {
		in.Identification = &ledger.Identification{ReportNumber: f.IdentNumber, IssuedBy: f.IdentBy}
		if f.IdentAt != "" {
			if t, err := time.ParseInLocation(dateOnly, f.IdentAt, shanghai); err != nil {
				errs["identification.issued_at"] = translate(st.lang, "err.date")
			} else {
				in.Identification.IssuedAt = t
			}
		}
	}
	// Only the code's digits matter; the picker may add " 名称" after them.
	if i := strings.IndexByte(in.Code, ' '); i > 0 {
		in.Code = in.Code[:i]
	}
	if g, err := parseKg(f.Quantity); err != nil {
		errs["quantity_kg"] = translate(st.lang, "err.kg")
	} else {
		in.Quantity = g
	}
	if n, err := strconv.Atoi(strings.TrimSpace(f.ContainerCount)); err != nil {
		errs["container.count"] = translate(st.lang, "err.count")
	} else {
		in.Container.Count = n
	}
	if v := strings.TrimSpace(f.ContainerVolume); v != "" {
		if l, err := strconv.ParseFloat(v, 64); err != nil {
			errs["container.volume_l"] = translate(st.lang, "err.litres")
		} else {
			in.Container.VolumeL = l
		}
	}
	if t, err := time.ParseInLocation(dateTimeLocal, f.GeneratedAt, shanghai); err != nil {
		errs["generated_at"] = translate(st.lang, "err.datetime")
	} else {
		in.GeneratedAt = t
	}
	if len(errs) == 0 && f.CountConfirmed != f.ContainerCount {
		q, err := h.countQuestion(r.Context(), st.p, st.lang, in)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if q != "" {
			errs["container.count"], f.AskCount = q, true
		}
	}
	if len(errs) == 0 {
		wst, err := h.svc.RegisterWaste(r.Context(), st.p, in)
		if err == nil {
			http.Redirect(w, r, "/wastes/"+wst.ID+"?new=1", http.StatusSeeOther)
			return
		}
		status, key, detail, fields := classify(st.lang, err)
		if status != http.StatusBadRequest && status != http.StatusUnprocessableEntity {
			h.fail(w, r, err)
			return
		}
		for k, v := range fields {
			errs[k] = v
		}
		if len(errs) == 0 {
			errs["_"] = translate(st.lang, key) + " " + detail
		}
	}
	d := h.newWasteData(f)
	d.Errors = errs
	h.render(w, r, http.StatusBadRequest, "waste_new", "reg.title", d)
}

// parseKg reads kilograms with at most 3 decimals.
func parseKg(s string) (ledger.Grams, error) {
	var g ledger.Grams
	err := g.UnmarshalJSON([]byte(strings.TrimSpace(s)))
	return g, err
}

type wasteData struct {
	W        *ledger.Waste
	Clock    deadline
	Names    names
	New      bool
	Methods  []catalog.Method // methods the receiver may use on it, when it may dispose
	Category catalog.Category
	Code     catalog.Code
	Alerts   []*ledger.Alert // about this batch, asking for attention now
}

// wastePage shows one batch. A batch the party may not see is "not found".
func (h *Handler) wastePage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r)
	if !ok {
		return
	}
	x, err := h.svc.Waste(r.Context(), st.p, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.partyNames(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := wasteData{W: x, Clock: storageClock(x, h.svc.Now(), h.svc.Rules()), Names: n, New: r.URL.Query().Get("new") == "1"}
	e := h.svc.BatchEdition(x)
	d.Category, _ = e.Category(x.Category)
	d.Code, _ = e.Lookup(x.Code)
	if x.Status == ledger.WasteReceived && x.Receiver == st.p.Party {
		d.Methods = disposalMethods(st.party, x)
	}
	f := ledger.AlertFilter{}
	if st.p.SeesAll() {
		f.Party = x.Generator // not every alert of the district
	}
	alerts, err := h.currentAlerts(r.Context(), st.p, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, a := range alerts {
		if a.Subject == x.ID {
			d.Alerts = append(d.Alerts, a)
		}
	}
	h.render(w, r, http.StatusOK, "waste", "waste.title", d)
}

// pickLimit is how many codes the picker shows for one search: enough to
// choose from on a phone, small enough to send at once.
const pickLimit = 30

// pickItem is one code in the picker's results.
type pickItem struct {
	Code             string          `json:"code"`
	Category         string          `json:"category"`
	Name             string          `json:"name"`
	NameEn           string          `json:"name_en,omitempty"`
	Industry         string          `json:"industry"`
	Hazards          string          `json:"hazards"`    // as printed
	HazardSet        []string        `json:"hazard_set"` // every letter named
	Medical          bool            `json:"medical"`
	ByIdentification bool            `json:"by_identification,omitempty"`
	Exemptions       []pickExemption `json:"exemptions,omitempty"`
}

// pickExemption is an exemption row as the picker shows it.
type pickExemption struct {
	Item      int    `json:"item"`
	Stage     string `json:"stage"`
	Condition string `json:"condition"`
	Effect    string `json:"effect"`
}

// pickAnswer is GET /ui/catalog.json.
type pickAnswer struct {
	Items []pickItem `json:"items"`
	More  bool       `json:"more"` // there are more matches than shown
}

// catalogJSON answers the registration picker's searches: ?q= (code or
// words, as for GET /api/v1/catalog/codes) and ?industry=, in the edition
// in force, at most pickLimit codes.
func (h *Handler) catalogJSON(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.need(w, r); !ok {
		return
	}
	q := catalog.Query{Text: r.URL.Query().Get("q"), Industry: r.URL.Query().Get("industry"), Limit: pickLimit + 1}
	codes := h.svc.Catalog().At(h.svc.Now()).Find(q)
	out := pickAnswer{Items: []pickItem{}, More: len(codes) > pickLimit}
	for i, k := range codes {
		if i == pickLimit {
			break
		}
		it := pickItem{Code: k.Code, Category: k.Category, Name: k.Name, NameEn: k.NameEn, Industry: k.Industry,
			Hazards: k.HazardText, HazardSet: k.Hazards, Medical: k.Medical, ByIdentification: k.ByIdentification}
		for _, x := range k.Exemptions {
			it.Exemptions = append(it.Exemptions, pickExemption{Item: x.Item, Stage: x.Stage, Condition: x.Condition, Effect: x.Effect})
		}
		out.Items = append(out.Items, it)
	}
	writeJSON(w, http.StatusOK, out)
}
