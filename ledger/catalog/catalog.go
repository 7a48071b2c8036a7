package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Catalog is the editions of the list a server knows: the built-in 2021
// edition and any later edition loaded from a file. Build one with
// [Builtin], [LoadFile] or [Catalog.With]; it is immutable and safe for
// concurrent use.
type Catalog struct {
	editions []*Edition // by InForce, oldest first
}

// Editions returns the editions, oldest first.
func (c *Catalog) Editions() []*Edition {
	return slices.Clone(c.editions)
}

// Edition returns the edition with the given name ("2021").
func (c *Catalog) Edition(name string) (*Edition, bool) {
	for _, e := range c.editions {
		if e.name == name {
			return e, true
		}
	}
	return nil, false
}

// EditionNames returns the editions' names, oldest first.
func (c *Catalog) EditionNames() []string {
	out := make([]string, len(c.editions))
	for i, e := range c.editions {
		out[i] = e.name
	}
	return out
}

// At returns the edition in force at t: the newest that came into force
// at or before t, or the oldest edition when t is earlier than all of them
// (the list before 2021 is not held).
func (c *Catalog) At(t time.Time) *Edition {
	in := c.editions[0]
	for _, e := range c.editions[1:] {
		if !e.inForce.After(t) {
			in = e
		}
	}
	return in
}

// With returns the catalogue with edition e added. e must come into force
// after every edition the catalogue holds, and have a new name. When e has
// no exemption list of its own it takes that of the edition before it, and
// a code whose description is unchanged keeps its English name; category
// English names carry over.
func (c *Catalog) With(e *Edition) (*Catalog, error) {
	last := c.editions[len(c.editions)-1]
	if _, dup := c.Edition(e.name); dup {
		return nil, fmt.Errorf("catalog: edition %s is already loaded; give the file's \"# edition:\" another name", e.name)
	}
	if !e.inForce.After(last.inForce) {
		return nil, fmt.Errorf("catalog: edition %s comes into force on %s, not after edition %s (%s)", e.name,
			e.inForce.Format(time.DateOnly), last.name, last.inForce.Format(time.DateOnly))
	}
	codeEn := map[string]string{}
	for n, k := range e.codes {
		if old, ok := last.codes[n]; ok && old.Name == k.Name && k.NameEn == "" {
			codeEn[n] = old.NameEn
		}
	}
	catEn := map[string]string{}
	for id, k := range last.categories {
		if k.NameEn != "" {
			catEn[id] = k.NameEn
		}
	}
	var list []Exemption
	if !e.ownExempt {
		list = last.exemptions
	}
	return &Catalog{editions: append(slices.Clone(c.editions), e.rebuild(codeEn, catEn, list))}, nil
}

// The methods below use the edition in force today by the wall clock;
// code with a clock of its own (the ledger's, which tests move) calls
// [Catalog.At] with it.

// Lookup returns a code as the edition in force today gives it or, when
// that edition does not list it, as the newest edition listing it does: a
// licence or a search may name a code that another edition dropped or
// adds. Errors are those of [Edition.Lookup] in the edition in force.
func (c *Catalog) Lookup(code string) (Code, error) {
	now := c.At(time.Now())
	k, err := now.Lookup(code)
	if err == nil || !errors.Is(err, ErrUnknownCode) {
		return k, err
	}
	for i := len(c.editions) - 1; i >= 0; i-- {
		if other, oerr := c.editions[i].Lookup(code); oerr == nil {
			return other, nil
		}
	}
	return k, err
}

// Search returns the codes of the edition in force today matching the
// words of q (see [Query.Text]), sorted by code, at most limit (> 0).
func (c *Catalog) Search(q string, limit int) []Code {
	return c.At(time.Now()).Find(Query{Text: q, Limit: limit})
}

// Codes returns every row of the edition in force today, sorted by code.
func (c *Catalog) Codes() []Code {
	return c.At(time.Now()).Codes()
}

// Categories returns the categories of the edition in force today.
func (c *Catalog) Categories() []Category {
	return c.At(time.Now()).Categories()
}

// Category returns a category of the edition in force today ("HW49";
// surrounding spaces and lower case accepted).
func (c *Catalog) Category(id string) (Category, bool) {
	return c.At(time.Now()).Category(strings.TrimSpace(id))
}
