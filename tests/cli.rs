//! Integration tests: the real `ailevel` binary on the reference simulators, on malformed
//! suites and profiles, and the exit codes README documents.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ailevel() -> Command {
    let mut c = Command::cargo_bin("ailevel").expect("binary built");
    c.current_dir(root());
    c
}

fn run_sim(profile: &str, extra: &[&str]) -> (tempfile::TempDir, Value, std::process::Output) {
    let out = tempfile::tempdir().unwrap();
    let output = ailevel()
        .args(["run", "--quiet", "--device", profile, "--out"])
        .arg(out.path())
        .args(extra)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(out.path().join("results.json")).unwrap_or_else(|_| {
        panic!(
            "no results.json; stdout: {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (out, serde_json::from_str(&text).unwrap(), output)
}

#[test]
fn reference_phones_are_graded_l1_l2_l3() {
    for (profile, level) in [
        ("devices/sim/phone-l1.toml", "L1"),
        ("devices/sim/phone-l2.toml", "L2"),
        ("devices/sim/phone-l3.toml", "L3"),
    ] {
        let (dir, results, output) = run_sim(profile, &[]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{profile}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            results["grade"]["level"], level,
            "{profile}: {}",
            results["grade"]
        );
        assert!(dir.path().join("report.html").is_file());
        assert!(dir.path().join("summary.md").is_file());
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains(level), "{stdout}");
        // The journal: a header naming the run, then every finished trial, one JSON
        // object per line.
        let journal = std::fs::read_to_string(dir.path().join("trials.jsonl")).unwrap();
        let mut lines = journal.lines();
        let header: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
        assert_eq!(header["journal"], "ailevel.journal/1");
        assert_eq!(header["suite"]["sha256"], results["suite"]["sha256"]);
        assert_eq!(
            header["device"]["profile_sha256"],
            results["device"]["profile_sha256"]
        );
        assert_eq!(header["seed"], results["run"]["seed"]);
        assert_eq!(header["secret"]["pinned"], false);
        assert!(header["secret"].get("hex").is_none(), "{header}");
        let trials: Vec<Value> = lines.map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(
            Some(trials.len() as u64),
            results["summary"]["trials"].as_u64()
        );
        assert!(trials.iter().all(|t| t["case"].is_string()));
        // The unpinned secret waited beside the journal only until results.json had it.
        assert!(!dir.path().join("secret").exists());
        if level != "L3" {
            assert!(
                !results["grade"]["blocking"].as_array().unwrap().is_empty(),
                "{profile} names its blockers"
            );
            assert!(stdout.contains("blocking the next level"), "{stdout}");
        }
    }
}

#[test]
fn results_have_the_documented_shape() {
    let (_dir, r, _) = run_sim("devices/sim/phone-l3.toml", &["--trials", "1"]);
    assert_eq!(r["schema"], "ailevel.results/1");
    for key in [
        "harness",
        "run",
        "framework",
        "suite",
        "device",
        "cases",
        "scores",
        "grade",
        "summary",
    ] {
        assert!(r.get(key).is_some(), "missing {key}");
    }
    assert_eq!(r["framework"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(r["suite"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(r["device"]["profile_sha256"].as_str().unwrap().len(), 64);
    for case in r["cases"].as_array().unwrap() {
        assert!(case["id"].is_string());
        let v = case["verdict"].as_str().unwrap();
        assert!(
            ["pass", "fail", "inconclusive", "not_applicable"].contains(&v),
            "{v}"
        );
    }
}

#[test]
fn require_level_sets_exit_code_1_when_below() {
    let out = tempfile::tempdir().unwrap();
    ailevel()
        .args([
            "run",
            "--quiet",
            "--trials",
            "1",
            "--device",
            "devices/sim/phone-l2.toml",
            "--require-level",
            "L3",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .code(1);
    ailevel()
        .args([
            "run",
            "--quiet",
            "--trials",
            "1",
            "--device",
            "devices/sim/phone-l2.toml",
            "--require-level",
            "L2",
            // The same folder holds the first run, finished: replacing it takes --force.
            "--force",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .code(0);
}

#[test]
fn same_seed_same_verdicts() {
    let (_a, ra, _) = run_sim(
        "devices/sim/phone-l2.toml",
        &["--seed", "7", "--trials", "1"],
    );
    let (_b, rb, _) = run_sim(
        "devices/sim/phone-l2.toml",
        &["--seed", "7", "--trials", "1"],
    );
    let verdicts = |r: &Value| {
        r["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["id"].clone(), c["verdict"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(verdicts(&ra), verdicts(&rb));
    assert_eq!(ra["grade"], rb["grade"]);
}

/// Snapshots of what a run concluded, not of the whole results file: the verdict of every
/// case, the grade with its reasons, and one case's evidence. A change elsewhere in the
/// results (another category's suites, a new header field) leaves them alone.
#[test]
fn phone_l1_run_projections_snapshot() {
    let (_dir, r, _) = run_sim(
        "devices/sim/phone-l1.toml",
        &["--trials", "1", "--seed", "42", "--phrasing", "canonical"],
    );
    let cases = r["cases"].as_array().unwrap();
    let table: String = cases
        .iter()
        .map(|c| {
            format!(
                "{:<48} {:<2} {:<14} {}\n",
                c["id"].as_str().unwrap(),
                c["level"].as_str().unwrap(),
                c["verdict"].as_str().unwrap(),
                c["reason"].as_str().unwrap()
            )
        })
        .collect();
    insta::assert_snapshot!("phone_l1_verdicts", table);
    // The grade as people read it; the catalogue messages beside each reason say the same
    // thing and are held to it by the localisation tests.
    let mut grade = r["grade"].clone();
    for step in grade["ladder"].as_array_mut().unwrap() {
        step.as_object_mut().unwrap().remove("messages");
    }
    insta::assert_json_snapshot!("phone_l1_grade", grade);

    // A two-turn case: what the device was sent, answered and did, and every check.
    let case = cases
        .iter()
        .find(|c| c["id"] == "phone.message.send-canonical")
        .expect("the case is in the phone suite");
    let trial = &case["trials"][0];
    let turns: Vec<Value> = trial["turns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let checks: Vec<Value> = t["checks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    let reason = c["reason"].as_str().unwrap();
                    // Latency checks quote the measured time.
                    let reason = if reason.starts_with("answered in") {
                        "[latency]"
                    } else {
                        reason
                    };
                    serde_json::json!({"passed": c["passed"], "reason": reason})
                })
                .collect();
            serde_json::json!({
                "input": t["input"],
                "output": t["response"]["output"]["text"],
                "actions": t["response"]["actions"],
                "needs_confirmation": t["response"]["needs_confirmation"],
                "checks": checks,
            })
        })
        .collect();
    let evidence = serde_json::json!({
        "verdict": case["verdict"],
        "outcome": trial["outcome"],
        "turns": turns,
    });
    insta::assert_json_snapshot!("phone_l1_evidence", evidence);
}

#[test]
fn validate_accepts_the_shipped_suites_and_profiles() {
    ailevel()
        .args(["validate"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("ok  suites"));
    ailevel()
        .args([
            "validate",
            "suites/phone",
            "devices/sim/phone-l3.toml",
            "suites/framework.yaml",
        ])
        .assert()
        .code(0);
}

/// Lab and session files are recognised by their `schema` key, not their names, and every
/// problem points at its file and line: a schema violation, an unknown key, the second of
/// two `[[equipment]]` tables, and the checks beyond the schema (a time zone, a real date).
#[test]
fn validate_checks_lab_and_session_files_by_their_schema_key() {
    ailevel()
        .args(["validate", "labs"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("ok  labs/example-lab.toml (lab file)").and(
                predicate::str::contains("ok  labs/example-session.toml (session file)"),
            ),
        );
    let dir = tempfile::tempdir().unwrap();
    let lab = dir.path().join("mine.toml");
    std::fs::write(
        &lab,
        "# a lab\nschema = \"ailevel.lab/1\"\naccreditation = \"X\"\naddress = \"Y\"\ntime_zone = \"Asia/Shanghai\"\nreport_number = \"A-{seq}\"\nsigning_key_id = \"k\"\ncolour = \"red\"\n\n[name]\n\"zh-CN\" = \"实验室\"\nen = \"Lab\"\n",
    )
    .unwrap();
    let session = dir.path().join("run-7.toml");
    std::fs::write(
        &session,
        "schema = \"ailevel.session/1\"\noperator = \"A\"\n\n[[equipment]]\nid = \"E1\"\nmodel = \"m\"\ncalibration_due = \"2099-12-31\"\n\n[[equipment]]\nid = \"E2\"\nmodel = \"m\"\ncalibration_due = \"2099/12/31\"\n",
    )
    .unwrap();
    // Both files together: exit 2 and stderr.
    let validate = || {
        let out = ailevel()
            .arg("validate")
            .arg(&lab)
            .arg(&session)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{err}");
        err
    };
    let err = validate();
    let at = |f: &std::path::Path, line: usize| format!("{}:{line}: ", f.display());
    for want in [
        format!("{}at `/signing_key_id`", at(&lab, 7)),
        format!(
            "{}Additional properties are not allowed ('colour'",
            at(&lab, 8)
        ),
        format!("{}at `/equipment/1/calibration_due`", at(&session, 12)),
    ] {
        assert!(err.contains(&want), "want {want}\n{err}");
    }

    // Past the schema: a zone that is not IANA, a date that does not exist.
    let text = std::fs::read_to_string(&lab).unwrap();
    let fixed = text
        .replace("\"k\"", &format!("\"sha256:{}\"", "0".repeat(64)))
        .replace("colour = \"red\"\n", "")
        .replace("Asia/Shanghai", "Mars/Base");
    std::fs::write(&lab, fixed).unwrap();
    let text = std::fs::read_to_string(&session).unwrap();
    std::fs::write(&session, text.replace("2099/12/31", "2099-02-30")).unwrap();
    let err = validate();
    for want in [
        format!(
            "{}at `/time_zone`: `Mars/Base` is not an IANA time zone",
            at(&lab, 5)
        ),
        format!(
            "{}at `/equipment/1/calibration_due`: `2099-02-30` is not a date",
            at(&session, 12)
        ),
    ] {
        assert!(err.contains(&want), "want {want}\n{err}");
    }
}

/// `--kind` decides over the `schema` key and the file name (`run` is the session's other
/// name), and an unknown `schema` is an error at its line, not a profile's errors.
#[test]
fn validate_kind_overrides_detection_and_unknown_schemas_are_named() {
    ailevel()
        .args(["validate", "--kind", "run", "labs/example-session.toml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("(session file)"));
    ailevel()
        .args(["validate", "--kind", "lab", "labs/example-session.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "labs/example-session.toml:3: at `/schema`: \"ailevel.lab/1\" was expected",
        ));
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.toml");
    std::fs::write(&f, "# what is this\nschema = \"ailevel.labs/1\"\n").unwrap();
    ailevel()
        .arg("validate")
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{}:2: at `/schema`: unknown schema `ailevel.labs/1`",
            f.display()
        )));
}

#[test]
fn list_shows_applicable_cases() {
    ailevel()
        .args(["list", "--device", "devices/sim/phone-l3.toml"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("applicable case(s)").and(predicate::str::contains("phone.")),
        );
}

/// A suite directory with the shipped framework and vocabulary plus one case file.
fn suite_with(case_file: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("suites/framework.yaml"),
        dir.path().join("framework.yaml"),
    )
    .unwrap();
    std::fs::copy(
        root().join("suites/actions.yaml"),
        dir.path().join("actions.yaml"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("phone")).unwrap();
    std::fs::write(dir.path().join("phone/bad.yaml"), case_file).unwrap();
    dir
}

const GOOD_HEAD: &str = "schema: ailevel.suite/1
title: { zh-CN: 测试, en: Test }
category: phone
cases:
  - id: phone.test.one
    title: { zh-CN: 一, en: One }
    level: L1
    element: execution
    mandatory: true
    clause: \"177.3 §5.2\"
    turns:
";

fn assert_invalid(case_file: &str, wants: &[&str]) {
    let dir = suite_with(case_file);
    let assert = ailevel()
        .args(["validate", "--suite"])
        .arg(dir.path())
        .arg(dir.path())
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("bad.yaml"), "names the file: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for w in wants {
        assert!(stderr.contains(w), "expected `{w}` in: {stderr}");
    }
}

#[test]
fn unknown_key_is_an_error_with_line_and_field() {
    let bad = format!(
        "{GOOD_HEAD}      - input: {{ text: 打开相机 }}\n        expcet:\n          - contains: 相机\n"
    );
    assert_invalid(&bad, &["bad.yaml:12", "expcet"]);
}

#[test]
fn unknown_level_is_an_error_with_line() {
    let bad = GOOD_HEAD.replace("level: L1", "level: L7") + "      - input: { text: 打开相机 }\n";
    assert_invalid(&bad, &["bad.yaml:7", "/cases/0/level", "L7"]);
}

#[test]
fn yaml_syntax_error_has_line() {
    assert_invalid("schema: ailevel.suite/1\ncases: [\n", &["bad.yaml:"]);
}

/// A case file large enough to be parsed on several cores: `n` cases, the one at `bad` with
/// `line` (its level) in place of `level: L1`; returns the text and the 1-based line of that
/// level, counted as the text is written.
fn big_case_file(n: usize, bad: usize, line: &str) -> (String, usize) {
    let mut text = String::from(
        "schema: ailevel.suite/1\ntitle: { zh-CN: 测试, en: Test }\ncategory: phone\ncases:\n",
    );
    let mut at = 0;
    for i in 0..n {
        text.push_str(&format!(
            "  - id: phone.big.c{i:04}\n    title: {{ zh-CN: 大文件第{i}条, en: Big file case {i} }}\n"
        ));
        if i == bad {
            at = text.lines().count() + 1;
            text.push_str(&format!("    {line}\n"));
        } else {
            text.push_str("    level: L1\n");
        }
        text.push_str("    element: execution\n    mandatory: true\n    clause: \"177.3 §5.2\"\n    turns:\n      - input: { text: 打开相机，拍一张照片，然后发给我刚才聊天的那位朋友 }\n        expect:\n          - contains: 相机\n");
    }
    assert!(text.len() > 200 * 1024, "{}", text.len());
    (text, at)
}

#[test]
fn a_large_case_file_is_located_as_a_small_one() {
    let (good, _) = big_case_file(900, usize::MAX, "");
    let dir = suite_with(&good);
    ailevel()
        .args(["validate", "--suite"])
        .arg(dir.path())
        .arg(dir.path())
        .assert()
        .code(0);
    // A schema error far into the file, and a syntax error there, each at its own line.
    let (bad, line) = big_case_file(900, 700, "level: L7");
    assert_invalid(
        &bad,
        &[&format!("bad.yaml:{line}:"), "/cases/700/level", "L7"],
    );
    let (bad, line) = big_case_file(900, 650, "level: [L1");
    assert_invalid(&bad, &[&format!("bad.yaml:{}:", line + 1)]);
}

#[test]
fn wrong_type_is_located() {
    let bad = GOOD_HEAD.replace("mandatory: true", "mandatory: maybe")
        + "      - input: { text: 打开相机 }\n";
    assert_invalid(&bad, &["bad.yaml:9", "/cases/0/mandatory"]);
}

#[test]
fn bad_regex_and_unknown_action_are_located() {
    let bad = format!(
        "{GOOD_HEAD}      - input: {{ text: 打开相机 }}\n        expect:\n          - matches: \"(unclosed\"\n          - action: {{ name: teleport.now }}\n"
    );
    assert_invalid(
        &bad,
        &[
            "bad.yaml:14",
            "invalid regex",
            "bad.yaml:15",
            "teleport.now",
        ],
    );
}

#[test]
fn duplicate_case_ids_are_errors() {
    let one = format!("{GOOD_HEAD}      - input: {{ text: 打开相机 }}\n");
    let two = one.clone()
        + &one
            .lines()
            .skip(4)
            .map(|l| format!("{l}\n"))
            .collect::<String>();
    assert_invalid(&two, &["duplicate case id `phone.test.one`"]);
}

#[test]
fn alias_bomb_is_refused_without_hanging() {
    let mut s = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..15 {
        let p = if i == 0 {
            "a".to_string()
        } else {
            format!("b{}", i - 1)
        };
        s.push_str(&format!(
            "b{i}: &b{i} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        ));
    }
    assert_invalid(&s, &["bad.yaml"]);
}

#[test]
fn run_with_a_malformed_suite_exits_2() {
    let dir = suite_with("schema: ailevel.suite/1\ncases: 7\n");
    ailevel()
        .args(["run", "--device", "devices/sim/phone-l3.toml", "--suite"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.yaml"));
}

fn write_profile(dir: &Path, body: &str) -> PathBuf {
    let p = dir.join("p.toml");
    std::fs::write(&p, body).unwrap();
    p
}

#[test]
fn malformed_profiles_exit_2_with_location() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(root().join("devices/sim/phone-l3.toml")).unwrap();
    for (body, want) in [
        (
            base.replace("category = \"phone\"", "category = \"toaster\""),
            "category",
        ),
        (
            base.replace("[adapter]", "colour = \"red\"\n[adapter]"),
            "colour",
        ),
        (base.replace("kind = \"sim\"", "kind = \"warp\""), "adapter"),
        ("vendor = \n".to_string(), "p.toml:1"),
    ] {
        let p = write_profile(dir.path(), &body);
        ailevel()
            .args(["validate"])
            .arg(&p)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("p.toml").and(predicate::str::contains(want)));
    }
}

#[test]
fn bad_arguments_exit_2() {
    ailevel().args(["run"]).assert().code(2);
    ailevel()
        .args(["run", "--device", "nope.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope.toml"));
    ailevel()
        .args([
            "run",
            "--device",
            "devices/sim/phone-l3.toml",
            "--require-level",
            "L9",
        ])
        .assert()
        .code(2);
}

#[test]
fn report_rerenders_identically_from_results() {
    let (dir, _, _) = run_sim("devices/sim/phone-l2.toml", &["--trials", "1"]);
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for out in [a.path(), b.path()] {
        ailevel()
            .args(["report"])
            .arg(dir.path().join("results.json"))
            .arg("--out")
            .arg(out)
            .assert()
            .code(0);
    }
    let ha = std::fs::read(a.path().join("report.html")).unwrap();
    assert_eq!(ha, std::fs::read(b.path().join("report.html")).unwrap());
    assert_eq!(ha, std::fs::read(dir.path().join("report.html")).unwrap());
}

#[test]
fn regrade_reproduces_every_reference_simulators_results_byte_for_byte() {
    let mut profiles: Vec<PathBuf> = std::fs::read_dir(root().join("devices/sim"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    profiles.sort();
    assert!(profiles.len() >= 4);
    // Three at a time: a run spends about half its time waiting on the sim's latency.
    common::side_by_side(&profiles, 3, |profile| {
        let (dir, _, _) = run_sim(profile.to_str().unwrap(), &["--trials", "2"]);
        let results = dir.path().join("results.json");
        let out = ailevel().args(["regrade"]).arg(&results).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stdout == std::fs::read(&results).unwrap(),
            "{}: regrade changed the results",
            profile.display()
        );
    });
}

/// `ailevel regrade FILE --framework FW --out OUT`; the regraded results.
fn regrade_with(results: &Path, framework: Option<&Path>, out: &Path) -> Value {
    let mut cmd = ailevel();
    cmd.arg("regrade").arg(results).arg("--out").arg(out);
    if let Some(fw) = framework {
        cmd.arg("--framework").arg(fw);
    }
    cmd.assert().code(0);
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

#[test]
fn a_stricter_framework_lowers_the_level_and_a_laxer_one_raises_it() {
    let (dir, mut r, _) = run_sim("devices/sim/phone-l3.toml", &["--trials", "1"]);
    assert_eq!(r["grade"]["level"], "L3");
    // The evidence of a device that failed one optional L2 case: its answers emptied.
    let spoiled = r["cases"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["level"] == "L2" && c["mandatory"] == false && c["verdict"] == "pass")
        .expect("an optional L2 case the L3 phone passes");
    let id = spoiled["id"].as_str().unwrap().to_string();
    for trial in spoiled["trials"].as_array_mut().unwrap() {
        for turn in trial["turns"].as_array_mut().unwrap() {
            turn["response"] = serde_json::json!({"output": {}, "actions": []});
        }
    }
    let applicable_l2 = r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["level"] == "L2" && c["trials_planned"].as_u64() > Some(0))
        .count();
    let evidence = dir.path().join("one-optional-l2-failure.json");
    std::fs::write(&evidence, serde_json::to_string_pretty(&r).unwrap()).unwrap();

    // Under the shipped framework one optional failure among the L2 cases leaves L2's score
    // above its threshold: still L3.
    let shipped = regrade_with(&evidence, None, &dir.path().join("shipped.json"));
    let verdict = |r: &Value| {
        r["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id.as_str())
            .unwrap()["verdict"]
            .clone()
    };
    assert_eq!(
        verdict(&shipped),
        "fail",
        "{id} fails on the emptied answers"
    );
    assert_eq!(shipped["grade"]["level"], "L3", "{}", shipped["grade"]);

    // L2 demanding every case: L2 no longer holds, and with it neither does L3.
    let fw = std::fs::read_to_string(root().join("suites/framework.yaml")).unwrap();
    let l2 = "thresholds: { primary_element_min: 0.75, overall_min: 0.75, provisional: true }";
    assert_eq!(fw.matches(l2).count(), 1, "the shipped L2 thresholds");
    let strict_fw = dir.path().join("strict.yaml");
    std::fs::write(
        &strict_fw,
        fw.replace(l2, &l2.replace("overall_min: 0.75", "overall_min: 1.0")),
    )
    .unwrap();
    let strict = regrade_with(&evidence, Some(&strict_fw), &dir.path().join("strict.json"));
    assert_eq!(strict["grade"]["level"], "L1", "{}", strict["grade"]);
    let l2_step = &strict["grade"]["ladder"][1];
    assert_eq!(l2_step["held"], false);
    let expected = format!(
        "overall score {:.1} % below the threshold 100.0 %",
        100.0 * (applicable_l2 - 1) as f64 / applicable_l2 as f64
    );
    assert_eq!(l2_step["reasons"], serde_json::json!([expected]));
    assert_ne!(
        strict["framework"]["sha256"],
        shipped["framework"]["sha256"]
    );

    // And back: the strictly graded file regraded under the shipped framework rises to L3.
    let shipped_fw = root().join("suites/framework.yaml");
    let again = regrade_with(
        &dir.path().join("strict.json"),
        Some(&shipped_fw),
        &dir.path().join("again.json"),
    );
    assert_eq!(again["grade"]["level"], "L3", "{}", again["grade"]);
}

#[test]
fn corrupt_results_file_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("results.json");
    std::fs::write(&p, "{\"schema\": \"ailevel.results/1\",\n \"cases\": 5}").unwrap();
    ailevel()
        .args(["regrade"])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("results.json"));
    std::fs::write(&p, "{ not json").unwrap();
    ailevel()
        .args(["report"])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("results.json:1"));
}

/// The per-trial phrasing draw as the binary runs it: each trial's recorded input is the
/// phrasing its record names, a private pool joins the draw and is recorded by hash, the
/// canonical mode sends only the first phrasing, and a bad pool is refused with its line.
#[test]
fn trials_send_drawn_phrasings_and_record_them_with_the_private_pool() {
    const CASE: &str = "phone.alarm.create-canonical";
    const PUBLIC: [&str; 3] = [
        "设置闹钟 明天早上七点",
        "定一个明天早上七点的闹钟",
        "闹钟，明天早上7点",
    ];
    const PRIVATE: [&str; 2] = ["明早七点的闹钟", "设个闹钟，明天七点"];
    let pool = tempfile::tempdir().unwrap();
    let pool_file = pool.path().join("pool.yaml");
    std::fs::write(
        &pool_file,
        format!(
            "schema: ailevel.variants/1\nvariants:\n  - case: {CASE}\n    turns:\n      - turn: 1\n        text: [\"{}\", \"{}\"]\n",
            PRIVATE[0], PRIVATE[1]
        ),
    )
    .unwrap();
    let pool_arg = pool_file.to_str().unwrap();
    let (_d, r, out) = run_sim(
        "devices/sim/phone-l1.toml",
        &[
            "--phrasing",
            "drawn",
            "--trials",
            "5",
            "--variants",
            pool_arg,
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(r["run"]["phrasing"], "drawn");
    let case = r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == CASE)
        .unwrap();
    let mut sent = std::collections::BTreeSet::new();
    for t in case["trials"].as_array().unwrap() {
        let used = &t["phrasings"][0];
        assert_eq!(used["turn"], 1, "{t}");
        let i = used["index"].as_u64().unwrap() as usize;
        let expected = match used["pool"].as_str().unwrap() {
            "suite" => PUBLIC[i],
            "private" => PRIVATE[i],
            other => panic!("pool {other}"),
        };
        let text = t["turns"][0]["input"]["text"].as_str().unwrap();
        assert_eq!(
            text, expected,
            "the recorded input is the recorded phrasing"
        );
        sent.insert(text.to_string());
    }
    assert_eq!(
        sent.len(),
        5,
        "five trials, five different phrasings: {sent:?}"
    );
    let drawn: usize = r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["trials"].as_array().unwrap())
        .flat_map(|t| t["phrasings"].as_array().cloned().unwrap_or_default())
        .filter(|p| p["pool"] == "private")
        .count();
    let v = &r["run"]["variants"];
    assert_eq!(v["drawn"].as_u64(), Some(2), "{v}");
    assert_eq!(drawn, 2);
    assert_eq!(v["phrasings"].as_u64(), Some(2));
    assert_eq!(v["sha256"].as_str().unwrap().len(), 64);

    // Canonical: every trial sends the first phrasing, whatever the pool.
    let (_d, r, _) = run_sim(
        "devices/sim/phone-l1.toml",
        &[
            "--phrasing",
            "canonical",
            "--trials",
            "3",
            "--variants",
            pool_arg,
        ],
    );
    let case = r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == CASE)
        .unwrap();
    for t in case["trials"].as_array().unwrap() {
        assert_eq!(t["turns"][0]["input"]["text"], PUBLIC[0]);
        assert_eq!(t["phrasings"][0]["index"], 0);
    }
    assert_eq!(r["run"]["variants"]["drawn"], 0);

    // A pool naming a turn the case does not have: exit 2, file and line.
    std::fs::write(
        &pool_file,
        format!("schema: ailevel.variants/1\nvariants:\n  - case: {CASE}\n    turns:\n      - turn: 7\n        text: 七点\n"),
    )
    .unwrap();
    ailevel()
        .args([
            "run",
            "--quiet",
            "--device",
            "devices/sim/phone-l1.toml",
            "--variants",
            pool_arg,
        ])
        .arg("--out")
        .arg(pool.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pool.yaml:5"));
}
