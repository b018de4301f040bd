//! The stages between the device and the report that cost CPU: loading the default suites,
//! evaluating every check of a large results file, and grading it (checks, verdicts, scores,
//! the level). Run with `cargo bench --bench pipeline`; docs/benchmarks.md records the numbers.
//!
//! A plain program, as benches/report.rs: medians of a few runs answer "how long", and timing
//! asserts would make tests flaky.

use std::path::Path;
use std::time::{Duration, Instant};

#[path = "../tests/support/synthetic.rs"]
mod synthetic;

const CASES: usize = 400;
const TRIALS: u32 = 25;
const RUNS: usize = 7;

fn median<T>(mut f: impl FnMut() -> T) -> Duration {
    let mut samples: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    samples.sort();
    samples[RUNS / 2]
}

fn main() {
    let suites = Path::new(env!("CARGO_MANIFEST_DIR")).join("suites");
    let load = median(|| ailevel::suite::load_suite(&suites, None).expect("default suites load"));
    let suite = ailevel::suite::load_suite(&suites, None).expect("default suites load");
    println!(
        "load the default suites ({} cases, {} files): median {load:.2?} of {RUNS}",
        suite.cases.len(),
        suite.files.len()
    );

    let results = synthetic::results(CASES, TRIALS, synthetic::Mix::Realistic);
    let trials: usize = results.cases.iter().map(|c| c.trials.len()).sum();
    let checks: Vec<_> = results
        .cases
        .iter()
        .flat_map(|c| {
            c.trials.iter().flat_map(|t| {
                ailevel::suite::params::all_checks(&c.turns, std::slice::from_ref(&t.params))
            })
        })
        .collect();
    let evaluate = median(|| {
        let ev = ailevel::score::Evaluator::new(checks.iter());
        let mut cases = results.cases.clone();
        for c in &mut cases {
            for t in &mut c.trials {
                let turns: Vec<_> = c
                    .turns
                    .iter()
                    .map(|turn| ailevel::suite::params::fill_turn(turn, &t.params))
                    .collect();
                ailevel::score::verdict::score_trial(&ev, &turns, t);
            }
        }
        cases
    });
    println!(
        "evaluate every check of {CASES} cases x {TRIALS} trials ({trials}): median {evaluate:.2?} of {RUNS}"
    );

    let grade = median(|| ailevel::grade::rederive(results.clone()));
    println!("grade them (checks, verdicts, scores, level): median {grade:.2?} of {RUNS}");
    let clone = median(|| results.clone());
    println!("  of which cloning the results: median {clone:.2?}");
}
