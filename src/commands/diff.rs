//! `ailevel diff BASE NEW`: what changed between two runs (e.g. two firmware versions).

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::Context;
use super::shared::print;
use super::values::Named;
use crate::error::{ExitCode, Result};
use crate::report::Lang;
use crate::report::diff;
use crate::results::Results;

#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// The baseline: a results file, or a run's output directory holding results.json.
    pub base: PathBuf,
    /// The run to compare with it.
    pub new: PathBuf,
    /// text for a terminal, md for a pull-request comment, json for scripts.
    #[arg(long, value_enum, default_value = "text")]
    pub format: DiffFormat,
    /// Label language: zh-CN or en.
    #[arg(long, default_value = "en", value_parser = Named::<Lang>::new(), hide_possible_values = true)]
    pub lang: Lang,
    /// Exit 9 when the new run regressed: a lower level or any new failure.
    #[arg(long)]
    pub fail_on_regression: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Md,
    Json,
}

impl DiffArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<ExitCode> {
        let base = read_run(&self.base)?;
        let new = read_run(&self.new)?;
        let d = diff::compare(&base, &new);
        let text = render(&d, &base, &new, self.format, self.lang);
        print(ctx.stdout, text.as_bytes())?;
        Ok(if self.fail_on_regression && d.regression {
            ExitCode::Regression
        } else {
            ExitCode::Ok
        })
    }
}

pub(super) fn render(
    d: &diff::Diff,
    base: &Results,
    new: &Results,
    format: DiffFormat,
    lang: Lang,
) -> String {
    match format {
        DiffFormat::Text => diff::render_text(d, base, new, lang),
        DiffFormat::Md => diff::render_markdown(d, base, new, lang),
        DiffFormat::Json => {
            let mut s = serde_json::to_string_pretty(d).expect("a diff serialises");
            s.push('\n');
            s
        }
    }
}

/// A results file, or a directory holding one.
pub(super) fn read_run(path: &Path) -> Result<Results> {
    super::resume::read_run(path)
}
