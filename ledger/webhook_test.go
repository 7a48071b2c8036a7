package ledger

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Who subscribes what: a manager of a party or the party's token for the
// party, an inspector for the bureau; an operator may not; a refusal
// appends nothing. The subscribed event names the manager who acted.
func TestWhoSubscribesWebhooks(t *testing.T) {
	f := newFixture(t)
	mgr := f.signedIn(f.addPerson(f.admin, f.gen.Party, "wang.mgr", PersonManager, "13800000001"), "南关汽修经理的密码")
	op := f.signedIn(f.addPerson(mgr, f.gen.Party, "li.op", PersonOperator, "13800000002"), "南关汽修操作员密码")
	in := WebhookInput{URL: "https://erp.example.com/hook"}

	size := f.s.Log().Size()
	_, err := f.s.SubscribeWebhook(f.ctx, op, in)
	assert.ErrorIs(t, err, ErrForbidden)
	_, err = f.s.SubscribeWebhook(f.ctx, Principal{}, in)
	assert.ErrorIs(t, err, ErrUnauthenticated)
	_, err = f.s.SubscribeWebhook(f.ctx, mgr, WebhookInput{URL: "ftp://erp.example.com/hook"})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, ve.Fields, "url")
	assert.Equal(t, size, f.s.Log().Size(), "refusals append nothing")

	w, err := f.s.SubscribeWebhook(f.ctx, mgr, in)
	require.NoError(t, err)
	assert.Equal(t, ScopeParty, w.Scope)
	assert.Equal(t, f.gen.Party, w.Party)
	e, err := f.s.Log().Event(w.Seq)
	require.NoError(t, err)
	assert.Contains(t, string(e), `"role":"manager"`)
	assert.Contains(t, string(e), mgr.Person.ID)

	byToken, err := f.s.SubscribeWebhook(f.ctx, f.gen, in)
	require.NoError(t, err)
	assert.Equal(t, ScopeParty, byToken.Scope)
	bureau, err := f.s.SubscribeWebhook(f.ctx, f.insp, in)
	require.NoError(t, err)
	assert.Equal(t, ScopeBureau, bureau.Scope)

	// The operator sees its party's subscriptions but may not end them; the
	// receiver sees none of them.
	l, err := f.s.Webhooks(f.ctx, op, Page{Limit: 10})
	require.NoError(t, err)
	assert.Len(t, l.Items, 2)
	_, err = f.s.DeleteWebhook(f.ctx, op, w.ID)
	assert.ErrorIs(t, err, ErrForbidden)
	l, err = f.s.Webhooks(f.ctx, f.recv, Page{Limit: 10})
	require.NoError(t, err)
	assert.Empty(t, l.Items)
	_, err = f.s.DeleteWebhook(f.ctx, f.recv, w.ID)
	assert.ErrorIs(t, err, ErrNotFound)
	l, err = f.s.Webhooks(f.ctx, f.insp, Page{Limit: 2})
	require.NoError(t, err)
	assert.Len(t, l.Items, 2)
	assert.NotEmpty(t, l.NextCursor)
	l, err = f.s.Webhooks(f.ctx, f.insp, Page{Limit: 2, Cursor: l.NextCursor})
	require.NoError(t, err)
	assert.Equal(t, []*Webhook{bureau}, l.Items)

	_, err = f.s.DeleteWebhook(f.ctx, mgr, w.ID)
	require.NoError(t, err)
	_, err = f.s.DeleteWebhook(f.ctx, f.gen, w.ID)
	assert.ErrorIs(t, err, ErrInvalidTransition)
}
