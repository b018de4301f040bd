//! `ailevel suites`: the suites and simulator profiles built into the binary.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Context;
use crate::embedded;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Args)]
pub struct SuitesArgs {
    #[command(subcommand)]
    pub command: SuitesCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum SuitesCommand {
    /// Write the built-in suites to DIR (framework.yaml, actions, cases, fixtures) and, with
    /// --profiles, the simulator profiles to DIR/devices/sim; edit them, then run with
    /// `--suite DIR`.
    Export(ExportArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Where to write the suites.
    pub dir: PathBuf,
    /// Also write the reference simulator profiles into DIR/devices/sim.
    #[arg(long)]
    pub profiles: bool,
    /// Overwrite files that exist.
    #[arg(long)]
    pub force: bool,
}

impl SuitesArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        match &self.command {
            SuitesCommand::Export(a) => {
                let write = |dir: &str, dest: PathBuf| {
                    embedded::export(dir, &dest, a.force).map_err(|source| {
                        // Refusing to overwrite is about the arguments, not the disk.
                        if source.kind() == std::io::ErrorKind::AlreadyExists {
                            Error::Usage(source.to_string())
                        } else {
                            Error::Write { path: dest, source }
                        }
                    })
                };
                let n = write(embedded::SUITES, a.dir.clone())?;
                let _ = writeln!(ctx.stdout, "wrote {n} suite file(s) to {}", a.dir.display());
                if a.profiles {
                    let dest = a.dir.join("devices/sim");
                    let n = write(embedded::SIM_PROFILES, dest.clone())?;
                    let _ = writeln!(ctx.stdout, "wrote {n} profile(s) to {}", dest.display());
                }
                Ok(())
            }
        }
    }
}
