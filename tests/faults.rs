//! A flaky device gets its true grade (#9): `ailevel sim serve` injecting faults of every kind
//! in front of reference simulators, driven over ATP/1 with default flags, is graded exactly
//! as the same simulator served cleanly. Wall times are printed (`--nocapture`), not asserted.
//! The runs mostly wait on the served sims' latency, retry back-offs and hung calls, so they
//! run side by side (a test's runs on threads of their own) to keep the suite's wall time down.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{SimServer, ailevel, must, root, side_by_side, verdicts, write};
use serde_json::Value;

/// Every fault kind `sim serve` injects, 2.5 % each: 20 % of all requests.
const MIXED: &[&str] = &[
    "--error-rate",
    "0.025",
    "--drop-rate",
    "0.025",
    "--reset-rate",
    "0.025",
    "--malformed-rate",
    "0.025",
    "--truncate-rate",
    "0.025",
    "--oversize-rate",
    "0.025",
    "--bad-utf8-rate",
    "0.025",
    "--hang-rate",
    "0.025",
];

/// A hung call is given up after this long instead of the default 30 s: the served sims
/// answer within 40 ms, and each run meets dozens of hangs.
const HANG_TIMEOUT: [&str; 2] = ["--turn-timeout-ms", "2000"];

/// `ailevel run --quiet` over `atp` against a served `sim` profile, with `extra` flags.
fn run_served(sim: &str, faults: &[&str], extra: &[&str]) -> (Value, Duration) {
    let server = SimServer::start(sim, faults);
    let dir = tempfile::tempdir().unwrap();
    let atp = server.profile(dir.path(), sim);
    run_profile(&atp, dir.path(), extra)
}

fn run_profile(profile: &Path, dir: &Path, extra: &[&str]) -> (Value, Duration) {
    let out = dir.join("out");
    let t0 = Instant::now();
    let output = ailevel()
        .args(["run", "--quiet", "--device"])
        .arg(profile)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    let took = t0.elapsed();
    let results = std::fs::read_to_string(out.join("results.json"))
        .ok()
        .map(|t| serde_json::from_str(&t).unwrap());
    (must(results, &output), took)
}

fn attempts(r: &Value) -> Vec<&Value> {
    r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["trials"].as_array().unwrap())
        .flat_map(|t| t["attempts"].as_array().into_iter().flatten())
        .collect()
}

fn same_grade(clean: &Value, faulty: &Value, what: &str) {
    assert_eq!(verdicts(clean), verdicts(faulty), "{what}: verdicts differ");
    assert_eq!(clean["grade"]["level"], faulty["grade"]["level"], "{what}");
    assert_eq!(clean["grade"], faulty["grade"], "{what}: grades differ");
}

#[test]
fn twenty_percent_mixed_faults_grade_three_sims_exactly_as_clean_runs() {
    let sims = [
        "devices/sim/phone-l3.toml",
        "devices/sim/phone-l2.toml",
        "devices/sim/car-l3.toml",
    ];
    let runs = side_by_side(&sims, sims.len(), |sim| {
        let flags = [&["--concurrency", "8", "--seed", "11"][..], &HANG_TIMEOUT].concat();
        let clean = run_served(sim, &[], &flags);
        let mut faults = vec!["--fault-seed", "5"];
        faults.extend_from_slice(MIXED);
        (clean, run_served(sim, &faults, &flags))
    });
    for (sim, ((clean, t_clean), (faulty, t_faulty))) in sims.iter().zip(runs) {
        println!(
            "{sim}: clean {:.1} s, 20 % mixed faults {:.1} s ({:.1}x), {} retries on record",
            t_clean.as_secs_f64(),
            t_faulty.as_secs_f64(),
            t_faulty.as_secs_f64() / t_clean.as_secs_f64(),
            attempts(&faulty).len()
        );
        same_grade(&clean, &faulty, sim);
        assert!(
            attempts(&faulty).len() > 20,
            "{sim}: the faults were not met"
        );
    }
}

