package ledger

// wasteTagsHold reports whether in certainly keeps every `validate` tag of
// WasteInput (and of the Container it holds), checked by hand: registration
// is the command sent most, and the validator's reflection was a tenth of
// its time. It never decides a failure: when it reports false (a broken
// rule, or an identification report, which it leaves to the validator),
// checkTags runs and states the problems, so the tags stay the one
// definition of the rules and of their messages.
// TestWasteTagsHoldAgreesWithTheTags holds the two together.
func wasteTagsHold(in *WasteInput) bool {
	kg := in.Quantity.Kg()
	c := &in.Container
	return in.Identification == nil &&
		textHolds(in.Code, 20) && textHolds(in.Name, 500) && textHolds(in.MainComponents, 500) &&
		contains(WasteForms, in.Form) && textHolds(in.Form, 20) &&
		hazardsHold(in.Hazards) &&
		kg > 0 && kg <= 100000 &&
		c.Type != "" && textHolds(c.Type, 100) && c.Count >= 1 && c.Count <= 10000 &&
		c.VolumeL >= 0 && c.VolumeL <= 100000 &&
		!in.GeneratedAt.IsZero() &&
		textHolds(in.Storage, 200)
}

func hazardsHold(hz []string) bool {
	for _, h := range hz {
		if !textHolds(h, 10) {
			return false
		}
	}
	return true
}

// textHolds reports whether s keeps the tag text=max: printable ASCII is
// checked byte by byte, anything else by textProblem.
func textHolds(s string, max int) bool {
	if len(s) > max {
		return textProblem(s, textRule{max: max}) == Text{}
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return textProblem(s, textRule{max: max}) == Text{}
		}
	}
	return true
}
