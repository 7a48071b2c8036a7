package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// SignInPolicy is how sign-in is guarded (docs/api.md, "People and
// sign-in"). The zero value of a field takes its default.
type SignInPolicy struct {
	// SessionIdle ends a session after this long without a request.
	// Default 8 hours (a driver's shift).
	SessionIdle time.Duration
	// MaxFailures failed sign-ins in a row lock an account for LockFor;
	// a manager's password reset unlocks it at once. Defaults 10 and 15
	// minutes.
	MaxFailures int
	LockFor     time.Duration
	// AddressFailures failed sign-ins from one address within
	// AddressWindow refuse further attempts from it until the window
	// passes. Defaults 30 and 15 minutes.
	AddressFailures int
	AddressWindow   time.Duration
}

func (p SignInPolicy) withDefaults() SignInPolicy {
	if p.SessionIdle <= 0 {
		p.SessionIdle = 8 * time.Hour
	}
	if p.MaxFailures <= 0 {
		p.MaxFailures = 10
	}
	if p.LockFor <= 0 {
		p.LockFor = 15 * time.Minute
	}
	if p.AddressFailures <= 0 {
		p.AddressFailures = 30
	}
	if p.AddressWindow <= 0 {
		p.AddressWindow = 15 * time.Minute
	}
	return p
}

// SignInInput is POST /session: a username or a mobile number, the
// password, and the authenticator's code once one is enrolled.
type SignInInput struct {
	Username string `json:"username"`
	Password string `json:"password"`
	TOTP     string `json:"totp"`
}

// SignedIn is a new session: its id (the cookie's value, shown only
// here) and who signed in.
type SignedIn struct {
	SessionID string `json:"-"`
	SessionInfo
}

// SessionInfo says who a session is: GET /session and the sign-in answer.
type SessionInfo struct {
	Person             *Person `json:"person"`
	Party              *Party  `json:"party"`
	Roles              []Role  `json:"roles"`
	MustChangePassword bool    `json:"must_change_password"`
	// TOTPSuggested: the person is an inspector or admin without an
	// enrolled authenticator, who must enrol one before anything else
	// (until then every other call is 403 totp_enrolment_required).
	TOTPSuggested bool `json:"totp_suggested"`
}

// SignInError is a refused sign-in: 401 with Code unauthenticated (the
// username, password or code is wrong; Fields names totp when only the
// code is) or totp_required (the password is right; send the code).
type SignInError struct {
	Code      string
	Message   string
	MessageZh string
	Fields    map[string]string
	FieldsZh  map[string]string
}

func (e *SignInError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrUnauthenticated) true.
func (e *SignInError) Is(target error) bool { return target == ErrUnauthenticated }

// Sign-in error codes.
const (
	CodeSignInFailed = "unauthenticated"
	CodeTOTPRequired = "totp_required"
)

var errWrongCredentials = &SignInError{Code: CodeSignInFailed,
	Message: "the username or password is wrong", MessageZh: "用户名或密码不对"}

// TooManyAttemptsError refuses a sign-in for a while (429
// too_many_attempts): the account is locked, or its address sent too many
// failures. RetryAfter is how long until the next attempt is heard.
type TooManyAttemptsError struct {
	RetryAfter time.Duration
	// Locked: the account is locked (else the address is limited).
	Locked bool
}

func (e *TooManyAttemptsError) Error() string {
	wait := e.RetryAfter.Round(time.Second)
	if e.Locked {
		return fmt.Sprintf("too many failed sign-ins in a row: the account is locked for %s; "+
			"a manager of the party (or an admin) can reset its password to unlock it now", wait)
	}
	return fmt.Sprintf("too many failed sign-ins from this address: try again in %s", wait)
}

// MessageZh says in Chinese what Error says.
func (e *TooManyAttemptsError) MessageZh() string {
	min := int((e.RetryAfter + time.Minute - 1) / time.Minute)
	if e.Locked {
		return fmt.Sprintf("连续登录失败次数过多，账号已锁定 %d 分钟；也可请本单位负责人（或管理员）重置密码，立即解锁", min)
	}
	return fmt.Sprintf("此地址登录失败次数过多，请 %d 分钟后再试", min)
}

// ErrPasswordChangeRequired: the principal signed in with a one-time
// password and must choose a new one first (403
// password_change_required).
var ErrPasswordChangeRequired = errors.New("change the one-time password first (POST /api/v1/session/password)")

