package ledger

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// People: each party has people, each with a role inside it. A party's
// manager adds, disables and resets its people; an admin does so for any
// party and adds the first manager. Inspectors and admins are people of a
// party that holds the inspector or admin role (the bureau). Adding and
// disabling are ledger events; passwords, TOTP secrets and sessions are
// sign-in state (account.go), never in the log.

// PersonRole is what a person does inside their party.
type PersonRole string

// Person roles.
const (
	// PersonManager acts for the party and manages its people and tokens.
	PersonManager PersonRole = "manager"
	// PersonOperator acts for the party (registers, loads, receives).
	PersonOperator PersonRole = "operator"
	// PersonInspector inspects, in a party holding the inspector role.
	PersonInspector PersonRole = "inspector"
	// PersonAdmin administers hwledger, in a party holding the admin role.
	PersonAdmin PersonRole = "admin"
)

// PersonRoles lists every person role.
var PersonRoles = []string{string(PersonManager), string(PersonOperator), string(PersonInspector), string(PersonAdmin)}

// Person statuses.
const (
	PersonActive   = "active"
	PersonDisabled = "disabled"
)

// PersonStatuses lists every person status.
var PersonStatuses = []string{PersonActive, PersonDisabled}

// Person is someone who signs in for a party. MustChangePassword, TOTP and
// LockedUntil come from their account (sign-in state).
type Person struct {
	ID         string     `json:"id"`
	Party      string     `json:"party"`
	Name       string     `json:"name"`
	Phone      string     `json:"phone"`
	Username   string     `json:"username"`
	Role       PersonRole `json:"role"`
	Status     string     `json:"status"`
	AddedAt    time.Time  `json:"added_at"`
	DisabledAt *time.Time `json:"disabled_at,omitempty"`

	MustChangePassword bool       `json:"must_change_password"`
	TOTP               bool       `json:"totp_enrolled"`
	LockedUntil        *time.Time `json:"locked_until,omitempty"`
}

// Ref is the person as an event's actor names them.
func (p *Person) Ref() *PersonRef { return &PersonRef{ID: p.ID, Name: p.Name} }

// PersonInput adds a person (POST /parties/{id}/people).
type PersonInput struct {
	Name     string     `json:"name" validate:"text=50"`
	Phone    string     `json:"phone" validate:"text=11"`
	Username string     `json:"username" validate:"text=32"`
	Role     PersonRole `json:"role" validate:"text=20"`
}

// NewPerson is a person just added or reset, with the one-time password
// they sign in with first (shown this once).
type NewPerson struct {
	Person   *Person `json:"person"`
	Password string  `json:"password"`
}

var (
	usernamePattern = regexp.MustCompile(`^[a-z][a-z0-9._-]{2,31}$`)
	mobilePattern   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
)

// personRoles are the party roles a person acts in: an admin in admin (and
// inspector when the party holds it), an inspector in inspector, a manager
// or operator in the party's roles other than those two.
func personRoles(party *Party, role PersonRole) []Role {
	switch role {
	case PersonAdmin:
		out := []Role{RoleAdmin}
		if party.HasRole(RoleInspector) {
			out = append(out, RoleInspector)
		}
		return out
	case PersonInspector:
		return []Role{RoleInspector}
	}
	out := []Role{}
	for _, r := range party.Roles {
		if r != RoleAdmin && r != RoleInspector {
			out = append(out, r)
		}
	}
	return out
}

// managerOf returns p acting to manage the people and tokens of party: as
// an admin, or as a manager (a person) of that party. Anyone else is
// ErrForbidden.
func (p Principal) managerOf(party string) (Principal, error) {
	if p.Has(RoleAdmin) {
		p.acting = RoleAdmin
		return p, nil
	}
	if p.Person != nil && p.PersonRole == PersonManager && p.Party == party {
		p.acting = Role(PersonManager)
		return p, nil
	}
	return p, fmt.Errorf("%w: only an admin or a manager of the party manages its people and tokens", ErrForbidden)
}

