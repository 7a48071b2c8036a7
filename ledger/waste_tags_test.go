package ledger

import (
	"strings"
	"testing"
	"time"
)

// TestWasteTagsHoldAgreesWithTheTags: for valid registrations and for each
// way of breaking one tag, the hand check and the validator agree (the hand
// check may only say "holds" when the validator finds nothing).
func TestWasteTagsHoldAgreesWithTheTags(t *testing.T) {
	valid := func() WasteInput {
		return WasteInput{Code: "900-041-49", Name: "废包装桶", MainComponents: "矿物油", Form: FormSolid,
			Hazards: []string{"T", "In"}, Quantity: Grams(12_500), Container: Container{Type: "铁桶", Count: 2, VolumeL: 200},
			GeneratedAt: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC), Storage: "危废暂存间"}
	}
	cases := map[string]func(*WasteInput){
		"valid": func(*WasteInput) {},
		"defaults left empty": func(in *WasteInput) {
			in.Name, in.MainComponents, in.Hazards, in.Storage, in.Code = "", "", nil, "", ""
		},
		"longest texts":           func(in *WasteInput) { in.Name, in.Storage = strings.Repeat("名", 500), strings.Repeat("a", 200) },
		"code too long":           func(in *WasteInput) { in.Code = strings.Repeat("9", 21) },
		"name too long":           func(in *WasteInput) { in.Name = strings.Repeat("名", 501) },
		"name ascii too long":     func(in *WasteInput) { in.Name = strings.Repeat("n", 501) },
		"components too long":     func(in *WasteInput) { in.MainComponents = strings.Repeat("油", 501) },
		"control character":       func(in *WasteInput) { in.Storage = "间\x07" },
		"line break":              func(in *WasteInput) { in.Name = "a\nb" },
		"bidi":                    func(in *WasteInput) { in.MainComponents = "油\u202e" },
		"invalid utf-8":           func(in *WasteInput) { in.Code = "\xff" },
		"del":                     func(in *WasteInput) { in.Code = "9\x7f" },
		"unknown form":            func(in *WasteInput) { in.Form = "powder" },
		"empty form":              func(in *WasteInput) { in.Form = "" },
		"hazard too long":         func(in *WasteInput) { in.Hazards = []string{"T", strings.Repeat("T", 11)} },
		"hazard control":          func(in *WasteInput) { in.Hazards = []string{"\x00"} },
		"zero quantity":           func(in *WasteInput) { in.Quantity = 0 },
		"negative quantity":       func(in *WasteInput) { in.Quantity = -1 },
		"largest quantity":        func(in *WasteInput) { in.Quantity = Grams(100_000_000) },
		"quantity too large":      func(in *WasteInput) { in.Quantity = Grams(100_000_001) },
		"no container type":       func(in *WasteInput) { in.Container.Type = "" },
		"container type too long": func(in *WasteInput) { in.Container.Type = strings.Repeat("桶", 101) },
		"no containers":           func(in *WasteInput) { in.Container.Count = 0 },
		"most containers":         func(in *WasteInput) { in.Container.Count = 10000 },
		"too many containers":     func(in *WasteInput) { in.Container.Count = 10001 },
		"negative volume":         func(in *WasteInput) { in.Container.VolumeL = -1 },
		"volume too large":        func(in *WasteInput) { in.Container.VolumeL = 100001 },
		"no generated_at":         func(in *WasteInput) { in.GeneratedAt = time.Time{} },
		"storage too long":        func(in *WasteInput) { in.Storage = strings.Repeat("间", 201) },
		"identification": func(in *WasteInput) {
			in.Identification = &Identification{ReportNumber: "R1", IssuedBy: "检测所", IssuedAt: in.GeneratedAt}
		},
	}
	for name, mutate := range cases {
		in := valid()
		mutate(&in)
		f := fieldErrors{}
		checkTags(f, &in)
		tagsHold := f.err() == nil
		if got := wasteTagsHold(&in); got != tagsHold && (got || in.Identification == nil) {
			t.Errorf("%s: wasteTagsHold = %v, the validator finds %v", name, got, f.err())
		}
	}
}
