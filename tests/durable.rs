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
