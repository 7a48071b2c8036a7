package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// The generator's HJ 1259 filings: management class, plans, the 台账 and
// declarations (docs/api.md, "Management class, plans, the 台账 and
// declarations").

func (s *Server) filingRoutes() []route {
	return []route{
		{method: http.MethodGet, path: "/management-classes", roles: seesEvents, handler: s.listClasses},
		{method: http.MethodGet, path: "/parties/:id/management-class", handler: s.getClass},
		{method: http.MethodPut, path: "/parties/:id/management-class", roles: inspector, handler: s.setClass},
		{method: http.MethodPost, path: "/parties/:id/plans", roles: generator, handler: s.filePlan},
		{method: http.MethodGet, path: "/parties/:id/plans", handler: s.listPlans},
		{method: http.MethodGet, path: "/plans/:id", handler: s.getPlan},
		{method: http.MethodGet, path: "/parties/:id/ledger-book", handler: s.ledgerBook},
		{method: http.MethodGet, path: "/parties/:id/declarations/draft", handler: s.declarationDraft},
		{method: http.MethodPost, path: "/parties/:id/declarations", roles: generator, handler: s.fileDeclaration},
		{method: http.MethodGet, path: "/parties/:id/declarations", handler: s.listDeclarations},
		{method: http.MethodGet, path: "/declarations/:id", handler: s.getDeclaration},
		{method: http.MethodGet, path: "/filings", roles: seesEvents, handler: s.filings},
	}
}

// ClassList is GET /management-classes.
type ClassList = ledger.List[ledger.ClassInfo]

// PlanList is GET /parties/{id}/plans.
type PlanList = ledger.List[*ledger.Plan]

// DeclarationList is GET /parties/{id}/declarations.
type DeclarationList = ledger.List[*ledger.Declaration]

// BookList is a page of the 台账.
type BookList = ledger.List[ledger.BookRow]

// FilingList is GET /filings.
type FilingList = ledger.List[ledger.FilingStatus]

// pageOf answers one page of all, paged by offset (?limit=, ?cursor=).
func pageOf[T any](c echo.Context, all []T) (ledger.List[T], error) {
	out := ledger.List[T]{Items: []T{}}
	pg, err := page(c)
	if err != nil {
		return out, err
	}
	off, err := offset(pg)
	if err != nil {
		return out, err
	}
	for i := off; i < len(all) && len(out.Items) < pg.Limit; i++ {
		out.Items = append(out.Items, all[i])
	}
	if off+len(out.Items) < len(all) {
		out.NextCursor = strconv.Itoa(off + len(out.Items))
	}
	return out, nil
}

// respondPage answers err, or one page of all (pageOf).
func respondPage[T any](c echo.Context, all []T, err error) error {
	if err != nil {
		return err
	}
	out, err := pageOf(c, all)
	if err != nil {
		return err
	}
	return ok(c, out)
}

func offset(pg ledger.Page) (int, error) {
	if pg.Cursor == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(pg.Cursor)
	if err != nil || n < 0 {
		return 0, badRequest("cursor", "is not a cursor from this server")
	}
	return n, nil
}

func (s *Server) listClasses(c echo.Context) error {
	all, err := s.svc.Classes(c.Request().Context(), principal(c))
	return respondPage(c, all, err)
}

func (s *Server) getClass(c echo.Context) error {
	ci, err := s.svc.ManagementClass(c.Request().Context(), principal(c), c.Param("id"))
	return respond(c, ci, err)
}

func (s *Server) setClass(c echo.Context) error {
	var in ledger.ClassInput
	if err := bind(c, &in); err != nil {
		return err
	}
	p, err := s.svc.SetManagementClass(c.Request().Context(), principal(c), c.Param("id"), in)
	return respond(c, p, err)
}

func (s *Server) filePlan(c echo.Context) error {
	var in ledger.PlanInput
	if err := bind(c, &in); err != nil {
		return err
	}
	p, err := s.svc.FilePlan(c.Request().Context(), principal(c), c.Param("id"), in)
	return respondCreated(c, p, err)
}

// yearQuery reads an optional ?year= (0: none).
func yearQuery(c echo.Context) (int, error) {
	v := c.QueryParam("year")
	if v == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 9998 {
		return 0, badRequest("year", "must be a year such as 2026")
	}
	return y, nil
}

func (s *Server) listPlans(c echo.Context) error {
	year, err := yearQuery(c)
	if err != nil {
		return err
	}
	all, err := s.svc.Plans(c.Request().Context(), principal(c), c.Param("id"), year)
	return respondPage(c, all, err)
}

func (s *Server) getPlan(c echo.Context) error {
	p, err := s.svc.Plan(c.Request().Context(), principal(c), c.Param("id"))
	return respond(c, p, err)
}