// ErrTOTPEnrolmentRequired: an inspector or admin signed in without an
// authenticator; they may only enrol one (POST /people/{id}/totp, then
// its confirm), change their password, or sign out (403
// totp_enrolment_required).
var ErrTOTPEnrolmentRequired = errors.New("enrol an authenticator first (POST /api/v1/people/{id}/totp, then /totp/confirm)")

// needsTOTP: the person roles whose sign-in must have a second factor.
func needsTOTP(r PersonRole) bool { return r == PersonInspector || r == PersonAdmin }

// addressLimiter counts failed sign-ins per address in fixed windows, in
// memory: a restart forgets them (account locks are stored).
type addressLimiter struct {
	mu sync.Mutex
	m  map[string]*addressCount
}

type addressCount struct {
	start time.Time
	n     int
}

// blocked returns how long addr must wait, or 0.
func (l *addressLimiter) blocked(addr string, now time.Time, pol SignInPolicy) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.m[addr]
	if c == nil || now.Sub(c.start) >= pol.AddressWindow {
		return 0
	}
	if c.n >= pol.AddressFailures {
		return c.start.Add(pol.AddressWindow).Sub(now)
	}
	return 0
}

// fail counts a failure from addr and reports whether it reached the
// limit just now.
func (l *addressLimiter) fail(addr string, now time.Time, pol SignInPolicy) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]*addressCount{}
	}
	if len(l.m) > 100_000 { // forget finished windows rather than grow
		for k, c := range l.m {
			if now.Sub(c.start) >= pol.AddressWindow {
				delete(l.m, k)
			}
		}
	}
	c := l.m[addr]
	if c == nil || now.Sub(c.start) >= pol.AddressWindow {
		c = &addressCount{start: now}
		l.m[addr] = c
	}
	c.n++
	return c.n == pol.AddressFailures
}

// validateSignIn checks the shape of a sign-in before anything is looked
// up: what fails here is not a failed attempt.
func validateSignIn(in *SignInInput) error {
	f := fieldErrors{}
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.TOTP = strings.TrimSpace(in.TOTP)
	if in.Username == "" || len(in.Username) > 64 {
		f.add("username", Text{"请填写用户名或手机号", "is required: a username or a mobile number"})
	}
	if in.Password == "" {
		f.add("password", Text{"请填写密码", "is required"})
	} else if len(in.Password) > 4*maxPasswordRunes || !utf8.ValidString(in.Password) {
		f.add("password", Text{"最多 %d 个字符", "must be at most %d characters of UTF-8"}, maxPasswordRunes)
	}
	if in.TOTP != "" && !totpPattern.MatchString(in.TOTP) {
		f.add("totp", Text{"须为身份验证器显示的 6 位数字", "must be the 6 digits the authenticator shows"})
	}
	return f.err()
}

