package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/workday"
)

// generatorDef is one demo generator: name, street, kind (a key of
// profiles) and the first two characters of its credit code ("12" public
// institution, "52" private non-enterprise unit, "91" enterprise).
type generatorDef struct {
	Name, Street, Kind, Reg string
}

// generatorDefs are the district's demo generators: 45 parties over the 12
// streets. The names are invented; any likeness to a real unit is chance.
var generatorDefs = []generatorDef{
	// medical
	{"郑州管城中心医院", "东大街", "hospital", "12"},
	{"郑州东区仁济医院", "商都路", "hospital", "91"},
	{"郑州紫荆山南路中医院", "紫荆山南路", "hospital", "12"},
	{"郑州安康妇产医院", "城东路", "maternity", "91"},
	{"北下街社区卫生服务中心", "北下街", "chc", "12"},
	{"航海东路社区卫生服务中心", "航海东路", "chc", "12"},
	{"西大街惠民诊所", "西大街", "clinic", "52"},
	{"南关德仁堂中医诊所", "南关", "clinic", "52"},
	{"郑州康桥口腔门诊部", "二里岗", "dental", "91"},
	{"陇海马路同心诊所", "陇海马路", "clinic", "52"},
	{"十八里河卫生院", "十八里河", "clinic", "12"},
	{"南曹仁爱诊所", "南曹", "clinic", "52"},
	// auto repair
	{"郑州管城顺达汽车维修有限公司", "陇海马路", "auto", "91"},
	{"郑州恒通汽车服务有限公司", "商都路", "auto", "91"},
	{"郑州车之家汽车维修中心", "航海东路", "auto", "92"},
	{"郑州宏运汽修厂", "十八里河", "auto", "92"},
	{"郑州金盾汽车维修有限公司", "南曹", "auto", "91"},
	{"郑州路路通汽车快修店", "城东路", "auto", "92"},
	{"郑州东风汽车特约维修站", "商都路", "auto", "91"},
	{"郑州德众汽车销售服务有限公司", "航海东路", "auto", "91"},
	{"郑州安驰汽车维修有限公司", "二里岗", "auto", "91"},
	{"郑州驰骋汽车养护中心", "紫荆山南路", "auto", "92"},
	{"郑州鑫源汽修厂", "南曹", "auto", "92"},
	{"郑州速捷汽车服务有限公司", "东大街", "auto", "91"},
	// body and coating shops
	{"郑州城通客运车辆修理有限公司", "十八里河", "body", "91"},
	{"郑州亮丽汽车钣喷中心", "商都路", "body", "92"},
	{"郑州华美钣金喷漆有限公司", "南曹", "body", "91"},
	{"郑州恒彩涂装工程有限公司", "十八里河", "body", "91"},
	// printers
	{"郑州管城印务有限公司", "北下街", "printer", "91"},
	{"郑州彩虹丝网印刷厂", "西大街", "printer", "92"},
	{"郑州中原包装印刷有限公司", "南曹", "printer", "91"},
	{"郑州文华印刷有限公司", "二里岗", "printer", "91"},
	// laboratories
	{"郑州中测检测技术有限公司", "商都路", "lab", "91"},
	{"河南华检环境监测有限公司", "航海东路", "lab", "91"},
	{"管城回族区疾病预防控制中心", "东大街", "lab", "12"},
	{"管城回族区实验中学", "南关", "school", "12"},
	// others
	{"郑州精工机械制造有限公司", "十八里河", "machining", "91"},
	{"郑州金鼎精密机械有限公司", "南曹", "machining", "91"},
	{"郑州华亮表面处理有限公司", "十八里河", "plating", "91"},
	{"郑州公交管城停保场", "航海东路", "depot", "91"},
	{"郑州商都物流有限公司车队", "商都路", "depot", "91"},
	{"郑州百姓康大药房连锁有限公司管城配送中心", "城东路", "pharmacy", "91"},
	{"郑州丰收农资有限公司", "十八里河", "agri", "91"},
	{"郑州紫荆商业广场物业管理有限公司", "紫荆山南路", "property", "91"},
	{"郑州商城物业服务有限公司", "东大街", "property", "91"},
}

