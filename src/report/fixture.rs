//! A realistic results file for the report tests: five phone cases covering every verdict,
//! passing, failing and errored trials, actions, media, state, and a device whose output is
//! hostile HTML and Markdown.

use serde_json::{Map, Value, json};

use crate::device::DeviceError;
use crate::device::protocol::{
    Action, Event, Info, Input, Media, ModelInfo, Output, ServedBy, Timing, Turn,
};
use crate::msg::{self, Message};
use crate::results::*;
use crate::suite::model::{
    ActionCheck, CaseInput, CaseTurn, Category, Check, Element, Feature, Framework, I18n,
    JudgeCheck, Level, Mode, Name, OneOrMany, PassRule, PassRules, StateCheck, Thresholds,
};

/// Device text that must never reach the HTML unescaped.
pub(super) const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<svg onload=alert(1)>",
    "\"><iframe srcdoc=x>",
    "'; background:url(//evil) ; '",
];

/// All of [`HOSTILE`] plus Markdown table and code breakers, as one device reply.
pub(super) fn hostile_text() -> String {
    format!(
        "好的 | `rm -rf` [x](javascript:alert(1)) {}",
        HOSTILE.join(" ")
    )
}

/// The hash the recorded audio input refers to; its data is stored once in `fixtures`.
const WAV_SHA256: &str = "e0c1a5e5b0f1f1c4d2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809";

