package ledger

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
)

// formZh names the physical forms in Chinese, for the rule of the form tag.
var formZh = map[string]string{FormSolid: "固态", FormSemiSolid: "半固态", FormLiquid: "液态", FormGas: "气态"}

// roleZh names the roles in Chinese, for the rule of the roles tag.
var roleZh = map[Role]string{RoleGenerator: "产废单位", RoleTransporter: "运输单位", RoleReceiver: "接收单位",
	RoleInspector: "监管人员", RoleAdmin: "管理员", RoleCollector: "收集单位"}

// ruleTextZh says in Chinese which rule a field broke: the same rule as
// ruleText, one Chinese template per tag.
func ruleTextZh(fe validator.FieldError) string {
	t := fe.Type()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	list := t.Kind() == reflect.Slice || t.Kind() == reflect.Array
	p := fe.Param()
	switch fe.Tag() {
	case "required":
		switch {
		case t == timeType:
			return "必填（日期和时间）"
		case t.Kind() == reflect.Bool:
			return "必填（是或否）"
		}
		return "必填"
	case "min":
		if list {
			return "至少填写 " + p + " 项"
		}
		return "至少 " + p + " 个字符"
	case "max":
		if list {
			return "最多 " + p + " 项"
		}
		return "最多 " + p + " 个字符"
	case "gt":
		return "必须大于 " + p
	case "gte":
		return "不能小于 " + p
	case "lte":
		return "不能大于 " + p
	case "between":
		lo, hi, _ := betweenParam(p)
		return fmt.Sprintf("应在 %g 到 %g 之间", lo, hi)
	case "unique":
		return "不能重复"
	case "datetime":
		if p == time.DateOnly {
			return "应为日期（年-月-日）"
		}
		return "日期时间格式不对"
	case "form":
		names := make([]string, len(WasteForms))
		for i, f := range WasteForms {
			names[i] = formZh[f]
		}
		return "应为" + strings.Join(names, "、") + "之一"
	case "roles":
		names := make([]string, len(AllRoles))
		for i, r := range AllRoles {
			names[i] = roleZh[r]
		}
		return "每项应为" + strings.Join(names, "、") + "之一"
	case "text", "note":
		return textProblemOf(fe).Zh
	}
	return "不符合规则（" + fe.Tag() + "）"
}
