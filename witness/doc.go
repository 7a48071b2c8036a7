// Package witness implements both sides of C2SP tlog-witness for hwledger.
//
// A [Witness] is the small server a city bureau runs: for each ledger it is
// configured with (origin and checkpoint key), it keeps the latest
// checkpoint it cosigned, and answers POST /add-checkpoint with a
// cosignature (C2SP tlog-cosignature, cosignature/v1 over Ed25519) only for
// a checkpoint that the ledger signed and that a consistency proof shows to
// extend the stored one. The stored checkpoint is written and synced
// before the cosignature is answered (two slots written in turn, one data
// sync per update: see stateFile), so a witness killed at any moment
// restarts with the last checkpoint it answered for, never a smaller one. A refused checkpoint that the ledger signed and
// that contradicts the stored one (a fork or a rollback) is kept on disk as
// evidence.
//
// A [Collector] is the ledger's side: it submits the ledger's latest
// checkpoint to every configured witness in the background, one
// submission in flight per witness, collects the cosignatures, and reports
// a witness that refuses or stays silent past a timeout.
//
// [Policy] checks that a checkpoint carries at least K valid cosignatures
// from a set of witness keys (verify --witness, the web UI).
//
// Signed notes and key encodings are golang.org/x/mod/sumdb/note and
// github.com/transparency-dev/formats/note (cosignature/v1); consistency
// proofs are verified with github.com/transparency-dev/merkle/proof.
package witness
