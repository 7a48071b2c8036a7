package witness

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hwledger/hwledger/ledger/chain"
	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
)

// Key file names in a witness's data directory.
const (
	// KeyFile holds the witness's private key ("PRIVATE+KEY+name+hash+data",
	// mode 0600).
	KeyFile = "witness.key"
	// PubFile holds its cosignature/v1 verifier key: the "name+hash+base64"
	// a ledger takes in --witness URL=VKEY.
	PubFile = "witness.pub"
)

// Key is a witness's cosigning key.
type Key struct {
	Signer note.Signer
	// VerifierKey is the C2SP signed-note verifier key of the cosigner:
	// name+hash+base64(0x04 ‖ Ed25519 public key).
	VerifierKey string
}

// LoadOrCreateKey returns the key kept in dir, creating an Ed25519 key named
// name on first use. It (re)writes dir/witness.pub from the key.
func LoadOrCreateKey(dir, name string) (Key, error) {
	path := filepath.Join(dir, KeyFile)
	skey, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if name == "" {
			return Key{}, errors.New("a new witness needs a name (a URL-like name such as witness.example.gov.cn/hw)")
		}
		s, _, err := note.GenerateKey(rand.Reader, name)
		if err != nil {
			return Key{}, fmt.Errorf("witness key name %q: %w", name, err)
		}
		if err := writeFileAtomic(path, []byte(s+"\n"), 0o600); err != nil {
			return Key{}, err
		}
		skey = []byte(s)
	} else if err != nil {
		return Key{}, err
	}
	k, err := ParseKey(string(bytes.TrimSpace(skey)))
	if err != nil {
		return Key{}, fmt.Errorf("%s: %w", path, err)
	}
	if err := writeFileAtomic(filepath.Join(dir, PubFile), []byte(k.VerifierKey+"\n"), 0o644); err != nil {
		return Key{}, err
	}
	return k, nil
}

// ParseKey reads a note private key (Ed25519) as a cosignature/v1 signer.
func ParseKey(skey string) (Key, error) {
	s, err := fnote.NewSignerForCosignatureV1(skey)
	if err != nil {
		return Key{}, fmt.Errorf("witness key: %w", err)
	}
	// The plain Ed25519 verifier key of the same key pair, re-encoded as
	// the cosignature/v1 key (type 0x04) that verifiers are given.
	plain, err := chain.KeyFromPrivate(skey)
	if err != nil {
		return Key{}, fmt.Errorf("witness key: %w", err)
	}
	vkey, err := fnote.VKeyToCosignatureV1(plain.VerifierKey)
	if err != nil {
		return Key{}, fmt.Errorf("witness key: %w", err)
	}
	return Key{Signer: s, VerifierKey: vkey}, nil
}

// NewVerifier parses a witness's verifier key (cosignature/v1, type 0x04;
// a plain Ed25519 key of type 0x01 is read as the same key).
func NewVerifier(vkey string) (note.Verifier, error) {
	v, err := fnote.NewVerifierForCosignatureV1(strings.TrimSpace(vkey))
	if err != nil {
		return nil, fmt.Errorf("witness key %q: %w", clip([]byte(vkey)), err)
	}
	return v, nil
}
