//! How long the reports of a 10,000-trial results file take to render, and how large they are;
//! then the HTML of a 100,000-trial one.
//! Run with `cargo bench --bench report` (or `scripts/bench-report.sh`, which also times the
//! `ailevel report` command on the file this writes); docs/reports.md records the numbers.
//!
//! A plain program rather than a statistics harness: the budget is "under 2 s", so the median
//! of a few runs answers the question, and timing asserts would make tests flaky.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ailevel::report::{self, Format, Lang};

#[path = "../tests/support/synthetic.rs"]
mod synthetic;

const CASES: usize = 400;
const TRIALS: u32 = 25;
/// Cases of the 100,000-trial run, of [`TRIALS`] each.
const BIG_CASES: usize = 4000;
const RUNS: usize = 5;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut samples = Vec::with_capacity(RUNS);
    let mut last = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        last = Some(f());
        samples.push(start.elapsed());
    }
    (median(samples), last.expect("at least one run"))
}

fn mib(bytes: usize) -> String {
    format!("{:.2} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn main() {
    let start = Instant::now();
    let results = synthetic::results(CASES, TRIALS, synthetic::Mix::Realistic);
    println!(
        "generated {} cases, {} trials, {} turns in {:.2?}",
        results.cases.len(),
        results.summary.trials,
        results
            .cases
            .iter()
            .flat_map(|c| &c.trials)
            .map(|t| t.turns.len())
            .sum::<usize>(),
        start.elapsed()
    );

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-report");
    std::fs::create_dir_all(&dir).expect("bench directory");
    let json = results.to_canonical_json();
    let results_path = dir.join("results.json");
    std::fs::write(&results_path, &json).expect("write results.json");
    println!(
        "results.json: {} at {}",
        mib(json.len()),
        results_path.display()
    );

    for lang in [Lang::Zh, Lang::En] {
        for format in Format::ALL {
            let (elapsed, out) = time(|| report::render(&results, lang, format).expect("renders"));
            println!(
                "render {:<5} {:<5}: median {:>9.2?} of {RUNS}, {}",
                format.as_str(),
                lang.as_str(),
                elapsed,
                mib(out.len())
            );
        }
    }

    // The most a report can have to show: every trial of every case fails.
    let failing = synthetic::results(CASES, TRIALS, synthetic::Mix::AllFail);
    for lang in [Lang::Zh, Lang::En] {
        let (elapsed, out) = time(|| report::render_html(&failing, lang).expect("renders"));
        println!(
            "render html  {:<5} (every trial failing): median {elapsed:>9.2?} of {RUNS}, {}",
            lang.as_str(),
            mib(out.len())
        );
    }

    let (elapsed, _) = time(|| ailevel::results::read(&results_path).expect("reads"));
    println!("read + schema-validate results.json: median {elapsed:.2?} of {RUNS}");

    let out = dir.join("out");
    let (elapsed, ()) = time(|| {
        let results = ailevel::results::read(&results_path).expect("reads");
        ailevel::commands::write_outputs(&results, &out, Lang::Zh, &Format::ALL).expect("report")
    });
    println!("`ailevel report` in-process, all formats: median {elapsed:.2?} of {RUNS}");

    // 100,000 trials: the HTML report only, and the results file for `ailevel report`.
    for mix in [synthetic::Mix::Realistic, synthetic::Mix::AllFail] {
        let big = synthetic::results(BIG_CASES, TRIALS, mix);
        if mix == synthetic::Mix::Realistic {
            let json = big.to_canonical_json();
            let path = dir.join("results-100k.json");
            std::fs::write(&path, &json).expect("write results-100k.json");
            println!(
                "results-100k.json: {} at {}",
                mib(json.len()),
                path.display()
            );
        }
        for lang in [Lang::Zh, Lang::En] {
            let (elapsed, out) = time(|| report::render_html(&big, lang).expect("renders"));
            println!(
                "render html  {:<5} 100,000 trials {mix:?}: median {elapsed:>9.2?} of {RUNS}, {}",
                lang.as_str(),
                mib(out.len())
            );
            if mix == synthetic::Mix::Realistic && lang == Lang::Zh {
                std::fs::write(dir.join("report-100k.html"), &out).expect("write the page");
            }
        }
    }
}
