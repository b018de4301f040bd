//! The commands behind the CLI. `main.rs` parses arguments into these option structs and maps
//! the returned errors to exit codes; everything testable lives here.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::device::Profile;
use crate::error::{Error, ExitCode, Result};
use crate::report::{self, Format, Lang};
use crate::results::{Results, Verdict};
use crate::run::{ProfileMeta, RunOptions, journal::Journal};
use crate::suite::{self, LoadedSuite};

/// `ailevel run`.
#[derive(Debug, Clone)]
pub struct RunArgs {
    pub device: PathBuf,
    pub suite: PathBuf,
    pub framework: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub trials: Option<u32>,
    pub seed: u64,
    pub require_level: Option<String>,
    pub concurrency: Option<u32>,
    pub turn_timeout_ms: u64,
    pub locale: String,
    pub lang: Lang,
    pub quiet: bool,
    /// Judge profile (TOML) for `judge` checks.
    pub judge: Option<PathBuf>,
    /// Times a trial is run again after a transient device error.
    pub retries: u32,
    pub retry_backoff_ms: u64,
    /// Bound on one trial, all its attempts included.
    pub case_timeout_ms: Option<u64>,
}

/// Load the suite and the profile, checking the profile against the suite's framework.
pub fn load_inputs(
    suite_dir: &Path,
    framework: Option<&Path>,
    device: &Path,
) -> Result<(LoadedSuite, Profile, String)> {
    let suite = suite::load_suite(suite_dir, framework)?;
    let (profile, sha) = suite::load_profile(device, &suite.framework)?;
    Ok((suite, profile, sha))
}

/// Run, write `results.json`, `trials.jsonl`, `report.html`, `junit.xml` and `summary.md`,
/// print the level; returns the exit code the process should end with.
pub fn run(args: &RunArgs, stdout: &mut dyn Write) -> Result<ExitCode> {
    let (suite, profile, profile_sha) =
        load_inputs(&args.suite, args.framework.as_deref(), &args.device)?;
    if let Some(req) = &args.require_level
        && crate::grade::rank(&suite.framework, Some(req)) == 0
    {
        return Err(Error::Usage(format!(
            "--require-level {req}: no such level in the framework"
        )));
    }
    if args.trials == Some(0) {
        return Err(Error::Usage("--trials must be at least 1".into()));
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out_dir(&args.device));
    std::fs::create_dir_all(&out).map_err(|source| Error::Write {
        path: out.clone(),
        source,
    })?;
    let journal_path = out.join("trials.jsonl");
    let journal = Journal::create(&journal_path).map_err(|source| Error::Write {
        path: journal_path,
        source,
    })?;
    let judge = match &args.judge {
        Some(path) => Some(std::sync::Arc::new(
            crate::run::judge::Judge::new(suite::load_judge(path)?)
                .map_err(|e| Error::invalid(path, e))?,
        )),
        None => None,
    };
    let opts = RunOptions {
        judge,
        seed: args.seed,
        trials_override: args.trials,
        concurrency: args.concurrency.or(profile.concurrency).unwrap_or(1),
        turn_timeout: Duration::from_millis(args.turn_timeout_ms),
        locale: args.locale.clone(),
        quiet: args.quiet,
        retries: args.retries,
        retry_backoff: Duration::from_millis(args.retry_backoff_ms),
        case_timeout: args.case_timeout_ms.map(Duration::from_millis),
    };
    let adapter = connect(&profile, &args.device, &suite, args.seed, opts.turn_timeout)?;
    let meta = ProfileMeta {
        path: args.device.display().to_string(),
        sha256: profile_sha,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("could not start the async runtime: {e}")))?;
    let results = runtime.block_on(crate::run::run(
        &suite,
        &profile,
        meta,
        adapter,
        opts,
        Some(journal),
    ))?;
    write_file(
        &out.join("results.json"),
        results.to_canonical_json().as_bytes(),
    )?;
    write_outputs(&results, &out, args.lang, &Format::ALL)?;
    print_summary(&results, &suite.framework, &out, stdout);
    Ok(exit_code_for(
        &results,
        &suite.framework,
        args.require_level.as_deref(),
    ))
}

