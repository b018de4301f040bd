//! CI semantics through the real binary: JUnit counts only what the gate needs, gates say why
//! they fail (in the console's language), `--json` output for scripts, and GitHub's step
//! summary. Expected counts come from results.json, never from the code under test.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use common::ailevel;
use serde_json::Value;

fn run(profile: &str, extra: &[&str], env: &[(&str, &str)]) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    let out = ailevel()
        .args(["run", "--device", profile, "--quiet", "--out"])
        .arg(dir.path())
        .args(extra)
        .env_remove("GITHUB_STEP_SUMMARY")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (dir, out)
}

fn results(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap()
}

fn junit(dir: &Path) -> quick_junit::Report {
    let xml = std::fs::read_to_string(dir.join("junit.xml")).unwrap();
    quick_junit::Report::deserialize_from_str(&xml).unwrap()
}

fn level_rank(r: &Value, level: &str) -> usize {
    r["framework"]["definition"]["levels"]
        .as_array()
        .unwrap()
        .iter()
        .position(|l| l["id"] == level)
        .unwrap()
}

/// Cases above `gate` whose verdict is fail or inconclusive, by id, from results.json.
fn not_passed_above(r: &Value, gate: &str) -> BTreeSet<String> {
    let g = level_rank(r, gate);
    r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| level_rank(r, c["level"].as_str().unwrap()) > g)
        .filter(|c| c["verdict"] == "fail" || c["verdict"] == "inconclusive")
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

fn case_id(tc: &quick_junit::TestCase) -> String {
    tc.name.as_str().split(' ').next().unwrap().to_string()
}

