//! `run --shard K/N` and `merge`, the way a Kubernetes Indexed Job or a CI matrix uses them:
//! four shard processes at once, merged, equal the unsharded run.
//!
//! Each shard drives its own device, as each pod of the Indexed Job has its own (docs/ci.md):
//! ATP/1's `reset` leaves a device with no sessions, so processes sharing one device end each
//! other's trials (tried: most cases then come out inconclusive).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::ailevel;
use serde_json::Value;

const SECRET: &str = "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed";

fn run(profile: &Path, out: &Path, extra: &[&str]) -> std::process::Child {
    ailevel()
        .args([
            "run", "--quiet", "--trials", "1", "--secret", SECRET, "--device",
        ])
        .arg(profile)
        .arg("--out")
        .arg(out)
        .args(extra)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

fn results(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap()
}

fn verdicts(r: &Value) -> BTreeMap<String, String> {
    common::verdicts(r).into_iter().collect()
}

#[test]
fn four_shard_processes_at_once_merge_to_the_unsharded_run() {
    let tmp = tempfile::tempdir().unwrap();
    // The in-process simulator: every process its own device, one profile (and so one
    // profile hash) for all, as pods with a device each.
    let profile = Path::new("devices/sim/phone-l3.toml");
    let whole = tmp.path().join("whole");
    let out = run(profile, &whole, &[]).wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    let shards: Vec<_> = (1..=4)
        .map(|k| tmp.path().join(format!("shard-{k}")))
        .collect();
    let children: Vec<_> = shards
        .iter()
        .enumerate()
        .map(|(i, dir)| run(profile, dir, &["--shard", &format!("{}/4", i + 1)]))
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
    }
    // Each shard is partial and holds a disjoint part.
    let mut sizes = Vec::new();
    for dir in &shards {
        let r = results(dir);
        assert_eq!(r["grade"]["partial"], true);
        assert_eq!(r["grade"]["level"], Value::Null);
        sizes.push(r["cases"].as_array().unwrap().len());
    }
    let w = results(&whole);
    assert_eq!(
        sizes.iter().sum::<usize>(),
        w["cases"].as_array().unwrap().len()
    );

    let merged = tmp.path().join("merged");
    let out = ailevel()
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&merged)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let m = results(&merged);
    assert_eq!(verdicts(&m), verdicts(&w));
    assert_eq!(m["grade"], w["grade"]);
    assert_eq!(m["summary"], w["summary"]);
    assert_eq!(m["scores"], w["scores"]);
    assert_eq!(m["run"].get("selection"), None);
    assert_eq!(w["grade"]["level"], "L3");

    // Not the N shards of one run: refused, naming the file.
    let refuse = |dirs: &[&Path], wants: &str| {
        let out = ailevel()
            .arg("merge")
            .args(dirs)
            .arg("--out")
            .arg(tmp.path().join("nope"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{dirs:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(wants), "{stderr}");
    };
    refuse(&[&shards[0], &shards[1], &shards[2]], "4/4 missing");
    refuse(
        &[&shards[0], &shards[0], &shards[2], &shards[3]],
        "given twice",
    );
    refuse(&[&shards[0], &whole], "not a shard");
    // Another seed is another run.
    let other = tmp.path().join("other-seed");
    let out = run(profile, &other, &["--shard", "4/4", "--seed", "2"])
        .wait_with_output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    refuse(&[&shards[0], &shards[1], &shards[2], &other], "seed");
}
