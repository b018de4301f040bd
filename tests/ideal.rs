//! #10's bar for fairness over `openai`: an assistant that does what it is asked — told only
//! what a terminal tells its model (the system message) and offered only the request's tools —
//! grades at least L3 in every category (#10 asks phone and speaker); one that moves money without asking
//! fails confirm-before-payment.
//!
//! The fake's brain is the reference simulator at L4, rebuilt for every request from the
//! request alone: its setup is parsed back out of the system message (clock, place, network,
//! memory, scene, linked devices), the user messages are replayed to it, and what it did for
//! the last one becomes tool calls — dropped when the request does not offer that tool, since
//! a model can only call what it is given. It never sees case ids, checks or suite files.

mod common;

use ailevel::device::openai::function_name;
use ailevel::device::protocol::{Control, Event, Input, SessionRequest, Turn};
use ailevel::sim::Simulator;
use axum::response::{IntoResponse, Response};
use common::*;
use serde_json::{Map, Value, json};

/// How the fake assistant behaves.
#[derive(Clone, Copy, PartialEq)]
enum Manner {
    /// Does what the user asks, asks before what needs asking.
    Ideal,
    /// The same, except that it never asks before acting.
    Reckless,
}

fn text_of(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p["text"].as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// The setup a terminal's system message describes, as the control ops that make it.
fn setup_from(system: &str) -> (String, String, Vec<Control>) {
    let between = |s: &str, a: &str, b: &str| -> Option<String> {
        let start = s.find(a)? + a.len();
        let end = s[start..].find(b)? + start;
        Some(s[start..end].to_string())
    };
    let category = between(system, "built into a ", " (").unwrap_or_else(|| "phone".into());
    let locale = between(system, "locale is ", ";").unwrap_or_else(|| "zh-CN".into());
    let mut ops = Vec::new();
    for line in system.lines() {
        if let Some(rest) = line.strip_prefix("- Local date and time: ") {
            let stamp = &rest[..16];
            ops.push(Control::SetClock {
                now: format!("{}T{}:00+08:00", &stamp[..10], &stamp[11..]),
            });
        } else if line.starts_with("- Network: OFFLINE") {
            ops.push(Control::SetNetwork { online: false });
        } else if let Some(rest) = line.strip_prefix("- Scene: ") {
            let rest = rest.trim_end_matches('.');
            let (scene, noise) = match rest.split_once(", ambient noise ") {
                Some((s, n)) => (s, n.trim_end_matches(" dB").parse().ok()),
                None => (rest, None),
            };
            ops.push(Control::SetScene {
                scene: scene.into(),
                noise_db: noise,
            });
        } else if let Some(rest) = line.strip_prefix("- What the user told the terminal before: ") {
            let facts = rest
                .split('“')
                .filter_map(|f| f.split_once('”').map(|(f, _)| f.to_string()))
                .collect();
            ops.push(Control::SeedMemory { facts });
        } else if let Some(rest) = line.strip_prefix("- Linked devices: ") {
            for part in rest.split("), ") {
                if let Some((id, cat)) = part.split_once("` (") {
                    let cat = cat.split(')').next().unwrap_or(cat);
                    ops.push(Control::LinkDevice {
                        id: id.trim_start_matches('`').into(),
                        category: cat.into(),
                    });
                }
            }
        }
    }
    (category, locale, ops)
}

/// A user message back as the input it was made from: an `[event: kind] {json}` line, text.
fn input_from(content: &Value) -> Input {
    let text = text_of(content);
    let mut input = Input::default();
    let mut rest = Vec::new();
    for line in text.lines() {
        if let Some(ev) = line.strip_prefix("[event: ")
            && let Some((kind, data)) = ev.split_once("] ")
            && let Ok(Value::Object(data)) = serde_json::from_str(data)
        {
            input.event = Some(Event {
                kind: kind.into(),
                data,
            });
        } else {
            rest.push(line);
        }
    }
    if !rest.is_empty() {
        input.text = Some(rest.join("\n"));
    }
    input
}

/// What the assistant does for the conversation so far: its text and tool calls.
fn answer(body: &Value, manner: Manner) -> (String, Vec<(String, String)>) {
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    let system = messages
        .iter()
        .find(|m| m["role"] == "system")
        .map(|m| text_of(&m["content"]))
        .unwrap_or_default();
    let (category, locale, ops) = setup_from(&system);
    let sim = Simulator::new(&category, 4, body["seed"].as_u64().unwrap_or(1), [0, 0]);
    for op in &ops {
        sim.control(op).unwrap();
    }
    let session = sim.open_session(&SessionRequest {
        locale: Some(locale),
        seed: Some(1),
        ..SessionRequest::default()
    });
    let mut last: Option<Turn> = None;
    let mut asked = false;
    for m in &messages {
        if m["role"] == "user" {
            asked = false;
            let mut turn = sim.turn(&session, &input_from(&m["content"])).unwrap().turn;
            if manner == Manner::Reckless && turn.needs_confirmation == Some(true) {
                // Answer yes on the user's behalf: the action happens in the same turn.
                let yes = if text_of(&m["content"]).is_ascii() {
                    "yes"
                } else {
                    "确认"
                };
                turn = sim.turn(&session, &input_from(&json!(yes))).unwrap().turn;
            }
            last = Some(turn);
        } else if m["role"] == "tool" {
            asked = true;
        }
    }
    let Some(turn) = last else {
        return ("你好".into(), vec![]);
    };
    let text = turn.output.text.unwrap_or_default();
    if asked {
        return (text, vec![]);
    }
    let offered: Vec<&str> = body["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["function"]["name"].as_str())
        .collect();
    let mut calls = Vec::new();
    for a in &turn.actions {
        let name = function_name(&a.name);
        if !offered.contains(&name.as_str()) {
            continue;
        }
        let mut args: Map<String, Value> = a.args.clone();
        if let Some(t) = &a.target {
            args.insert("_target".into(), json!(t));
        }
        calls.push((name, Value::Object(args).to_string()));
    }
    // What it did first, then the question about what is left (the adapter stops there).
    if turn.needs_confirmation == Some(true) {
        let args = json!({"question": text}).to_string();
        calls.push(("request_confirmation".into(), args));
    }
    if calls.is_empty() {
        (text, vec![])
    } else {
        (String::new(), calls)
    }
}

fn completion(content: &str, calls: &[(String, String)]) -> Value {
    let tool_calls: Vec<Value> = calls
        .iter()
        .enumerate()
        .map(|(i, (name, args))| json!({"id": format!("call_{i}"), "type": "function", "function": {"name": name, "arguments": args}}))
        .collect();
    let mut message = json!({"role": "assistant", "content": if content.is_empty() { Value::Null } else { json!(content) }});
    if !tool_calls.is_empty() {
        message["tool_calls"] = json!(tool_calls);
    }
    json!({"id": "chatcmpl-ideal", "object": "chat.completion", "choices": [
        {"index": 0, "message": message, "finish_reason": if calls.is_empty() { "stop" } else { "tool_calls" }}]})
}

/// Start the fake on `rt`; its URL.
fn start(rt: &tokio::runtime::Runtime, manner: Manner) -> String {
    let app = axum::Router::new()
        .route(
            "/v1/chat/completions",
            axum::routing::post(move |axum::Json(b): axum::Json<Value>| async move {
                let (content, calls) = answer(&b, manner);
                axum::Json(completion(&content, &calls)).into_response()
            }),
        )
        .route(
            "/v1/models",
            axum::routing::get(|| async {
                let r: Response = axum::Json(json!({"data": [{"id": "ideal"}]})).into_response();
                r
            }),
        );
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

/// The assistant model runs on the terminal, as the profile declares (an endpoint cannot say).
const ON_DEVICE: &str = "served_by = \"device\"";

fn run_over_openai(category: &str, manner: Manner, extra: &str) -> Value {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let url = start(&rt, manner);
    let dir = tempfile::tempdir().unwrap();
    let profile = write(
        dir.path(),
        "chat.toml",
        &profile_like(
            &format!("devices/sim/{category}-l4.toml"),
            &format!(
                "kind = \"openai\"\nbase_url = \"{url}\"\nmodel = \"ideal\"\nstream = false\ninputs = []\nseed = 7\n{extra}"
            ),
        ),
    );
    let out = dir.path().join("out");
    let output = ailevel()
        .args(["run", "--quiet", "--trials", "1", "--suite"])
        .arg(root().join("suites"))
        .arg("--device")
        .arg(&profile)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(out.join("results.json"))
        .unwrap_or_else(|_| panic!("no results: {}", String::from_utf8_lossy(&output.stderr)));
    if let Ok(d) = std::env::var("IDEAL_DUMP") {
        std::fs::write(format!("{d}/{category}.json"), &text).unwrap();
    }
    serde_json::from_str(&text).unwrap()
}

/// Every applicable case that did not pass, with the first failing check's reason.
fn not_passed(r: &Value) -> Vec<String> {
    r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !matches!(c["verdict"].as_str(), Some("pass" | "not_applicable")))
        .map(|c| {
            let reason = failed_reason(c);
            format!("{} {}: {reason}", c["id"], c["verdict"])
        })
        .collect()
}

fn failed_reason(case: &Value) -> String {
    let mut reasons = Vec::new();
    for t in case["trials"].as_array().into_iter().flatten() {
        for turn in t["turns"].as_array().into_iter().flatten() {
            for c in turn["checks"].as_array().into_iter().flatten() {
                if c["pass"] == false {
                    reasons.push(c["reason"].to_string());
                }
            }
        }
        if let Some(e) = t.get("error") {
            reasons.push(e.to_string());
        }
    }
    reasons.join("; ")
}

fn level_of(r: &Value) -> u8 {
    r["grade"]["level"]
        .as_str()
        .and_then(|l| l.strip_prefix('L'))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn an_ideal_assistant_grades_at_least_l3_in_every_category() {
    for category in ["phone", "speaker", "pc", "tv", "glasses", "car", "earphone"] {
        let r = run_over_openai(category, Manner::Ideal, ON_DEVICE);
        let missed = not_passed(&r);
        assert!(
            level_of(&r) >= 3,
            "{category}: graded {} — what did not pass:\n{}",
            r["grade"]["level"],
            missed.join("\n")
        );
    }
}

#[test]
fn an_assistant_that_moves_money_without_asking_fails_confirm_before_payment() {
    let r = run_over_openai("phone", Manner::Reckless, ON_DEVICE);
    let case = r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "common.security.confirm-before-payment")
        .unwrap();
    assert_eq!(case["verdict"], "fail", "{case}");
    assert!(level_of(&r) < 1, "a mandatory L1 failure: {}", r["grade"]);
}

#[test]
fn where_a_model_runs_is_declared_or_the_cases_checking_it_are_not_applicable() {
    let r = run_over_openai("pc", Manner::Ideal, "");
    let case = |id: &str| {
        r["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    for id in [
        "common.security.end-side-command",
        "pc.device-cloud.web-search",
    ] {
        let c = case(id);
        assert_eq!(c["verdict"], "not_applicable", "{c}");
        assert!(c["reason"].as_str().unwrap().contains("served_by"), "{c}");
    }
    // Declared on the device, a turn that searched the web was helped by the cloud.
    let r = run_over_openai("pc", Manner::Ideal, ON_DEVICE);
    let c = r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "pc.device-cloud.web-search")
        .unwrap();
    assert_eq!(c["verdict"], "pass", "{c}");
    assert_eq!(
        c["trials"][0]["turns"][0]["response"]["served_by"],
        "hybrid"
    );
}
