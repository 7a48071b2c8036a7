package web

import (
	"context"
	"math"
	"slices"

	"github.com/hwledger/hwledger/ledger"
)

// A container count that does not fit the quantity is asked about before
// the batch is registered: 61 drums where 1,200 kg suggests 6 is most
// likely a slip of the finger. The person confirms the count (the form's
// count_confirmed holds the count confirmed) or corrects it.

// countFactor is how far a count may be from the expected one before the
// form asks: three times more or fewer, and at least countSlack apart.
const (
	countFactor = 3
	countSlack  = 3
	// minGramsPerContainer: fewer grams in each container is asked about
	// whatever the history (a batch of 2 kg in 61 containers).
	minGramsPerContainer = 100
)

// expectedCount is the count that quantity suggests: from the party's
// earlier batches of the same code in the same kind of container (the
// median weight per container), else from the container's volume at 1 kg
// a litre; 0 when nothing suggests a count.
func (h *Handler) expectedCount(ctx context.Context, p ledger.Principal, in ledger.WasteInput) (int, error) {
	list, err := h.svc.Wastes(ctx, p, ledger.WasteFilter{Party: p.Party, Code: in.Code}, ledger.Page{Limit: 50})
	if err != nil {
		return 0, err
	}
	var per []float64
	for _, x := range list.Items {
		if x.Generator == p.Party && x.Container.Type == in.Container.Type && x.Container.Count > 0 && x.Quantity > 0 {
			per = append(per, float64(x.Quantity)/float64(x.Container.Count))
		}
	}
	var each float64
	switch {
	case len(per) > 0:
		slices.Sort(per)
		each = per[len(per)/2]
	case in.Container.VolumeL > 0:
		each = in.Container.VolumeL * 1000 // grams at 1 kg a litre
	default:
		return 0, nil
	}
	return max(1, int(math.Round(float64(in.Quantity)/each))), nil
}

// countQuestion is the question to ask about in's container count, in
// lang, or "" when the count fits its quantity.
func (h *Handler) countQuestion(ctx context.Context, p ledger.Principal, lang string, in ledger.WasteInput) (string, error) {
	n := in.Container.Count
	if n <= 0 || in.Quantity <= 0 {
		return "", nil // the ledger's own rules answer these
	}
	if float64(in.Quantity)/float64(n) < minGramsPerContainer {
		return translatef(lang, "reg.count.tiny", n, kgString(in.Quantity)), nil
	}
	want, err := h.expectedCount(ctx, p, in)
	if err != nil || want == 0 {
		return "", err
	}
	if (n >= countFactor*want || want >= countFactor*n) && abs(n-want) >= countSlack {
		return translatef(lang, "reg.count.ask", n, in.Container.Type, kgString(in.Quantity), want), nil
	}
	return "", nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
