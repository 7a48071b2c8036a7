package web

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
)

// The generator's HJ 1259 paperwork (its class, plans, the 台账 and
// declarations) and the inspector's view of who filed and who did not.

type filingsData struct {
	Class   *ledger.ClassInfo
	Plans   []*ledger.Plan
	Decls   []*ledger.Declaration
	Period  string
	Draft   *ledger.DeclarationDraft
	Lines   []ledger.DeclarationLine
	Periods []string
	Errors  map[string]string
	Detail  string
	Filed   *ledger.Declaration
}

// filingsPage is the generator's own paperwork: its class, its plans, a
// declaration draft of a chosen period to review and file, and what it
// has filed.
func (h *Handler) filingsPage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleGenerator)
	if !ok {
		return
	}
	d, err := h.filingsData(r, st, r.URL.Query().Get("period"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "filings", "fil.title", d)
}

func (h *Handler) filingsData(r *http.Request, st *state, period string) (*filingsData, error) {
	ctx, me := r.Context(), st.p
	ci, err := h.svc.ManagementClass(ctx, me, me.Party)
	if err != nil {
		return nil, err
	}
	d := &filingsData{Class: ci}
	if d.Plans, err = h.svc.Plans(ctx, me, me.Party, 0); err != nil {
		return nil, err
	}
	if d.Decls, err = h.svc.Declarations(ctx, me, me.Party, ""); err != nil {
		return nil, err
	}
	now := h.svc.Now().In(shanghai)
	prev := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, shanghai).AddDate(0, -1, 0)
	q := (int(prev.Month())-1)/3 + 1
	d.Periods = []string{prev.Format("2006-01"), strconv.Itoa(prev.Year()) + "-Q" + strconv.Itoa(q), strconv.Itoa(now.Year() - 1)}
	if period == "" {
		period = map[string]string{ledger.ClassKey: d.Periods[0], ledger.ClassSimplified: d.Periods[1]}[ci.Class]
		if period == "" {
			period = d.Periods[2]
		}
	}
	d.Period = period
	if d.Draft, err = h.svc.DeclarationDraft(ctx, me, me.Party, period); err != nil {
		var ve *ledger.ValidationError
		if !errors.As(err, &ve) {
			return nil, err
		}
		_, _, _, d.Errors = classify(st.lang, err)
		d.Draft = nil
	} else {
		d.Lines = d.Draft.Figures.Lines()
	}
	return d, nil
}

// fileDeclaration files the draft of the chosen period as computed, with
// the generator's note.
func (h *Handler) fileDeclaration(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleGenerator)
	if !ok {
		return
	}
	period := r.PostFormValue("period")
	draft, err := h.svc.DeclarationDraft(r.Context(), st.p, st.p.Party, period)
	if err == nil {
		_, err = h.svc.FileDeclaration(r.Context(), st.p, st.p.Party, ledger.DeclarationInput{Period: period, Figures: draft.Figures,
			Note: r.PostFormValue("note")})
	}
	if err != nil {
		d, derr := h.filingsData(r, st, period)
		if derr != nil {
			h.fail(w, r, derr)
			return
		}
		status, _, detail, fields := classify(st.lang, err)
		d.Errors, d.Detail = fields, detail
		h.render(w, r, status, "filings", "fil.title", d)
		return
	}
	http.Redirect(w, r, "/filings?period="+period+"&filed=1", http.StatusSeeOther)
}

// declarationDownload answers a draft (?period=) or a filed declaration
// (?id=) as XLSX, or CSV with ?format=csv.
func (h *Handler) declarationDownload(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleGenerator, ledger.RoleInspector, ledger.RoleAdmin)
	if !ok {
		return
	}
	q := r.URL.Query()
	var sheet httpx.Sheet
	name := "declaration"
	if id := q.Get("id"); id != "" {
		d, err := h.svc.Declaration(r.Context(), st.p, id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		sheet = httpx.DeclarationSheet(d.Kind, d.Table, d.PartyName+" "+d.Period+" 危险废物申报（第 "+strconv.Itoa(d.Version)+" 版）", &d.Figures)
		name += "-" + d.Period + "-v" + strconv.Itoa(d.Version)
	} else {
		d, err := h.svc.DeclarationDraft(r.Context(), st.p, st.p.Party, q.Get("period"))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		sheet = httpx.DeclarationSheet(d.Kind, d.Table, d.PartyName+" "+d.Period+" 危险废物申报（草稿）", &d.Figures)
		name += "-" + d.Period
	}
	h.download(w, r, q.Get("format"), name, []httpx.Sheet{sheet})
}

