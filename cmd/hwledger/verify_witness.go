package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/witness"
	"golang.org/x/mod/sumdb/note"
)

// witnessKeys collects repeated --witness VKEY flags of verify.
type witnessKeys []note.Verifier

func (k *witnessKeys) String() string {
	names := make([]string, len(*k))
	for i, v := range *k {
		names[i] = v.Name()
	}
	return strings.Join(names, ",")
}

func (k *witnessKeys) Set(v string) error {
	wv, err := witness.NewVerifier(v)
	if err != nil {
		return err
	}
	*k = append(*k, wv)
	return nil
}

// verifyWitnessFlags are verify's --witness and --witness-policy.
type verifyWitnessFlags struct {
	keys witnessKeys
	k    int
}

func (f *verifyWitnessFlags) addFlags(fs *flag.FlagSet) {
	fs.Var(&f.keys, "witness", "a witness's verifier key (its witness.pub): the checkpoint must carry its cosignature (repeatable; see --witness-policy)")
	fs.IntVar(&f.k, "witness-policy", 0, "how many of the --witness keys must have cosigned (default: all of them)")
}

// policy returns the k-of-n policy, nil without --witness.
func (f *verifyWitnessFlags) policy() (*witness.Policy, error) {
	if len(f.keys) == 0 {
		if f.k != 0 {
			return nil, fmt.Errorf("%w: --witness-policy needs --witness keys", errUsage)
		}
		return nil, nil
	}
	k := f.k
	if k == 0 {
		k = len(f.keys)
	}
	if k < 1 || k > len(f.keys) {
		return nil, fmt.Errorf("%w: --witness-policy %d: must be from 1 to the number of --witness keys (%d)", errUsage, f.k, len(f.keys))
	}
	return &witness.Policy{Witnesses: f.keys, K: k}, nil
}

// checkCosigned checks that signed (a checkpoint signed with logKey) meets
// the policy; a shortfall or a bad cosignature is a fault of the ledger.
// It returns the sentence verify prints.
func checkCosigned(p *witness.Policy, signed []byte, logKey note.Verifier, what string) (string, error) {
	_, n, err := p.Check(signed, logKey)
	if err != nil {
		return "", &chain.Fault{Index: -1, What: what + ": " + err.Error()}
	}
	return fmt.Sprintf("; %s cosigned by %d of %d witnesses (policy %d)", what, n, len(p.Witnesses), p.K), nil
}
