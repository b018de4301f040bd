//! `ailevel catalog import-skus --policy FILE store.csv`: a store's list checked row by row.

use std::path::PathBuf;

use clap::Args;

use super::{DbArg, date_or_today};
use crate::catalog::import::{Index, check_csv};
use crate::catalog::policy;
use crate::catalog::store::Filter;
use crate::commands::Context;
use crate::commands::shared::{print, write_file};
use crate::error::{Error, Result};

/// Largest store list read.
const MAX_CSV_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// The eligibility policy.
    #[arg(long, env = "AILEVEL_POLICY")]
    pub policy: PathBuf,
    /// The store's list: CSV with a header naming some of `sku`, `vendor`, `model`,
    /// `firmware`, `cert` (other columns are ignored).
    pub input: PathBuf,
    /// Write the result CSV here [default: stdout, the summary then goes to stderr].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Check as on this day, `YYYY-MM-DD` [default: today, Beijing time].
    #[arg(long)]
    pub date: Option<String>,
    /// Reasons in this language: `zh-CN` or `en`.
    #[arg(long, default_value = "zh-CN", value_parser = ["zh-CN", "en"])]
    pub lang: String,
}

impl ImportArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        let policy = policy::load(&self.policy)?;
        let date = date_or_today(self.date.as_deref())?;
        let input = crate::files::read_bytes(&self.input, MAX_CSV_BYTES)?;
        let mut store = self.db.open()?;
        let index = Index::new(store.load(&Filter::All)?);
        let rows = check_csv(&input, &index, &policy, date, self.lang == "en")
            .map_err(|e| Error::invalid(&self.input, e))?;
        let mut w = csv::Writer::from_writer(Vec::new());
        let fail = |e: csv::Error| Error::Internal(format!("could not write CSV: {e}"));
        for r in &rows {
            w.serialize(r).map_err(fail)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| Error::Internal(format!("could not write CSV: {e}")))?;
        let count = |v: &str| rows.iter().filter(|r| r.eligible == v).count();
        let bad: Vec<String> = rows
            .iter()
            .filter(|r| r.eligible == "error")
            .map(|r| r.line.to_string())
            .collect();
        let summary = format!(
            "{} rows: {} eligible, {} not eligible, {} bad{}\n",
            rows.len(),
            count("yes"),
            count("no"),
            bad.len(),
            if bad.is_empty() {
                String::new()
            } else {
                format!(" (lines {})", crate::text::truncate(&bad.join(", "), 200))
            }
        );
        match &self.out {
            Some(p) => {
                write_file(p, &bytes)?;
                print(ctx.stdout, summary.as_bytes())
            }
            None => {
                print(ctx.stdout, &bytes)?;
                eprint!("{summary}");
                Ok(())
            }
        }
    }
}
