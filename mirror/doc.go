// Package mirror keeps a verified copy of a primary ledger that it reads
// over HTTP, for anyone to serve read-only and for the district to restore
// from (hwledger mirror, hwledger restore).
//
// The copy is a ledger of its own in follower mode (ledger.Config.Follow,
// chain's follower): the same events, byte for byte, the same Merkle tree,
// the same projections (each copied event is applied as the primary
// applied it), and the primary's signed checkpoint. It holds no signing
// key: only the primary's verifier key, pinned in the data directory
// (chain.FollowKeyFile) the first time, from a flag or from the primary's
// GET /api/v1/ledger/key.
//
// What the mirror checks before it copies anything: the checkpoint's
// signature with the pinned key; that it does not go back from the
// mirror's checkpoint, and the consistency proof from that checkpoint to
// it; every event's canonical bytes, index and prev link; and that the
// events hash to the checkpoint's root. Events are copied in chunks of at
// most 512: each chunk is proved the start of the checkpoint by a
// consistency proof from the chunk's end before it is stored, and the
// checkpoint is stored with the last chunk. So the copy never holds an
// event that the primary's key has not committed to, even when it was
// stopped half-way through a checkpoint.
//
// Events come from the public C2SP tlog-tiles entry bundles, or with an
// inspector's token from GET /api/v1/ledger/events (fewer requests).
package mirror
