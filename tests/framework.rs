//! The framework is data: a new product category — its framework entry, its action vocabulary,
//! its suite and a profile — is graded end to end by the released binary, and frameworks are
//! recognised by what they say they are, not by their file name.

mod common;

use std::path::Path;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use serde_json::{Value, json};

use ailevel::device::protocol::{Action, Output, Turn, TurnRequest};
use common::{ailevel, root};

/// The entry a lab would add to `categories:` for a smartwatch part of the series.
const WATCH_CATEGORY: &str = "  - id: watch
    name: { zh-CN: 智能手表, en: Smartwatch }
    part: \"177.10\"
    required_features: [screen, microphone]
    actions: actions/watch.yaml
";

const WATCH_ACTIONS: &str = r#"schema: ailevel.actions/1
actions:
  - name: workout.start
    description: { zh-CN: 开始一次运动记录, en: Start recording a workout }
    args:
      type: object
      required: [type]
      properties:
        type: { enum: [run, walk, swim, cycle] }
        distance_km: { type: number, minimum: 0 }
  - name: workout.stop
    description: { zh-CN: 结束运动记录, en: Stop the workout being recorded }
    args: { type: object }
  - name: health.measure
    description: { zh-CN: 测量一项健康指标, en: Take a health measurement }
    args:
      type: object
      required: [metric]
      properties:
        metric: { enum: [heart_rate, blood_oxygen] }
"#;

const WATCH_SUITE: &str = r#"schema: ailevel.suite/1
title: { zh-CN: 智能手表, en: Smartwatch }
category: watch
cases:
  - id: watch.workout.run
    title: { zh-CN: 开始跑步, en: Start a run }
    level: L1
    element: execution
    mandatory: true
    clause: "177.10 §5.1"
    turns:
      - input: { text: 开始跑步 }
        expect:
          - action: { name: workout.start, args: { type: run } }
  - id: watch.workout.stop
    title: { zh-CN: 结束运动, en: Stop the workout }
    level: L1
    element: execution
    mandatory: true
    clause: "177.10 §5.1"
    turns:
      - input: { text: 结束运动 }
        expect:
          - action: { name: workout.stop }
  - id: watch.health.heart_rate
    title: { zh-CN: 测心率, en: Measure the heart rate }
    level: L1
    element: perception
    mandatory: true
    clause: "177.10 §5.1"
    turns:
      - input: { text: 测一下心率 }
        expect:
          - action: { name: health.measure, args: { metric: heart_rate } }
  - id: watch.workout.goal
    title: { zh-CN: 带目标的跑步, en: A run with a goal }
    level: L2
    element: cognition
    mandatory: true
    clause: "177.10 §5.2"
    turns:
      - input: { text: 今天想跑个五公里，帮我记一下 }
        expect:
          - action: { name: workout.start, args: { type: run, distance_km: 5 } }
  - id: watch.health.oxygen
    title: { zh-CN: 从感受到测量, en: From a feeling to a measurement }
    level: L2
    element: cognition
    mandatory: true
    clause: "177.10 §5.2"
    turns:
      - input: { text: 爬完楼有点喘，看看我血氧怎么样 }
        expect:
          - action: { name: health.measure, args: { metric: blood_oxygen } }
  - id: watch.workout.swim
    title: { zh-CN: 口语化的开始游泳, en: "Start a swim, said casually" }
    level: L2
    element: execution
    mandatory: false
    clause: "177.10 §5.2"
    turns:
      - input: { text: 下水了，游泳模式开起来 }
        expect:
          - action: { name: workout.start, args: { type: swim } }
"#;

/// A suite directory holding the shipped framework with a `watch` category added, the shipped
/// shared vocabulary, and the watch vocabulary and suite above.
fn watch_suite(dir: &Path) {
    let fw = std::fs::read_to_string(root().join("suites/framework.yaml")).unwrap();
    let fw = fw.replacen(
        "categories:\n",
        &format!("categories:\n{WATCH_CATEGORY}"),
        1,
    );
    assert!(
        fw.contains("id: watch"),
        "the framework has a categories list"
    );
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("framework.yaml"), fw).unwrap();
    std::fs::copy(root().join("suites/actions.yaml"), dir.join("actions.yaml")).unwrap();
    std::fs::create_dir_all(dir.join("actions")).unwrap();
    std::fs::write(dir.join("actions/watch.yaml"), WATCH_ACTIONS).unwrap();
    std::fs::create_dir_all(dir.join("watch")).unwrap();
    std::fs::write(dir.join("watch/basics.yaml"), WATCH_SUITE).unwrap();
}

