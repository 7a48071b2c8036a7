package api

import (
	"net/http"

	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
)

// WasteList is one page of batches.
type WasteList = ledger.List[*ledger.Waste]

var (
	generator = []ledger.Role{ledger.RoleGenerator}
	receiver  = []ledger.Role{ledger.RoleReceiver}
)

const occurredDoc = " `occurred_at` (optional) is when it happened in the field: at most 5 minutes in the future, " +
	"not earlier than the subject's previous `occurred_at`."

func (s *Server) wasteRoutes() []route {
	return []route{
		{method: http.MethodPost, path: "/wastes", tag: "wastes", roles: generator,
			summary: "Register a waste batch (one container or lot with one label)",
			doc: "Generator only. `code` must be in the catalogue (2016 medical codes 831-00x-01 map to 841-00x-01); " +
				"`name` and `hazards` default to the catalogue's; `form` is solid, semi_solid, liquid or gas; " +
				"`quantity_kg` > 0 with at most 3 decimals; `generated_at` not in the future. The answer carries the " +
				"37-character `label` (HJ 1276-2022 digital ID), `status` stored, `medical` and `storage_deadline`." + occurredDoc,
			body: ledger.WasteInput{}, status: http.StatusCreated, answer: ledger.Waste{},
			errors: []int{400, 401, 403, 409, 413, 422}, handler: s.registerWaste},
		{method: http.MethodGet, path: "/wastes", tag: "wastes",
			summary: "List waste batches in the caller's scope",
			doc: "Generators see their own batches, carriers and receivers the batches of manifests they are on, " +
				"inspectors and admins all. `from`/`to` bound `generated_at` (RFC 3339 or YYYY-MM-DD, Asia/Shanghai days, inclusive).",
			query: append([]param{
				{name: "status", typ: "string", enum: []string{ledger.WasteStored, ledger.WasteManifested, ledger.WasteInTransit,
					ledger.WasteDelivered, ledger.WasteReceived, ledger.WasteDisposed, ledger.WasteRejected}},
				{name: "code", typ: "string", doc: "waste code"}, {name: "category", typ: "string", doc: "HWnn"},
				{name: "party", typ: "string", doc: "generator party id"}, {name: "street", typ: "string"},
				{name: "medical", typ: "boolean"}, {name: "overdue", typ: "boolean", doc: "past its storage limit, or its disposal limit once received (true: as of the last sweep, every minute)"},
				{name: "from", typ: "date-time"}, {name: "to", typ: "date-time"}}, pageParams...),
			status: http.StatusOK, answer: WasteList{}, errors: []int{400, 401}, handler: s.listWastes},
		{method: http.MethodGet, path: "/wastes/counts", tag: "wastes", roles: seesEvents,
			summary: "How many batches the district holds in each status, and how many are overdue",
			doc: "Inspectors and admins. `by_status` counts every batch by its status; `overdue` counts the batches past " +
				"their storage limit (stored or manifested) or disposal limit (received), as of the last alert sweep " +
				"(every minute). Read from totals the ledger keeps, not by reading the batches.",
			status: http.StatusOK, answer: ledger.WasteCounts{}, errors: []int{401, 403}, handler: s.wasteCounts},
		{method: http.MethodGet, path: "/wastes/:id", tag: "wastes", summary: "Get a waste batch",
			doc:    "404 when it does not exist or is not in the caller's scope.",
			status: http.StatusOK, answer: ledger.Waste{}, errors: []int{401, 404}, handler: s.getWaste},
		{method: http.MethodGet, path: "/labels/:label", tag: "wastes", summary: "Resolve a scanned label to its batch",
			doc:    "404 when no batch has this label or it is not in the caller's scope.",
			status: http.StatusOK, answer: ledger.Waste{}, errors: []int{401, 404}, handler: s.getLabel},
		{method: http.MethodGet, path: "/wastes/:id/trace", tag: "wastes", summary: "Every ledger event about a batch, with inclusion proofs",
			doc: "Answer `{waste, events: [{index, leaf_hash (hex), event (the exact hashed bytes as JSON), inclusion_proof (base64 hashes)}], " +
				"checkpoint, size}`: each proof is against the returned signed `checkpoint` (tree `size`).",
			status: http.StatusOK, answer: ledger.Trace{}, errors: []int{401, 404}, handler: s.traceHandler},
		{method: http.MethodPost, path: "/wastes/:id/correct", tag: "wastes", roles: generator,
			summary: "Correct a stored batch's declared fields",
			doc: "The generator, while the batch is `stored`. Only the fields given change; code and generated_at are part " +
				"of the label and cannot be corrected. `reason` is required." + occurredDoc,
			body: ledger.WasteCorrection{}, status: http.StatusOK, answer: ledger.Waste{},
			errors: []int{400, 401, 403, 404, 409}, handler: s.correctWaste},
		{method: http.MethodPost, path: "/wastes/:id/dispose", tag: "wastes", roles: receiver,
			summary: "Record utilisation or disposal",
			doc: "The receiver holding the batch. `method` must be allowed by its licence; medical waste only Y-codes or D10." +
				occurredDoc,
			body: ledger.DisposeInput{}, status: http.StatusOK, answer: ledger.Waste{},
			errors: []int{400, 401, 403, 404, 409, 422}, handler: s.dispose},
	}
}