// SignIn checks a username (or mobile number), password and, once one is
// enrolled, authenticator code, and starts a session. Failures count per
// account and per address (SignInPolicy); a locked account or a limited
// address is a *TooManyAttemptsError until it may try again. Every
// attempt that gets as far as the password is in the security log.
func (s *Service) SignIn(ctx context.Context, in SignInInput) (*SignedIn, error) {
	if err := validateSignIn(&in); err != nil {
		return nil, err
	}
	cl := clientOf(ctx)
	now := s.Now()
	if wait := s.addresses.blocked(cl.Address, now, s.signIn); wait > 0 {
		return nil, &TooManyAttemptsError{RetryAfter: wait}
	}
	var person *personRecord
	var acct *account
	if err := s.view(func(r *proj.Snapshot) error {
		key := proj.UsernameKey(in.Username)
		if mobilePattern.MatchString(in.Username) {
			key = proj.PhoneKey(in.Username)
		}
		id, ok, err := r.Get(key)
		if err != nil || !ok {
			return err
		}
		if person, err = loadPersonRecord(r, string(id)); err != nil {
			return err
		}
		acct, _, err = loadAccount(r, person.ID)
		return err
	}); err != nil {
		return nil, err
	}
	if acct != nil && now.Before(acct.LockedUntil) {
		return nil, &TooManyAttemptsError{RetryAfter: acct.LockedUntil.Sub(now), Locked: true}
	}
	hash := dummyHash()
	if acct != nil {
		hash = acct.Hash
	}
	right, err := checkPassword(hash, in.Password)
	if err != nil {
		return nil, err
	}
	switch {
	case person == nil || acct == nil:
		return nil, s.signInFailed(ctx, nil, in.Username, "unknown username", errWrongCredentials)
	case !right:
		return nil, s.signInFailed(ctx, person, in.Username, "wrong password", errWrongCredentials)
	case person.Status != PersonActive:
		return nil, s.signInFailed(ctx, person, in.Username, "disabled", errWrongCredentials)
	case acct.TOTPSecret != "" && in.TOTP == "":
		return nil, &SignInError{Code: CodeTOTPRequired, Message: "enter the 6-digit code of your authenticator app",
			MessageZh: "请输入身份验证器中的 6 位动态码",
			Fields:    map[string]string{"totp": "is required for this account"}, FieldsZh: map[string]string{"totp": "此账号须输入动态码"}}
	}
	if acct.TOTPSecret != "" {
		if step, ok := checkTOTP(acct.TOTPSecret, in.TOTP, now); !ok || step <= acct.TOTPLastStep {
			return nil, s.signInFailed(ctx, person, in.Username, "wrong authenticator code", errWrongTOTP)
		}
	}
	return exec(WithIdempotency(ctx, "", ""), s, Principal{}, func(c *cmd) (*SignedIn, error) {
		a, _, err := loadAccount(c.tx, person.ID)
		if err != nil {
			return nil, err
		}
		if a.Hash != acct.Hash { // the password changed meanwhile
			return nil, errWrongCredentials
		}
		if a.TOTPSecret != "" {
			step, ok := checkTOTP(a.TOTPSecret, in.TOTP, c.now)
			if !ok || step <= a.TOTPLastStep {
				return nil, errWrongTOTP
			}
			a.TOTPLastStep = step
		}
		a.Failures, a.LockedUntil = 0, time.Time{}
		if err := saveAccount(c.tx, person.ID, a); err != nil {
			return nil, err
		}
		id, err := c.startSession(person.ID, person.Party)
		if err != nil {
			return nil, err
		}
		if err := c.securityLog(SecurityEntry{Kind: SecSignIn, Person: person.ID, Username: person.Username, Party: person.Party}); err != nil {
			return nil, err
		}
		info, err := sessionInfo(c.tx, person.ID, a)
		if err != nil {
			return nil, err
		}
		return &SignedIn{SessionID: id, SessionInfo: *info}, nil
	})
}

var errWrongTOTP = &SignInError{Code: CodeSignInFailed, Message: "the authenticator code is wrong or was used already",
	MessageZh: "动态码不对或已用过", Fields: map[string]string{"totp": "is wrong or was used already"},
	FieldsZh: map[string]string{"totp": "动态码不对或已用过"}}

