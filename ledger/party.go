package ledger

import (
	"cmp"
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/catalog"
	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/hwledger/hwledger/ledger/workday"
)

// PartyInput registers a party (POST /parties).
type PartyInput struct {
	Name            string    `json:"name" validate:"required,text=200"`
	CreditCode      string    `json:"credit_code" validate:"text=18"`
	Roles           []Role    `json:"roles" validate:"min=1,unique,roles,dive,text=20"`
	Street          string    `json:"street" validate:"text=100"`
	Address         string    `json:"address" validate:"text=500"`
	Location        *Location `json:"location"`
	Contact         Contact   `json:"contact"`
	TransportPermit string    `json:"transport_permit" validate:"text=100"`
	// TransportScope is what the transport permit covers: categories
	// ("HW01") and/or single codes, as a licence names them.
	TransportScope []string `json:"transport_scope" validate:"max=100,dive,text=10"`
	License        *License `json:"license"`
	// Province and City are the 2-digit parts of its administrative
	// division code (郑州: 41, 01); default the district's.
	Province string `json:"province" validate:"text=2"`
	City     string `json:"city" validate:"text=2"`
}

func applyPartyRegistered(s proj.Store, e *chain.Event, d *PartyRegisteredData) error {
	p := Party{ID: d.ID, Name: d.Name, CreditCode: d.CreditCode, Roles: d.Roles, Street: d.Street, Address: d.Address,
		Location: (*Location)(d.Location), Contact: Contact(d.Contact), TransportPermit: d.TransportPermit,
		TransportScope: d.TransportScope, License: licenseOf(d.License), Province: d.Province, City: d.City, CreatedAt: e.RecordedAt}
	if err := setJSON(s, proj.PartyKey(p.ID), &p); err != nil {
		return err
	}
	if err := s.Set(proj.CreditKey(p.CreditCode), []byte(p.ID)); err != nil {
		return err
	}
	if err := s.Set(proj.SummaryKey(p.ID), proj.EncodeSummary(summaryOf(d))); err != nil {
		return err
	}
	for _, r := range p.Roles {
		if err := s.Set(proj.RoleKey(string(r), p.ID), []byte(p.ID)); err != nil {
			return err
		}
	}
	return nil
}

// applyLicenseRenewed puts the licence in force into the history.
func applyLicenseRenewed(s proj.Store, e *chain.Event, d *LicenseRenewedData) error {
	p, err := loadParty(s, e.Subject)
	if err != nil {
		return err
	}
	if p.License != nil {
		p.LicenseHistory = append(p.LicenseHistory, *p.License)
	}
	p.License = licenseOf(&d.LicenseData)
	return setJSON(s, proj.PartyKey(p.ID), p)
}

// licenseData is l as event data (nil for nil).
func licenseData(l *License) *LicenseData {
	if l == nil {
		return nil
	}
	d := LicenseData(*l)
	return &d
}

// licenseOf is the licence event data d records (nil for nil).
func licenseOf(d *LicenseData) *License {
	if d == nil {
		return nil
	}
	l := License(*d)
	return &l
}

// RegisterParty registers a party (admin only).
func (s *Service) RegisterParty(ctx context.Context, p Principal, in PartyInput) (*Party, error) {
	p, err := p.actAs(RoleAdmin, "only an admin registers parties")
	if err != nil {
		return nil, err
	}
	if err := s.validateParty(&in); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Party, error) {
		if _, ok, err := c.tx.Get(proj.CreditKey(in.CreditCode)); err != nil {
			return nil, err
		} else if ok {
			return nil, invalid("credit_code", Text{"统一社会信用代码 %s 已登记", "a party with credit code %s is already registered"}, in.CreditCode)
		}
		d := PartyRegisteredData{ID: c.s.newID(), Name: in.Name, CreditCode: in.CreditCode, Roles: in.Roles,
			Street: in.Street, Address: in.Address, Location: (*LocationData)(in.Location), Contact: ContactData(in.Contact),
			TransportPermit: in.TransportPermit, TransportScope: in.TransportScope, License: licenseData(in.License),
			Province: cmp.Or(in.Province, c.s.prov), City: cmp.Or(in.City, c.s.city)}
		if _, err := c.emit(EvPartyRegistered, d.ID, time.Time{}, d); err != nil {
			return nil, err
		}
		party, err := loadParty(c.tx, d.ID)
		if err != nil {
			return nil, err
		}
		return withClass(c.tx, party, c.now)
	})
}

