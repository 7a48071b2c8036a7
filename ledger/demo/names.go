package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/hwledger/hwledger/ledger"
	"github.com/hwledger/hwledger/ledger/ident"
)

// street is one of the district's twelve street sub-districts (街道) with
// an approximate centre and a few of its roads, for addresses and map points.
type street struct {
	Name     string
	Lat, Lon float64
	Roads    []string
}

// streets are the twelve streets of docs/domain.md, north to south; centres lie
// within about 0.03° of 34.70° N, 113.70° E.
var streets = []street{
	{"北下街", 34.727, 113.676, []string{"北下街", "书院街", "北顺城街", "管城街"}},
	{"西大街", 34.722, 113.671, []string{"西大街", "西关虎屯路", "西顺城街"}},
	{"东大街", 34.725, 113.686, []string{"东大街", "紫荆山路", "东三马路"}},
	{"城东路", 34.720, 113.694, []string{"城东路", "顺河路", "东明路"}},
	{"南关", 34.715, 113.678, []string{"南关街", "城南路", "南顺城街"}},
	{"商都路", 34.714, 113.714, []string{"商都路", "中州大道", "未来路", "东三环"}},
	{"陇海马路", 34.709, 113.671, []string{"陇海东路", "大同路", "长江东路"}},
	{"二里岗", 34.706, 113.687, []string{"二里岗南街", "陇海东路", "城东南路"}},
	{"紫荆山南路", 34.699, 113.680, []string{"紫荆山南路", "港湾路", "航海东路"}},
	{"航海东路", 34.692, 113.701, []string{"航海东路", "第八大街", "经开第五大街"}},
	{"十八里河", 34.681, 113.710, []string{"107国道", "南三环", "十八里河路"}},
	{"南曹", 34.674, 113.724, []string{"南曹路", "郑新快速路", "南四环"}},
}

// streetByName returns the street with the given name.
func streetByName(name string) street {
	for _, s := range streets {
		if s.Name == name {
			return s
		}
	}
	panic("demo: unknown street " + name)
}

var surnames = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡",
	"郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "田", "董", "潘"}

var givenNames = []string{"建国", "建华", "志强", "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇",
	"艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "红梅", "海燕", "文博", "子涵", "宇航",
	"国庆", "卫东", "玉兰", "晓东", "晓燕", "振华", "俊杰", "淑珍", "鹏", "辉"}

// personName returns a plausible Chinese personal name.
func personName(r *rand.Rand) string {
	return surnames[r.IntN(len(surnames))] + givenNames[r.IntN(len(givenNames))]
}

// mobile returns a plausible Chinese mobile number.
func mobile(r *rand.Rand) string {
	prefixes := []string{"135", "136", "137", "138", "139", "150", "151", "155", "158", "176", "182", "186", "187", "189"}
	return fmt.Sprintf("%s%08d", prefixes[r.IntN(len(prefixes))], r.IntN(100_000_000))
}

// landline returns a plausible Zhengzhou landline number.
func landline(r *rand.Rand) string {
	return fmt.Sprintf("0371-6%07d", r.IntN(10_000_000))
}

// creditCode returns a valid GB 32100-2015 unified social credit code: the
// registration department and type (e.g. "91" enterprise, "12" public
// institution, "52" private non-enterprise unit), the area code, a random
// 9-character organisation code and the check character.
func creditCode(r *rand.Rand, kind, area string) string {
	var b strings.Builder
	b.WriteString(kind)
	b.WriteString(area)
	for b.Len() < 16 {
		b.WriteByte(ident.CreditAlphabet[r.IntN(10)]) // organisation codes are mostly digits
	}
	b.WriteByte(ident.CreditAlphabet[r.IntN(len(ident.CreditAlphabet))])
	cc, err := ident.CompleteCreditCode(b.String())
	if err != nil {
		panic(err) // every character is from the alphabet
	}
	return cc
}

// address returns a street address in the district.
func address(r *rand.Rand, st street) string {
	return fmt.Sprintf("河南省郑州市管城回族区%s%d号", st.Roads[r.IntN(len(st.Roads))], 1+r.IntN(299))
}

// near returns a point within about ±0.004° of the street centre.
func near(r *rand.Rand, st street) ledger.Location {
	return ledger.Location{Lat: round6(st.Lat + (r.Float64()-0.5)*0.008), Lon: round6(st.Lon + (r.Float64()-0.5)*0.008)}
}

// plate returns a Zhengzhou vehicle plate: 豫A, a letter and four digits.
func plate(r *rand.Rand) string {
	const letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	return fmt.Sprintf("豫A%c%04d", letters[r.IntN(len(letters))], r.IntN(10000))
}

func round6(f float64) float64 {
	return float64(int64(f*1e6+0.5*sign(f))) / 1e6
}

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}
