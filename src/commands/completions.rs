//! `ailevel completions SHELL` and `ailevel man`: shell completions and manual pages from the
//! same clap definitions the parser uses, so they cannot drift from the flags.

use std::path::PathBuf;

use clap::{Args, CommandFactory};

use super::shared::print;
use super::{Cli, Context};
use crate::error::{Error, ExitCode, Result};

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

impl CompletionsArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        let mut script = Vec::new();
        clap_complete::generate(self.shell, &mut Cli::command(), "ailevel", &mut script);
        print(ctx.stdout, &script)
    }
}

#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Write ailevel.1 and one page per command (ailevel-run.1, ailevel-sim-serve.1, …) into
    /// this directory instead of printing ailevel.1.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl ManArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        match &self.out {
            None => print(ctx.stdout, &page(Cli::command())),
            Some(dir) => {
                let written = std::fs::create_dir_all(dir)
                    .and_then(|()| clap_mangen::generate_to(Cli::command(), dir));
                written.map_err(|source| Error::Write {
                    path: dir.clone(),
                    source,
                })?;
                // The top page carries the exit codes, which generate_to cannot add.
                super::shared::write_file(&dir.join("ailevel.1"), &page(Cli::command()))
            }
        }
    }
}

/// The roff of `cmd`'s page, with an EXIT STATUS section for the top command.
fn page(cmd: clap::Command) -> Vec<u8> {
    let mut roff = Vec::new();
    let man = clap_mangen::Man::new(cmd);
    // Writing into a Vec cannot fail.
    let _ = man.render(&mut roff);
    let mut section = roff::Roff::new();
    section.control("SH", ["EXIT STATUS"]);
    for code in ExitCode::ALL {
        section.control("TP", []);
        section.text([roff::roman(code.code().to_string())]);
        section.text([roff::roman(code.meaning())]);
    }
    roff.extend(section.render().into_bytes());
    roff
}
