package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/hwledger/hwledger/ledger"
)

// The demo's people (Options.People): every party has a manager (its
// contact) and an operator; the bureau has an inspector (in the
// inspection brigade, the inspector party) and an admin (in the admin
// party Bootstrap made). Each signs in with a username and a password
// written to demo-people.json.
//
// The demo passwords are chosen, not one-time: a newcomer trying each
// role should not have to invent a new password per person and then find
// the file wrong, so they sign in at once. (Real people get a one-time
// password and must change it.) The demo sets them as a person would:
// sign in with the one-time password and change it.
//
// Inspectors and admins need an authenticator: the demo enrols one for
// each and writes its secret and otpauth:// URI to the file, to be added
// to an authenticator app (or fed to any TOTP tool) before signing in.
//
// Names, usernames, mobile numbers and passwords are drawn from a stream
// of their own seeded by Options.Seed, so the district itself is the same
// with or without people; the authenticator secrets are the ledger's own,
// fresh at each seeding.

// PeopleFile is the name of the file Seed writes in Options.Dir when
// Options.People is set.
const PeopleFile = "demo-people.json"

// DemoPerson is one demo person, as written to demo-people.json.
type DemoPerson struct {
	Role      string `json:"role"`
	PartyID   string `json:"party_id"`
	PartyName string `json:"party_name"`
	Person    string `json:"person"`
	Username  string `json:"username"`
	Password  string `json:"password"`
	// TOTPSecret (base32) and TOTPURI are the authenticator of an
	// inspector or admin, whose sign-in asks for its 6-digit code.
	TOTPSecret string `json:"totp_secret,omitempty"`
	TOTPURI    string `json:"totp_uri,omitempty"`
}

// demoPerson is one person to add, and once added, their principal.
type demoPerson struct {
	party *party // nil for the admin
	DemoPerson
	phone string
	role  ledger.PersonRole
	P     ledger.Principal
}

