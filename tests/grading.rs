//! Grades a lab can defend: repeated runs agree, and one broken requirement is named.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ailevel::device::{
    Adapter, Control, DeviceError, Info, Input, SessionId, SessionRequest, Turn,
};
use ailevel::results::Verdict;
use ailevel::run::{ProfileMeta, RunOptions};
use async_trait::async_trait;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// How the wrapper spoils the target case's input.
#[derive(Clone, Copy)]
enum Spoil {
    /// Answer with nothing: every check on the turn fails.
    Fail,
    /// Answer with a device error.
    Error,
}

/// A test device: the reference simulator, except that it spoils turns whose input is
/// exactly the given text. It stands for a real terminal with one broken feature.
struct OneBroken {
    inner: Arc<dyn Adapter>,
    /// Every phrasing of the targeted turn: whichever one a trial draws is spoiled.
    texts: Vec<String>,
    spoil: Spoil,
}

#[async_trait]
impl Adapter for OneBroken {
    async fn info(&self) -> Result<Info, DeviceError> {
        self.inner.info().await
    }
    async fn open_session(&self, r: &SessionRequest) -> Result<SessionId, DeviceError> {
        self.inner.open_session(r).await
    }
    async fn turn(&self, s: &SessionId, input: &Input) -> Result<Turn, DeviceError> {
        if input.text.as_ref().is_some_and(|t| self.texts.contains(t)) {
            return match self.spoil {
                Spoil::Fail => Ok(Turn::default()),
                Spoil::Error => Err(DeviceError::Device {
                    code: "internal".into(),
                    message: "feature crashed".into(),
                }),
            };
        }
        self.inner.turn(s, input).await
    }
    async fn state(&self, s: &SessionId) -> Result<serde_json::Value, DeviceError> {
        self.inner.state(s).await
    }
    async fn control(&self, op: &Control) -> Result<(), DeviceError> {
        self.inner.control(op).await
    }
    async fn close(&self, s: &SessionId) -> Result<(), DeviceError> {
        self.inner.close(s).await
    }
}

fn run_broken(spoil: Spoil) -> (ailevel::results::Results, String) {
    let suite = ailevel::suite::load_suite(&root().join("suites"), None).unwrap();
    let (profile, sha) =
        ailevel::device::load_profile(&root().join("devices/sim/phone-l3.toml"), &suite.framework)
            .unwrap();
    let plan = ailevel::run::plan::plan(&suite, &profile, None, false);
    let target = plan
        .iter()
        .find(|p| p.loaded.case.level == "L2" && p.loaded.case.mandatory && p.applicable.is_ok())
        .expect("a mandatory L2 case");
    let id = target.loaded.case.id.clone();
    let texts = target.loaded.case.turns[0]
        .input
        .text
        .clone()
        .unwrap()
        .items()
        .to_vec();
    let adapter = Arc::new(OneBroken {
        inner: ailevel::device::connect(
            &profile,
            &ailevel::device::ConnectOptions::new(1, suite.actions.clone()),
        )
        .unwrap(),
        texts,
        spoil,
    });
    let opts = RunOptions {
        concurrency: 4,
        turn_timeout: Duration::from_secs(10),
        retries: 0,
        device_seeds: ailevel::results::DeviceSeeds::Trial,
        ..RunOptions::new(
            1,
            ailevel::run::blind::Secret::from_hex(&"5e".repeat(32)).unwrap(),
        )
    };
    let meta = ProfileMeta {
        path: "devices/sim/phone-l3.toml".into(),
        sha256: sha,
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let results = rt
        .block_on(ailevel::run::run(
            &suite, &profile, meta, adapter, opts, None,
        ))
        .unwrap();
    (results, id)
}

#[test]
fn failing_one_mandatory_l2_case_grades_l1_and_names_it() {
    let (r, id) = run_broken(Spoil::Fail);
    assert_eq!(r.grade.level.as_deref(), Some("L1"), "{:?}", r.grade.ladder);
    assert_eq!(r.grade.blocking, vec![id.clone()]);
    assert_eq!(
        r.cases.iter().find(|c| c.id == id).unwrap().verdict,
        Verdict::Fail
    );
    assert_eq!(r.grade.meets_declared, Some(false));
}

#[test]
fn erroring_on_one_mandatory_l2_case_grades_l1_with_it_inconclusive() {
    let (r, id) = run_broken(Spoil::Error);
    assert_eq!(r.grade.level.as_deref(), Some("L1"), "{:?}", r.grade.ladder);
    assert_eq!(r.grade.blocking, vec![id.clone()]);
    assert_eq!(
        r.cases.iter().find(|c| c.id == id).unwrap().verdict,
        Verdict::Inconclusive
    );
}

#[test]
fn five_trials_give_the_same_level_over_ten_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let latency = regex::Regex::new(r"(?m)^latency_ms\s*=.*$").unwrap();
    for (name, level) in [("phone-l1", "L1"), ("phone-l2", "L2"), ("phone-l3", "L3")] {
        // Same device without simulated latency: the level must not depend on timing luck.
        let profile =
            std::fs::read_to_string(root().join(format!("devices/sim/{name}.toml"))).unwrap();
        let fast = latency.replace(&profile, "latency_ms = [0, 0]");
        let path = dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, fast.as_ref()).unwrap();
        for seed in 1..=10u64 {
            let out = dir.path().join(format!("{name}-{seed}"));
            let status = assert_cmd::Command::cargo_bin("ailevel")
                .unwrap()
                .current_dir(root())
                .args([
                    "run",
                    "--quiet",
                    "--trials",
                    "5",
                    "--seed",
                    &seed.to_string(),
                    "--device",
                ])
                .arg(&path)
                .arg("--out")
                .arg(&out)
                .output()
                .unwrap();
            assert_eq!(
                status.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&status.stderr)
            );
            let r: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap())
                    .unwrap();
            assert_eq!(r["grade"]["level"], level, "{name} seed {seed}");
            let stats = r["cases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| &c["stats"])
                .find(|s| !s.is_null())
                .unwrap();
            assert_eq!(stats["k"], 5, "{name}: five valid trials per case");
            assert!(
                stats["wilson_low"].as_f64().unwrap() <= stats["wilson_high"].as_f64().unwrap()
            );
            let html = std::fs::read_to_string(out.join("report.html")).unwrap();
            assert!(html.contains("Wilson 95"), "the report shows intervals");
        }
    }
}
