//! `ailevel run`: run the suite against a device, grade it, write results and reports.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::Context;
use super::shared::{
    SelectArgs, apply_selection, connect, load_inputs, write_file, write_file_with,
    write_outputs_from,
};
use super::values::Named;
use crate::error::{Error, ExitCode, Result};
use crate::grade::Gate;
use crate::msg::Message;
use crate::report::{Format, HeldTrials, Lang, TrialSource};
use crate::results::Results;
use crate::run::journal::{self, Journal, Target};
use crate::run::{ProfileMeta, RunOptions};
use crate::suite::Framework;
use crate::suite::phrasing::Phrasing;

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Device profile (TOML), or `sim:NAME` for a built-in simulator. Given more than once,
    /// the devices are run at once as a rack: one folder per device under `--out` (default
    /// reports/rack) and an index (index.json, index.md).
    #[arg(long = "device", required = true, value_name = "DEVICE")]
    pub devices: Vec<PathBuf>,
    /// The one device this run drives (the only `--device`, or a rack member's).
    #[arg(skip)]
    pub device: PathBuf,
    /// Suite directory (holds framework.yaml, actions.yaml and the case files).
    #[arg(long, default_value = "suites")]
    pub suite: PathBuf,
    /// Use this framework instead of the suite's framework.yaml.
    #[arg(long)]
    pub framework: Option<PathBuf>,
    /// Output directory [default: reports/<profile name>, or the first free
    /// reports/<profile name>-N when that one holds a finished run].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write into an output directory that already holds a finished run (its results.json),
    /// replacing that run's files; without it such a directory is refused.
    #[arg(long, conflicts_with = "resume")]
    pub force: bool,
    /// Continue the interrupted run in DIR (its trials.jsonl) instead of starting one: the
    /// trials it recorded are kept, the others run. Give the same options as the first
    /// time; a differing input hash or setting is refused, naming it.
    #[arg(long, value_name = "DIR", conflicts_with = "out")]
    pub resume: Option<PathBuf>,
    /// On SIGINT or SIGTERM no further trial starts; those under way get this many
    /// milliseconds to finish (then they are cancelled and rerun on resume), and results
    /// and reports marked interrupted are written (exit 5).
    #[arg(long, default_value_t = 5_000, value_name = "MS")]
    pub grace_ms: u64,
    /// Trials per case, overriding the cases and the framework.
    #[arg(long)]
    pub trials: Option<u32>,
    /// Seed for everything random in the run; recorded in results.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Exit 1 when the device's level is below this one (e.g. L2), saying why; JUnit then
    /// reports the cases above it as skipped, not failed.
    #[arg(long, conflicts_with = "require_declared")]
    pub require_level: Option<String>,
    /// Exit 1 when the device's level is below the profile's `declared_level`, saying why.
    #[arg(long)]
    pub require_declared: bool,
    /// Print the summary as one JSON object instead of text (reasons a gate failed included).
    #[arg(long)]
    pub json: bool,
    /// Trials run at once [default: the profile's `concurrency`, else 1].
    #[arg(long)]
    pub concurrency: Option<u32>,
    /// Per-call timeout in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    pub turn_timeout_ms: u64,
    /// Locale sent to the device; `en` uses the cases' English variants.
    #[arg(long, default_value = "zh-CN")]
    pub locale: String,
    /// Report language: zh-CN or en [default: zh-CN]. Given, it is also the language of the
    /// lines printed here; left out, those follow the console's locale.
    #[arg(long, value_parser = Named::<Lang>::new(), hide_possible_values = true)]
    pub lang: Option<Lang>,
    /// Reports to write besides results.json and trials.jsonl, comma-separated: html
    /// (report.html), junit (junit.xml), md (summary.md), pdf (report.pdf, printed by headless
    /// Chromium). A CI job that reads only JUnit skips rendering the HTML report.
    #[arg(long, value_delimiter = ',', default_value = "html,junit,md", value_parser = Named::<Format>::new(), hide_possible_values = true)]
    pub format: Vec<Format>,
    /// No progress output.
    #[arg(long, short)]
    pub quiet: bool,
    /// Judge profile (TOML) for model-graded `judge` checks.
    #[arg(long)]
    pub judge: Option<PathBuf>,
    /// Retries after device errors: each safe call (session, state, close, control) is
    /// repeated in place up to this many times, and a trial is restarted on a fresh session
    /// after a failed turn up to this many times. A failed check is never retried.
    #[arg(long, default_value_t = 12)]
    pub retries: u32,
    /// Retries the whole run may spend, so that a dead device ends the run quickly
    /// [default: 4 per planned trial].
    #[arg(long)]
    pub run_retries: Option<u64>,
    /// Wait before the first retry in milliseconds; doubled for each further one (at most
    /// 2 s), with jitter drawn from the run seed.
    #[arg(long, default_value_t = 20)]
    pub retry_backoff_ms: u64,
    /// Bound on one trial, all its attempts included, in milliseconds [default: none].
    #[arg(long)]
    pub case_timeout_ms: Option<u64>,
    /// The run's secret, 64 hex digits [default: random from the OS]. It keys the session
    /// seeds sent to the device and the run order, and is recorded in results.json after the
    /// run; give a recorded one to reproduce that run exactly, never reuse one otherwise.
    #[arg(long, value_name = "HEX")]
    pub secret: Option<String>,
    /// Lab file (TOML, schemas/lab.schema.json) [default: $AILEVEL_LAB when set].
    #[arg(long, env = "AILEVEL_LAB")]
    pub lab: Option<PathBuf>,
    /// Session file (TOML, schemas/session.schema.json): client, operator, reviewer,
    /// sample, environment, equipment.
    #[arg(long)]
    pub session: Option<PathBuf>,
    /// Who ran the test; overrides the session file's `operator`.
    #[arg(long)]
    pub operator: Option<String>,
    /// Who reviewed it; overrides the session file's `reviewer`.
    #[arg(long)]
    pub reviewer: Option<String>,
    /// Which phrasing each trial sends: `drawn` from the turn's pool (the suite's phrasings
    /// and the private pool's) by the seed, or the `canonical` (first) one.
    #[arg(long, default_value = "drawn", value_parser = Named::<Phrasing>::new(), hide_possible_values = true)]
    pub phrasing: Phrasing,
    /// Private variant pool (a directory of `ailevel.variants/1` files, or one file): more
    /// phrasings of the suite's turns, drawn with the suite's. Its hash is recorded.
    #[arg(long, value_name = "DIR")]
    pub variants: Option<PathBuf>,
    #[command(flatten)]
    pub select: SelectArgs,
    /// A previous run (results file or its directory) to compare with: the diff is printed
    /// and written to DIR/diff.md.
    #[arg(long, value_name = "RESULTS")]
    pub baseline: Option<PathBuf>,
    /// With --baseline: exit 9 when this run regressed (a lower level or a new failure).
    #[arg(long, requires = "baseline")]
    pub fail_on_regression: bool,
    /// Issue a certificate: refused (exit 6, results and reports still written) without a
    /// lab file, on an identity mismatch or an incomplete run.
    #[arg(long)]
    pub certify: bool,
}