#[test]
fn junit_of_an_l2_phone_required_at_l2_has_no_failures_and_skips_what_is_above() {
    // About JUnit and the required level, not understanding: the canonical phrasings are the
    // ones every case at or below L2 passes on phone-l2.
    let (dir, out) = run(
        "devices/sim/phone-l2.toml",
        &[
            "--require-level",
            "L2",
            "--lang",
            "en",
            "--phrasing",
            "canonical",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let r = results(dir.path());
    assert_eq!(r["run"]["required_level"], "L2");
    let above = not_passed_above(&r, "L2");
    assert!(!above.is_empty(), "phone-l2 fails some L3/L4 cases");
    let report = junit(dir.path());
    assert_eq!((report.failures, report.errors), (0, 0));
    let na = r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["verdict"] == "not_applicable")
        .count();
    assert_eq!(report.skipped, above.len() + na);
    let mut skipped_above = BTreeSet::new();
    for tc in report.test_suites.iter().flat_map(|s| &s.test_cases) {
        if let quick_junit::TestCaseStatus::Skipped {
            message: Some(m),
            ty: Some(ty),
            ..
        } = &tc.status
            && ty.as_str() != "not_applicable"
        {
            assert!(
                m.as_str().starts_with("above the required level L2"),
                "{m:?}"
            );
            skipped_above.insert(case_id(tc));
        }
    }
    assert_eq!(skipped_above, above);
    // The suites say which level counts.
    for s in &report.test_suites {
        let prop = |n: &str| {
            s.properties
                .iter()
                .find(|p| p.name.as_str() == n)
                .map(|p| p.value.as_str().to_string())
        };
        assert_eq!(prop("required_level").as_deref(), Some("L2"));
        let counts = level_rank(&r, &prop("level").unwrap()) <= level_rank(&r, "L2");
        assert_eq!(prop("counts_toward_required"), Some(counts.to_string()));
    }
}

#[test]
fn without_a_flag_the_declared_level_is_the_gate_and_property_names_do_not_depend_on_language() {
    let (dir, out) = run("devices/sim/phone-l2.toml", &["--trials", "1"], &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let r = results(dir.path());
    assert_eq!(r["run"].get("required_level"), None);
    let zh = junit(dir.path());
    assert_eq!((zh.failures, zh.errors), (0, 0), "declared L2 is the gate");
    let names = |rep: &quick_junit::Report| -> BTreeSet<String> {
        rep.test_suites
            .iter()
            .flat_map(|s| {
                s.properties
                    .iter()
                    .chain(s.test_cases.iter().flat_map(|c| c.properties.iter()))
            })
            .map(|p| p.name.as_str().to_string())
            .collect()
    };
    let out = ailevel()
        .args(["report", "--lang", "en", "--format", "junit", "--out"])
        .arg(dir.path().join("en"))
        .arg(dir.path().join("results.json"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let xml = std::fs::read_to_string(dir.path().join("en/junit.xml")).unwrap();
    let en = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    assert_eq!(names(&zh), names(&en));
    for n in names(&en) {
        assert!(
            n.chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()),
            "property name {n} is not a stable key"
        );
    }
}

#[test]
fn a_missed_required_level_says_why_in_the_consoles_language() {
    let (_dir, out) = run(
        "devices/sim/phone-l2.toml",
        &["--require-level", "L3", "--trials", "1"],
        &[("LANG", "C"), ("LC_ALL", "")],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("--require-level L3: graded L2, below the required level"),
        "{stdout}"
    );
    assert!(stdout.contains("L3 not held because:"), "{stdout}");
    assert!(stdout.contains("      mandatory case "), "{stdout}");

    let (_dir, out) = run(
        "devices/sim/phone-l1.toml",
        &["--require-level", "L3", "--trials", "1"],
        &[("LC_ALL", "zh_CN.UTF-8")],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("--require-level L3：评定等级为 L1，低于要求等级"),
        "{stdout}"
    );
    // Every level up to the required one that is not held is listed.
    assert!(stdout.contains("L2 未达到，原因："), "{stdout}");
    assert!(stdout.contains("L3 未达到，原因："), "{stdout}");
}

/// An explicit `--lang` decides the console's language too, whatever the locale says.
#[test]
fn run_prints_in_the_language_lang_names_over_the_locale() {
    let (_dir, out) = run(
        "devices/sim/phone-l2.toml",
        &["--require-level", "L3", "--trials", "1", "--lang", "zh-CN"],
        &[("LANG", "C"), ("LC_ALL", "")],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("--require-level L3：评定等级为 L2，低于要求等级"),
        "{stdout}"
    );
    assert!(stdout.contains("\n  L2 达到\n"), "{stdout}");
    assert!(stdout.contains("\n  结果："), "{stdout}");
    assert!(!stdout.contains("results:"), "{stdout}");

    let (_dir, out) = run(
        "devices/sim/phone-l2.toml",
        &["--require-level", "L3", "--trials", "1", "--lang", "en"],
        &[("LC_ALL", "zh_CN.UTF-8")],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("--require-level L3: graded L2, below the required level"),
        "{stdout}"
    );
    assert!(stdout.contains("\n  L2 held\n"), "{stdout}");
    assert!(!stdout.contains("结果："), "{stdout}");
}

/// The per-trial progress lines (stderr, not a terminal) follow `--lang` as well.
#[test]
fn progress_lines_follow_lang() {
    for (lang, words) in [("zh-CN", "通过|未通过|出错"), ("en", "pass|fail|error")] {
        let dir = tempfile::tempdir().unwrap();
        let out = ailevel()
            .args([
                "run",
                "--device",
                "devices/sim/phone-l2.toml",
                "--trials",
                "1",
            ])
            .args(["--lang", lang, "--out"])
            .arg(dir.path())
            .env_remove("GITHUB_STEP_SUMMARY")
            .env("LC_ALL", if lang == "en" { "zh_CN.UTF-8" } else { "C" })
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let stderr = String::from_utf8(out.stderr).unwrap();
        // One trial each, numbered from 1 as in the reports.
        let line = regex::Regex::new(&format!(r"^\[\d+/\d+\] \S+ #1 ({words})$")).unwrap();
        let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with('[')).collect();
        assert!(!lines.is_empty(), "{lang}: {stderr}");
        for l in lines {
            assert!(line.is_match(l), "{lang}: {l}");
        }
    }
}

#[test]
fn require_declared_fails_a_device_below_its_declaration_and_needs_one() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::root().join("devices/sim/phone-l2.toml")).unwrap();
    assert!(text.contains("declared_level = \"L2\""));
    let overclaim = common::write(
        tmp.path(),
        "overclaim.toml",
        &text.replace("declared_level = \"L2\"", "declared_level = \"L3\""),
    );
    let (dir, out) = run(
        overclaim.to_str().unwrap(),
        &["--require-declared", "--trials", "1", "--json"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let summary: Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON only");
    assert_eq!(summary["level"], "L2");
    assert_eq!(summary["gate"]["required_level"], "L3");
    assert_eq!(summary["gate"]["met"], false);
    let why = summary["gate"]["why"].as_array().unwrap();
    assert_eq!(
        why[0]["text"],
        "--require-declared: declared L3, graded L2, below the declared level"
    );
    assert!(why.iter().any(|l| l["text"] == "L3 not held because:"));
    assert_eq!(results(dir.path())["run"]["required_level"], "L3");
    // The cases of the declared level itself count: its failures stay failures.
    assert!(junit(dir.path()).failures > 0);

    let undeclared = common::write(
        tmp.path(),
        "undeclared.toml",
        &text.replace("declared_level = \"L2\"\n", ""),
    );
    let (_dir, out) = run(undeclared.to_str().unwrap(), &["--require-declared"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("undeclared.toml"), "{stderr}");
    assert!(stderr.contains("declared_level"), "{stderr}");
}

#[test]
fn json_summary_step_summary_list_and_probe() {
    let tmp = tempfile::tempdir().unwrap();
    let step = tmp.path().join("step.md");
    std::fs::write(&step, "earlier step\n").unwrap();
    let (dir, out) = run(
        "devices/sim/phone-l1.toml",
        &["--json", "--require-declared", "--trials", "1"],
        &[("GITHUB_STEP_SUMMARY", step.to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = results(dir.path());
    assert_eq!(summary["level"], r["grade"]["level"]);
    assert_eq!(summary["summary"], r["summary"]);
    assert_eq!(summary["gate"]["met"], true);
    let md = std::fs::read_to_string(dir.path().join("summary.md")).unwrap();
    let appended = std::fs::read_to_string(&step).unwrap();
    assert_eq!(appended, format!("earlier step\n{md}\n"));

    let out = ailevel()
        .args(["list", "--device", "devices/sim/phone-l1.toml", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let cases = list["cases"].as_array().unwrap();
    let applicable = cases.iter().filter(|c| c["applicable"] == true).count();
    assert_eq!(list["applicable"], applicable);
    assert_eq!(
        cases.len(),
        r["cases"].as_array().unwrap().len(),
        "list and run see the same cases"
    );
    assert!(
        cases
            .iter()
            .filter(|c| c["applicable"] == false)
            .all(|c| c["not_applicable_reason"].is_string())
    );

    let out = ailevel()
        .args(["probe", "--device", "devices/sim/phone-l1.toml", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let probe: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(probe["usable"], true);
    assert_eq!(probe["turn"]["status"], "works");
    assert_eq!(probe["info"]["category"], "phone");
}

fn list_json(profile: &str, extra: &[&str]) -> (Option<i32>, Value) {
    let out = ailevel()
        .args(["list", "--device", profile, "--json"])
        .args(extra)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code(), v)
}

fn ids(cases: &Value) -> BTreeSet<String> {
    cases
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn list_selects_by_glob_level_element_and_clause() {
    let profile = "devices/sim/phone-l3.toml";
    let (_, all) = list_json(profile, &[]);
    let all = all["cases"].as_array().unwrap().clone();
    let expect = |f: &dyn Fn(&Value) -> bool| -> BTreeSet<String> {
        all.iter()
            .filter(|c| f(c))
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    let (code, got) = list_json(profile, &["--case", "phone.alarm.*", "--level", "L1"]);
    assert_eq!(code, Some(0));
    let want =
        expect(&|c| c["id"].as_str().unwrap().starts_with("phone.alarm.") && c["level"] == "L1");
    assert!(!want.is_empty());
    assert_eq!(ids(&got["cases"]), want);
    assert_eq!(got["selection"]["case"][0], "phone.alarm.*");

    // Values of one flag are alternatives.
    let (_, got) = list_json(profile, &["--element", "memory", "--element", "security"]);
    let want = expect(&|c| c["element"] == "memory" || c["element"] == "security");
    assert_eq!(ids(&got["cases"]), want);

    let (_, got) = list_json(profile, &["--clause", "177.1 §7.4"]);
    let want = expect(&|c| {
        c["clause"]
            .as_str()
            .unwrap()
            .split(',')
            .any(|p| p.trim() == "177.1 §7.4" || p.trim().starts_with("177.1 §7.4."))
    });
    assert!(!want.is_empty());
    assert_eq!(ids(&got["cases"]), want);

    for bad in [
        &["--level", "L9"][..],
        &["--element", "telepathy"],
        &["--case", "no.such.case*"],
    ] {
        let (code, _) = list_json(profile, bad);
        assert_eq!(code, Some(2), "{bad:?}");
    }
}

#[test]
fn a_selected_run_records_the_selection_and_grades_no_level() {
    let (dir, out) = run(
        "devices/sim/phone-l3.toml",
        &[
            "--level",
            "L1",
            "--element",
            "execution",
            "--trials",
            "1",
            "--lang",
            "en",
        ],
        &[("LANG", "C"), ("LC_ALL", "")],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let r = results(dir.path());
    let (_, all) = list_json("devices/sim/phone-l3.toml", &[]);
    let want: BTreeSet<String> = all["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["level"] == "L1" && c["element"] == "execution")
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids(&r["cases"]), want);
    assert_eq!(r["run"]["selection"]["level"][0], "L1");
    assert_eq!(r["run"]["selection"]["element"][0], "execution");
    assert_eq!(r["grade"]["level"], Value::Null);
    assert_eq!(r["grade"]["partial"], true);
    assert_eq!(r["grade"]["meets_declared"], Value::Null);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("partial run, not graded"), "{stdout}");
    let md = std::fs::read_to_string(dir.path().join("summary.md")).unwrap();
    assert!(md.contains("only the cases selected by --level L1 --element execution"));

    // regrade keeps it partial: the selection is in the results, not in the command line.
    let re = dir.path().join("re.json");
    let out = ailevel()
        .arg("regrade")
        .arg(dir.path().join("results.json"))
        .arg("--out")
        .arg(&re)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        std::fs::read(&re).unwrap(),
        std::fs::read(dir.path().join("results.json")).unwrap()
    );

    // Nothing that needs a level may be asked of a subset.
    for gate in [
        &["--require-level", "L1"][..],
        &["--require-declared"],
        &["--certify"],
    ] {
        let mut args = vec!["--case", "phone.alarm.*"];
        args.extend_from_slice(gate);
        let (_d, out) = run("devices/sim/phone-l3.toml", &args, &[]);
        assert_eq!(out.status.code(), Some(2), "{gate:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains("partial"), "{stderr}");
    }
}