fn default_out_dir(device: &Path) -> PathBuf {
    let stem = device
        .file_stem()
        .map_or("run".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("reports").join(stem)
}

/// Render `formats` from `results` and write each into `out` under its file name
/// (`report.html`, `junit.xml`, `summary.md`). `run` and `report` both end here, so a report
/// re-rendered from results.json is the one the run wrote. Every format is rendered before any
/// file is written: a rendering failure leaves the directory as it was.
pub fn write_outputs(results: &Results, out: &Path, lang: Lang, formats: &[Format]) -> Result<()> {
    let mut formats = formats.to_vec();
    formats.sort_unstable();
    formats.dedup();
    let rendered = formats
        .iter()
        .map(|&f| {
            report::render(results, lang, f)
                .map(|text| (f, text))
                .map_err(|e| {
                    Error::Internal(format!("could not render the {f} report: {}", chain_of(&e)))
                })
        })
        .collect::<Result<Vec<_>>>()?;
    std::fs::create_dir_all(out).map_err(|source| Error::Write {
        path: out.to_path_buf(),
        source,
    })?;
    for (f, text) in rendered {
        write_file(&out.join(f.file_name()), text.as_bytes())?;
    }
    Ok(())
}

/// An error and its causes on one line: report errors wrap the template engine's.
fn chain_of(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

/// Write via a temporary file and rename, so a reader never sees half a file.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

fn exit_code_for(
    results: &Results,
    fw: &crate::suite::Framework,
    required: Option<&str>,
) -> ExitCode {
    if results.run.aborted {
        return ExitCode::Device;
    }
    match required {
        Some(req)
            if crate::grade::rank(fw, results.grade.level.as_deref())
                < crate::grade::rank(fw, Some(req)) =>
        {
            ExitCode::BelowRequired
        }
        _ => ExitCode::Ok,
    }
}

fn level_label(fw: &crate::suite::Framework, level: Option<&str>) -> String {
    match level.and_then(|l| fw.levels.iter().find(|x| x.id == l)) {
        Some(l) => format!("{} {} ({})", l.id, l.name.zh, l.name.en),
        None => "below L1".into(),
    }
}

fn print_summary(results: &Results, fw: &crate::suite::Framework, out: &Path, w: &mut dyn Write) {
    let g = &results.grade;
    let d = &results.device;
    let mut lines = vec![format!(
        "{} {} ({}, firmware {}): {}{}",
        d.vendor,
        d.model,
        d.category,
        d.firmware,
        level_label(fw, g.level.as_deref()),
        if g.provisional { " [provisional]" } else { "" }
    )];
    if let (Some(declared), Some(false)) = (&g.declared_level, g.meets_declared) {
        lines.push(format!("  declared {declared}, not reached"));
    }
    // Reasons in full for the first level not held; above it, a count is enough.
    let first_gap = g.ladder.iter().position(|s| !s.held);
    for (i, step) in g.ladder.iter().enumerate() {
        let line = match (step.held, Some(i) == first_gap) {
            (true, _) => format!("  {} held", step.level),
            (false, true) => format!("  {} not held: {}", step.level, step.reasons.join("; ")),
            (false, false) => format!(
                "  {} not held ({} reasons, see the report)",
                step.level,
                step.reasons.len()
            ),
        };
        lines.push(line);
    }
    if !g.blocking.is_empty() {
        lines.push("  blocking the next level:".into());
        for id in &g.blocking {
            let reason = results
                .cases
                .iter()
                .find(|c| &c.id == id)
                .map(|c| first_failure(c).unwrap_or_else(|| c.reason.clone()))
                .unwrap_or_default();
            lines.push(format!("    {id}: {reason}"));
        }
    }
    let s = &results.summary;
    lines.push(format!(
        "  cases: {} pass, {} fail, {} inconclusive, {} not applicable; {} trials ({} device errors) in {:.1} s",
        s.pass,
        s.fail,
        s.inconclusive,
        s.not_applicable,
        s.trials,
        s.trial_errors,
        results.run.duration_ms as f64 / 1000.0
    ));
    if let Some(why) = &results.run.abort_reason {
        lines.push(format!("  run aborted: {why}"));
    }
    lines.push(format!("  results: {}", out.join("results.json").display()));
    lines.push(format!("  report:  {}", out.join("report.html").display()));
    for l in lines {
        let _ = writeln!(w, "{l}");
    }
}

/// The first failing check's reason (or device error) of the first non-passing trial.
pub fn first_failure(case: &crate::results::CaseResult) -> Option<String> {
    for t in &case.trials {
        if let Some(e) = &t.error {
            return Some(format!("trial {}: {e}", t.index));
        }
        for (i, turn) in t.turns.iter().enumerate() {
            if let Some(c) = turn.checks.iter().find(|c| !c.passed) {
                return Some(format!("trial {} turn {}: {}", t.index, i + 1, c.reason));
            }
        }
    }
    None
}

/// `ailevel validate [PATH…]`: suite directories, single suite files, frameworks and
/// profiles. Returns the number of files checked.
pub fn validate(paths: &[PathBuf], suite_dir: &Path, w: &mut dyn Write) -> Result<usize> {
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut context: Option<LoadedSuite> = None;
    let mut context_for = |problems: &mut Vec<crate::error::Problem>| -> Option<LoadedSuite> {
        if context.is_none() {
            match suite::load_suite(suite_dir, None) {
                Ok(s) => context = Some(s),
                Err(Error::Invalid(mut p)) => problems.append(&mut p),
                Err(e) => problems.push(problem_of(suite_dir, &e)),
            }
        }
        context.clone()
    };
    let mut files = Vec::new();
    for p in paths {
        collect_validate_targets(p, &mut files, &mut problems);
    }
    for target in files {
        let result = match &target {
            Target::SuiteDir(d) => suite::load_suite(d, None).map(|s| {
                let _ = writeln!(
                    w,
                    "ok  {} ({} cases in {} files)",
                    d.display(),
                    s.cases.len(),
                    s.files.len()
                );
            }),
            Target::Framework(f) => suite::load_framework(f).map(|_| {
                let _ = writeln!(w, "ok  {}", f.display());
            }),
            Target::SuiteFile(f) => match context_for(&mut problems) {
                Some(ctx) => suite::check_suite_file(f, &ctx).map(|n| {
                    let _ = writeln!(w, "ok  {} ({n} cases)", f.display());
                }),
                None => continue,
            },
            Target::Profile(f) => match context_for(&mut problems) {
                Some(ctx) => suite::load_profile(f, &ctx.framework).map(|_| {
                    let _ = writeln!(w, "ok  {}", f.display());
                }),
                None => continue,
            },
        };
        checked += 1;
        match result {
            Ok(()) => {}
            Err(Error::Invalid(mut p)) => problems.append(&mut p),
            Err(e) => problems.push(problem_of(target.path(), &e)),
        }
    }
    if problems.is_empty() {
        Ok(checked)
    } else {
        problems.dedup();
        Err(Error::Invalid(problems))
    }
}

fn problem_of(path: &Path, e: &Error) -> crate::error::Problem {
    let mut message = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        src = inner.source();
    }
    crate::error::Problem {
        file: path.to_path_buf(),
        line: None,
        column: None,
        field: None,
        message,
    }
}

enum Target {
    SuiteDir(PathBuf),
    SuiteFile(PathBuf),
    Framework(PathBuf),
    Profile(PathBuf),
}

impl Target {
    fn path(&self) -> &Path {
        match self {
            Target::SuiteDir(p)
            | Target::SuiteFile(p)
            | Target::Framework(p)
            | Target::Profile(p) => p,
        }
    }
}

fn collect_validate_targets(
    p: &Path,
    out: &mut Vec<Target>,
    problems: &mut Vec<crate::error::Problem>,
) {
    if p.is_dir() {
        if p.join("framework.yaml").is_file() {
            out.push(Target::SuiteDir(p.to_path_buf()));
            return;
        }
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(p) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                problems.push(problem_of(
                    p,
                    &Error::Read {
                        path: p.to_path_buf(),
                        source: e,
                    },
                ));
                return;
            }
        };
        entries.sort();
        for e in entries {
            if e.is_dir()
                || matches!(
                    e.extension().and_then(|x| x.to_str()),
                    Some("yaml" | "yml" | "toml")
                )
            {
                collect_validate_targets(&e, out, problems);
            }
        }
        return;
    }
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    match p.extension().and_then(|x| x.to_str()) {
        Some("toml") => out.push(Target::Profile(p.to_path_buf())),
        Some("yaml" | "yml") if name.starts_with("framework.") => {
            out.push(Target::Framework(p.to_path_buf()))
        }
        // The vocabulary is checked with its suite directory.
        Some("yaml" | "yml")
            if name.starts_with("actions.")
                || p.parent().is_some_and(|d| d.ends_with("actions")) => {}
        Some("yaml" | "yml") => out.push(Target::SuiteFile(p.to_path_buf())),
        _ if !p.exists() => problems.push(crate::error::Problem {
            file: p.to_path_buf(),
            line: None,
            column: None,
            field: None,
            message: "no such file or directory".into(),
        }),
        _ => problems.push(crate::error::Problem {
            file: p.to_path_buf(),
            line: None,
            column: None,
            field: None,
            message: "not a suite (.yaml) or profile (.toml)".into(),
        }),
    }
}

