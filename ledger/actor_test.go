package ledger

import (
	"testing"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lastActor is the actor of the newest event.
func (f *fixture) lastActor() chain.Actor {
	f.t.Helper()
	b, err := f.s.Log().Event(f.size() - 1)
	require.NoError(f.t, err)
	e, err := chain.Decode(b)
	require.NoError(f.t, err)
	return e.Actor
}

// An event records the role the step needs, not the party's first role:
// the admin party, which is also an inspector, acknowledges as inspector.
func TestActorRoleIsTheRoleUsed(t *testing.T) {
	f := newFixture(t)
	require.Equal(t, []Role{RoleAdmin, RoleInspector}, f.admin.Roles)
	require.NoError(t, f.s.RaiseIntegrity(f.ctx, "roles"))
	open := f.alerts(AlertFilter{Kind: AlertIntegrity})
	require.Len(t, open, 1)
	_, err := f.s.AckAlert(f.ctx, f.admin, open[0].ID, AckInput{Note: "已核查"})
	require.NoError(t, err)
	assert.Equal(t, "inspector", f.lastActor().Role)

	// A party that is a receiver and a generator registers as generator.
	both := Principal{Party: f.recv.Party, Roles: []Role{RoleReceiver, RoleGenerator}}
	f.waste(both, "900-041-49", 1)
	assert.Equal(t, "generator", f.lastActor().Role)

	// A manager managing people acts as manager, an admin as admin.
	mgr := f.signedIn(f.addPerson(f.admin, f.gen.Party, "wang", PersonManager, "13800000001"), "南关汽修经理的密码")
	assert.Equal(t, "admin", f.lastActor().Role)
	assert.Nil(t, f.lastActor().Person, "a token acts for no person")
	op := f.signedIn(f.addPerson(mgr, f.gen.Party, "li.op", PersonOperator, "13800000002"), "李师傅每天称重用的密码")
	a := f.lastActor()
	assert.Equal(t, "manager", a.Role)
	assert.Equal(t, &chain.ActorPerson{ID: mgr.Person.ID, Name: "人员wang"}, a.Person)

	// The operator's steps carry the operator, in the party's role.
	f.waste(op, "900-041-49", 2)
	a = f.lastActor()
	assert.Equal(t, chain.Actor{Party: f.gen.Party, Role: "generator", Person: &chain.ActorPerson{ID: op.Person.ID, Name: "人员li.op"}}, a)
}
