//! The `ailevel` command line: parses arguments, runs the command, maps errors to the
//! documented exit codes (README.md, `ailevel::ExitCode`). Everything else is in
//! `ailevel::commands`.

use std::process::ExitCode as ProcessExit;

use ailevel::ExitCode;
use ailevel::commands::Cli;
use clap::Parser;

/// A run allocates and frees a great deal in small pieces — every trial's record parsed,
/// scored and rendered several times over — and glibc's allocator was about a quarter of a
/// 1,000-case run's instructions (docs/benchmarks.md); mimalloc does the same work in a
/// fraction of them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ProcessExit {
    let code = match Cli::try_parse() {
        Ok(cli) => match cli.exec(&mut std::io::stdout()) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("error: {}", ailevel::error::chain(&e));
                e.exit_code()
            }
        },
        // `--help` and `--version` are "errors" on stdout.
        Err(e) => {
            let _ = e.print();
            if e.use_stderr() {
                ExitCode::Invalid
            } else {
                ExitCode::Ok
            }
        }
    };
    ProcessExit::from(code.code() as u8)
}