// bookQuery reads ?from=, ?to= (dates or times; default: this year so
// far) and ?record=.
func (s *Server) bookQuery(c echo.Context) (ledger.BookQuery, error) {
	q := ledger.BookQuery{}
	rec, err := oneOf(c, "record", ledger.BookRecords...)
	if err != nil {
		return q, err
	}
	q.Record = rec
	from, err := timeQuery(c, "from", false)
	if err != nil {
		return q, err
	}
	to, err := timeQuery(c, "to", true)
	if err != nil {
		return q, err
	}
	now := s.svc.Now()
	q.To = now.Add(time.Second)
	if to != nil {
		q.To = to.Add(time.Nanosecond)
	}
	sh := now.In(shanghai)
	q.From = time.Date(sh.Year(), 1, 1, 0, 0, 0, 0, shanghai)
	if from != nil {
		q.From = *from
	}
	return q, nil
}

func (s *Server) ledgerBook(c echo.Context) error {
	q, err := s.bookQuery(c)
	if err != nil {
		return err
	}
	ctx, me, party := c.Request().Context(), principal(c), c.Param("id")
	format := exportFormat(c.Request().Header.Get(echo.HeaderAccept), "csv", "xlsx")
	if format == "json" {
		pg, err := page(c)
		if err != nil {
			return err
		}
		off, err := offset(pg)
		if err != nil {
			return err
		}
		out := BookList{Items: []ledger.BookRow{}}
		n := 0
		err = s.svc.LedgerBook(ctx, me, party, q, func(r ledger.BookRow) error {
			n++
			switch {
			case n <= off:
			case len(out.Items) < pg.Limit:
				out.Items = append(out.Items, r)
			default:
				out.NextCursor = strconv.Itoa(off + len(out.Items))
				return errPageFull
			}
			return nil
		})
		if err != nil && err != errPageFull {
			return err
		}
		return ok(c, out)
	}
	if format == "csv" && q.Record == "" {
		return badRequest("record", "is required for CSV: one table per file (XLSX holds all five)")
	}
	records := ledger.BookRecords
	if q.Record != "" {
		records = []string{q.Record}
	}
	var sheets []httpx.Sheet
	for _, rec := range records {
		rq := q
		rq.Record = rec
		sheets = append(sheets, httpx.BookSheet(rec, func(fn func(ledger.BookRow) error) error {
			return s.svc.LedgerBook(ctx, me, party, rq, fn)
		}))
	}
	return export(c, format, "ledger-book", sheets)
}

type pageFull struct{}

func (pageFull) Error() string { return "page full" }

// errPageFull ends a walk once a page is full.
var errPageFull error = pageFull{}

func (s *Server) declarationDraft(c echo.Context) error {
	d, err := s.svc.DeclarationDraft(c.Request().Context(), principal(c), c.Param("id"), c.QueryParam("period"))
	if err != nil {
		return err
	}
	if f := exportFormat(c.Request().Header.Get(echo.HeaderAccept), "csv", "xlsx"); f != "json" {
		title := d.PartyName + " " + d.Period + " 危险废物申报（草稿）"
		return export(c, f, "declaration-"+d.Period, []httpx.Sheet{httpx.DeclarationSheet(d.Kind, d.Table, title, &d.Figures)})
	}
	return ok(c, d)
}

func (s *Server) fileDeclaration(c echo.Context) error {
	var in ledger.DeclarationInput
	if err := bind(c, &in); err != nil {
		return err
	}
	d, err := s.svc.FileDeclaration(c.Request().Context(), principal(c), c.Param("id"), in)
	return respondCreated(c, d, err)
}

func (s *Server) listDeclarations(c echo.Context) error {
	all, err := s.svc.Declarations(c.Request().Context(), principal(c), c.Param("id"), c.QueryParam("period"))
	return respondPage(c, all, err)
}

func (s *Server) getDeclaration(c echo.Context) error {
	d, err := s.svc.Declaration(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	if f := exportFormat(c.Request().Header.Get(echo.HeaderAccept), "csv", "xlsx"); f != "json" {
		title := d.PartyName + " " + d.Period + " 危险废物申报（第 " + strconv.Itoa(d.Version) + " 版）"
		return export(c, f, "declaration-"+d.Period+"-v"+strconv.Itoa(d.Version),
			[]httpx.Sheet{httpx.DeclarationSheet(d.Kind, d.Table, title, &d.Figures)})
	}
	return ok(c, d)
}

func (s *Server) filings(c echo.Context) error {
	year, err := yearQuery(c)
	if err != nil {
		return err
	}
	all, err := s.svc.Filings(c.Request().Context(), principal(c), ledger.FilingsQuery{Year: year, Period: c.QueryParam("period")})
	return respondPage(c, all, err)
}
