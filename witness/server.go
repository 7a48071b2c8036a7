package witness

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// maxRequestBytes bounds an add-checkpoint body: 63 proof lines and a
// checkpoint with a few signatures fit in far less.
const maxRequestBytes = 64 << 10

// LogConfig is one log a witness follows.
type LogConfig struct {
	// Origin is the checkpoint origin line that names the log.
	Origin string
	// Verifier checks the log's checkpoint signature (a note verifier key
	// "name+hash+base64", as the ledger serves at GET /api/v1/ledger/key).
	Verifier note.Verifier
}

// ParseLog reads "ORIGIN=VKEY" (the witness's --log flag).
func ParseLog(s string) (LogConfig, error) {
	origin, vkey, ok := strings.Cut(s, "=")
	if !ok || origin == "" || vkey == "" {
		return LogConfig{}, fmt.Errorf("--log %q: want ORIGIN=VKEY", clip([]byte(s)))
	}
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return LogConfig{}, fmt.Errorf("--log %s: the log's key %q is not a note verifier key: %v", origin, clip([]byte(vkey)), err)
	}
	return LogConfig{Origin: origin, Verifier: v}, nil
}

// Config opens a Witness.
type Config struct {
	// Dir is the data directory: key, state, evidence (created if missing).
	Dir string
	// Name names the witness's key when it is created on first start
	// (later starts keep the key's name).
	Name string
	// Logs are the logs the witness cosigns; any other origin answers 404.
	Logs []LogConfig
	// Logger receives one line per refusal and per kept piece of evidence.
	Logger *slog.Logger
	// Clock stamps evidence files (default time.Now).
	Clock func() time.Time
}

// Witness is a C2SP tlog-witness: it cosigns a log's checkpoint only when it
// is consistent with the latest one it cosigned for that log, and keeps
// that latest checkpoint durably.
type Witness struct {
	dir   string
	key   Key
	lock  *os.File
	logs  map[string]*logState
	lg    *slog.Logger
	clock func() time.Time
}

// logState is what a witness knows of one log. mu makes check-and-persist
// atomic per log (C2SP tlog-witness: else a concurrent smaller request
// could roll the stored size back).
type logState struct {
	mu       sync.Mutex
	verifier note.Verifier
	file     *stateFile
	size     uint64
	root     []byte
	signed   []byte // the stored checkpoint note; nil before the first
}

// Open loads or creates the witness in cfg.Dir. The directory is locked
// until Close. Stored state that no longer verifies with the configured
// log key is an error: the witness does not start on a state it cannot
// trust.
func Open(cfg Config) (*Witness, error) {
	if cfg.Dir == "" {
		return nil, errors.New("witness: a data directory is required")
	}
	if len(cfg.Logs) == 0 {
		return nil, errors.New("witness: configure at least one log (--log ORIGIN=VKEY)")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, err
	}
	lock, err := lockDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	w := &Witness{dir: cfg.Dir, lock: lock, logs: map[string]*logState{}, lg: cfg.Logger, clock: cfg.Clock}
	fail := func(err error) (*Witness, error) { w.Close(); return nil, err }
	if w.key, err = LoadOrCreateKey(cfg.Dir, cfg.Name); err != nil {
		return fail(err)
	}
	for _, l := range cfg.Logs {
		if _, dup := w.logs[l.Origin]; dup {
			return fail(fmt.Errorf("witness: log %q configured twice", l.Origin))
		}
		file, signed, err := openState(cfg.Dir, l.Origin)
		if err != nil {
			return fail(err)
		}
		st := &logState{verifier: l.Verifier, file: file}
		w.logs[l.Origin] = st
		if signed != nil {
			n, err := note.Open(signed, note.VerifierList(l.Verifier))
			if err != nil {
				return fail(fmt.Errorf("witness: the stored checkpoint of %q does not verify with the configured key: %v", l.Origin, err))
			}
			cp, err := ParseCheckpoint(n.Text)
			if err != nil || cp.Origin != l.Origin {
				return fail(fmt.Errorf("witness: the stored checkpoint of %q is malformed: %v", l.Origin, err))
			}
			st.size, st.root, st.signed = cp.Size, cp.Root, signed
		}
	}
	return w, nil
}

// Close closes the state files and releases the data directory.
func (w *Witness) Close() error {
	for _, st := range w.logs {
		st.file.close()
	}
	return w.lock.Close()
}

// VerifierKey is the witness's cosignature/v1 verifier key.
func (w *Witness) VerifierKey() string { return w.key.VerifierKey }

// Latest returns the size and signed note of the latest checkpoint the
// witness cosigned for origin (0, nil if none or unknown origin).
func (w *Witness) Latest(origin string) (uint64, []byte) {
	st, ok := w.logs[origin]
	if !ok {
		return 0, nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.size, st.signed
}

// Handler serves POST /add-checkpoint.
func (w *Witness) Handler() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("POST /add-checkpoint", w.addCheckpoint)
	return m
}

// refusal is an add-checkpoint answer other than 200.
type refusal struct {
	status int
	msg    string
	size   uint64 // 409: the latest cosigned size, the body
}