#[test]
fn each_fault_kind_alone_leaves_the_grade_as_it_is() {
    let sim = "devices/sim/phone-l3.toml";
    // A pinned secret pins the session seeds, so each run meets the same faults each time
    // (a fifth of all calls hanging is slow or quick by which calls they are).
    let secret = "c3".repeat(32);
    let flags = [
        &["--concurrency", "8", "--trials", "1", "--seed", "4"][..],
        &["--secret", &secret],
        &HANG_TIMEOUT,
    ]
    .concat();
    let kinds = [
        ("--error-rate", "http"),
        ("--drop-rate", "transport"),
        ("--reset-rate", "transport"),
        ("--malformed-rate", "protocol"),
        ("--truncate-rate", "protocol"),
        ("--oversize-rate", "protocol"),
        ("--bad-utf8-rate", "protocol"),
        ("--hang-rate", "timeout"),
        ("", "clean"),
    ];
    let mut runs = side_by_side(&kinds, kinds.len(), |&(flag, _)| match flag {
        "" => run_served(sim, &[], &flags),
        _ => run_served(sim, &[flag, "0.2", "--fault-seed", "2"], &flags),
    });
    let (clean, _) = runs.pop().unwrap();
    for ((flag, kind), (faulty, took)) in kinds.into_iter().zip(runs) {
        println!("{flag} 0.2: {:.1} s", took.as_secs_f64());
        same_grade(&clean, &faulty, flag);
        let all = attempts(&faulty);
        assert!(
            all.iter().any(|a| a["error"]["kind"] == kind),
            "{flag}: no `{kind}` attempt recorded"
        );
        // On session open too, the call the protocol calls safe to repeat.
        assert!(
            all.iter()
                .any(|a| a["call"] == "open_session" && a["restarted"] == false),
            "{flag}: no session open retried in place"
        );
    }
}

#[test]
fn the_flaky_example_grades_l3_with_default_flags_over_atp() {
    let example = "devices/examples/sim-phone-l3-flaky.toml";
    let text = std::fs::read_to_string(root().join(example)).unwrap();
    assert!(text.contains("[faults]"), "the example injects faults");
    let (r, took) = run_served(example, &[], &[]);
    println!("flaky example: {:.1} s", took.as_secs_f64());
    assert_eq!(r["grade"]["level"], "L3", "{}", r["grade"]);
    assert!(!attempts(&r).is_empty(), "the example's faults were met");
}

/// A rate-limited device (429 with `Retry-After: 1` on 3 % of requests) is waited for as it
/// asks, not hammered until the budget runs out: graded as clean, and each trial that met a
/// 429 took at least the second it was asked to wait.
#[test]
fn a_rate_limited_device_is_waited_for_as_it_asks() {
    let sim = "devices/sim/phone-l1.toml";
    let flags = ["--concurrency", "8", "--trials", "1", "--seed", "4"];
    let faults = ["--throttle-rate", "0.03", "--fault-seed", "6"];
    let [(clean, _), (throttled, took)]: [_; 2] = side_by_side(&[&[][..], &faults], 2, |faults| {
        run_served(sim, faults, &flags)
    })
    .try_into()
    .unwrap();
    println!("3 % throttled: {:.1} s", took.as_secs_f64());
    same_grade(&clean, &throttled, "throttled");
    let mut met = 0;
    for t in r_trials(&throttled) {
        let asked = t["attempts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| a["error"]["status"] == 429)
            .map(|a| {
                assert_eq!(a["error"]["retry_after_ms"], 1000, "{a}");
                1000.0
            })
            .sum::<f64>();
        if asked > 0.0 {
            met += 1;
            let took = t["duration_ms"].as_f64().unwrap();
            assert!(
                took >= asked,
                "trial waited {took} ms of the {asked} asked: {t}"
            );
        }
    }
    assert!(met > 0, "no 429 was met");
}

fn r_trials(r: &Value) -> Vec<&Value> {
    r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["trials"].as_array().unwrap())
        .collect()
}

