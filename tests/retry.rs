//! `ailevel retry DIR` (#14.2): a run's failed and inconclusive cases rerun into the same run,
//! every attempt kept. A device made faulty by `sim serve` leaves cases inconclusive; retried
//! against the same simulator served cleanly, they get the verdicts a clean run gives them.

mod common;

use std::path::{Path, PathBuf};

use common::{SimServer, ailevel, profile_like, root, verdicts, write};
use serde_json::Value;

const SIM: &str = "devices/sim/phone-l1.toml";

/// Turns answered with a body that is not JSON: a protocol error, which `--retries 0` does
/// not retry, so the trial errs and its case is inconclusive. Sessions, info and reset are
/// left clean so the run itself goes through.
const FAULTS: &[&str] = &[
    "--fault-seed",
    "7",
    "--fault-scope",
    "turns",
    "--malformed-rate",
    "0.3",
];

fn run_into(device: &Path, out: &Path) -> std::process::Output {
    ailevel()
        .args([
            "run",
            "--quiet",
            "--trials",
            "1",
            "--retries",
            "0",
            "--seed",
            "3",
        ])
        .args(["--concurrency", "4", "--device"])
        .arg(device)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn results(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap()
}

fn retry(dir: &Path, extra: &[&str]) -> std::process::Output {
    ailevel()
        .args(["retry", "--quiet"])
        .arg(dir)
        .args(extra)
        .output()
        .unwrap()
}

fn ids_with(r: &Value, verdict: &str) -> Vec<String> {
    verdicts(r)
        .into_iter()
        .filter(|(_, v)| v == verdict)
        .map(|(id, _)| id)
        .collect()
}

fn case<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

/// A faulty run in `dir/out` and a clean server's profile; the clean run's results too.
struct Setup {
    _dir: tempfile::TempDir,
    out: PathBuf,
    healthy: PathBuf,
    faulty: Value,
    clean: Value,
    clean_code: Option<i32>,
    _server: SimServer,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let bad = SimServer::start(SIM, FAULTS);
    let bad_dir = dir.path().join("bad");
    std::fs::create_dir(&bad_dir).unwrap();
    let out = dir.path().join("out");
    let ran = run_into(&bad.profile(&bad_dir, SIM), &out);
    assert!(out.join("results.json").exists(), "{ran:?}");
    drop(bad);
    let faulty = results(&out);
    let server = SimServer::start(SIM, &[]);
    let good_dir = dir.path().join("good");
    std::fs::create_dir(&good_dir).unwrap();
    let healthy = server.profile(&good_dir, SIM);
    let clean_out = dir.path().join("clean");
    let clean_run = run_into(&healthy, &clean_out);
    let clean = results(&clean_out);
    assert!(ids_with(&clean, "inconclusive").is_empty(), "{clean_run:?}");
    assert!(
        !ids_with(&faulty, "inconclusive").is_empty(),
        "the faults left no case inconclusive"
    );
    Setup {
        _dir: dir,
        out,
        healthy,
        faulty,
        clean,
        clean_code: clean_run.status.code(),
        _server: server,
    }
}

fn journal_lines(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("trials.jsonl"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn inconclusive_cases_retried_on_a_healthy_device_get_their_clean_verdicts() {
    let s = setup();
    let inconclusive = ids_with(&s.faulty, "inconclusive");
    let journal_before = journal_lines(&s.out);
    let out = retry(&s.out, &["--device", s.healthy.to_str().unwrap()]);
    assert_eq!(out.status.code(), s.clean_code, "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("retry round 1"), "{stdout}");

    let r = results(&s.out);
    assert_eq!(verdicts(&r), verdicts(&s.clean), "retried verdicts");
    assert_eq!(r["grade"]["level"], s.clean["grade"]["level"]);
    assert_eq!(r["run"]["retry_rounds"].as_array().unwrap().len(), 1);
    assert_eq!(r["run"]["retry_rounds"][0]["round"], 1);
    // Every attempt is kept: the faulty round whole, under `earlier`, and in the journal.
    for id in &inconclusive {
        let (now, was) = (case(&r, id), case(&s.faulty, id));
        let earlier = now["earlier"].as_array().unwrap();
        assert_eq!(earlier.len(), 1, "{id}");
        assert_eq!(earlier[0]["round"], 0);
        assert_eq!(earlier[0]["verdict"], "inconclusive", "{id}");
        assert_eq!(earlier[0]["trials"], was["trials"], "{id}");
        assert!(
            now["trials"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["round"] == 1)
        );
    }
    // Cases not retried are as they were.
    for (id, v) in verdicts(&s.faulty) {
        if v != "inconclusive" && v != "fail" {
            assert_eq!(case(&r, &id), case(&s.faulty, &id), "{id}");
        }
    }
    let journal = journal_lines(&s.out);
    assert_eq!(&journal[..journal_before.len()], &journal_before[..]);
    let added = &journal[journal_before.len()..];
    assert!(!added.is_empty() && added.iter().all(|t| t["round"] == 1));

    // The retried results re-grade to themselves, from results.json and from the journal.
    let bytes = std::fs::read(s.out.join("results.json")).unwrap();
    let regrade = ailevel()
        .arg("regrade")
        .arg(s.out.join("results.json"))
        .output()
        .unwrap();
    assert!(regrade.status.success(), "{regrade:?}");
    assert_eq!(
        regrade.stdout, bytes,
        "regrade does not reproduce the results"
    );
    std::fs::remove_file(s.out.join("results.json")).unwrap();
    let from_journal = ailevel().arg("regrade").arg(&s.out).output().unwrap();
    let rebuilt: Value = serde_json::from_slice(&from_journal.stdout).unwrap();
    assert_eq!(verdicts(&rebuilt), verdicts(&s.clean), "{from_journal:?}");
    assert_eq!(
        case(&rebuilt, &inconclusive[0])["earlier"][0]["verdict"],
        "inconclusive"
    );

    // The reports say which cases were retried.
    let md = std::fs::read_to_string(s.out.join("summary.md")).unwrap();
    assert!(
        md.contains("ailevel retry") && md.contains(&inconclusive[0]),
        "{md}"
    );
    let junit = std::fs::read_to_string(s.out.join("junit.xml")).unwrap();
    assert!(
        junit.contains("name=\"retry_rounds\" value=\"1\""),
        "{junit}"
    );
    assert!(junit.contains("name=\"retried\""), "{junit}");
}

#[test]
fn only_failed_leaves_inconclusive_cases_alone() {
    let s = setup();
    let failed = ids_with(&s.faulty, "fail");
    assert!(!failed.is_empty(), "an L1 phone fails higher cases");
    let out = retry(
        &s.out,
        &["--only", "failed", "--device", s.healthy.to_str().unwrap()],
    );
    assert!(out.status.code().is_some(), "{out:?}");
    let r = results(&s.out);
    for id in ids_with(&s.faulty, "inconclusive") {
        assert_eq!(case(&r, &id), case(&s.faulty, &id), "{id} was touched");
    }
    for id in &failed {
        let c = case(&r, id);
        assert_eq!(c["earlier"][0]["verdict"], "fail", "{id}");
        assert_eq!(c["verdict"], case(&s.clean, id)["verdict"], "{id}");
    }
    // A second round numbers on.
    let again = retry(&s.out, &["--device", s.healthy.to_str().unwrap()]);
    assert_eq!(again.status.code(), s.clean_code, "{again:?}");
    let r = results(&s.out);
    assert_eq!(r["run"]["retry_rounds"][1]["round"], 2);
    assert_eq!(case(&r, &failed[0])["earlier"].as_array().unwrap().len(), 2);
    assert_eq!(verdicts(&r), verdicts(&s.clean));
}

#[test]
fn an_unknown_only_word_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = retry(dir.path(), &["--only", "failed,passed"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`passed` is not a verdict to retry"), "{err}");
}

/// A clean in-process simulator run, from a copy of its profile that a test may change.
fn sim_run(dir: &Path) -> (PathBuf, PathBuf, Option<i32>) {
    let text = std::fs::read_to_string(root().join(SIM)).unwrap();
    let profile = write(dir, "sim.toml", &text);
    let out = dir.join("out");
    let ran = run_into(&profile, &out);
    assert!(out.join("results.json").exists(), "{ran:?}");
    (profile, out, ran.status.code())
}

#[test]
fn nothing_to_retry_says_so_and_exits_as_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out, code) = sim_run(dir.path());
    let before = std::fs::read(out.join("results.json")).unwrap();
    let r = retry(&out, &["--only", "inconclusive"]);
    assert_eq!(r.status.code(), code, "{r:?}");
    assert!(
        String::from_utf8_lossy(&r.stdout).contains("nothing to retry"),
        "{r:?}"
    );
    assert_eq!(std::fs::read(out.join("results.json")).unwrap(), before);
}

#[test]
fn a_changed_profile_or_another_device_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (profile, out, _) = sim_run(dir.path());
    let before = std::fs::read(out.join("results.json")).unwrap();
    let text = std::fs::read_to_string(&profile).unwrap();
    std::fs::write(&profile, format!("{text}\n# edited\n")).unwrap();
    let r = retry(&out, &[]);
    assert_eq!(r.status.code(), Some(2), "{r:?}");
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains("profile") && err.contains("has changed"),
        "{err}"
    );

    let other = write(
        dir.path(),
        "other.toml",
        &profile_like(SIM, "kind = \"sim\"\nlevel = \"L1\"").replace("SimPhone", "OtherPhone"),
    );
    let r = retry(&out, &["--device", other.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(2), "{r:?}");
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains("not the device the run tested") && err.contains("model"),
        "{err}"
    );
    assert_eq!(std::fs::read(out.join("results.json")).unwrap(), before);
}