/// `ailevel list --coverage`: per category, the level × element matrix of case counts.
pub fn coverage(suite_dir: &Path, framework: Option<&Path>, w: &mut dyn Write) -> Result<()> {
    let suite = suite::load_suite(suite_dir, framework)?;
    let cov = crate::suite::coverage::coverage(&suite);
    let _ = write!(w, "{}", crate::suite::coverage::render(&suite, &cov));
    Ok(())
}

/// How `list` orders its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// Suite order.
    None,
    /// By the clause of the standard each case traces to.
    Clause,
    Level,
    Element,
}

/// `ailevel list --device PROFILE`: the cases that apply, and those that do not, with why.
pub fn list(
    suite_dir: &Path,
    framework: Option<&Path>,
    device: &Path,
    trials: Option<u32>,
    group: GroupBy,
    w: &mut dyn Write,
) -> Result<()> {
    let (suite, profile, _) = load_inputs(suite_dir, framework, device)?;
    let mut planned = crate::run::plan::plan(&suite, &profile, trials, false);
    let key = |p: &crate::run::plan::PlannedCase| -> String {
        let c = &p.loaded.case;
        match group {
            GroupBy::None => String::new(),
            GroupBy::Clause => c.clause.clone(),
            GroupBy::Level => c.level.clone(),
            GroupBy::Element => c.element.clone(),
        }
    };
    // Stable sort: within a group, suite order.
    planned.sort_by_key(|p| key(p));
    let mut current: Option<String> = None;
    let mut na = Vec::new();
    let _ = writeln!(
        w,
        "{:<44} {:<3} {:<11} {:<4} {:<12} {:>6}  {:<22} title",
        "case", "lvl", "element", "mand", "mode", "trials", "clause"
    );
    for p in &planned {
        let c = &p.loaded.case;
        if group != GroupBy::None
            && p.applicable.is_ok()
            && current.as_deref() != Some(key(p).as_str())
        {
            current = Some(key(p));
            let _ = writeln!(w, "\n[{}]", key(p));
        }
        match &p.applicable {
            Ok(()) => {
                let _ = writeln!(
                    w,
                    "{:<44} {:<3} {:<11} {:<4} {:<12} {:>6}  {:<22} {}",
                    c.id,
                    c.level,
                    c.element,
                    if c.mandatory { "yes" } else { "no" },
                    c.mode.as_str(),
                    p.trials,
                    c.clause,
                    c.title.en
                );
            }
            Err(why) => na.push((c.id.clone(), why.clone())),
        }
    }
    let applicable = planned.len() - na.len();
    let _ = writeln!(
        w,
        "\n{applicable} applicable case(s) for {} {} ({})",
        profile.vendor, profile.model, profile.category
    );
    if !na.is_empty() {
        let _ = writeln!(w, "{} not applicable:", na.len());
        for (id, why) in na {
            let _ = writeln!(w, "  {id}: {why}");
        }
    }
    Ok(())
}

