//! The `ailevel` command line: parses arguments, calls the library, maps errors to the
//! documented exit codes (see README.md and `ailevel::ExitCode`).

use std::path::PathBuf;
use std::process::ExitCode as ProcessExit;

use ailevel::app;
use ailevel::report::{Format, Lang};
use ailevel::{Error, ExitCode};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "ailevel",
    version,
    about = "Conformance test harness for GB/Z 177—2026 intelligence grading of AI terminals"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum SimCommand {
    /// Serve a profile's device (normally a `kind = "sim"` one) over ATP/1 on HTTP, optionally
    /// misbehaving on purpose. Prints `listening on http://ADDR` as its first line.
    Serve {
        /// Device profile (TOML); its `[faults]` table applies, each fault flag overriding it.
        #[arg(long)]
        device: PathBuf,
        /// Address to listen on; port 0 picks a free one.
        #[arg(long, default_value = "127.0.0.1:8700")]
        addr: String,
        #[arg(long, default_value = "suites")]
        suite: PathBuf,
        /// Seed of the simulated device (as `run --seed`).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Require `Authorization: Bearer <value of this environment variable>`.
        #[arg(long)]
        token_env: Option<String>,
        /// Seed of the fault draws.
        #[arg(long)]
        fault_seed: Option<u64>,
        /// Added latency per request: `MS` or `MIN..MAX` (uniform).
        #[arg(long, value_parser = parse_latency)]
        latency_ms: Option<[u64; 2]>,
        /// Share of requests answered 503.
        #[arg(long)]
        error_rate: Option<f64>,
        /// Share of requests whose connection is closed without an answer.
        #[arg(long)]
        drop_rate: Option<f64>,
        /// Share answered 200 with a body that is not JSON.
        #[arg(long)]
        malformed_rate: Option<f64>,
        /// Share answered 200 with the real answer cut in half.
        #[arg(long)]
        truncate_rate: Option<f64>,
        /// Share answered 200 with an oversized body.
        #[arg(long)]
        oversize_rate: Option<f64>,
        /// Size of an oversized body in bytes [default: 20 MiB].
        #[arg(long)]
        oversize_bytes: Option<u64>,
        /// Share answered 200 with bytes that are not UTF-8.
        #[arg(long)]
        bad_utf8_rate: Option<f64>,
        /// Share of requests never answered.
        #[arg(long)]
        hang_rate: Option<f64>,
        /// Endpoints the faults apply to [default: all]: info, sessions, turns, state, close, control.
        #[arg(long, value_delimiter = ',')]
        fault_scope: Option<Vec<ailevel::device::profile::Endpoint>>,
        /// Answer this many requests, then stop listening and exit, as a device that dies.
        #[arg(long)]
        die_after: Option<u64>,
    },
}

fn parse_latency(s: &str) -> Result<[u64; 2], String> {
    let num = |x: &str| x.trim().parse::<u64>().map_err(|e| format!("`{x}`: {e}"));
    match s.split_once("..") {
        Some((a, b)) => Ok([num(a)?, num(b)?]),
        None => num(s).map(|v| [v, v]),
    }
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
        /// Times a trial is run again, on a fresh session, after a transient device error
        /// (refused, reset, timeout, 5xx). A failed check is never retried.
        #[arg(long, default_value_t = 2)]
        retries: u32,
        /// Wait before the first retry in milliseconds; doubled for each further one.
        #[arg(long, default_value_t = 100)]
        retry_backoff_ms: u64,
        /// Bound on one trial, all its attempts included, in milliseconds [default: none].
        #[arg(long)]
        case_timeout_ms: Option<u64>,
    },
    /// Ask a device what it is and try each protocol operation once; exit 3 if it cannot be used.
    Probe {
        /// Device profile (TOML).
        #[arg(long)]
        device: PathBuf,
        /// Suite directory (gives the framework the profile is checked against).
        #[arg(long, default_value = "suites")]
        suite: PathBuf,
        /// Per-call timeout in milliseconds.
        #[arg(long, default_value_t = 30_000)]
        timeout_ms: u64,
    },
    /// The reference simulator as a device.
    Sim {
        #[command(subcommand)]
        command: SimCommand,
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
    /// Render report.html, junit.xml and summary.md from a results file alone; the same file
    /// and options always give the same bytes.
    Report {
        /// A results.json written by `run` or `regrade`.
        results: PathBuf,
        /// Output directory.
        #[arg(long, default_value = ".")]
        out: PathBuf,
        /// Report language: zh-CN or en.
        #[arg(long, default_value = "zh-CN")]
        lang: Lang,
        /// Formats to write, comma-separated: html (report.html), junit (junit.xml), md
        /// (summary.md).
        #[arg(long, value_delimiter = ',', default_value = "html,junit,md")]
        format: Vec<Format>,
    },
}

fn main() -> ProcessExit {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit(ExitCode::Invalid)
            } else {
                exit(ExitCode::Ok)
            };
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
            retries,
            retry_backoff_ms,
            case_timeout_ms,
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
                retries,
                retry_backoff_ms,
                case_timeout_ms,
            },
            &mut stdout,
        ),
        Command::Probe {
            device,
            suite,
            timeout_ms,
        } => app::probe(
            &suite,
            &device,
            std::time::Duration::from_millis(timeout_ms),
            &mut stdout,
        )
        .map(|_| ExitCode::Ok),
        Command::Sim {
            command:
                SimCommand::Serve {
                    device,
                    addr,
                    suite,
                    seed,
                    token_env,
                    fault_seed,
                    latency_ms,
                    error_rate,
                    drop_rate,
                    malformed_rate,
                    truncate_rate,
                    oversize_rate,
                    oversize_bytes,
                    bad_utf8_rate,
                    hang_rate,
                    fault_scope,
                    die_after,
                },
        } => app::serve(
            &app::ServeArgs {
                device,
                suite,
                addr,
                seed,
                token_env,
                faults: app::FaultFlags {
                    seed: fault_seed,
                    latency_ms,
                    error_rate,
                    drop_rate,
                    malformed_rate,
                    truncate_rate,
                    oversize_rate,
                    oversize_bytes,
                    bad_utf8_rate,
                    hang_rate,
                    scope: fault_scope,
                    die_after,
                },
            },
            &mut stdout,
        )
        .map(|_| ExitCode::Ok),
        Command::Validate { paths, suite } => {
            let paths = if paths.is_empty() {
                vec![PathBuf::from("suites"), PathBuf::from("devices")]
            } else {
                paths
            };
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
                (false, Some(device)) => app::list(
                    &suite,
                    framework.as_deref(),
                    &device,
                    trials,
                    group,
                    &mut stdout,
                ),
                (false, None) => Err(Error::Usage(
                    "--device is required unless --coverage".into(),
                )),
            }
            .map(|_| ExitCode::Ok)
        }
        Command::Regrade {
            results,
            framework,
            out,
        } => app::regrade(&results, framework.as_deref()).and_then(|r| {
            let json = r.to_canonical_json();
            match out {
                Some(path) => app::write_file(&path, json.as_bytes()),
                None => {
                    use std::io::Write;
                    stdout
                        .write_all(json.as_bytes())
                        .map_err(|source| Error::Write {
                            path: "<stdout>".into(),
                            source,
                        })
                }
            }
            .map(|_| ExitCode::Ok)
        }),
        Command::Report {
            results,
            out,
            lang,
            format,
        } => app::report(&results, &out, lang, &format).map(|_| ExitCode::Ok),
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
