//! `ailevel report RESULTS.json`: re-render reports from a results file alone. Pure: the
//! same file, language and formats give the same bytes. The stored verdicts and grade are a
//! claim, not evidence: they are re-derived from the transcripts first, and a file whose
//! claim disagrees is refused rather than rendered.

use std::path::{Path, PathBuf};

use clap::Args;

use super::Context;
use super::shared::write_outputs;
use super::values::Named;
use crate::error::{Error, Problem, Result};
use crate::report::{Format, Lang};

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// A results.json written by `run` or `regrade`, or a run directory (its results.json,
    /// else its journal trials.jsonl: the results are built from the journal).
    pub results: PathBuf,
    /// Output directory.
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
    /// Report language: zh-CN or en.
    #[arg(long, default_value = "zh-CN", value_parser = Named::<Lang>::new(), hide_possible_values = true)]
    pub lang: Lang,
    /// Formats to write, comma-separated: html (report.html), junit (junit.xml), md
    /// (summary.md), pdf (report.pdf, printed by headless Chromium).
    #[arg(long, value_delimiter = ',', default_value = "html,junit,md", value_parser = Named::<Format>::new(), hide_possible_values = true)]
    pub format: Vec<Format>,
}

impl ReportArgs {
    pub fn exec(&self, _ctx: &mut Context<'_>) -> Result<()> {
        let results = super::resume::read_run(&self.results)?;
        check_rederived(&self.results, &results)?;
        write_outputs(&results, &self.out, self.lang, &self.format)
    }
}

/// Re-derive verdicts and the grade from the transcripts under the recorded framework (as
/// `regrade` does) and refuse the file, naming every difference, when the stored ones differ:
/// a hand-edited grade must not reach a report.
fn check_rederived(path: &Path, results: &crate::results::Results) -> Result<()> {
    let derived = crate::grade::rederive(results.clone());
    let diffs = crate::grade::conclusion_diffs(results, &derived);
    if diffs.is_empty() {
        return Ok(());
    }
    let mut problems: Vec<Problem> = diffs
        .into_iter()
        .map(|d| Problem {
            file: path.to_path_buf(),
            line: None,
            column: None,
            field: None,
            message: format!(
                "stored conclusion disagrees with the transcripts: {}",
                d.en()
            ),
        })
        .collect();
    problems.push(Problem {
        file: path.to_path_buf(),
        line: None,
        column: None,
        field: None,
        message: "not rendered; `ailevel regrade` re-derives the file from its transcripts".into(),
    });
    Err(Error::Invalid(problems))
}