func (s *Service) validateParty(in *PartyInput) error {
	f := fieldErrors{}
	in.Name = strings.TrimSpace(in.Name)
	in.CreditCode = strings.ToUpper(strings.TrimSpace(in.CreditCode))
	in.Street, in.Address = strings.TrimSpace(in.Street), strings.TrimSpace(in.Address)
	if in.License != nil {
		in.License.Number = strings.TrimSpace(in.License.Number)
	}
	checkTags(f, in)
	regionProblem(f, in)
	if err := ident.ValidateCreditCode(in.CreditCode); err != nil {
		f.put("credit_code", creditProblem(err))
	}
	seen := map[Role]bool{}
	for _, r := range in.Roles {
		seen[r] = true
	}
	if seen[RoleTransporter] && strings.TrimSpace(in.TransportPermit) == "" {
		f.add("transport_permit", Text{"运输单位必须有道路危险货物运输许可证", "is required for a transporter"})
	}
	if len(in.TransportScope) > 0 && !seen[RoleTransporter] {
		f.add("transport_scope", Text{"只有运输单位的运输许可证有经营范围", "only a transporter's permit has a scope"})
	}
	normalizeCodes(f, "transport_scope", in.TransportScope)
	switch {
	case seen[RoleReceiver] && seen[RoleCollector]:
		f.add("roles", Text{"一个单位是接收单位或收集单位，不能兼有：综合经营许可证已包括收集", "a party is a receiver or a collector, not both: a comprehensive licence includes collecting"})
	case seen[RoleReceiver] || seen[RoleCollector]:
		if in.License == nil {
			f.add("license", Text{"接收单位和收集单位必须有危险废物经营许可证", "is required for a receiver or collector"})
			break
		}
		checkLicense(f, "license", in.License)
		if collects := in.License.Kind == LicenseCollection; collects != seen[RoleCollector] {
			f.add("license.kind", Text{"收集单位持收集经营许可证（collection），接收单位持综合经营许可证", "a collector holds a collection licence (kind collection), a receiver a comprehensive one"})
		}
	case in.License != nil:
		f.add("license", Text{"只有接收单位和收集单位持有经营许可证", "only a receiver or collector holds a licence"})
	}
	return f.err()
}

// checkLicense normalises a licence's codes and methods and checks them
// against the catalogue and each other (its tags are checked with the
// struct that holds it).
func checkLicense(f fieldErrors, field string, l *License) {
	switch l.Kind {
	case LicenseComprehensive:
		l.Kind = "" // the default is stored as no kind
	case "", LicenseCollection:
	default:
		f.add(field+".kind", Text{"应为以下之一：%s", "must be one of %s"}, strings.Join(LicenseKinds, ", "))
	}
	if l.Methods == nil {
		l.Methods = []string{}
	}
	if len(l.Methods) == 0 && l.Kind != LicenseCollection {
		f.add(field+".methods", Text{"至少列出一种利用处置方式（收集经营许可证除外）", "must list at least one (but for a collection licence)"})
	}
	normalizeCodes(f, field+".codes", l.Codes)
	for i, m := range l.Methods {
		mm, ok := catalog.MethodByCode(m)
		if !ok {
			f.add(fmt.Sprintf("%s.methods[%d]", field, i), Text{"没有利用处置方式 %q", "unknown method %q"}, m)
			continue
		}
		l.Methods[i] = mm.Code
	}
	from, err1 := time.Parse(time.DateOnly, l.ValidFrom)
	to, err2 := time.Parse(time.DateOnly, l.ValidTo)
	if err1 == nil && err2 == nil && to.Before(from) {
		f.add(field+".valid_to", Text{"有效期止不能早于有效期起", "must not be before valid_from"})
	}
	if err1 == nil && err2 == nil && l.Kind == LicenseCollection && to.After(from.AddDate(3, 0, 0)) {
		f.add(field+".valid_to", Text{"收集经营许可证有效期最长 3 年", "a collection licence is valid for at most 3 years"})
	}
}

