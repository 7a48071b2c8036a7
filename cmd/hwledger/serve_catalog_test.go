package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/hwledger/hwledger/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serve --catalog FILE: a later edition is served beside the built-in one;
// a bad file stops the server before anything is created, naming the line.
func TestServeCatalogFile(t *testing.T) {
	files := t.TempDir()
	bad := filepath.Join(files, "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("# edition: 2030\n# in_force: 2030-01-01\n"+
		"category,category_name,industry,code,description,hazards\n"+
		"HW08,废矿物油与含矿物油废物,非特定行业,900-218-08,废液压油,T;I\n"), 0o600))
	dir := t.TempDir()
	t.Setenv(adminTokenEnv, ledger.NewToken())
	var out, errb bytes.Buffer
	code := cmdServe([]string{"--data", dir, "--addr", "127.0.0.1:0", "--catalog", bad}, &out, &errb)
	assert.Equal(t, 2, code, errb.String())
	assert.Contains(t, errb.String(), bad+`:4: code 900-218-08: unknown hazard "T;I"`)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing is created")

	good := filepath.Join(files, "hw-catalog-2030.csv")
	require.NoError(t, os.WriteFile(good, []byte("# edition: 2030\n# in_force: 2030-01-01\n# source: 名录（2030年版）\n"+
		"category,category_name,industry,code,description,hazards\n"+
		"HW08,废矿物油与含矿物油废物,非特定行业,900-218-08,废液压油,\"T,I\"\n"), 0o600))
	tok := ledger.NewToken()
	t.Setenv(adminTokenEnv, tok)
	p := serveInProcess(t, serveOptions{dir: dir, cfg: serveConfig{CatalogFile: good}})
	defer p.stop(t)
	req, err := http.NewRequest("GET", p.url+"/api/v1/catalog/editions", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var eds struct {
		InForce string `json:"in_force"`
		Items   []struct {
			Edition, Source string
		} `json:"items"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&eds))
	assert.Equal(t, "2021", eds.InForce, "2030 is not in force yet")
	require.Len(t, eds.Items, 2)
	assert.Equal(t, "2030", eds.Items[1].Edition)
	assert.Equal(t, "名录（2030年版）", eds.Items[1].Source)
}
