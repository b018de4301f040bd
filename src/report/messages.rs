//! The one message catalogue of the reports: every label in both working languages of the
//! standard, side by side, so a translation cannot drift from its original. Rust code names a
//! message by its constant; templates name it as `{{t.NAME}}`, which strict mode turns into a
//! render error when the name is wrong.

use serde_json::{Map, Value};

use super::Lang;

#[derive(Debug, Clone, Copy)]
pub(super) struct Msg {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

impl Msg {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }

    /// The message with each `{name}` replaced by its value, in one pass: a value is never
    /// searched for placeholders itself, so device text cannot pull in another argument.
    pub fn fill(self, lang: Lang, args: &[(&str, &str)]) -> String {
        let text = self.get(lang);
        let mut out = String::with_capacity(text.len() + 32);
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let arg = after.find('}').and_then(|close| {
                let name = &after[..close];
                args.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, value)| (close, *value))
            });
            match arg {
                Some((close, value)) => {
                    out.push_str(value);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

macro_rules! catalogue {
    ($($name:ident $zh:literal $en:literal;)*) => {
        $(pub(super) const $name: Msg = Msg { key: stringify!($name), zh: $zh, en: $en };)*
        pub(super) const CATALOGUE: &[Msg] = &[$($name),*];
    };
}

catalogue! {
    CERT_TITLE "人工智能终端智能化分级检验证书" "Certificate of intelligence grading of an AI terminal";
    CERT_TITLE_NONE "人工智能终端智能化分级测试报告" "Intelligence grading test report of an AI terminal";
    NOT_A_CERTIFICATE
        "本报告未签发证书（运行时未使用 --certify，或证书签发被拒绝）。"
        "No certificate was issued for this report (the run was not made with --certify, or a certificate was refused).";
    CERT_REFUSED_BECAUSE "未签发证书的原因：" "A certificate was not issued because:";
    CERT_NUMBER "报告编号" "Report number";
    CERT_ISSUED "签发日期" "Date of issue";
    CERT_VALID_UNTIL "有效期至" "Valid until";
    ACCREDITATION "认可编号" "Accreditation";
    CLIENT "委托方" "Client";
    PRODUCT "产品" "Product";
    SEC_CERT_IDENTITY "产品标识核验" "Product identity";
    IDENTITY_NOTE "申报值取自设备描述文件与样品记录，设备自报值取自设备的 info 应答。" "Declared values come from the device profile and the sample record; reported values from the device's own info answer.";
    DECLARED "申报" "Declared";
    REPORTED "设备自报" "Reported by the device";
    STATUS "核验" "Check";
    ID_MATCH "一致" "match";
    ID_MISMATCH "不一致" "mismatch";
    ID_NOT_REPORTED "设备未报告" "not reported";
    ID_NOT_DECLARED "未申报" "not declared";
    BUILD_FINGERPRINT "构建指纹" "Build fingerprint";
    SEC_CERT_CLAUSES "逐条款判定" "Verdicts by clause of the standard";
    CLAUSE_NOTE "每行一个标准条款；一个用例对应多个条款时，在每个条款下各计一次。" "One row per clause of the standard; a case that traces to several clauses counts under each.";
    CLAUSE_VERDICT "结论" "Result";
    SEC_CERT_CONDITIONS "检验条件" "Test conditions";
    SAMPLE_SERIAL "样品序列号" "Sample serial number";
    SAMPLE_IMEI "IMEI" "IMEI";
    SAMPLE_LAB_ID "样品编号" "Sample number";
    SAMPLE_RECEIVED "收样日期" "Sample received";
    SAMPLE_CONDITION "样品状态" "Sample condition";
    TEST_PERIOD "检验时间" "Tested";
    ENVIRONMENT "检验环境" "Environment";
    ENV_NOISE "环境噪声 {db} dB(A)" "ambient noise {db} dB(A)";
    ENV_TEMPERATURE "温度 {c} °C" "temperature {c} °C";
    ENV_HUMIDITY "相对湿度 {pct}%" "relative humidity {pct} %";
    LIST_SEP "，" ", ";
    NETWORK "网络" "Network";
    EQUIPMENT "检验设备" "Test equipment";
    EQUIPMENT_ID "设备编号" "Asset number";
    CALIBRATION_DUE "校准有效期至" "Calibration due";
    SEC_CERT_CAVEATS "说明" "Conditions and notices";
    CAVEAT_SAMPLE "本结果仅对所检样品及其固件版本 {firmware} 有效。" "These results apply only to the sample tested and its firmware {firmware}.";
    CAVEAT_IDENTITY "设备自报的标识与申报不一致，见“产品标识核验”。" "The identity the device reported differs from the declared one: see Product identity.";
    SIG_OPERATOR "检验" "Tested by";
    SIG_REVIEWER "审核" "Reviewed by";
    SIG_APPROVER "批准" "Approved by";
    SIGN_HERE "签字 / 日期" "Signature / date";
    SIGNATURE_NOTE "电子签名：结果文件（SHA-256 {digest}）由实验室密钥 {key} 签署；用 ailevel verify 核验。" "Electronic signature: the results file (SHA-256 {digest}) is signed with the lab's key {key}; check it with ailevel verify.";
    SIGNATURE_NOTE_NO_LAB "结果文件 SHA-256：{digest}。" "Results file SHA-256: {digest}.";
    QR_NOTE "扫码可得证书编号与结果文件摘要，供目录查验。" "The code carries the certificate number and the results digest, for a catalogue to look up.";
    ANNEX_TITLE "附录 A　检验证据" "Annex A — Evidence";
    ANNEX_NOTE "以下为证书所依据的证据：等级阶梯、能力要素得分、逐用例与逐次试验的记录。" "The evidence the certificate rests on: the level ladder, element scores, and every case and trial.";
    STANDARD "GB/Z 177—2026《人工智能终端智能化分级》" "GB/Z 177—2026 Intelligence grading of AI terminals";
    REPORT_TITLE "智能化分级测试报告" "Intelligence grading test report";
    SUMMARY_TITLE "智能化分级" "Intelligence grade";
    BELOW_LOWEST "未达 {level}" "below {level}";
    PROVISIONAL "暂行" "provisional";
    DECLARED_LEVEL "申报等级" "Declared level";
    DECLARED_MET "已达到" "met";
    DECLARED_NOT_MET "未达到" "not met";
    DECLARED_NOT_EVALUATED "部分运行，未评定" "not evaluated (partial run)";
    DECLARED_NONE "未申报" "none declared";
    BLOCKING_NEXT "阻碍达到更高等级的用例" "Cases blocking the next level";
    NOTICE_PROVISIONAL_LEVELS
        "{levels}为暂行分级：标准将在后续修订中明确，本报告照常判定并标注为暂行。"
        "{levels}: provisional level, to be clarified in later revisions of the standard; graded here and marked provisional.";
    NOTICE_THRESHOLDS
        "{levels}的阈值为 ailevel 暂行取值，并非标准原文。"
        "Thresholds are provisional for {levels}: ailevel's values, not the standard's.";
    NOTICE_FEATURE_CONFLICTS "设备功能声明存在矛盾：{conflicts}" "The device's features are declared inconsistently: {conflicts}";
    NOTICE_TOOLS_USED "向模型提供了 {offered} 个工具；{used} / {turns} 个已答轮次调用了工具（用过的：{names}）。" "{offered} tools were offered to the model; {used} of {turns} answered turns called one (used: {names}).";
    NOTICE_TOOLS_UNUSED "向模型提供了 {offered} 个工具，但 {turns} 个已答轮次中没有一次调用：端点可能忽略了工具（运行 `ailevel probe`；有的服务器需要设置 `tool_choice`）。" "{offered} tools were offered to the model, yet none of {turns} answered turns called one: the endpoint may ignore tools (run `ailevel probe`; some servers need `tool_choice`).";
    NOTICE_VARIANTS "本次运行使用了实验室私有措辞池（SHA-256 {sha256}，共 {phrasings} 条措辞），{drawn} 个试验轮次发送了其中的措辞。" "This run drew from the lab's private phrasing pool (SHA-256 {sha256}, {phrasings} phrasings); {drawn} trial turns sent one of them.";
    PHRASING "措辞" "Phrasing";
    PHRASING_DRAWN "每次试验按种子抽取" "drawn per trial from the seed";
    PHRASING_CANONICAL "仅标准措辞" "canonical only";
    NOTICE_INCOMPLETE
        "{level} 未完成：该级仅因结论不确定的用例而未达到，没有用例未通过，不能据此认定设备不具备该级能力。请重新运行以下用例以判定：{cases}"
        "{level} incomplete: it is held back only by inconclusive cases, with no case failed, so this run does not show the device lacks that level. Rerun these cases to decide it: {cases}";
    NOTICE_RETRIED
        "本运行经 ailevel retry 重跑 {rounds} 轮，每次尝试均已保留；重跑的用例（各轮结论）：{cases}"
        "{rounds} round(s) of ailevel retry reran cases of this run, every attempt kept; retried (each round's verdict): {cases}";
    NOTICE_ABORTED "运行已中止，部分试验未能执行：{reason}" "The run was aborted and some trials could not run: {reason}";
    NOTICE_INTERRUPTED
        "运行被中断（{signal}），计划的 {planned} 次试验仅完成 {run} 次，结果不完整；用 ailevel run --resume 目录 继续该运行"
        "The run was interrupted ({signal}) after {run} of {planned} planned trials, so these results are incomplete; continue it with ailevel run --resume DIR";
    CONTENTS "目录" "Contents";
    COLON "：" ": ";
    SEC_IDENTITY "被测设备与运行信息" "Device and run";
    SEC_DEVICE "被测设备" "Device under test";
    SEC_RUN "运行" "Run";
    SEC_SUMMARY "结果汇总" "Summary";
    SEC_LADDER "等级阶梯" "Level ladder";
    SEC_SCORES "能力要素得分" "Capability element scores";
    SEC_LATENCY "响应时延分布" "Turn latency distribution";
    SEC_MODES "端侧与端云协同" "End-side and device-cloud";
    SEC_CASES "测试用例" "Test cases";
    SEC_BY_CLAUSE "按标准条款汇总" "Results by clause of the standard";
    VENDOR "厂商" "Vendor";
    MODEL "型号" "Model";
    CATEGORY "品类" "Category";
    FIRMWARE "固件版本" "Firmware";
    FEATURES "声明的功能" "Declared features";
    ADAPTER "适配器" "Adapter";
    PROFILE "设备描述文件" "Device profile";
    PROFILE_SHA256 "设备描述文件 SHA-256" "Profile SHA-256";
    REPORTED_INFO "设备自报信息" "Reported by the device";
    NOT_REPORTED "未报告" "not reported";
    AI_MODEL "AI 模型" "AI model";
    ON_DEVICE "端侧运行" "runs on the device";
    OFF_DEVICE "非端侧运行" "does not run on the device";
    FRAMEWORK "分级框架" "Framework";
    FRAMEWORK_SHA256 "分级框架 SHA-256" "Framework SHA-256";
    SUITE "测试集" "Suite";
    SUITE_SHA256 "测试集 SHA-256" "Suite SHA-256";
    SUITE_FILES "测试集文件" "Suite files";
    FILE "文件" "File";
    HARNESS "测试工具" "Harness";
    SEED "随机种子" "Seed";
    LOCALE "语言" "Locale";
    TRIALS_OVERRIDE "试验次数覆盖" "Trials override";
    CONCURRENCY "并发数" "Concurrency";
    TURN_TIMEOUT "单轮超时" "Turn timeout";
    STARTED "开始时间" "Started";
    FINISHED "结束时间" "Finished";
    DURATION "用时" "Duration";
    NONE "无" "none";
    CASES "用例" "Cases";
    TRIALS "试验" "Trials";
    TRIAL_ERRORS "出错的试验" "Trials with device errors";
    VERDICT_PASS "通过" "Pass";
    VERDICT_FAIL "不通过" "Fail";
    VERDICT_INCONCLUSIVE "无法判定" "Inconclusive";
    VERDICT_NOT_APPLICABLE "不适用" "Not applicable";
    TOTAL "合计" "Total";
    LEVEL "等级" "Level";
    HELD "是否达到" "Held";
    HELD_YES "达到" "held";
    HELD_NO "未达到" "not held";
    NOT_GRADED "未判定" "not graded";
    HELD_INCOMPLETE "未完成（证据不足）" "incomplete (not decided)";
    DIFF_ABSENT "（无）" "(absent)";
    DIFF_NEW_FAILURES "新增失败" "New failures";
    DIFF_FIXES "已修复" "Fixed";
    DIFF_CHANGED "结论变化" "Verdict changes";
    DIFF_BY_ELEMENT "按要素" "By element";
    DIFF_BY_CLAUSE "按条款" "By clause";
    DIFF_LATENCY "轮次时延" "Turn latency";
    DIFF_REGRESSION "结论：有回退" "Verdict: regression";
    DIFF_NO_REGRESSION "结论：无回退" "Verdict: no regression";
    DIFF_RUN_BASE "基线" "base";
    DIFF_RUN_NEW "新" "new";
    DIFF_CAVEAT_SUITE "两次运行使用了不同的测试套件（套件 SHA-256 不同）" "the runs used different suites (suite SHA-256 differs)";
    DIFF_CAVEAT_FRAMEWORK "两次运行按不同的分级框架评定" "the runs were graded under different frameworks";
    DIFF_CAVEAT_CATEGORY "设备类别不同：{base} 与 {new}" "different device categories: {base} and {new}";
    DIFF_CAVEAT_PARTIAL "{run}运行只覆盖了部分用例" "the {run} run covered a selection of cases only";
    DIFF_CAVEAT_ABORTED "{run}运行已中止" "the {run} run was aborted";
    PARTIAL_NOT_GRADED "部分运行，未评定等级" "partial run, not graded";
    NOTICE_PARTIAL
        "本次运行只包含 {selection} 选中的用例：未由部分用例评定等级，各级结果仅供参考。"
        "This run covered only the cases selected by {selection}: no level is graded from a subset, and the ladder shows only how those cases did.";
    ABOVE_REQUIRED
        "高于要求等级 {required}（本用例为 {level}），不计入：{verdict}，{reason}"
        "above the required level {required} (this case is {level}), not counted: {verdict}, {reason}";
    REASONS "依据" "Reasons";
    BLOCKING_CASES "阻碍用例" "Blocking cases";
    CLAUSE "条款" "Clause";
    THRESHOLDS "阈值" "Thresholds";
    THRESHOLDS_TEXT "主要要素 ≥ {primary}，综合 ≥ {overall}" "primary elements ≥ {primary}, overall ≥ {overall}";
    PASS_RULES "判定规则" "Pass rules";
    PASS_RULES_TEXT "必测用例{mandatory}；非必测用例{optional}；默认 {trials} 次试验" "mandatory cases: {mandatory}; optional cases: {optional}; {trials} trials by default";
    RULE_ALL "每次有效试验均通过（至少 {min_valid} 次有效）" "every valid trial passes (at least {min_valid} valid)";
    RULE_RATE "通过率 ≥ {rate}（至少 {min_valid} 次有效）" "pass rate ≥ {rate} (at least {min_valid} valid)";
    ELEMENT "能力要素" "Element";
    PRIMARY "主要要素" "primary";
    SCORE "得分" "Score";
    THRESHOLD "阈值" "Threshold";
    OVERALL "综合" "Overall";
    PASSED_APPLICABLE "通过/适用" "Passed/applicable";
    NO_SCORE "无适用用例" "no applicable cases";
    SCORES_NOTE "竖线标出主要要素与综合得分的阈值；红色表示低于阈值。" "The vertical mark is the threshold of a primary element or of the overall score; red means below it.";
    LATENCY_NOTE "测试工具测得的每个试验中每一轮的时延。" "Harness-measured latency of every turn of every trial.";
    TURNS "轮次" "Turns";
    MIN "最小" "Min";
    MEDIAN "中位数" "Median";
    P90 "P90" "P90";
    P95 "P95" "P95";
    MAX "最大" "Max";
    MEAN "平均" "Mean";
    NO_TURNS "没有记录到对话轮次。" "No turns were recorded.";
    LATENCY_BUCKET "{from}–{to} ms：{n} 轮" "{from}–{to} ms: {n} turns";
    AXIS_MS "时延 (ms)" "latency (ms)";
    AXIS_TURNS "轮次" "turns";
    MODE "模式" "Mode";
    MODE_END_SIDE "端侧" "End-side";
    MODE_DEVICE_CLOUD "端云协同" "Device-cloud";
    MODE_ANY "不限" "Any";
    FILTER "筛选" "Filter";
    ALL "全部" "all";
    MANDATORY_ONLY "仅必测用例" "mandatory only";
    SHOW_ALL "显示全部" "Show all";
    SHOWN "显示" "Shown";
    ID "编号" "ID";
    TITLE "名称" "Title";
    MANDATORY "必测" "Mandatory";
    YES "是" "yes";
    NO "否" "no";
    VERDICT "判定" "Verdict";
    PASSED_PLANNED "通过/计划" "Passed / planned";
    WEIGHT "权重" "Weight";
    TRIAL_COUNTS "通过 {passed}，失败 {failed}，出错 {errored}，计划 {planned}" "{passed} passed, {failed} failed, {errored} errored of {planned} planned";
    TRIAL_STATS
        "有效试验 {k} 次，通过率 {rate}（Wilson 95% 区间 {low}–{high}）；pass^k {hat}，pass@k {at}"
        "pass rate {rate} over {k} valid trials (Wilson 95 % interval {low}–{high}); pass^k {hat}, pass@k {at}";
    TRIAL "试验" "Trial";
    OUTCOME_PASS "通过" "pass";
    OUTCOME_FAIL "不通过" "fail";
    OUTCOME_ERROR "出错" "error";
    NO_TRIALS "没有运行试验。" "No trials ran.";
    EVIDENCE_PACKED
        "试验记录已压缩存于本页，在启用脚本的浏览器中展开本用例即显示；全部试验的完整记录见 results.json。"
        "The trials' records are stored compressed in this page and appear when this case is opened in a browser with scripts on; every trial's full record is in results.json.";
    BRIEF_NOTE
        "为控制报告大小，每个用例完整展示前 {pass} 次通过的试验和前 {fail} 次未通过或出错的试验，其余 {n} 次试验各列一行摘要；全部试验的完整记录见 results.json。"
        "To keep this report a size a browser opens quickly, each case shows its first {pass} passing trials and its first {fail} failed or errored trials in full; the other {n} trials are listed one line each. Every trial's full record is in results.json.";
    BRIEF_CASE "另有 {n} 次试验仅列摘要（完整记录见 results.json）：" "{n} more trials, summarised (full records in results.json):";
    OUTCOME "结果" "Outcome";
    SETUP "预置操作" "Setup";
    TURN "第 {n} 轮" "Turn {n}";
    INPUT "输入" "Input";
    EVENT "事件" "Event";
    AUDIO "音频" "Audio";
    IMAGE "图像" "Image";
    OUTPUT "输出" "Output";
    NO_OUTPUT_TEXT "（无文本输出）" "(no text output)";
    NO_RESPONSE "设备未应答" "no response from the device";
    SPEECH "语音" "Speech";
    ACTIONS "动作" "Actions";
    NO_ACTIONS "无动作" "no actions";
    TARGET "目标" "target";
    NEEDS_CONFIRMATION "请求确认" "Asked for confirmation";
    SERVED_BY "服务方" "Served by";
    SERVED_DEVICE "端侧" "device";
    SERVED_CLOUD "云端" "cloud";
    SERVED_HYBRID "混合" "hybrid";
    DEVICE_TIMING "设备自报时延" "Device-reported timing";
    FIRST_OUTPUT "首次输出" "first output";
    TOTAL_TIME "总计" "total";
    LATENCY "时延" "Latency";
    CHECKS "检查项" "Checks";
    NO_CHECKS "本轮无检查项" "no checks in this turn";
    JUDGE "评判模型" "Judge";
    JUDGE_SETTINGS "温度 {temperature}，种子 {seed}" "temperature {temperature}, seed {seed}";
    JUDGE_UNDECIDED "未得出结论" "no decision";
    RUBRIC "评分准则" "Rubric";
    CHECK_PASS "通过" "pass";
    CHECK_FAIL "不通过" "fail";
    DEVICE_ERROR "设备错误" "Device error";
    EVIDENCE "证据" "Evidence";
    STATE "本轮后的设备状态" "Device state after the turn";
    MEDIA_OMITTED "{format}，{bytes} 字节，未嵌入" "{format}, {bytes} bytes, not embedded";
    MEDIA_INVALID "{format}，不是有效的 base64，未嵌入" "{format}, not valid base64, not embedded";
    FIXTURE_MISSING "引用的素材 sha256:{sha256} 不在结果文件中" "fixture sha256:{sha256} is not in the results file";
    SEC_FIXTURES "测试素材" "Test fixtures";
    FIXTURES_NOTE "各轮输入中的音频与图像素材，每个只嵌入一次。" "Audio and image fixtures sent as turn inputs, each embedded once.";
    FORMAT "格式" "Format";
    PARAMS "参数" "Parameters";
    PRINT_NOTE "逐次试验的证据见 HTML 报告与 results.json。" "Per-trial evidence is in the HTML report and in results.json.";
    GENERATED_BY "由 {harness} 根据结果文件（{schema}）生成。" "Generated by {harness} from the results file ({schema}).";
    CASE "用例" "Case";
    FIRST_FAILING_CHECK "首个未通过的检查" "First failing check";
    MORE "另有 {n} 个未列出" "{n} more not listed";
    ERR_TIMEOUT "设备在 {ms} ms 内未应答" "device did not answer within {ms} ms";
    ERR_UNREACHABLE "无法连接设备：{detail}" "device unreachable: {detail}";
    ERR_TRANSPORT "与设备的连接中断：{detail}" "connection to the device failed: {detail}";
    ERR_PROTOCOL "设备违反协议：{detail}" "device broke the protocol: {detail}";
    ERR_DEVICE "设备返回错误 {code}：{detail}" "device answered with error {code}: {detail}";
    ERR_HTTP "设备返回 HTTP {status}（{code}）：{detail}" "device answered HTTP {status} ({code}): {detail}";
    ERR_UNSUPPORTED "设备不支持控制操作 `{op}`" "device does not support control op `{op}`";
    CON_HEADLINE
        "{vendor} {model}（{category}，固件 {firmware}）：{level}{provisional}"
        "{vendor} {model} ({category}, firmware {firmware}): {level}{provisional}";
    CON_BELOW "未达 {level}" "below {level}";
    CON_PROVISIONAL " [暂行]" " [provisional]";
    CON_DECLARED_MISSED "  申报等级 {level}，未达到" "  declared {level}, not reached";
    CON_HELD "  {level} 达到" "  {level} held";
    CON_NOT_HELD "  {level} 未达到：{reasons}" "  {level} not held: {reasons}";
    CON_STEP_INCOMPLETE "  {level} 未完成：{reasons}" "  {level} incomplete: {reasons}";
    CON_NOT_HELD_COUNT "  {level} 未达到（{n} 条原因，见报告）" "  {level} not held ({n} reasons, see the report)";
    CON_NOT_HELD_ONE "  {level} 未达到（1 条原因，见报告）" "  {level} not held (1 reason, see the report)";
    CON_INCOMPLETE "  {level} 未完成（仅因结论不确定的用例），请重新运行：{cases}" "  {level} incomplete (only inconclusive cases hold it back); rerun: {cases}";
    CON_BLOCKING "  阻碍达到下一等级的用例：" "  blocking the next level:";
    CON_COUNTS
        "  用例：{pass} 通过，{fail} 未通过，{inconclusive} 结论不确定，{not_applicable} 不适用；{trials} 次试验（{errors} 次设备错误），用时 {seconds} 秒"
        "  cases: {pass} pass, {fail} fail, {inconclusive} inconclusive, {not_applicable} not applicable; {trials} trials ({errors} device errors) in {seconds} s";
    CON_ABORTED "  运行已中止：{reason}" "  run aborted: {reason}";
    CON_INTERRUPTED
        "  运行被中断（{signal}）：完成 {run}/{planned} 次试验，结果不完整；继续：ailevel run …同样的选项… --resume {dir}"
        "  run interrupted ({signal}): {run} of {planned} trials ran, results incomplete; continue with: ailevel run …the same options… --resume {dir}";
    SIGNAL_NONE "进程未写出结果即终止" "the process ended without writing results";
    CON_CERT_REFUSED "  未签发证书：" "  certificate refused:";
    CON_CERT_ISSUED "  证书 {id} 已签发，签发日期 {issued}" "  certificate {id} issued {issued}";
    CON_RESULTS "  结果：{path}" "  results: {path}";
    CON_REPORT "  报告：{path}" "  report:  {path}";
    CON_BASELINE "  与基线 {path} 比较：" "  baseline {path}:";
    CON_TRIAL_ERROR "第 {trial} 次试验：{error}" "trial #{trial}: {error}";
    CON_TRIAL_CHECK "第 {trial} 次试验第 {turn} 轮：{reason}" "trial #{trial} turn {turn}: {reason}";
    DEVICE "设备" "Device";
    VERDICTS "判定统计" "Verdicts";
    VERDICT_COUNTS
        "通过 {pass}，不通过 {fail}，无法判定 {inconclusive}，不适用 {not_applicable}（共 {cases} 个用例，{trials} 次试验，{errors} 次出错）"
        "{pass} pass, {fail} fail, {inconclusive} inconclusive, {not_applicable} not applicable ({cases} cases, {trials} trials, {errors} with device errors)";
}

/// Every message in `lang`, keyed by constant name: the `t` object of the templates.
pub(super) fn table(lang: Lang) -> Map<String, Value> {
    CATALOGUE
        .iter()
        .map(|m| (m.key.to_string(), Value::String(m.get(lang).to_string())))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn fill_replaces_each_placeholder_once_and_leaves_the_rest() {
        let counts = TRIAL_COUNTS.fill(
            Lang::En,
            &[
                ("passed", "{failed}"),
                ("failed", "2"),
                ("errored", "0"),
                ("planned", "5"),
            ],
        );
        assert!(counts.contains("{failed}"), "{counts}");
        assert!(counts.contains('2') && counts.contains('5'), "{counts}");
        assert!(!counts.contains("{errored}") && !counts.contains("{planned}"));
        let msg = Msg {
            key: "T",
            zh: "{a}{b} {c} {",
            en: "",
        };
        assert_eq!(
            msg.fill(Lang::Zh, &[("a", "x"), ("b", "}y{")]),
            "x}y{ {c} {"
        );
    }

    #[test]
    fn keys_are_unique_and_texts_non_empty() {
        let mut seen = BTreeSet::new();
        for m in CATALOGUE {
            assert!(seen.insert(m.key), "duplicate message {}", m.key);
            assert!(
                !m.zh.trim().is_empty() && !m.en.trim().is_empty(),
                "empty message {}",
                m.key
            );
        }
    }

    #[test]
    fn placeholders_match_between_languages() {
        let names = |s: &str| {
            s.split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .collect::<BTreeSet<_>>()
        };
        for m in CATALOGUE {
            assert_eq!(names(m.zh), names(m.en), "placeholders differ in {}", m.key);
        }
    }

    #[test]
    fn fill_replaces_every_occurrence() {
        assert_eq!(TURN.fill(Lang::En, &[("n", "2")]), "Turn 2");
        assert_eq!(TURN.fill(Lang::Zh, &[("n", "2")]), "第 2 轮");
    }
}
