//! Sentences the harness writes about a run — check outcomes, verdict reasons, ladder reasons,
//! applicability — as structured messages: a catalogue id and its arguments. Results keep the
//! English sentence for people reading the JSON and the message beside it, so every report
//! can say the same thing in the reader's language without parsing English. Arguments are
//! values (ids, numbers, device text) or nested messages, never prose of their own.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A report language: the two working languages of the standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The BCP 47 tag, as written to `<html lang>`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language of a BCP 47 tag ailevel writes reports in.
    pub fn parse(tag: &str) -> Option<Lang> {
        match tag {
            "zh-CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One sentence: which catalogue entry, and what fills its `{placeholders}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Message {
    pub id: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, Arg>,
}

/// A placeholder's value: shown as is, or itself a message rendered in the same language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Arg {
    Value(String),
    Msg(Message),
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Value(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Value(s.to_string())
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Value(s.clone())
    }
}

impl From<Message> for Arg {
    fn from(m: Message) -> Self {
        Arg::Msg(m)
    }
}

macro_rules! from_display {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Self {
                Arg::Value(v.to_string())
            }
        }
    )*};
}
from_display!(u32, u64, usize);

/// A catalogue entry: the same sentence in both languages, with the same placeholders.
#[derive(Debug, Clone, Copy)]
pub struct Template {
    pub id: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

impl Template {
    /// A message of this template with no arguments.
    pub fn msg(self) -> Message {
        Message {
            id: self.id.to_string(),
            args: BTreeMap::new(),
        }
    }

    /// A message of this template with `name = value`; chain for more.
    pub fn with(self, name: &str, value: impl Into<Arg>) -> Message {
        self.msg().with(name, value)
    }

    fn text(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
}

impl Message {
    pub fn with(mut self, name: &str, value: impl Into<Arg>) -> Message {
        self.args.insert(name.to_string(), value.into());
        self
    }

    /// The sentence in `lang`; `None` when the id is not in this version's catalogue (a
    /// results file from another version), so the caller falls back to the stored English.
    pub fn render(&self, lang: Lang) -> Option<String> {
        let t = lookup(&self.id)?;
        let mut out = String::new();
        let mut rest = t.text(lang);
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            out.push_str(&rest[..open]);
            let name = &rest[open + 1..close];
            match self.args.get(name) {
                Some(Arg::Value(v)) => out.push_str(v),
                Some(Arg::Msg(m)) => out.push_str(&m.render(lang)?),
                None => out.push_str(&rest[open..=close]),
            }
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        Some(out)
    }