func validatePerson(in *PersonInput) error {
	f := fieldErrors{}
	in.Name = strings.TrimSpace(in.Name)
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.Phone = strings.TrimSpace(in.Phone)
	checkTags(f, in)
	if in.Name == "" {
		f.add("name", Text{"必须填写姓名", "is required"})
	}
	if !usernamePattern.MatchString(in.Username) {
		f.add("username", Text{"须为 3 到 32 个 a-z 0-9 . _ - 字符，以字母开头", "must be 3 to 32 of a-z 0-9 . _ - starting with a letter"})
	}
	if !mobilePattern.MatchString(in.Phone) {
		f.add("phone", Text{"须为 11 位手机号码（如 13800000000）", "must be a mainland mobile number of 11 digits (13800000000)"})
	}
	switch in.Role {
	case PersonManager, PersonOperator, PersonInspector, PersonAdmin:
	default:
		f.add("role", Text{"须为 %s 之一", "must be one of %s"}, strings.Join(PersonRoles, ", "))
	}
	return f.err()
}

func applyPersonAdded(s proj.Store, e *chain.Event, d *PersonAddedData) error {
	p := personRecord{ID: d.ID, Party: d.Party, Name: d.Name, Phone: d.Phone, Username: d.Username,
		Role: d.Role, Status: PersonActive, AddedAt: e.RecordedAt}
	if err := setJSON(s, proj.PersonKey(p.ID), p); err != nil {
		return err
	}
	if err := s.Set(proj.UsernameKey(p.Username), []byte(p.ID)); err != nil {
		return err
	}
	if err := s.Set(proj.PhoneKey(p.Phone), []byte(p.ID)); err != nil {
		return err
	}
	return s.Set(proj.PartyPersonKey(p.Party, p.ID), nil)
}

// applyPersonDisabled marks the person disabled and frees their mobile
// number (their username stays theirs: the log names them by it).
func applyPersonDisabled(s proj.Store, e *chain.Event, _ *PersonDisabledData) error {
	p, err := loadPersonRecord(s, e.Subject)
	if err != nil {
		return err
	}
	at := e.RecordedAt
	p.Status, p.DisabledAt = PersonDisabled, &at
	if err := setJSON(s, proj.PersonKey(p.ID), p); err != nil {
		return err
	}
	return s.Delete(proj.PhoneKey(p.Phone))
}

// personRecord is the stored person (proj.PersonKey): Person without what
// the account holds.
type personRecord struct {
	ID         string     `json:"id"`
	Party      string     `json:"party"`
	Name       string     `json:"name"`
	Phone      string     `json:"phone"`
	Username   string     `json:"username"`
	Role       PersonRole `json:"role"`
	Status     string     `json:"status"`
	AddedAt    time.Time  `json:"added_at"`
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
}

func loadPersonRecord(s proj.Store, id string) (*personRecord, error) {
	var p personRecord
	ok, err := getJSON(s, proj.PersonKey(id), &p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("person", id)
	}
	return &p, nil
}

// loadPerson is the person id with their account's state.
func loadPerson(s proj.Store, id string) (*Person, error) {
	r, err := loadPersonRecord(s, id)
	if err != nil {
		return nil, err
	}
	a, _, err := loadAccount(s, id)
	if err != nil {
		return nil, err
	}
	return personOf(r, a), nil
}

func personOf(r *personRecord, a *account) *Person {
	p := &Person{ID: r.ID, Party: r.Party, Name: r.Name, Phone: r.Phone, Username: r.Username, Role: r.Role,
		Status: r.Status, AddedAt: r.AddedAt, DisabledAt: r.DisabledAt}
	if a != nil {
		p.MustChangePassword, p.TOTP = a.MustChange, a.TOTPSecret != ""
		if !a.LockedUntil.IsZero() {
			t := a.LockedUntil
			p.LockedUntil = &t
		}
	}
	return p
}

