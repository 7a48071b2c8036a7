package chain

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// A follower is a copy of another log (a mirror). It holds no signing
// key: it appends only events copied byte for byte from the followed log
// (Tx.AppendRaw), and the checkpoint it stores is one the followed log
// signed (Tx.SetCheckpoint), checked here against the followed log's key
// and against the root of the copy at the checkpoint's size. Its Key has
// a Verifier and no Signer.
//
// A follower copies a checkpoint's events in several commands when they
// are too many for one transaction, and stores the checkpoint with the
// last of them. Between two checkpoints its log may therefore hold more
// events than its checkpoint covers (the copier proved them a prefix of
// the next checkpoint with a consistency proof before appending them).
// Head, Verify and everything that proves (inclusion proofs, traces)
// answer for the checkpoint; the events beyond it are only the start of
// the next one.
//
// On disk, the followed log's verifier key is pinned in Dir/primary.pub
// when the follower is created; a later Open with another Follow key is
// refused, and a directory holding that file and no ledger.key opens as a
// follower without Follow (verify, reindex).

// FollowKeyFile is the file in a follower's data directory that pins the
// followed log's note verifier key.
const FollowKeyFile = "primary.pub"

// Errors of followers.
var (
	// ErrNoCheckpoint: a follower has not stored a checkpoint yet.
	ErrNoCheckpoint = errors.New("the mirror holds no checkpoint of the followed log yet")
	// ErrFollower: a follower only appends copied events (AppendRaw).
	ErrFollower = errors.New("this log follows another: it only appends events copied from it")
	// ErrNotFollower: only a follower stores another log's checkpoint.
	ErrNotFollower = errors.New("only a follower stores a checkpoint signed elsewhere")
	// ErrCopy: an event or checkpoint offered to AppendRaw or
	// SetCheckpoint does not extend this log (wrapped with what is wrong).
	ErrCopy = errors.New("not a copy of the next part of the log")
)

// isFollowerDir reports whether dir holds a pinned followed-log key.
func isFollowerDir(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, FollowKeyFile))
	return err == nil
}

// Follower reports whether the log follows another.
func (l *Log) Follower() bool { return l.follower }

// followKey returns the follower's key: the Follow key, pinned in the
// data directory on first use and compared with the pinned one after.
func followKey(opts Options) (Key, error) {
	vkey := strings.TrimSpace(opts.Follow)
	if !opts.InMemory {
		if _, err := os.Stat(filepath.Join(opts.Dir, signerKeyFile)); err == nil {
			return Key{}, fmt.Errorf("%s holds a signing key (%s): it is a ledger of its own, not a mirror", opts.Dir, signerKeyFile)
		}
		path := filepath.Join(opts.Dir, FollowKeyFile)
		b, err := os.ReadFile(path)
		switch {
		case err == nil:
			pinned := strings.TrimSpace(string(b))
			if vkey != "" && vkey != pinned {
				return Key{}, fmt.Errorf("%s pins the key %q; refusing to follow %q with it", path, pinned, vkey)
			}
			vkey = pinned
		case errors.Is(err, os.ErrNotExist) && vkey != "" && !opts.ReadOnly:
			if _, err := note.NewVerifier(vkey); err != nil {
				return Key{}, fmt.Errorf("followed log's key: %w", err)
			}
			if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
				return Key{}, err
			}
			if err := writeFileSync(path, []byte(vkey+"\n"), 0o644); err != nil {
				return Key{}, err
			}
		default:
			return Key{}, fmt.Errorf("followed log's key: %w", err)
		}
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return Key{}, fmt.Errorf("followed log's key: %w", err)
	}
	return Key{Verifier: v, VerifierKey: vkey}, nil
}

// parseNoteText parses the checkpoint body of a note without checking its
// signatures.
func parseNoteText(signed []byte) (Checkpoint, error) {
	text, _, ok := bytes.Cut(signed, []byte("\n\n"))
	if !ok {
		return Checkpoint{}, errors.New("checkpoint: not a signed note")
	}
	return ParseCheckpoint(string(text) + "\n")
}

// AppendRaw appends b, the exact bytes of an event of another log with
// the same events (a mirror copying its primary, a restore copying a
// mirror), and returns it decoded. b must be canonical and be the next
// event: its index the log's size, its prev the hex leaf hash of the
// event before it. Otherwise it is ErrCopy and nothing is appended.
func (tx *Tx) AppendRaw(b []byte) (*Event, error) {
	e, err := Decode(b)
	if err != nil {
		return nil, fmt.Errorf("%w: event %d: %v", ErrCopy, tx.next, err)
	}
	return tx.AppendCopy(b, e)
}

// AppendCopy is AppendRaw for an event the caller has decoded already,
// outside the writer: e must be what Decode(b) returned (so b is
// canonical); AppendCopy checks its index and prev and appends b.
func (tx *Tx) AppendCopy(b []byte, e *Event) (*Event, error) {
	if e.Index != tx.next {
		return nil, fmt.Errorf("%w: event %d says it is event %d", ErrCopy, tx.next, e.Index)
	}
	prev := ZeroPrev
	if tx.prev != nil {
		prev = hex.EncodeToString(tx.prev)
	}
	if e.Prev != prev {
		return nil, fmt.Errorf("%w: event %d has prev %s, but event %d hashes to %s", ErrCopy, tx.next, e.Prev, int64(tx.next)-1, prev)
	}
	b = bytes.Clone(b)
	h := HashLeaf(b)
	tx.events = append(tx.events, e)
	tx.encoded = append(tx.encoded, b)
	tx.hashes = append(tx.hashes, h)
	tx.bytes += len(b) + 128
	tx.next++
	tx.prev = h
	return e, nil
}

// SetCheckpoint stores signed, a checkpoint of the followed log, as the
// follower's checkpoint, when the command commits. It must be signed with
// the followed log's key and its size must be the log's size once the
// command has appended (call it after the command's AppendRaw calls);
// the writer also checks that its root is the root of the log at that
// size, else the command fails with ErrCopy. Only a follower may call it.
func (tx *Tx) SetCheckpoint(signed []byte) error {
	if !tx.follower {
		return ErrNotFollower
	}
	c, err := OpenCheckpoint(signed, tx.verifier)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrCopy, err)
	}
	if c.Origin != tx.verifier.Name() {
		return fmt.Errorf("%w: the checkpoint is for log %q, this log follows %q", ErrCopy, c.Origin, tx.verifier.Name())
	}
	if c.Size != tx.next {
		return fmt.Errorf("%w: the checkpoint has %d events, the log %d", ErrCopy, c.Size, tx.next)
	}
	tx.checkpoint, tx.cpSize, tx.cpRoot = bytes.Clone(signed), c.Size, c.Root
	return nil
}