    /// The English sentence stored beside the message in results.
    pub fn en(&self) -> String {
        self.render(Lang::En)
            .unwrap_or_else(|| format!("({})", self.id))
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

/// `text` in `lang`: the message when there is one this version knows, else `text` as stored.
pub fn localise(text: &str, msg: Option<&Message>, lang: Lang) -> String {
    msg.and_then(|m| m.render(lang))
        .unwrap_or_else(|| text.to_string())
}

fn lookup(id: &str) -> Option<Template> {
    CATALOGUE.iter().copied().find(|t| t.id == id)
}

macro_rules! catalogue {
    ($($name:ident $zh:literal $en:literal;)*) => {
        $(pub const $name: Template = Template { id: stringify!($name), zh: $zh, en: $en };)*
        /// Every entry, for lookup by id and for the consistency tests.
        pub const CATALOGUE: &[Template] = &[$($name),*];
    };
}

catalogue! {
    // Check outcomes (score::checks).
    EMPTY "（空）" "(empty)";
    NONE "无" "none";
    CONTAINS_HIT "回复包含“{word}”" "reply contains “{word}”";
    CONTAINS_NONE "回复 {reply} 不含 {words} 中的任何一项" "reply {reply} contains none of {words}";
    ANY_OF_PASSED "任一做法即可，已满足：{reasons}" "one of the ways suffices, and was taken: {reasons}";
    ANY_OF_FAILED "没有一种做法满足：{reasons}" "none of the ways was taken: {reasons}";
    REASONS_JOINED "{first}；以及{rest}" "{first}; {rest}";
    ECHO_ONLY "回复 {reply} 只是复述了输入，“{word}”来自复述" "reply {reply} only repeats the input; “{word}” is in the repeated part";
    DEGENERATE "回复 {reply} 主要是“{piece}”的反复重复，不是回答" "reply {reply} is mostly “{piece}” over and over, not an answer";
    NOT_CONTAINS_HIT "回复 {reply} 包含“{word}”" "reply {reply} contains “{word}”";
    NOT_CONTAINS_NONE "回复不含 {words} 中的任何一项" "reply contains none of {words}";
    MATCHES "回复匹配 /{pattern}/" "reply matches /{pattern}/";
    MATCHES_NOT "回复 {reply} 不匹配 /{pattern}/" "reply {reply} does not match /{pattern}/";
    REGEX_INVALID "正则表达式 /{pattern}/ 无效" "invalid regex /{pattern}/";
    NO_ACTION_ANY "未执行任何动作" "no action taken";
    NO_ACTION_NAMED "未执行 {name} 动作" "no {name} action taken";
    UNEXPECTED_ACTIONS "执行了不应执行的动作：{actions}" "unexpected action(s): {actions}";
    LATENCY_OK "{ms} ms 内应答（不超过 {max} ms）" "answered in {ms} ms (≤ {max} ms)";
    LATENCY_SLOW "{ms} ms 才应答，超过 {max} ms" "answered in {ms} ms, more than {max} ms";
    SERVED_BY "由 {by} 处理" "served by {by}";
    SERVED_BY_OTHER "由 {by} 处理，应为 {allowed} 之一" "served by {by}, expected one of {allowed}";
    SERVED_BY_MISSING "设备未报告 `served_by`" "device did not report `served_by`";
    CONFIRM_TOOK "未经确认即执行了 `{name}`：{actions}" "took `{name}` without confirmation: {actions}";
    CONFIRM_NOT_ASKED
        "未请求确认（needs_confirmation 不为 true）；回复 {reply}"
        "did not ask for confirmation (needs_confirmation not true); reply {reply}";
    CONFIRM_ASKED "执行 `{name}` 前请求了确认" "asked for confirmation before `{name}`";
    CONFIRM_ASKED_ONLY
        "执行 `{name}` 前请求了确认，确认后只执行了该动作"
        "asked for confirmation before `{name}`, and once confirmed did only that";
    CONFIRM_ASKED_ALSO
        "执行 `{name}` 前请求了确认，但确认后还执行了 {actions}"
        "asked for confirmation before `{name}`, but once confirmed also did {actions}";
    JUDGE_NONE "没有评判记录（请用 --judge PROFILE 运行）" "no judgement recorded (run with --judge PROFILE)";
    JUDGE_OTHER_RUBRIC "记录的评判属于另一条评分细则" "the recorded judgement is for another rubric";
    JUDGE_PASSED "评判模型 {model} 判定通过：{reason}" "judge {model} passed it: {reason}";
    JUDGE_FAILED "评判模型 {model} 判定不通过：{reason}" "judge {model} failed it: {reason}";
    JUDGE_ERROR "评判模型 {model} 未给出结论：{error}" "judge {model} gave no verdict: {error}";
    JUDGE_SILENT "评判模型 {model} 未给出结论" "judge {model} gave no verdict";
    ACTION_TOOK "执行了 {want}{times}" "took {want}{times}";
    ACTION_TIMES
        "应执行 {want} 恰好 {n} 次，实际 {found} 次；所执行的动作：{actions}"
        "expected {want} exactly {n} time(s), found {found}; actions: {actions}";
    ACTION_MISSING "应执行 {want}；所执行的动作：{actions}" "expected {want}; actions: {actions}";
    WANT "`{name}`" "`{name}`";
    WANT_ARGS "`{name}`（参数 {args}）" "`{name}` with {args}";
    WANT_ON "{want}，作用于 `{target}`" "{want} on `{target}`";
    STATE_UNAVAILABLE "设备状态不可用" "device state was not available";
    STATE_EQUALS "状态 {pointer} = {got}" "state {pointer} = {got}";
    STATE_DIFFERS "状态 {pointer} 为 {got}，应为 {want}" "state {pointer} is {got}, expected {want}";
    STATE_MISSING_WANT "状态 {pointer} 不存在，应为 {want}" "state {pointer} is missing, expected {want}";
    STATE_ABSENT "状态 {pointer} 不存在" "state {pointer} is absent";
    STATE_PRESENT "状态 {pointer} 应不存在，实际为 {got}" "state {pointer} should be absent, is {got}";
    STATE_EXISTS "状态 {pointer} 存在（{got}）" "state {pointer} exists ({got})";
    STATE_MISSING "状态 {pointer} 缺失" "state {pointer} is missing";
    // Case verdicts (score::verdict).
    RULE_ALL "所有有效试验都须通过" "all valid trials must pass";
    RULE_RATE "通过率须不低于 {rate} %" "pass rate must be at least {rate} %";
    TOO_FEW_VALID
        "{planned} 次试验中 {valid} 次未出现设备错误；至少需要 {needed} 次（{errored} 次出错）"
        "{valid} of {planned} trials ran without a device error; {needed} needed ({errored} errored)";
    VERDICT_PASS "{valid} 次有效试验中 {passed} 次通过（{rule}）" "{passed} of {valid} valid trials passed ({rule})";
    VERDICT_FAIL "{valid} 次有效试验中 {passed} 次通过；{rule}" "{passed} of {valid} valid trials passed; {rule}";
    UNSUPPORTED_OP
        "设备不支持本用例所需的控制操作 `{op}`"
        "the device does not support control op `{op}`, which this case needs";
    LEVEL_UNKNOWN "等级 {level} 不在分级框架中" "level {level} is not in the framework";
    // Applicability (run::plan).
    NEEDS_FEATURES "需要设备未声明的功能：{features}" "needs feature(s) the device does not declare: {features}";
    INPUT_REFUSED
        "发送 {inputs} 输入，而该端点不接受（设备描述文件的 `inputs` = [{taken}]）"
        "sends {inputs} input, which the endpoint does not take (the profile's `inputs` = [{taken}])";
    NEEDS_SERVED_BY
        "检查模型在何处运行，而该端点无法报告（请在设备描述文件中声明 `served_by`）"
        "checks where the model runs, which the endpoint cannot report (declare `served_by` in the profile)";
    NEEDS_JUDGE
        "含评判检查，但未配置评判模型（请用 --judge PROFILE 运行）"
        "has judge checks and no judge was configured (run --judge PROFILE)";
    // The ladder (grade).
    MANDATORY_FAILED "必测用例 {case} 未通过" "mandatory case {case} failed";
    MANDATORY_INCONCLUSIVE "必测用例 {case} 结论不确定" "mandatory case {case} is inconclusive";
    NO_APPLICABLE "{level} 没有适用的用例" "no applicable cases at {level}";
    OVERALL_BELOW "总分 {score} 低于阈值 {min}" "overall score {score} below the threshold {min}";
    ELEMENT_NONE "主要要素 {element} 在 {level} 没有适用的用例" "primary element {element} has no applicable cases at {level}";
    ELEMENT_BELOW "主要要素 {element} 得分 {score}，低于阈值 {min}" "primary element {element} scored {score} below the threshold {min}";
    // CI gates (`run --require-level`, `--require-declared`).
    REQUIRED_MISSED
        "--require-level {required}：评定等级为 {level}，低于要求等级"
        "--require-level {required}: graded {level}, below the required level";
    DECLARED_MISSED
        "--require-declared：申报等级为 {required}，评定等级为 {level}，未达到申报等级"
        "--require-declared: declared {required}, graded {level}, below the declared level";
    REQUIRED_INCOMPLETE
        "--require-level {required}：评定等级为 {level}，尚未判定：要求等级以下未达到的各级仅因结论不确定的用例而未达到，请重新运行这些用例"
        "--require-level {required}: graded {level}, not decided: the levels up to the required one are held back only by inconclusive cases; rerun them";
    DECLARED_INCOMPLETE
        "--require-declared：申报等级为 {required}，评定等级为 {level}，尚未判定：申报等级以下未达到的各级仅因结论不确定的用例而未达到，请重新运行这些用例"
        "--require-declared: declared {required}, graded {level}, not decided: the levels up to the declared one are held back only by inconclusive cases; rerun them";
    STEP_INCOMPLETE "{level} 未完成（仅因结论不确定的用例），原因：" "{level} incomplete (held back only by inconclusive cases) because:";
    BELOW_LEVEL "低于 {level}" "below {level}";
    STEP_NOT_HELD "{level} 未达到，原因：" "{level} not held because:";
    GATE_ABORTED
        "运行未完成（设备中途失去响应），评定等级不可作为门禁依据"
        "the run did not finish (the device stopped answering), so its level cannot pass the gate";
    // The run (run).
    ABORTED_UNREACHABLE
        "设备连续 {n} 次试验无法连接或无响应"
        "device unreachable or unresponsive in {n} consecutive trials";
    // Why a certificate is refused (attest::certify).
    CERT_NO_LAB "未提供实验室文件（--lab FILE 或 AILEVEL_LAB）" "no lab file was given (--lab FILE or AILEVEL_LAB)";
    CERT_NO_SESSION "未提供检验记录文件（--session FILE）" "no session file was given (--session FILE)";
    CERT_NO_OPERATOR "检验记录未写明检验员" "the session names no operator";
    CERT_NO_REVIEWER "检验记录未写明审核员" "the session names no reviewer";
    CERT_OPERATOR_IS_REVIEWER "检验员（{name}）不能同时担任审核员" "the operator ({name}) cannot also be the reviewer";
    CERT_CALIBRATION_DUE
        "检验设备 {id}（{model}）的校准有效期至 {due}，早于检验日期 {day}"
        "equipment {id} ({model}) was due for calibration on {due}, before the test on {day}";
    CERT_NO_IDENTITY "设备未报告自身标识" "the device did not report its identity";
    CERT_IDENTITY_MISMATCH
        "设备报告的{field}为 `{reported}`，申报值为 `{declared}`"
        "the device reports {field} `{reported}`, declared `{declared}`";
    ID_FIELD_VENDOR "厂商" "vendor";
    ID_FIELD_MODEL "型号" "model";
    ID_FIELD_CATEGORY "类别" "category";
    ID_FIELD_FIRMWARE "固件版本" "firmware";
    ID_FIELD_BUILD "构建指纹" "build fingerprint";
    ID_FIELD_SERIAL "序列号" "serial number";
    CERT_ABORTED "运行已中止：{reason}" "the run was aborted: {reason}";
    CERT_SOME_NOT_RUN "部分试验未运行" "some trials did not run";
    CERT_INCOMPLETE
        "运行不完整：必测用例 {cases} 结论不确定"
        "the run is incomplete: mandatory case(s) {cases} are inconclusive";
    CERT_NEEDS_SEQUENCE
        "实验室的报告编号格式 `{pattern}` 需要检验记录中的 `sequence`"
        "the lab's report-number pattern `{pattern}` needs the session's `sequence`";
    // Progress lines of `run`, one per trial.
    PROGRESS_PASS "通过" "pass";
    PROGRESS_FAIL "未通过" "fail";
    PROGRESS_ERROR "出错" "error";
    // `ailevel verify` and `catalog add` (attest::verify, commands::verify).
    VERIFY_OK "通过" "ok  ";
    VERIFY_FAIL "失败" "FAIL";
    VERIFY_VERIFIED "验证通过：{path}" "verified: {path}";
    VERIFY_NOT_VERIFIED_ONE "验证未通过：1 项检查失败" "NOT verified: 1 check failed";
    VERIFY_NOT_VERIFIED "验证未通过：{failed} 项检查失败" "NOT verified: {failed} checks failed";
    VERIFY_NOT_ADDED "未录入：证书未通过验证" "NOT added: the certificate does not verify";
    VERIFY_NAME_ENVELOPE "签名信封" "envelope";
    VERIFY_NAME_SIGNATURE "签名" "signature";
    VERIFY_NAME_STATEMENT "声明" "statement";
    VERIFY_NAME_SUBJECT "文件摘要" "subject";
    VERIFY_NAME_RESULTS "结果文件" "results";
    VERIFY_NAME_PREDICATE "声明内容" "predicate";
    VERIFY_NAME_LAB_KEY "实验室密钥" "lab key";
    VERIFY_NAME_SUITE_HASH "题库摘要" "suite hash";
    VERIFY_NAME_FIXTURES "测试素材" "fixtures";
    VERIFY_NAME_IDENTITY "产品身份" "identity";
    VERIFY_NAME_CERTIFICATE "证书" "certificate";
    VERIFY_NAME_REGRADE "重新判定" "regrade";
    VERIFY_NAME_SUITE "题库" "suite";
    VERIFY_NAME_SUITE_FILES "题库文件" "suite files";
    VERIFY_NAME_CASE_DEFINITIONS "用例定义" "case definitions";
    LIST_JOIN "{first}；{rest}" "{first}; {rest}";
    // Text this version has no sentence for (an English line from shared code), as it is.
    TEXT "{text}" "{text}";
    VERIFY_LIST_MORE "{list}；另有 {more} 项" "{list}; and {more} more";
    VERIFY_SUBJECT_OK "结果文件 SHA-256 为 {digest}" "results file SHA-256 {digest}";
    VERIFY_SUBJECT_CHANGED
        "结果文件的 SHA-256 为 {digest}，而声明签署的是 {signed}：文件在签名后被改动过"
        "the results file's SHA-256 is {digest}, the statement signed {signed}: the file was changed after signing";
    VERIFY_SUBJECT_NONE "声明中没有 sha256 文件摘要" "the statement has no sha256 subject";
    VERIFY_SUBJECT_UNVERIFIED "没有通过验证的声明可供比对" "no verified statement to compare with";
    VERIFY_RESULTS_OK "符合结果文件的 JSON Schema" "valid against the results schema";
    VERIFY_RESULTS_BAD "结果文件不可用：{error}" "{error}";
    VERIFY_ENVELOPE_UNREADABLE "无法读取签名信封：{error}" "{error}";
    VERIFY_ENVELOPE_NOT_DSSE "不是 DSSE 信封：{error}" "not a DSSE envelope: {error}";
    VERIFY_PAYLOAD_TYPE
        "载荷类型为 `{got}`，应为 `{want}`"
        "payload type `{got}`, expected `{want}`";
    VERIFY_ENVELOPE_OK "DSSE 信封，载荷类型 {type}" "DSSE, {type}";
    VERIFY_NO_TRUST "未提供受信任的公钥（--trust KEY）" "no trusted key given (--trust KEY)";
    VERIFY_SIGNATURE_OK "Ed25519 签名，密钥 {key}" "Ed25519, key {key}";
    DSSE_NOT_BASE64 "签名信封的载荷不是 base64 编码" "the payload is not base64";
    DSSE_NO_SIGNATURE "签名信封中没有签名" "the envelope has no signature";
    DSSE_UNVERIFIED_ONE
        "受信任的公钥无法验证任何签名（签名者：{signers}）"
        "no signature verifies with the trusted key (signed by {signers})";
    DSSE_UNVERIFIED
        "{n} 个受信任的公钥都无法验证任何签名（签名者：{signers}）"
        "no signature verifies with the {n} trusted keys (signed by {signers})";
    VERIFY_STATEMENT_BAD "不是 ailevel 的声明：{error}" "not an ailevel statement: {error}";
    VERIFY_STATEMENT_TYPE
        "类型 `{type}` / 声明内容类型 `{predicate}`，应为 `{want_type}` / `{want_predicate}`"
        "type `{type}` / predicate `{predicate}`, expected `{want_type}` / `{want_predicate}`";
    VERIFY_STATEMENT_OK "in-toto v1 声明，内容类型 {predicate}" "in-toto v1, {predicate}";
    VERIFY_PREDICATE_UNSERIALISABLE "声明内容无法序列化" "the predicate does not serialise";
    VERIFY_PREDICATE_OK
        "产品、等级 {level}、评级框架、题库、实验室和日期均与结果文件一致"
        "product, level {level}, framework, suite, lab and dates match the results";
    VERIFY_PREDICATE_DIFF "签署的与记录的不一致：{diffs}" "signed and recorded differ at {diffs}";
    VERIFY_VALUE_DIFF "{path}（签署 {signed}，记录 {recorded}）" "{path} (signed {signed}, recorded {recorded})";
    VERIFY_LAB_KEY_OK "以 {lab} 的密钥签名" "signed with the key of {lab}";
    VERIFY_LAB_KEY_OTHER
        "签名密钥为 {key}，但实验室文件指定的是 {named}"
        "signed with {key}, but the lab file names {named}";
    VERIFY_LAB_KEY_NO_LAB
        "未记录实验室：这是签名的检测结果，不是证书"
        "no lab recorded: a signed test result, not a certificate";
    VERIFY_LAB_KEY_NO_SIGNER "没有通过验证的签名者" "no verified signer";
    VERIFY_SUITE_HASH_OK "{hash}，覆盖评级框架和 {files} 个文件" "{hash} over the framework and {files} files";
    VERIFY_SUITE_HASH_BAD
        "记录为 {recorded}，但记录的评级框架和文件摘要得出 {got}"
        "recorded {recorded}, but the framework and file hashes recorded give {got}";
    VERIFY_FIXTURE_BAD "测试素材 {path} 的摘要不是 {sha256}" "fixture {path} does not hash to {sha256}";
    VERIFY_FIXTURES_OK_ONE "1 个测试素材与其摘要一致" "1 fixture matches its hash";
    VERIFY_FIXTURES_OK "{n} 个测试素材与其摘要一致" "{n} fixtures match their hashes";
    VERIFY_IDENTITY_REDERIVED
        "记录的身份比对不是设备描述文件和设备自报信息得出的结果"
        "the recorded identity comparison is not what the profile and the device's report give";
    VERIFY_IDENTITY_FINDING
        "{field}：申报 `{declared}`，设备报告 `{reported}`"
        "{field}: declared `{declared}`, reported `{reported}`";
    VERIFY_IDENTITY_OK "申报的与设备报告的身份一致" "declared and reported identity agree";
    VERIFY_IDENTITY_CERT_MISMATCH
        "证书对应的身份存在不符：{findings}"
        "a certificate with identity mismatches: {findings}";
    VERIFY_IDENTITY_RECORDED
        "已记录身份不符（未申请证书）：{findings}"
        "mismatches recorded (no certificate claimed): {findings}";
    VERIFY_CERT_NONE "未申请证书" "none claimed";
    VERIFY_CERT_OK "{id}，签发于 {issued}" "{id} issued {issued}";
    VERIFY_CERT_DIFF
        "记录为 {id}（签发于 {issued}），实验室和检验记录得出 {want_id}（签发于 {want_issued}）"
        "recorded {id} issued {issued}, the lab and session records give {want_id} issued {want_issued}";
    VERIFY_CERT_REFUSED "{id} 不应签发：{why}" "{id} should not have been issued: {why}";
    VERIFY_REGRADE_OK
        "{checks} 项检查、{trials} 次试验、{cases} 个用例结论和等级重新判定后与记录一致"
        "{checks} checks, {trials} trials, {cases} case verdicts and the grade re-derived as recorded";
    VERIFY_REGRADE_COUNTS
        "重新判定得出的得分或计数与记录不一致"
        "re-derived scores or counts differ from the recorded ones";
    VERIFY_REGRADE_DIFF "重新判定与记录不一致：{diffs}" "{diffs}";
    // Stored conclusions against those re-derived (grade::conclusion_diffs, verify).
    DIFF_CASE_COUNT "存储了 {stored} 个用例，重新判定得出 {derived} 个" "{stored} cases stored, {derived} re-derived";
    DIFF_VERDICT "用例 {case}：存储的结论为 {stored}，重新判定为 {derived}" "case {case}: verdict stored {stored}, re-derived {derived}";
    DIFF_OUTCOME
        "用例 {case} 第 {trial} 次试验：存储的结果为 {stored}，重新判定为 {derived}"
        "case {case} trial #{trial}: outcome stored {stored}, re-derived {derived}";
    DIFF_LEVEL "等级：存储为 {stored}，重新判定为 {derived}" "grade: level stored {stored}, re-derived {derived}";
    DIFF_LADDER_LEN "等级：阶梯的级数不同" "grade: the ladder has a different number of levels";
    DIFF_LADDER_HELD "等级：{level} 存储为{stored}，重新判定为{derived}" "grade: {level} stored {stored}, re-derived {derived}";
    DIFF_HELD "达到" "held";
    DIFF_NOT_HELD "未达到" "not held";
    DIFF_MEETS_DECLARED
        "等级：是否达到申报等级，存储的与重新判定的不一致"
        "grade: meets the declared level stored and re-derived differ";
    DIFF_TRIAL_COUNTS
        "用例 {case}：试验计数（通过/未通过/出错）存储为 {stored}，重新判定为 {derived}"
        "case {case}: trial counts stored {stored}, re-derived {derived}";
    DIFF_CHECK
        "用例 {case} 第 {trial} 次试验第 {turn} 轮第 {check} 项检查：存储为 {stored}（{stored_reason}），重新判定为 {derived}（{derived_reason}）"
        "case {case} trial #{trial} turn {turn} check {check}: stored {stored} ({stored_reason}), re-derived {derived} ({derived_reason})";
    DIFF_GRADE_FLAGS "等级：暂行标记或阻碍用例不一致" "grade: provisional or blocking cases differ";
    DIFF_SUMMARY "汇总：结论计数不一致" "summary: verdict counts differ";
    DIFF_SCORES "得分：要素得分不一致" "scores: element scores differ";
    VERIFY_SUITE_BAD "无法加载题库：{error}" "{error}";
    VERIFY_SUITE_FILES_OK "评级框架和 {files} 个文件与 {dir} 一致" "framework and {files} files match {dir}";
    VERIFY_FRAMEWORK_FILE_DIFF
        "framework.yaml 的摘要为 {got}，结果文件记录的是 {recorded}"
        "framework.yaml is {got}, the results recorded {recorded}";
    VERIFY_SUITE_FILE_DIFF "{path} 的摘要为 {got}，记录的是 {recorded}" "{path} is {got}, recorded {recorded}";
    VERIFY_SUITE_FILE_MISSING "{path} 不在题库中" "{path} is not in the suite";
    VERIFY_CASES_OK "{cases} 个用例和评级框架与题库一致" "{cases} cases and the framework are the suite's";
    VERIFY_FRAMEWORK_DEF_DIFF "记录的评级框架不是题库中的评级框架" "the framework recorded is not the suite's framework";
    VERIFY_CASE_DEF_DIFF "用例 {case}：定义与题库中的不同" "case {case}: its definition differs from the suite's";
    VERIFY_CASE_MISSING "用例 {case} 不在题库中" "case {case} is not in the suite";
    CERT_BAD_TIME "`{time}` 不是 RFC 3339 时间，无法确定日期" "`{time}` is not an RFC 3339 time, so there is no date";
    CERT_BAD_PATTERN "实验室的报告编号格式无效：{error}" "the lab's report-number pattern is invalid: {error}";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn placeholders(s: &str) -> BTreeSet<&str> {
        let mut out = BTreeSet::new();
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            out.insert(&rest[open + 1..close]);
            rest = &rest[close + 1..];
        }
        out
    }

    #[test]
    fn ids_are_unique_and_placeholders_match_between_languages() {
        let mut seen = BTreeSet::new();
        for t in CATALOGUE {
            assert!(seen.insert(t.id), "duplicate id {}", t.id);
            assert!(!t.zh.is_empty() && !t.en.is_empty(), "{}", t.id);
            assert_eq!(placeholders(t.zh), placeholders(t.en), "{}", t.id);
        }
    }

    #[test]
    fn the_chinese_text_is_chinese() {
        for t in CATALOGUE {
            let stripped: String = t.zh.split(['{', '}', '`']).collect();
            // Templates that only arrange other text.
            if ["WANT", "LIST_JOIN", "TEXT"].contains(&t.id) {
                continue;
            }
            assert!(
                stripped
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{} has no Chinese: {}",
                t.id,
                t.zh
            );
        }
    }

    #[test]
    fn renders_values_and_nested_messages_in_one_language() {
        let want = WANT_ARGS
            .with("name", "alarm.create")
            .with("args", r#"{"time":"07:00"}"#);
        let m = ACTION_MISSING.with("want", want).with("actions", "—");
        assert_eq!(
            m.render(Lang::En).unwrap(),
            r#"expected `alarm.create` with {"time":"07:00"}; actions: —"#
        );
        assert_eq!(
            m.render(Lang::Zh).unwrap(),
            r#"应执行 `alarm.create`（参数 {"time":"07:00"}）；所执行的动作：—"#
        );
    }

    #[test]
    fn a_value_with_braces_is_not_expanded_again() {
        let m = CONTAINS_HIT.with("word", "{reply}");
        assert_eq!(m.en(), "reply contains “{reply}”");
    }

    #[test]
    fn unknown_ids_fall_back_to_the_stored_text() {
        let m = Message {
            id: "FROM_A_NEWER_VERSION".into(),
            args: BTreeMap::new(),
        };
        assert_eq!(m.render(Lang::Zh), None);
        assert_eq!(localise("stored", Some(&m), Lang::Zh), "stored");
        assert_eq!(localise("stored", None, Lang::Zh), "stored");
    }

    #[test]
    fn round_trips_through_json() {
        let m = ACTION_TOOK
            .with("want", WANT.with("name", "call.dial"))
            .with("times", "");
        let json = serde_json::to_string(&m).unwrap();
        let back: Message = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }
}
