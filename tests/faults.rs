//! A flaky device gets its true grade (#9): `ailevel sim serve` injecting faults of every kind
//! in front of reference simulators, driven over ATP/1 with default flags, is graded exactly
//! as the same simulator served cleanly. Wall times are printed (`--nocapture`), not asserted.

mod common;

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::{SimServer, ailevel, must, profile_like, root, verdicts, write};
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

/// One run at a time: each runs eight trials at once, and the printed wall times would
/// otherwise measure the other tests.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// `ailevel run --quiet` over `atp` against a served `sim` profile, with `extra` flags.
fn run_served(sim: &str, faults: &[&str], extra: &[&str]) -> (Value, Duration) {
    let _one = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let server = SimServer::start(sim, faults);
    let dir = tempfile::tempdir().unwrap();
    let atp = write(
        dir.path(),
        "atp.toml",
        &profile_like(
            sim,
            &format!("kind = \"atp\"\nbase_url = \"{}\"", server.url),
        ),
    );
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
    for sim in [
        "devices/sim/phone-l3.toml",
        "devices/sim/phone-l2.toml",
        "devices/sim/car-l3.toml",
    ] {
        let flags = ["--concurrency", "8", "--seed", "11"];
        let (clean, t_clean) = run_served(sim, &[], &flags);
        let mut faults = vec!["--fault-seed", "5"];
        faults.extend_from_slice(MIXED);
        let (faulty, t_faulty) = run_served(sim, &faults, &flags);
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
    let flags = ["--concurrency", "8", "--trials", "1", "--seed", "4"];
    let (clean, _) = run_served(sim, &[], &flags);
    for (flag, kind) in [
        ("--error-rate", "http"),
        ("--drop-rate", "transport"),
        ("--reset-rate", "transport"),
        ("--malformed-rate", "protocol"),
        ("--truncate-rate", "protocol"),
        ("--oversize-rate", "protocol"),
        ("--bad-utf8-rate", "protocol"),
        ("--hang-rate", "timeout"),
    ] {
        let (faulty, took) = run_served(sim, &[flag, "0.2", "--fault-seed", "2"], &flags);
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
    let (a, _) = run_served(sim, &faults, &one);
    let (b, _) = run_served(sim, &faults, &eight);
    assert!(!calls(&a).is_empty());
    assert_eq!(calls(&a), calls(&b));
}