// normalizeCodes normalises a list of categories and codes (a licence's,
// a transport permit's scope) in place, naming each that is neither
// field[i].
func normalizeCodes(f fieldErrors, field string, codes []string) {
	for i, c := range codes {
		c = strings.ToUpper(strings.TrimSpace(c))
		if catalog.IsCategoryID(c) {
			codes[i] = c
			continue
		}
		n, err := catalog.Normalize(c)
		if err != nil {
			f.add(fmt.Sprintf("%s[%d]", field, i), Text{"%q 既不是类别 HW01–HW50，也不是 900-041-49 这样的废物代码", "%q is neither a category HW01–HW50 nor a code like 900-041-49"}, c)
			continue
		}
		codes[i] = n
	}
}

// scopeProblem says why carrier's transport permit does not cover code, in
// both languages, or is the zero Text. A permit without a recorded scope
// covers every code.
func scopeProblem(carrier *Party, code string) Text {
	if len(carrier.TransportScope) == 0 || codeIn(carrier.TransportScope, code) {
		return Text{}
	}
	return Text{"运输单位 %s 的运输许可范围（%s）不包括 %s", "the transport permit of %s covers %s, not %s"}.
		format(carrier.Name, strings.Join(carrier.TransportScope, ", "), code)
}

// Transports reports whether the party's transport permit covers code
// (its category or the code itself); a permit without a recorded scope
// covers every code. CreateManifest refuses a carrier that does not.
func (p *Party) Transports(code string) bool { return scopeProblem(p, code) == Text{} }

// codeIn reports whether list names code or its category.
func codeIn(list []string, code string) bool {
	cat := catalog.CategoryOf(code)
	for _, c := range list {
		if c == code || c == cat {
			return true
		}
	}
	return false
}

// RenewLicense records a receiver's new licence; the old one stays in the
// history (admin only).
func (s *Service) RenewLicense(ctx context.Context, p Principal, partyID string, lic License) (*Party, error) {
	p, err := p.actAs(RoleAdmin, "only an admin records licences")
	if err != nil {
		return nil, err
	}
	f := fieldErrors{}
	lic.Number = strings.TrimSpace(lic.Number)
	checkTagsAt(f, "license", &lic)
	checkLicense(f, "license", &lic)
	if err := f.err(); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Party, error) {
		party, err := loadParty(c.tx, partyID)
		if err != nil {
			return nil, err
		}
		if !party.HasRole(RoleReceiver) && !party.HasRole(RoleCollector) {
			return nil, ruleErr(Text{"%s 不是接收单位或收集单位：只有它们持有经营许可证", "party %s is not a receiver or collector: only they hold licences"}, party.Name)
		}
		if (lic.Kind == LicenseCollection) != party.HasRole(RoleCollector) {
			return nil, invalid("license.kind", Text{"收集单位持收集经营许可证（collection），接收单位持综合经营许可证", "a collector holds a collection licence (kind collection), a receiver a comprehensive one"})
		}
		if _, err := c.emit(EvLicenseRenewed, party.ID, time.Time{}, LicenseRenewedData{*licenseData(&lic)}); err != nil {
			return nil, err
		}
		return loadParty(c.tx, partyID)
	})
}

// Party returns a party by id. Every authenticated party may read parties.
func (s *Service) Party(ctx context.Context, id string) (*Party, error) {
	var out *Party
	now := s.Now()
	err := s.view(func(r *proj.Snapshot) error {
		p, err := loadParty(r, id)
		if err != nil {
			return err
		}
		out, err = withClass(r, p, now)
		return err
	})
	return out, err
}

// PartyFilter selects parties. With Code set, only receivers whose licence
// covers Code and is valid today; with Role transporter and Code set, only
// carriers whose transport permit's scope covers Code (or records none).
type PartyFilter struct {
	Role   Role
	Code   string
	Street string
}

