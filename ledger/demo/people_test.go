package demo

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/ledgertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSeedPeople: `serve --demo` writes demo-people.json with a manager
// and an operator for every party and the bureau's inspector and admin;
// each signs in with the password written there, with no change forced,
// inspectors and admins with their authenticator's code; and the
// district's history names the people who made it.
func TestSeedPeople(t *testing.T) {
	clock := ledgertest.NewClock(testNow)
	s := ledgertest.Open(t, ledger.Config{InMemory: true, Clock: clock.Now})
	ctx := context.Background()
	adminID, err := s.Bootstrap(ctx, "demo-test-admin-token")
	require.NoError(t, err)
	dir := t.TempDir()
	start := time.Now()
	tokens, err := Seed(ctx, s, Options{Dir: dir, People: true})
	require.NoError(t, err)
	t.Logf("seeded with people in %s", time.Since(start))

	path := filepath.Join(dir, PeopleFile)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "passwords are for the owner's eyes")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var people []DemoPerson
	require.NoError(t, json.Unmarshal(b, &people))
	var raw []map[string]any
	require.NoError(t, json.Unmarshal(b, &raw))
	for _, k := range []string{"role", "party_id", "party_name", "person", "username", "password"} {
		assert.Contains(t, raw[0], k, "the contract's fields")
	}

	han := regexp.MustCompile(`^\p{Han}{2,3}$`)
	roles := map[string]map[string]int{} // party → person role → count
	users := map[string]bool{}
	byRole := map[string]DemoPerson{}
	for _, p := range people {
		assert.Regexp(t, han, p.Person, "a Chinese name: %+v", p)
		assert.False(t, users[p.Username], "usernames are unique: %s", p.Username)
		users[p.Username] = true
		if roles[p.PartyID] == nil {
			roles[p.PartyID] = map[string]int{}
		}
		roles[p.PartyID][p.Role]++
		if _, ok := byRole[p.Role]; !ok {
			byRole[p.Role] = p
		}
		secret := p.Role == "inspector" || p.Role == "admin"
		assert.Equal(t, secret, p.TOTPSecret != "", "an authenticator exactly for inspectors and admins: %s", p.Username)
	}
	for _, tok := range tokens {
		if tok.Role == string(ledger.RoleInspector) {
			assert.Equal(t, map[string]int{"inspector": 1}, roles[tok.PartyID], tok.PartyName)
			continue
		}
		assert.Equal(t, map[string]int{"manager": 1, "operator": 1}, roles[tok.PartyID], tok.PartyName)
	}
	assert.Equal(t, map[string]int{"admin": 1}, roles[adminID])
	require.Len(t, people, 2*(len(tokens)-1)+2)

	// Everyone signs in with the file's password and may act at once.
	for _, role := range []string{"manager", "operator"} {
		p := byRole[role]
		si, err := s.SignIn(ctx, ledger.SignInInput{Username: p.Username, Password: p.Password})
		require.NoError(t, err, p.Username)
		assert.False(t, si.MustChangePassword, "demo passwords are not one-time")
		assert.Equal(t, p.Person, si.Person.Name)
		assert.Equal(t, []ledger.Role{ledger.RoleGenerator}, si.Roles)
	}
	clock.Advance(30 * time.Second) // the enrolment's code was used
	for _, role := range []string{"inspector", "admin"} {
		p := byRole[role]
		_, err := s.SignIn(ctx, ledger.SignInInput{Username: p.Username, Password: p.Password})
		var se *ledger.SignInError
		require.True(t, errors.As(err, &se), "%s: %v", role, err)
		assert.Equal(t, ledger.CodeTOTPRequired, se.Code)
		code, err := ledger.TOTPCode(p.TOTPSecret, clock.Now())
		require.NoError(t, err)
		si, err := s.SignIn(ctx, ledger.SignInInput{Username: p.Username, Password: p.Password, TOTP: code})
		require.NoError(t, err, role)
		assert.False(t, si.MustChangePassword)
		assert.Contains(t, si.Roles, ledger.Role(role))
	}

	// The history is the people's: every generator, receiver and
	// inspector step names a person (the operator, the manager for
	// filings); carriers' steps are their terminals' (no person).
	name := map[string]string{}
	for _, p := range people {
		name[p.Username] = p.Person
	}
	steps := map[string]int{}
	for i := range s.Log().Size() {
		b, err := s.Log().Event(i)
		require.NoError(t, err)
		e, err := chain.Decode(b)
		require.NoError(t, err)
		switch a := e.Actor; {
		case a.Role == string(ledger.RoleTransporter):
			assert.Nil(t, a.Person, "%s at %d", e.Type, i)
		case a.Role == string(ledger.RoleGenerator), a.Role == string(ledger.RoleReceiver), a.Role == string(ledger.RoleInspector):
			require.NotNil(t, a.Person, "%s at %d", e.Type, i)
			steps[a.Role+" "+e.Type]++
		}
	}
	assert.Positive(t, steps["generator "+ledger.EvWasteRegistered])
	assert.Positive(t, steps["receiver "+ledger.EvWasteDisposed])
	assert.Positive(t, steps["inspector "+ledger.EvClassSet])
}

// The people are drawn from their own stream: the same seed gives the
// same people, and drawing them leaves the district's draw alone.
func TestPlannedPeopleDeterministic(t *testing.T) {
	draw := func() []DemoPerson {
		d := newDistrict(rand.New(rand.NewPCG(1, 2)), testNow)
		var out []DemoPerson
		for _, dp := range plannedPeople(rand.New(rand.NewPCG(1, 3)), d, &ledger.Party{ID: "admin", Name: "管理员单位"}) {
			out = append(out, dp.DemoPerson)
		}
		return out
	}
	a, b := draw(), draw()
	require.Equal(t, a, b)
	assert.Equal(t, "gen01.manager", a[0].Username)
	assert.Equal(t, "admin", a[len(a)-1].Username)
	assert.Regexp(t, `^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$`, a[0].Password)
}
