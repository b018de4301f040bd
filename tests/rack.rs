//! A rack (#14): `run --device A --device B …` drives several devices at once in one process,
//! one folder per device and an index; a dead member holds up no other; bad input is refused
//! before any device is touched.

mod common;

use common::{ailevel, closed_port, profile_like, write};
use serde_json::Value;

fn index(dir: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(dir.join("index.json")).expect("index.json");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn three_devices_at_once_each_graded_as_alone_and_a_dead_one_is_only_its_own_loss() {
    let tmp = tempfile::tempdir().unwrap();
    let dead = write(
        tmp.path(),
        "dead-phone.toml",
        &profile_like(
            "devices/sim/phone-l1.toml",
            &format!(
                "kind = \"atp\"\nbase_url = \"http://127.0.0.1:{}\"",
                closed_port()
            ),
        ),
    );
    let out = tmp.path().join("rack");
    let run = ailevel()
        .args([
            "run",
            "--device",
            "sim:phone-l2",
            "--device",
            "sim:phone-l3",
            "--device",
        ])
        .arg(&dead)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(
        run.status.code(),
        Some(3),
        "first non-zero member: {stderr}"
    );
    let ix = index(&out);
    assert_eq!(ix["schema"], "ailevel.rack/1");
    assert_eq!(ix["exit_code"], 3);
    let devices = ix["devices"].as_array().unwrap();
    let row = |i: usize, k: &str| devices[i][k].clone();
    assert_eq!(
        (row(0, "out"), row(0, "level"), row(0, "exit_code")),
        ("phone-l2".into(), "L2".into(), 0.into())
    );
    assert_eq!(
        (row(1, "out"), row(1, "level"), row(1, "exit_code")),
        ("phone-l3".into(), "L3".into(), 0.into())
    );
    assert_eq!(
        (row(2, "out"), row(2, "exit_code")),
        ("dead-phone".into(), 3.into())
    );
    assert!(
        row(2, "error").as_str().is_some_and(|e| !e.is_empty()),
        "{}",
        devices[2]
    );
    // Each member is an ordinary run with its own results, and they ran at the same time.
    let results = |name: &str| -> Value {
        let t = std::fs::read_to_string(out.join(name).join("results.json")).unwrap();
        serde_json::from_str(&t).unwrap()
    };
    let (a, b) = (results("phone-l2"), results("phone-l3"));
    assert_eq!(a["device"]["model"], "SimPhone L2");
    assert_eq!(b["device"]["model"], "SimPhone L3");
    let span = |r: &Value| {
        (
            r["run"]["started_at"].as_str().unwrap().to_string(),
            r["run"]["finished_at"].as_str().unwrap().to_string(),
        )
    };
    let ((a0, a1), (b0, b1)) = (span(&a), span(&b));
    assert!(
        a0 < b1 && b0 < a1,
        "runs did not overlap: {a0}–{a1} and {b0}–{b1}"
    );
    assert_ne!(
        a["run"]["secret"], b["run"]["secret"],
        "each run keys its own secret"
    );
    let md = std::fs::read_to_string(out.join("index.md")).unwrap();
    assert!(
        md.contains("| sim:phone-l3 | ailevel reference SimPhone L3 sim-0.1.0 | phone | L3 | 0 | [phone-l3](phone-l3/summary.md) |"),
        "{md}"
    );
    // A finished rack is kept unless --force.
    let again = ailevel()
        .args([
            "run",
            "--device",
            "sim:phone-l1",
            "--device",
            "sim:car-l1",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("finished rack"));
}

#[test]
fn a_rack_is_refused_whole_before_any_device_is_touched() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = write(tmp.path(), "bad.toml", "vendor = \"v\"\nmodle = \"typo\"\n");
    let out = tmp.path().join("rack");
    for (args, says) in [
        (
            vec![
                "--device",
                "sim:phone-l2",
                "--device",
                bad.to_str().unwrap(),
            ],
            "bad.toml",
        ),
        (
            vec!["--device", "sim:phone-l2", "--device", "sim:phone-l2"],
            "given twice",
        ),
        (
            vec![
                "--device",
                "sim:phone-l2",
                "--device",
                "sim:phone-l3",
                "--secret",
                &"ab".repeat(32),
            ],
            "--secret",
        ),
    ] {
        let run = ailevel()
            .arg("run")
            .args(&args)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!out.exists(), "{args:?}: something was written");
    }
}
