//! The command line: one file per command, each holding its `clap` arguments and the code
//! that runs it. `main.rs` only parses a [`Cli`], calls [`Cli::exec`] and turns the result
//! into the documented exit code.
//!
//! To add a command: a file here with a `#[derive(Args)]` struct and an `exec` method, a
//! variant in [`Command`], an arm in [`Cli::exec`], a row in README.md's command table.

mod catalog;
mod completions;
mod context;
mod diff;
mod keygen;
mod list;
mod merge;
mod pdf;
mod probe;
mod rack;
mod regrade;
mod report;
mod resume;
mod retry;
mod run;
mod shared;
mod sign;
mod sim;
mod suites;
mod validate;
mod values;
mod verify;

use std::io::Write;

use clap::{Parser, Subcommand};

use crate::error::{ExitCode, Result};

pub use catalog::{CatalogArgs, CatalogCommand};
pub use completions::{CompletionsArgs, ManArgs};
pub use context::{Context, Runtime};
pub use diff::{DiffArgs, DiffFormat};
pub use keygen::KeygenArgs;
pub use list::{GroupBy, ListArgs};
pub use merge::MergeArgs;
pub use probe::ProbeArgs;
pub use regrade::RegradeArgs;
pub use report::ReportArgs;
pub use retry::RetryArgs;
pub use run::RunArgs;
pub use shared::{write_file, write_outputs};
pub use sign::{SignArgs, envelope_path};
pub use sim::{FaultArgs, ServeArgs, SimArgs, SimCommand};
pub use suites::{SuitesArgs, SuitesCommand};
pub use validate::ValidateArgs;
pub use verify::VerifyArgs;

#[derive(Debug, Parser)]
#[command(
    name = "ailevel",
    version,
    about = "Conformance test harness for GB/Z 177—2026 intelligence grading of AI terminals"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the suite against a device, grade it, and write results.json and report.html.
    Run(Box<RunArgs>),
    /// Ask a device what it is and try each protocol operation once; exit 3 if it cannot be used.
    Probe(ProbeArgs),
    /// The reference simulator as a device.
    Sim(SimArgs),
    /// Check suites, frameworks and device profiles.
    Validate(ValidateArgs),
    /// List the cases that apply to a device, or the suite's coverage matrix.
    List(ListArgs),
    /// Rerun a finished or interrupted run's failed and inconclusive cases (`--only`) into
    /// its directory: the new round's trials decide each case, every earlier attempt is kept.
    Retry(RetryArgs),
    /// Recompute checks, verdicts, scores and the level from a results file, without a device.
    Regrade(RegradeArgs),
    /// Render report.html, junit.xml and summary.md from a results file alone; the same file
    /// and options always give the same bytes.
    Report(ReportArgs),
    /// Compare two runs: level change, new failures, fixes, verdict changes by element and
    /// clause, latency; --fail-on-regression exits 9 on a regression.
    Diff(DiffArgs),
    /// Put the results of `run --shard K/N` processes back together: checks they are the N
    /// shards of one run (same hashes, seed, settings; no overlap; none missing) and grades
    /// the whole.
    Merge(MergeArgs),
    /// Print a completion script for a shell (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one page per command with --out.
    Man(ManArgs),
    /// Make a lab's Ed25519 signing key pair.
    Keygen(KeygenArgs),
    /// Sign a results file: an in-toto Statement in a DSSE envelope.
    Sign(SignArgs),
    /// Check a signed results file: signature, hashes, and verdicts and grade re-derived
    /// from the transcripts; exits 7 when any check fails.
    Verify(VerifyArgs),
    /// The trade-in programme's product catalogue: trusted lab keys, certificates, revocation,
    /// eligibility under a policy (docs/catalog.md).
    Catalog(CatalogArgs),
    /// The built-in suites and simulator profiles: `suites export DIR` writes them out for
    /// editing (then run with `--suite DIR`).
    Suites(SuitesArgs),
}

impl Cli {
    /// Run the command, printing to `stdout`; returns the exit code it ends with when it
    /// succeeds (a run can succeed and still exit 1 or 3).
    pub fn exec(self, stdout: &mut dyn Write) -> Result<ExitCode> {
        let mut ctx = Context {
            stdout,
            runtime: Runtime::default(),
        };
        let code = match self.command {
            Command::Run(args) if args.devices.len() > 1 => rack::exec(&args, &mut ctx),
            Command::Run(args) => args.exec(&mut ctx),
            Command::Probe(args) => args.exec(&mut ctx).map(|()| ExitCode::Ok),
            Command::Sim(args) => args.exec(&mut ctx).map(|()| ExitCode::Ok),
            Command::Validate(args) => args.exec(&mut ctx).map(|()| ExitCode::Ok),
            Command::List(args) => args.exec(&mut ctx).map(|()| ExitCode::Ok),
            Command::Retry(args) => args.exec(&mut ctx),
            Command::Regrade(args) => args.exec(&mut ctx).map(|()| ExitCode::Ok),
            Command::Report(args) => args.exec(&mut ctx).map(|()| ExitCode::Ok),
            Command::Diff(args) => args.exec(&mut ctx),
            Command::Merge(args) => args.exec(&mut ctx),
            Command::Completions(args) => args.exec(&mut ctx).map(|()| ExitCode::Ok),
            Command::Man(args) => args.exec(&mut ctx).map(|()| ExitCode::Ok),
            Command::Keygen(args) => args.exec(&mut ctx).map(|()| ExitCode::Ok),
            Command::Sign(args) => args.exec(&mut ctx).map(|()| ExitCode::Ok),
            Command::Verify(args) => args.exec(&mut ctx),
            Command::Catalog(args) => args.exec(&mut ctx),
            Command::Suites(args) => args.exec(&mut ctx).map(|()| ExitCode::Ok),
        };
        crate::embedded::cleanup();
        code
    }
}
