package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The binary links no test code: package testing, testify and the test
// helper packages (ledgertest, chaintest, apitest, testfs) stay out of it.
func TestBinaryLinksNoTestCode(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/hwledger/hwledger/cmd/hwledger").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list printed %d packages: %s", len(deps), out)
	}
	for _, dep := range deps {
		last := dep[strings.LastIndex(dep, "/")+1:]
		if dep == "testing" || strings.HasPrefix(dep, "testing/") ||
			strings.HasPrefix(dep, "github.com/stretchr/testify") ||
			(strings.HasPrefix(dep, "github.com/hwledger/hwledger/") && (strings.HasSuffix(last, "test") || last == "testfs")) {
			t.Errorf("the hwledger binary links %s", dep)
		}
	}
}
