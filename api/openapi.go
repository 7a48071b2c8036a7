package api

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"
	"go.yaml.in/yaml/v3"
)

// openapiYAML is the OpenAPI 3.0 document of the server: one hand-written
// file, held to the route table and the handlers by the tests.
//
//go:embed openapi.yaml
var openapiYAML []byte

// OpenAPIYAML returns the OpenAPI document as written (YAML).
func OpenAPIYAML() []byte { return openapiYAML }

// OpenAPI returns the OpenAPI document as JSON, the form
// GET /api/v1/openapi.json serves.
var OpenAPI = sync.OnceValues(func() ([]byte, error) {
	var doc any
	if err := yaml.Unmarshal(openapiYAML, &doc); err != nil {
		return nil, fmt.Errorf("api: openapi.yaml: %w", err)
	}
	if err := checkJSONKeys(doc, ""); err != nil {
		return nil, err
	}
	return json.MarshalIndent(doc, "", "  ")
})

// checkJSONKeys fails on a mapping key that is not a string (an unquoted
// status code such as 200 is read by YAML as a number).
func checkJSONKeys(v any, at string) error {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if err := checkJSONKeys(e, at+"/"+k); err != nil {
				return err
			}
		}
	case map[any]any:
		return fmt.Errorf("api: openapi.yaml: a key under %q is not a string (quote status codes: '200')", at)
	case []any:
		for i, e := range x {
			if err := checkJSONKeys(e, fmt.Sprintf("%s/%d", at, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Server) openAPIHandler(c echo.Context) error {
	b, err := OpenAPI()
	if err != nil {
		return err
	}
	return c.JSONBlob(http.StatusOK, b)
}