// plannedPeople draws the district's people: a manager and an operator per
// party (the inspector party: one inspector), then the admin.
func plannedPeople(r *rand.Rand, d *district, admin *ledger.Party) []*demoPerson {
	phones := map[string]bool{}
	phone := func() string {
		for {
			if m := mobile(r); !phones[m] {
				phones[m] = true
				return m
			}
		}
	}
	password := func() string {
		const alphabet = "abcdefghjkmnpqrstuvwxyz23456789" // no 0 O o, 1 l I
		var b strings.Builder
		for i := range 12 {
			if i > 0 && i%4 == 0 {
				b.WriteByte('-')
			}
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	var out []*demoPerson
	add := func(p *party, partyID, partyName, username, name string, role ledger.PersonRole) {
		out = append(out, &demoPerson{party: p, phone: phone(), role: role, DemoPerson: DemoPerson{Role: string(role),
			PartyID: partyID, PartyName: partyName, Person: name, Username: username, Password: password()}})
	}
	group := func(prefix string, ps []*party) {
		for i, p := range ps {
			u := fmt.Sprintf("%s%02d", prefix, i+1)
			add(p, p.ID, p.In.Name, u+".manager", p.In.Contact.Name, ledger.PersonManager)
			add(p, p.ID, p.In.Name, u+".operator", otherName(r, p.In.Contact.Name), ledger.PersonOperator)
		}
	}
	group("gen", d.Generators)
	group("car", d.Transporters)
	group("rx", d.Receivers[:])
	add(d.Inspector, d.Inspector.ID, d.Inspector.In.Name, "inspector", d.Inspector.In.Contact.Name, ledger.PersonInspector)
	add(nil, admin.ID, admin.Name, "admin", otherName(r, ""), ledger.PersonAdmin)
	// The cases' parties (cases.go), drawn after everyone else.
	if d.Collector != nil {
		group("col", []*party{d.Collector})
		add(d.Remote, d.Remote.ID, d.Remote.In.Name, "rx04.manager", d.Remote.In.Contact.Name, ledger.PersonManager)
		add(d.Remote, d.Remote.ID, d.Remote.In.Name, "rx04.operator", otherName(r, d.Remote.In.Contact.Name), ledger.PersonOperator)
	}
	return out
}

// otherName draws a personal name other than not.
func otherName(r *rand.Rand, not string) string {
	for {
		if n := personName(r); n != not {
			return n
		}
	}
}

// addPeople adds the district's people, one by one so that the ledger
// order is deterministic, and signs each in to set their demo password
// (and authenticator) at once, as they would. It returns the
// people with their principals.
func addPeople(ctx context.Context, s *ledger.Service, admin ledger.Principal, d *district, seed int64) ([]*demoPerson, error) {
	r := rand.New(rand.NewPCG(uint64(seed), 0x7065_6f70_6c65)) // "people"
	adminParty, err := s.Party(ctx, admin.Party)
	if err != nil {
		return nil, err
	}
	people := plannedPeople(r, d, adminParty)
	// Setting each password appends nothing to the ledger: it runs while
	// the next people are added (argon2id hashes are most of the time,
	// and the ledger.hashSlots bound how many run at once).
	var wg sync.WaitGroup
	errs := make([]error, len(people))
	for i, dp := range people {
		np, err := s.AddPerson(ctx, admin, dp.PartyID, ledger.PersonInput{Name: dp.Person, Phone: dp.phone,
			Username: dp.Username, Role: dp.role})
		if err != nil {
			wg.Wait()
			return nil, fmt.Errorf("demo: add %s to %s: %w", dp.Username, dp.PartyName, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = dp.activate(ctx, s, np.Password)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return people, nil
}

// activate signs dp in with their one-time password, sets their demo
// password and, for an inspector or admin, enrols an authenticator; dp.P
// is then their principal.
func (dp *demoPerson) activate(ctx context.Context, s *ledger.Service, oneTime string) error {
	fail := func(step string, err error) error { return fmt.Errorf("demo: %s for %s: %w", step, dp.Username, err) }
	si, err := s.SignIn(ctx, ledger.SignInInput{Username: dp.Username, Password: oneTime})
	if err != nil {
		return fail("first sign-in", err)
	}
	p, err := s.SessionPrincipal(ctx, si.SessionID)
	if err != nil {
		return fail("session", err)
	}
	if _, err := s.ChangePassword(ctx, p, ledger.PasswordInput{Current: oneTime, New: dp.Password}); err != nil {
		return fail("password", err)
	}
	if p, err = s.SessionPrincipal(ctx, si.SessionID); err != nil {
		return fail("session", err)
	}
	if dp.role == ledger.PersonInspector || dp.role == ledger.PersonAdmin {
		en, err := s.StartTOTP(ctx, p, p.Person.ID)
		if err != nil {
			return fail("authenticator", err)
		}
		code, err := ledger.TOTPCode(en.Secret, s.Now())
		if err != nil {
			return fail("authenticator", err)
		}
		if _, err := s.ConfirmTOTP(ctx, p, p.Person.ID, ledger.TOTPConfirmInput{Code: code}); err != nil {
			return fail("authenticator", err)
		}
		dp.TOTPSecret, dp.TOTPURI = en.Secret, en.URI
		if p, err = s.SessionPrincipal(ctx, si.SessionID); err != nil { // now with the second factor
			return fail("session", err)
		}
	}
	// The demo's own session ends; the principal acts for the person in
	// the district's history, as their signed-in browser would have.
	if err := s.SignOut(ctx, p, false); err != nil {
		return fail("sign-out", err)
	}
	dp.P = p
	return nil
}

// actAsPeople makes the district's history the people's: each party's
// operator registers, loads, receives and disposes, its manager files
// its plans and declarations, and the inspector inspects. Carriers keep
// their party token: their steps are the truck terminal's.
func actAsPeople(d *district, people []*demoPerson) {
	for _, dp := range people {
		p := dp.party
		if p == nil {
			continue
		}
		switch {
		case dp.role == ledger.PersonInspector:
			p.P = dp.P
		case p.Role == ledger.RoleTransporter:
		case dp.role == ledger.PersonOperator:
			p.P = dp.P
		case dp.role == ledger.PersonManager:
			p.Manager = dp.P
		}
	}
}

// filer is who files g's plans and declarations: its manager, else its
// token.
func (p *party) filer() ledger.Principal {
	if p.Manager.Party != "" {
		return p.Manager
	}
	return p.P
}
