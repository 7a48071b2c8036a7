package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

func init() {
	register("export", "write the events, signed checkpoint and key to one file, verifiable offline (--data DIR --out FILE | --check FILE)", cmdExport)
}

// The export file is an uncompressed POSIX tar archive holding, in order:
//
//	hwledger-export/README.txt     how to verify it (this description)
//	hwledger-export/verifier.key   the note verifier key "name+hash+base64"
//	hwledger-export/checkpoint     the signed checkpoint (C2SP tlog-checkpoint note)
//	hwledger-export/events.ndjson  exactly checkpoint-size lines: line i is the
//	                               exact stored bytes of event i, then "\n"
//
// To verify it offline (what `hwledger export --check FILE` does):
// leaf_i = SHA-256(0x00 ‖ line_i); each event's "prev" is the hex leaf hash
// of the line before (64 zeros for the first) and its "index" is i; the RFC
// 6962 root over the leaf hashes equals the checkpoint's root, the number of
// lines equals its size, and the checkpoint's signature verifies with the
// key. Compare the key with one obtained independently (GET /ledger/key of
// the server, or an inspector's copy) before trusting the archive.
const exportPrefix = "hwledger-export/"

const exportReadme = `hwledger ledger export

verifier.key   note verifier key (compare it with a copy you trust)
checkpoint     signed C2SP tlog-checkpoint: origin, size, base64 RFC 6962 root, Ed25519 note signature
events.ndjson  one event per line, each line exactly the bytes that were hashed

Check: leaf hash = SHA-256(0x00 || line); each event's "prev" is the hex leaf hash of the previous line
(64 zeros for the first) and "index" its line number from 0; the RFC 6962 Merkle root over the leaf
hashes equals the checkpoint's root; the line count equals its size; the signature verifies with the key.
"hwledger export --check FILE [--key KEY]" does all of this.
`