func (w *Witness) addCheckpoint(rw http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, maxRequestBytes))
	if err != nil {
		http.Error(rw, "request body over 64 KiB or unreadable", http.StatusBadRequest)
		return
	}
	sigs, ref := w.add(body)
	if ref != nil {
		if ref.status == http.StatusConflict {
			rw.Header().Set("Content-Type", SizeContentType)
			rw.WriteHeader(ref.status)
			rw.Write([]byte(strconv.FormatUint(ref.size, 10) + "\n"))
			return
		}
		http.Error(rw, ref.msg, ref.status)
		return
	}
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	rw.Write(sigs)
}

// add handles one add-checkpoint body and returns the cosignature lines,
// or the refusal with its C2SP tlog-witness status:
//
//	400 malformed body, or an old size above the checkpoint's size
//	403 no signature verifies with the log's configured key
//	404 the origin is not a configured log
//	409 the old size is not the latest cosigned size (the body says it),
//	    or the same size with another root
//	422 the consistency proof does not verify
//
// A refused checkpoint that the log did sign and that contradicts the
// stored one (smaller, same size with another root, or a proof that does
// not verify) is kept as evidence.
func (w *Witness) add(body []byte) ([]byte, *refusal) {
	req, err := ParseRequest(body)
	if err != nil {
		return nil, &refusal{status: http.StatusBadRequest, msg: err.Error()}
	}
	origin, _, _ := bytes.Cut(req.Checkpoint, []byte("\n"))
	st, ok := w.logs[string(origin)]
	if !ok {
		return nil, &refusal{status: http.StatusNotFound, msg: fmt.Sprintf("unknown log %q", clip(origin))}
	}
	n, err := note.Open(req.Checkpoint, note.VerifierList(st.verifier))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		if errors.As(err, &unverified) || errors.As(err, &invalid) {
			return nil, &refusal{status: http.StatusForbidden, msg: "no signature verifies with the log's key"}
		}
		return nil, &refusal{status: http.StatusBadRequest, msg: "checkpoint: " + err.Error()}
	}
	cp, err := ParseCheckpoint(n.Text)
	if err != nil {
		return nil, &refusal{status: http.StatusBadRequest, msg: err.Error()}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if reason := contradiction(st, cp); reason != "" {
		w.evidence(st, cp.Origin, reason, body)
	}
	if req.Old > cp.Size {
		return nil, &refusal{status: http.StatusBadRequest, msg: fmt.Sprintf("old size %d is above the checkpoint's size %d", req.Old, cp.Size)}
	}
	if req.Old != st.size {
		return nil, &refusal{status: http.StatusConflict, size: st.size}
	}
	if cp.Size == st.size {
		if st.signed != nil && !bytes.Equal(cp.Root, st.root) {
			return nil, &refusal{status: http.StatusConflict, size: st.size}
		}
		if len(req.Proof) > 0 {
			return nil, &refusal{status: http.StatusUnprocessableEntity, msg: "the consistency proof between equal sizes must be empty"}
		}
	} else if err := proof.VerifyConsistency(rfc6962.DefaultHasher, st.size, cp.Size, req.Proof, st.root, cp.Root); err != nil {
		if st.size > 0 {
			w.evidence(st, cp.Origin, fmt.Sprintf("consistency proof %d→%d does not verify: %v", st.size, cp.Size, err), body)
		}
		return nil, &refusal{status: http.StatusUnprocessableEntity, msg: "the consistency proof does not verify: " + err.Error()}
	}

	if err := st.file.write(req.Checkpoint); err != nil {
		w.lg.Error("witness: persisting the checkpoint failed; not cosigning", "origin", cp.Origin, "err", err)
		return nil, &refusal{status: http.StatusInternalServerError, msg: "could not persist the checkpoint"}
	}
	st.size, st.root, st.signed = cp.Size, cp.Root, req.Checkpoint
	signed, err := note.Sign(&note.Note{Text: n.Text}, w.key.Signer)
	if err != nil {
		return nil, &refusal{status: http.StatusInternalServerError, msg: "cosigning failed"}
	}
	// note.Sign gives the text, a blank line, then the signature line.
	return signed[len(n.Text)+1:], nil
}

// contradiction says how a checkpoint the log signed contradicts the one
// the witness cosigned: smaller (rollback), or the same size with another
// root (fork). "" when it does not. Called with st.mu held.
func contradiction(st *logState, cp Checkpoint) string {
	switch {
	case cp.Size < st.size:
		return fmt.Sprintf("rollback: the log signed size %d after this witness cosigned size %d", cp.Size, st.size)
	case st.signed != nil && cp.Size == st.size && !bytes.Equal(cp.Root, st.root):
		return fmt.Sprintf("fork: size %d with root %x; the checkpoint of that size this witness cosigned has root %x", cp.Size, cp.Root, st.root)
	}
	return ""
}

// evidence writes one piece of evidence; failing to is logged, not fatal.
func (w *Witness) evidence(st *logState, origin, reason string, body []byte) {
	path, err := keepEvidence(w.dir, w.clock(), Evidence{Origin: origin, Reason: reason, Latest: st.signed, Request: body})
	if err != nil {
		w.lg.Error("witness: could not keep evidence", "origin", origin, "reason", reason, "err", err)
		return
	}
	w.lg.Warn("witness: refused a conflicting checkpoint; evidence kept", "origin", origin, "reason", reason, "file", filepath.Base(path))
}

// Evidence lists the evidence files kept so far (paths).
func (w *Witness) Evidence() ([]string, error) {
	return filepath.Glob(filepath.Join(w.dir, evidenceDir, "*.txt"))
}