// download writes sheets as XLSX (or CSV, the first sheet), buffered so
// an error still answers an error page.
func (h *Handler) download(w http.ResponseWriter, r *http.Request, format, name string, sheets []httpx.Sheet) {
	var b bytes.Buffer
	ctype := httpx.XLSXType
	var err error
	if format == "csv" {
		ctype, name = "text/csv; charset=utf-8", name+".csv"
		b.WriteString("\ufeff") // spreadsheet programs read UTF-8 by its byte-order mark
		err = httpx.WriteCSVTable(&b, sheets[0])
	} else {
		name += ".xlsx"
		err = httpx.WriteXLSX(&b, sheets)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = b.WriteTo(w)
}

type bookData struct {
	Party   string
	Record  string
	Records []string
	From    string
	To      string
	Rows    []ledger.BookRow
	More    bool
	Cols    []string
}

// bookQuery reads the 台账 page's ?from=&to= (dates; default this year)
// and ?record=.
func (h *Handler) bookQuery(r *http.Request) (ledger.BookQuery, string, string, error) {
	q := r.URL.Query()
	now := h.svc.Now().In(shanghai)
	from, to := q.Get("from"), q.Get("to")
	if from == "" {
		from = strconv.Itoa(now.Year()) + "-01-01"
	}
	if to == "" {
		to = now.Format(dateOnly)
	}
	f, err1 := time.ParseInLocation(dateOnly, from, shanghai)
	t, err2 := time.ParseInLocation(dateOnly, to, shanghai)
	if err1 != nil || err2 != nil {
		return ledger.BookQuery{}, from, to, &ledger.ValidationError{Fields: map[string]string{"from": "must be a date YYYY-MM-DD"},
			FieldsZh: map[string]string{"from": "应为日期 YYYY-MM-DD"}}
	}
	rec := q.Get("record")
	if rec == "" {
		rec = ledger.BookGeneration
	}
	return ledger.BookQuery{From: f, To: t.AddDate(0, 0, 1), Record: rec}, from, to, nil
}

// bookParty is whose 台账 is asked for: the generator's own, or for an
// inspector ?party=.
func bookParty(r *http.Request, st *state) string {
	if p := r.URL.Query().Get("party"); p != "" && st.p.SeesAll() {
		return p
	}
	return st.p.Party
}

// bookPage shows up to 200 records of one type of a party's 台账.
func (h *Handler) bookPage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleGenerator, ledger.RoleInspector, ledger.RoleAdmin)
	if !ok {
		return
	}
	q, from, to, err := h.bookQuery(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := bookData{Party: bookParty(r, st), Record: q.Record, Records: ledger.BookRecords, From: from, To: to}
	d.Cols = ledger.Headings(ledger.BookColumns[q.Record])
	err = h.svc.LedgerBook(r.Context(), st.p, d.Party, q, func(row ledger.BookRow) error {
		if len(d.Rows) == 200 {
			d.More = true
			return errFull
		}
		d.Rows = append(d.Rows, row)
		return nil
	})
	if err != nil && err != errFull {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "book", "book.title", d)
}

var errFull = errors.New("page full")

// bookDownload answers the 台账 as XLSX (every record type) or CSV with
// ?format=csv (the ?record= type).
func (h *Handler) bookDownload(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleGenerator, ledger.RoleInspector, ledger.RoleAdmin)
	if !ok {
		return
	}
	q, _, _, err := h.bookQuery(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	party := bookParty(r, st)
	records := ledger.BookRecords
	if r.URL.Query().Get("format") == "csv" {
		records = []string{q.Record}
	}
	var sheets []httpx.Sheet
	for _, rec := range records {
		rq := q
		rq.Record = rec
		sheets = append(sheets, httpx.BookSheet(rec, func(fn func(ledger.BookRow) error) error {
			return h.svc.LedgerBook(r.Context(), st.p, party, rq, fn)
		}))
	}
	h.download(w, r, r.URL.Query().Get("format"), "ledger-book", sheets)
}

type complianceData struct {
	Year    int
	Period  string
	Rows    []ledger.FilingStatus
	Classes map[string]ledger.ClassInfo
	Names   []string
	Errors  map[string]string
}

// compliancePage is the inspector's view: every generator's class (with a
// form to set it), its plan of the year and its declaration of a period.
func (h *Handler) compliancePage(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleInspector, ledger.RoleAdmin)
	if !ok {
		return
	}
	d, err := h.complianceData(r, st)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "compliance", "comp.title", d)
}

func (h *Handler) complianceData(r *http.Request, st *state) (*complianceData, error) {
	q := r.URL.Query()
	year, _ := strconv.Atoi(q.Get("year"))
	rows, err := h.svc.Filings(r.Context(), st.p, ledger.FilingsQuery{Year: year, Period: strings.TrimSpace(q.Get("period"))})
	if err != nil {
		return nil, err
	}
	cs, err := h.svc.Classes(r.Context(), st.p)
	if err != nil {
		return nil, err
	}
	d := &complianceData{Rows: rows, Classes: map[string]ledger.ClassInfo{}, Names: ledger.ManagementClasses, Year: year,
		Period: q.Get("period")}
	for _, c := range cs {
		d.Classes[c.Party] = c
	}
	if d.Year == 0 {
		d.Year = h.svc.Now().In(shanghai).Year()
	}
	if d.Period == "" {
		d.Period = strconv.Itoa(d.Year - 1)
	}
	return d, nil
}

// setClass records an inspector's decision of a party's class.
func (h *Handler) setClass(w http.ResponseWriter, r *http.Request) {
	st, ok := h.need(w, r, ledger.RoleInspector)
	if !ok {
		return
	}
	_, err := h.svc.SetManagementClass(r.Context(), st.p, r.PathValue("id"), ledger.ClassInput{Class: r.PostFormValue("class"),
		Reason: r.PostFormValue("reason")})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/compliance", http.StatusSeeOther)
}
