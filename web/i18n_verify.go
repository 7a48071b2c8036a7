package web

// The messages of the printable manifest link, the public verification
// page (pages_verify.go, static/verify.js) and the label's size and
// medical-waste sign.
func init() {
	for k, v := range map[string][2]string{
		"mdet.pdf":    {"打印联单（PDF）", "Print the manifest (PDF)"},
		"mdet.print":  {"打印本页", "Print this page"},
		"mdet.verify": {"公开核验页", "Public verification page"},
		"err.nopdf":   {"本服务器未配置打印字体，无法生成 PDF 联单。", "This server has no font to print PDF manifests with."},

		"label.medsign":   {"医疗废物警示标志（HJ 421）", "Medical waste warning sign (HJ 421)"},
		"label.copy":      {"第 %d / %d 张", "label %d of %d"},
		"reg.cvolume":     {"单个容器容积（升，可选）", "Volume of one container (litres, optional)"},
		"reg.cvolumehelp": {"决定标签尺寸，如 20、200、1000", "Sets the label size, e.g. 20, 200, 1000"},
		"err.litres":      {"请填写升数，如 200", "Enter litres, e.g. 200"},

		"ver.title":      {"联单核验", "Verify a manifest"},
		"ver.intro":      {"本页不需登录：浏览器自行用 SHA-256 重新计算每个事件的哈希和包含证明，与账本签名检查点的根哈希比对。只显示单位名称，不显示个人信息。", "No sign-in needed: your browser recomputes each event's hash and inclusion proof with SHA-256 and compares them with the root of the ledger's signed checkpoint. Only party names are shown, no personal data."},
		"ver.loading":    {"正在验证……", "Verifying…"},
		"ver.notfound":   {"没有这个联单。", "No such manifest."},
		"ver.failed":     {"无法读取联单记录：", "Could not read the manifest's record:"},
		"ver.ok":         {"已验证", "verified"},
		"ver.bad":        {"验证失败", "FAILED"},
		"ver.withheld":   {"含个人信息（驾驶员、车牌或轨迹），内容不公开；已验证其哈希在账本中", "holds personal data (driver, plate or track): content not shown; its hash is proved to be in the ledger"},
		"ver.leafok":     {"内容哈希已重新计算", "content hash recomputed"},
		"ver.leafbad":    {"内容与哈希不符", "content does not match its hash"},
		"ver.sigok":      {"检查点签名有效（Ed25519，已在浏览器中验证）。", "The checkpoint's signature is valid (Ed25519, verified in the browser)."},
		"ver.sigbad":     {"检查点签名无效！", "The checkpoint's signature does NOT verify!"},
		"ver.sigunknown": {"本浏览器不支持 Ed25519，检查点签名未验证；证明已验证。", "This browser cannot verify Ed25519: the signature is not checked; the proofs are."},
		"ver.allok":      {"全部 %d 个事件的包含证明均已在浏览器中验证。", "All %d events' inclusion proofs verified in the browser."},
		"ver.somebad":    {"%d 个事件验证失败：记录可能被篡改。", "%d events failed verification: the record may have been tampered with."},
		"ver.checkpoint": {"签名检查点", "Signed checkpoint"},
		"ver.keynote":    {"公钥由本服务器提供；请与生态环境部门公布的账本公钥比对。", "The key comes from this server: compare it with the ledger key the bureau publishes."},
		"ver.events":     {"联单事件", "Manifest events"},
		"ver.how":        {"叶哈希 = SHA-256(0x00 ‖ 事件字节)，节点 = SHA-256(0x01 ‖ 左 ‖ 右)（RFC 6962）。", "Leaf hash = SHA-256(0x00 ‖ event bytes), node = SHA-256(0x01 ‖ left ‖ right) (RFC 6962)."},
		"ver.size":       {"事件数", "Events"},
		"ver.root":       {"根哈希", "Root hash"},
		"ver.origin":     {"账本", "Ledger"},
		"ver.key":        {"账本公钥", "Ledger key"},
		"ver.number":     {"联单编号", "Number"},
		"ver.status":     {"状态", "Status"},
		"ver.generator":  {"移出人", "Generator"},
		"ver.carriers":   {"承运人", "Carriers"},
		"ver.receiver":   {"接受人", "Receiver"},
		"ver.batches":    {"批次", "Batches"},
	} {
		messages[k] = v
	}
}