/// What a watch assistant at `level` does with a request: at L1 only the preset commands, at
/// L2 also what it can work out from the words (sport, distance, the measurement meant).
fn watch_answer(level: u8, text: &str) -> Vec<Action> {
    let act = |name: &str, args: Value| Action {
        name: name.into(),
        args: args.as_object().cloned().unwrap_or_default(),
        target: None,
    };
    match text.trim() {
        "开始跑步" => return vec![act("workout.start", json!({"type": "run"}))],
        "结束运动" => return vec![act("workout.stop", json!({}))],
        "测一下心率" => return vec![act("health.measure", json!({"metric": "heart_rate"}))],
        _ if level < 2 => return Vec::new(),
        _ => {}
    }
    let sport = [
        ("跑", "run"),
        ("走", "walk"),
        ("游泳", "swim"),
        ("骑", "cycle"),
    ]
    .into_iter()
    .find(|(cue, _)| text.contains(cue));
    if let Some((_, sport)) = sport {
        let mut args = json!({ "type": sport });
        let digits = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
        if let Some(at) = text.find("公里") {
            let before = &text[..at];
            if let Some(n) = digits.iter().position(|d| before.ends_with(d)) {
                args["distance_km"] = json!(n + 1);
            }
        }
        return vec![act("workout.start", args)];
    }
    for (cue, metric) in [
        ("血氧", "blood_oxygen"),
        ("心率", "heart_rate"),
        ("心跳", "heart_rate"),
    ] {
        if text.contains(cue) {
            return vec![act("health.measure", json!({ "metric": metric }))];
        }
    }
    Vec::new()
}

/// A watch that speaks ATP/1 on 127.0.0.1:0; returns its base URL.
fn serve_watch(rt: &tokio::runtime::Runtime, level: u8) -> String {
    async fn info() -> Json<Value> {
        Json(json!({
            "protocol": "atp/1", "vendor": "Acme", "model": "Watch 1", "category": "watch",
            "firmware": "1.0", "features": ["screen", "microphone"]
        }))
    }
    async fn open() -> (StatusCode, Json<Value>) {
        (StatusCode::CREATED, Json(json!({ "session": "s" })))
    }
    async fn turn(
        State(level): State<Arc<u8>>,
        UrlPath(_): UrlPath<String>,
        Json(req): Json<TurnRequest>,
    ) -> Json<Turn> {
        let text = req.input.text.unwrap_or_default();
        let actions = watch_answer(*level, &text);
        let reply = if actions.is_empty() {
            "没听懂"
        } else {
            "好的"
        };
        Json(Turn {
            output: Output {
                text: Some(reply.into()),
                speech_b64: None,
            },
            actions,
            ..Turn::default()
        })
    }
    async fn state(UrlPath(_): UrlPath<String>) -> Json<Value> {
        Json(json!({}))
    }
    async fn close(UrlPath(_): UrlPath<String>) -> StatusCode {
        StatusCode::NO_CONTENT
    }
    async fn control() -> Json<Value> {
        Json(json!({ "ok": true }))
    }
    let app = axum::Router::new()
        .route("/atp/v1/info", get(info))
        .route("/atp/v1/sessions", post(open))
        .route("/atp/v1/sessions/{id}/turns", post(turn))
        .route("/atp/v1/sessions/{id}/state", get(state))
        .route("/atp/v1/sessions/{id}", delete(close))
        .route("/atp/v1/control", post(control))
        .with_state(Arc::new(level));
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(async move { axum::serve(listener, app).await });
    url
}

