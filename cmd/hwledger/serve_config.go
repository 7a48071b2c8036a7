package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger"
)

// serveConfig is the optional JSON file of `serve --config FILE`. Flags
// given on the command line win over the file. Durations are Go duration
// strings ("48h", "90m") or whole days ("365d").
//
//	{
//	  "data": "./data", "addr": "127.0.0.1:8080", "origin": "hwledger.local/410104",
//	  "catalog_file": "hw-catalog-2025.csv", "holidays_file": "holidays.txt",
//	  "request_timeout": "30s", "max_streams": 256, "max_streams_per_token": 4,
//	  "background": {"sweep_every": "1m", "watch_every": "10s", "verify_every": "1h"},
//	  "rules": {"medical_storage": "48h", "storage": "365d", "weight_tolerance": 0.1, "receipt_workdays": 5}
//	}
//
// "rules" may name any field of ledger.Rules by its JSON name; the others
// keep their defaults.
type serveConfig struct {
	Data           string `json:"data"`
	Addr           string `json:"addr"`
	Origin         string `json:"origin"`
	CatalogFile    string `json:"catalog_file"`
	HolidaysFile   string `json:"holidays_file"`
	RequestTimeout string `json:"request_timeout"`
	// MaxStreams and MaxStreamsPerToken bound the live alert streams
	// (ledger.Config); 0: the defaults.
	MaxStreams         int                        `json:"max_streams"`
	MaxStreamsPerToken int                        `json:"max_streams_per_token"`
	Background         map[string]string          `json:"background"`
	Rules              map[string]json.RawMessage `json:"rules"`
}

func loadServeConfig(path string) (serveConfig, error) {
	var c serveConfig
	b, err := os.ReadFile(path)
	if err != nil {
		return c, err
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.DisallowUnknownFields()
	if err := d.Decode(&c); err != nil {
		return c, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// parseDuration accepts Go durations and whole days ("365d").
func parseDuration(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad duration %q", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	return d, nil
}

// rules overlays the file's rules on ledger.DefaultRules.
func (c serveConfig) rules() (ledger.Rules, error) {
	r := ledger.DefaultRules()
	v := reflect.ValueOf(&r).Elem()
	durType := reflect.TypeFor[time.Duration]()
	for name, raw := range c.Rules {
		found := false
		for i := 0; i < v.NumField(); i++ {
			tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			if tag != name {
				continue
			}
			found = true
			f := v.Field(i)
			if f.Type() == durType {
				var s string
				if err := json.Unmarshal(raw, &s); err != nil {
					return r, fmt.Errorf("rules.%s: want a duration string like \"48h\" or \"365d\"", name)
				}
				d, err := parseDuration(s)
				if err != nil {
					return r, fmt.Errorf("rules.%s: %w", name, err)
				}
				f.SetInt(int64(d))
				continue
			}
			if err := json.Unmarshal(raw, f.Addr().Interface()); err != nil {
				return r, fmt.Errorf("rules.%s: %w", name, err)
			}
		}
		if !found {
			return r, fmt.Errorf("rules: unknown rule %q", name)
		}
	}
	return r, nil
}

// background reads the background intervals.
func (c serveConfig) background() (ledger.Background, error) {
	var b ledger.Background
	for k, s := range c.Background {
		d, err := parseDuration(s)
		if err != nil {
			return b, fmt.Errorf("background.%s: %w", k, err)
		}
		switch k {
		case "sweep_every":
			b.SweepEvery = d
		case "watch_every":
			b.WatchEvery = d
		case "verify_every":
			b.VerifyEvery = d
		default:
			return b, fmt.Errorf("background: unknown setting %q", k)
		}
	}
	return b, nil
}

// ruleList collects repeated --rule NAME=VALUE flags. VALUE is a duration
// ("48h", "30d") for duration rules, else a JSON number.
type ruleList []string

func (r *ruleList) String() string { return strings.Join(*r, ",") }

func (r *ruleList) Set(v string) error {
	if !strings.Contains(v, "=") {
		return fmt.Errorf("want NAME=VALUE, got %q", v)
	}
	*r = append(*r, v)
	return nil
}

// apply puts the flags' rules into the config (over the file's).
func (r ruleList) apply(c *serveConfig) error {
	for _, kv := range r {
		name, val, _ := strings.Cut(kv, "=")
		if c.Rules == nil {
			c.Rules = map[string]json.RawMessage{}
		}
		raw := json.RawMessage(val)
		if !json.Valid(raw) {
			q, _ := json.Marshal(val) // a duration string
			raw = q
		}
		c.Rules[name] = raw
	}
	_, err := c.rules()
	return err
}