impl RunArgs {
    /// Run, write `results.json`, `trials.jsonl`, `report.html`, `junit.xml` and `summary.md`,
    /// print the level; returns the exit code the process should end with.
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<ExitCode> {
        let mut one = self.clone();
        one.device = self.devices.first().cloned().unwrap_or_default();
        one.exec_one(ctx)
    }

    /// One device's run (`self.device`).
    pub(super) fn exec_one(&self, ctx: &mut Context<'_>) -> Result<ExitCode> {
        // The report templates are parsed on another core while this one loads the suite.
        // Without the thread (none could be made) they are parsed when first needed.
        let formats = self.format.clone();
        let _ = std::thread::Builder::new()
            .name("prepare".into())
            .spawn(move || crate::report::prepare(&formats));
        let (mut suite, profile, profile_sha) =
            load_inputs(&self.suite, self.framework.as_deref(), &self.device)?;
        let selection = apply_selection(&mut suite, self.select.selection())?;
        if let Some(sel) = &selection {
            // A subset cannot hold a level, so nothing that needs one may be asked of it.
            for (asked, flag) in [
                (self.require_level.is_some(), "--require-level"),
                (self.require_declared, "--require-declared"),
                (self.certify, "--certify"),
            ] {
                if asked {
                    return Err(Error::Usage(format!(
                        "{flag} needs a graded level, and a run limited by {} is partial",
                        sel.describe()
                    )));
                }
            }
        }
        if let Some(req) = &self.require_level
            && crate::grade::rank(&suite.framework, Some(req)) == 0
        {
            return Err(Error::Usage(format!(
                "--require-level {req}: no such level in the framework"
            )));
        }
        if self.require_declared && profile.declared_level.is_none() {
            return Err(Error::invalid(
                &self.device,
                "--require-declared: the profile has no `declared_level`",
            ));
        }
        if self.trials == Some(0) {
            return Err(Error::Usage("--trials must be at least 1".into()));
        }
        // Lab and session are checked before the device is touched: a typo costs no run.
        let lab = match &self.lab {
            Some(path) => {
                let (lab, sha256) = crate::lab::load_lab(path)?;
                Some(crate::lab::LabRef {
                    path: path.display().to_string(),
                    sha256,
                    lab,
                })
            }
            None => None,
        };
        let session = self.session_record()?;
        // Read before the run, so a bad baseline costs no run.
        let baseline = match &self.baseline {
            Some(p) => Some(super::diff::read_run(p)?),
            None => None,
        };
        let variants = match &self.variants {
            Some(path) => Some(Arc::new(crate::suite::load_variants(path, &suite)?)),
            None => None,
        };
        let out = match (&self.resume, &self.out) {
            (Some(dir), _) | (None, Some(dir)) => dir.clone(),
            (None, None) if self.force => default_out_dir(&self.device),
            (None, None) => fresh_out_dir(&default_out_dir(&self.device)),
        };
        let resumed = match &self.resume {
            Some(dir) => super::resume::prepare(dir)?.journal,
            None => {
                refuse_finished_run(&out, self.force)?;
                None
            }
        };
        std::fs::create_dir_all(&out).map_err(|source| Error::Write {
            path: out.clone(),
            source,
        })?;
        let judge = match &self.judge {
            Some(path) => Some(Arc::new(
                crate::run::judge::Judge::new(crate::run::judge::load_profile(path)?)
                    .map_err(|e| Error::invalid(path, e))?,
            )),
            None => None,
        };
        let secret = match (&resumed, &self.secret) {
            (Some((header, _)), given) => super::resume::secret(&out, header, given.as_deref())?,
            (None, Some(hex)) => crate::run::blind::Secret::from_hex(hex)
                .map_err(|e| Error::Usage(format!("--secret: {e}")))?,
            (None, None) => crate::run::blind::Secret::random().map_err(Error::Internal)?,
        };
        let opts = RunOptions {
            secret,
            device_seeds: crate::run::device_seeds_for(&profile),
            judge,
            seed: self.seed,
            trials_override: self.trials,
            concurrency: self.concurrency.or(profile.concurrency).unwrap_or(1),
            turn_timeout: Duration::from_millis(self.turn_timeout_ms),
            locale: self.locale.clone(),
            quiet: self.quiet,
            console_lang: self.console_lang(),
            retries: self.retries,
            retry_backoff: Duration::from_millis(self.retry_backoff_ms),
            run_retries: self.run_retries,
            case_timeout: self.case_timeout_ms.map(Duration::from_millis),
            phrasing: self.phrasing,
            variants,
        };
        let header = self.header(
            &suite,
            &profile_sha,
            &opts,
            selection.clone(),
            self.judge_source()?,
        );
        let journal_path = out.join("trials.jsonl");
        let pinned = header.secret.pinned;
        // A run begun here wrote and scored every trial of its journal itself.
        let fresh = resumed.is_none();
        let (target, prior, started_at) = match resumed {
            Some((was, read)) => {
                let diffs = was.differences(&header);
                if !diffs.is_empty() {
                    return Err(Error::Usage(format!(
                        "--resume {}: this run is not the one its journal records, so it cannot \
                         continue it:\n  {}",
                        out.display(),
                        diffs.join("\n  ")
                    )));
                }
                let target = Target::Append {
                    valid_len: read.valid_len,
                };
                (target, read.trials, Some(was.started_at))
            }
            None => {
                let target = Target::Fresh {
                    secret: (!pinned).then(|| opts.secret.to_hex()),
                    header: Box::new(header),
                };
                (target, Vec::new(), None)
            }
        };
        let journal = Journal::create(&journal_path, target).map_err(|source| Error::Write {
            path: journal_path.clone(),
            source,
        })?;
        let adapter = connect(&profile, &self.device, &suite, self.seed, opts.turn_timeout)?;
        let meta = ProfileMeta {
            path: self.device.display().to_string(),
            sha256: profile_sha,
        };
        let cont = crate::run::Continue {
            prior,
            signals: true,
            grace: Duration::from_millis(self.grace_ms),
            stream: true,
        };
        let ran = ctx.runtime.get()?.block_on(crate::run::run_with(
            &suite,
            &profile,
            meta,
            adapter,
            opts,
            Some(journal),
            cont,
        ))?;
        let (mut results, streamed) = (ran.results, ran.streamed);
        if let Some(at) = started_at {
            results.run.started_at = at;
        }
        let interrupted = results.run.interrupted.is_some();
        if interrupted && !pinned {
            // The run goes on later with this secret: it stays in DIR/secret, not in results.
            results.run.secret = None;
        }
        if selection.is_some() {
            results.run.selection = selection;
            match &streamed {
                Some(s) => crate::grade::derive_tallied(&suite.framework, &mut results, &s.tallies),
                None => crate::grade::derive(&suite.framework, &mut results),
            }
        }
        results.run.required_level =
            self.gate().map(|(level, _)| level.to_string()).or_else(|| {
                self.require_declared
                    .then(|| results.grade.declared_level.clone())
                    .flatten()
            });
        results.certification.lab = lab;
        results.certification.session = session;
        results.certification.identity = results.derive_identity();
        let refused = if self.certify {
            match crate::attest::certify::issue(&results) {
                Ok(cert) => {
                    results.certification.certificate = Some(cert);
                    Vec::new()
                }
                Err(why) => why,
            }
        } else {
            Vec::new()
        };
        let results_path = out.join("results.json");
        // A streamed run's trials stay in its journal: results.json and then each report and
        // summary read them from there a case at a time, so memory holds one case's trials.
        let index = match &streamed {
            Some(_) => Some(journal::index(&journal_path)?),
            None => None,
        };
        // Two sources of the same trials: the page is rendered from the second on another
        // thread while the other reports are rendered from the first (which keeps what it
        // reads for the summaries after them; the page's keeps nothing).
        type Source<'s> = Box<dyn TrialSource + Send + 's>;
        let (mut trials, mut page_trials): (Source<'_>, Source<'_>) = match (&streamed, &index) {
            (Some(s), Some(index)) => {
                let mut source =
                    journal::Stored::open(&journal_path, index, &results, s.evaluator.clone())?;
                if fresh {
                    source = source.scored_here();
                }
                let mut sha256 = String::new();
                write_file_with(&results_path, |w| {
                    // Buffered before the hash, so the serializer's many small writes reach
                    // SHA-256 and the file in large blocks.
                    let mut w = std::io::BufWriter::with_capacity(
                        1 << 16,
                        crate::hash::HashingWriter::new(w),
                    );
                    crate::results::write_streamed(&results, Box::new(source), &mut w)
                        .map_err(std::io::Error::other)?;
                    sha256 = w
                        .into_inner()
                        .map_err(std::io::IntoInnerError::into_error)?
                        .hex();
                    Ok(())
                })?;
                let open = || -> Result<journal::ByCase<'_>> {
                    let by_case = journal::ByCase::open(
                        &journal_path,
                        index,
                        s.evaluator.clone(),
                        sha256.clone(),
                    )?;
                    Ok(if fresh {
                        by_case.scored_here()
                    } else {
                        by_case
                    })
                };
                (Box::new(open()?), Box::new(open()?.keeping_nothing()))
            }
            _ => {
                write_file(&results_path, results.to_canonical_json().as_bytes())?;
                (Box::new(HeldTrials), Box::new(HeldTrials))
            }
        };
        if !interrupted {
            // results.json now records the secret; the copy kept for a resume is not needed.
            let _ = std::fs::remove_file(journal::secret_path(&out.join("trials.jsonl")));
        }
        let trials = &mut *trials;
        let lang = self.report_lang();
        write_outputs_from(
            &results,
            &out,
            lang,
            &self.format,
            trials,
            Some(&mut *page_trials),
        )?;
        append_step_summary(&results, lang, trials);
        let gate = self.gate_lines(&results, &suite.framework);
        if self.json {
            let json = crate::report::console::summary_json(&results, &out, &gate, &self.format);
            let _ = writeln!(ctx.stdout, "{json}");
        } else {
            let lang = self.console_lang();
            print_summary_from(&results, &out, &self.format, lang, ctx.stdout, trials)?;
            for (indent, m) in &gate {
                let text = m.render(lang).unwrap_or_else(|| m.en());
                let _ = writeln!(ctx.stdout, "{}{text}", "  ".repeat(1 + *indent as usize));
            }
            let cert = results.certification.certificate.as_ref();
            for l in crate::report::console::certificate(&refused, cert, lang) {
                let _ = writeln!(ctx.stdout, "{l}");
            }
        }
        let mut regressed = false;
        if let Some(base) = &baseline {
            let d = crate::report::diff::compare_from(base, &mut HeldTrials, &results, trials)
                .map_err(|e| Error::Internal(crate::error::chain(&e)))?;
            let md = super::diff::render(
                &d,
                base,
                &results,
                super::diff::DiffFormat::Md,
                self.report_lang(),
            );
            write_file(&out.join("diff.md"), md.as_bytes())?;
            if !self.json {
                let lang = self.console_lang();
                let text =
                    super::diff::render(&d, base, &results, super::diff::DiffFormat::Text, lang);
                let path = self.baseline.as_ref().expect("set").display().to_string();
                let _ = writeln!(
                    ctx.stdout,
                    "{}",
                    crate::report::console::baseline(&path, lang)
                );
                for l in text.lines() {
                    let _ = writeln!(ctx.stdout, "    {l}");
                }
            }
            regressed = d.regression;
        }
        if !refused.is_empty() {
            return Ok(ExitCode::CertificateRefused);
        }
        let code = exit_code_for(
            &results,
            &suite.framework,
            results.run.required_level.as_deref(),
        );
        Ok(match code {
            ExitCode::Ok if regressed && self.fail_on_regression => ExitCode::Regression,
            code => code,
        })
    }

    /// The journal's header for this run: which inputs, which settings.
    fn header(
        &self,
        suite: &crate::suite::LoadedSuite,
        profile_sha: &str,
        opts: &RunOptions,
        selection: Option<crate::suite::select::Selection>,
        judge: Option<journal::Source>,
    ) -> journal::Header {
        let secret = opts.secret.to_hex();
        let secret_bytes = hex::decode(&secret).unwrap_or_default();
        journal::Header {
            journal: journal::JOURNAL_SCHEMA.into(),
            harness: crate::results::Harness {
                name: "ailevel".into(),
                version: crate::HARNESS_VERSION.into(),
            },
            started_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            framework: journal::Source {
                path: self.framework.as_ref().map(|p| p.display().to_string()),
                sha256: suite.framework_sha256.clone(),
            },
            suite: journal::Source {
                path: Some(suite.root.display().to_string()),
                sha256: suite.sha256.clone(),
            },
            device: journal::DeviceSource {
                profile: self.device.display().to_string(),
                profile_sha256: profile_sha.to_string(),
                info: None,
            },
            variants: opts.variants.as_ref().map(|v| journal::Source {
                path: Some(v.path.display().to_string()),
                sha256: v.sha256.clone(),
            }),
            judge,
            seed: opts.seed,
            secret: journal::SecretRecord {
                pinned: self.secret.is_some(),
                sha256: crate::hash::sha256_hex(&secret_bytes),
                hex: self.secret.is_some().then_some(secret),
            },
            settings: journal::Settings {
                locale: opts.locale.clone(),
                trials_override: opts.trials_override,
                concurrency: opts.concurrency,
                turn_timeout_ms: self.turn_timeout_ms,
                retries: opts.retries,
                retry_backoff_ms: self.retry_backoff_ms,
                run_retries: opts.run_retries,
                case_timeout_ms: self.case_timeout_ms,
                phrasing: opts.phrasing,
                device_seeds: opts.device_seeds,
                selection,
            },
        }
    }

    /// The judge profile's path and hash, for the journal.
    fn judge_source(&self) -> Result<Option<journal::Source>> {
        let Some(path) = &self.judge else {
            return Ok(None);
        };
        let bytes = crate::files::read_bytes(path, crate::run::judge::MAX_PROFILE_BYTES)?;
        Ok(Some(journal::Source {
            path: Some(path.display().to_string()),
            sha256: crate::hash::sha256_hex(&bytes),
        }))
    }

    /// The level given with `--require-level`, with its gate.
    fn gate(&self) -> Option<(&str, Gate)> {
        self.require_level.as_deref().map(|l| (l, Gate::Required))
    }

    /// Why the run misses its gate, as message lines with their indent; empty when it
    /// passes or no gate was asked for.
    fn gate_lines(&self, results: &Results, fw: &Framework) -> Vec<(u8, Message)> {
        let gate = match (self.gate(), &results.run.required_level) {
            (Some(g), _) => g,
            (None, Some(declared)) if self.require_declared => (declared.as_str(), Gate::Declared),
            _ => return Vec::new(),
        };
        if results.run.aborted {
            return vec![(0, crate::msg::GATE_ABORTED.msg())];
        }
        crate::grade::shortfall(fw, &results.grade, gate.0, gate.1)
    }
}

