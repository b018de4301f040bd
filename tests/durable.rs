//! Old work is never destroyed (#9.6): a run that fails to start leaves the previous run's
//! files as they were, and a finished run directory is only replaced with `--force`.

mod common;

use std::path::Path;

use common::{ailevel, profile_like, write};

const SIM: &str = "devices/sim/phone-l1.toml";

fn run_into(device: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    ailevel()
        .args(["run", "--quiet", "--trials", "1", "--device"])
        .arg(device)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

/// Every file in `dir` with its bytes, sorted by name.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// A profile like the simulator's, over ATP to a port nothing listens on.
fn dead_device(dir: &Path) -> std::path::PathBuf {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    write(
        dir,
        "dead.toml",
        &profile_like(
            SIM,
            &format!("kind = \"atp\"\nbase_url = \"http://127.0.0.1:{port}\""),
        ),
    )
}

#[test]
fn a_run_that_fails_to_start_leaves_the_previous_run_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let first = run_into(&common::root().join(SIM), &out, &[]);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let before = snapshot(&out);
    assert!(
        before
            .iter()
            .any(|(n, b)| n == "trials.jsonl" && !b.is_empty())
    );
    let dead = dead_device(dir.path());

    // Without --force the finished run is refused before the device is touched.
    let refused = run_into(&dead, &out, &[]);
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("holds a finished run") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(snapshot(&out), before);

    // With --force, a device that cannot be reached still destroys nothing.
    let dead_run = run_into(&dead, &out, &["--force"]);
    assert_eq!(dead_run.status.code(), Some(3), "{dead_run:?}");
    assert_eq!(snapshot(&out), before);
}

#[test]
fn a_run_that_fails_to_start_into_a_fresh_directory_writes_no_journal() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let dead = dead_device(dir.path());
    let output = run_into(&dead, &out, &[]);
    assert_eq!(output.status.code(), Some(3));
    assert!(!out.join("trials.jsonl").exists());
}

#[test]
fn force_replaces_a_finished_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let sim = common::root().join(SIM);
    assert_eq!(
        run_into(&sim, &out, &["--seed", "1"]).status.code(),
        Some(0)
    );
    let again = run_into(&sim, &out, &["--seed", "2", "--force"]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(r["run"]["seed"], 2);
}

#[test]
fn without_out_a_rerun_goes_to_a_fresh_default_folder() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        ailevel()
            .current_dir(dir.path())
            .args(["run", "--quiet", "--trials", "1", "--level", "L1"])
            .args(["--device", "sim:phone-l1"])
            .output()
            .unwrap()
    };
    let first = run();
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let kept = std::fs::read(dir.path().join("reports/phone-l1/results.json")).unwrap();
    let second = run();
    assert_eq!(second.status.code(), Some(0), "{second:?}");
    assert_eq!(
        std::fs::read(dir.path().join("reports/phone-l1/results.json")).unwrap(),
        kept,
        "the first run is kept"
    );
    assert!(dir.path().join("reports/phone-l1-2/results.json").exists());
}

// Interrupted runs (#14.1): killed or signalled at a seeded point, then resumed.

/// The reference L3 phone, two trials at a time with the sim's latency, so a run lasts
/// long enough (about two seconds) to be interrupted part way.
fn slow_phone(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(common::root().join("devices/sim/phone-l3.toml"))
        .unwrap()
        .replace("concurrency = 8", "concurrency = 2");
    assert!(text.contains("concurrency = 2"));
    write(dir, "slow-phone.toml", &text)
}

const SECRET: &str = "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7";

fn run_args(device: &Path, extra: &[&str]) -> std::process::Command {
    let mut c = ailevel();
    c.args([
        "run", "--quiet", "--trials", "1", "--seed", "11", "--device",
    ])
    .arg(device)
    .args(extra);
    c
}

/// Trial lines in the journal so far (the header not counted).
fn journal_trials(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("trials.jsonl"))
        .map(|t| t.lines().count().saturating_sub(1))
        .unwrap_or(0)
}

/// Start the run into `out` and wait (bounded) until the journal holds `at` trials.
fn start_until(device: &Path, out: &Path, extra: &[&str], at: usize) -> std::process::Child {
    let mut child = run_args(device, extra)
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..6000 {
        if journal_trials(out) >= at {
            return child;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before {at} trials were journaled"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let _ = child.kill();
    panic!("the journal never reached {at} trials");
}

fn results(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("results.json")).unwrap()).unwrap()
}

/// What must not change between an uninterrupted run and an interrupted, resumed one.
fn conclusions(r: &serde_json::Value) -> serde_json::Value {
    let cases: Vec<_> = r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let trials: Vec<_> = c["trials"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| (t["index"].clone(), t["outcome"].clone()))
                .collect();
            serde_json::json!([c["id"], c["verdict"], trials])
        })
        .collect();
    serde_json::json!({"grade": r["grade"], "summary": r["summary"], "cases": cases})
}

/// A small seeded generator (splitmix64): the kill points differ per seed but every run of
/// the test picks the same ones.
fn kill_point(seed: u64, lo: usize, hi: usize) -> usize {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    lo + (z ^ (z >> 31)) as usize % (hi - lo)
}