/// `ailevel report RESULTS.json`: re-render reports from a results file alone. Pure: the same
/// file, language and formats give the same bytes.
pub fn report(results_path: &Path, out: &Path, lang: Lang, formats: &[Format]) -> Result<()> {
    let results = read_results(results_path)?;
    write_outputs(&results, out, lang, formats)
}

/// Largest results file we read.
const MAX_RESULTS_BYTES: u64 = 512 * 1024 * 1024;

/// Read and validate a results file (schema, then types).
pub fn read_results(path: &Path) -> Result<Results> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.len() > MAX_RESULTS_BYTES {
        return Err(Error::invalid(
            path,
            format!("file is larger than {MAX_RESULTS_BYTES} bytes"),
        ));
    }
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        crate::error::Error::Invalid(vec![crate::error::Problem {
            file: path.to_path_buf(),
            line: Some(e.line()),
            column: Some(e.column()),
            field: None,
            message: e.to_string(),
        }])
    })?;
    let violations = crate::schema::validate(crate::schema::Kind::Results, &value, 20);
    if !violations.is_empty() {
        return Err(Error::Invalid(
            violations
                .into_iter()
                .map(|v| crate::error::Problem {
                    file: path.to_path_buf(),
                    line: None,
                    column: None,
                    field: Some(v.pointer),
                    message: v.message,
                })
                .collect(),
        ));
    }
    serde_json::from_value(value).map_err(|e| Error::invalid(path, e.to_string()))
}

