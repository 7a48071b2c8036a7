package ledger

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/hwledger/hwledger/ledger/workday"
)

// Cross-province transfers (办法 Art 21–28): a transfer to a receiver in
// another province needs the approval of the province of origin, valid
// for at most 12 months, for the codes and the quantity it names. An
// inspector registers the approval (approval.registered); a manifest
// names it by number, authority and expiry, and is refused unless the
// approval is the generator's to that receiver, valid on the day of
// filing and of the planned pickup, covers every code and still has
// room for the manifest's quantity (what the manifests filed under it
// declare, cancelled ones not counted).

// Approval is a province's approval of a cross-province transfer.
type Approval struct {
	ID        string   `json:"id"`
	Number    string   `json:"number"`
	Authority string   `json:"authority"`
	Generator string   `json:"generator"`
	Receiver  string   `json:"receiver"`
	Codes     []string `json:"codes"`
	QuantityT float64  `json:"quantity_t"`
	ValidFrom string   `json:"valid_from"`
	ValidTo   string   `json:"valid_to"`
	// Used is what the manifests filed under it declared at filing, less
	// what a partial pickup left behind (cancelled ones not counted);
	// Manifests are their ids, oldest first.
	Used         Grams     `json:"used_kg"`
	Manifests    []string  `json:"manifests"`
	RegisteredAt time.Time `json:"registered_at"`
	RegisteredBy string    `json:"registered_by"`
	EventIndex   uint64    `json:"event_index"`
}

// ApprovalInput registers an approval (POST /approvals). Codes are
// categories ("HW08") and/or single codes; dates are YYYY-MM-DD,
// inclusive, in Asia/Shanghai.
type ApprovalInput struct {
	Number     string     `json:"number" validate:"required,text=100"`
	Authority  string     `json:"authority" validate:"required,text=200"`
	Generator  string     `json:"generator" validate:"required,text=64"`
	Receiver   string     `json:"receiver" validate:"required,text=64"`
	Codes      []string   `json:"codes" validate:"min=1,max=100,dive,text=20"`
	QuantityT  float64    `json:"quantity_t" validate:"gt=0,lte=10000000"`
	ValidFrom  string     `json:"valid_from" validate:"text=10,datetime=2006-01-02"`
	ValidTo    string     `json:"valid_to" validate:"text=10,datetime=2006-01-02"`
	OccurredAt *time.Time `json:"occurred_at"`
}

// ApprovalRef is how a manifest names its approval.
type ApprovalRef struct {
	Number    string `json:"number" validate:"required,text=100"`
	Authority string `json:"authority" validate:"required,text=200"`
	ValidTo   string `json:"valid_to" validate:"text=10,datetime=2006-01-02"`
}

// ApprovalRegisteredData is the data of approval.registered.
type ApprovalRegisteredData struct {
	ID        string   `json:"id"`
	Number    string   `json:"number"`
	Authority string   `json:"authority"`
	Generator string   `json:"generator"`
	Receiver  string   `json:"receiver"`
	Codes     []string `json:"codes"`
	QuantityT float64  `json:"quantity_t"`
	ValidFrom string   `json:"valid_from"`
	ValidTo   string   `json:"valid_to"`
}

// ApprovalRefData is a manifest's approval in event data.
type ApprovalRefData struct {
	Number    string `json:"number"`
	Authority string `json:"authority"`
	ValidTo   string `json:"valid_to"`
}

// ApprovalMonths is how long an approval may be valid (办法 Art 24).
const ApprovalMonths = 12

func applyApprovalRegistered(s proj.Store, e *chain.Event, d *ApprovalRegisteredData) error {
	a := Approval{ID: d.ID, Number: d.Number, Authority: d.Authority, Generator: d.Generator, Receiver: d.Receiver,
		Codes: d.Codes, QuantityT: d.QuantityT, ValidFrom: d.ValidFrom, ValidTo: d.ValidTo, Manifests: []string{},
		RegisteredAt: e.RecordedAt, RegisteredBy: e.Actor.Party, EventIndex: e.Index}
	if err := setJSON(s, proj.ApprovalKey(a.ID), &a); err != nil {
		return err
	}
	return s.Set(proj.ApprovalNoKey(a.Number), []byte(a.ID))
}

