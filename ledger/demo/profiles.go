package demo

import "strings"

// receiverKind names one of the three demo receivers.
type receiverKind int

const (
	toMedical receiverKind = iota // medical waste disposal centre
	toGeneral                     // general incineration and landfill facility
	toOil                         // used-oil recycler
)

// stream is one kind of waste a generator produces: its code, how it is
// packed and how much, and how likely a collection includes it.
type stream struct {
	Code      string
	Name      string // "" means the catalogue name
	Form      string
	Container string
	MinKg     float64
	MaxKg     float64
	MinCount  int
	MaxCount  int
	Prob      float64 // chance per collection of at least one batch
	Max       int     // most batches per collection (default 1)
	Storage   string
}

// medical reports whether the stream is medical waste (HW01).
func (s stream) medical() bool { return strings.HasSuffix(s.Code, "-01") }

// route is a generator's regular collection to one receiver: how often the
// carrier comes and what it takes.
type route struct {
	To       receiverKind
	Interval float64 // days between collections
	Jitter   float64 // ± days
	Streams  []stream
}

// profile is what a kind of generator produces and how it is collected.
type profile struct {
	Kind    string
	Medical bool
	Routes  []route
}

// Storage places.
const (
	medStore  = "医疗废物暂存间"
	hwStore   = "危险废物贮存库"
	oilStore  = "废油暂存间"
	labStore  = "实验室危废暂存柜"
	pharStore = "不合格药品暂存区"
)

var (
	infectious = func(minKg, maxKg float64, maxCount, max int) stream {
		return stream{Code: "841-001-01", Name: "感染性废物（使用后的一次性医疗用品、敷料）", Form: "solid", Container: "医疗废物周转箱",
			MinKg: minKg, MaxKg: maxKg, MinCount: 1, MaxCount: maxCount, Prob: 1, Max: max, Storage: medStore}
	}
	sharps = func(p, maxKg float64) stream {
		return stream{Code: "841-002-01", Name: "损伤性废物（针头、刀片、玻璃安瓿）", Form: "solid", Container: "利器盒",
			MinKg: 1, MaxKg: maxKg, MinCount: 1, MaxCount: 4, Prob: p, Storage: medStore}
	}
	pathological = func(p float64) stream {
		return stream{Code: "841-003-01", Name: "病理性废物（手术及病理切除组织）", Form: "solid", Container: "医疗废物周转箱",
			MinKg: 2, MaxKg: 15, MinCount: 1, MaxCount: 2, Prob: p, Storage: medStore}
	}
	medChemical = func(p float64) stream {
		return stream{Code: "841-004-01", Name: "化学性废物（废弃化学试剂、消毒剂）", Form: "liquid", Container: "塑料桶",
			MinKg: 1, MaxKg: 10, MinCount: 1, MaxCount: 2, Prob: p, Storage: medStore}
	}
	medPharma = func(p float64) stream {
		return stream{Code: "841-005-01", Name: "药物性废物（过期药品、细胞毒性药物）", Form: "solid", Container: "医疗废物周转箱",
			MinKg: 1, MaxKg: 8, MinCount: 1, MaxCount: 1, Prob: p, Storage: medStore}
	}
	packaging = func(p, minKg, maxKg float64) stream {
		return stream{Code: "900-041-49", Name: "废油漆桶、沾染危险废物的抹布手套等", Form: "solid", Container: "吨袋",
			MinKg: minKg, MaxKg: maxKg, MinCount: 1, MaxCount: 2, Prob: p, Storage: hwStore}
	}
	engineOil = func(p, minKg, maxKg float64, maxDrums int) stream {
		return stream{Code: "900-214-08", Name: "废机油", Form: "liquid", Container: "200L铁桶",
			MinKg: minKg, MaxKg: maxKg, MinCount: 1, MaxCount: maxDrums, Prob: p, Storage: oilStore}
	}
	oilyFilters = func(p float64) stream {
		return stream{Code: "900-249-08", Name: "废机油滤芯及含油废包装物", Form: "solid", Container: "编织袋",
			MinKg: 15, MaxKg: 90, MinCount: 1, MaxCount: 3, Prob: p, Storage: oilStore}
	}
	activatedCarbon = func(p float64) stream {
		return stream{Code: "900-039-49", Name: "废活性炭（VOCs治理设施）", Form: "solid", Container: "吨袋",
			MinKg: 100, MaxKg: 600, MinCount: 1, MaxCount: 2, Prob: p, Storage: hwStore}
	}
	solvent = func(p float64) stream {
		return stream{Code: "900-404-06", Name: "废稀释剂、清洗剂", Form: "liquid", Container: "200L铁桶",
			MinKg: 20, MaxKg: 160, MinCount: 1, MaxCount: 1, Prob: p, Storage: hwStore}
	}
	labWaste = func(minKg, maxKg float64, max int) stream {
		return stream{Code: "900-047-49", Name: "实验室废液及沾染试剂的一次性实验用品", Form: "liquid", Container: "25L塑料桶",
			MinKg: minKg, MaxKg: maxKg, MinCount: 1, MaxCount: 4, Prob: 1, Max: max, Storage: labStore}
	}
	wasteAcid = func(p, minKg, maxKg float64) stream {
		return stream{Code: "900-349-34", Name: "废酸液", Form: "liquid", Container: "塑料吨桶",
			MinKg: minKg, MaxKg: maxKg, MinCount: 1, MaxCount: 2, Prob: p, Storage: hwStore}
	}
	wasteAlkali = func(p, minKg, maxKg float64) stream {
		return stream{Code: "900-399-35", Name: "废碱液", Form: "liquid", Container: "塑料吨桶",
			MinKg: minKg, MaxKg: maxKg, MinCount: 1, MaxCount: 2, Prob: p, Storage: hwStore}
	}
)