// Parties lists parties matching f, by name.
func (s *Service) Parties(ctx context.Context, f PartyFilter) ([]*Party, error) {
	if f.Code != "" {
		if _, err := s.codeOrCategory(f.Code); err != nil {
			return nil, err
		}
	}
	today := s.Now()
	var out []*Party
	err := s.view(func(r *proj.Snapshot) error {
		return proj.EachParty(r, string(f.Role), func(id string) error {
			p, err := loadParty(r, id)
			if err != nil {
				return err
			}
			if f.Street != "" && p.Street != f.Street {
				return nil
			}
			if f.Code != "" && f.Role == RoleTransporter {
				if scopeProblem(p, f.Code) != (Text{}) {
					return nil
				}
			} else if f.Code != "" && (p.License == nil || licenseProblem(p.License, f.Code, today) != Text{}) {
				return nil
			}
			if p, err = withClass(r, p, today); err != nil {
				return err
			}
			out = append(out, p)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// codeOrCategory accepts "HW08" or a waste code and returns it normalised.
func (s *Service) codeOrCategory(c string) (string, error) {
	c = strings.ToUpper(strings.TrimSpace(c))
	if catalog.IsCategoryID(c) {
		return c, nil
	}
	code, err := s.cat.Lookup(c)
	if err != nil {
		return "", invalid("code", codeProblem(err, c))
	}
	return code.Code, nil
}

// licenseProblem says why lic does not allow taking code on day, in both
// languages, or is the zero Text.
func licenseProblem(lic *License, code string, day time.Time) Text {
	d := day.In(workday.Shanghai).Format(time.DateOnly)
	if d < lic.ValidFrom || d > lic.ValidTo {
		return Text{"经营许可证 %s 的有效期为 %s 至 %s，%s 不在有效期内", "licence %s is valid %s to %s, not on %s"}.
			format(lic.Number, lic.ValidFrom, lic.ValidTo, d)
	}
	if licenseCovers(lic, code) {
		return Text{}
	}
	for _, c := range medicalAlsoTo[code] {
		if licenseCovers(lic, c) {
			return Text{}
		}
	}
	return Text{"经营许可证 %s 不包括 %s", "licence %s does not cover %s"}.format(lic.Number, code)
}

// licenseCovers reports whether lic names code, or its category.
func licenseCovers(lic *License, code string) bool {
	cat := catalog.CategoryOf(code)
	if catalog.IsCategoryID(code) {
		cat = code
	}
	for _, c := range lic.Codes {
		if c == code || c == cat {
			return true
		}
	}
	return false
}

// medicalAlsoTo lists the medical waste codes that may also go to
// facilities licensed for other categories: chemical and pharmaceutical
// medical waste may be treated as HW03 (discarded medicines) or HW49
// waste (医疗废物分类目录 2021).
var medicalAlsoTo = map[string][]string{
	"841-004-01": {"HW03", "HW49"},
	"841-005-01": {"HW03", "HW49"},
}

// licenseAllowsMethod reports whether the licence lists method.
func licenseAllowsMethod(lic *License, method string) bool {
	for _, m := range lic.Methods {
		if m == method {
			return true
		}
	}
	return false
}

// MethodAllowed reports whether a receiver holding lic may treat batch w
// with method: its licence lists the method, and medical waste is treated
// only with a Y-code or D10, unless it is chemical or pharmaceutical
// medical waste taken under the licence's HW03 or HW49 cover, which is
// treated as that waste.
func MethodAllowed(lic *License, w *Waste, method string) bool {
	if lic == nil || !licenseAllowsMethod(lic, method) {
		return false
	}
	if !w.Medical || catalog.MedicalMethodAllowed(method) {
		return true
	}
	return len(medicalAlsoTo[w.Code]) > 0 && !licenseCovers(lic, w.Code)
}

// summaryOf is the summary of the party d registers (proj.SummaryKey):
// what a registration needs of its generator, three strings rather than a
// whole party. Credit code, name and street never change after
// registration.
func summaryOf(d *PartyRegisteredData) proj.Summary {
	return proj.Summary{ID: d.ID, CreditCode: d.CreditCode, Name: d.Name, Street: d.Street}
}

// summary returns a generator's summary from the in-memory cache of
// committed parties, else from the store as tx sees it. Summaries never
// change, and the cache holds only parties whose registration is durable
// (filled at open and after each commit), so it is never wrong.
func (c *cmd) summary(id string) (proj.Summary, error) {
	if v, ok := c.s.summaries.Load(id); ok {
		return v.(proj.Summary), nil
	}
	sum, ok, err := proj.LoadSummary(c.tx, id)
	if err == nil && !ok {
		err = notFound("party", id)
	}
	return sum, err
}

// cacheSummaries loads every committed party's summary (at open).
func (s *Service) cacheSummaries() error {
	return s.view(func(r *proj.Snapshot) error {
		return proj.EachSummary(r, func(p proj.Summary) error {
			s.summaries.Store(p.ID, p)
			return nil
		})
	})
}