// useApproval counts manifest m's quantity (delta: +Total at filing,
// −Total at cancelling) against the approval it names.
func useApproval(s proj.Store, m *Manifest, delta Grams) error {
	if m.Approval == nil {
		return nil
	}
	a, err := loadApprovalByNumber(s, m.Approval.Number)
	if err != nil {
		return err
	}
	a.Used += delta
	if delta > 0 {
		a.Manifests = append(a.Manifests, m.ID)
	}
	return setJSON(s, proj.ApprovalKey(a.ID), a)
}

func loadApproval(s proj.Store, id string) (*Approval, error) {
	var a Approval
	ok, err := getJSON(s, proj.ApprovalKey(id), &a)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("approval", id)
	}
	return &a, nil
}

func loadApprovalByNumber(s proj.Store, number string) (*Approval, error) {
	id, ok, err := s.Get(proj.ApprovalNoKey(number))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("approval", number)
	}
	return loadApproval(s, string(id))
}

// regionCode is a province or city code: 2 digits.
var regionCode = regexp.MustCompile(`^[0-9]{2}$`)

// provinceOf is party p's province: its own, else the district's.
func (s *Service) provinceOf(p *Party) string {
	if p.Province != "" {
		return p.Province
	}
	return s.prov
}

// RegisterApproval records a province's approval of cross-province
// transfers from a generator to a receiver in another province
// (inspector only).
func (s *Service) RegisterApproval(ctx context.Context, p Principal, in ApprovalInput) (*Approval, error) {
	p, err := p.actAs(RoleInspector, "only an inspector registers cross-province approvals")
	if err != nil {
		return nil, err
	}
	in.Number, in.Authority = strings.TrimSpace(in.Number), strings.TrimSpace(in.Authority)
	f := fieldErrors{}
	checkTags(f, &in)
	normalizeCodes(f, "codes", in.Codes)
	from, err1 := time.Parse(time.DateOnly, in.ValidFrom)
	to, err2 := time.Parse(time.DateOnly, in.ValidTo)
	if err1 == nil && err2 == nil {
		if to.Before(from) {
			f.add("valid_to", Text{"有效期止不能早于有效期起", "must not be before valid_from"})
		} else if !to.Before(from.AddDate(0, ApprovalMonths, 0)) {
			f.add("valid_to", Text{"跨省转移审批有效期最长 %d 个月", "an approval is valid for at most %d months"}, ApprovalMonths)
		}
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Approval, error) {
		if _, ok, err := c.tx.Get(proj.ApprovalNoKey(in.Number)); err != nil {
			return nil, err
		} else if ok {
			return nil, invalid("number", Text{"审批编号 %s 已登记", "approval %s is already registered"}, in.Number)
		}
		gen, err := loadParty(c.tx, in.Generator)
		if err != nil || !(gen.HasRole(RoleGenerator) || gen.HasRole(RoleCollector) || gen.HasRole(RoleReceiver)) {
			return nil, invalid("generator", Text{"没有移出单位 %s（产废单位、收集单位，或改送拒收废物的接收单位）", "no consignor %s (a generator, a collector, or a receiver redirecting refused waste)"}, in.Generator)
		}
		recv, err := loadParty(c.tx, in.Receiver)
		if err != nil || !recv.Receives() {
			return nil, invalid("receiver", Text{"没有持证接收单位 %s", "no licensed receiver %s"}, in.Receiver)
		}
		if c.s.provinceOf(gen) == c.s.provinceOf(recv) {
			return nil, ruleErr(Text{"%s 与 %s 同在省份 %s：跨省转移审批只用于送往其他省份", "%s and %s are both in province %s: an approval is for a transfer to another province"},
				gen.Name, recv.Name, c.s.provinceOf(gen))
		}
		d := ApprovalRegisteredData{ID: c.s.newID(), Number: in.Number, Authority: in.Authority, Generator: gen.ID, Receiver: recv.ID,
			Codes: in.Codes, QuantityT: in.QuantityT, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo}
		occurred, err := c.occurred(in.OccurredAt, time.Time{})
		if err != nil {
			return nil, err
		}
		if _, err := c.emit(EvApprovalRegistered, d.ID, occurred, d); err != nil {
			return nil, err
		}
		return loadApproval(c.tx, d.ID)
	})
}