/// Count of cases per verdict, for tests and summaries.
pub fn verdict_count(results: &Results, v: Verdict) -> usize {
    results.cases.iter().filter(|c| c.verdict == v).count()
}

/// `ailevel regrade RESULTS.json [--framework FILE]`: recompute every check, verdict, score
/// and the level from the stored transcripts, with no device. Without `--framework` the
/// framework recorded in the results is used, so an unchanged file reproduces itself.
pub fn regrade(results_path: &Path, framework: Option<&Path>) -> Result<Results> {
    let mut results = read_results(results_path)?;
    let fw = match framework {
        Some(path) => {
            let (fw, sha) = suite::load_framework(path)?;
            results.framework = crate::run::framework_ref_of(&fw, &sha);
            fw
        }
        None => results.framework.definition.clone(),
    };
    crate::grade::derive(&fw, &mut results);
    Ok(results)
}

/// The adapter for a loaded profile. A profile that cannot become one — a bad URL, a token
/// variable that is not set — is invalid input, named by its file; nothing was sent yet.
pub fn connect(
    profile: &Profile,
    path: &Path,
    suite: &LoadedSuite,
    seed: u64,
    call_timeout: Duration,
) -> Result<std::sync::Arc<dyn crate::device::Adapter>> {
    let opts = crate::device::ConnectOptions {
        seed,
        call_timeout,
        actions: suite.actions.clone(),
    };
    crate::device::connect(profile, &opts)
        .map_err(|e| Error::invalid(path, format!("adapter: {e}")))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("could not start the async runtime: {e}")))
}

/// `ailevel probe --device PROFILE`: what the device says it is and which protocol
/// operations work. A device that cannot be used — unreachable, broken `info`, no session,
/// no answer to a turn — is an error (exit 3) saying why.
pub fn probe(suite_dir: &Path, device: &Path, timeout: Duration, w: &mut dyn Write) -> Result<()> {
    let suite = suite::load_suite(suite_dir, None)?;
    let (profile, _) = suite::load_profile(device, &suite.framework)?;
    let adapter = connect(&profile, device, &suite, 1, timeout)?;
    let report = runtime()?.block_on(crate::device::probe::probe(adapter.as_ref(), timeout));
    let _ = write!(w, "{}", report.render(&profile));
    match report.unusable() {
        Some(why) => Err(Error::Device(why)),
        None => Ok(()),
    }
}