#[test]
fn the_same_faults_meet_the_same_requests_at_any_concurrency() {
    let sim = "devices/sim/phone-l3.toml";
    let faults = ["--fault-seed", "9", "--error-rate", "0.2"];
    let calls = |r: &Value| -> Vec<(String, u32, String)> {
        let mut v: Vec<_> = r["cases"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["trials"].as_array().unwrap())
            .flat_map(|t| {
                t["attempts"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(move |a| {
                        (
                            t["case"].as_str().unwrap().to_string(),
                            t["index"].as_u64().unwrap() as u32,
                            a["call"].as_str().unwrap().to_string(),
                        )
                    })
            })
            .collect();
        v.sort();
        v
    };
    let secret = ["--secret", &"ab".repeat(32)];
    let mut one = vec!["--trials", "1", "--concurrency", "1"];
    one.extend_from_slice(&secret);
    let mut eight = vec!["--trials", "1", "--concurrency", "8"];
    eight.extend_from_slice(&secret);
    let [(a, _), (b, _)]: [_; 2] =
        side_by_side(&[one, eight], 2, |flags| run_served(sim, &faults, flags))
            .try_into()
            .unwrap();
    assert!(!calls(&a).is_empty());
    assert_eq!(calls(&a), calls(&b));
}

/// `ailevel run` over ATP against `sim serve` with 3 % 503s and no retries: a few mandatory L1
/// cases are left inconclusive, nothing fails at L1, so L1 is "incomplete", not "not held".
fn run_disturbed(extra: &[&str]) -> (tempfile::TempDir, Value, std::process::Output) {
    let sim = "devices/sim/phone-l3.toml";
    let server = SimServer::start(sim, &["--error-rate", "0.03", "--fault-seed", "3"]);
    let dir = tempfile::tempdir().unwrap();
    let atp = server.profile(dir.path(), sim);
    let out = dir.path().join("out");
    let output = ailevel()
        .args([
            "run",
            "--quiet",
            "--retries",
            "0",
            "--concurrency",
            "4",
            "--lang",
            "en",
        ])
        // A pinned secret pins the session seeds, so the same requests meet the same faults.
        .args(["--secret", &"5a".repeat(32)])
        .arg("--device")
        .arg(&atp)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .env("LANG", "C")
        .output()
        .unwrap();
    let results = std::fs::read_to_string(out.join("results.json"))
        .ok()
        .map(|t| serde_json::from_str(&t).unwrap());
    let results = must(results, &output);
    (dir, results, output)
}

#[test]
fn a_level_held_back_only_by_inconclusive_cases_is_graded_incomplete_exit_5() {
    let (dir, r, output) = run_disturbed(&[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(5), "{stdout}");
    let inc = &r["grade"]["incomplete"];
    assert_eq!(inc["level"], "L1", "{:#}", r["grade"]);
    let rerun: Vec<&str> = inc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(!rerun.is_empty());
    for id in &rerun {
        let case = r["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == *id)
            .unwrap();
        assert_eq!(case["verdict"], "inconclusive", "{id}");
    }
    assert_eq!(r["grade"]["ladder"][0]["incomplete"], true);
    assert!(stdout.contains("L1 incomplete"), "{stdout}");
    let out = dir.path().join("out");
    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
    let md = read("summary.md");
    assert!(
        md.contains("incomplete: it is held back only by inconclusive cases"),
        "{md}"
    );
    assert!(md.contains(rerun[0]), "{md}");
    let html = read("report.html");
    assert!(html.contains("incomplete (not decided)"));
    assert!(html.contains("Rerun these cases to decide it"));
    let junit = read("junit.xml");
    assert!(
        junit.contains(&format!("name=\"rerun\" value=\"{}\"", rerun.join(" "))),
        "{junit}"
    );

    // Chinese reports say the same from the results file alone.
    let zh = dir.path().join("zh");
    let status = ailevel()
        .args(["report", "--lang", "zh-CN", "--out"])
        .arg(&zh)
        .arg(out.join("results.json"))
        .status()
        .unwrap();
    assert!(status.success());
    let md = std::fs::read_to_string(zh.join("summary.md")).unwrap();
    assert!(
        md.contains("未完成：该级仅因结论不确定的用例而未达到"),
        "{md}"
    );
    assert!(md.contains("未完成（证据不足）"), "{md}");

    // Regrade re-derives it from the transcripts: strip it and it comes back.
    let mut stripped = r.clone();
    stripped["grade"]
        .as_object_mut()
        .unwrap()
        .remove("incomplete");
    for step in stripped["grade"]["ladder"].as_array_mut().unwrap() {
        step.as_object_mut().unwrap().remove("incomplete");
    }
    let stripped_path = write(dir.path(), "stripped.json", &stripped.to_string());
    let regraded = ailevel()
        .arg("regrade")
        .arg(&stripped_path)
        .output()
        .unwrap();
    assert!(regraded.status.success());
    let regraded: Value = serde_json::from_slice(&regraded.stdout).unwrap();
    assert_eq!(regraded["grade"], r["grade"]);
}

#[test]
fn a_gate_missed_only_for_want_of_evidence_exits_5_and_says_rerun() {
    let (_dir, r, output) = run_disturbed(&["--require-level", "L3", "--json"]);
    assert_eq!(output.status.code(), Some(5));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["incomplete"], r["grade"]["incomplete"]);
    assert_eq!(summary["gate"]["met"], false);
    let why = summary["gate"]["why"][0]["text"].as_str().unwrap();
    assert!(why.contains("not decided"), "{why}");
    assert!(why.contains("rerun"), "{why}");
}
