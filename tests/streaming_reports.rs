//! `ailevel run` renders its reports, its console summary, the GitHub step summary and the
//! `--baseline` diff from the journal a case at a time, never holding every trial. Each must
//! be byte for byte what rendering the whole results (every trial in memory, as `report`
//! does from results.json) gives: checked here on several reference sims and in both report
//! languages, with a failing level (blocking cases, failure evidence) and a certified run
//! (the report names the results file's digest).

mod common;
#[allow(dead_code)] // only `fast_profile` is used here
#[path = "support/sims.rs"]
mod sims;

use std::path::{Path, PathBuf};
use std::process::Output;

use ailevel::report::{self, Format, Lang};
use ailevel::results::Results;
use common::{ailevel, root};

/// A run of `name` into `dir/<out>`, with the step summary appended to `dir/<out>.step.md`.
fn run(dir: &Path, name: &str, out: &str, extra: &[&str]) -> (PathBuf, Output) {
    let out = dir.join(out);
    let o = ailevel()
        .env("LC_ALL", "C")
        .env("GITHUB_STEP_SUMMARY", out.with_extension("step.md"))
        .args([
            "run",
            "--trials",
            "3",
            "--quiet",
            "--secret",
            &"5c".repeat(32),
        ])
        .arg("--device")
        .arg(sims::fast_profile(dir, name))
        .arg("--out")
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        matches!(o.status.code(), Some(0 | 5)),
        "{name}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (out, o)
}

fn results(out: &Path) -> Results {
    ailevel::results::read(&out.join("results.json")).unwrap()
}

fn file(out: &Path, name: &str) -> String {
    std::fs::read_to_string(out.join(name)).unwrap()
}

/// Every report the run wrote against the one rendered from its whole results, and the
/// console summary (in `console`, its language) and step summary against theirs; returns the
/// results.
fn same_as_held(name: &str, out: &Path, o: &Output, lang: Lang, console: Lang) -> Results {
    let r = results(out);
    assert!(
        r.cases.iter().any(|c| !c.trials.is_empty()),
        "{name}: no trials"
    );
    for (format, held) in [
        (Format::Html, report::render_html(&r, lang).unwrap()),
        (Format::Junit, report::render_junit(&r, lang).unwrap()),
        (Format::Markdown, report::render_markdown(&r, lang).unwrap()),
    ] {
        assert!(
            file(out, format.file_name()) == held,
            "{name}: the streamed {} differs from the one rendered from the held results",
            format.file_name()
        );
    }
    let step = std::fs::read_to_string(out.with_extension("step.md")).unwrap();
    assert!(
        step == format!("{}\n", report::render_markdown(&r, lang).unwrap()),
        "{name}: the streamed step summary differs"
    );
    let summary: String = report::console::summary(&r, out, console, &Format::ALL)
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.starts_with(&summary),
        "{name}: the console summary differs:\n{stdout}\n--- held:\n{summary}"
    );
    r
}

#[test]
fn streamed_reports_equal_those_rendered_from_the_held_results() {
    let dir = tempfile::tempdir().unwrap();
    let mut blocked = 0;
    for (name, lang) in [
        ("phone-l1", Lang::En),
        ("tv-l2", Lang::Zh),
        ("car-l3", Lang::En),
        ("earphone-l4", Lang::Zh),
    ] {
        let (out, o) = run(dir.path(), name, name, &["--lang", lang.as_str()]);
        let r = same_as_held(name, &out, &o, lang, lang);
        blocked += r.grade.blocking.len();
    }
    // The first-failure lines of the summaries and the evidence come from blocking cases.
    assert!(blocked > 0, "no run had a blocking case");
}

#[test]
fn a_streamed_baseline_diff_equals_the_held_one() {
    let dir = tempfile::tempdir().unwrap();
    let (base_out, _) = run(dir.path(), "phone-l3", "base", &["--format", "md"]);
    let base_results = base_out.join("results.json");
    let (out, o) = run(
        dir.path(),
        "phone-l1",
        "new",
        &["--lang", "en", "--baseline", base_results.to_str().unwrap()],
    );
    let new = same_as_held("phone-l1 against phone-l3", &out, &o, Lang::En, Lang::En);
    let base = results(&base_out);
    let d = report::diff::compare(&base, &new);
    assert!(d.regression && d.new_latency.turns > 0, "{d:?}");
    assert!(
        file(&out, "diff.md") == report::diff::render_markdown(&d, &base, &new, Lang::En),
        "the streamed diff.md differs from the held one"
    );
    let text = report::diff::render_text(&d, &base, &new, Lang::En);
    let tail: String = text.lines().map(|l| format!("    {l}\n")).collect();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.ends_with(&tail),
        "the printed diff differs:\n{stdout}\n--- held:\n{tail}"
    );
}

#[test]
fn a_streamed_certified_report_names_the_digest_of_the_file_written() {
    let dir = tempfile::tempdir().unwrap();
    common::keyed_lab(dir.path());
    let session = root().join("labs/example-session.toml");
    let lab = dir.path().join("lab.toml");
    let (out, o) = run(
        dir.path(),
        "speaker-l3",
        "certified",
        &[
            "--certify",
            "--lab",
            lab.to_str().unwrap(),
            "--session",
            session.to_str().unwrap(),
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Reports in Chinese by default; the console's language is LC_ALL's.
    let r = same_as_held("speaker-l3 certified", &out, &o, Lang::Zh, Lang::En);
    assert!(r.certification.certificate.is_some());
}
