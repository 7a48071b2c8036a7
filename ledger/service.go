package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/hwledger/hwledger/ledger/catalog"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/hwledger/hwledger/ledger/workday"
)

// Service is the domain: the only way to change hwledger's state.
// All methods are safe for concurrent use.
type Service struct {
	log   *chain.Log
	cat   *catalog.Catalog
	cal   *workday.Calendar
	rules Rules
	prov  string
	city  string
	newID func() string
	lg    *slog.Logger
	bus   *bus
	// onCommit reports commit sizes (metrics); nil when unused.
	onCommit func(int)
	// summaries caches the summaries of committed parties (id → proj.Summary).
	summaries sync.Map
	// calSettled holds the subjects of the calendar filings (calendar.go)
	// found filed or already alerted: never looked at again.
	calSettled sync.Map
	// rebuilt is set when Open rebuilt projections of another format from
	// the log.
	rebuilt bool
	// dir is the data directory ("" in memory or read-only: no state
	// digest is kept).
	dir string
	// readOnly is set when an integrity fault sealed the log (readonly.go).
	readOnly atomic.Pointer[ReadOnlyState]
	// faulted is set by the first fault, before the log is sealed; readOnly
	// is stored only once the seal has taken effect.
	faulted atomic.Bool
	// stateChecked is set once the stored state is known to equal a replay
	// of the log (the start-up check, or a rebuild); only then does Close
	// record the state digest (statecheck.go).
	stateChecked atomic.Bool
	// watcher is where the integrity watch starts: the start-up check's
	// verified point, else nil (the empty log).
	watcher *chain.Watcher
	// integrity records the latest integrity checks (integrity.go).
	integrity integrityState
	// signIn guards sign-in; addresses counts failures per address.
	signIn    SignInPolicy
	addresses addressLimiter

	clockMu sync.RWMutex
	base    func() time.Time
	offset  time.Duration // test clock advance
}

