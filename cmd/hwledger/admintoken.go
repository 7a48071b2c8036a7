package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/hwledger/hwledger/ledger"
)

// adminTokenEnv names the environment variable that sets the admin
// bootstrap token.
const adminTokenEnv = "HWLEDGER_ADMIN_TOKEN"

// The admin token rule: at least minAdminTokenLen characters, printable
// ASCII without spaces, and it must look random: at least minAdminTokenBits
// bits by the frequencies of its characters (its length times their
// Shannon entropy), and as many by the frequencies of the steps between
// successive characters (which refuses runs such as "abcdef" or
// "0123456789abcdef" twice), and no maxRepeat characters occurring twice
// (a repeated word). A random 32-character hex string (128 random bits)
// passes; hwledger's own tokens carry 256.
const (
	minAdminTokenLen  = 32
	minAdminTokenBits = 90
	maxRepeat         = 8
)

// checkAdminToken returns an error that states the rule when tok is too
// weak to be an admin token.
func checkAdminToken(tok string) error {
	rule := fmt.Sprintf("an admin token must be at least %d characters of printable ASCII without spaces, and look random "+
		"(at least %d bits by the frequencies of its characters and of the steps between them, no %d characters repeated); "+
		"generate one with `openssl rand -base64 32`", minAdminTokenLen, minAdminTokenBits, maxRepeat)
	for _, c := range []byte(tok) {
		if c <= ' ' || c > '~' {
			return fmt.Errorf("%s (this one has a space, a control character or non-ASCII)", rule)
		}
	}
	if len(tok) < minAdminTokenLen {
		return fmt.Errorf("%s (this one has %d characters)", rule, len(tok))
	}
	steps := make([]byte, len(tok)-1)
	for i := range steps {
		steps[i] = tok[i+1] - tok[i]
	}
	chars, stepBits := shannonBits(tok), shannonBits(string(steps))
	if chars < minAdminTokenBits || stepBits < minAdminTokenBits {
		return fmt.Errorf("%s (this one: %.0f bits by its characters, %.0f by its steps)", rule, chars, stepBits)
	}
	for i := 0; i+maxRepeat <= len(tok); i++ {
		if strings.Contains(tok[i+1:], tok[i:i+maxRepeat]) {
			return fmt.Errorf("%s (this one repeats %q)", rule, tok[i:i+maxRepeat])
		}
	}
	return nil
}

// shannonBits is len(s) times the Shannon entropy of s's bytes.
func shannonBits(s string) float64 {
	var count [256]int
	for _, c := range []byte(s) {
		count[c]++
	}
	n := float64(len(s))
	var h float64
	for _, k := range count {
		if k > 0 {
			p := float64(k) / n
			h -= p * math.Log2(p)
		}
	}
	return n * h
}

// adminToken returns the admin bootstrap token: HWLEDGER_ADMIN_TOKEN if
// set, else the one in DIR/admin.token, else a fresh one written there
// (mode 0600). created says whether the file was written now. A weak
// token from either source is refused (errUsage) with the rule.
func adminToken(dir string) (tok, source string, created bool, err error) {
	if t := os.Getenv(adminTokenEnv); t != "" {
		if err := checkAdminToken(t); err != nil {
			return "", "", false, fmt.Errorf("%w: %s is too weak: %v", errUsage, adminTokenEnv, err)
		}
		return t, "the " + adminTokenEnv + " environment variable", false, nil
	}
	path := filepath.Join(dir, adminTokenFile)
	if b, err := os.ReadFile(path); err == nil {
		t := string(trimSpace(b))
		if err := checkAdminToken(t); err != nil {
			return "", "", false, fmt.Errorf("%w: %s holds a weak token: %v", errUsage, path, err)
		}
		return t, path, false, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", "", false, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", false, err
	}
	t := ledger.NewToken()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", "", false, err
	}
	if _, err := f.WriteString(t + "\n"); err != nil {
		f.Close()
		return "", "", false, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", "", false, err
	}
	return t, path, true, f.Close()
}