// AddPerson adds a person to a party (an admin, or a manager of that
// party) and returns them with a one-time password, which they must
// change at their first sign-in. Only an admin adds inspectors and admins,
// and only to a party holding that role.
func (s *Service) AddPerson(ctx context.Context, p Principal, partyID string, in PersonInput) (*NewPerson, error) {
	p, err := p.managerOf(partyID)
	if err != nil {
		return nil, err
	}
	if err := validatePerson(&in); err != nil {
		return nil, err
	}
	if (in.Role == PersonInspector || in.Role == PersonAdmin) && p.acting != RoleAdmin {
		return nil, fmt.Errorf("%w: only an admin adds inspectors and admins", ErrForbidden)
	}
	password := newOneTimePassword()
	hash := hashPassword(password) // outside the writer: it takes tens of milliseconds
	// A replay would have to keep the password to answer it again: adding
	// a person is not idempotent (the username makes a retry fail safely).
	ctx = WithIdempotency(ctx, "", "")
	return exec(ctx, s, p, func(c *cmd) (*NewPerson, error) {
		party, err := loadParty(c.tx, partyID)
		if err != nil {
			return nil, err
		}
		if in.Role == PersonInspector && !party.HasRole(RoleInspector) || in.Role == PersonAdmin && !party.HasRole(RoleAdmin) {
			return nil, invalid("role", Text{"%s：单位 %s 不具有该角色", "%s: party %s does not hold that role"}, in.Role, party.Name)
		}
		if _, ok, err := c.tx.Get(proj.UsernameKey(in.Username)); err != nil {
			return nil, err
		} else if ok {
			return nil, invalid("username", Text{"用户名 %s 已被使用", "%s is already taken"}, in.Username)
		}
		if _, ok, err := c.tx.Get(proj.PhoneKey(in.Phone)); err != nil {
			return nil, err
		} else if ok {
			return nil, invalid("phone", Text{"手机号 %s 已是另一人的号码", "%s is already the number of another person"}, in.Phone)
		}
		d := PersonAddedData{ID: c.s.newID(), Party: partyID, Name: in.Name, Phone: in.Phone, Username: in.Username, Role: in.Role}
		if _, err := c.emit(EvPersonAdded, d.ID, time.Time{}, d); err != nil {
			return nil, err
		}
		a := &account{Hash: hash, MustChange: true, ChangedAt: c.now}
		if err := saveAccount(c.tx, d.ID, a); err != nil {
			return nil, err
		}
		if err := c.securityLog(SecurityEntry{Kind: SecPasswordIssued, Person: d.ID, Username: d.Username, Party: partyID}); err != nil {
			return nil, err
		}
		person, err := loadPerson(c.tx, d.ID)
		return &NewPerson{Person: person, Password: password}, err
	})
}

