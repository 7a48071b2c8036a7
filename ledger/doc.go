// Package ledger is hwledger's domain: parties and their licences, waste
// batches, transfer manifests (电子转移联单), alerts and assessment.
//
// [Service] is the only way to change state. Every method that changes
// state runs as one command of the chain's single writer: it checks the
// rules of docs/domain.md against current state, appends one or more
// events and updates the projections (current state and indexes) in the
// same Badger transaction, so state is always a pure function of the log.
// Projections are written only by apply functions that read nothing but the
// event and the projections before it; `reindex` and `verify` rely on that
// by replaying the log.
//
// Errors: methods return *ValidationError (bad input, naming fields),
// ErrNotFound (no such thing, or the caller may not see it),
// ErrForbidden, ErrInvalidTransition, *RuleError (wraps ErrRuleViolation)
// and ErrConflict; the API maps each to one HTTP status in one place.
//
// The projections' keys and byte layouts belong to package
// ledger/internal/proj, which this package stores them through.
//
// This package imports neither Echo nor anything of api/ or web/, nor
// Badger.
package ledger
