package api

import (
	"errors"
	"net/http"

	"github.com/hwledger/hwledger/internal/httpx"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/webhook"
	"github.com/labstack/echo/v4"
)

// WebhookAnswer is a subscription with where its deliveries stand; the
// answer of POST /webhooks also carries the secret.
type WebhookAnswer struct {
	*ledger.Webhook
	Deliveries *webhook.State `json:"deliveries,omitempty"`
	// Secret signs the deliveries (Hwledger-Signature); shown in the
	// answer of POST /webhooks only.
	Secret string `json:"secret,omitempty"`
}

// WebhookList is one page of subscriptions.
type WebhookList = ledger.List[*WebhookAnswer]

// DeliveryList is one page of a subscription's delivery log.
type DeliveryList = ledger.List[webhook.Delivery]

func (s *Server) webhookRoutes() []route {
	return []route{
		{method: http.MethodPost, path: "/webhooks", handler: s.subscribe},
		{method: http.MethodGet, path: "/webhooks", handler: s.listWebhooks},
		{method: http.MethodDelete, path: "/webhooks/:id", handler: s.deleteWebhook},
		{method: http.MethodGet, path: "/webhooks/:id/deliveries", handler: s.webhookDeliveries},
	}
}

// errNoWebhooks: the server runs no dispatcher (Config.Webhooks).
var errNoWebhooks = &httpx.Error{Status: http.StatusServiceUnavailable, Code: httpx.CodeUnavailable,
	Message: "this server delivers no webhooks"}

func (s *Server) answerOf(w *ledger.Webhook) (*WebhookAnswer, error) {
	a := &WebhookAnswer{Webhook: w}
	if s.cfg.Webhooks != nil {
		st, err := s.cfg.Webhooks.State(w)
		if err != nil {
			return nil, err
		}
		a.Deliveries = &st
	}
	return a, nil
}

func (s *Server) subscribe(c echo.Context) error {
	if s.cfg.Webhooks == nil {
		return errNoWebhooks
	}
	var in ledger.WebhookInput
	if err := bind(c, &in); err != nil {
		return err
	}
	w, err := s.svc.SubscribeWebhook(c.Request().Context(), principal(c), in)
	if err != nil {
		return err
	}
	s.cfg.Webhooks.Notify()
	a, err := s.answerOf(w)
	if err != nil {
		return err
	}
	a.Secret = s.cfg.Webhooks.Secret(w.ID)
	return created(c, a)
}

func (s *Server) listWebhooks(c echo.Context) error {
	pg, err := page(c)
	if err != nil {
		return err
	}
	l, err := s.svc.Webhooks(c.Request().Context(), principal(c), pg)
	if err != nil {
		return err
	}
	out := WebhookList{Items: make([]*WebhookAnswer, 0, len(l.Items)), NextCursor: l.NextCursor}
	for _, w := range l.Items {
		a, err := s.answerOf(w)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, a)
	}
	return ok(c, out)
}

func (s *Server) deleteWebhook(c echo.Context) error {
	w, err := s.svc.DeleteWebhook(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	if s.cfg.Webhooks != nil {
		s.cfg.Webhooks.Notify()
	}
	a, err := s.answerOf(w)
	if err != nil {
		return err
	}
	return ok(c, a)
}

func (s *Server) webhookDeliveries(c echo.Context) error {
	pg, err := page(c)
	if err != nil {
		return err
	}
	w, err := s.svc.Webhook(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	if s.cfg.Webhooks == nil {
		return ok(c, DeliveryList{Items: []webhook.Delivery{}})
	}
	l, err := s.cfg.Webhooks.Deliveries(w.ID, pg)
	if errors.Is(err, webhook.ErrBadCursor) {
		return badRequest("cursor", "is not a cursor from this server")
	}
	if err != nil {
		return err
	}
	return ok(c, l)
}
