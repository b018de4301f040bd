//! Progress display: a bar on a terminal, one plain line per trial otherwise (CI logs).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::msg::{self, Lang};
use crate::results::TrialOutcome;

pub enum Progress {
    Bar(ProgressBar, Lang),
    Lines { total: u64, done: u64, lang: Lang },
    Quiet,
}

impl Progress {
    pub fn new(total: u64, quiet: bool, lang: Lang) -> Self {
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
            Progress::Bar(bar, lang)
        } else {
            Progress::Lines {
                total,
                done: 0,
                lang,
            }
        }
    }

    /// Trial `index` (from 0, as recorded) is shown numbered from 1, as every report does.
    pub fn trial_done(&mut self, case: &str, index: u32, outcome: TrialOutcome) {
        let n = index + 1;
        let word = |lang: Lang| {
            match outcome {
                TrialOutcome::Pass => msg::PROGRESS_PASS,
                TrialOutcome::Fail => msg::PROGRESS_FAIL,
                TrialOutcome::Error => msg::PROGRESS_ERROR,
            }
            .msg()
            .render(lang)
            .unwrap_or_default()
        };
        match self {
            Progress::Bar(bar, lang) => {
                bar.set_message(format!("{case} #{n} {}", word(*lang)));
                bar.inc(1);
            }
            Progress::Lines { total, done, lang } => {
                *done += 1;
                eprintln!("[{done}/{total}] {case} #{n} {}", word(*lang));
            }
            Progress::Quiet => {}
        }
    }

    pub fn finish(self) {
        if let Progress::Bar(bar, _) = self {
            bar.finish_and_clear();
        }
    }
}