// signInFailed records a failed attempt (security log, the account's
// failures in a row, the address's count) and returns the error to
// answer: refusal, or a *TooManyAttemptsError when this failure locked
// the account.
func (s *Service) signInFailed(ctx context.Context, person *personRecord, username, why string, refusal error) error {
	cl := clientOf(ctx)
	limited := s.addresses.fail(cl.Address, s.Now(), s.signIn)
	var locked *TooManyAttemptsError
	_, err := exec(WithIdempotency(ctx, "", ""), s, Principal{}, func(c *cmd) (struct{}, error) {
		e := SecurityEntry{Kind: SecSignInFailed, Username: username, Detail: why}
		if person != nil {
			e.Person, e.Party = person.ID, person.Party
		}
		if err := c.securityLog(e); err != nil {
			return struct{}{}, err
		}
		if limited {
			if err := c.securityLog(SecurityEntry{Kind: SecAddressLimited, Detail: fmt.Sprintf("%d failures within %s",
				c.s.signIn.AddressFailures, c.s.signIn.AddressWindow)}); err != nil {
				return struct{}{}, err
			}
		}
		if person == nil {
			return struct{}{}, nil
		}
		a, ok, err := loadAccount(c.tx, person.ID)
		if err != nil || !ok {
			return struct{}{}, err
		}
		a.Failures++
		if a.Failures >= c.s.signIn.MaxFailures && !c.now.Before(a.LockedUntil) {
			a.LockedUntil = c.now.Add(c.s.signIn.LockFor)
			a.Failures = 0
			locked = &TooManyAttemptsError{RetryAfter: c.s.signIn.LockFor, Locked: true}
			if err := c.securityLog(SecurityEntry{Kind: SecLocked, Person: person.ID, Username: person.Username, Party: person.Party,
				Detail: fmt.Sprintf("%d failures in a row; locked until %s", c.s.signIn.MaxFailures, a.LockedUntil.Format(time.RFC3339))}); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, saveAccount(c.tx, person.ID, a)
	})
	if err != nil {
		return err
	}
	if locked != nil {
		return locked
	}
	return refusal
}

// sessionInfo is who person is, for a session answer.
func sessionInfo(s proj.Store, personID string, a *account) (*SessionInfo, error) {
	r, err := loadPersonRecord(s, personID)
	if err != nil {
		return nil, err
	}
	party, err := loadParty(s, r.Party)
	if err != nil {
		return nil, err
	}
	p := personOf(r, a)
	return &SessionInfo{Person: p, Party: party, Roles: personRoles(party, r.Role), MustChangePassword: p.MustChangePassword,
		TOTPSuggested: needsTOTP(r.Role) && !p.TOTP}, nil
}

// Session says who the session p signed in with is.
func (s *Service) Session(ctx context.Context, p Principal) (*SessionInfo, error) {
	if p.Person == nil || p.Session == "" {
		return nil, fmt.Errorf("%w: this is a token, not a session", ErrNotFound)
	}
	var out *SessionInfo
	err := s.view(func(r *proj.Snapshot) error {
		a, _, err := loadAccount(r, p.Person.ID)
		if err != nil {
			return err
		}
		out, err = sessionInfo(r, p.Person.ID, a)
		return err
	})
	return out, err
}

// PasswordInput changes one's password (POST /session/password).
type PasswordInput struct {
	Current string `json:"current"`
	New     string `json:"new"`
}

// ChangePassword sets the password of p's person, who signed in (a
// session): the current one must be right, the new one must keep the
// password rules and differ from it. Their other sessions end. A wrong
// current password counts as a failed sign-in.
func (s *Service) ChangePassword(ctx context.Context, p Principal, in PasswordInput) (*SessionInfo, error) {
	if p.Person == nil || p.Session == "" {
		return nil, fmt.Errorf("%w: only a person signed in changes their password", ErrForbidden)
	}
	f := fieldErrors{}
	if in.Current == "" || len(in.Current) > 4*maxPasswordRunes {
		f.add("current", Text{"请填写当前密码", "is required: the password you signed in with"})
	}
	var person *personRecord
	var acct *account
	if err := s.view(func(r *proj.Snapshot) error {
		var err error
		if person, err = loadPersonRecord(r, p.Person.ID); err != nil {
			return err
		}
		acct, _, err = loadAccount(r, p.Person.ID)
		return err
	}); err != nil {
		return nil, err
	}
	if acct == nil {
		return nil, fmt.Errorf("%w: no account", ErrUnauthenticated)
	}
	if why := passwordProblem(in.New, person.Username, person.Phone); why != (Text{}) {
		f.put("new", why)
	} else if in.New == in.Current {
		f.add("new", Text{"新密码不能与当前密码相同", "must differ from the current password"})
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	right, err := checkPassword(acct.Hash, in.Current)
	if err != nil {
		return nil, err
	}
	if !right {
		return nil, s.signInFailed(ctx, person, person.Username, "wrong current password when changing it",
			invalid("current", Text{"当前密码不对", "is not your password"}))
	}
	hash := hashPassword(in.New)
	p.MustChangePassword, p.MustEnrolTOTP = false, false
	return exec(WithIdempotency(ctx, "", ""), s, p, func(c *cmd) (*SessionInfo, error) {
		a, _, err := loadAccount(c.tx, person.ID)
		if err != nil {
			return nil, err
		}
		if a.Hash != acct.Hash {
			return nil, fmt.Errorf("%w: the password was changed meanwhile", ErrConflict)
		}
		a.Hash, a.MustChange, a.ChangedAt, a.Failures = hash, false, c.now, 0
		if err := saveAccount(c.tx, person.ID, a); err != nil {
			return nil, err
		}
		if _, err := c.endSessions(person.ID, p.Session); err != nil {
			return nil, err
		}
		if err := c.securityLog(SecurityEntry{Kind: SecPasswordChanged, Person: person.ID, Username: person.Username, Party: person.Party}); err != nil {
			return nil, err
		}
		return sessionInfo(c.tx, person.ID, a)
	})
}
