package ledger

import (
	"strconv"
	"time"

	"github.com/hwledger/hwledger/ledger/workday"
)

// The columns of the 台账's tables B.1–B.5 and of the declaration tables
// C.1–C.3, in the standard's order with its headings: what the CSV and
// XLSX exports write. A cell is a string, or a number (float64, int) that
// a spreadsheet keeps as a number.

// Column is one column of an exported table.
type Column[R any] struct {
	Heading string
	Cell    func(n int, r *R) any // n: the row's number (序号), from 1
}

// Headings lists the columns' headings.
func Headings[R any](cols []Column[R]) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Heading
	}
	return out
}

// BookTitles are the tables' titles, by record type (the English one
// names the XLSX sheet).
var BookTitles = map[string]Text{
	BookGeneration: {"表B.1 危险废物产生环节记录表", "B.1 Generation"},
	BookStorageIn:  {"表B.2 危险废物入库环节记录表", "B.2 Storage in"},
	BookStorageOut: {"表B.3 危险废物出库环节记录表", "B.3 Storage out"},
	BookOwnUse:     {"表B.4 危险废物自行利用/处置环节记录表", "B.4 Own use"},
	BookOutsourced: {"表B.5 危险废物委外利用/处置环节记录表", "B.5 Outsourced"},
}

func bookTime(t time.Time) string { return t.In(workday.Shanghai).Format("2006-01-02 15:04") }

func bookTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return bookTime(*t)
}

type bookCol = Column[BookRow]

var (
	colSeq       = bookCol{"序号", func(n int, _ *BookRow) any { return n }}
	colTradeName = bookCol{"危险废物名称（行业俗称/单位内部名称）", func(_ int, r *BookRow) any { return r.TradeName }}
	colName      = bookCol{"危险废物名称（国家危险废物名录名称）", func(_ int, r *BookRow) any { return r.Name }}
	colCategory  = bookCol{"危险废物类别", func(_ int, r *BookRow) any { return r.Category }}
	colCode      = bookCol{"危险废物代码", func(_ int, r *BookRow) any { return r.Code }}
	colUnit      = bookCol{"计量单位", func(int, *BookRow) any { return "t" }}
	colPack      = bookCol{"容器/包装编码", func(_ int, r *BookRow) any { return r.Label }}
	colPackType  = bookCol{"容器/包装类型", func(_ int, r *BookRow) any { return r.Container.Type }}
	colPackCount = bookCol{"容器/包装数量", func(_ int, r *BookRow) any { return r.Container.Count }}
	colCode6     = func(h string) bookCol { return bookCol{h, func(_ int, r *BookRow) any { return r.RecordCode }} }
	colTime      = func(h string) bookCol { return bookCol{h, func(_ int, r *BookRow) any { return bookTime(r.Time) }} }
	colQty       = func(h string) bookCol {
		return bookCol{h, func(_ int, r *BookRow) any { return r.QuantityKg.Tonnes() }}
	}
	colText = func(h string, f func(r *BookRow) string) bookCol {
		return bookCol{h, func(_ int, r *BookRow) any { return f(r) }}
	}
)

