package ledger

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Passwords are hashed with argon2id (RFC 9106) and stored as PHC strings,
// $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash> (base64, no
// padding), so the parameters of each hash travel with it and can change
// without a migration.
//
// The parameters suit a small server of 2 cores: 46 MiB of memory, one
// pass, one lane (one of OWASP's recommended argon2id settings). One lane
// per hash and at most two hashes at once (hashSlots) keep both cores
// busy in a burst of sign-ins without taking more than 92 MiB; on a
// loaded machine one lane also waits for fewer threads than two would.
// BenchmarkSignIn (signin_bench_test.go) measures a whole sign-in.
const (
	argonMemoryKiB = 46 * 1024
	argonPasses    = 1
	argonLanes     = 1
	argonSaltBytes = 16
	argonKeyBytes  = 32
)

// hashSlots bounds the argon2id computations running at once.
var hashSlots = make(chan struct{}, 2)

// Password rules (docs/api.md, "People and sign-in").
const (
	minPasswordRunes = 10
	maxPasswordRunes = 128
)

// hashPassword returns the PHC string of password under a fresh salt.
func hashPassword(password string) string {
	salt := make([]byte, argonSaltBytes)
	if _, err := rand.Read(salt); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	key := argonKey(password, salt, argonPasses, argonMemoryKiB, argonLanes)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonPasses, argonLanes,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// argonKey is the argon2id key of password, waiting for a free hash slot.
func argonKey(password string, salt []byte, passes, memKiB uint32, lanes uint8) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey([]byte(password), salt, passes, memKiB, lanes, argonKeyBytes)
}

// errBadHash: a stored hash that is not an argon2id PHC string.
var errBadHash = errors.New("stored password hash is not argon2id")

// checkPassword reports whether password matches the PHC string phc, in
// time that does not depend on where they differ.
func checkPassword(phc, password string) (bool, error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	var mem, passes uint32
	var lanes uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &passes, &lanes); err != nil ||
		mem > 1<<20 || passes == 0 || passes > 16 || lanes == 0 {
		return false, errBadHash
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) != argonKeyBytes {
		return false, errBadHash
	}
	got := argonKey(password, salt, passes, mem, lanes)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is checked against when no account matches a sign-in, so that
// an unknown username takes as long as a wrong password.
// It is made on first use, not at start-up.
var dummyHash = sync.OnceValue(func() string { return hashPassword("no such account: a password nobody has") })

// passwordProblem says why password may not be chosen by the person with
// username and mobile, or the zero Text.
func passwordProblem(password, username, mobile string) Text {
	n := passwordLength(password)
	switch {
	case !utf8.ValidString(password):
		return Text{"必须是有效的 UTF-8", "must be valid UTF-8"}
	case n < minPasswordRunes:
		return Text{fmt.Sprintf("至少 %d 个字符（一个汉字算两个）", minPasswordRunes),
			fmt.Sprintf("must have at least %d characters (a Chinese character counts as two)", minPasswordRunes)}
	case utf8.RuneCountInString(password) > maxPasswordRunes:
		return Text{fmt.Sprintf("最多 %d 个字符", maxPasswordRunes), fmt.Sprintf("must have at most %d characters", maxPasswordRunes)}
	case strings.IndexFunc(password, unicode.IsControl) >= 0:
		return Text{"不能含控制字符", "must not contain control characters"}
	}
	low := strings.ToLower(password)
	if username != "" && strings.Contains(low, strings.ToLower(username)) {
		return Text{"不能包含用户名", "must not contain the username"}
	}
	if mobile != "" && strings.Contains(low, mobile) {
		return Text{"不能包含手机号", "must not contain the mobile number"}
	}
	if distinctRunes(low) < 5 {
		return Text{"至少要有 5 个不同的字符", "must have at least 5 different characters"}
	}
	for _, w := range commonPasswords {
		if strings.Contains(low, w) && passwordLength(strings.Replace(low, w, "", 1)) < 4 {
			return Text{"太常见：请用一句自己的、更长的话", "is too common: choose a longer phrase of your own"}
		}
	}
	return Text{}
}

// passwordLength counts the characters of a password toward the minimum:
// a character outside ASCII (a Chinese character) counts as two, being
// one of thousands rather than of under a hundred.
func passwordLength(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= utf8.RuneSelf {
			n++
		}
	}
	return n
}

func distinctRunes(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}

// commonPasswords are the stems of the passwords tried first by anyone
// guessing (lists of leaked passwords, Chinese and international): a
// password that is one of them plus a few characters is refused.
var commonPasswords = []string{
	"1234567890", "0987654321", "qwertyuiop", "abcdefgh", "123456", "654321", "111111", "000000", "888888", "666666", "password", "passw0rd", "qwerty", "abc123",
	"a123456", "iloveyou", "5201314", "admin", "woaini", "asdfgh", "zxcvbn", "1qaz2wsx", "qazwsx", "hwledger",
}

// oneTimeAlphabet has no characters that read alike (0 O o, 1 l I).
const oneTimeAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// newOneTimePassword returns a random password of 12 characters in three
// groups of four (about 59 bits), easy to read out and type on a phone:
// "k7mq-p9xe-3hwa".
func newOneTimePassword() string {
	const limit = 256 - 256%len(oneTimeAlphabet) // bytes from limit on would bias the choice
	var s strings.Builder
	b := make([]byte, 1)
	for n := 0; n < 12; {
		if _, err := rand.Read(b); err != nil {
			panic(err)
		}
		if int(b[0]) >= limit {
			continue
		}
		if n > 0 && n%4 == 0 {
			s.WriteByte('-')
		}
		s.WriteByte(oneTimeAlphabet[int(b[0])%len(oneTimeAlphabet)])
		n++
	}
	return s.String()
}