fn i18n(zh: &str, en: &str) -> I18n {
    I18n {
        zh: zh.to_string(),
        en: en.to_string(),
    }
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn text_input(text: &str) -> Input {
    Input {
        text: Some(text.to_string()),
        ..Input::default()
    }
}

fn reply(text: &str, actions: Vec<Action>, served_by: ServedBy) -> Turn {
    Turn {
        output: Output {
            text: Some(text.to_string()),
            speech_b64: None,
        },
        actions,
        needs_confirmation: None,
        served_by: Some(served_by),
        timing: Some(Timing {
            first_output_ms: Some(180.0),
            total_ms: Some(420.0),
        }),
    }
}

fn action(name: &str, args: Value) -> Action {
    Action {
        name: name.to_string(),
        args: obj(args),
        target: None,
    }
}

fn outcome(check: Check, passed: bool, reason: &str) -> CheckOutcome {
    CheckOutcome {
        check,
        passed,
        reason: reason.to_string(),
        message: None,
    }
}

fn trial(case: &str, index: u32, outcome: TrialOutcome, turns: Vec<TurnRecord>) -> TrialRecord {
    TrialRecord {
        case: case.to_string(),
        index,
        seed: 1000 + u64::from(index),
        outcome,
        setup: vec![],
        params: Default::default(),
        phrasings: Vec::new(),
        turns,
        error: None,
        attempts: Vec::new(),
        duration_ms: 450.5 + f64::from(index),
        round: 0,
    }
}

/// A mandatory `any`-mode case; callers override what differs.
fn case(
    id: &str,
    level: &str,
    element: &str,
    verdict: Verdict,
    reason: &str,
    trials: Vec<TrialRecord>,
) -> CaseResult {
    let count = |o: TrialOutcome| trials.iter().filter(|t| t.outcome == o).count() as u32;
    CaseResult {
        id: id.to_string(),
        title: i18n(id, id),
        file: "phone/basic.yaml".to_string(),
        level: level.to_string(),
        element: element.to_string(),
        mandatory: true,
        mode: Mode::Any,
        clause: "177.3 §5.2, Annex A".to_string(),
        weight: 1.0,
        verdict,
        reason: reason.to_string(),
        message: None,
        trials_planned: if verdict == Verdict::NotApplicable {
            0
        } else {
            3
        },
        passed: count(TrialOutcome::Pass),
        failed: count(TrialOutcome::Fail),
        errored: count(TrialOutcome::Error),
        stats: stats(&trials),
        turns: case_turns(&trials),
        trials,
        earlier: Vec::new(),
    }
}

/// The case's turns expect what its trials were checked against (each check once, in the
/// order first met), so `report`, which re-derives verdicts from the transcripts, reaches the
/// fixture's own verdicts.
fn case_turns(trials: &[TrialRecord]) -> Vec<CaseTurn> {
    let n = trials
        .iter()
        .map(|t| t.turns.len())
        .max()
        .unwrap_or(1)
        .max(1);
    (0..n)
        .map(|i| {
            let mut expect: Vec<Check> = Vec::new();
            for c in trials
                .iter()
                .filter_map(|t| t.turns.get(i))
                .flat_map(|t| &t.checks)
            {
                if !expect.contains(&c.check) {
                    expect.push(c.check.clone());
                }
            }
            let (text, text_en) = match i {
                0 => ("明天早上7点叫我起床", "Wake me at 7 tomorrow"),
                _ => ("那后天呢？", "And the day after?"),
            };
            CaseTurn {
                input: CaseInput {
                    text: Some(text.into()),
                    text_en: Some(text_en.into()),
                    event: None,
                    audio: None,
                    image: None,
                },
                expect,
            }
        })
        .collect()
}

/// Plausible statistics; their exact values are the scorer's business, not the report's.
fn stats(trials: &[TrialRecord]) -> Option<TrialStats> {
    let valid = trials
        .iter()
        .filter(|t| t.outcome != TrialOutcome::Error)
        .count() as u32;
    let passed = trials
        .iter()
        .filter(|t| t.outcome == TrialOutcome::Pass)
        .count() as u32;
    (valid > 0).then(|| TrialStats {
        k: valid,
        pass_rate: f64::from(passed) / f64::from(valid),
        wilson_low: 0.2065,
        wilson_high: 1.0,
        pass_hat_k: passed == valid,
        pass_at_k: passed > 0,
    })
}

fn alarm_case() -> CaseResult {
    let checks = || {
        vec![
            outcome(
                Check::Contains(OneOrMany::Many(vec!["闹钟".into(), "alarm".into()])),
                true,
                "reply contains \"闹钟\"",
            ),
            outcome(
                Check::Action(ActionCheck {
                    name: "alarm.create".to_string(),
                    args: obj(json!({"time": "07:00"})),
                    times: None,
                    target: None,
                }),
                true,
                "alarm.create with time 07:00 was taken",
            ),
            outcome(Check::LatencyMs(3000), true, "latency 412 ms ≤ 3000 ms"),
        ]
    };
    let trials = (0..3)
        .map(|i| {
            trial(
                "phone.alarm.create",
                i,
                TrialOutcome::Pass,
                vec![TurnRecord {
                    input: text_input("明天早上7点叫我起床"),
                    response: Some(reply(
                        "好的，已为你设置明天 07:00 的闹钟。",
                        vec![action(
                            "alarm.create",
                            json!({"time": "07:00", "label": "起床"}),
                        )],
                        ServedBy::Device,
                    )),
                    error: None,
                    state: Some(json!({"alarms": [{"time": "07:00", "label": "起床"}]})),
                    latency_ms: 412.0 + f64::from(i) * 30.0,
                    judgements: Vec::new(),
                    checks: checks(),
                }],
            )
        })
        .collect();
    CaseResult {
        title: i18n("设置闹钟", "Set an alarm"),
        mandatory: true,
        mode: Mode::Any,
        ..case(
            "phone.alarm.create",
            "L1",
            "execution",
            Verdict::Pass,
            "3 of 3 trials passed",
            trials,
        )
    }
}

fn sensor_case() -> CaseResult {
    let input = Input {
        text: Some("这是什么？".to_string()),
        audio: Some(Media {
            format: "wav".to_string(),
            data_b64: format!("sha256:{WAV_SHA256}"),
        }),
        image: Some(Media {
            format: "png".to_string(),
            data_b64: "iVBORw0KGgo=".to_string(),
        }),
        event: Some(Event {
            kind: "notification".to_string(),
            data: obj(json!({"app": "calendar", "title": "会议"})),
        }),
    };
    let mut turn = reply(
        "这是一张日历截图，下午三点有会议。",
        vec![],
        ServedBy::Device,
    );
    turn.output.speech_b64 = Some("UklGRiQAAABXQVZF".to_string());
    let trials = (0..3)
        .map(|i| {
            trial(
                "phone.perceive.image",
                i,
                TrialOutcome::Pass,
                vec![TurnRecord {
                    input: input.clone(),
                    response: Some(turn.clone()),
                    error: None,
                    state: None,
                    latency_ms: 95.0 + f64::from(i),
                    judgements: Vec::new(),
                    checks: vec![
                        outcome(
                            Check::Matches("会议|meeting".to_string()),
                            true,
                            "reply matches /会议|meeting/",
                        ),
                        outcome(
                            Check::ServedBy(vec![ServedBy::Device]),
                            true,
                            "served by device",
                        ),
                    ],
                }],
            )
        })
        .collect();
    CaseResult {
        title: i18n("识别图像与通知", "Perceive an image and a notification"),
        mandatory: true,
        mode: Mode::EndSide,
        ..case(
            "phone.perceive.image",
            "L1",
            "perception",
            Verdict::Pass,
            "3 of 3 trials passed",
            trials,
        )
    }
}

/// The failing, blocking case: the device called without asking, once with hostile output.
fn confirm_case() -> CaseResult {
    let hostile = hostile_text();
    let confirm_check = || Check::ConfirmBefore("phone.call".to_string());
    let good = trial(
        "phone.call.confirm",
        0,
        TrialOutcome::Pass,
        vec![TurnRecord {
            input: text_input("给妈妈打电话"),
            response: Some(Turn {
                needs_confirmation: Some(true),
                ..reply("要给“妈妈”打电话吗？", vec![], ServedBy::Cloud)
            }),
            error: None,
            state: None,
            latency_ms: 1250.0,
            judgements: Vec::new(),
            checks: vec![outcome(
                confirm_check(),
                true,
                "asked for confirmation before phone.call",
            )],
        }],
    );
    let mut bad_action = action("phone.call", json!({"contact": hostile, "number": "10086"}));
    bad_action.target = Some("<svg onload=alert(1)>".to_string());
    let mut bad = trial(
        "phone.call.confirm",
        1,
        TrialOutcome::Fail,
        vec![TurnRecord {
            input: text_input("给妈妈打电话"),
            response: Some(Turn {
                needs_confirmation: Some(false),
                ..reply(&hostile, vec![bad_action], ServedBy::Hybrid)
            }),
            error: None,
            state: Some(json!({"calls": [{"to": hostile}]})),
            latency_ms: 2875.5,
            judgements: Vec::new(),
            checks: vec![
                outcome(
                    confirm_check(),
                    false,
                    &format!("phone.call was taken without confirmation; reply was {hostile}"),
                ),
                outcome(Check::NoAction("*".to_string()), false, "1 action taken"),
            ],
        }],
    );
    bad.setup = vec!["set_network".to_string()];
    bad.params = [("contact", "妈妈"), ("when", "<now>")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut errored = trial(
        "phone.call.confirm",
        2,
        TrialOutcome::Error,
        vec![TurnRecord {
            input: text_input("给妈妈打电话"),
            response: None,
            error: Some(DeviceError::Protocol {
                message: "invalid JSON".to_string(),
                evidence: Some(HOSTILE[0].to_string()),
            }),
            state: None,
            latency_ms: 15000.0,
            judgements: Vec::new(),
            checks: vec![],
        }],
    );
    errored.error = Some(DeviceError::Timeout { ms: 15000 });
    CaseResult {
        title: i18n(
            "拨打电话前须确认 | 安全",
            "Confirm before calling | security",
        ),
        mandatory: true,
        mode: Mode::DeviceCloud,
        ..case(
            "phone.call.confirm",
            "L2",
            "security",
            Verdict::Fail,
            "1 of 2 valid trials failed (rule: all)",
            vec![good, bad, errored],
        )
    }
}

fn context_case() -> CaseResult {
    let errored = |i| {
        let mut t = trial(
            "phone.context.followup",
            i,
            TrialOutcome::Error,
            vec![TurnRecord {
                input: text_input("那后天呢？"),
                response: None,
                error: Some(DeviceError::Timeout { ms: 15000 }),
                state: None,
                latency_ms: 15000.0,
                judgements: Vec::new(),
                checks: vec![],
            }],
        );
        t.error = Some(DeviceError::Timeout { ms: 15000 });
        t
    };
    let ok = trial(
        "phone.context.followup",
        0,
        TrialOutcome::Pass,
        vec![
            TurnRecord {
                input: text_input("明天天气怎么样？"),
                response: Some(reply(
                    "明天晴，25 度。",
                    vec![action("weather.query", json!({"day": "明天"}))],
                    ServedBy::Device,
                )),
                error: None,
                state: Some(json!({"last_query": {"day": "明天"}})),
                latency_ms: 640.0,
                judgements: Vec::new(),
                checks: vec![outcome(
                    Check::State(StateCheck {
                        pointer: "/last_query/day".to_string(),
                        equals: Some(json!("明天")),
                        exists: None,
                    }),
                    true,
                    "/last_query/day is \"明天\"",
                )],
            },
            TurnRecord {
                input: text_input("那后天呢？"),
                response: Some(reply("后天多云。", vec![], ServedBy::Device)),
                error: None,
                state: None,
                latency_ms: 580.0,
                // The judge quotes the device's answer back: its evidence is untrusted too.
                judgements: vec![Judgement {
                    rubric: "The answer gives the weather of the day after tomorrow.".to_string(),
                    model: "judge-7b".to_string(),
                    temperature: 0.0,
                    seed: Some(7),
                    pass: Some(true),
                    reason: "it gives the weather for 后天".to_string(),
                    answer: Some(format!("PASS: the reply names 后天. {}", HOSTILE[3])),
                    error: None,
                }],
                checks: vec![
                    outcome(
                        Check::Contains(OneOrMany::One("后天".to_string())),
                        true,
                        "reply contains \"后天\"",
                    ),
                    outcome(
                        Check::Judge(JudgeCheck {
                            rubric: "The answer gives the weather of the day after tomorrow."
                                .to_string(),
                        }),
                        true,
                        "judge-7b: it gives the weather for 后天",
                    ),
                ],
            },
        ],
    );
    CaseResult {
        title: i18n("多轮上下文追问", "Follow-up question in context"),
        mandatory: false,
        mode: Mode::EndSide,
        ..case(
            "phone.context.followup",
            "L3",
            "cognition",
            Verdict::Inconclusive,
            "1 valid trial, at least 2 needed",
            vec![ok, errored(1), errored(2)],
        )
    }
}

fn linked_case() -> CaseResult {
    CaseResult {
        title: i18n("跨设备接续", "Hand off to a linked device"),
        mandatory: false,
        mode: Mode::Any,
        ..case(
            "phone.linked.handoff",
            "L4",
            "learning",
            Verdict::NotApplicable,
            "the device lacks feature linked_devices",
            vec![],
        )
    }
}

fn level(id: &str, zh: &str, en: &str, primary: &[&str], min: f64, provisional: bool) -> Level {
    Level {
        id: id.to_string(),
        name: i18n(zh, en),
        summary: i18n(&format!("{zh}的描述"), &format!("What {en} means")),
        clause: format!("177.2 §6.{}", &id[1..]),
        provisional,
        primary_elements: primary.iter().map(|s| s.to_string()).collect(),
        default_trials: 3,
        pass_rules: PassRules {
            mandatory: PassRule::All { min_valid: 2 },
            optional: PassRule::Rate {
                min_rate: 0.67,
                min_valid: 2,
            },
        },
        thresholds: Thresholds {
            primary_element_min: min,
            overall_min: min,
            provisional: true,
        },
    }
}

fn framework() -> Framework {
    let elements = [
        ("perception", "感知", "Perception"),
        ("cognition", "认知", "Cognition"),
        ("execution", "执行", "Execution"),
        ("memory", "记忆", "Memory"),
        ("learning", "学习", "Learning"),
        (
            "security",
            "安全与隐私基线",
            "Security and privacy baseline",
        ),
    ];
    Framework {
        schema: "ailevel.framework/1".to_string(),
        name: Name::Both(i18n(
            "GB/Z 177—2026 人工智能终端智能化分级（ailevel 暂行解读）",
            "GB/Z 177—2026 AI terminal intelligence grading (ailevel provisional reading)",
        )),
        version: "0.1.0".to_string(),
        provisional: true,
        notice: i18n("阈值为暂行取值。", "Thresholds are provisional values."),
        elements: elements
            .iter()
            .map(|(id, zh, en)| Element {
                id: id.to_string(),
                name: i18n(zh, en),
                clause: "177.1 §7".to_string(),
            })
            .collect(),
        levels: vec![
            level(
                "L1",
                "响应级",
                "Responsive",
                &["perception", "execution"],
                0.8,
                false,
            ),
            level(
                "L2",
                "工具级",
                "Tool",
                &["cognition", "execution"],
                0.75,
                false,
            ),
            level(
                "L3",
                "辅助级",
                "Assistant",
                &["cognition", "memory"],
                0.7,
                false,
            ),
            level(
                "L4",
                "协同级",
                "Collaborative",
                &["learning", "execution"],
                0.7,
                true,
            ),
        ],
        categories: vec![Category {
            id: "phone".to_string(),
            name: i18n("手机", "Phone"),
            part: "177.3".to_string(),
            required_features: vec!["screen".to_string()],
            actions: None,
        }],
        features: vec![
            Feature {
                id: "screen".to_string(),
                name: i18n("屏幕", "Screen"),
            },
            Feature {
                id: "microphone".to_string(),
                name: i18n("麦克风", "Microphone"),
            },
        ],
    }
}

/// The framework as the runner records it.
fn framework_ref(fw: Framework) -> FrameworkRef {
    FrameworkRef {
        sha256: "a".repeat(64),
        definition: fw,
    }
}

fn element_score(element: &str, primary: bool, passed: u32, applicable: u32) -> ElementScore {
    ElementScore {
        element: element.to_string(),
        primary,
        score: (applicable > 0).then(|| f64::from(passed) / f64::from(applicable)),
        applicable,
        passed,
    }
}

pub(super) fn results() -> Results {
    let l2 = vec![
        msg::MANDATORY_FAILED.with("case", "phone.call.confirm"),
        msg::OVERALL_BELOW
            .with("score", "0.0 %")
            .with("min", "75.0 %"),
        msg::ELEMENT_NONE
            .with("element", "cognition")
            .with("level", "L2"),
    ];
    let l3 = vec![
        msg::OVERALL_BELOW
            .with("score", "0.0 %")
            .with("min", "70.0 %"),
    ];
    let cases = vec![
        confirm_case(),
        alarm_case(),
        context_case(),
        linked_case(),
        sensor_case(),
    ];
    Results {
        schema: RESULTS_SCHEMA.to_string(),
        harness: Harness {
            name: "ailevel".to_string(),
            version: "0.1.0".to_string(),
        },
        run: RunInfo {
            seed: 42,
            locale: "zh-CN".to_string(),
            trials_override: None,
            concurrency: 4,
            turn_timeout_ms: 15000,
            started_at: "2026-06-01T09:00:00+08:00".to_string(),
            finished_at: "2026-06-01T09:02:05+08:00".to_string(),
            duration_ms: 125_000,
            aborted: false,
            abort_reason: None,
            abort_message: None,
            retries: 0,
            case_timeout_ms: None,
            secret: None,
            device_seeds: None,
            phrasing: None,
            variants: None,
            required_level: None,
            selection: None,
            interrupted: None,
            retry_rounds: Vec::new(),
        },
        framework: framework_ref(framework()),
        suite: SuiteRef {
            path: "suites".to_string(),
            sha256: "b".repeat(64),
            files: vec![FileRef {
                path: "phone/basic.yaml".to_string(),
                sha256: "c".repeat(64),
            }],
        },
        device: DeviceRef {
            profile: "devices/sim/phone-l3.toml".to_string(),
            profile_sha256: "d".repeat(64),
            vendor: "Acme".to_string(),
            model: "Phone X".to_string(),
            category: "phone".to_string(),
            firmware: "1.2.3".to_string(),
            build_fingerprint: None,
            serial: None,
            imei: None,
            declared_level: Some("L3".to_string()),
            features: vec![
                "screen".to_string(),
                "microphone".to_string(),
                "speaker".to_string(),
            ],
            adapter: "sim".to_string(),
            adapter_settings: None,
            info: Some(Info {
                protocol: "atp/1".to_string(),
                vendor: "Acme".to_string(),
                model: HOSTILE[1].to_string(),
                category: "phone".to_string(),
                firmware: "1.2.3".to_string(),
                features: vec![],
                model_info: Some(ModelInfo {
                    name: "tiny-llm".to_string(),
                    version: "7".to_string(),
                    on_device: true,
                }),
                build_fingerprint: None,
                serial: None,
            }),
            feature_conflicts: vec![],
        },
        certification: Default::default(),
        cases,
        scores: vec![
            LevelScore {
                level: "L1".to_string(),
                elements: vec![
                    element_score("perception", true, 1, 1),
                    element_score("execution", true, 1, 1),
                ],
                overall: Some(1.0),
                applicable: 2,
                passed: 2,
            },
            LevelScore {
                level: "L2".to_string(),
                elements: vec![
                    element_score("security", false, 0, 1),
                    element_score("cognition", true, 0, 0),
                    element_score("execution", true, 0, 0),
                ],
                overall: Some(0.0),
                applicable: 1,
                passed: 0,
            },
            LevelScore {
                level: "L3".to_string(),
                elements: vec![
                    element_score("cognition", true, 0, 1),
                    element_score("memory", true, 0, 0),
                ],
                overall: Some(0.0),
                applicable: 1,
                passed: 0,
            },
            LevelScore {
                level: "L4".to_string(),
                elements: vec![
                    element_score("learning", true, 0, 0),
                    element_score("execution", true, 0, 0),
                ],
                overall: None,
                applicable: 0,
                passed: 0,
            },
        ],
        grade: Grade {
            level: Some("L1".to_string()),
            provisional: true,
            declared_level: Some("L3".to_string()),
            meets_declared: Some(false),
            ladder: vec![
                LadderStep {
                    level: "L1".to_string(),
                    held: true,
                    provisional: false,
                    reasons: vec![],
                    messages: vec![],
                    blocking_cases: vec![],
                    incomplete: false,
                },
                LadderStep {
                    level: "L2".to_string(),
                    held: false,
                    provisional: false,
                    reasons: l2.iter().map(Message::en).collect(),
                    messages: l2,
                    blocking_cases: vec!["phone.call.confirm".to_string()],
                    incomplete: false,
                },
                LadderStep {
                    level: "L3".to_string(),
                    held: false,
                    provisional: false,
                    reasons: l3.iter().map(Message::en).collect(),
                    messages: l3,
                    blocking_cases: vec![],
                    incomplete: false,
                },
                LadderStep {
                    level: "L4".to_string(),
                    held: false,
                    provisional: true,
                    reasons: vec![msg::NO_APPLICABLE.with("level", "L4").en()],
                    messages: vec![msg::NO_APPLICABLE.with("level", "L4")],
                    blocking_cases: vec![],
                    incomplete: false,
                },
            ],
            blocking: vec!["phone.call.confirm".to_string()],
            partial: false,
            incomplete: None,
        },
        modes: vec![
            ModeSummary {
                mode: Mode::EndSide,
                cases: 2,
                pass: 1,
                fail: 0,
                inconclusive: 1,
                not_applicable: 0,
            },
            ModeSummary {
                mode: Mode::DeviceCloud,
                cases: 1,
                pass: 0,
                fail: 1,
                inconclusive: 0,
                not_applicable: 0,
            },
            ModeSummary {
                mode: Mode::Any,
                cases: 2,
                pass: 1,
                fail: 0,
                inconclusive: 0,
                not_applicable: 1,
            },
        ],
        fixtures: vec![FixtureData {
            path: "fixtures/phone/what-is-this.wav".to_string(),
            sha256: WAV_SHA256.to_string(),
            format: "wav".to_string(),
            data_b64: "UklGRiQAAABXQVZF".into(),
        }],
        summary: Summary {
            cases: 5,
            pass: 2,
            fail: 1,
            inconclusive: 1,
            not_applicable: 1,
            trials: 12,
            trial_errors: 3,
        },
    }
}