// vehicle is one of a carrier's trucks with its usual driver.
type vehicle struct {
	Plate, Driver string
}

// party is a demo party: what is registered, and what the seeding needs
// to know about it afterwards.
type party struct {
	In       ledger.PartyInput
	Role     ledger.Role
	Kind     string       // generator kind, "" for others
	Receiver receiverKind // for receivers
	Vehicles []vehicle    // for transporters
	Medical  bool         // a medical carrier
	ID       string
	P        ledger.Principal
	Token    string
	// Manager is the party's manager when the demo has people (filer).
	Manager ledger.Principal
}

// district is every demo party.
type district struct {
	Generators   []*party
	Transporters []*party // [0] medical, [1..] dangerous goods
	Receivers    [3]*party
	Inspector    *party
	// Collector and Remote (a receiver in Wuhan) are the cases' (cases.go).
	Collector *party
	Remote    *party
}

// all returns every party in registration order.
func (d *district) all() []*party {
	out := append([]*party(nil), d.Generators...)
	out = append(out, d.Transporters...)
	out = append(out, d.Receivers[:]...)
	out = append(out, d.Inspector)
	if d.Collector != nil {
		out = append(out, d.Collector, d.Remote)
	}
	return out
}

// newDistrict draws the demo parties. now dates the receivers' licences.
func newDistrict(r *rand.Rand, now time.Time) *district {
	d := &district{}
	for _, g := range generatorDefs {
		st := streetByName(g.Street)
		loc := near(r, st)
		phone := landline(r)
		if g.Reg == "52" || g.Reg == "92" {
			phone = mobile(r)
		}
		d.Generators = append(d.Generators, &party{Role: ledger.RoleGenerator, Kind: g.Kind, In: ledger.PartyInput{
			Name: g.Name, CreditCode: creditCode(r, g.Reg, "410104"), Roles: []ledger.Role{ledger.RoleGenerator},
			Street: st.Name, Address: address(r, st), Location: &loc,
			Contact: ledger.Contact{Name: personName(r), Phone: phone},
		}})
	}

	carriers := []struct {
		name, street string
		medical      bool
		trucks       int
	}{
		{"郑州康洁医疗废物收运有限公司", "南曹", true, 4},
		{"河南安运危险货物运输有限公司", "航海东路", false, 3},
		{"郑州顺通危险品物流有限公司", "十八里河", false, 3},
		{"郑州中原危货运输有限公司", "商都路", false, 2},
	}
	for _, c := range carriers {
		st := streetByName(c.street)
		loc := near(r, st)
		t := &party{Role: ledger.RoleTransporter, Medical: c.medical, In: ledger.PartyInput{
			Name: c.name, CreditCode: creditCode(r, "91", "410100"), Roles: []ledger.Role{ledger.RoleTransporter},
			Street: st.Name, Address: address(r, st), Location: &loc,
			Contact:         ledger.Contact{Name: personName(r), Phone: mobile(r)},
			TransportPermit: fmt.Sprintf("豫交运管许可郑字410100%06d号", r.IntN(1_000_000)),
			TransportScope:  slices.Clone(dangerousGoodsScope),
		}}
		if c.medical {
			t.In.TransportScope = []string{"HW01"} // medical waste only, in its own vehicles
		}
		for range c.trucks {
			t.Vehicles = append(t.Vehicles, vehicle{Plate: plate(r), Driver: personName(r)})
		}
		d.Transporters = append(d.Transporters, t)
	}

	sh := now.In(workday.Shanghai)
	licence := func(years, ago int, number string, codes, methods []string, capacity float64) *ledger.License {
		from := time.Date(sh.Year()-ago, sh.Month(), 1, 0, 0, 0, 0, workday.Shanghai).AddDate(0, -r.IntN(6), 0)
		to := from.AddDate(years, 0, -1)
		return &ledger.License{Number: number, Codes: codes, Methods: methods, CapacityTonnes: capacity,
			ValidFrom: from.Format(time.DateOnly), ValidTo: to.Format(time.DateOnly)}
	}
	receivers := []struct {
		kind         receiverKind
		name, street string
		lic          *ledger.License
	}{
		{toMedical, "郑州康源医疗废物集中处置有限公司", "南曹",
			licence(5, 2, fmt.Sprintf("豫环许可危废字〔%d〕%03d号", sh.Year()-2, 1+r.IntN(200)),
				[]string{"HW01"}, []string{"Y10", "Y11", "D10"}, 18250)},
		{toGeneral, "郑州绿源固废综合处置有限公司", "十八里河",
			licence(5, 2, fmt.Sprintf("豫环许可危废字〔%d〕%03d号", sh.Year()-2, 1+r.IntN(200)),
				[]string{"HW03", "HW04", "HW06", "HW08", "HW09", "HW12", "HW17", "HW29", "HW34", "HW35", "HW49"},
				[]string{"D10", "D1", "D9", "C1"}, 30000)},
		{toOil, "河南润泽废矿物油再生利用有限公司", "航海东路",
			licence(5, 3, fmt.Sprintf("豫环许可危废字〔%d〕%03d号", sh.Year()-3, 1+r.IntN(200)),
				[]string{"HW08", "HW09"}, []string{"R9", "R2"}, 20000)},
	}
	for i, rc := range receivers {
		st := streetByName(rc.street)
		loc := near(r, st)
		d.Receivers[i] = &party{Role: ledger.RoleReceiver, Receiver: rc.kind, In: ledger.PartyInput{
			Name: rc.name, CreditCode: creditCode(r, "91", "410100"), Roles: []ledger.Role{ledger.RoleReceiver},
			Street: st.Name, Address: address(r, st), Location: &loc,
			Contact: ledger.Contact{Name: personName(r), Phone: landline(r)}, License: rc.lic,
		}}
	}

	st := streetByName("东大街")
	loc := near(r, st)
	d.Inspector = &party{Role: ledger.RoleInspector, In: ledger.PartyInput{
		Name: "管城回族区生态环境分局执法监察大队", CreditCode: creditCode(r, "11", "410104"),
		Roles: []ledger.Role{ledger.RoleInspector}, Street: st.Name, Address: address(r, st), Location: &loc,
		Contact: ledger.Contact{Name: personName(r), Phone: landline(r)},
	}}
	return d
}

