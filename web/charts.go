package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Charts are inline SVG built on the server: no script, no library, they
// print and work offline. Colours come from classes in app.css.

// niceMax rounds v up to 1, 2 or 5 × 10^n for a readable axis.
func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// monthChart draws generated vs disposed kilograms per month as paired bars.
func monthChart(ms []monthly, lang string) template.HTML {
	const w, hgt, left, bottom, top = 640.0, 260.0, 56.0, 28.0, 30.0
	peak := 0.0
	for _, m := range ms {
		peak = max(peak, m.Generated.Kg(), m.Disposed.Kg())
	}
	ymax := niceMax(peak)
	plotH := hgt - bottom - top
	slot := (w - left - 8) / float64(len(ms))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, w, hgt,
		html.EscapeString(translate(lang, "chart.monthly")))
	for i := 0; i <= 4; i++ { // grid and axis labels
		v := ymax * float64(i) / 4
		y := top + plotH - plotH*float64(i)/4
		fmt.Fprintf(&b, `<line class="grid" x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f"/>`, left, w-4, y, y)
		fmt.Fprintf(&b, `<text class="axis" x="%.0f" y="%.1f" text-anchor="end">%s</text>`, left-6, y+4, fmtKg(v))
	}
	bw := slot * 0.36
	for i, m := range ms {
		x := left + float64(i)*slot + slot*0.12
		gh := plotH * m.Generated.Kg() / ymax
		dh := plotH * m.Disposed.Kg() / ymax
		fmt.Fprintf(&b, `<rect class="gen" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s %s kg</title></rect>`,
			x, top+plotH-gh, bw, gh, html.EscapeString(translate(lang, "chart.generated")), kgString(m.Generated))
		fmt.Fprintf(&b, `<rect class="disp" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s %s kg</title></rect>`,
			x+bw, top+plotH-dh, bw, dh, html.EscapeString(translate(lang, "chart.disposed")), kgString(m.Disposed))
		fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%.0f" text-anchor="middle">%d</text>`, x+bw, hgt-10, int(m.Month.Month()))
	}
	fmt.Fprintf(&b, `<rect class="gen" x="%.0f" y="6" width="12" height="12"/><text class="legend" x="%.0f" y="16">%s</text>`,
		left, left+16, html.EscapeString(translate(lang, "chart.generated")))
	fmt.Fprintf(&b, `<rect class="disp" x="%.0f" y="6" width="12" height="12"/><text class="legend" x="%.0f" y="16">%s</text>`,
		left+140, left+156, html.EscapeString(translate(lang, "chart.disposed")))
	fmt.Fprintf(&b, `<text class="axis" x="%.0f" y="16" text-anchor="end">kg</text>`, w-4)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// fmtKg shortens an axis value: 1200 -> "1.2k".
func fmtKg(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%gM", math.Round(v/1e5)/10)
	case v >= 1e3:
		return fmt.Sprintf("%gk", math.Round(v/1e2)/10)
	}
	return fmt.Sprintf("%g", math.Round(v*10)/10)
}

// rateBar is one rate of the assessment against the plan's target.
type rateBar struct {
	Key          string // message key of its name
	Rate, Target float64
}

// rateChart draws each rate as a bar with its target marked (the plan's
// targets are 100 %; the scale runs to the largest target).
func rateChart(bars []rateBar, lang string) template.HTML {
	const w, rowH, left, right = 640.0, 46.0, 190.0, 70.0
	hgt := rowH*float64(len(bars)) + 24
	plotW := w - left - right
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, w, hgt,
		html.EscapeString(translate(lang, "chart.rates")))
	scale := 1.0
	for _, r := range bars {
		scale = max(scale, r.Target)
	}
	for i, r := range bars {
		y := 10 + float64(i)*rowH
		fmt.Fprintf(&b, `<text class="label" x="%.0f" y="%.1f" text-anchor="end">%s</text>`, left-8, y+19, html.EscapeString(translate(lang, r.Key)))
		fmt.Fprintf(&b, `<rect class="track" x="%.0f" y="%.1f" width="%.1f" height="26" rx="4"/>`, left, y, plotW)
		cls := "ok"
		if r.Rate < r.Target {
			cls = "warn"
		}
		if r.Rate < 0.9*r.Target {
			cls = "over"
		}
		fmt.Fprintf(&b, `<rect class="%s" x="%.0f" y="%.1f" width="%.1f" height="26" rx="4"/>`, cls, left, y, plotW*min(r.Rate, scale)/scale)
		fmt.Fprintf(&b, `<text class="value" x="%.0f" y="%.1f">%s</text>`, left+plotW+8, y+19, html.EscapeString(pctOf(r.Rate)))
		tx := left + plotW*r.Target/scale
		fmt.Fprintf(&b, `<line class="target" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, tx, tx, y-4, y+30)
	}
	tx := left + plotW
	fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%.0f" text-anchor="middle">%s %s</text>`, tx, hgt-2,
		html.EscapeString(translate(lang, "chart.target")), html.EscapeString(pctOf(scale)))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
