package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger/chain"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goldenEvents holds the canonical bytes of the first event of every type
// in a fixed story (fixed clock and ids), one event a line. Regenerate it
// with UPDATE_GOLDEN=1 go test ./ledger -run TestEventGolden, and only for
// a change to the log's format that is meant.
var goldenEvents = filepath.Join("testdata", "events.golden")

// Any change to what an event holds, or to how it is written, fails here:
// the story's events must be the golden bytes. Each event's data must also
// decode, with no field left over, into its type's data struct and encode
// back to the same bytes, so the struct in eventTypes is the whole schema.
func TestEventGolden(t *testing.T) {
	got := goldenStory(t)
	seen := map[string]bool{}
	for _, b := range got {
		e := decodeEvent(t, b)
		seen[e.Type] = true
		row, ok := eventTypes[e.Type]
		require.True(t, ok, "event type %s has no row in eventTypes", e.Type)
		d := reflect.New(row.data)
		dec := json.NewDecoder(bytes.NewReader(e.Data))
		dec.DisallowUnknownFields()
		require.NoError(t, dec.Decode(d.Interface()), "%s: data must decode into %s", e.Type, row.data)
		again, err := json.Marshal(d.Interface())
		require.NoError(t, err)
		assert.Equal(t, string(e.Data), string(again), "%s: data must be what %s encodes", e.Type, row.data)
	}
	for typ := range eventTypes {
		assert.True(t, seen[typ], "the golden story has no %s event", typ)
	}

	text := string(bytes.Join(got, []byte("\n"))) + "\n"
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		require.NoError(t, os.MkdirAll(filepath.Dir(goldenEvents), 0o755))
		require.NoError(t, os.WriteFile(goldenEvents, []byte(text), 0o644))
	}
	want, err := os.ReadFile(goldenEvents)
	require.NoError(t, err, "run with UPDATE_GOLDEN=1 to write %s", goldenEvents)
	wantLines, gotLines := strings.Split(string(want), "\n"), strings.Split(text, "\n")
	for i := 0; i < len(wantLines) || i < len(gotLines); i++ {
		var w, g string
		if i < len(wantLines) {
			w = wantLines[i]
		}
		if i < len(gotLines) {
			g = gotLines[i]
		}
		assert.Equal(t, w, g, "%s line %d", goldenEvents, i+1)
	}
}

