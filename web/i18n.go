package web

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/hwledger/hwledger/ledger"
)

// The names of the alert kinds ("kind.<kind>") come from the ledger's
// table of alert kinds.
func init() {
	for _, k := range ledger.AlertKindTable() {
		messages["kind."+k.Kind] = [2]string{k.Title.Zh, k.Title.En}
	}
}

// alertMessage is what alert a says is wrong, in lang.
func alertMessage(lang string, a *ledger.Alert) string {
	if lang == langEn && a.MessageEn != "" {
		return a.MessageEn
	}
	return a.Message
}

// Languages. Simplified Chinese is the default.
const (
	langZh = "zh"
	langEn = "en"
)

// langCookie remembers the chosen language for a year.
const langCookie = "lang"

// language picks the request's language: "?lang=" (remembered in the
// cookie), else the cookie, else Chinese.
func (h *Handler) language(w http.ResponseWriter, r *http.Request) string {
	if q := r.URL.Query().Get("lang"); q == langZh || q == langEn {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
			Secure: h.opts.Secure, SameSite: http.SameSiteLaxMode})
		return q
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == langZh || c.Value == langEn) {
		return c.Value
	}
	return langZh
}

// translate returns the message for key in lang; a missing key shows
// itself, so gaps are visible rather than blank.
func translate(lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == langEn {
		return m[1]
	}
	return m[0]
}

// translatef formats the message for key with args.
func translatef(lang, key string, args ...any) string {
	return fmt.Sprintf(translate(lang, key), args...)
}

// StatusNames is the name of each manifest status in the page's language,
// as a JSON object for the pages' scripts ({"in_transit": "运输中", …}).
func (v *view) StatusNames() string {
	m := make(map[string]string, len(ledger.ManifestStatuses))
	for _, s := range ledger.ManifestStatuses {
		m[s] = v.MS(s)
	}
	b, _ := json.Marshal(m)
	return string(b)
}
