package manifestpdf

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/workday"
)

// Page geometry in millimetres (A4 portrait).
const (
	pageW, pageH = 210.0, 297.0
	margin       = 12.0
	bodyW        = pageW - 2*margin
	footerAt     = pageH - 10 // baseline area of the footer
	bottom       = pageH - 16 // content stops here
	qrSize       = 30.0
)

// fontName is the family the embedded font is registered under.
const fontName = "cjk"

// Render writes the PDF of s with font f embedded (the glyphs it uses).
// It lays the sheet out twice: first with a built-in font, only to learn
// which characters it prints, then with f cut down to those (subset.go).
func Render(s *Sheet, f *Font) ([]byte, error) {
	qr, err := qrBitmap(s.VerifyURL)
	if err != nil {
		return nil, err
	}
	dry := &writer{s: s, runes: map[rune]bool{}}
	if err := dry.layout(nil); err != nil {
		return nil, err
	}
	runes := make([]rune, 0, len(dry.runes)+95)
	for r := rune(0x20); r < 0x7F; r++ { // page numbers and the like
		runes = append(runes, r)
	}
	for r := range dry.runes {
		runes = append(runes, r)
	}
	w := &writer{s: s, qr: qr}
	if err := w.layout(f.sfnt.subset(runes)); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := w.pdf.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// layout lays the sheet out in a new document: with the TrueType font
// ttf, or with a built-in font when ttf is nil (the dry run).
func (w *writer) layout(ttf []byte) error {
	s := w.s
	pdf := fpdf.New("P", "mm", "A4", "")
	w.pdf, w.pagePart = pdf, map[int]int{}
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCreationDate(s.Printed)
	pdf.SetModificationDate(s.Printed)
	pdf.SetTitle("危险废物转移联单 "+s.Manifest.Number, true)
	pdf.SetSubject("hwledger manifest "+s.Manifest.ID, true)
	pdf.SetCreator("hwledger", true)
	pdf.SetLang("zh-CN")
	pdf.AliasNbPages("{nb}")
	if ttf != nil {
		pdf.AddUTF8FontFromBytes(fontName, "", ttf)
	}
	if pdf.Err() {
		return pdf.Error()
	}
	pdf.SetFooterFunc(w.footer)
	for i := range parts {
		w.part = i
		w.page()
		w.header()
		w.parties()
		w.batches()
		w.emergency()
		w.steps()
		w.signatures()
	}
	if pdf.Err() {
		return pdf.Error()
	}
	return nil
}

// setFont sets the font size in points.
func (w *writer) setFont(size float64) {
	if w.runes != nil {
		w.pdf.SetFont("Helvetica", "", size)
		return
	}
	w.pdf.SetFont(fontName, "", size)
}

// cell prints text in a cell (fpdf's CellFormat); the dry run notes its
// characters.
func (w *writer) cell(width, h float64, text, border string, ln int, align string, fill bool, link int, url string) {
	for _, r := range text {
		if w.runes != nil {
			w.runes[r] = true
		}
	}
	w.pdf.CellFormat(width, h, text, border, ln, align, fill, link, url)
}

// writer lays out one sheet.
type writer struct {
	pdf  *fpdf.Fpdf
	s    *Sheet
	part int // index into parts
	// runes, in the dry run, collects every character printed.
	runes map[rune]bool
	qr    [][]bool // the QR code of the verification URL; nil in the dry run
	// pagePart is the part of each page (by page number): fpdf draws a
	// page's footer when the next page starts, after part has moved on.
	pagePart map[int]int
}

// page starts a page.
func (w *writer) page() {
	w.pdf.AddPage()
	w.pagePart[w.pdf.PageNo()] = w.part
	w.setFont(9)
	w.pdf.SetTextColor(0, 0, 0)
}

// room starts a new page (repeating what the caller draws there) when h
// more millimetres do not fit.
func (w *writer) room(h float64, again func()) {
	if w.pdf.GetY()+h <= bottom {
		return
	}
	w.page()
	w.setFont(8)
	w.pdf.SetTextColor(90, 90, 90)
	w.cell(bodyW, 5, fmt.Sprintf("%s（续） · %s %s", w.s.Manifest.Number, parts[w.part].No, parts[w.part].Name), "", 1, "L", false, 0, "")
	w.pdf.SetTextColor(0, 0, 0)
	if again != nil {
		again()
	}
}

func (w *writer) footer() {
	p := w.pdf
	part := parts[w.pagePart[p.PageNo()]]
	p.SetXY(margin, footerAt)
	w.setFont(7)
	p.SetTextColor(90, 90, 90)
	w.cell(bodyW*0.7, 4, fmt.Sprintf("联单编号 %s · %s %s · 核验 %s", w.s.Manifest.Number, part.No, part.Name, w.s.VerifyURL), "", 0, "L", false, 0, "")
	w.cell(bodyW*0.3, 4, fmt.Sprintf("第 %d / {nb} 页 · 打印 %s", p.PageNo(), local(w.s.Printed)), "", 0, "R", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

// header draws the title, the part, the number and status and the QR code.
func (w *writer) header() {
	p, m := w.pdf, w.s.Manifest
	top := p.GetY()
	if w.qr != nil {
		drawQR(p, w.qr, pageW-margin-qrSize, top, qrSize)
	}
	w.setFont(7)
	p.SetXY(pageW-margin-qrSize, top+qrSize)
	w.cell(qrSize, 3.5, "扫码核验联单记录", "", 0, "C", false, 0, "")

	textW := bodyW - qrSize - 4
	p.SetXY(margin, top)
	w.setFont(17)
	w.cell(textW, 9, "危险废物转移联单", "", 1, "L", false, 0, "")
	w.setFont(11)
	w.cell(textW, 6, parts[w.part].No+" · "+parts[w.part].Name, "", 1, "L", false, 0, "")
	w.setFont(9)
	w.pairs(textW, [][2]string{
		{"联单编号", m.Number},
		{"状态", word(statusWords, m.Status)},
		{"计划转移时间", local(m.PlannedPickupAt)},
		{"填报时间", local(w.filedAt())},
		{"危险废物合计", kgText(m.Total) + " kg · " + fmt.Sprint(len(m.WasteIDs)) + " 批"},
	})
	if pe := w.s.Paper; pe != nil {
		p.SetTextColor(170, 20, 20)
		w.setFont(11)
		w.cell(textW, 6, "补录（据纸质联单录入）", "", 1, "L", false, 0, "")
		p.SetTextColor(0, 0, 0)
		w.setFont(9)
		w.pairs(textW, [][2]string{{"纸质联单编号", pe.Number}, {"补录原因", pe.Reason}})
	}
	if a := m.Approval; a != nil {
		w.pairs(textW, [][2]string{{"跨省转移审批", a.Number}, {"批准机关", a.Authority + " · 有效期至 " + a.ValidTo}})
	}
	if m.CancelReason != "" {
		w.pairs(textW, [][2]string{{"取消原因", m.CancelReason}})
	}
	if p.GetY() < top+qrSize+5 {
		p.SetY(top + qrSize + 5)
	}
}

// filedAt is when the manifest was filed: its first event's field time
// (a manifest entered later, from paper, keeps the paper's), else when
// the ledger recorded it.
func (w *writer) filedAt() time.Time {
	if st := w.s.Steps; len(st) > 0 && st[0].Type == ledger.EvManifestCreated {
		return st[0].At
	}
	return w.s.Manifest.CreatedAt
}

// section draws a section title bar.
func (w *writer) section(title string) {
	p := w.pdf
	w.room(14, nil)
	p.Ln(1.5)
	p.SetFillColor(228, 236, 232)
	w.setFont(10)
	w.cell(bodyW, 6, " "+title, "", 1, "L", true, 0, "")
	w.setFont(9)
	p.Ln(0.8)
}

// pairs draws label/value pairs, two to a row within width.
func (w *writer) pairs(width float64, kv [][2]string) {
	p := w.pdf
	const labelW, lh = 31.0, 4.6
	half := width / 2
	for i := 0; i < len(kv); i += 2 {
		row := kv[i:min(i+2, len(kv))]
		var lines [][]string
		n := 1
		for _, c := range row {
			l := wrap(p, c[1], half-labelW-1)
			lines = append(lines, l)
			n = max(n, len(l))
		}
		h := float64(n) * lh
		w.room(h, nil)
		x, y := p.GetX(), p.GetY()
		for j, c := range row {
			cx := x + float64(j)*half
			p.SetTextColor(95, 95, 95)
			p.SetXY(cx, y)
			w.cell(labelW, lh, c[0], "", 0, "L", false, 0, "")
			p.SetTextColor(0, 0, 0)
			for k, line := range lines[j] {
				p.SetXY(cx+labelW, y+float64(k)*lh)
				w.cell(half-labelW, lh, line, "", 0, "L", false, 0, "")
			}
		}
		p.SetXY(x, y+h)
	}
}

// partyPairs are what a party prints: name, credit code, address,
// contact and phone.
func partyPairs(x *ledger.Party) [][2]string {
	return [][2]string{
		{"单位名称", x.Name},
		{"统一社会信用代码", x.CreditCode},
		{"地址", x.Address},
		{"联系人", x.Contact.Name},
		{"联系电话", x.Contact.Phone},
	}
}

// parties draws the generator, every carrier with its permits, vehicles
// and drivers, and the receiver with its licence.
func (w *writer) parties() {
	w.section("一、移出人（产生单位）")
	w.pairs(bodyW, partyPairs(w.s.Generator))
	for i, c := range w.s.Carriers {
		title := "二、承运人"
		if len(w.s.Carriers) > 1 {
			title += fmt.Sprintf("（第 %d 程）", i+1)
		}
		w.section(title)
		kv := partyPairs(c)
		kv = append(kv, [2]string{"道路运输经营许可证", c.TransportPermit})
		plate, driver, permit := w.vehicle(c.ID)
		kv = append(kv, [2]string{"运输车辆", plate}, [2]string{"驾驶员", driver}, [2]string{"道路运输证", permit})
		w.pairs(bodyW, kv)
	}
	w.section("三、接受人（利用处置单位）")
	kv := partyPairs(w.s.Receiver)
	if l := w.s.Receiver.License; l != nil {
		kv = append(kv, [2]string{"危险废物经营许可证", l.Number}, [2]string{"许可有效期", l.ValidFrom + " 至 " + l.ValidTo})
	}
	w.pairs(bodyW, kv)
}

// vehicle is the plate, driver and vehicle permit carrier recorded when
// it took custody, "—" before it did (and for a permit not given).
func (w *writer) vehicle(carrier string) (plate, driver, permit string) {
	for _, c := range w.s.Manifest.Custody {
		if c.Party == carrier && (c.Kind == "pickup" || c.Kind == "handover") {
			permit = c.VehiclePermit
			if permit == "" {
				permit = "—"
			}
			return c.VehiclePlate, c.Driver, permit
		}
	}
	return "—", "—", "—"
}

// column is one column of a table.
type column struct {
	title string
	w     float64
}

var batchColumns = []column{
	{"序号", 8}, {"标签编号", 33}, {"废物名称 / 主要成分", 36}, {"废物代码 / 类别", 22}, {"危险特性", 19},
	{"形态", 10}, {"数量 kg", 14}, {"包装", 15}, {"危险货物类别 / UN", 16}, {"接收", 13},
}

// batches draws the table of batches.
func (w *writer) batches() {
	w.section("四、危险废物")
	head := func() { w.row(batchColumns, titles(batchColumns), true) }
	w.room(14, nil)
	head()
	for i, l := range w.s.Lines {
		x := l.Waste
		name := x.Name
		if x.MainComponents != "" && x.MainComponents != x.Name {
			name += " / " + x.MainComponents
		}
		dg := "—"
		if l.DGClass != "" || l.UNNumber != "" {
			dg = strings.TrimSpace(l.DGClass + " " + l.UNNumber)
		}
		recv := "—"
		if r := l.Receipt; r != nil {
			if r.Accepted {
				recv = kgText(r.Received) + " kg"
			} else {
				recv = "拒收"
			}
			if r.Discrepancy {
				recv += " 差异"
			}
		}
		cells := []string{
			fmt.Sprint(i + 1), x.Label, name, x.Code + " / " + x.Category, hazards(x.Hazards),
			word(formWords, x.Form), kgText(x.Quantity), fmt.Sprintf("%s × %d", x.Container.Type, x.Container.Count), dg, recv,
		}
		w.row(batchColumns, cells, false, head)
	}
}

func titles(cols []column) []string {
	t := make([]string, len(cols))
	for i, c := range cols {
		t[i] = c.title
	}
	return t
}

// row draws one table row, its cells wrapped; a row that does not fit
// starts a new page with again (the table head) first.
func (w *writer) row(cols []column, cells []string, head bool, again ...func()) {
	p := w.pdf
	const lh = 3.8
	size := 7.5
	if head {
		size = 7
	}
	w.setFont(size)
	n := 1
	lines := make([][]string, len(cols))
	for i, c := range cols {
		lines[i] = wrap(p, cells[i], c.w-1.4)
		n = max(n, len(lines[i]))
	}
	h := float64(n)*lh + 1.2
	if len(again) > 0 {
		w.room(h, again[0])
		w.setFont(size)
	}
	x, y := margin, p.GetY()
	if head {
		p.SetFillColor(242, 242, 242)
	}
	for i, c := range cols {
		p.Rect(x, y, c.w, h, map[bool]string{true: "DF", false: "D"}[head])
		for k, line := range lines[i] {
			p.SetXY(x+0.7, y+0.6+float64(k)*lh)
			w.cell(c.w-1.4, lh, line, "", 0, "L", false, 0, "")
		}
		x += c.w
	}
	p.SetXY(margin, y+h)
	w.setFont(9)
}

// emergency draws the emergency measures.
func (w *writer) emergency() {
	w.section("五、应急措施")
	text := strings.TrimSpace(w.s.EmergencyMeasures)
	if text == "" {
		text = "未填写"
	}
	for _, line := range wrap(w.pdf, text, bodyW) {
		w.room(4.6, nil)
		w.cell(bodyW, 4.6, line, "", 1, "L", false, 0, "")
	}
}

var stepColumns = []column{{"时间", 30}, {"环节", 20}, {"单位", 48}, {"经办人", 22}, {"记录", 56}, {"事件", 10}}

// steps draws every step with its time, party and person.
func (w *writer) steps() {
	w.section("六、转移流程记录")
	head := func() { w.row(stepColumns, titles(stepColumns), true) }
	w.room(14, nil)
	head()
	for _, st := range w.s.Steps {
		person := st.Person
		if person == "" {
			person = "—"
		}
		w.row(stepColumns, []string{local(st.At), word(stepWords, st.Type), st.Party, person, st.Detail, fmt.Sprint("#", st.Index)}, false, head)
	}
	if w.s.TrackPoints > 0 {
		w.room(5, nil)
		w.cell(bodyW, 5, fmt.Sprintf("运输轨迹：%d 个定位点（见电子联单）", w.s.TrackPoints), "", 1, "L", false, 0, "")
	}
}

// signatures leaves room for the paper copy's signatures and seals.
func (w *writer) signatures() {
	w.room(22, nil)
	p := w.pdf
	p.Ln(3)
	y := p.GetY()
	third := bodyW / 3
	for i, who := range []string{"移出人（签章）", "承运人（签章）", "接受人（签章）"} {
		p.Rect(margin+float64(i)*third, y, third-2, 16, "D")
		p.SetXY(margin+float64(i)*third+1, y+1)
		w.setFont(8)
		w.cell(third-4, 4, who, "", 0, "L", false, 0, "")
	}
	p.SetXY(margin, y+17)
	w.setFont(9)
}

// local writes t in Asia/Shanghai to the minute.
func local(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(workday.Shanghai).Format("2006-01-02 15:04")
}
