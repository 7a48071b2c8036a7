package ledger

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every alert kind constant has exactly one row in alertKinds, and every
// row is whole: a title and a message in both languages, a subject type,
// known event types, and a clock (due) exactly when something starts one.
func TestAlertKindTable(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "alert_kinds.go", nil, 0)
	require.NoError(t, err)
	var declared []string
	for _, d := range file.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			v := spec.(*ast.ValueSpec)
			for i, name := range v.Names {
				if lit, ok := v.Values[i].(*ast.BasicLit); ok && strings.HasPrefix(name.Name, "Alert") {
					declared = append(declared, strings.Trim(lit.Value, `"`))
				}
			}
		}
	}
	assert.Equal(t, declared, AlertKinds, "one row per kind constant, in the order they are declared")

	w := &Waste{Name: "废矿物油", Label: "91410104MA0000001P9000414920260302001", StorageDeadline: t0, DisposalDeadline: &t0}
	facts := alertFacts{w: w, m: &Manifest{Number: "20264101000001"}, workdays: 5,
		p:      &Party{Name: "郑州环境处置中心", ReceivedYear: 2026, ReceivedThisYear: KgToGrams(10500), License: &License{CapacityTonnes: 10}},
		detail: Text{"重量不符", "weight differs"}}
	subjects := map[string]bool{SubjectWaste: true, SubjectManifest: true, SubjectParty: true, SubjectLedger: true}
	for _, k := range alertKinds {
		assert.True(t, hasHan(k.Title.Zh) && k.Title.En != "", "%s: title in both languages", k.Kind)
		assert.True(t, subjects[k.Subject], "%s: subject type %q", k.Kind, k.Subject)
		assert.Equal(t, len(k.StartedBy) > 0, k.due != nil, "%s: a clock exactly when an event starts one", k.Kind)
		for _, typ := range append(append([]string{}, k.StartedBy...), k.StoppedBy...) {
			assert.Contains(t, eventTypes, typ, "%s: unknown event type", k.Kind)
		}
		if k.Supersedes != "" {
			_, ok := alertKind(k.Supersedes)
			assert.True(t, ok, "%s supersedes unknown kind %s", k.Kind, k.Supersedes)
		}
		msg := k.message(facts)
		assert.True(t, hasHan(msg.Zh), "%s: Chinese message %q", k.Kind, msg.Zh)
		en := strings.NewReplacer(w.Name, "", facts.p.Name, "").Replace(msg.En) // names stay as written
		assert.False(t, hasHan(en), "%s: English message %q", k.Kind, msg.En)
		assert.NotEmpty(t, msg.En, k.Kind)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// An alert's message is in Chinese, with the English apart.
func TestAlertMessageLanguages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := f.waste(f.gen, "900-041-49", 10)
	f.clock.Advance(336 * 24 * time.Hour) // inside the 30-day warning
	f.sweep()
	a := f.open(AlertStorageDueSoon, w.ID)
	require.Len(t, a, 1)
	assert.Equal(t, SubjectWaste, a[0].SubjectType)
	assert.True(t, hasHan(a[0].Message) && strings.Contains(a[0].Message, w.Label), a[0].Message)
	assert.NotContains(t, a[0].Message, "storage")
	assert.Contains(t, a[0].MessageEn, "storage limit ends")
	assert.Contains(t, a[0].MessageEn, w.Label)
}
