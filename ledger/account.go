package ledger

import (
	"context"
	"time"

	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// account is a person's sign-in state (proj.AccountKey): never in the log.
type account struct {
	// Hash is the argon2id PHC string of the password (password.go).
	Hash string `json:"hash"`
	// MustChange: the password is a one-time password, to be changed at
	// the next sign-in before anything else.
	MustChange bool      `json:"must_change"`
	ChangedAt  time.Time `json:"changed_at"`
	// TOTPSecret is the base32 secret of an enrolled authenticator;
	// TOTPPending one shown for enrolment and not yet confirmed.
	TOTPSecret  string `json:"totp_secret,omitempty"`
	TOTPPending string `json:"totp_pending,omitempty"`
	// TOTPLastStep is the 30-second step of the last code accepted: a code
	// is accepted once.
	TOTPLastStep uint64 `json:"totp_last_step,omitempty"`
	// Failures counts failed sign-ins in a row; at maxFailures the account
	// locks until LockedUntil.
	Failures    int       `json:"failures,omitempty"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
}

func loadAccount(s proj.Store, person string) (*account, bool, error) {
	var a account
	ok, err := getJSON(s, proj.AccountKey(person), &a)
	if !ok || err != nil {
		return nil, ok, err
	}
	return &a, true, nil
}

func saveAccount(s proj.Store, person string, a *account) error {
	return setJSON(s, proj.AccountKey(person), a)
}

// clientKey carries who is on the other end of a request.
type clientKey struct{}

// Client is the other end of a request, as the security log records it.
type Client struct {
	Address   string // IP address
	UserAgent string
}

// WithClient attaches the client's address and user agent to ctx, for the
// security log and the per-address sign-in limit.
func WithClient(ctx context.Context, c Client) context.Context {
	if len(c.UserAgent) > 200 {
		c.UserAgent = c.UserAgent[:200]
	}
	return context.WithValue(ctx, clientKey{}, c)
}

func clientOf(ctx context.Context) Client { c, _ := ctx.Value(clientKey{}).(Client); return c }
