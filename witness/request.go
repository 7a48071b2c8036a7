package witness

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/transparency-dev/formats/log"
)

// MaxProofLines is the most consistency proof lines a request may carry
// (C2SP tlog-witness).
const MaxProofLines = 63

// SizeContentType is the content type of a 409 answer: the witness's
// latest cosigned size in decimal and a newline.
const SizeContentType = "text/x.tlog.size"

// Request is the body of POST /add-checkpoint: the size of the checkpoint
// the witness last cosigned (as the client believes), a consistency proof
// from that size to the new checkpoint, and the new signed checkpoint.
type Request struct {
	Old        uint64
	Proof      [][]byte
	Checkpoint []byte // a signed note: checkpoint text, blank line, signature lines
}

// Marshal encodes the request body:
//
//	old <size>\n
//	<base64 hash>\n   (zero to 63 proof lines)
//	\n
//	<signed checkpoint>
func (r Request) Marshal() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "old %d\n", r.Old)
	for _, h := range r.Proof {
		b.WriteString(base64.StdEncoding.EncodeToString(h))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.Write(r.Checkpoint)
	return b.Bytes()
}

// ParseRequest decodes a request body. It is strict: the old size is a
// decimal without leading zeros, every proof line is one base64 SHA-256
// hash, at most 63 of them, and the checkpoint follows the blank line.
func ParseRequest(body []byte) (Request, error) {
	var r Request
	line, rest, ok := bytes.Cut(body, []byte("\n"))
	if !ok {
		return r, errors.New("the body must start with a line \"old <size>\"")
	}
	num, ok := strings.CutPrefix(string(line), "old ")
	if !ok {
		return r, fmt.Errorf("first line %q: want \"old <size>\"", clip(line))
	}
	old, err := canonicalUint(num)
	if err != nil {
		return r, fmt.Errorf("old size %q: %v", clip([]byte(num)), err)
	}
	r.Old = old
	for {
		line, rest, ok = bytes.Cut(rest, []byte("\n"))
		if !ok {
			return r, errors.New("no blank line before the checkpoint")
		}
		if len(line) == 0 {
			break
		}
		if len(r.Proof) == MaxProofLines {
			return r, fmt.Errorf("more than %d consistency proof lines", MaxProofLines)
		}
		h, err := base64.StdEncoding.DecodeString(string(line))
		if err != nil || len(h) != sha256.Size {
			return r, fmt.Errorf("consistency proof line %d is not a base64 SHA-256 hash", len(r.Proof)+1)
		}
		r.Proof = append(r.Proof, h)
	}
	if len(rest) == 0 {
		return r, errors.New("no checkpoint after the blank line")
	}
	r.Checkpoint = rest
	return r, nil
}

// Checkpoint is the parsed body of a C2SP tlog-checkpoint note.
type Checkpoint struct {
	Origin string
	Size   uint64
	Root   []byte
}

// ParseCheckpoint parses a checkpoint note's text (the part before the
// signatures): origin, decimal size without leading zeros, base64 SHA-256
// root, then optional extension lines.
func ParseCheckpoint(text string) (Checkpoint, error) {
	var c log.Checkpoint
	if _, err := c.Unmarshal([]byte(text)); err != nil {
		return Checkpoint{}, err
	}
	size := strings.SplitN(text, "\n", 3)[1]
	if _, err := canonicalUint(size); err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint size %q: %v", clip([]byte(size)), err)
	}
	if len(c.Hash) != sha256.Size {
		return Checkpoint{}, fmt.Errorf("checkpoint root is %d bytes, want %d", len(c.Hash), sha256.Size)
	}
	return Checkpoint{Origin: c.Origin, Size: c.Size, Root: c.Hash}, nil
}

// canonicalUint parses a decimal with no sign and no leading zeros.
func canonicalUint(s string) (uint64, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || strconv.FormatUint(n, 10) != s {
		return 0, errors.New("want a decimal number without leading zeros")
	}
	return n, nil
}

// clip shortens b for an error message.
func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}