/// `ailevel sim serve`: serve a profile's device over ATP/1 until killed (or until the
/// faults' `die_after`). The first line on stdout is `listening on http://ADDR`.
pub fn serve(args: &ServeArgs, stdout: &mut dyn Write) -> Result<()> {
    let suite = suite::load_suite(&args.suite, None)?;
    let (profile, _) = suite::load_profile(&args.device, &suite.framework)?;
    let mut faults = profile.faults.clone().unwrap_or_default();
    args.faults.apply(&mut faults);
    let plan = crate::device::server::FaultPlan::new(faults)
        .map_err(|e| Error::Usage(format!("faults: {e}")))?;
    let token = match &args.token_env {
        Some(var) => Some(
            std::env::var(var)
                .map_err(|_| Error::Usage(format!("--token-env: `{var}` is not set")))?,
        ),
        None => None,
    };
    let adapter = connect(
        &profile,
        &args.device,
        &suite,
        args.seed,
        Duration::from_secs(60),
    )?;
    let rt = runtime()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.addr)
            .await
            .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", args.addr)))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::Internal(format!("no local address: {e}")))?;
        let written = writeln!(stdout, "listening on http://{addr}").and_then(|()| stdout.flush());
        written.map_err(|source| Error::Write {
            path: "<stdout>".into(),
            source,
        })?;
        if let Some(d) = plan.describe() {
            eprintln!("{d}");
        }
        crate::device::server::serve(listener, adapter, plan, token)
            .await
            .map_err(|e| Error::Internal(format!("the server stopped: {e}")))
    })?;
    // Connections still open (a hang in progress) must not keep the process alive.
    rt.shutdown_background();
    Ok(())
}

/// `ailevel sim serve`.
#[derive(Debug, Clone)]
pub struct ServeArgs {
    pub device: PathBuf,
    pub suite: PathBuf,
    pub addr: String,
    pub seed: u64,
    /// Requests must carry `Authorization: Bearer <value of this variable>`.
    pub token_env: Option<String>,
    pub faults: FaultFlags,
}

/// Fault flags; each one given replaces the profile's `[faults]` value.
#[derive(Debug, Clone, Default)]
pub struct FaultFlags {
    pub seed: Option<u64>,
    pub latency_ms: Option<[u64; 2]>,
    pub error_rate: Option<f64>,
    pub drop_rate: Option<f64>,
    pub malformed_rate: Option<f64>,
    pub truncate_rate: Option<f64>,
    pub oversize_rate: Option<f64>,
    pub oversize_bytes: Option<u64>,
    pub bad_utf8_rate: Option<f64>,
    pub hang_rate: Option<f64>,
    pub scope: Option<Vec<crate::device::profile::Endpoint>>,
    pub die_after: Option<u64>,
}

impl FaultFlags {
    fn apply(&self, f: &mut crate::device::profile::Faults) {
        fn set<T: Clone>(to: &mut T, from: &Option<T>) {
            if let Some(v) = from {
                *to = v.clone();
            }
        }
        set(&mut f.seed, &self.seed);
        set(&mut f.latency_ms, &self.latency_ms);
        set(&mut f.error_rate, &self.error_rate);
        set(&mut f.drop_rate, &self.drop_rate);
        set(&mut f.malformed_rate, &self.malformed_rate);
        set(&mut f.truncate_rate, &self.truncate_rate);
        set(&mut f.oversize_rate, &self.oversize_rate);
        set(&mut f.bad_utf8_rate, &self.bad_utf8_rate);
        set(&mut f.hang_rate, &self.hang_rate);
        set(&mut f.scope, &self.scope);
        if self.oversize_bytes.is_some() {
            f.oversize_bytes = self.oversize_bytes;
        }
        if self.die_after.is_some() {
            f.die_after = self.die_after;
        }
    }
}
