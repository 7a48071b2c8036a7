package web

import (
	"encoding/csv"
	"io"
	"strings"
	"testing"
)

// TestRankingCSVForPeople: the ranking download has the page's headings
// in the page's language and rates in %, not the API's column names and
// fractions.
func TestRankingCSVForPeople(t *testing.T) {
	f := newFixture(t)
	register(t, f, "gen", "900-214-08", 30_000, 1)
	c := client(t)
	signIn(t, f, c, f.tokens["inspector"])
	for _, lang := range []string{langZh, langEn} {
		res, err := c.Get(f.srv.URL + "/ranking.csv?by=party&lang=" + lang)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.HasPrefix(string(b), "\ufeff") {
			t.Fatalf("%s: %s, want 200 and a byte-order mark:\n%s", lang, res.Status, b)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff"))).ReadAll()
		if err != nil || len(recs) < 2 {
			t.Fatalf("%s: %v\n%s", lang, err, b)
		}
		for i, c := range rankColumns {
			want := translate(lang, c.Msg)
			if c.Msg == "group" {
				want = translate(lang, "rank.col.party")
			}
			if recs[0][i] != want {
				t.Errorf("%s: heading %d is %q, want %q", lang, i, recs[0][i], want)
			}
		}
		if lang == langZh && len(foreignWords(strings.Join(recs[0], " "))) > 0 {
			t.Errorf("Chinese headings %v have English words", recs[0])
		}
		for _, r := range recs[1:] {
			if !strings.HasSuffix(r[3], "%") || !strings.HasSuffix(r[5], "%") {
				t.Errorf("%s: rates %q, %q are not percentages", lang, r[3], r[5])
			}
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="hwledger-ranking-party-`) || !strings.Contains(cd, "filename*=UTF-8''") {
			t.Errorf("%s: Content-Disposition %q", lang, cd)
		}
	}
}
