package ledger

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// Webhook subscriptions. Subscribing and deleting are ledger events
// (webhook.subscribed, webhook.deleted): anyone can prove who had the
// ledger's events sent where, and since when. A subscription's secret is
// not part of the ledger, nor is where its deliveries stand: package
// webhook derives the one from a key of the server's own and keeps the
// other beside the ledger, never in it (a mirror copies neither).

// Webhook scopes.
const (
	// ScopeParty: the events the subscribing party may see.
	ScopeParty = "party"
	// ScopeBureau: every event (an inspector subscribes for the bureau).
	ScopeBureau = "bureau"
)

// Webhook statuses.
const (
	WebhookActive  = "active"
	WebhookDeleted = "deleted"
)

// Webhook is a subscription: the events its scope may see, from From on,
// POSTed to URL one by one in ledger order.
type Webhook struct {
	ID    string `json:"id"`
	URL   string `json:"url"`
	Scope string `json:"scope"`
	// Party subscribed: the party whose events they are (scope party), or
	// the inspector's party that subscribed for the bureau.
	Party     string     `json:"party"`
	From      uint64     `json:"from"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
	DeletedAt *time.Time `json:"deleted_at,omitempty"`
	// Seq is the index of its webhook.subscribed event.
	Seq uint64 `json:"seq"`
}

// Principal is whom the subscription's deliveries are for: the events it
// is sent are those this principal may see (EventVisibleTo).
func (w *Webhook) Principal() Principal {
	if w.Scope == ScopeBureau {
		return Principal{Party: w.Party, Roles: []Role{RoleInspector}}
	}
	return Principal{Party: w.Party}
}

// WebhookInput is POST /webhooks.
type WebhookInput struct {
	URL string `json:"url" validate:"required"`
	// From is the first ledger index to deliver (0: the whole history the
	// subscriber may see); default: the events after the subscription.
	From       *uint64    `json:"from"`
	OccurredAt *time.Time `json:"occurred_at"`
}

// MaxWebhookURL is the longest URL a subscription takes, in bytes.
const MaxWebhookURL = 2000

// WebhookSubscribedData is the data of webhook.subscribed. It holds no
// secret.
type WebhookSubscribedData struct {
	ID    string `json:"id"`
	URL   string `json:"url"`
	Scope string `json:"scope"`
	Party string `json:"party"`
	From  uint64 `json:"from"`
}

// WebhookDeletedData is the data of webhook.deleted.
type WebhookDeletedData struct {
	ID string `json:"id"`
}

// checkWebhookURL is the rule for a subscription's URL: an absolute http
// or https URL with a host, no user information, at most MaxWebhookURL
// bytes.
func checkWebhookURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case len(s) > MaxWebhookURL:
		return invalid("url", Text{"不能超过 %d 字节", "must be at most %d bytes"}, MaxWebhookURL)
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "":
		return invalid("url", Text{"必须是 http 或 https 地址（如 https://example.com/hooks）",
			"must be an http or https URL (e.g. https://example.com/hooks)"})
	case u.User != nil:
		return invalid("url", Text{"不能包含用户名或密码", "must not hold a user name or password"})
	}
	return nil
}

// subscriber returns p acting to manage subscriptions, and the scope it
// subscribes: an inspector (or an admin) for the bureau; for its party, a
// manager of the party, or the party's own token (no person). An operator
// may not.
func (p Principal) subscriber() (Principal, string, error) {
	switch {
	case p.Party == "":
		return p, "", ErrUnauthenticated
	case p.Has(RoleInspector):
		p.acting = RoleInspector
		return p, ScopeBureau, nil
	case p.Has(RoleAdmin):
		p.acting = RoleAdmin
		return p, ScopeBureau, nil
	case p.Person == nil:
		return p, ScopeParty, nil
	case p.PersonRole == PersonManager:
		p.acting = Role(PersonManager)
		return p, ScopeParty, nil
	}
	return p, "", fmt.Errorf("%w: a manager of the party (or the party's token) manages its webhooks, an inspector the bureau's", ErrForbidden)
}

// SubscribeWebhook records a subscription for p (see subscriber for who
// may, and for what). The secret that signs its deliveries is package
// webhook's.
func (s *Service) SubscribeWebhook(ctx context.Context, p Principal, in WebhookInput) (*Webhook, error) {
	p, scope, err := p.subscriber()
	if err != nil {
		return nil, err
	}
	in.URL = strings.TrimSpace(in.URL)
	if err := ValidateInput(&in); err != nil {
		return nil, err
	}
	if err := checkWebhookURL(in.URL); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Webhook, error) {
		occurred, err := c.occurred(in.OccurredAt, time.Time{})
		if err != nil {
			return nil, err
		}
		from := c.tx.Size() + 1 // after its own event
		if in.From != nil {
			if *in.From > c.tx.Size() {
				return nil, invalid("from", Text{"不能超过台账当前的事件数 %d", "must be at most the ledger's size, %d"}, c.tx.Size())
			}
			from = *in.From
		}
		d := WebhookSubscribedData{ID: c.s.newID(), URL: in.URL, Scope: scope, Party: p.Party, From: from}
		if _, err := c.emit(EvWebhookSubscribed, d.ID, occurred, d); err != nil {
			return nil, err
		}
		return loadWebhook(c.tx, d.ID)
	})
}

// DeleteWebhook ends a subscription that p may see and manage (the
// subscriber rule): nothing more is delivered.
func (s *Service) DeleteWebhook(ctx context.Context, p Principal, id string) (*Webhook, error) {
	p, _, err := p.subscriber()
	if err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Webhook, error) {
		w, err := loadWebhook(c.tx, id)
		if err != nil || !canSeeWebhook(p, w) {
			return nil, notFound("webhook", id)
		}
		if w.Status != WebhookActive {
			return nil, transitionErr(Text{"删除订阅", "delete a subscription"}, w.Status)
		}
		if _, err := c.emit(EvWebhookDeleted, id, c.now, WebhookDeletedData{ID: id}); err != nil {
			return nil, err
		}
		return loadWebhook(c.tx, id)
	})
}

// Webhook returns a subscription p may see.
func (s *Service) Webhook(ctx context.Context, p Principal, id string) (*Webhook, error) {
	var out *Webhook
	err := s.view(func(r *proj.Snapshot) error {
		w, err := loadWebhook(r, id)
		if err != nil || !canSeeWebhook(p, w) {
			return notFound("webhook", id)
		}
		out = w
		return nil
	})
	return out, err
}

// Webhooks lists the subscriptions p may see (an inspector: all; a party:
// its own), active and deleted, oldest first. The cursor is the last
// item's seq.
func (s *Service) Webhooks(ctx context.Context, p Principal, pg Page) (List[*Webhook], error) {
	var after uint64
	if pg.Cursor != "" {
		n, err := strconv.ParseUint(pg.Cursor, 10, 64)
		if err != nil {
			return List[*Webhook]{}, invalid("cursor", Text{"不是本服务器给出的游标", "is not a cursor from this server"})
		}
		after = n + 1
	}
	all, err := s.webhooks(func(w *Webhook) bool { return canSeeWebhook(p, w) && w.Seq >= after })
	if err != nil {
		return List[*Webhook]{}, err
	}
	out := List[*Webhook]{Items: all}
	if pg.Limit > 0 && len(all) > pg.Limit {
		out.Items = all[:pg.Limit]
		out.NextCursor = strconv.FormatUint(out.Items[pg.Limit-1].Seq, 10)
	}
	return out, nil
}

// ActiveWebhooks returns every active subscription, oldest first (the
// dispatcher's list).
func (s *Service) ActiveWebhooks() ([]*Webhook, error) {
	return s.webhooks(func(w *Webhook) bool { return w.Status == WebhookActive })
}

func (s *Service) webhooks(keep func(*Webhook) bool) ([]*Webhook, error) {
	out := []*Webhook{}
	err := s.view(func(r *proj.Snapshot) error {
		return proj.EachWebhook(r, func(b []byte) error {
			var w Webhook
			if err := json.Unmarshal(b, &w); err != nil {
				return fmt.Errorf("corrupt webhook record: %w", err)
			}
			if keep(&w) {
				out = append(out, &w)
			}
			return nil
		})
	})
	slices.SortFunc(out, func(a, b *Webhook) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, err
}

func canSeeWebhook(p Principal, w *Webhook) bool { return p.SeesAll() || w.Party == p.Party }

func loadWebhook(s proj.Store, id string) (*Webhook, error) {
	var w Webhook
	ok, err := getJSON(s, proj.WebhookKey(id), &w)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("webhook", id)
	}
	return &w, nil
}

func applyWebhookSubscribed(s proj.Store, e *chain.Event, d *WebhookSubscribedData) error {
	return setJSON(s, proj.WebhookKey(d.ID), Webhook{ID: d.ID, URL: d.URL, Scope: d.Scope, Party: d.Party, From: d.From,
		Status: WebhookActive, CreatedAt: e.OccurredAt, Seq: e.Index})
}

func applyWebhookDeleted(s proj.Store, e *chain.Event, d *WebhookDeletedData) error {
	w, err := loadWebhook(s, d.ID)
	if err != nil {
		return err
	}
	at := e.OccurredAt
	w.Status, w.DeletedAt = WebhookDeleted, &at
	return setJSON(s, proj.WebhookKey(d.ID), w)
}

// EventVisibleTo reports whether p may see event e: the scope of traces
// and alerts, as the ledger stands now. An inspector or admin sees every
// event. A party sees the events about a batch or manifest it may see
// (its trace), about an alert it may see, about itself, about its own
// subscriptions, and those it recorded itself; no token event, and no
// other event.
func (s *Service) EventVisibleTo(p Principal, e *chain.Event) (bool, error) {
	if p.SeesAll() {
		return true, nil
	}
	if p.Party == "" {
		return false, nil
	}
	if e.Actor.Party == p.Party && !strings.HasPrefix(e.Type, "token.") {
		return true, nil
	}
	var visible bool
	err := s.view(func(r *proj.Snapshot) error {
		switch typ := e.Type; {
		case strings.HasPrefix(typ, "waste."):
			w, err := loadWaste(r, e.Subject)
			visible = err == nil && canSeeWaste(p, w)
		case strings.HasPrefix(typ, "manifest."):
			m, err := loadManifest(r, e.Subject)
			visible = err == nil && m.OnManifest(p.Party)
		case strings.HasPrefix(typ, "alert."):
			a, err := loadAlert(r, e.Subject)
			visible = err == nil && canSeeAlert(p, a)
		case strings.HasPrefix(typ, "correction."):
			if k, err := loadCorrection(r, e.Subject); err == nil {
				m, err := loadManifest(r, k.Manifest)
				visible = err == nil && m.OnManifest(p.Party)
			}
		case strings.HasPrefix(typ, "webhook."):
			w, err := loadWebhook(r, e.Subject)
			visible = err == nil && w.Party == p.Party
		case strings.HasPrefix(typ, "approval."):
			a, err := loadApproval(r, e.Subject)
			visible = err == nil && (a.Generator == p.Party || a.Receiver == p.Party)
		case strings.HasPrefix(typ, "party."):
			visible = e.Subject == p.Party
		}
		return nil
	})
	return visible, err
}
