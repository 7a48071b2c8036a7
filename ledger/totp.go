package ledger

import (
	"context"
	"crypto/subtle"
	"fmt"
	"regexp"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP (RFC 6238): an authenticator app's 6-digit code, 30-second steps,
// SHA-1, as every common app reads from an otpauth:// URI. Once a person
// enrols one, sign-in needs its code; each code is accepted once, and the
// step before and after the current one are accepted too (clock drift).
// The web UI asks inspectors and admins to enrol.

var totpPattern = regexp.MustCompile(`^[0-9]{6}$`)

var totpOpts = totp.ValidateOpts{Period: 30, Skew: 0, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// checkTOTP reports whether code is secret's code at a step within one of
// now's, and which step.
func checkTOTP(secret, code string, now time.Time) (step uint64, ok bool) {
	if !totpPattern.MatchString(code) {
		return 0, false
	}
	cur := uint64(now.Unix()) / 30
	for _, st := range []uint64{cur - 1, cur, cur + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(int64(st*30), 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return st, true
		}
	}
	return 0, false
}

// TOTPCode is secret's code at t (for tests and tools that act as an
// authenticator).
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totpOpts)
}

// TOTPEnrolment is an authenticator to add: the secret in base32 and as an
// otpauth:// URI (what a QR code shows).
type TOTPEnrolment struct {
	Secret string `json:"secret"`
	URI    string `json:"otpauth_uri"`
}

// TOTPConfirmInput confirms an enrolment with the app's current code.
type TOTPConfirmInput struct {
	Code string `json:"code"`
}

// selfOnly refuses anyone but the signed-in person id.
func selfOnly(p Principal, id string) error {
	if p.Person == nil || p.Session == "" || p.Person.ID != id {
		return fmt.Errorf("%w: a person enrols their own authenticator, signed in", ErrForbidden)
	}
	return nil
}

// StartTOTP makes a new secret for person id to add to their
// authenticator app; it takes effect once ConfirmTOTP checks a code of
// it. Only the person themselves, signed in.
func (s *Service) StartTOTP(ctx context.Context, p Principal, id string) (*TOTPEnrolment, error) {
	if err := selfOnly(p, id); err != nil {
		return nil, err
	}
	p.MustEnrolTOTP = false // enrolling is what it asks for
	return exec(WithIdempotency(ctx, "", ""), s, p, func(c *cmd) (*TOTPEnrolment, error) {
		person, err := loadPersonRecord(c.tx, id)
		if err != nil {
			return nil, err
		}
		a, ok, err := loadAccount(c.tx, id)
		if err != nil || !ok {
			return nil, fmt.Errorf("%w: no account", ErrUnauthenticated)
		}
		key, err := totp.Generate(totp.GenerateOpts{Issuer: "hwledger", AccountName: person.Username, Period: 30,
			Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return nil, err
		}
		a.TOTPPending = key.Secret()
		if err := saveAccount(c.tx, id, a); err != nil {
			return nil, err
		}
		return &TOTPEnrolment{Secret: key.Secret(), URI: key.URL()}, nil
	})
}

// ConfirmTOTP enrols the pending secret of person id when code is its
// current code. Only the person themselves, signed in.
func (s *Service) ConfirmTOTP(ctx context.Context, p Principal, id string, in TOTPConfirmInput) (*Person, error) {
	if err := selfOnly(p, id); err != nil {
		return nil, err
	}
	if !totpPattern.MatchString(in.Code) {
		return nil, invalid("code", Text{"须为身份验证器显示的 6 位数字", "must be the 6 digits the authenticator shows"})
	}
	p.MustEnrolTOTP = false
	return exec(WithIdempotency(ctx, "", ""), s, p, func(c *cmd) (*Person, error) {
		person, err := loadPersonRecord(c.tx, id)
		if err != nil {
			return nil, err
		}
		a, ok, err := loadAccount(c.tx, id)
		if err != nil || !ok {
			return nil, fmt.Errorf("%w: no account", ErrUnauthenticated)
		}
		if a.TOTPPending == "" {
			return nil, transitionErr(Text{"确认身份验证器（请先开始绑定）", "confirm an authenticator (start the enrolment first: POST /people/{id}/totp)"}, "not enrolling")
		}
		step, ok := checkTOTP(a.TOTPPending, in.Code, c.now)
		if !ok {
			return nil, invalid("code", Text{"不是身份验证器当前的动态码：请检查手机时间后输入下一个动态码", "is not the authenticator's current code: check the phone's clock and try the next code"})
		}
		a.TOTPSecret, a.TOTPPending, a.TOTPLastStep = a.TOTPPending, "", step
		if err := saveAccount(c.tx, id, a); err != nil {
			return nil, err
		}
		if err := c.securityLog(SecurityEntry{Kind: SecTOTPEnrolled, Person: id, Username: person.Username, Party: person.Party}); err != nil {
			return nil, err
		}
		return personOf(person, a), nil
	})
}

// RemoveTOTP removes person id's authenticator (a lost phone): an admin,
// or a manager of their party (an admin for inspectors and admins). They
// sign in with their password alone until they enrol again.
func (s *Service) RemoveTOTP(ctx context.Context, p Principal, id string) (*Person, error) {
	return exec(WithIdempotency(ctx, "", ""), s, p, func(c *cmd) (*Person, error) {
		person, as, err := c.managedPerson(id)
		if err != nil {
			return nil, err
		}
		c.p = as
		a, ok, err := loadAccount(c.tx, id)
		if err != nil || !ok {
			return nil, fmt.Errorf("%w: no account", ErrNotFound)
		}
		if a.TOTPSecret == "" && a.TOTPPending == "" {
			return personOf(person, a), nil
		}
		a.TOTPSecret, a.TOTPPending, a.TOTPLastStep = "", "", 0
		if err := saveAccount(c.tx, id, a); err != nil {
			return nil, err
		}
		if err := c.securityLog(SecurityEntry{Kind: SecTOTPRemoved, Person: id, Username: person.Username, Party: person.Party}); err != nil {
			return nil, err
		}
		return personOf(person, a), nil
	})
}