// Open opens the ledger and its projections.
func Open(cfg Config) (*Service, error) {
	s := &Service{cat: cfg.Catalog, cal: cfg.Calendar, prov: cfg.Province, city: cfg.City,
		newID: cfg.NewID, lg: cfg.Logger, base: cfg.Clock, bus: newBus(cfg.MaxStreams, cfg.MaxStreamsPerToken), onCommit: cfg.OnCommit, signIn: cfg.SignIn.withDefaults()}
	if s.cat == nil {
		s.cat = catalog.Builtin()
	}
	if s.cal == nil {
		s.cal = workday.Default()
	}
	if cfg.Rules != nil {
		s.rules = *cfg.Rules
	} else {
		s.rules = DefaultRules()
	}
	if s.prov == "" {
		s.prov, s.city = "41", "01"
	}
	if s.newID == nil {
		s.newID = uuid.NewString
	}
	if s.lg == nil {
		s.lg = slog.New(slog.DiscardHandler)
	}
	if s.base == nil {
		s.base = time.Now
	}
	origin := cfg.Origin
	if origin == "" {
		origin = "hwledger.local/410104"
	}
	if !cfg.InMemory && !cfg.ReadOnly {
		s.dir = cfg.Dir
	}
	l, err := chain.Open(chain.Options{
		Dir: cfg.Dir, InMemory: cfg.InMemory, ReadOnly: cfg.ReadOnly, Origin: origin,
		Clock: s.Now, NewID: s.newID, Logger: s.lg, MaxBatch: cfg.MaxBatch, Key: cfg.Key,
		AfterCommit: s.afterCommit, BeforeClose: s.recordStateDigest, Follow: cfg.Follow,
	})
	if err != nil {
		return nil, err
	}
	s.log = l
	if !cfg.ReadOnly {
		if s.rebuilt, err = proj.Upgrade(l, apply, s.lg); err != nil {
			l.Close()
			return nil, err
		}
		s.stateChecked.Store(s.rebuilt)
	}
	if err := s.cacheSummaries(); err != nil {
		l.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the ledger after every queued command has committed.
func (s *Service) Close() error { return s.log.Close() }

// Log returns the underlying tamper-evident log (checkpoints, proofs).
func (s *Service) Log() *chain.Log { return s.log }

// Catalog returns the waste catalogue in use.
func (s *Service) Catalog() *catalog.Catalog { return s.cat }

// Rules returns the limits in force.
func (s *Service) Rules() Rules { return s.rules }

// Calendar returns the working-day calendar in use.
func (s *Service) Calendar() *workday.Calendar { return s.cal }

// Now is the service clock: the real clock plus any test-clock advance.
func (s *Service) Now() time.Time {
	s.clockMu.RLock()
	defer s.clockMu.RUnlock()
	return s.base().Add(s.offset)
}

// AdvanceClock moves the service clock forward by d (test clock only; the
// API exposes it only when started with --test-clock), then sweeps alerts.
func (s *Service) AdvanceClock(ctx context.Context, d time.Duration) error {
	if d < 0 {
		return invalid("advance", Text{"不能为负数", "must not be negative"})
	}
	s.clockMu.Lock()
	s.offset += d
	s.clockMu.Unlock()
	_, err := s.Sweep(ctx)
	return err
}

type idemKey struct{}

type deferAlertsKey struct{}

// WithDeferredAlerts marks ctx as a bulk import of history (the demo, a
// migration): commands do not raise storage alerts at once for batches
// whose limits already passed when they are recorded; the deadline entries
// stay, and the next Sweep raises whatever is still overdue then.
func WithDeferredAlerts(ctx context.Context) context.Context {
	return context.WithValue(ctx, deferAlertsKey{}, true)
}

func deferredAlerts(ctx context.Context) bool { b, _ := ctx.Value(deferAlertsKey{}).(bool); return b }

// Idempotency identifies a retried request: Key is the client's
// Idempotency-Key, Hash a digest of the request (route and body).
type Idempotency struct{ Key, Hash string }

// WithIdempotency attaches an idempotency key to ctx. A state-changing
// method called with the same party, key and hash as an earlier successful
// call returns that call's result again and appends nothing; with another
// hash it returns ErrConflict.
func WithIdempotency(ctx context.Context, key, hash string) context.Context {
	return context.WithValue(ctx, idemKey{}, Idempotency{key, hash})
}

type idemRecord struct {
	Hash   string          `json:"hash"`
	Result json.RawMessage `json:"result"`
}

// cmd is a command in progress: the writer's transaction plus who asks.
type cmd struct {
	s   *Service
	tx  *chain.Tx
	p   Principal
	now time.Time
	// client is who sent the request, for the security log.
	client Client
}

// exec runs fn as one writer command for principal p, with idempotency
// replay, and returns its result.
func exec[T any](ctx context.Context, s *Service, p Principal, fn func(c *cmd) (T, error)) (T, error) {
	var out T
	idem, hasIdem := ctx.Value(idemKey{}).(Idempotency)
	if p.MustChangePassword {
		var zero T
		return zero, ErrPasswordChangeRequired
	}
	if p.MustEnrolTOTP {
		var zero T
		return zero, ErrTOTPEnrolmentRequired
	}
	_, err := s.log.Submit(ctx, func(tx *chain.Tx) error {
		c := &cmd{s: s, tx: tx, p: p, now: tx.Now(), client: clientOf(ctx)}
		var ik []byte
		if hasIdem && idem.Key != "" {
			ik = proj.IdemKey(p.Party, idem.Key)
			var rec idemRecord
			ok, err := getJSON(tx, ik, &rec)
			if err != nil {
				return err
			}
			if ok {
				if rec.Hash != idem.Hash {
					return fmt.Errorf("%w: Idempotency-Key %q was used with another request", ErrConflict, idem.Key)
				}
				return json.Unmarshal(rec.Result, &out)
			}
		}
		r, err := fn(c)
		if err != nil {
			return err
		}
		out = r
		if ik != nil {
			b, err := json.Marshal(r)
			if err != nil {
				return err
			}
			return setJSON(tx, ik, idemRecord{Hash: idem.Hash, Result: b})
		}
		return nil
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// emit appends an event and applies it to the projections.
func (c *cmd) emit(typ, subject string, occurred time.Time, data any) (*chain.Event, error) {
	role := RoleSystem
	party := SystemParty
	if c.p.Party != "" {
		party = c.p.Party
		switch {
		case c.p.acting != "":
			role = c.p.acting
		case len(c.p.Roles) > 0:
			role = c.p.Roles[0]
		}
	}
	actor := chain.Actor{Party: party, Role: string(role)}
	if p := c.p.Person; p != nil {
		actor.Person = &chain.ActorPerson{ID: p.ID, Name: p.Name}
	}
	return c.emitAs(actor, typ, subject, occurred, data)
}

func (c *cmd) emitAs(actor chain.Actor, typ, subject string, occurred time.Time, data any) (*chain.Event, error) {
	e, err := c.tx.Append(chain.Draft{Type: typ, OccurredAt: occurred, Actor: actor, Subject: subject, Data: data})
	if err != nil {
		return nil, err
	}
	if err := apply(c.tx, e); err != nil {
		return nil, fmt.Errorf("apply %s: %w", typ, err)
	}
	return e, nil
}

// occurred checks a client-supplied occurred_at: not more than the allowed
// skew in the future, not before the subject's previous event. Zero means now.
func (c *cmd) occurred(at *time.Time, previous time.Time) (time.Time, error) {
	if at == nil || at.IsZero() {
		if c.now.Before(previous) {
			return previous, nil
		}
		return c.now, nil
	}
	t := at.UTC().Truncate(time.Microsecond) // as the event records it
	if t.After(c.now.Add(c.s.rules.MaxFutureOccurrence)) {
		return t, invalid("occurred_at", Text{"不能晚于现在 %s 以上", "must not be more than %s in the future"}, c.s.rules.MaxFutureOccurrence)
	}
	if t.Before(previous) {
		return t, invalid("occurred_at", Text{"不能早于上一步的时间（%s）", "must not be earlier than the previous event about this subject (%s)"}, previous.UTC().Format(time.RFC3339))
	}
	return t, nil
}