func cmdExport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data", "./data", "data directory (only read; stop the server first; a store left by a crash is read through a recovered copy)")
	out := fs.String("out", "", "file to write (tar)")
	check := fs.String("check", "", "verify an export file instead of writing one")
	key := fs.String("key", "", "with --check: the verifier key you trust (text or a file holding it)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || (*out == "") == (*check == "") {
		fmt.Fprintln(stderr, "export: give --out FILE (with --data DIR) or --check FILE")
		fs.Usage()
		return 2
	}
	if *check != "" {
		trusted := *key
		if b, err := os.ReadFile(*key); *key != "" && err == nil {
			trusted = strings.TrimSpace(string(b))
		}
		f, err := os.Open(*check)
		if err != nil {
			fmt.Fprintf(stderr, "export: %v\n", err)
			return 2
		}
		defer f.Close()
		cp, err := checkExport(f, trusted)
		if err != nil {
			fmt.Fprintf(stdout, "FAIL: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "OK: %d events, root %x, origin %q, checkpoint signature valid\n", cp.Size, cp.Root, cp.Origin)
		return 0
	}
	var n uint64
	_, err := readCrashed(*dir, func(dir string) (err error) {
		n, err = writeExport(dir, *out)
		return err
	})
	if err != nil {
		fmt.Fprintf(stderr, "export: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "exported %d events and the signed checkpoint to %s\n", n, *out)
	return 0
}

// writeExport writes the export of the ledger in dir to path (atomically:
// a temporary file renamed into place) and returns the number of events.
func writeExport(dir, path string) (uint64, error) {
	if !hasLedger(dir) {
		return 0, fmt.Errorf("no ledger in %s", dir)
	}
	l, err := chain.Open(chain.Options{Dir: dir, ReadOnly: true})
	if err != nil {
		return 0, err
	}
	defer l.Close()
	size, _, cp := l.Head()
	if cp == nil {
		return 0, errors.New("the ledger has no signed checkpoint yet (it is empty)")
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".hwledger-export-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 1<<20)
	tw := tar.NewWriter(bw)
	now := time.Now().UTC()
	put := func(name string, b []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: exportPrefix + name, Mode: 0o644, Size: int64(len(b)), ModTime: now,
			Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(b)
		return err
	}
	if err := put("README.txt", []byte(exportReadme)); err != nil {
		return 0, err
	}
	if err := put("verifier.key", []byte(l.Key().VerifierKey+"\n")); err != nil {
		return 0, err
	}
	if err := put("checkpoint", cp); err != nil {
		return 0, err
	}
	// The tar header needs the length first: one pass to measure, one to write.
	var total int64
	if err := l.Events(0, int(size), func(_ uint64, b []byte) error { total += int64(len(b)) + 1; return nil }); err != nil {
		return 0, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: exportPrefix + "events.ndjson", Mode: 0o644, Size: total, ModTime: now,
		Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
		return 0, err
	}
	var n uint64
	err = l.Events(0, int(size), func(_ uint64, b []byte) error {
		n++
		if _, err := tw.Write(b); err != nil {
			return err
		}
		_, err := tw.Write([]byte{'\n'})
		return err
	})
	if err != nil {
		return 0, err
	}
	if n != size {
		return 0, fmt.Errorf("read %d events, the checkpoint covers %d", n, size)
	}
	if err := tw.Close(); err != nil {
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	if err := tmp.Sync(); err != nil {
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	return n, os.Rename(tmp.Name(), path)
}

// checkExport verifies an export archive as described above. trustedKey,
// if not empty, must equal the archive's verifier key.
func checkExport(r io.Reader, trustedKey string) (chain.Checkpoint, error) {
	var key, cpText []byte
	var cp chain.Checkpoint
	var verified bool
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return cp, fmt.Errorf("not an export archive: %w", err)
		}
		switch h.Name {
		case exportPrefix + "verifier.key":
			if key, err = io.ReadAll(io.LimitReader(tr, 4096)); err != nil {
				return cp, err
			}
		case exportPrefix + "checkpoint":
			if cpText, err = io.ReadAll(io.LimitReader(tr, 64<<10)); err != nil {
				return cp, err
			}
		case exportPrefix + "events.ndjson":
			if key == nil || cpText == nil {
				return cp, errors.New("verifier.key and checkpoint must precede events.ndjson")
			}
			k := strings.TrimSpace(string(key))
			if trustedKey != "" && k != strings.TrimSpace(trustedKey) {
				return cp, errors.New("the archive's verifier key is not the trusted key")
			}
			v, err := note.NewVerifier(k)
			if err != nil {
				return cp, fmt.Errorf("verifier.key: %w", err)
			}
			if cp, err = chain.OpenCheckpoint(cpText, v); err != nil {
				return cp, err
			}
			if err := checkEvents(tr, cp); err != nil {
				return cp, err
			}
			verified = true
		}
	}
	if !verified {
		return cp, errors.New("the archive holds no events.ndjson")
	}
	return cp, nil
}

// checkEvents re-derives leaf hashes, the prev chain, the indices and the
// Merkle root of the ndjson events and compares them with cp.
func checkEvents(r io.Reader, cp chain.Checkpoint) error {
	rf := &compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}
	rng := rf.NewEmptyRange(0)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	prev := strings.Repeat("0", 64)
	var i uint64
	for sc.Scan() {
		line := sc.Bytes()
		e, err := chain.Decode(line)
		if err != nil {
			return fmt.Errorf("event %d: %w", i, err)
		}
		if e.Index != i {
			return fmt.Errorf("event %d: index says %d", i, e.Index)
		}
		if e.Prev != prev {
			return fmt.Errorf("event %d: prev %s, want %s (the leaf hash of event %d)", i, e.Prev, prev, int64(i)-1)
		}
		leaf := chain.HashLeaf(line)
		if err := rng.Append(leaf, nil); err != nil {
			return err
		}
		prev = hex.EncodeToString(leaf)
		i++
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if i != cp.Size {
		return fmt.Errorf("%d events, the checkpoint says %d", i, cp.Size)
	}
	root, err := rng.GetRootHash(nil)
	if err != nil {
		return err
	}
	if i == 0 {
		root = rfc6962.DefaultHasher.EmptyRoot()
	}
	if !bytes.Equal(root, cp.Root) {
		return fmt.Errorf("the Merkle root of the events %x is not the checkpoint's %x", root, cp.Root)
	}
	return nil
}