func (s *Server) registerWaste(c echo.Context) error {
	var in ledger.WasteInput
	if err := bind(c, &in); err != nil {
		return err
	}
	w, err := s.svc.RegisterWaste(c.Request().Context(), principal(c), in)
	if err != nil {
		return err
	}
	return created(c, w)
}

func (s *Server) listWastes(c echo.Context) error {
	var f ledger.WasteFilter
	var err error
	if f.Status, err = oneOf(c, "status", ledger.WasteStored, ledger.WasteManifested, ledger.WasteInTransit,
		ledger.WasteDelivered, ledger.WasteReceived, ledger.WasteDisposed, ledger.WasteRejected); err != nil {
		return err
	}
	f.Code, f.Category, f.Party, f.Street = c.QueryParam("code"), c.QueryParam("category"), c.QueryParam("party"), c.QueryParam("street")
	if f.Medical, err = boolQuery(c, "medical"); err != nil {
		return err
	}
	if f.Overdue, err = boolQuery(c, "overdue"); err != nil {
		return err
	}
	if f.From, err = timeQuery(c, "from", false); err != nil {
		return err
	}
	if f.To, err = timeQuery(c, "to", true); err != nil {
		return err
	}
	pg, err := page(c)
	if err != nil {
		return err
	}
	l, err := s.svc.Wastes(c.Request().Context(), principal(c), f, pg)
	if err != nil {
		return err
	}
	if l.Items == nil {
		l.Items = []*ledger.Waste{}
	}
	return ok(c, l)
}

func (s *Server) wasteCounts(c echo.Context) error {
	n, err := s.svc.WasteCounts(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	return ok(c, n)
}

func (s *Server) getWaste(c echo.Context) error {
	w, err := s.svc.Waste(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return ok(c, w)
}

func (s *Server) getLabel(c echo.Context) error {
	w, err := s.svc.WasteByLabel(c.Request().Context(), principal(c), c.Param("label"))
	if err != nil {
		return err
	}
	return ok(c, w)
}

// traceHandler serves GET /wastes/{id}/trace and GET /manifests/{id}/trace.
func (s *Server) traceHandler(c echo.Context) error {
	t, err := s.svc.Trace(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	if t.Events == nil {
		t.Events = []ledger.TraceEvent{}
	}
	return ok(c, t)
}

func (s *Server) correctWaste(c echo.Context) error {
	var in ledger.WasteCorrection
	if err := bind(c, &in); err != nil {
		return err
	}
	w, err := s.svc.CorrectWaste(c.Request().Context(), principal(c), c.Param("id"), in)
	if err != nil {
		return err
	}
	return ok(c, w)
}

func (s *Server) dispose(c echo.Context) error {
	var in ledger.DisposeInput
	if err := bind(c, &in); err != nil {
		return err
	}
	w, err := s.svc.Dispose(c.Request().Context(), principal(c), c.Param("id"), in)
	if err != nil {
		return err
	}
	return ok(c, w)
}