// dangerousGoodsScope is what the demo's dangerous-goods carriers' permits
// cover: the categories the district's enterprises generate, not medical
// waste.
var dangerousGoodsScope = []string{"HW03", "HW04", "HW06", "HW08", "HW09", "HW12", "HW17", "HW29", "HW31", "HW34", "HW35",
	"HW49", "HW50"}

// register records every party and issues each a token, as admin. Parties
// are registered one by one so that the ledger order is deterministic.
func (d *district) register(ctx context.Context, s *ledger.Service, admin ledger.Principal) error {
	for _, p := range d.all() {
		got, err := s.RegisterParty(ctx, admin, p.In)
		if err != nil {
			return fmt.Errorf("demo: register %s: %w", p.In.Name, err)
		}
		p.ID = got.ID
		if _, p.Token, err = s.CreateToken(ctx, admin, p.ID, ledger.TokenInput{}); err != nil {
			return fmt.Errorf("demo: token for %s: %w", p.In.Name, err)
		}
		if p.P, err = s.Authenticate(p.Token); err != nil {
			return fmt.Errorf("demo: token for %s does not authenticate: %w", p.In.Name, err)
		}
	}
	return nil
}

// receiver returns the receiver of the given kind.
func (d *district) receiver(k receiverKind) *party { return d.Receivers[k] }
