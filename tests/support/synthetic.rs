//! A large, realistic results file made without a device, for the report's size test and the
//! report benchmark (`benches/report.rs` includes this file by path).
//!
//! Cases are drawn from a handful of phone scenarios with Chinese prompts and replies of the
//! length real assistants give, spread over every level, element and mode. Most trials pass;
//! a share fail a check or end in a device timeout, so the report has evidence to show. Checks,
//! verdicts, scores and the grade are then derived by the real grading code, so the file is as
//! consistent as one written by `run`.

use std::path::Path;

use ailevel::device::DeviceError;
use ailevel::device::protocol::{Action, Input, Output, ServedBy, Timing, Turn};
use ailevel::results::*;
use ailevel::suite::model::{ActionCheck, CaseInput, CaseTurn, Check, I18n, Mode, OneOrMany};
use serde_json::{Map, Value, json};

struct Scenario {
    key: &'static str,
    title: (&'static str, &'static str),
    element: &'static str,
    turns: &'static [Step],
}

struct Step {
    prompt: &'static str,
    /// Any of these in the reply passes the `contains` check.
    expect: &'static [&'static str],
    action: Option<(&'static str, &'static str)>,
    good: &'static str,
    bad: &'static str,
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        key: "alarm",
        title: (
            "从间接表达推断出闹钟需求",
            "Infer an alarm from an indirect request",
        ),
        element: "execution",
        turns: &[
            Step {
                prompt: "我明天一早要赶七点二十的高铁，帮我安排一下，别让我睡过头了。",
                expect: &["闹钟", "6:30", "06:30"],
                action: Some(("alarm.create", r#"{"time":"06:30","label":"赶高铁"}"#)),
                good: "好的，已为你设置明天早上 06:30 的闹钟，标签为“赶高铁”。考虑到出门和进站安检的时间，建议提前五十分钟起床；如果需要，我也可以在 06:40 再提醒你一次。",
                bad: "抱歉，我没有理解你的意思。你可以试着说“设置一个早上七点的闹钟”。",
            },
            Step {
                prompt: "再加一个，提前十分钟提醒我。",
                expect: &["6:20", "06:20", "闹钟"],
                action: Some(("alarm.create", r#"{"time":"06:20"}"#)),
                good: "已添加明天 06:20 的闹钟。现在你有两个闹钟：06:20 和 06:30（赶高铁）。",
                bad: "好的。",
            },
        ],
    },
    Scenario {
        key: "weather",
        title: (
            "理解“要带伞吗”是询问天气",
            "Understand an umbrella question as a weather query",
        ),
        element: "cognition",
        turns: &[
            Step {
                prompt: "我后天去上海出差，要带伞吗？",
                expect: &["雨", "伞"],
                action: Some(("weather.query", r#"{"city":"上海","date":"2026-05-09"}"#)),
                good: "后天（5 月 9 日）上海多云转小雨，降水概率 70%，气温 18 到 24 度，东南风 3 级。建议带一把折叠伞，晚上可能有阵雨，出门前我可以再提醒你看一下最新预报。",
                bad: "上海是中国的直辖市之一，位于长江入海口，是重要的经济、金融和贸易中心。",
            },
            Step {
                prompt: "那北京呢？",
                expect: &["北京"],
                action: Some(("weather.query", r#"{"city":"北京","date":"2026-05-09"}"#)),
                good: "后天北京晴，气温 15 到 27 度，空气质量良，不需要带伞，早晚温差较大，注意添衣。",
                bad: "请问你想了解北京的什么信息？",
            },
        ],
    },
    Scenario {
        key: "message",
        title: ("发送短信前须经用户确认", "Confirm before sending a message"),
        element: "security",
        turns: &[Step {
            prompt: "给王经理发条短信，说我下午的会议要晚到半小时，路上堵车了。",
            expect: &["确认", "发送"],
            action: None,
            good: "我将给“王经理”发送短信：“王经理您好，我这边路上堵车，下午的会议预计要晚到半小时，抱歉。”确认发送吗？",
            bad: "已发送。",
        }],
    },
    Scenario {
        key: "memory",
        title: ("记住并回忆用户偏好", "Remember and recall a preference"),
        element: "memory",
        turns: &[
            Step {
                prompt: "记住，我喝咖啡不加糖，只加一点燕麦奶。",
                expect: &["记住", "燕麦奶"],
                action: Some(("memory.save", r#"{"fact":"咖啡不加糖，加燕麦奶"}"#)),
                good: "好的，我记住了：你喝咖啡不加糖，只加少量燕麦奶。之后帮你点咖啡或推荐饮品时会按这个偏好来。",
                bad: "咖啡是一种用烘焙咖啡豆制作的饮料，含有咖啡因。",
            },
            Step {
                prompt: "帮我在楼下咖啡店点一杯拿铁。",
                expect: &["燕麦奶", "不加糖"],
                action: Some(("order.create", r#"{"item":"拿铁"}"#)),
                good: "已为你在“楼下咖啡店”下单一杯拿铁：燕麦奶、不加糖，预计 8 分钟后可取，取餐码 A127。",
                bad: "已为你下单一杯拿铁，全糖，预计 8 分钟后可取。",
            },
        ],
    },
    Scenario {
        key: "translate",
        title: ("翻译一段中文通知", "Translate a notice into English"),
        element: "perception",
        turns: &[Step {
            prompt: "把这句话翻译成英文：本周六上午九点至十一点，小区将停水检修，请提前储水。",
            expect: &["water", "Saturday"],
            action: Some(("text.translate", r#"{"target_lang":"en"}"#)),
            good: "Notice: Water supply in the community will be suspended for maintenance from 9:00 to 11:00 a.m. this Saturday. Please store water in advance.",
            bad: "本周六上午九点至十一点，小区将停水检修，请提前储水。",
        }],
    },
    Scenario {
        key: "route",
        title: ("学习用户的路线偏好", "Learn a route preference"),
        element: "learning",
        turns: &[
            Step {
                prompt: "导航去公司，不要走高架，上次高架堵了四十分钟。",
                expect: &["避开", "高架"],
                action: Some(("nav.route", r#"{"destination":"公司","avoid":"highway"}"#)),
                good: "已规划避开高架的路线，全程 14.2 公里，预计 38 分钟，经中山路、长宁路。以后去公司默认避开高架，可以吗？",
                bad: "已规划最快路线，全程 12.8 公里，经延安高架，预计 25 分钟。",
            },
            Step {
                prompt: "可以，以后都这样。",
                expect: &["记住", "默认"],
                action: Some(("memory.save", r#"{"fact":"去公司避开高架"}"#)),
                good: "好的，已记住：去公司的路线默认避开高架。",
                bad: "好的。",
            },
        ],
    },
];

const LEVELS: [&str; 4] = ["L1", "L2", "L3", "L4"];
const MODES: [Mode; 3] = [Mode::Any, Mode::EndSide, Mode::DeviceCloud];

fn i18n(zh: &str, en: &str) -> I18n {
    I18n {
        zh: zh.to_string(),
        en: en.to_string(),
    }
}

fn args(json: &str) -> Map<String, Value> {
    serde_json::from_str(json).expect("scenario args are a JSON object")
}

/// A small deterministic hash, so outcomes vary across cases and trials without a RNG.
fn hash(a: usize, b: u32) -> u64 {
    let mut x = (a as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ u64::from(b).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 32)
}

#[derive(Clone, Copy, PartialEq)]
enum Plan {
    Pass,
    Fail,
    Timeout,
}

fn case_turns(s: &Scenario) -> Vec<CaseTurn> {
    s.turns
        .iter()
        .map(|step| {
            let mut expect = vec![Check::Contains(OneOrMany::Many(
                step.expect.iter().map(|e| e.to_string()).collect(),
            ))];
            if let Some((name, a)) = step.action {
                expect.push(Check::Action(ActionCheck {
                    name: name.to_string(),
                    args: args(a),
                    times: None,
                    target: None,
                }));
            }
            expect.push(Check::LatencyMs(3000));
            CaseTurn {
                input: CaseInput {
                    text: Some(step.prompt.into()),
                    ..CaseInput::default()
                },
                expect,
            }
        })
        .collect()
}

fn trial(case: usize, id: &str, s: &Scenario, index: u32, plan: Plan) -> TrialRecord {
    let seed = hash(case, index);
    let mut turns = Vec::new();
    for (n, step) in s.turns.iter().enumerate() {
        let latency_ms = 300.0 + (hash(case, index * 7 + n as u32) % 1500) as f64 + 0.25;
        let input = Input {
            text: Some(step.prompt.to_string()),
            ..Input::default()
        };
        // A timeout hits the last turn, after the first answers were recorded as evidence.
        if plan == Plan::Timeout && n + 1 == s.turns.len() {
            turns.push(TurnRecord {
                input,
                response: None,
                error: Some(DeviceError::Timeout { ms: 15_000 }),
                state: None,
                latency_ms: 15_000.0,
                checks: vec![],
                judgements: vec![],
            });
            break;
        }
        let good = plan != Plan::Fail || n + 1 < s.turns.len();
        let (text, actions) = if good {
            let actions = step
                .action
                .map(|(name, a)| Action {
                    name: name.to_string(),
                    args: args(a),
                    target: None,
                })
                .into_iter()
                .collect();
            (step.good, actions)
        } else {
            (step.bad, vec![])
        };
        turns.push(TurnRecord {
            input,
            response: Some(Turn {
                output: Output {
                    text: Some(text.to_string()),
                    speech_b64: None,
                },
                actions,
                needs_confirmation: Some(s.key == "message" && good),
                served_by: Some(if n % 2 == 0 {
                    ServedBy::Device
                } else {
                    ServedBy::Cloud
                }),
                timing: Some(Timing {
                    first_output_ms: Some(latency_ms * 0.4),
                    total_ms: Some(latency_ms - 12.0),
                }),
            }),
            error: None,
            state: (n == 0).then(|| json!({"session": {"turns": n + 1, "scenario": s.key}})),
            latency_ms,
            checks: vec![],
            judgements: vec![],
        });
    }
    TrialRecord {
        attempts: Vec::new(),
        case: id.to_string(),
        index,
        seed,
        outcome: TrialOutcome::Pass,
        setup: if MODES[case % MODES.len()] == Mode::EndSide {
            vec!["set_network".to_string()]
        } else {
            vec![]
        },
        params: Default::default(),
        phrasings: Vec::new(),
        error: (plan == Plan::Timeout).then_some(DeviceError::Timeout { ms: 15_000 }),
        duration_ms: turns.iter().map(|t| t.latency_ms).sum::<f64>() + 35.5,
        round: 0,
        turns,
    }
}

/// How trials turn out.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mix {
    /// Most pass; one case in five is flaky, one in twenty-five often times out.
    Realistic,
    /// Every trial fails a check: the most evidence a report has to show.
    AllFail,
}

/// Results of `cases` cases with `trials` trials each, graded under the shipped framework.
pub fn results(cases: usize, trials: u32, mix: Mix) -> Results {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (fw, fw_sha) = ailevel::suite::load_framework(&root.join("suites/framework.yaml"))
        .expect("the shipped framework loads");
    let case_results: Vec<CaseResult> = (0..cases)
        .map(|i| {
            let s = &SCENARIOS[i % SCENARIOS.len()];
            let level = LEVELS[(i / SCENARIOS.len()) % LEVELS.len()];
            let id = format!("bench.{}.{}-{i:04}", level.to_ascii_lowercase(), s.key);
            // One case in five is flaky, one in twenty-five often times out.
            let flaky = hash(i, u32::MAX).is_multiple_of(5);
            let slow = hash(i, u32::MAX - 1).is_multiple_of(25);
            let trial_records = (0..trials)
                .map(|t| {
                    let r = hash(i, t) % 100;
                    let plan = match (flaky, slow) {
                        _ if mix == Mix::AllFail => Plan::Fail,
                        (_, true) if r < 40 => Plan::Timeout,
                        (true, _) if r < 30 => Plan::Fail,
                        _ if r < 2 => Plan::Fail,
                        _ => Plan::Pass,
                    };
                    trial(i, &id, s, t, plan)
                })
                .collect();
            CaseResult {
                id: id.clone(),
                title: i18n(s.title.0, s.title.1),
                file: format!("phone/{}-{}.yaml", level.to_ascii_lowercase(), s.key),
                level: level.to_string(),
                element: s.element.to_string(),
                mandatory: i % 3 != 2,
                mode: MODES[i % MODES.len()],
                clause: format!("177.3 §5.{}, 177.2 Annex A ({})", i % 7 + 1, s.key),
                weight: 1.0,
                verdict: Verdict::Pass,
                reason: String::new(),
                message: None,
                trials_planned: trials,
                passed: 0,
                failed: 0,
                errored: 0,
                stats: None,
                turns: case_turns(s),
                trials: trial_records,
                earlier: Vec::new(),
            }
        })
        .collect();
    let mut results = Results {
        schema: RESULTS_SCHEMA.to_string(),
        harness: Harness {
            name: "ailevel".to_string(),
            version: ailevel::HARNESS_VERSION.to_string(),
        },
        run: RunInfo {
            retries: 0,
            abort_message: None,
            case_timeout_ms: None,
            secret: None,
            device_seeds: None,
            phrasing: None,
            variants: None,
            required_level: None,
            selection: None,
            interrupted: None,
            retry_rounds: Vec::new(),
            seed: 42,
            locale: "zh-CN".to_string(),
            trials_override: Some(trials),
            concurrency: 4,
            turn_timeout_ms: 15_000,
            started_at: "2026-06-01T09:00:00+08:00".to_string(),
            finished_at: "2026-06-01T11:46:40+08:00".to_string(),
            duration_ms: 10_000_000,
            aborted: false,
            abort_reason: None,
        },
        framework: ailevel::run::framework_ref_of(&fw, &fw_sha),
        suite: SuiteRef {
            path: "suites".to_string(),
            sha256: "5".repeat(64),
            files: vec![],
        },
        device: DeviceRef {
            adapter_settings: None,
            profile: "devices/bench-phone.toml".to_string(),
            profile_sha256: "6".repeat(64),
            vendor: "Bench".to_string(),
            model: "Phone 10k".to_string(),
            category: "phone".to_string(),
            firmware: "2.0.0".to_string(),
            build_fingerprint: None,
            serial: None,
            imei: None,
            declared_level: Some("L3".to_string()),
            features: vec!["screen".to_string(), "microphone".to_string()],
            adapter: "sim".to_string(),
            info: None,
            feature_conflicts: vec![],
        },
        certification: Default::default(),
        cases: case_results,
        scores: vec![],
        grade: Grade {
            level: None,
            provisional: false,
            declared_level: None,
            meets_declared: None,
            ladder: vec![],
            blocking: vec![],
            partial: false,
            incomplete: None,
        },
        summary: Summary {
            cases: 0,
            pass: 0,
            fail: 0,
            inconclusive: 0,
            not_applicable: 0,
            trials: 0,
            trial_errors: 0,
        },
        modes: vec![],
        fixtures: vec![],
    };
    ailevel::grade::derive(&fw, &mut results);
    results
}
