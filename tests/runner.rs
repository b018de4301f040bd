//! The runner against scripted misbehaving devices: timeouts, errors and a device that dies
//! become recorded trial errors and inconclusive cases — never a crash, never a pass.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use ailevel::device::protocol::{Info, Output};
use ailevel::device::{Adapter, Control, DeviceError, Input, SessionId, SessionRequest, Turn};
use ailevel::results::{TrialOutcome, Verdict};
use ailevel::run::{ProfileMeta, RunOptions};
use async_trait::async_trait;

#[derive(Clone, Copy)]
enum Behaviour {
    /// Answers "好的" with no action.
    Fine,
    /// Never answers a turn whose text contains "慢".
    HangsOnSlow,
    /// Errors on a turn whose text contains "坏".
    ErrorsOnBad,
    /// Unreachable for every turn.
    Dead,
}

struct Scripted {
    behaviour: Behaviour,
    sessions: AtomicU32,
}

#[async_trait]
impl Adapter for Scripted {
    async fn info(&self) -> Result<Info, DeviceError> {
        Ok(Info {
            protocol: "atp/1".into(),
            vendor: "test".into(),
            model: "scripted".into(),
            category: "phone".into(),
            firmware: "0".into(),
            features: vec![],
            model_info: None,
            build_fingerprint: None,
            serial: None,
        })
    }
    async fn open_session(&self, _: &SessionRequest) -> Result<SessionId, DeviceError> {
        Ok(SessionId(
            self.sessions.fetch_add(1, Ordering::SeqCst).to_string(),
        ))
    }
    async fn turn(&self, _: &SessionId, input: &Input) -> Result<Turn, DeviceError> {
        let text = input.text.clone().unwrap_or_default();
        match self.behaviour {
            Behaviour::HangsOnSlow if text.contains('慢') => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                unreachable!("the runner's timeout fires first")
            }
            Behaviour::ErrorsOnBad if text.contains('坏') => Err(DeviceError::Device {
                code: "internal".into(),
                message: "boom".into(),
            }),
            Behaviour::Dead => Err(DeviceError::Unreachable {
                message: "connection refused".into(),
            }),
            _ => Ok(Turn {
                output: Output {
                    text: Some("好的".into()),
                    speech_b64: None,
                },
                ..Turn::default()
            }),
        }
    }
    async fn state(&self, _: &SessionId) -> Result<serde_json::Value, DeviceError> {
        Ok(serde_json::json!({}))
    }
    async fn control(&self, _: &Control) -> Result<(), DeviceError> {
        Ok(())
    }
    async fn close(&self, _: &SessionId) -> Result<(), DeviceError> {
        Ok(())
    }
}

const CASES: &str = "schema: ailevel.suite/1
title: { zh-CN: 测试, en: Test }
category: phone
cases:
  - id: phone.t.ok
    title: { zh-CN: 正常, en: Fine }
    level: L1
    element: execution
    mandatory: true
    clause: \"177.3 §5.2\"
    turns:
      - input: { text: 你好 }
        expect: [ { contains: 好的 } ]
  - id: phone.t.slow
    title: { zh-CN: 慢, en: Slow }
    level: L1
    element: perception
    mandatory: true
    clause: \"177.3 §5.2\"
    turns:
      - input: { text: 慢一点 }
        expect: [ { contains: 好的 } ]
  - id: phone.t.bad
    title: { zh-CN: 坏, en: Bad }
    level: L1
    element: perception
    mandatory: true
    clause: \"177.3 §5.2\"
    turns:
      - input: { text: 你好 }
        expect: [ { contains: 好的 } ]
      - input: { text: 坏了 }
        expect: [ { contains: 好的 } ]
";

fn suite() -> (
    tempfile::TempDir,
    ailevel::suite::LoadedSuite,
    ailevel::device::Profile,
) {
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
    (dir, suite, profile)
}

fn run(behaviour: Behaviour) -> ailevel::results::Results {
    let (_dir, suite, profile) = suite();
    let adapter = Arc::new(Scripted {
        behaviour,
        sessions: AtomicU32::new(0),
    });
    let opts = RunOptions {
        trials_override: Some(3),
        concurrency: 2,
        turn_timeout: Duration::from_millis(200),
        retries: 0,
        device_seeds: ailevel::results::DeviceSeeds::Trial,
        ..RunOptions::new(
            1,
            ailevel::run::blind::Secret::from_hex(&"5e".repeat(32)).unwrap(),
        )
    };
    let meta = ProfileMeta {
        path: "p.toml".into(),
        sha256: "0".repeat(64),
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(ailevel::run::run(
        &suite, &profile, meta, adapter, opts, None,
    ))
    .unwrap()
}

fn verdict(r: &ailevel::results::Results, id: &str) -> Verdict {
    r.cases.iter().find(|c| c.id == id).unwrap().verdict
}

#[test]
fn a_hanging_turn_times_out_into_an_inconclusive_case() {
    let r = run(Behaviour::HangsOnSlow);
    assert_eq!(verdict(&r, "phone.t.ok"), Verdict::Pass);
    assert_eq!(verdict(&r, "phone.t.slow"), Verdict::Inconclusive);
    let slow = r.cases.iter().find(|c| c.id == "phone.t.slow").unwrap();
    assert!(slow.trials.iter().all(|t| t.outcome == TrialOutcome::Error));
    assert!(matches!(
        slow.trials[0].error,
        Some(DeviceError::Timeout { ms: 200 })
    ));
    assert_eq!(
        r.grade.level, None,
        "an inconclusive mandatory L1 case blocks L1"
    );
    assert!(r.grade.blocking.contains(&"phone.t.slow".to_string()));
}

#[test]
fn a_device_error_mid_case_is_recorded_with_its_cause() {
    let r = run(Behaviour::ErrorsOnBad);
    let bad = r.cases.iter().find(|c| c.id == "phone.t.bad").unwrap();
    assert_eq!(bad.verdict, Verdict::Inconclusive);
    let t = &bad.trials[0];
    assert_eq!(
        t.turns.len(),
        2,
        "the first turn's answer is kept as evidence"
    );
    assert!(t.turns[0].response.is_some());
    assert!(matches!(t.turns[1].error, Some(DeviceError::Device { .. })));
    assert!(!r.run.aborted);
}

#[test]
fn a_dead_device_aborts_the_run_but_keeps_every_case() {
    let r = run(Behaviour::Dead);
    assert!(r.run.aborted);
    assert_eq!(r.cases.len(), 3);
    assert!(r.cases.iter().all(|c| c.verdict == Verdict::Inconclusive));
    assert_eq!(r.grade.level, None);
}

#[test]
fn a_fine_device_passes_and_verdicts_ignore_finish_order() {
    let r = run(Behaviour::Fine);
    assert!(r.cases.iter().all(|c| c.verdict == Verdict::Pass));
    for c in &r.cases {
        let idx: Vec<u32> = c.trials.iter().map(|t| t.index).collect();
        assert_eq!(idx, vec![0, 1, 2]);
    }
}