// People lists a party's people by username: for an inspector or admin,
// and for the party itself.
func (s *Service) People(ctx context.Context, p Principal, partyID string) ([]*Person, error) {
	if !p.SeesAll() && p.Party != partyID {
		return nil, fmt.Errorf("%w: a party's people are listed to the party, inspectors and admins", ErrForbidden)
	}
	out := []*Person{}
	err := s.view(func(r *proj.Snapshot) error {
		if _, err := loadParty(r, partyID); err != nil {
			return err
		}
		prefix := proj.PartyPeoplePrefix(partyID)
		ids, err := idsUnder(r, prefix)
		if err != nil {
			return err
		}
		for _, id := range ids {
			person, err := loadPerson(r, id)
			if err != nil {
				return err
			}
			out = append(out, person)
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Username < out[j].Username })
	return out, err
}

// Person returns a person: to an inspector or admin, and to their party.
func (s *Service) Person(ctx context.Context, p Principal, id string) (*Person, error) {
	var out *Person
	err := s.view(func(r *proj.Snapshot) error {
		person, err := loadPerson(r, id)
		if err != nil {
			return err
		}
		if !p.SeesAll() && p.Party != person.Party {
			return notFound("person", id)
		}
		out = person
		return nil
	})
	return out, err
}

// managedPerson loads person id for p to manage: p must manage the
// person's party, and only an admin manages inspectors and admins. A
// person of another party p may not see is not found.
func (c *cmd) managedPerson(id string) (*personRecord, Principal, error) {
	person, err := loadPersonRecord(c.tx, id)
	if err != nil {
		return nil, c.p, err
	}
	if !c.p.SeesAll() && c.p.Party != person.Party {
		return nil, c.p, notFound("person", id)
	}
	p, err := c.p.managerOf(person.Party)
	if err != nil {
		return nil, p, err
	}
	if (person.Role == PersonInspector || person.Role == PersonAdmin) && p.acting != RoleAdmin {
		return nil, p, fmt.Errorf("%w: only an admin manages inspectors and admins", ErrForbidden)
	}
	return person, p, nil
}

// DisablePerson disables a person (an admin, or a manager of their
// party): their sessions end at once and neither they nor tokens bound to
// them authenticate again. Disabling is for good; no one disables
// themselves.
func (s *Service) DisablePerson(ctx context.Context, p Principal, id string) (*Person, error) {
	return exec(ctx, s, p, func(c *cmd) (*Person, error) {
		person, as, err := c.managedPerson(id)
		if err != nil {
			return nil, err
		}
		if c.p.Person != nil && c.p.Person.ID == id {
			return nil, ruleErr(Text{"不能停用自己：请另一位负责人或管理员操作", "no one disables themselves: ask another manager or an admin"})
		}
		if person.Status == PersonDisabled {
			return nil, transitionErr(Text{"停用该人员", "disable a person"}, person.Status)
		}
		c.p = as
		if _, err := c.emit(EvPersonDisabled, id, time.Time{}, PersonDisabledData{Party: person.Party, Username: person.Username}); err != nil {
			return nil, err
		}
		if _, err := c.endSessions(id, ""); err != nil {
			return nil, err
		}
		if err := c.securityLog(SecurityEntry{Kind: SecPersonDisabled, Person: id, Username: person.Username, Party: person.Party}); err != nil {
			return nil, err
		}
		return loadPerson(c.tx, id)
	})
}

// ResetPassword gives a person a new one-time password (an admin, or a
// manager of their party; for inspectors and admins, an admin): it
// unlocks a locked account, ends their sessions, and must be changed at
// the next sign-in. It appends nothing to the ledger; the security log
// records it.
func (s *Service) ResetPassword(ctx context.Context, p Principal, id string) (*NewPerson, error) {
	password := newOneTimePassword()
	hash := hashPassword(password)
	ctx = WithIdempotency(ctx, "", "") // a replay could not give the password again
	return exec(ctx, s, p, func(c *cmd) (*NewPerson, error) {
		person, _, err := c.managedPerson(id)
		if err != nil {
			return nil, err
		}
		if person.Status == PersonDisabled {
			return nil, transitionErr(Text{"重置该人员的密码", "reset the password of a person"}, person.Status)
		}
		a, _, err := loadAccount(c.tx, id)
		if err != nil {
			return nil, err
		}
		if a == nil {
			a = &account{}
		}
		a.Hash, a.MustChange, a.ChangedAt = hash, true, c.now
		a.Failures, a.LockedUntil = 0, time.Time{}
		if err := saveAccount(c.tx, id, a); err != nil {
			return nil, err
		}
		if _, err := c.endSessions(id, ""); err != nil {
			return nil, err
		}
		if err := c.securityLog(SecurityEntry{Kind: SecPasswordReset, Person: id, Username: person.Username, Party: person.Party}); err != nil {
			return nil, err
		}
		out, err := loadPerson(c.tx, id)
		return &NewPerson{Person: out, Password: password}, err
	})
}
