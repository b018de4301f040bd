//! Model-graded checks against a local fake judge speaking the OpenAI wire format.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use ailevel::device::protocol::Output;
use ailevel::device::{
    Adapter, Control, DeviceError, Info, Input, SessionId, SessionRequest, Turn,
};
use ailevel::results::Verdict;
use ailevel::run::{ProfileMeta, RunOptions};
use async_trait::async_trait;
use axum::Json;
use serde_json::{Value, json};

/// A device that echoes its input back.
struct Echo(AtomicU32);

#[async_trait]
impl Adapter for Echo {
    async fn info(&self) -> Result<Info, DeviceError> {
        Ok(Info {
            protocol: "atp/1".into(),
            vendor: "t".into(),
            model: "echo".into(),
            category: "phone".into(),
            firmware: "0".into(),
            features: vec![],
            model_info: None,
            build_fingerprint: None,
            serial: None,
        })
    }
    async fn open_session(&self, _: &SessionRequest) -> Result<SessionId, DeviceError> {
        Ok(SessionId(self.0.fetch_add(1, Ordering::SeqCst).to_string()))
    }
    async fn turn(&self, _: &SessionId, input: &Input) -> Result<Turn, DeviceError> {
        Ok(Turn {
            output: Output {
                text: input.text.clone(),
                speech_b64: None,
            },
            ..Turn::default()
        })
    }
    async fn state(&self, _: &SessionId) -> Result<Value, DeviceError> {
        Ok(json!({}))
    }
    async fn control(&self, _: &Control) -> Result<(), DeviceError> {
        Ok(())
    }
    async fn close(&self, _: &SessionId) -> Result<(), DeviceError> {
        Ok(())
    }
}

/// The fake judge passes an answer when the terminal's reply contains "谢谢".
async fn judge(Json(body): Json<Value>) -> Json<Value> {
    assert_eq!(body["temperature"], 0, "temperature is pinned at 0");
    assert_eq!(body["seed"], 11);
    let user = body["messages"][1]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let pass = user.contains("replied: <<<谢谢");
    let content = format!("```json\n{{\"pass\": {pass}, \"reason\": \"checked politeness\"}}\n```");
    Json(json!({"choices": [{"message": {"role": "assistant", "content": content}}]}))
}

const CASES: &str = "schema: ailevel.suite/1
title: { zh-CN: 裁判, en: Judge }
category: phone
cases:
  - id: phone.j.polite
    title: { zh-CN: 礼貌, en: Polite }
    level: L1
    element: cognition
    mandatory: false
    clause: \"177.2 §9\"
    turns:
      - input: { text: 谢谢你 }
        expect: [ { judge: { rubric: The answer thanks the user. } } ]
  - id: phone.j.rude
    title: { zh-CN: 不礼貌, en: Rude }
    level: L1
    element: cognition
    mandatory: true
    clause: \"177.2 §9\"
    turns:
      - input: { text: 走开 }
        expect: [ { contains: 走开 }, { judge: { rubric: The answer thanks the user. } } ]
";

fn run(with_judge: Option<String>) -> ailevel::results::Results {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root.join("suites/framework.yaml"),
        dir.path().join("framework.yaml"),
    )
    .unwrap();
    std::fs::copy(
        root.join("suites/actions.yaml"),
        dir.path().join("actions.yaml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("cases.yaml"), CASES).unwrap();
    let suite = ailevel::suite::load_suite(dir.path(), None).unwrap();
    let (profile, _) =
        ailevel::device::load_profile(&root.join("devices/sim/phone-l3.toml"), &suite.framework)
            .unwrap();
    let judge = with_judge.map(|url| {
        let p = dir.path().join("judge.toml");
        std::fs::write(
            &p,
            format!("base_url = \"{url}\"\nmodel = \"fake-judge\"\nseed = 11\n"),
        )
        .unwrap();
        Arc::new(
            ailevel::run::judge::Judge::new(ailevel::run::judge::load_profile(&p).unwrap())
                .unwrap(),
        )
    });
    let opts = RunOptions {
        trials_override: Some(1),
        turn_timeout: Duration::from_secs(5),
        judge,
        retries: 0,
        device_seeds: ailevel::results::DeviceSeeds::Trial,
        ..RunOptions::new(
            1,
            ailevel::run::blind::Secret::from_hex(&"5e".repeat(32)).unwrap(),
        )
    };
    let meta = ProfileMeta {
        path: "p".into(),
        sha256: "0".repeat(64),
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(ailevel::run::run(
        &suite,
        &profile,
        meta,
        Arc::new(Echo(AtomicU32::new(0))),
        opts,
        None,
    ))
    .unwrap()
}

#[test]
fn judge_verdicts_are_recorded_with_the_full_answer() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route("/v1/chat/completions", axum::routing::post(judge));
    rt.spawn(async move { axum::serve(listener, app).await });
    let r = run(Some(format!("http://{addr}/v1")));
    let polite = r.cases.iter().find(|c| c.id == "phone.j.polite").unwrap();
    assert_eq!(polite.verdict, Verdict::Pass, "{}", polite.reason);
    let j = &polite.trials[0].turns[0].judgements[0];
    assert_eq!(j.model, "fake-judge");
    assert_eq!(j.temperature, 0.0);
    assert_eq!(j.seed, Some(11));
    assert!(j.answer.as_deref().unwrap().contains("```json"));
    let rude = r.cases.iter().find(|c| c.id == "phone.j.rude").unwrap();
    assert_eq!(rude.verdict, Verdict::Fail);
    assert!(
        rude.trials[0].turns[0].checks[1]
            .reason
            .contains("failed it")
    );
}

#[test]
fn without_a_judge_judged_cases_are_not_applicable() {
    let r = run(None);
    for c in &r.cases {
        assert_eq!(c.verdict, Verdict::NotApplicable, "{}", c.id);
        assert!(c.reason.contains("--judge"));
    }
}

#[test]
fn an_unreachable_judge_fails_the_check_with_the_cause() {
    let r = run(Some("http://127.0.0.1:9/v1".into()));
    let polite = r.cases.iter().find(|c| c.id == "phone.j.polite").unwrap();
    assert_eq!(polite.verdict, Verdict::Fail);
    let j = &polite.trials[0].turns[0].judgements[0];
    assert!(j.pass.is_none() && j.error.is_some());
}
