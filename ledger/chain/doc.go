// Package chain is hwledger's tamper-evident log: an append-only sequence of
// events kept in Badger, each event linked to the one before it, all of them
// leaves of an RFC 6962 Merkle tree whose root is signed as a C2SP checkpoint.
// It knows nothing of waste; the domain (package ledger) builds on it.
//
// # The log, byte for byte
//
// An event is canonical JSON: the fields below in exactly this order, no
// insignificant whitespace, UTF-8, times as RFC 3339 in UTC with at most
// microsecond precision, integers written as integers:
//
//	{"index":N,"id":"<uuid>","type":"<type>","recorded_at":"<rfc3339>",
//	 "occurred_at":"<rfc3339>","actor":{"party":"<id>","role":"<role>"
//	 [,"person":{"id":"<id>","name":"<name>"}]},
//	 "subject":"<id>","data":<compact json object>,"prev":"<64 hex>"}
//
// (shown wrapped; the stored bytes are one line; the actor's person is
// there only when a person acted). The bytes are produced by
// encoding/json from [Event], so struct field order is the canonical order.
//
//   - Leaf hash = SHA-256(0x00 ‖ event bytes), rfc6962.DefaultHasher.HashLeaf.
//   - prev = lower-case hex leaf hash of the event at index−1; 64 zeros at 0.
//   - index is assigned by the single writer inside the append transaction;
//     indices are gap-free from 0.
//   - The Merkle tree is RFC 6962 over the leaf hashes, grown incrementally
//     with transparency-dev/merkle/compact. Every perfect-subtree node it
//     reports is stored, so inclusion and consistency proofs are read from
//     storage (proof.Inclusion / proof.Consistency + Rehash), never recomputed.
//   - A checkpoint is the C2SP tlog-checkpoint text
//     "<origin>\n<size>\n<base64 root>\n" signed as a note
//     (golang.org/x/mod/sumdb/note, Ed25519). One is signed per committed
//     batch, in the same transaction, so the stored checkpoint always covers
//     the whole stored log. Checkpoints are only ever signed for a log that
//     extends the previous one, so any two are consistent.
//
// # Keys in Badger
//
// The chain owns every key that starts with "c/"; callers may not write them.
//
//	c/e/<be64 index>   the event's entry: byte n, then the n 32-byte tree
//	                   nodes completed by appending it (levels 0..n−1, level
//	                   L at offset 1+32·L), then the event bytes. Node
//	                   (level L, index i) ends at leaf (i+1)·2^L − 1, so it is
//	                   stored in that leaf's entry.
//	c/head             be64 size ‖ 32-byte leaf hash of the last event
//	c/cp               the latest signed checkpoint (note text)
//
// # Durability
//
// Commands from many goroutines are queued to one writer, applied in order in
// one Badger transaction per batch, committed with a synced write (the
// value log, which holds values of 512 bytes or more such as most events,
// and the memtable's write-ahead log) and only then acknowledged (group
// commit). A command that returns an error is
// rejected alone: its writes and events are discarded, the others commit.
// Commits are pipelined: while one batch syncs, the writer runs the next
// batch's commands against a view that includes the syncing batch, and
// commits the next batch only after the previous one is durable.
//
// # Known limit
//
// Deleting the tail of a log leaves a valid shorter log. Only a checkpoint
// kept outside the store catches truncation and rollback: see
// [VerifyOptions].Trusted.
package chain