/// When CI gives a step summary file (GitHub Actions' `GITHUB_STEP_SUMMARY`), append the
/// Markdown summary to it. The run's own files are already written; a summary that cannot be
/// appended is a warning, not a lost run.
fn append_step_summary(results: &Results, lang: Lang, trials: &mut dyn TrialSource) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let path = PathBuf::from(path);
    let mut append = || -> std::result::Result<(), String> {
        let md = crate::report::render_markdown_from(results, lang, trials)
            .map_err(|e| crate::error::chain(&e))?;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|e| e.to_string())?;
        f.write_all(md.as_bytes())
            .and_then(|()| f.write_all(b"\n"))
            .map_err(|e| e.to_string())
    };
    if let Err(e) = append() {
        eprintln!(
            "warning: GITHUB_STEP_SUMMARY {}: could not append the summary: {e}",
            path.display()
        );
    }
}

impl RunArgs {
    /// The reports' language: `--lang`, else Chinese.
    fn report_lang(&self) -> Lang {
        self.lang.unwrap_or(Lang::Zh)
    }

    /// The language of the lines printed: `--lang` when given, else the console's locale.
    fn console_lang(&self) -> Lang {
        self.lang
            .unwrap_or_else(|| crate::report::console::console_lang(|k| std::env::var(k).ok()))
    }

