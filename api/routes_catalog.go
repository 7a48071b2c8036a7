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
		{method: http.MethodGet, path: "/catalog/codes", handler: s.searchCodes},
		{method: http.MethodGet, path: "/catalog/methods", handler: s.listMethods},
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
