package chain

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
)

var hasher = rfc6962.DefaultHasher

// proofLog builds a log of n events, appended from several goroutines with
// commands of 1 to 4 events so the batches (and so the stored node layout
// across transactions) vary, and the testonly oracle over the same leaves.
func proofLog(t *testing.T, n int) (*Log, *testonly.Tree) {
	t.Helper()
	l := openTest(t, "", Options{})
	var wg sync.WaitGroup
	work := make(chan int)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range work {
				_, err := l.Submit(context.Background(), func(tx *Tx) error {
					for j := 0; j < k; j++ {
						if _, err := tx.Append(Draft{Type: "test.proof", Subject: fmt.Sprint(j)}); err != nil {
							return err
						}
					}
					return nil
				})
				assert.NoError(t, err)
			}
		}()
	}
	for left := n; left > 0; {
		k := min(1+left%4, left)
		work <- k
		left -= k
	}
	close(work)
	wg.Wait()
	require.EqualValues(t, n, l.Size())
	oracle := testonly.New(hasher)
	require.NoError(t, l.Events(0, 0, func(_ uint64, b []byte) error {
		oracle.AppendData(b)
		return nil
	}))
	_, root, _ := l.Head()
	require.Equal(t, oracle.Hash(), root)
	return l, oracle
}

// proofSizes are the tree sizes every proof is checked at.
func proofSizes() []uint64 {
	var s []uint64
	for n := uint64(1); n <= 70; n++ {
		s = append(s, n)
	}
	return append(s, 127, 128, 129, 257, 1000)
}

func TestInclusionProofsAgreeWithOracleAndResistCorruption(t *testing.T) {
	l, oracle := proofLog(t, 1000)
	for _, size := range proofSizes() {
		root, err := l.RootAt(size)
		require.NoError(t, err)
		require.Equal(t, oracle.HashAt(size), root, "root at %d", size)
		for i := uint64(0); i < size; i++ {
			got, err := l.InclusionProof(i, size)
			require.NoError(t, err)
			want, err := oracle.InclusionProof(i, size)
			require.NoError(t, err)
			require.Equal(t, want, got, "inclusion %d in %d", i, size)
			leaf := oracle.LeafHash(i)
			require.NoError(t, proof.VerifyInclusion(hasher, i, size, leaf, got, root), "inclusion %d in %d", i, size)
			for _, p := range inclusionProbes(i, size, leaf, got, root) {
				assert.Error(t, proof.VerifyInclusion(hasher, p.index, p.size, p.leaf, p.proof, p.root),
					"inclusion %d in %d: probe %q passed", i, size, p.name)
			}
		}
	}
}

