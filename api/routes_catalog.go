package api

import (
	"net/http"
	"strings"

	"github.com/hwledger/hwledger/ledger/catalog"
	"github.com/labstack/echo/v4"
)

// CodeList is GET /catalog/codes.
type CodeList struct {
	Items []catalog.Code `json:"items"`
}

// ExemptionList is GET /catalog/exemptions.
type ExemptionList struct {
	Edition string              `json:"edition"` // the edition asked for (default: the one in force)
	Items   []catalog.Exemption `json:"items"`
}

// EditionList is GET /catalog/editions.
type EditionList struct {
	InForce string                `json:"in_force"` // the name of the edition in force now
	Items   []catalog.EditionInfo `json:"items"`
}

// MethodList is GET /catalog/methods.
type MethodList struct {
	Items []catalog.Method `json:"items"`
}

func (s *Server) catalogRoutes() []route {
	return []route{
		{method: http.MethodGet, path: "/catalog/codes", handler: s.searchCodes},
		{method: http.MethodGet, path: "/catalog/exemptions", handler: s.listExemptions},
		{method: http.MethodGet, path: "/catalog/editions", handler: s.listEditions},
		{method: http.MethodGet, path: "/catalog/methods", handler: s.listMethods},
	}
}

// edition reads ?edition=, defaulting to the edition in force now.
func (s *Server) edition(c echo.Context) (*catalog.Edition, error) {
	cat := s.svc.Catalog()
	name := strings.TrimSpace(c.QueryParam("edition"))
	if name == "" {
		return cat.At(s.svc.Now()), nil
	}
	e, ok := cat.Edition(name)
	if !ok {
		return nil, badRequest("edition", "unknown edition %s: the editions are %s", name, strings.Join(cat.EditionNames(), ", "))
	}
	return e, nil
}

func (s *Server) searchCodes(c echo.Context) error {
	pg, err := page(c)
	if err != nil {
		return err
	}
	q := catalog.Query{Text: c.QueryParam("q"), Industry: c.QueryParam("industry"), Limit: 500}
	if c.QueryParam("limit") != "" {
		q.Limit = pg.Limit
	}
	if q.Category = strings.ToUpper(strings.TrimSpace(c.QueryParam("category"))); q.Category != "" && !catalog.IsCategoryID(q.Category) {
		return badRequest("category", "must be a category HW01–HW50 (HW41–HW44 are not used), e.g. HW08")
	}
	e, err := s.edition(c)
	if err != nil {
		return err
	}
	return ok(c, CodeList{Items: e.Find(q)})
}

func (s *Server) listExemptions(c echo.Context) error {
	e, err := s.edition(c)
	if err != nil {
		return err
	}
	return ok(c, ExemptionList{Edition: e.Name(), Items: e.Exemptions()})
}

func (s *Server) listEditions(c echo.Context) error {
	cat := s.svc.Catalog()
	out := EditionList{InForce: cat.At(s.svc.Now()).Name(), Items: []catalog.EditionInfo{}}
	for _, e := range cat.Editions() {
		out.Items = append(out.Items, e.Info())
	}
	return ok(c, out)
}

func (s *Server) listMethods(c echo.Context) error {
	return ok(c, MethodList{Items: catalog.Methods()})
}
