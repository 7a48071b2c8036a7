package web

import (
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFieldLabel(t *testing.T) {
	assert.Equal(t, "容器类型", fieldLabel(langZh, "container.type"))
	assert.Equal(t, "Container type", fieldLabel(langEn, "container.type"))
	assert.Equal(t, "实收重量（kg） #3", fieldLabel(langZh, "lines[2].received_kg"))
	assert.Equal(t, "mystery", fieldLabel(langZh, "mystery"), "unknown fields keep their API name")
	assert.Equal(t, "", fieldLabel(langZh, "_"), "a message about the whole form has no label")
}

// A refused registration shows the form again with the field's label in
// the page's language, not the API's field name.
func TestWasteFormNamesFieldsInChinese(t *testing.T) {
	f := newFixture(t)
	c := client(t)
	csrf := signIn(t, f, c, f.tokens["gen"])
	res, err := c.PostForm(f.srv.URL+"/wastes/new", url.Values{"csrf": {csrf}, "code": {"900-041-49"}, "form": {"solid"},
		"quantity_kg": {"12.5"}, "container_type": {" "}, "container_count": {"1"},
		"generated_at": {time.Now().In(shanghai).Add(-time.Hour).Format(dateTimeLocal)}, "storage": {"暂存间"}})
	require.NoError(t, err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)
	assert.Contains(t, string(b), "<b>容器类型</b>")
	assert.NotContains(t, string(b), "<b>container.type</b>")
}
