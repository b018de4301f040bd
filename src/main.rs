//! The `ailevel` command line: parses arguments, runs the command, maps errors to the
//! documented exit codes (README.md, `ailevel::ExitCode`). Everything else is in
//! `ailevel::commands`.

use std::process::ExitCode as ProcessExit;

use ailevel::ExitCode;
use ailevel::commands::Cli;
use clap::Parser;

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
