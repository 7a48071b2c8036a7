package chain

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fast envelope writer must give exactly json.Marshal's bytes.
func TestEncodeAppendedEqualsEncode(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pick := []string{"", "system", "waste.registered", "a\"b", "back\\slash", "<tag>&", "中文", "tab\there",
		"\u2028line", "\x01ctl", "9e3a1c2b-0000-4000-8000-000000000001", string([]byte{0xff, 0xfe})}
	for i := 0; i < 2000; i++ {
		s := func() string { return pick[r.IntN(len(pick))] }
		data, err := json.Marshal(map[string]any{"name": s(), "n": r.IntN(1000), "kg": r.Float64()})
		require.NoError(t, err)
		at := time.Date(2000+r.IntN(30), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1e9), time.FixedZone("x", 3600*r.IntN(12)))
		e := Event{Index: r.Uint64N(1 << 40), ID: s(), Type: s(), RecordedAt: at, OccurredAt: at.Add(-time.Duration(r.IntN(1e6)) * time.Second),
			Actor: Actor{Party: s(), Role: s()}, Subject: s(), Data: data, Prev: ZeroPrev}
		if i%2 == 1 {
			e.Actor.Person = &ActorPerson{ID: s(), Name: s()}
		}
		fast, err := e.encodeAppended()
		require.NoError(t, err)
		ref, err := e.Encode()
		require.NoError(t, err)
		require.Equal(t, string(ref), string(fast))
	}
}

func TestDataOfFindsTheDataField(t *testing.T) {
	l := openTest(t, "", Options{})
	datas := []any{
		map[string]any{"data": map[string]string{"data": `","data":`}, "x": 1},
		[]string{`","data":{}`, `\"`},
		nil,
		map[string]string{"subject": `","data":"`},
	}
	for i, d := range datas {
		subject := []string{"", `a","data":"b`, "w-1", `\`}[i]
		evs, err := l.Submit(context.Background(), func(tx *Tx) error {
			_, err := tx.Append(Draft{Type: "t", Subject: subject, Data: d})
			return err
		})
		require.NoError(t, err)
		b, err := l.Event(evs[0].Index)
		require.NoError(t, err)
		e, err := Decode(b)
		require.NoError(t, err)
		assert.Equal(t, string(e.Data), string(DataOf(b)), "event %d", i)
	}
}

// appendJSONString writes strings exactly as encoding/json: every ASCII
// byte, Chinese and other valid UTF-8, U+2028/U+2029, U+FFFD, invalid
// bytes, and random byte strings.
func TestAppendJSONStringEqualsEncodingJSON(t *testing.T) {
	cases := []string{"", "危险废物暂存间", "顺达汽修\u2028", "\u2029", "\uFFFD", "é", "𝄞", string([]byte{0xe4, 0xb8}), string([]byte{0xc0, 0x80})}
	for c := 0; c < 0x80; c++ {
		cases = append(cases, "a"+string(rune(c))+"中")
	}
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 5000; i++ {
		b := make([]byte, r.IntN(12))
		for j := range b {
			b[j] = byte(r.IntN(256))
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		require.Equal(t, string(want), string(appendJSONString(nil, s)), "%q", s)
	}
}