// BookColumns are the columns of record's table (B.1–B.5).
var BookColumns = map[string][]Column[BookRow]{
	BookGeneration: {colSeq, colCode6("产生批次编码"), colTime("产生时间"), colTradeName, colName, colCategory, colCode,
		colQty("产生量"), colUnit, colPack, colPackType, colPackCount,
		colText("产生危险废物设施编码", func(r *BookRow) string { return r.Facility }),
		colText("产生部门经办人", func(r *BookRow) string { return r.Person }),
		colText("去向", func(r *BookRow) string { return r.Destination })},
	BookStorageIn: {colSeq, colCode6("入库批次编码"), colTime("入库时间"), colPack, colPackType, colPackCount, colTradeName, colName,
		colCategory, colCode, colQty("入库量"), colUnit,
		colText("贮存设施编码", func(r *BookRow) string { return r.Facility }),
		colText("贮存设施类型", func(r *BookRow) string { return r.FacilityType }),
		colText("运送部门经办人", func(r *BookRow) string { return r.Carrier }),
		colText("贮存部门经办人", func(r *BookRow) string { return r.Person }),
		colText("产生批次编码", func(r *BookRow) string { return r.SourceCode })},
	BookStorageOut: {colSeq, colCode6("出库批次编码"), colTime("出库时间"), colPack, colPackType, colPackCount, colTradeName, colName,
		colCategory, colCode, colQty("出库量"), colUnit,
		colText("贮存设施编码", func(r *BookRow) string { return r.Facility }),
		colText("贮存设施类型", func(r *BookRow) string { return r.FacilityType }),
		colText("出库部门经办人", func(r *BookRow) string { return r.Person }),
		colText("运送部门经办人", func(r *BookRow) string { return r.Carrier }),
		colText("入库批次编码", func(r *BookRow) string { return r.SourceCode }),
		colText("去向", func(r *BookRow) string { return r.Destination })},
	BookOwnUse: {colSeq, colCode6("自行利用/处置批次编码"), colTime("自行利用/处置时间"), colPack, colPackType, colPackCount, colTradeName,
		colName, colCategory, colCode, colQty("自行利用/处置量"), colUnit,
		colText("自行利用/处置设施编码", func(r *BookRow) string { return r.Facility }),
		colText("自行利用/处置方式", func(r *BookRow) string { return r.Method }),
		colText("自行利用/处置完毕时间", func(r *BookRow) string { return bookTimePtr(r.FinishedAt) }),
		colText("自行利用/处置部门经办人", func(r *BookRow) string { return r.Person }),
		colText("产生批次编码/出库批次编码", func(r *BookRow) string { return r.SourceCode })},
	BookOutsourced: {colSeq, colCode6("委外利用/处置批次编码"), colTime("出厂时间"), colPack, colPackType, colPackCount, colTradeName,
		colName, colCategory, colCode, colQty("委外利用/处置量"), colUnit,
		colText("利用/处置方式", func(r *BookRow) string { return r.Method }),
		colText("接收单位类型", func(r *BookRow) string { return r.ReceiverType }),
		colText("危险废物经营许可证持有单位（单位名称）", func(r *BookRow) string { return r.ReceiverName }),
		colText("危险废物经营许可证持有单位（许可证编码）", func(r *BookRow) string { return r.LicenseNumber }),
		colText("危险废物利用处置环节豁免管理单位（单位名称）", func(*BookRow) string { return "" }),
		colText("中华人民共和国境外的危险废物利用处置单位（单位名称）", func(*BookRow) string { return "" }),
		colText("中华人民共和国境外的危险废物利用处置单位（出口核准通知单编号）", func(*BookRow) string { return "" }),
		colText("产生批次编码/出库批次编码", func(r *BookRow) string { return r.SourceCode })},
}

// DeclarationLine is one line of a declaration table: a waste row with at
// most one own-use and one outsourced entry (a row with several receivers
// or methods takes several lines, the waste's columns on the first).
type DeclarationLine struct {
	Row   *DeclarationRow
	First bool
	Use   *DeclarationUse
	Out   *DeclarationOutsourced
}

// Lines splits figures into the lines of the table.
func (f *DeclarationFigures) Lines() []DeclarationLine {
	var out []DeclarationLine
	for i := range f.Rows {
		r := &f.Rows[i]
		n := max(1, len(r.OwnUse), len(r.Outsourced))
		for j := 0; j < n; j++ {
			l := DeclarationLine{Row: r, First: j == 0}
			if j < len(r.OwnUse) {
				l.Use = &r.OwnUse[j]
			}
			if j < len(r.Outsourced) {
				l.Out = &r.Outsourced[j]
			}
			out = append(out, l)
		}
	}
	return out
}

