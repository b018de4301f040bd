//! Progress display: a bar on a terminal, one plain line per trial otherwise (CI logs).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::results::TrialOutcome;

pub enum Progress {
    Bar(ProgressBar),
    Lines { total: u64, done: u64 },
    Quiet,
}

impl Progress {
    pub fn new(total: u64, quiet: bool) -> Self {
        if quiet {
            return Progress::Quiet;
        }
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total);
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} {msg}",
            ) {
                bar.set_style(style);
            }
            Progress::Bar(bar)
        } else {
            Progress::Lines { total, done: 0 }
        }
    }

    pub fn trial_done(&mut self, case: &str, index: u32, outcome: TrialOutcome) {
        let word = match outcome {
            TrialOutcome::Pass => "pass",
            TrialOutcome::Fail => "fail",
            TrialOutcome::Error => "error",
        };
        match self {
            Progress::Bar(bar) => {
                bar.set_message(format!("{case} #{index} {word}"));
                bar.inc(1);
            }
            Progress::Lines { total, done } => {
                *done += 1;
                eprintln!("[{done}/{total}] {case} #{index} {word}");
            }
            Progress::Quiet => {}
        }
    }

    pub fn finish(self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
