//! The `ailevel` command line: parses arguments, calls the library, maps errors to the
//! documented exit codes (see README.md and `ailevel::ExitCode`).

use std::path::PathBuf;
use std::process::ExitCode as ProcessExit;

use ailevel::app;
use ailevel::report::Lang;
use ailevel::{Error, ExitCode};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "ailevel", version, about = "Conformance test harness for GB/Z 177—2026 intelligence grading of AI terminals")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the suite against a device, grade it, and write results.json and report.html.
    Run {
        /// Device profile (TOML).
        #[arg(long)]
        device: PathBuf,
        /// Suite directory (holds framework.yaml, actions.yaml and the case files).
        #[arg(long, default_value = "suites")]
        suite: PathBuf,
        /// Use this framework instead of the suite's framework.yaml.
        #[arg(long)]
        framework: Option<PathBuf>,
        /// Output directory [default: reports/<profile name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Trials per case, overriding the cases and the framework.
        #[arg(long)]
        trials: Option<u32>,
        /// Seed for everything random in the run; recorded in results.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Exit 1 when the device's level is below this one (e.g. L2).
        #[arg(long)]
        require_level: Option<String>,
        /// Trials run at once [default: the profile's `concurrency`, else 1].
        #[arg(long)]
        concurrency: Option<u32>,
        /// Per-call timeout in milliseconds.
        #[arg(long, default_value_t = 30_000)]
        turn_timeout_ms: u64,
        /// Locale sent to the device; `en` uses the cases' English variants.
        #[arg(long, default_value = "zh-CN")]
        locale: String,
        /// Report language: zh-CN or en.
        #[arg(long, default_value = "zh-CN")]
        lang: Lang,
        /// No progress output.
        #[arg(long, short)]
        quiet: bool,
        /// Judge profile (TOML) for model-graded `judge` checks.
        #[arg(long)]
        judge: Option<PathBuf>,
    },
    /// Check suites, frameworks and device profiles.
    Validate {
        /// Suite directories, suite files, framework files or profiles [default: suites devices].
        paths: Vec<PathBuf>,
        /// Suite directory giving the framework and action vocabulary for single files.
        #[arg(long, default_value = "suites")]
        suite: PathBuf,
    },
    /// List the cases that apply to a device, or the suite's coverage matrix.
    List {
        /// Device profile; required unless --coverage.
        #[arg(long, required_unless_present = "coverage")]
        device: Option<PathBuf>,
        /// Print, per category, the level × element matrix with case counts.
        #[arg(long)]
        coverage: bool,
        /// Group the cases: clause, level or element.
        #[arg(long, value_parser = ["clause", "level", "element"])]
        group_by: Option<String>,
        #[arg(long, default_value = "suites")]
        suite: PathBuf,
        #[arg(long)]
        framework: Option<PathBuf>,
        #[arg(long)]
        trials: Option<u32>,
    },
    /// Recompute checks, verdicts, scores and the level from a results file, without a device.
    Regrade {
        results: PathBuf,
        /// Grade under this framework instead of the one recorded in the results.
        #[arg(long)]
        framework: Option<PathBuf>,
        /// Write the re-derived results here [default: stdout].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Render report.html and summary.md from a results file alone.
    Report {
        results: PathBuf,
        #[arg(long, default_value = ".")]
        out: PathBuf,
        #[arg(long, default_value = "zh-CN")]
        lang: Lang,
    },
}

fn main() -> ProcessExit {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { exit(ExitCode::Invalid) } else { exit(ExitCode::Ok) };
        }
    };
    let mut stdout = std::io::stdout();
    let result = match cli.command {
        Command::Run {
            device,
            suite,
            framework,
            out,
            trials,
            seed,
            require_level,
            concurrency,
            turn_timeout_ms,
            locale,
            lang,
            quiet,
            judge,
        } => app::run(
            &app::RunArgs {
                device,
                suite,
                framework,
                out,
                trials,
                seed,
                require_level,
                concurrency,
                turn_timeout_ms,
                locale,
                lang,
                quiet,
                judge,
            },
            &mut stdout,
        ),
        Command::Validate { paths, suite } => {
            let paths = if paths.is_empty() { vec![PathBuf::from("suites"), PathBuf::from("devices")] } else { paths };
            app::validate(&paths, &suite, &mut stdout).map(|_| ExitCode::Ok)
        }
        Command::List {
            device,
            coverage,
            group_by,
            suite,
            framework,
            trials,
        } => {
            let group = match group_by.as_deref() {
                Some("clause") => app::GroupBy::Clause,
                Some("level") => app::GroupBy::Level,
                Some("element") => app::GroupBy::Element,
                _ => app::GroupBy::None,
            };
            match (coverage, device) {
                (true, _) => app::coverage(&suite, framework.as_deref(), &mut stdout),
                (false, Some(device)) => app::list(&suite, framework.as_deref(), &device, trials, group, &mut stdout),
                (false, None) => Err(Error::Usage("--device is required unless --coverage".into())),
            }
            .map(|_| ExitCode::Ok)
        }
        Command::Regrade { results, framework, out } => app::regrade(&results, framework.as_deref()).and_then(|r| {
            let json = r.to_canonical_json();
            match out {
                Some(path) => app::write_file(&path, json.as_bytes()),
                None => {
                    use std::io::Write;
                    stdout.write_all(json.as_bytes()).map_err(|source| Error::Write { path: "<stdout>".into(), source })
                }
            }
            .map(|_| ExitCode::Ok)
        }),
        Command::Report { results, out, lang } => app::report(&results, &out, lang).map(|_| ExitCode::Ok),
    };
    match result {
        Ok(code) => exit(code),
        Err(e) => {
            eprintln!("error: {}", chain(&e));
            exit(e.exit_code())
        }
    }
}

fn chain(e: &Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

fn exit(code: ExitCode) -> ProcessExit {
    ProcessExit::from(code.code() as u8)
}
