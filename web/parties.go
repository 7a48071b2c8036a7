package web

import (
	"context"

	"github.com/hwledger/hwledger/ledger"
)

// names resolves party ids to parties for display.
type names map[string]*ledger.Party

// Of returns the party's name, or the id when unknown (e.g. "system").
func (n names) Of(id string) string {
	if p, ok := n[id]; ok {
		return p.Name
	}
	return id
}

// Get returns the party or nil.
func (n names) Get(id string) *ledger.Party { return n[id] }

// partyNames loads every party (a district has hundreds, not millions).
func (h *Handler) partyNames(ctx context.Context) (names, error) {
	ps, err := h.svc.Parties(ctx, ledger.PartyFilter{})
	if err != nil {
		return nil, err
	}
	n := make(names, len(ps))
	for _, p := range ps {
		n[p.ID] = p
	}
	return n, nil
}
