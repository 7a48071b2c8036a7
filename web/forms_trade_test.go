package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
)

// register records a batch of count containers for the fixture party key.
func register(t *testing.T, f *fixture, key, code string, kg ledger.Grams, count int) *ledger.Waste {
	t.Helper()
	p, err := f.svc.Authenticate(f.tokens[key])
	if err != nil {
		t.Fatal(err)
	}
	w, err := f.svc.RegisterWaste(t.Context(), p, ledger.WasteInput{Code: code, Name: "废矿物油", Form: ledger.FormLiquid,
		Quantity: kg, Container: ledger.Container{Type: "铁桶", Count: count}, GeneratedAt: f.svc.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestLabelPerContainer: a batch of six drums prints six labels, 1/6 to
// 6/6, on the sheet and on its own label page; a batch of more containers
// than maxContainerLabels prints that many and says so.
func TestLabelPerContainer(t *testing.T) {
	f := newFixture(t)
	six := register(t, f, "gen", "900-214-08", 1_200_000, 6)
	one := register(t, f, "gen", "900-214-08", 20_000, 1)
	many := register(t, f, "gen", "900-041-49", 300_000, maxContainerLabels+50)
	c := client(t)
	signIn(t, f, c, f.tokens["gen"])
	for _, path := range []string{"/labels?id=" + six.ID + "&id=" + one.ID, "/wastes/" + six.ID + "/label"} {
		page := get(t, c, f.srv.URL+path)
		for i := 1; i <= 6; i++ {
			if want := fmt.Sprintf("容器 %d/6", i); strings.Count(page, want) != 1 {
				t.Errorf("%s: %q printed %d times, want once", path, want, strings.Count(page, want))
			}
		}
		want := 6
		if strings.HasPrefix(path, "/labels") {
			want = 7 // and the single drum, without a count
		}
		if n := strings.Count(page, `<article class="hwlabel`); n != want {
			t.Errorf("%s: %d labels, want %d", path, n, want)
		}
		if strings.Contains(page, "容器 1/1") {
			t.Errorf("%s: a single container is numbered", path)
		}
	}
	page := get(t, c, f.srv.URL+"/labels?id="+many.ID)
	if n := strings.Count(page, `<article class="hwlabel`); n != maxContainerLabels {
		t.Errorf("a batch of %d containers: %d labels, want %d", many.Container.Count, n, maxContainerLabels)
	}
	if !strings.Contains(page, `id="label-cut"`) || !strings.Contains(page, fmt.Sprintf("共 %d 个容器", many.Container.Count)) {
		t.Error("a cut sheet does not say so")
	}
}