// Approvals lists the approvals p may see, oldest first: every one for an
// inspector or admin, else those naming p's party.
func (s *Service) Approvals(ctx context.Context, p Principal) ([]*Approval, error) {
	out := []*Approval{}
	err := s.view(func(r *proj.Snapshot) error {
		return proj.EachApproval(r, func(b []byte) error {
			var a Approval
			if err := json.Unmarshal(b, &a); err != nil {
				return err
			}
			if p.SeesAll() || a.Generator == p.Party || a.Receiver == p.Party {
				out = append(out, &a)
			}
			return nil
		})
	})
	slices.SortFunc(out, func(a, b *Approval) int { return int(a.EventIndex) - int(b.EventIndex) })
	return out, err
}

// approvalProblem says why a manifest of kind from consignor to recv of
// the batches ws, totalling total, filed on filed and planned for
// planned, may not go under ref (or without one, to another province);
// nil when it may. A return takes refused waste back to where it came
// from and needs none.
func (c *cmd) approvalProblem(kind string, ref *ApprovalRef, consignor, recv *Party, ws []*Waste, total Grams, filed, planned time.Time) error {
	from, to := c.s.provinceOf(consignor), c.s.provinceOf(recv)
	if kind == ManifestReturn && ref == nil {
		return nil
	}
	refuse := func(t Text, args ...any) error {
		e := ruleErr(Text{"approval：" + t.Zh, "approval: " + t.En}, args...)
		e.Details = map[string]any{"field": "approval", "rule": "cross_province_approval"}
		return e
	}
	if ref == nil {
		if from == to {
			return nil
		}
		return refuse(Text{"接收单位 %s 在省份 %s，移出单位在省份 %s：跨省转移须经移出地省级生态环境部门批准（办法第二十一至二十八条），应填写审批编号、批准机关和有效期",
			"the receiver %s is in province %s and the consignor in %s: a transfer to another province needs the approval of the province of origin (Measures Art 21–28)"},
			recv.Name, to, from)
	}
	a, err := loadApprovalByNumber(c.tx, ref.Number)
	if err != nil {
		return refuse(Text{"没有登记编号为 %s 的跨省转移审批", "no approval numbered %s is registered"}, ref.Number)
	}
	if a.Authority != ref.Authority || a.ValidTo != ref.ValidTo {
		return refuse(Text{"审批 %s 登记的批准机关为 %s、有效期至 %s，与所填不符", "approval %s was registered as given by %s and valid to %s, not as given here"},
			a.Number, a.Authority, a.ValidTo)
	}
	if a.Generator != consignor.ID || a.Receiver != recv.ID {
		return refuse(Text{"审批 %s 不是批准本单位向 %s 转移的", "approval %s is not for transfers from this consignor to %s"}, a.Number, recv.Name)
	}
	for _, t := range []time.Time{filed, planned} {
		d := t.In(workday.Shanghai).Format(time.DateOnly)
		if d < a.ValidFrom || d > a.ValidTo {
			return refuse(Text{"审批 %s 的有效期为 %s 至 %s，%s 不在有效期内", "approval %s is valid %s to %s, not on %s"}, a.Number, a.ValidFrom, a.ValidTo, d)
		}
	}
	for _, w := range ws {
		if !codeIn(a.Codes, w.Code) {
			return refuse(Text{"审批 %s 不包括废物代码 %s", "approval %s does not cover code %s"}, a.Number, w.Code)
		}
	}
	if allowed := KgToGrams(a.QuantityT * 1000); a.Used+total > allowed {
		return refuse(Text{"审批 %s 批准转移 %g 吨，已填联单 %.3f 吨，本联单 %.3f 吨，超出批准数量", "approval %s covers %g t: manifests under it already declare %.3f t, this one %.3f t"},
			a.Number, a.QuantityT, a.Used.Tonnes(), total.Tonnes())
	}
	return nil
}

// checkApprovalRef checks the shape of a manifest's approval.
func checkApprovalRef(f fieldErrors, ref *ApprovalRef) {
	if ref == nil {
		return
	}
	ref.Number, ref.Authority, ref.ValidTo = strings.TrimSpace(ref.Number), strings.TrimSpace(ref.Authority), strings.TrimSpace(ref.ValidTo)
	for field, v := range map[string]string{"approval.number": ref.Number, "approval.authority": ref.Authority, "approval.valid_to": ref.ValidTo} {
		if v == "" {
			f.add(field, Text{"必填", "is required"})
		}
	}
}

