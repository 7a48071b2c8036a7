package web

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hwledger/hwledger/ledger"
)

// inputFields lists the API field names of t's JSON form ("container.type",
// "lines.received_kg"), the names the Service's field errors use.
func inputFields(t reflect.Type, prefix string, out *[]string) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == reflect.TypeOf(time.Time{}) {
		return
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" || !sf.IsExported() {
			continue
		}
		if name == "" { // embedded
			inputFields(sf.Type, prefix, out)
			continue
		}
		*out = append(*out, prefix+name)
		inputFields(sf.Type, prefix+name+".", out)
	}
}

// TestEveryFormFieldHasALabel: each field of the inputs the web's forms
// send has a label in both languages, so a field error never shows an API
// name ("driver", "container.type") on a page.
func TestEveryFormFieldHasALabel(t *testing.T) {
	var fields []string
	for _, in := range []any{ledger.WasteInput{}, ledger.DisposeInput{}, ledger.ManifestInput{}, ledger.CustodyInput{},
		ledger.DeliverInput{}, ledger.ReceiveInput{}, ledger.CancelInput{}, ledger.AckInput{}, ledger.PlanInput{},
		ledger.DeclarationInput{}, ledger.ClassInput{}, ledger.ConsolidateInput{}, ledger.CorrectionInput{},
		ledger.DecisionInput{}, ledger.PersonInput{}, ledger.PasswordInput{}, ledger.TOTPConfirmInput{}, ledger.PartyInput{}, ledger.ApprovalInput{}, ledger.RegionInput{}} {
		inputFields(reflect.TypeOf(in), "", &fields)
	}
	slices.Sort(fields)
	for _, f := range slices.Compact(fields) {
		zh, en := fieldLabel(langZh, f), fieldLabel(langEn, f)
		if zh == f || en == f || zh == "" || en == "" || len(foreignWords(zh)) > 0 {
			t.Errorf("field %s is labelled %q, %q: add message field.%s", f, zh, en, f)
		}
	}
}