func TestConsistencyProofsAgreeWithOracleAndResistCorruption(t *testing.T) {
	l, oracle := proofLog(t, 1000)
	check := func(a, b uint64) {
		got, err := l.ConsistencyProof(a, b)
		require.NoError(t, err)
		want, err := oracle.ConsistencyProof(a, b)
		require.NoError(t, err)
		require.Equal(t, want, got, "consistency %d→%d", a, b)
		ra, rb := oracle.HashAt(a), oracle.HashAt(b)
		require.NoError(t, VerifyConsistency(a, b, got, ra, rb), "consistency %d→%d", a, b)
		for _, p := range consistencyProbes(a, b, got, ra, rb) {
			assert.Error(t, VerifyConsistency(p.a, p.b, p.proof, p.ra, p.rb),
				"consistency %d→%d: probe %q passed", a, b, p.name)
		}
	}
	for b := uint64(1); b <= 70; b++ {
		for a := uint64(1); a <= b; a++ {
			check(a, b)
		}
	}
	for _, b := range []uint64{127, 128, 129, 257, 1000} {
		for a := uint64(1); a <= b; a++ {
			check(a, b)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		b := 1 + r.Uint64N(1000)
		check(1+r.Uint64N(b), b)
	}
}

func TestProofsOfFreshLogsOfEverySmallSize(t *testing.T) {
	// Proofs at the full size of a log, right after the append that made it.
	l := openTest(t, "", Options{})
	oracle := testonly.New(hasher)
	for n := uint64(1); n <= 70; n++ {
		evs, err := l.Submit(context.Background(), func(tx *Tx) error {
			_, err := tx.Append(Draft{Type: "test.fresh"})
			return err
		})
		require.NoError(t, err)
		b, err := l.Event(evs[0].Index)
		require.NoError(t, err)
		oracle.AppendData(b)
		_, root, _ := l.Head()
		require.Equal(t, oracle.Hash(), root)
		for i := uint64(0); i < n; i++ {
			p, err := l.InclusionProof(i, n)
			require.NoError(t, err)
			require.NoError(t, proof.VerifyInclusion(hasher, i, n, oracle.LeafHash(i), p, root))
		}
		for a := uint64(1); a <= n; a++ {
			p, err := l.ConsistencyProof(a, n)
			require.NoError(t, err)
			require.NoError(t, VerifyConsistency(a, n, p, oracle.HashAt(a), root))
		}
	}
}

func TestProofsOutOfRangeAreRefused(t *testing.T) {
	l := openTest(t, "", Options{})
	appendN(t, l, 5)
	for _, c := range [][2]uint64{{0, 0}, {5, 5}, {0, 6}, {6, 7}} {
		_, err := l.InclusionProof(c[0], c[1])
		assert.ErrorIs(t, err, ErrRange, "inclusion %v", c)
	}
	// merkle v0.0.2 accepts an empty proof from size 0 to anything; the log
	// does not offer one, and VerifyConsistency does not accept one.
	for _, c := range [][2]uint64{{0, 0}, {0, 1}, {0, 5}, {3, 2}, {1, 6}, {6, 6}} {
		_, err := l.ConsistencyProof(c[0], c[1])
		assert.ErrorIs(t, err, ErrRange, "consistency %v", c)
	}
	empty := hasher.EmptyRoot()
	_, root, _ := l.Head()
	require.NoError(t, proof.VerifyConsistency(hasher, 0, 5, nil, empty, root), "merkle's own check accepts size 0")
	assert.Error(t, VerifyConsistency(0, 5, nil, empty, root))
	assert.Error(t, VerifyConsistency(0, 0, nil, empty, empty))
	_, err := l.RootAt(6)
	assert.ErrorIs(t, err, ErrRange)
}

// The probes below must all fail. Two tempting ones are left out because
// RFC 6962 proofs do not bind them: an inclusion proof often also verifies
// for size+1, and a consistency proof for size2±1, when the proof's shape is
// the same. The size is bound by the signed checkpoint, so verifiers take it
// from there, never from an unsigned answer.

type inclusionProbe struct {
	name        string
	index, size uint64
	leaf        []byte
	proof       [][]byte
	root        []byte
}

func inclusionProbes(i, size uint64, leaf []byte, p [][]byte, root []byte) []inclusionProbe {
	var out []inclusionProbe
	add := func(name string, i, size uint64, leaf []byte, p [][]byte, root []byte) {
		out = append(out, inclusionProbe{name, i, size, leaf, p, root})
	}
	for k := range p {
		for _, bit := range []int{0, 7 + 8*(k%32)} {
			add(fmt.Sprintf("bit %d of hash %d flipped", bit, k), i, size, leaf, flip(p, k, bit), root)
		}
	}
	if i > 0 {
		add("index-1", i-1, size, leaf, p, root)
	}
	add("index+1", i+1, size, leaf, p, root)
	add("size×2", i, size*2, leaf, p, root)
	add("size÷2", i, size/2, leaf, p, root)
	if len(p) > 0 {
		add("last hash removed", i, size, leaf, p[:len(p)-1], root)
		add("first hash removed", i, size, leaf, p[1:], root)
	}
	add("hash added", i, size, leaf, append(clone(p), root), root)
	add("hash prepended", i, size, leaf, append([][]byte{leaf}, p...), root)
	add("wrong root", i, size, leaf, p, flipBytes(root, 3))
	add("wrong leaf", i, size, flipBytes(leaf, 0), p, root)
	return out
}

type consistencyProbe struct {
	name   string
	a, b   uint64
	proof  [][]byte
	ra, rb []byte
}

func consistencyProbes(a, b uint64, p [][]byte, ra, rb []byte) []consistencyProbe {
	var out []consistencyProbe
	add := func(name string, a, b uint64, p [][]byte, ra, rb []byte) {
		out = append(out, consistencyProbe{name, a, b, p, ra, rb})
	}
	for k := range p {
		for _, bit := range []int{0, 7 + 8*(k%32)} {
			add(fmt.Sprintf("bit %d of hash %d flipped", bit, k), a, b, flip(p, k, bit), ra, rb)
		}
	}
	add("size1-1", a-1, b, p, ra, rb)
	add("size1+1", a+1, b, p, ra, rb)
	add("size1×2", a*2, b, p, ra, rb)
	add("size1÷2", a/2, b, p, ra, rb)
	add("size2×2", a, b*2, p, ra, rb)
	add("size2÷2", a, b/2, p, ra, rb)
	if len(p) > 0 {
		add("last hash removed", a, b, p[:len(p)-1], ra, rb)
		add("first hash removed", a, b, p[1:], ra, rb)
	}
	add("hash added", a, b, append(clone(p), rb), ra, rb)
	add("hash prepended", a, b, append([][]byte{ra}, p...), ra, rb)
	add("wrong root1", a, b, p, flipBytes(ra, 5), rb)
	add("wrong root2", a, b, p, ra, flipBytes(rb, 5))
	if a != b {
		add("roots swapped", a, b, p, rb, ra)
	}
	return out
}

func clone(p [][]byte) [][]byte { return append([][]byte(nil), p...) }

// flip returns a copy of p with one bit of hash k inverted.
func flip(p [][]byte, k, bit int) [][]byte {
	q := clone(p)
	q[k] = append([]byte(nil), p[k]...)
	q[k][bit/8] ^= 1 << (bit % 8)
	return q
}

func flipBytes(b []byte, bit int) []byte {
	c := append([]byte(nil), b...)
	c[bit/8] ^= 1 << (bit % 8)
	return c
}
