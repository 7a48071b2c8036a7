package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/hwledger/hwledger/ledger"
)

// Options configure Seed.
type Options struct {
	// Dir is where demo-tokens.json is written; "" writes nothing.
	Dir string
	// Seed seeds the random draw; 0 means 1. The same seed and the same
	// service clock give the same district.
	Seed int64
	// People adds every party's people (people.go) before the history,
	// which they then make, and writes them to Dir/demo-people.json. It
	// costs a few seconds of argon2id.
	People bool
}

// Token is a demo party's bearer token, as written to demo-tokens.json.
type Token struct {
	Role      string `json:"role"`
	PartyID   string `json:"party_id"`
	PartyName string `json:"party_name"`
	Token     string `json:"token"`
}

// TokensFile is the name of the file Seed writes in Options.Dir.
const TokensFile = "demo-tokens.json"

// ErrNotEmpty is returned by Seed when the ledger already holds parties
// other than the admin.
var ErrNotEmpty = errors.New("demo: the ledger already holds parties other than the admin; seed only an empty ledger")

// ErrNoAdmin is returned by Seed when no admin party exists: call
// Service.Bootstrap first.
var ErrNoAdmin = errors.New("demo: no admin party; bootstrap the ledger before seeding")

// Seed fills an empty ledger (only the admin party, from Bootstrap) with the
// demo district: 45 generators over the district's 12 streets, 4 carriers,
// 3 receivers with licences, an inspector, a token for each, and about a
// year of waste batches and manifests ending at s.Now(), in every status;
// then, from a stream of their own, the cases of cases.go with a collector
// and a receiver in Hubei.
// It then sweeps once so that overdue alerts are raised. It returns the
// parties' tokens and, when opts.Dir is set, writes them to
// opts.Dir/demo-tokens.json (mode 0600).
func Seed(ctx context.Context, s *ledger.Service, opts Options) ([]Token, error) {
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	// A year of history is recorded now: let the final sweep, not each
	// registration, decide which batches are overdue.
	ctx = ledger.WithDeferredAlerts(ctx)
	admin, err := adminPrincipal(ctx, s)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	r := rand.New(rand.NewPCG(uint64(opts.Seed), 0x6877_6c65_6467_6572)) // "hwledger"
	d := newDistrict(r, now)
	pl := &planner{r: r, now: now, d: d}
	pl.plan()
	rc := rand.New(rand.NewPCG(uint64(opts.Seed), caseStream))
	newCaseParties(rc, d, now)

	if err := d.register(ctx, s, admin); err != nil {
		return nil, err
	}
	var people []*demoPerson
	if opts.People {
		if people, err = addPeople(ctx, s, admin, d, opts.Seed); err != nil {
			return nil, err
		}
		actAsPeople(d, people)
	}
	if err := registerBatches(ctx, s, pl.trips); err != nil {
		return nil, err
	}
	if err := runTrips(ctx, s, pl.trips); err != nil {
		return nil, err
	}
	if err := reviewDiscrepancies(ctx, s, d.Inspector.P, now); err != nil {
		return nil, err
	}
	if err := fileFilings(ctx, s, r, d, now); err != nil {
		return nil, err
	}
	if err := runCases(ctx, s, rc, d, now); err != nil {
		return nil, err
	}
	if _, err := s.Sweep(ctx); err != nil {
		return nil, fmt.Errorf("demo: sweep: %w", err)
	}

	var tokens []Token
	for _, p := range d.all() {
		tokens = append(tokens, Token{Role: string(p.Role), PartyID: p.ID, PartyName: p.In.Name, Token: p.Token})
	}
	if opts.Dir != "" {
		if err := writeJSON(filepath.Join(opts.Dir, TokensFile), tokens); err != nil {
			return tokens, err
		}
		if opts.People {
			list := make([]DemoPerson, len(people))
			for i, dp := range people {
				list[i] = dp.DemoPerson
			}
			if err := writeJSON(filepath.Join(opts.Dir, PeopleFile), list); err != nil {
				return tokens, err
			}
		}
	}
	return tokens, nil
}

// adminPrincipal finds the admin party and checks that it is the only party.
func adminPrincipal(ctx context.Context, s *ledger.Service) (ledger.Principal, error) {
	all, err := s.Parties(ctx, ledger.PartyFilter{})
	if err != nil {
		return ledger.Principal{}, fmt.Errorf("demo: list parties: %w", err)
	}
	var admin *ledger.Party
	for _, p := range all {
		if !p.HasRole(ledger.RoleAdmin) {
			return ledger.Principal{}, ErrNotEmpty
		}
		if admin == nil {
			admin = p
		}
	}
	if admin == nil {
		return ledger.Principal{}, ErrNoAdmin
	}
	return ledger.Principal{Party: admin.ID, Roles: []ledger.Role{ledger.RoleAdmin}}, nil
}

// writeJSON writes v (the tokens, the people) as indented JSON readable
// only by the owner, replacing any earlier file.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("demo: write %s: %w", filepath.Base(path), err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return fmt.Errorf("demo: write %s: %w", filepath.Base(path), err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("demo: write %s: %w", filepath.Base(path), err)
	}
	return nil
}