    /// The session file with `--operator` and `--reviewer` applied; `None` when neither a
    /// file nor a flag says anything.
    fn session_record(&self) -> Result<Option<crate::lab::Session>> {
        let mut session = match &self.session {
            Some(path) => Some(crate::lab::load_session(path)?),
            None if self.operator.is_some() || self.reviewer.is_some() => {
                Some(crate::lab::Session {
                    schema: crate::lab::SESSION_SCHEMA.into(),
                    ..Default::default()
                })
            }
            None => None,
        };
        if let Some(s) = &mut session {
            if let Some(o) = &self.operator {
                s.operator = Some(o.clone());
            }
            if let Some(r) = &self.reviewer {
                s.reviewer = Some(r.clone());
            }
        }
        Ok(session)
    }
}

/// A finished run is evidence: overwriting it takes `--force`. Checked before the device is
/// touched, so the refusal costs nothing and destroys nothing.
fn refuse_finished_run(out: &Path, force: bool) -> Result<()> {
    let results = out.join("results.json");
    if force || !results.exists() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "--out {}: holds a finished run ({}); pass --force to replace it, or choose another --out",
        out.display(),
        results.display()
    )))
}

/// Without `--out`, a default folder that holds a finished run is kept and the run goes to the
/// first free `NAME-2`, `NAME-3`, …: rerunning README's command never destroys nor refuses.
fn fresh_out_dir(default: &Path) -> PathBuf {
    if !default.join("results.json").exists() {
        return default.to_path_buf();
    }
    let name = default
        .file_name()
        .map_or("run".into(), |s| s.to_string_lossy().into_owned());
    (2..10_000)
        .map(|n| default.with_file_name(format!("{name}-{n}")))
        .find(|dir| !dir.join("results.json").exists())
        .unwrap_or_else(|| default.to_path_buf())
}

