package ledger

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// DGClasses are the dangerous-goods classes and divisions of GB 6944-2012
// a manifest line may name.
var DGClasses = []string{"1", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2", "2.1", "2.2", "2.3", "3",
	"4.1", "4.2", "4.3", "5.1", "5.2", "6.1", "6.2", "7", "8", "9"}

// unNumber is a UN number as GB 12268 lists it: UN and four digits.
var unNumber = regexp.MustCompile(`^UN[0-9]{4}$`)

// checkManifestLines normalises and checks what a manifest declares of
// its batches: each line names a batch of waste_ids once, a class of
// GB 6944 and a UN number, both or neither.
func checkManifestLines(f fieldErrors, in *ManifestInput) {
	in.EmergencyMeasures = strings.TrimSpace(in.EmergencyMeasures)
	if pp := in.Paper; pp != nil {
		pp.Number, pp.EnteredReason = strings.TrimSpace(pp.Number), strings.TrimSpace(pp.EnteredReason)
		for field, v := range map[string]string{"paper.number": pp.Number, "paper.entered_reason": pp.EnteredReason} {
			if v == "" {
				f.add(field, Text{"必填", "is required"})
			}
		}
		if in.OccurredAt == nil || in.OccurredAt.IsZero() {
			f.add("occurred_at", Text{"补录纸质联单时必须填写纸质联单的填写时间", "is required with paper: when the paper manifest was filled in"})
		}
	}
	seen := map[string]bool{}
	for i := range in.DangerousGoods {
		l := &in.DangerousGoods[i]
		field := fmt.Sprintf("dangerous_goods[%d]", i)
		l.WasteID = strings.TrimSpace(l.WasteID)
		l.DGClass = strings.TrimSpace(l.DGClass)
		l.UNNumber = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(l.UNNumber), " ", ""))
		switch {
		case l.WasteID == "":
			f.add(field+".waste_id", Text{"必填", "is required"})
		case !slices.Contains(in.WasteIDs, l.WasteID):
			f.add(field+".waste_id", Text{"应为 waste_ids 中的一个批次", "must be one of waste_ids"})
		case seen[l.WasteID]:
			f.add(field+".waste_id", Text{"每个批次只能有一行", "must name each batch once"})
		}
		seen[l.WasteID] = true
		if l.DGClass != "" && !slices.Contains(DGClasses, l.DGClass) {
			f.add(field+".dg_class", Text{"应为 GB 6944 的危险货物类别或项别，如 3、6.1、8、9", "must be a class or division of GB 6944, such as 3, 6.1, 8 or 9"})
		}
		if l.UNNumber != "" && !unNumber.MatchString(l.UNNumber) {
			f.add(field+".un_number", Text{"应为 UN 加 4 位数字，如 UN1203", "must be UN and 4 digits, such as UN1203"})
		}
		switch {
		case l.DGClass == "" && l.UNNumber != "":
			f.add(field+".dg_class", Text{"填写联合国编号时必须填写危险货物类别", "is required with un_number"})
		case l.DGClass != "" && l.UNNumber == "":
			f.add(field+".un_number", Text{"填写危险货物类别时必须填写联合国编号", "is required with dg_class"})
		}
	}
}

// dangerousGoods is what in's dangerous_goods lines declare, as event data, in the order
// of the lines (nil when none declares anything).
func dangerousGoods(in *ManifestInput) []DangerousGoodsData {
	var out []DangerousGoodsData
	for _, l := range in.DangerousGoods {
		if l.DGClass != "" || l.UNNumber != "" {
			out = append(out, DangerousGoodsData(l))
		}
	}
	return out
}

// paperRefusal refuses a paper manifest number already entered: a paper
// manifest is entered once.
func paperRefusal(s proj.Store, number string) error {
	if _, ok, err := s.Get(proj.PaperNoKey(number)); err != nil {
		return err
	} else if ok {
		e := ruleErr(Text{"paper.number：纸质联单 %s 已补录过，不能再次录入", "paper.number: paper manifest %s has already been entered"}, number)
		e.Details = map[string]any{"field": "paper.number", "rule": "paper_number_unique"}
		return e
	}
	return nil
}

// checkPaperLate raises paper_late when the pickup of manifest m, entered
// from paper, that happened at pickedUp is recorded now, later than the
// paper entry limit (10 working days) after it.
func (c *cmd) checkPaperLate(m *Manifest, pickedUp time.Time) error {
	if m.Paper == nil {
		return nil
	}
	due := c.s.cal.AddWorkdays(pickedUp, c.s.rules.PaperEntryWorkdays)
	if c.now.Before(due) {
		return nil
	}
	street := ""
	if gen, _ := loadParty(c.tx, m.Generator); gen != nil {
		street = gen.Street
	}
	return c.raise(Alert{Kind: AlertPaperLate, Subject: m.ID, Party: m.Generator,
		Parties: append([]string{m.Generator, m.Receiver}, m.Carriers...), Street: street, DueAt: &due},
		alertFacts{m: m, workdays: c.s.rules.PaperEntryWorkdays})
}
