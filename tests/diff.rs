//! `ailevel diff` and `run --baseline`: the changes are counted here from the two results
//! files directly, never with the diff code.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::ailevel;
use serde_json::Value;

fn run(profile: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    ailevel()
        .args(["run", "--device", profile, "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn verdicts(dir: &Path) -> BTreeMap<String, String> {
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap();
    common::verdicts(&r).into_iter().collect()
}

fn diff(base: &Path, new: &Path, extra: &[&str]) -> std::process::Output {
    ailevel()
        .arg("diff")
        .arg(base)
        .arg(new)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn diff_of_phone_l2_and_l3_lists_every_changed_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let (l2, l3) = (tmp.path().join("l2"), tmp.path().join("l3"));
    // The same texts to both, the canonical ones: on drawn ones phone-l3 misreads a phrasing
    // phone-l2 passes, and this test is about the diff, not the simulators.
    let canonical = ["--phrasing", "canonical"];
    assert_eq!(
        run("devices/sim/phone-l2.toml", &l2, &canonical)
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run("devices/sim/phone-l3.toml", &l3, &canonical)
            .status
            .code(),
        Some(0)
    );
    let (a, b) = (verdicts(&l2), verdicts(&l3));
    let want: Vec<(&String, &String, &String)> = a
        .iter()
        .filter_map(|(id, v)| b.get(id).filter(|w| *w != v).map(|w| (id, v, w)))
        .collect();
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    assert!(!want.is_empty());

    let out = diff(&l2, &l3.join("results.json"), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(String, String, String)> = d["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["base"].as_str().unwrap().to_string(),
                c["new"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want_owned: Vec<(String, String, String)> = want
        .iter()
        .map(|(i, v, w)| ((*i).clone(), (*v).clone(), (*w).clone()))
        .collect();
    assert_eq!(got, want_owned);
    assert_eq!(d["base_level"], "L2");
    assert_eq!(d["new_level"], "L3");
    assert_eq!(d["level_change"], 1);
    assert_eq!(d["regression"], false);
    let fixed = want
        .iter()
        .filter(|(_, v, w)| *v != "pass" && *w == "pass")
        .count();
    assert_eq!(d["fixes"].as_array().unwrap().len(), fixed);
    let per_element: usize = d["by_element"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_array().unwrap().len())
        .sum();
    assert_eq!(per_element, want.len());

    // The other way round is a regression, and says so in each format.
    let out = diff(&l3, &l2, &["--format", "md", "--fail-on-regression"]);
    assert_eq!(out.status.code(), Some(9), "{out:?}");
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.starts_with("### ❌ Level: L3 Assistant → L2 Tool"),
        "{md}"
    );
    for (id, _, _) in &want {
        // Escaped as any text from a results file is (ids are suite text).
        let cell = id.replace('_', "\\_");
        assert!(md.contains(&format!("| {cell} |")), "{id} not in the table");
    }
    let out = diff(&l3, &l2, &[]);
    assert_eq!(out.status.code(), Some(0), "no --fail-on-regression");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("New failures ({}):", want.len())),
        "{text}"
    );
    assert!(text.contains("Verdict: regression"));
    let latency = text
        .lines()
        .find(|l| l.starts_with("Turn latency: "))
        .unwrap();
    assert!(
        latency.contains("p50 ") && latency.contains(" ms), p95 "),
        "{latency}"
    );
    assert!(
        !latency.contains("-0 ms"),
        "a rounded zero has no sign: {latency}"
    );
    let figures = latency.strip_prefix("Turn latency: ").unwrap();
    assert!(
        md.contains(&format!("- **Turn latency**: {figures}\n")),
        "{md}"
    );

    // run --baseline: the same comparison at the end of a run, and the exit code.
    let again = tmp.path().join("again");
    let out = run(
        "devices/sim/phone-l2.toml",
        &again,
        &["--baseline", l3.to_str().unwrap(), "--fail-on-regression"],
    );
    assert_eq!(out.status.code(), Some(9), "{out:?}");
    let md = std::fs::read_to_string(again.join("diff.md")).unwrap();
    assert!(md.contains("L3 Assistant → L2 Tool") || md.contains("L3 辅助级 → L2 工具级"));
    let out = run(
        "devices/sim/phone-l3.toml",
        &tmp.path().join("same"),
        &[
            "--baseline",
            l3.to_str().unwrap(),
            "--fail-on-regression",
            "--phrasing",
            "canonical",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    // A baseline that is not a results file costs no run.
    let out = run(
        "devices/sim/phone-l3.toml",
        &tmp.path().join("bad"),
        &["--baseline", "README.md"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!tmp.path().join("bad/results.json").exists());
}

#[test]
fn caveats_are_data_in_json_and_worded_in_each_language() {
    let tmp = tempfile::tempdir().unwrap();
    let (phone, car) = (tmp.path().join("phone"), tmp.path().join("car"));
    let l1 = ["--level", "L1"];
    assert_eq!(
        run("devices/sim/phone-l3.toml", &phone, &l1).status.code(),
        Some(0)
    );
    assert_eq!(
        run("devices/sim/car-l3.toml", &car, &l1).status.code(),
        Some(0)
    );

    let out = diff(&phone, &car, &["--format", "json"]);
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = d["caveats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"different_category"), "{kinds:?}");
    assert!(kinds.contains(&"partial"), "{kinds:?}");
    assert!(
        d["caveats"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(
                {"kind": "different_category", "base": "phone", "new": "car"}
            ))
    );

    let zh = String::from_utf8(diff(&phone, &car, &["--lang", "zh-CN"]).stdout).unwrap();
    assert!(zh.contains("设备类别不同：phone 与 car"), "{zh}");
    assert!(zh.contains("新运行只覆盖了部分用例"), "{zh}");
    assert!(!zh.contains("covered a selection"), "{zh}");
    let en = String::from_utf8(diff(&phone, &car, &["--format", "md"]).stdout).unwrap();
    assert!(
        en.contains("> ⚠️ the base run covered a selection of cases only"),
        "{en}"
    );
}