fn watch_profile(dir: &Path, url: &str) -> std::path::PathBuf {
    let p = dir.join("watch.toml");
    std::fs::write(
        &p,
        format!(
            "vendor = \"Acme\"\nmodel = \"Watch 1\"\ncategory = \"watch\"\nfirmware = \"1.0\"\n\
             features = [\"screen\", \"microphone\"]\n\n[adapter]\nkind = \"atp\"\nbase_url = \"{url}\"\n"
        ),
    )
    .unwrap();
    p
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// `ailevel run` of the suite at `suite` against a watch at `level` served for it; the
/// process must exit `code`. Returns the results file.
fn run_watch(
    rt: &tokio::runtime::Runtime,
    suite: &Path,
    level: u8,
    out: &Path,
    extra: &[&str],
    code: i32,
) -> Value {
    let url = serve_watch(rt, level);
    let profile = watch_profile(out.parent().unwrap(), &url);
    let run = ailevel()
        .args(["run", "--quiet", "--suite"])
        .arg(suite)
        .arg("--device")
        .arg(&profile)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap()
}

#[test]
fn a_watch_category_added_as_data_is_graded_end_to_end() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("suites");
    watch_suite(&suite);

    let validated = ailevel().arg("validate").arg(&suite).output().unwrap();
    assert!(
        validated.status.success(),
        "{}",
        String::from_utf8_lossy(&validated.stderr)
    );

    for (level, expected) in [(2, "L2"), (1, "L1")] {
        let out = dir.path().join(format!("out-{level}"));
        let results = run_watch(&rt, &suite, level, &out, &[], 0);
        assert_eq!(results["device"]["category"], "watch");
        assert_eq!(results["grade"]["level"], expected, "{}", results["grade"]);
        let cases = results["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 6, "only the watch's own cases apply");
        let failed: Vec<&str> = cases
            .iter()
            .filter(|c| c["verdict"] != "pass")
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        match level {
            2 => assert!(failed.is_empty(), "{failed:?}"),
            _ => assert_eq!(
                failed,
                [
                    "watch.workout.goal",
                    "watch.health.oxygen",
                    "watch.workout.swim"
                ]
            ),
        }
        // The watch's category name reaches the report from the framework alone.
        let report = std::fs::read_to_string(out.join("report.html")).unwrap();
        assert!(report.contains("智能手表"), "the report names the category");
    }
}

#[test]
fn a_suite_or_profile_naming_a_category_the_framework_lacks_is_refused_where_it_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("suites");
    watch_suite(&suite);
    // The same files under the shipped framework, which has no watch.
    std::fs::copy(
        root().join("suites/framework.yaml"),
        suite.join("framework.yaml"),
    )
    .unwrap();
    let validate = || {
        let out = ailevel().arg("validate").arg(&suite).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    // A vocabulary no category names is not silently left out.
    let stderr = validate();
    assert!(
        stderr.contains("actions/watch.yaml") && stderr.contains("categories[].actions"),
        "{stderr}"
    );
    std::fs::remove_file(suite.join("actions/watch.yaml")).unwrap();
    let stderr = validate();
    assert!(
        stderr.contains("watch/basics.yaml:3") && stderr.contains("category `watch`"),
        "{stderr}"
    );

    let profile = watch_profile(dir.path(), "http://127.0.0.1:9");
    let out = ailevel().arg("validate").arg(&profile).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("watch.toml:3")
            && stderr.contains("category `watch` is not in the framework"),
        "{stderr}"
    );
}

#[test]
fn a_framework_is_validated_as_one_whatever_its_file_is_called() {
    let dir = tempfile::tempdir().unwrap();
    let lab = dir.path().join("lab-framework.yaml");
    std::fs::copy(root().join("suites/framework.yaml"), &lab).unwrap();
    ailevel()
        .arg("validate")
        .arg(&lab)
        .assert_ok_with(&format!("ok  {}", lab.display()));

    // Checked as a framework: its own rules apply, not a suite file's.
    let fw = std::fs::read_to_string(&lab).unwrap();
    std::fs::write(&lab, fw.replacen("  - id: L2\n", "  - id: L1\n", 1)).unwrap();
    let out = ailevel().arg("validate").arg(&lab).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("level `L1` is listed twice"), "{stderr}");
}

#[test]
fn level_ids_are_the_frameworks_own() {
    // A lab framework that names its levels differently grades under those names.
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("suites");
    watch_suite(&suite);
    let fw = std::fs::read_to_string(suite.join("framework.yaml")).unwrap();
    let renamed = ["L1", "L2", "L3", "L4"]
        .iter()
        .zip(["W-basic", "W-tool", "W-assist", "W-collab"])
        .fold(fw, |fw, (old, new)| {
            fw.replace(&format!("id: {old}\n"), &format!("id: {new}\n"))
        });
    std::fs::write(suite.join("framework.yaml"), renamed).unwrap();
    let cases = std::fs::read_to_string(suite.join("watch/basics.yaml")).unwrap();
    std::fs::write(
        suite.join("watch/basics.yaml"),
        cases
            .replace("level: L1", "level: W-basic")
            .replace("level: L2", "level: W-tool"),
    )
    .unwrap();
    let rt = runtime();
    let out = dir.path().join("out");
    // Below the required level: exit 1.
    let results = run_watch(&rt, &suite, 1, &out, &["--require-level", "W-tool"], 1);
    assert_eq!(results["grade"]["level"], "W-basic");
}

trait AssertOk {
    fn assert_ok_with(&mut self, stdout: &str);
}

impl AssertOk for std::process::Command {
    fn assert_ok_with(&mut self, want: &str) {
        let out = self.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains(want),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
