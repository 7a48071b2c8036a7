package ledger

import (
	osexec "os/exec"
	"strings"
	"testing"
)

// The domain must not depend on transport or presentation:
// no Echo, nothing of api/ or web/.
func TestDomainImportsNoTransport(t *testing.T) {
	out, err := osexec.Command("go", "list", "-deps", "github.com/hwledger/hwledger/ledger").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/labstack/echo") ||
			strings.HasPrefix(dep, "github.com/hwledger/hwledger/api") ||
			strings.HasPrefix(dep, "github.com/hwledger/hwledger/web") {
			t.Errorf("package ledger depends on %s", dep)
		}
	}
}

// The domain reaches storage only through package proj (ledger/internal/
// proj), which owns every key and byte layout: no file of package ledger
// but its tests imports Badger.
func TestDomainImportsNoBadger(t *testing.T) {
	out, err := osexec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, "github.com/hwledger/hwledger/ledger").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	imports := strings.Fields(string(out))
	if len(imports) == 0 {
		t.Fatal("go list printed no imports")
	}
	for _, imp := range imports {
		if strings.HasPrefix(imp, "github.com/dgraph-io/badger") {
			t.Errorf("a non-test file of package ledger imports %s", imp)
		}
	}
}