#[test]
fn kill_9_then_resume_gives_the_uninterrupted_verdicts_and_grade() {
    let dir = tempfile::tempdir().unwrap();
    let device = slow_phone(dir.path());
    let clean_dir = dir.path().join("clean");
    let clean = run_args(&device, &["--secret", SECRET])
        .arg("--out")
        .arg(&clean_dir)
        .output()
        .unwrap();
    assert_eq!(clean.status.code(), Some(0), "{clean:?}");
    let clean = results(&clean_dir);
    assert_eq!(clean["grade"]["level"], "L3");
    let total = clean["summary"]["trials"].as_u64().unwrap() as usize;

    for seed in [1, 2] {
        let out = dir.path().join(format!("killed-{seed}"));
        let at = kill_point(seed, 3, total / 2);
        let mut child = start_until(&device, &out, &["--secret", SECRET], at);
        child.kill().unwrap(); // SIGKILL: no handler runs, nothing is flushed
        child.wait().unwrap();
        assert!(!out.join("results.json").exists());
        // Tear the last line as a write cut short would: it must be dropped and rerun.
        let journal = std::fs::read(out.join("trials.jsonl")).unwrap();
        std::fs::write(out.join("trials.jsonl"), &journal[..journal.len() - 10]).unwrap();

        // A journal alone already gives (incomplete) results to report on.
        let report_dir = dir.path().join(format!("report-{seed}"));
        let report = ailevel()
            .arg("report")
            .arg(&out)
            .arg("--out")
            .arg(&report_dir)
            .args(["--lang", "en", "--format", "md"])
            .output()
            .unwrap();
        assert_eq!(report.status.code(), Some(0), "{report:?}");
        let md = std::fs::read_to_string(report_dir.join("summary.md")).unwrap();
        assert!(md.contains("The run was interrupted"), "{md}");

        let resumed = run_args(&device, &["--secret", SECRET])
            .arg("--resume")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(resumed.status.code(), Some(0), "seed {seed}: {resumed:?}");
        let r = results(&out);
        assert_eq!(
            conclusions(&r),
            conclusions(&clean),
            "seed {seed}, killed at {at}"
        );
        assert!(r["run"].get("interrupted").is_none());
        // No trial lost, none twice: the journal has each exactly once, plus the header.
        let text = std::fs::read_to_string(out.join("trials.jsonl")).unwrap();
        let mut keys: Vec<(String, u64)> = text
            .lines()
            .skip(1)
            .map(|l| {
                let t: serde_json::Value = serde_json::from_str(l).unwrap();
                (
                    t["case"].as_str().unwrap().into(),
                    t["index"].as_u64().unwrap(),
                )
            })
            .collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!((n, keys.len()), (total, total), "seed {seed}");
    }
}

#[test]
fn sigint_writes_incomplete_results_then_resume_completes() {
    let dir = tempfile::tempdir().unwrap();
    let device = slow_phone(dir.path());
    let out = dir.path().join("run");
    let child = start_until(&device, &out, &[], 10);
    let pid = child.id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(5), "{output:?}");
    let r = results(&out);
    let i = &r["run"]["interrupted"];
    assert_eq!(i["signal"], "SIGINT", "{i}");
    assert!(i["trials_run"].as_u64().unwrap() < i["trials_planned"].as_u64().unwrap());
    // The random secret is not disclosed while the run can still be resumed.
    assert!(r["run"].get("secret").is_none());
    assert!(out.join("secret").exists());
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("运行被中断（SIGINT）"), "{md}");

    // Another setting is refused, naming it, and changes nothing.
    let before = snapshot(&out);
    let other = run_args(&device, &["--retries", "3"])
        .arg("--resume")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(2), "{other:?}");
    let err = String::from_utf8_lossy(&other.stderr);
    assert!(
        err.contains("retries (--retries): the journal has 12, this run has 3"),
        "{err}"
    );
    assert_eq!(snapshot(&out), before);

    let resumed = run_args(&device, &[])
        .arg("--resume")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(resumed.status.code(), Some(0), "{resumed:?}");
    let r = results(&out);
    assert_eq!(r["grade"]["level"], "L3");
    assert!(r["run"].get("interrupted").is_none());
    assert_eq!(r["run"]["secret"].as_str().map(str::len), Some(64));
    assert!(!out.join("secret").exists());
    // Finished now: a second resume has nothing to continue.
    let again = run_args(&device, &[])
        .arg("--resume")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn a_resume_against_a_changed_suite_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let device = slow_phone(dir.path());
    let suite = dir.path().join("suites");
    copy_dir(&common::root().join("suites"), &suite);
    let out = dir.path().join("run");
    let suite_arg = suite.to_str().unwrap();
    let mut child = start_until(&device, &out, &["--suite", suite_arg], 5);
    child.kill().unwrap();
    child.wait().unwrap();
    let case = suite.join("phone/l1-commands.yaml");
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(&case, format!("{text}\n# edited\n")).unwrap();
    let before = snapshot(&out);
    let resumed = run_args(&device, &["--suite", suite_arg])
        .arg("--resume")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(resumed.status.code(), Some(2), "{resumed:?}");
    let err = String::from_utf8_lossy(&resumed.stderr);
    assert!(err.contains("suite SHA-256: the journal has"), "{err}");
    assert_eq!(snapshot(&out), before);
    // Grading the journal with the changed suite is refused too.
    let regrade = ailevel().arg("regrade").arg(&out).output().unwrap();
    assert_eq!(regrade.status.code(), Some(2));
    let err = String::from_utf8_lossy(&regrade.stderr);
    assert!(err.contains("has changed since the run"), "{err}");
}

#[test]
fn a_journal_without_a_header_is_refused_by_regrade() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert_eq!(
        run_into(&common::root().join(SIM), &out, &[]).status.code(),
        Some(0)
    );
    let journal = std::fs::read_to_string(out.join("trials.jsonl")).unwrap();
    let old: String = journal.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let old_dir = dir.path().join("old");
    std::fs::create_dir(&old_dir).unwrap();
    std::fs::write(old_dir.join("trials.jsonl"), old).unwrap();
    let o = ailevel().arg("regrade").arg(&old_dir).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("trials.jsonl:1: a journal without a header"),
        "{err}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
