package api

import (
	"net/http"

	"github.com/hwledger/hwledger/ledger/catalog"
	"github.com/labstack/echo/v4"
)

// CodeList is GET /catalog/codes.
type CodeList struct {
	Items []catalog.Code `json:"items"`
}

// MethodList is GET /catalog/methods.
type MethodList struct {
	Items []catalog.Method `json:"items"`
}

func (s *Server) catalogRoutes() []route {
	return []route{
		{method: http.MethodGet, path: "/catalog/codes", tag: "catalog",
			summary: "Search the waste catalogue (国家危险废物名录)",
			doc:     "Any authenticated party. `q` matches a code (either form), a category (HW08) or words of the name; empty lists everything.",
			query: []param{{name: "q", typ: "string", doc: "code, category or name words"},
				{name: "limit", typ: "integer", doc: "at most this many (1–500, default 500)"}},
			status: http.StatusOK, answer: CodeList{}, errors: []int{400, 401}, handler: s.searchCodes},
		{method: http.MethodGet, path: "/catalog/methods", tag: "catalog",
			summary: "List utilisation and disposal method codes", doc: "Any authenticated party.",
			status: http.StatusOK, answer: MethodList{}, errors: []int{401}, handler: s.listMethods},
	}
}

func (s *Server) searchCodes(c echo.Context) error {
	pg, err := page(c)
	if err != nil {
		return err
	}
	limit := 500
	if c.QueryParam("limit") != "" {
		limit = pg.Limit
	}
	return ok(c, CodeList{Items: s.svc.Catalog().Search(c.QueryParam("q"), limit)})
}

func (s *Server) listMethods(c echo.Context) error {
	return ok(c, MethodList{Items: catalog.Methods()})
}