// goldenStory runs a story that appends every event type on a ledger with
// a fixed clock and ids, and returns the canonical bytes of the first
// event of each type, in log order.
func goldenStory(t *testing.T) [][]byte {
	n := 0
	f := newFixtureWith(t, Config{NewID: func() string { n++; return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }})
	s, ctx := f.s, f.ctx
	_, err := s.RenewLicense(ctx, f.admin, f.recv.Party, License{Number: "豫环许可危废字41010009", Codes: []string{"HW08", "HW49"},
		Methods: []string{"D10", "R9"}, CapacityTonnes: 20, ValidFrom: "2026-01-01", ValidTo: "2030-12-31"})
	require.NoError(t, err)
	tok, err := s.addToken(ctx, f.admin, f.gen.Party, "hwl_golden", TokenInput{})
	require.NoError(t, err)
	require.NoError(t, s.RevokeToken(ctx, f.admin, tok))

	w, err := s.RegisterWaste(ctx, f.gen, WasteInput{Code: "900-041-49", Name: "废包装桶", Form: "liquid", Quantity: KgToGrams(12.5),
		Container: Container{Type: "铁桶", Count: 2}, GeneratedAt: f.clock.Now().Add(-time.Hour), Storage: "危废暂存间"}) // named, not the catalogue's name
	require.NoError(t, err)
	name, reason := "废矿物油与含矿物油废物", "称重有误"
	kg := KgToGrams(12.25)
	_, err = s.CorrectWaste(ctx, f.gen, w.ID, WasteCorrection{Name: &name, Quantity: &kg, Reason: reason})
	require.NoError(t, err)
	// The first manifest declares everything a manifest may: it is
	// entered from paper, with dangerous goods and emergency measures.
	filled := f.clock.Now()
	m, err := s.CreateManifest(ctx, f.gen, ManifestInput{WasteIDs: []string{w.ID}, Carriers: []string{f.car1.Party, f.car2.Party},
		Receiver: f.recv.Party, PlannedPickupAt: f.clock.Now().Add(time.Hour), OccurredAt: &filled,
		EmergencyMeasures: "泄漏用沙土围堵", DangerousGoods: []DangerousGoodsInput{{WasteID: w.ID, DGClass: "3", UNNumber: "UN1270"}},
		Paper: &PaperInput{Number: "豫0001", EnteredReason: "系统停机"}})
	require.NoError(t, err)
	_, err = s.Cancel(ctx, f.gen, m.ID, CancelInput{Reason: "车辆故障"})
	require.NoError(t, err)

	m = f.manifest(f.gen, f.recv, []Principal{f.car1, f.car2}, w)
	f.pickup(m, f.car1)
	f.clock.Advance(3 * time.Hour) // past the track gap
	f.sweep()
	_, err = s.Positions(ctx, f.car1, m.ID, PositionsInput{Points: []TrackPoint{{34.76, 113.69, f.clock.Now().Add(-time.Minute)}}})
	require.NoError(t, err) // closes the gap: the alert is resolved
	f.handover(m, f.car2)
	f.clock.Advance(25 * time.Minute) // the road to the receiver
	_, err = s.Deliver(ctx, f.car2, m.ID, DeliverInput{Location: &Location{34.8, 113.7}})
	require.NoError(t, err)
	f.receiveAll(m, f.recv, true)
	_, err = s.Dispose(ctx, f.recv, w.ID, DisposeInput{Method: "D10", Quantity: kg})
	require.NoError(t, err) // the manifest closes

	_, err = s.SetManagementClass(ctx, f.insp, f.gen.Party, ClassInput{Class: ClassSimplified, Reason: "区级重点行业"})
	require.NoError(t, err)
	f.filePlan(f.gen, 2026, 1.5, "900-041-49")
	draft, err := s.DeclarationDraft(ctx, f.gen, f.gen.Party, "2026-02")
	require.NoError(t, err)
	_, err = s.FileDeclaration(ctx, f.gen, f.gen.Party, DeclarationInput{Period: "2026-02", Figures: draft.Figures, Note: "无异常"})
	require.NoError(t, err)

	require.NoError(t, s.RaiseIntegrity(ctx, "golden"))
	open := f.alerts(AlertFilter{Kind: AlertIntegrity})
	require.Len(t, open, 1)
	_, err = s.AckAlert(ctx, f.insp, open[0].ID, AckInput{Note: "已核查"})
	require.NoError(t, err)

	// A correction of the closed manifest, refused, then asked again and
	// approved by every other party.
	fix := CorrectionInput{Reason: "容器数量填错", Changes: CorrectionChanges{Lines: []LineChange{{WasteID: w.ID, Container: &Container{Type: "铁桶", Count: 3}}}}}
	k, err := s.RequestCorrection(ctx, f.recv, m.ID, fix)
	require.NoError(t, err)
	_, err = s.RefuseCorrection(ctx, f.gen, k.ID, DecisionInput{Reason: "未见交接单"})
	require.NoError(t, err)
	k, err = s.RequestCorrection(ctx, f.recv, m.ID, fix)
	require.NoError(t, err)
	for _, p := range []Principal{f.gen, f.car1, f.car2} {
		_, err = s.ApproveCorrection(ctx, p, k.ID, DecisionInput{})
		require.NoError(t, err)
	}

	// A receiver in Hubei, and the approval of a transfer to it.
	wuhan, err := s.RegisterParty(ctx, f.admin, PartyInput{Name: "武汉危废处置中心", CreditCode: credit(20), Roles: []Role{RoleReceiver},
		Address: "武汉市", Province: "42", City: "01", License: &License{Number: "鄂环许可危废字42010001", Codes: []string{"HW08"},
			Methods: []string{"D10"}, CapacityTonnes: 100, ValidFrom: "2024-01-01", ValidTo: "2028-12-31"}})
	require.NoError(t, err)
	_, err = s.SetRegion(ctx, f.admin, f.gen2.Party, RegionInput{Province: "41", City: "02"})
	require.NoError(t, err)
	_, err = s.RegisterApproval(ctx, f.insp, ApprovalInput{Number: "豫环审跨〔2026〕1号", Authority: "河南省生态环境厅",
		Generator: f.gen.Party, Receiver: wuhan.ID, Codes: []string{"HW08"}, QuantityT: 5, ValidFrom: "2026-01-01", ValidTo: "2026-12-31"})
	require.NoError(t, err)

	// People: the admin adds a party's manager, who adds and disables an
	// operator.
	mgr := f.signedIn(f.addPerson(f.admin, f.gen.Party, "wang.mgr", PersonManager, "13800000001"), "南关汽修经理的密码")
	op := f.addPerson(mgr, f.gen.Party, "li.op", PersonOperator, "13800000002")
	_, err = s.DisablePerson(ctx, mgr, op.Person.ID)
	require.NoError(t, err)

	// A webhook subscription for the receiver, then deleted.
	hook, err := s.SubscribeWebhook(ctx, f.recv, WebhookInput{URL: "https://erp.example.com/hwledger"})
	require.NoError(t, err)
	_, err = s.DeleteWebhook(ctx, f.recv, hook.ID)
	require.NoError(t, err)

	// A collector consolidates a clinic's bag into a batch of its own.
	col := f.collector(301)
	bag, err := s.RegisterWaste(ctx, f.hosp, WasteInput{Code: "841-001-01", Name: "感染性废物", Form: "solid", Quantity: KgToGrams(3),
		Container: Container{Type: "医疗废物周转箱", Count: 1}, GeneratedAt: f.clock.Now().Add(-time.Hour), Storage: "暂存间"})
	require.NoError(t, err)
	f.collect(col, bag)
	_, err = s.Consolidate(ctx, col, ConsolidateInput{SourceIDs: []string{bag.ID}, Code: "841-001-01", Name: "感染性废物", Form: "solid",
		Quantity: KgToGrams(3), Container: Container{Type: "医疗废物周转箱", Count: 1}})
	require.NoError(t, err)

	var out [][]byte
	seen := map[string]bool{}
	require.NoError(t, s.Log().Events(0, int(f.size()), func(_ uint64, b []byte) error {
		e, err := chain.Decode(b)
		if err != nil {
			return err
		}
		if !seen[e.Type] {
			seen[e.Type] = true
			out = append(out, append([]byte(nil), b...))
		}
		return nil
	}))
	return out
}

// Every event type constant declared in events.go has a row in
// eventTypes, and every row is one of them.
func TestEventTypesTable(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "events.go", nil, 0)
	require.NoError(t, err)
	declared := map[string]bool{}
	for _, d := range file.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			for i, name := range spec.(*ast.ValueSpec).Names {
				lit, ok := spec.(*ast.ValueSpec).Values[i].(*ast.BasicLit)
				if !strings.HasPrefix(name.Name, "Ev") || !ok {
					continue
				}
				typ := strings.Trim(lit.Value, `"`)
				declared[typ] = true
				assert.Contains(t, eventTypes, typ, "%s (%s) has no row in eventTypes", name.Name, typ)
			}
		}
	}
	require.NotEmpty(t, declared)
	for typ := range eventTypes {
		assert.True(t, declared[typ], "eventTypes has a row for %s, which events.go does not declare", typ)
	}
}
