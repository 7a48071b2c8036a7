package proj

// Sign-in state: what people sign in with, their sessions and the security
// log. It lives beside the projections under s/ and is written by commands
// like any key, but no event holds it, so a replay neither writes nor
// removes it (isProjectionKey), and an export of the log leaves it out.
const (
	signInAccount   = prefixSignIn + "a/"  // s/a/<person id>: account JSON
	signInSession   = prefixSignIn + "ss/" // s/ss/<sha256 hex of session id>: session JSON
	signInPersonSes = prefixSignIn + "sp/" // s/sp/<person id>/<sha256 hex>: empty
	signInLog       = prefixSignIn + "l/"  // s/l/<be64 n>: security log entry n, JSON
	signInLogCount  = prefixSignIn + "ln"  // s/ln: the number of entries (be64)
)

// AccountKey is the key of a person's account: password hash, TOTP,
// failures in a row.
func AccountKey(person string) []byte { return []byte(signInAccount + person) }

// SessionKey is the key of the session whose id has SHA-256 hex hash.
func SessionKey(hash string) []byte { return []byte(signInSession + hash) }

// PersonSessionKey is the key that lists session hash among a person's
// sessions.
func PersonSessionKey(person, hash string) []byte {
	return []byte(signInPersonSes + person + "/" + hash)
}

// PersonSessionsPrefix is the prefix of a person's session keys; the
// session hash follows it.
func PersonSessionsPrefix(person string) []byte { return []byte(signInPersonSes + person + "/") }

// SecurityLogKey is the key of security log entry n (0 first).
func SecurityLogKey(n uint64) []byte { return []byte(signInLog + be64(n)) }

// SecurityLogCountKey is the key of the number of security log entries.
func SecurityLogCountKey() []byte { return []byte(signInLogCount) }

// SecurityLogN reads entry numbers and counts stored by this package.
func SecurityLogN(b []byte) uint64 { return fromBe64(b) }

// SecurityLogNBytes is n as stored for the count.
func SecurityLogNBytes(n uint64) []byte { return []byte(be64(n)) }

// EachSecurityEntry calls fn with the JSON of each security log entry from
// number from on, in order, until fn returns an error (which it returns).
func EachSecurityEntry(r *Snapshot, from uint64, fn func(v []byte) error) error {
	return r.scanFrom([]byte(signInLog), SecurityLogKey(from), func(_, v []byte) error { return fn(v) })
}
