//! `run --format`: results.json always, and only the reports asked for.

mod common;

use common::*;

#[test]
fn run_writes_only_the_reports_asked_for() {
    let profile = root().join("devices/sim/phone-l1.toml");
    let (dir, results, output) = run(
        &profile,
        &["--case", "phone.alarm.*", "--format", "junit", "--json"],
    );
    assert!(
        results.is_some(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let has = |f: &str| dir.path().join(f).exists();
    assert!(has("junit.xml"));
    assert!(!has("report.html") && !has("summary.md"));
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        summary["junit"].is_string() && summary["report"].is_null(),
        "{summary}"
    );

    let (dir, _, _) = run(&profile, &["--case", "phone.alarm.*"]);
    for f in ["report.html", "junit.xml", "summary.md", "results.json"] {
        assert!(dir.path().join(f).exists(), "{f} by default");
    }
}
