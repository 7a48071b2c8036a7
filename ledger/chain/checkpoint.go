package chain

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// Checkpoint is the parsed body of a C2SP tlog-checkpoint.
type Checkpoint struct {
	Origin string
	Size   uint64
	Root   []byte
}

// Text returns the checkpoint body "<origin>\n<size>\n<base64 root>\n".
func (c Checkpoint) Text() string {
	return fmt.Sprintf("%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root))
}

// ParseCheckpoint parses a checkpoint body (the note text, without signatures).
func ParseCheckpoint(text string) (Checkpoint, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 {
		return Checkpoint{}, errors.New("checkpoint: want origin, size and root lines")
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint: bad size %q", lines[1])
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != 32 {
		return Checkpoint{}, fmt.Errorf("checkpoint: bad root %q", lines[2])
	}
	return Checkpoint{Origin: lines[0], Size: size, Root: root}, nil
}

// OpenCheckpoint verifies a signed checkpoint note with v and parses it.
func OpenCheckpoint(signed []byte, v note.Verifier) (Checkpoint, error) {
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint signature: %w", err)
	}
	return ParseCheckpoint(n.Text)
}

// Key file names in the data directory.
const (
	signerKeyFile   = "ledger.key"
	verifierKeyFile = "ledger.pub"
)

// LoadOrCreateKey returns the checkpoint signer kept in dir, creating an
// Ed25519 key named name on first use (private key mode 0600). When create is
// false a missing key is an error.
func LoadOrCreateKey(dir, name string, create bool) (Key, error) {
	skPath := filepath.Join(dir, signerKeyFile)
	sk, err := os.ReadFile(skPath)
	if errors.Is(err, os.ErrNotExist) && create {
		skey, vkey, err := note.GenerateKey(rand.Reader, name)
		if err != nil {
			return Key{}, err
		}
		if err := writeFileSync(skPath, []byte(skey+"\n"), 0o600); err != nil {
			return Key{}, err
		}
		if err := writeFileSync(filepath.Join(dir, verifierKeyFile), []byte(vkey+"\n"), 0o644); err != nil {
			return Key{}, err
		}
		sk = []byte(skey)
	} else if err != nil {
		return Key{}, fmt.Errorf("checkpoint key: %w", err)
	}
	return KeyFromPrivate(string(bytes.TrimSpace(sk)))
}

// SaveKey makes skey (a note private key) the checkpoint key of the data
// directory dir, which must not hold one: a directory that continues a log
// whose key it is (hwledger restore --key). It returns the key.
func SaveKey(dir, skey string) (Key, error) {
	k, err := KeyFromPrivate(strings.TrimSpace(skey))
	if err != nil {
		return Key{}, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Key{}, err
	}
	if err := writeFileSync(filepath.Join(dir, signerKeyFile), []byte(strings.TrimSpace(skey)+"\n"), 0o600); err != nil {
		return Key{}, err
	}
	if err := writeFileSync(filepath.Join(dir, verifierKeyFile), []byte(k.VerifierKey+"\n"), 0o644); err != nil {
		return Key{}, err
	}
	return k, nil
}

// Key is a checkpoint signing key with its public half.
type Key struct {
	Signer   note.Signer
	Verifier note.Verifier
	// VerifierKey is the note verifier key text "name+hash+base64", as served
	// by GET /api/v1/ledger/key.
	VerifierKey string
}

// KeyFromPrivate parses a note private key ("PRIVATE+KEY+name+hash+data").
func KeyFromPrivate(skey string) (Key, error) {
	s, err := note.NewSigner(skey)
	if err != nil {
		return Key{}, fmt.Errorf("checkpoint key: %w", err)
	}
	// "PRIVATE+KEY+name+hash+base64": base64 may itself contain '+'.
	parts := strings.SplitN(skey, "+", 5)
	raw, err := base64.StdEncoding.DecodeString(parts[len(parts)-1])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return Key{}, errors.New("checkpoint key: not an Ed25519 note key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(s.Name(), pub)
	if err != nil {
		return Key{}, err
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return Key{}, err
	}
	return Key{Signer: s, Verifier: v, VerifierKey: vkey}, nil
}

// NewKey creates a fresh in-memory key (for in-memory ledgers and tests).
func NewKey(name string) (Key, error) {
	skey, _, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return Key{}, err
	}
	return KeyFromPrivate(skey)
}

func writeFileSync(path string, b []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
