//! `ailevel regrade RESULTS.json [--framework FILE]`: recompute every check, verdict, score
//! and the level from the stored transcripts, with no device.

use std::path::{Path, PathBuf};

use clap::Args;

use super::Context;
use super::shared::{print, write_file};
use crate::error::Result;
use crate::results::Results;

#[derive(Debug, Clone, Args)]
pub struct RegradeArgs {
    /// A results file, or a run directory (its results.json, else its journal trials.jsonl).
    pub results: PathBuf,
    /// Grade under this framework instead of the one recorded in the results.
    #[arg(long)]
    pub framework: Option<PathBuf>,
    /// Write the re-derived results here [default: stdout].
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl RegradeArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        let json = regrade(&self.results, self.framework.as_deref())?.to_canonical_json();
        match &self.out {
            Some(path) => write_file(path, json.as_bytes()),
            None => print(ctx.stdout, json.as_bytes()),
        }
    }
}

/// Without `framework` the framework recorded in the results is used, so an unchanged file
/// reproduces itself.
pub fn regrade(results_path: &Path, framework: Option<&Path>) -> Result<Results> {
    let mut results = super::resume::read_run(results_path)?;
    match framework {
        Some(path) => {
            let (fw, sha) = crate::suite::load_framework(path)?;
            results.framework = crate::run::framework_ref_of(&fw, &sha);
            crate::grade::derive(&fw, &mut results);
            Ok(results)
        }
        None => Ok(crate::grade::rederive(results)),
    }
}