func num(v *float64) any {
	if v == nil {
		return ""
	}
	return *v
}

func first(f func(r *DeclarationRow) any) func(int, *DeclarationLine) any {
	return func(_ int, l *DeclarationLine) any {
		if !l.First {
			return ""
		}
		return f(l.Row)
	}
}

// DeclarationColumns are the columns of tables C.1–C.3 (the same for each;
// the storage headings name the period: 月, 季度, 年).
func DeclarationColumns(kind string) []Column[DeclarationLine] {
	unit := map[string]string{PeriodMonth: "月", PeriodQuarter: "季度", PeriodYear: "年"}[kind]
	prev := map[string]string{PeriodMonth: "上月底", PeriodQuarter: "上季度底", PeriodYear: "上年底"}[kind]
	t := func(int, *DeclarationLine) any { return "t" }
	return []Column[DeclarationLine]{
		{"序号", func(n int, _ *DeclarationLine) any { return n }},
		{"危险废物名称（行业俗称/单位内部名称）", first(func(r *DeclarationRow) any { return r.TradeName })},
		{"危险废物名称（国家危险废物名录名称）", first(func(r *DeclarationRow) any { return r.Name })},
		{"危险废物类别", first(func(r *DeclarationRow) any { return r.Category })},
		{"危险废物代码", first(func(r *DeclarationRow) any { return r.Code })},
		{"有害成分名称", first(func(r *DeclarationRow) any { return r.HarmfulComponents })},
		{"形态", first(func(r *DeclarationRow) any { return r.Form })},
		{"危险特性", first(func(r *DeclarationRow) any { return r.Hazards })},
		{"产生量", first(func(r *DeclarationRow) any { return num(r.GeneratedT) })},
		{"计量单位", t},
		{"自行利用/处置方式", func(_ int, l *DeclarationLine) any {
			return useField(l.Use, func(u *DeclarationUse) any { return u.Method })
		}},
		{"自行利用/处置量", func(_ int, l *DeclarationLine) any {
			return useField(l.Use, func(u *DeclarationUse) any { return num(u.QuantityT) })
		}},
		{"计量单位", t},
		{"省（区、市）", func(_ int, l *DeclarationLine) any {
			return outField(l.Out, func(o *DeclarationOutsourced) any { return o.Province })
		}},
		{"单位名称", func(_ int, l *DeclarationLine) any {
			return outField(l.Out, func(o *DeclarationOutsourced) any { return o.ReceiverName })
		}},
		{"危险废物经营许可证编号/利用处置环节豁免管理单位编号/出口核准通知单编号", func(_ int, l *DeclarationLine) any {
			return outField(l.Out, func(o *DeclarationOutsourced) any { return o.LicenseNumber })
		}},
		{"利用/处置方式", func(_ int, l *DeclarationLine) any {
			return outField(l.Out, func(o *DeclarationOutsourced) any { return o.Method })
		}},
		{"利用/处置量", func(_ int, l *DeclarationLine) any {
			return outField(l.Out, func(o *DeclarationOutsourced) any { return num(o.QuantityT) })
		}},
		{"计量单位", t},
		{prev + "剩余贮存量", first(func(r *DeclarationRow) any { return num(r.OpeningT) })},
		{"计量单位", t},
		{"本" + unit + "拒收退回量", first(func(r *DeclarationRow) any { return num(r.ReturnedT) })},
		{"本" + unit + "底剩余贮存量", first(func(r *DeclarationRow) any { return num(r.ClosingT) })},
		{"计量单位", t},
	}
}

func useField(u *DeclarationUse, f func(*DeclarationUse) any) any {
	if u == nil {
		return ""
	}
	return f(u)
}

func outField(o *DeclarationOutsourced, f func(*DeclarationOutsourced) any) any {
	if o == nil {
		return ""
	}
	return f(o)
}

// CellText is a cell as CSV text: numbers as Go writes them shortest.
func CellText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}