// regionProblem checks a party's province and city codes.
func regionProblem(f fieldErrors, in *PartyInput) {
	for _, x := range []struct {
		field string
		v     *string
	}{{"province", &in.Province}, {"city", &in.City}} {
		*x.v = strings.TrimSpace(*x.v)
		if *x.v != "" && !regionCode.MatchString(*x.v) {
			f.add(x.field, Text{"应为 2 位数字（行政区划代码的一段，如郑州为省 41、市 01）", "must be 2 digits (that part of the administrative division code, e.g. 41 and 01 for Zhengzhou)"})
		}
	}
}

// RegionInput changes a party's province and city codes (PUT
// /parties/{id}/region).
type RegionInput struct {
	Province   string     `json:"province" validate:"required,text=2"`
	City       string     `json:"city" validate:"required,text=2"`
	OccurredAt *time.Time `json:"occurred_at"`
}

// RegionSetData is the data of party.region_set: the party's province
// and city codes from then on.
type RegionSetData struct {
	Province string `json:"province"`
	City     string `json:"city"`
}

func applyRegionSet(s proj.Store, e *chain.Event, d *RegionSetData) error {
	p, err := loadParty(s, e.Subject)
	if err != nil {
		return err
	}
	p.Province, p.City = d.Province, d.City
	return setJSON(s, proj.PartyKey(p.ID), p)
}

// SetRegion records a party's province and city codes (admin only): for
// a party registered in the wrong place, or before they were recorded.
// Manifests already filed keep the approval they were filed under.
func (s *Service) SetRegion(ctx context.Context, p Principal, partyID string, in RegionInput) (*Party, error) {
	p, err := p.actAs(RoleAdmin, "only an admin changes a party's region")
	if err != nil {
		return nil, err
	}
	f := fieldErrors{}
	checkTags(f, &in)
	pin := PartyInput{Province: in.Province, City: in.City}
	regionProblem(f, &pin)
	if err := f.err(); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Party, error) {
		if _, err := loadParty(c.tx, partyID); err != nil {
			return nil, err
		}
		occurred, err := c.occurred(in.OccurredAt, time.Time{})
		if err != nil {
			return nil, err
		}
		if _, err := c.emit(EvRegionSet, partyID, occurred, RegionSetData{Province: pin.Province, City: pin.City}); err != nil {
			return nil, err
		}
		party, err := loadParty(c.tx, partyID)
		if err != nil {
			return nil, err
		}
		return withClass(c.tx, party, c.now)
	})
}

// correctionApprovalProblem refuses a correction of manifest m, which
// goes under a cross-province approval, that would take it outside the
// approval: a code it does not cover, or a declared quantity past what it
// has room for.
func (c *cmd) correctionApprovalProblem(m *Manifest, changes CorrectionChangesData) error {
	if m.Approval == nil {
		return nil
	}
	a, err := loadApprovalByNumber(c.tx, m.Approval.Number)
	if err != nil {
		return err
	}
	refuse := func(t Text, args ...any) error {
		e := ruleErr(Text{"approval：" + t.Zh, "approval: " + t.En}, args...)
		e.Details = map[string]any{"field": "approval", "rule": "cross_province_approval"}
		return e
	}
	total := m.Total
	for _, l := range changes.Lines {
		if l.Code != nil && !codeIn(a.Codes, *l.Code) {
			return refuse(Text{"联单 %s 按审批 %s 转移，审批不包括废物代码 %s", "manifest %s goes under approval %s, which does not cover code %s"}, m.Number, a.Number, *l.Code)
		}
		if l.Quantity != nil {
			w, err := loadWaste(c.tx, l.WasteID)
			if err != nil {
				return err
			}
			total += *l.Quantity - w.Quantity
		}
	}
	if allowed := KgToGrams(a.QuantityT * 1000); total > m.Total && a.Used-m.Total+total > allowed {
		return refuse(Text{"联单 %s 按审批 %s 转移，审批批准 %g 吨，更正后将超出", "manifest %s goes under approval %s, which covers %g t: the corrected quantity passes it"}, m.Number, a.Number, a.QuantityT)
	}
	return nil
}