// profiles by generator kind.
var profiles = map[string]*profile{
	"hospital": {Kind: "hospital", Medical: true, Routes: []route{
		{To: toMedical, Interval: 2, Streams: []stream{infectious(20, 90, 8, 1), sharps(0.8, 12), pathological(0.12), medChemical(0.08), medPharma(0.1)}},
		{To: toGeneral, Interval: 90, Jitter: 10, Streams: []stream{labWaste(10, 60, 2), packaging(0.5, 10, 40),
			{Code: "900-023-29", Name: "废含汞荧光灯管", Form: "solid", Container: "纸箱", MinKg: 5, MaxKg: 30, MinCount: 1, MaxCount: 3, Prob: 0.3, Storage: hwStore}}},
	}},
	"maternity": {Kind: "maternity", Medical: true, Routes: []route{
		{To: toMedical, Interval: 2, Streams: []stream{infectious(8, 35, 4, 1), sharps(0.6, 6), pathological(0.3), medPharma(0.05)}},
	}},
	"chc": {Kind: "chc", Medical: true, Routes: []route{
		{To: toMedical, Interval: 3, Streams: []stream{infectious(4, 20, 3, 1), sharps(0.55, 5), medPharma(0.08)}},
	}},
	"clinic": {Kind: "clinic", Medical: true, Routes: []route{
		{To: toMedical, Interval: 5, Jitter: 1, Streams: []stream{infectious(1.5, 8, 1, 1), sharps(0.3, 2)}},
	}},
	"dental": {Kind: "dental", Medical: true, Routes: []route{
		{To: toMedical, Interval: 5, Jitter: 1, Streams: []stream{infectious(1.5, 7, 1, 1), sharps(0.35, 2), medChemical(0.1)}},
	}},
	"auto": {Kind: "auto", Routes: []route{
		{To: toOil, Interval: 60, Jitter: 15, Streams: []stream{engineOil(1, 150, 700, 4), oilyFilters(0.8)}},
		{To: toGeneral, Interval: 120, Jitter: 20, Streams: []stream{packaging(1, 20, 150)}},
	}},
	"body": {Kind: "body", Routes: []route{
		{To: toGeneral, Interval: 30, Jitter: 6, Streams: []stream{
			{Code: "900-252-12", Name: "废漆渣、废油漆", Form: "semi_solid", Container: "200L铁桶", MinKg: 50, MaxKg: 320, MinCount: 1, MaxCount: 3, Prob: 1, Max: 2, Storage: hwStore},
			packaging(0.7, 20, 120), activatedCarbon(0.35), solvent(0.25)}},
	}},
	"printer": {Kind: "printer", Routes: []route{
		{To: toGeneral, Interval: 60, Jitter: 10, Streams: []stream{
			{Code: "900-253-12", Name: "废油墨、废油墨桶及清洗废液", Form: "semi_solid", Container: "200L铁桶", MinKg: 30, MaxKg: 220, MinCount: 1, MaxCount: 2, Prob: 1, Storage: hwStore},
			packaging(0.8, 10, 80), solvent(0.3), activatedCarbon(0.3)}},
	}},
	"lab": {Kind: "lab", Routes: []route{
		{To: toGeneral, Interval: 60, Jitter: 10, Streams: []stream{labWaste(10, 90, 3), packaging(0.6, 5, 40), wasteAcid(0.2, 10, 60), wasteAlkali(0.1, 10, 40)}},
	}},
	"school": {Kind: "school", Routes: []route{
		{To: toGeneral, Interval: 120, Jitter: 20, Streams: []stream{labWaste(5, 30, 2),
			{Code: "900-999-49", Name: "过期危险化学品试剂", Form: "solid", Container: "纸箱", MinKg: 2, MaxKg: 20, MinCount: 1, MaxCount: 2, Prob: 0.3, Storage: labStore}}},
	}},
	"machining": {Kind: "machining", Routes: []route{
		{To: toOil, Interval: 50, Jitter: 10, Streams: []stream{
			{Code: "900-006-09", Name: "废切削液（乳化液）", Form: "liquid", Container: "塑料吨桶", MinKg: 300, MaxKg: 950, MinCount: 1, MaxCount: 2, Prob: 1, Storage: hwStore},
			oilyFilters(0.7), engineOil(0.5, 100, 400, 2)}},
	}},
	"plating": {Kind: "plating", Routes: []route{
		{To: toGeneral, Interval: 30, Jitter: 5, Streams: []stream{
			{Code: "336-064-17", Name: "废酸洗槽液及磷化污泥", Form: "semi_solid", Container: "塑料吨桶", MinKg: 400, MaxKg: 1800, MinCount: 1, MaxCount: 2, Prob: 1, Max: 2, Storage: hwStore},
			wasteAcid(0.5, 200, 800), wasteAlkali(0.3, 100, 500)}},
	}},
	"depot": {Kind: "depot", Routes: []route{
		{To: toOil, Interval: 45, Jitter: 8, Streams: []stream{engineOil(1, 400, 1300, 6), oilyFilters(0.9)}},
		{To: toGeneral, Interval: 90, Jitter: 15, Streams: []stream{packaging(1, 30, 200)}},
	}},
	"pharmacy": {Kind: "pharmacy", Routes: []route{
		{To: toGeneral, Interval: 90, Jitter: 15, Streams: []stream{
			{Code: "900-002-03", Name: "过期、变质药品", Form: "solid", Container: "纸箱", MinKg: 20, MaxKg: 150, MinCount: 2, MaxCount: 10, Prob: 1, Storage: pharStore}}},
	}},
	"agri": {Kind: "agri", Routes: []route{
		{To: toGeneral, Interval: 150, Jitter: 20, Streams: []stream{
			{Code: "900-003-04", Name: "过期农药及农药包装物", Form: "solid", Container: "纸箱", MinKg: 10, MaxKg: 80, MinCount: 1, MaxCount: 6, Prob: 1, Storage: hwStore},
			packaging(0.5, 5, 40)}},
	}},
	"property": {Kind: "property", Routes: []route{
		{To: toGeneral, Interval: 150, Jitter: 20, Streams: []stream{
			{Code: "900-023-29", Name: "废含汞荧光灯管", Form: "solid", Container: "纸箱", MinKg: 5, MaxKg: 40, MinCount: 1, MaxCount: 4, Prob: 1, Storage: hwStore},
			{Code: "900-044-49", Name: "废镉镍电池", Form: "solid", Container: "塑料箱", MinKg: 2, MaxKg: 15, MinCount: 1, MaxCount: 1, Prob: 0.3, Storage: hwStore}}},
	}},
}
