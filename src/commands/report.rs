//! `ailevel report RESULTS.json`: re-render reports from a results file alone. Pure: the
//! same file, language and formats give the same bytes.

use std::path::PathBuf;

use clap::Args;

use super::Context;
use super::shared::write_outputs;
use super::values::Named;
use crate::error::Result;
use crate::report::{Format, Lang};

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// A results.json written by `run` or `regrade`.
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
        let results = crate::results::read(&self.results)?;
        write_outputs(&results, &self.out, self.lang, &self.format)
    }
}