pub(super) fn default_out_dir(device: &Path) -> PathBuf {
    let device = device
        .to_str()
        .and_then(|s| s.strip_prefix("sim:"))
        .map_or(device, Path::new);
    let stem = device
        .file_stem()
        .map_or("run".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("reports").join(stem)
}

pub(super) fn exit_code_for(results: &Results, fw: &Framework, required: Option<&str>) -> ExitCode {
    if results.run.aborted {
        return ExitCode::Device;
    }
    if results.run.interrupted.is_some() {
        return ExitCode::Incomplete;
    }
    match required {
        Some(req)
            if crate::grade::rank(fw, results.grade.level.as_deref())
                < crate::grade::rank(fw, Some(req)) =>
        {
            if crate::grade::gate_undecided(fw, &results.grade, req) {
                ExitCode::Incomplete
            } else {
                ExitCode::BelowRequired
            }
        }
        Some(_) => ExitCode::Ok,
        None if results.grade.incomplete.is_some() => ExitCode::Incomplete,
        None => ExitCode::Ok,
    }
}

pub(super) fn print_summary(
    results: &Results,
    out: &Path,
    written: &[Format],
    lang: Lang,
    w: &mut dyn Write,
) {
    print_summary_from(results, out, written, lang, w, &mut HeldTrials)
        .expect("held trials never fail");
}

/// [`print_summary`], with the trials it reads (the blocking cases') from `trials`.
pub(super) fn print_summary_from(
    results: &Results,
    out: &Path,
    written: &[Format],
    lang: Lang,
    w: &mut dyn Write,
    trials: &mut dyn TrialSource,
) -> Result<()> {
    let lines = crate::report::console::summary_from(results, out, lang, written, trials)
        .map_err(|e| Error::Internal(crate::error::chain(&e)))?;
    for l in lines {
        let _ = writeln!(w, "{l}");
    }
    Ok(())
}
