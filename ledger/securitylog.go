package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// The security log records sign-ins, failures, lockouts, sign-outs, and
// password, TOTP and token changes. It is kept apart from the ledger
// (sign-in state, proj.SecurityLogKey): append-only, numbered from 0, not
// hashed or signed, and read by inspectors and admins.

// Security log entry kinds.
const (
	SecSignIn            = "sign_in"             // a person signed in
	SecSignInFailed      = "sign_in_failed"      // wrong username, password or TOTP code
	SecLocked            = "locked"              // too many failures in a row: the account locked
	SecAddressLimited    = "address_limited"     // too many failures from one address
	SecSignOut           = "sign_out"            // a session ended by its person
	SecSignOutEverywhere = "sign_out_everywhere" // every session of a person ended
	SecPasswordIssued    = "password_issued"     // a person was added with a one-time password
	SecPasswordReset     = "password_reset"      // a manager or admin gave a new one-time password
	SecPasswordChanged   = "password_changed"    // a person chose a new password
	SecTOTPEnrolled      = "totp_enrolled"       // a person confirmed an authenticator
	SecTOTPRemoved       = "totp_removed"        // a manager or admin removed a person's authenticator
	SecPersonDisabled    = "person_disabled"     // a person was disabled; their sessions ended
	SecTokenCreated      = "token_created"       // a token was issued
	SecTokenRevoked      = "token_revoked"       // a token was revoked
)

// SecurityKinds lists every entry kind.
var SecurityKinds = []string{SecSignIn, SecSignInFailed, SecLocked, SecAddressLimited, SecSignOut, SecSignOutEverywhere,
	SecPasswordIssued, SecPasswordReset, SecPasswordChanged, SecTOTPEnrolled, SecTOTPRemoved, SecPersonDisabled,
	SecTokenCreated, SecTokenRevoked}

// SecurityEntry is one line of the security log. Person, Username and
// Party name whom it concerns; By who did it when that is someone else
// (a manager, an admin, a machine's token).
type SecurityEntry struct {
	Seq       uint64         `json:"seq"`
	At        time.Time      `json:"at"`
	Kind      string         `json:"kind"`
	Person    string         `json:"person,omitempty"`
	Username  string         `json:"username,omitempty"`
	Party     string         `json:"party,omitempty"`
	Token     string         `json:"token,omitempty"`
	By        *SecurityActor `json:"by,omitempty"`
	Address   string         `json:"address,omitempty"`
	UserAgent string         `json:"user_agent,omitempty"`
	Detail    string         `json:"detail,omitempty"`
}

// SecurityActor is who did what an entry records.
type SecurityActor struct {
	Party  string     `json:"party"`
	Person *PersonRef `json:"person,omitempty"`
	Token  string     `json:"token,omitempty"`
}

// securityLog appends e with the command's time and client, and as By
// the command's principal when that is not the person e is about.
func (c *cmd) securityLog(e SecurityEntry) error {
	n := uint64(0)
	if b, ok, err := c.tx.Get(proj.SecurityLogCountKey()); err != nil {
		return err
	} else if ok {
		n = proj.SecurityLogN(b)
	}
	e.Seq, e.At = n, c.now
	if e.Address == "" {
		e.Address, e.UserAgent = c.client.Address, c.client.UserAgent
	}
	if c.p.Party != "" && (c.p.Person == nil || c.p.Person.ID != e.Person) {
		e.By = &SecurityActor{Party: c.p.Party, Person: c.p.Person, Token: c.p.TokenID}
	}
	if err := setJSON(c.tx, proj.SecurityLogKey(n), e); err != nil {
		return err
	}
	return c.tx.Set(proj.SecurityLogCountKey(), proj.SecurityLogNBytes(n+1))
}

// SecurityLog calls fn for the entries from number from on, at most limit
// (inspectors and admins).
func (s *Service) SecurityLog(ctx context.Context, p Principal, from uint64, limit int, fn func(line []byte) error) error {
	if !p.SeesAll() {
		return fmt.Errorf("%w: the security log is for inspectors and admins", ErrForbidden)
	}
	err := s.view(func(r *proj.Snapshot) error {
		n := 0
		return proj.EachSecurityEntry(r, from, func(v []byte) error {
			if n >= limit {
				return errStop
			}
			n++
			return fn(v)
		})
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}
