package witness

import (
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/note"
)

// Policy is a k-of-n trust policy: a checkpoint is trusted when at least K
// of the Witnesses have cosigned it.
type Policy struct {
	Witnesses []note.Verifier
	K         int
}

// ErrPolicy: a checkpoint carries fewer valid cosignatures than the policy
// needs.
var ErrPolicy = errors.New("not enough witness cosignatures")

// Check opens a cosigned checkpoint: the log's signature must verify with
// logKey, every signature line from a key it knows (the log's or a
// witness's) must verify, and at least K distinct witnesses must have
// cosigned. It returns the checkpoint text and how many witnesses cosigned;
// with fewer than K the error wraps ErrPolicy.
func (p Policy) Check(signed []byte, logKey note.Verifier) (text string, cosigners int, err error) {
	known := append([]note.Verifier{logKey}, p.Witnesses...)
	n, err := note.Open(signed, note.VerifierList(known...))
	if err != nil {
		return "", 0, fmt.Errorf("checkpoint signatures: %w", err)
	}
	logSigned := false
	seen := map[string]bool{}
	for _, s := range n.Sigs {
		if s.Name == logKey.Name() && s.Hash == logKey.KeyHash() {
			logSigned = true
			continue
		}
		seen[fmt.Sprintf("%s+%08x", s.Name, s.Hash)] = true
	}
	if !logSigned {
		return "", 0, errors.New("checkpoint signatures: the log's own signature is missing")
	}
	if len(seen) < p.K {
		return n.Text, len(seen), fmt.Errorf("%w: %d of the %d witnesses cosigned, the policy needs %d", ErrPolicy, len(seen), len(p.Witnesses), p.K)
	}
	return n.Text, len(seen), nil
}
