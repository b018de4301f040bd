//! `ailevel run`: run the suite against a device, grade it, write results and reports.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::Context;
use super::shared::{connect, load_inputs, write_file, write_outputs};
use super::values::Named;
use crate::error::{Error, ExitCode, Result};
use crate::report::{Format, Lang};
use crate::results::Results;
use crate::run::{ProfileMeta, RunOptions, journal::Journal};
use crate::suite::Framework;
use crate::suite::phrasing::Phrasing;

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Device profile (TOML).
    #[arg(long)]
    pub device: PathBuf,
    /// Suite directory (holds framework.yaml, actions.yaml and the case files).
    #[arg(long, default_value = "suites")]
    pub suite: PathBuf,
    /// Use this framework instead of the suite's framework.yaml.
    #[arg(long)]
    pub framework: Option<PathBuf>,
    /// Output directory [default: reports/<profile name>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Trials per case, overriding the cases and the framework.
    #[arg(long)]
    pub trials: Option<u32>,
    /// Seed for everything random in the run; recorded in results.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Exit 1 when the device's level is below this one (e.g. L2).
    #[arg(long)]
    pub require_level: Option<String>,
    /// Trials run at once [default: the profile's `concurrency`, else 1].
    #[arg(long)]
    pub concurrency: Option<u32>,
    /// Per-call timeout in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    pub turn_timeout_ms: u64,
    /// Locale sent to the device; `en` uses the cases' English variants.
    #[arg(long, default_value = "zh-CN")]
    pub locale: String,
    /// Report language: zh-CN or en.
    #[arg(long, default_value = "zh-CN", value_parser = Named::<Lang>::new(), hide_possible_values = true)]
    pub lang: Lang,
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
    #[arg(long, default_value = "canonical", value_parser = Named::<Phrasing>::new(), hide_possible_values = true)]
    pub phrasing: Phrasing,
    /// Private variant pool (a directory of `ailevel.variants/1` files, or one file): more
    /// phrasings of the suite's turns, drawn with the suite's. Its hash is recorded.
    #[arg(long, value_name = "DIR")]
    pub variants: Option<PathBuf>,
    /// Issue a certificate: refused (exit 6, results and reports still written) without a
    /// lab file, on an identity mismatch or an incomplete run.
    #[arg(long)]
    pub certify: bool,
}

impl RunArgs {
    /// Run, write `results.json`, `trials.jsonl`, `report.html`, `junit.xml` and `summary.md`,
    /// print the level; returns the exit code the process should end with.
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<ExitCode> {
        let (suite, profile, profile_sha) =
            load_inputs(&self.suite, self.framework.as_deref(), &self.device)?;
        if let Some(req) = &self.require_level
            && crate::grade::rank(&suite.framework, Some(req)) == 0
        {
            return Err(Error::Usage(format!(
                "--require-level {req}: no such level in the framework"
            )));
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
        let variants = match &self.variants {
            Some(path) => Some(Arc::new(crate::suite::load_variants(path, &suite)?)),
            None => None,
        };
        let out = self
            .out
            .clone()
            .unwrap_or_else(|| default_out_dir(&self.device));
        std::fs::create_dir_all(&out).map_err(|source| Error::Write {
            path: out.clone(),
            source,
        })?;
        let journal_path = out.join("trials.jsonl");
        let journal = Journal::create(&journal_path).map_err(|source| Error::Write {
            path: journal_path,
            source,
        })?;
        let judge = match &self.judge {
            Some(path) => Some(Arc::new(
                crate::run::judge::Judge::new(crate::run::judge::load_profile(path)?)
                    .map_err(|e| Error::invalid(path, e))?,
            )),
            None => None,
        };
        let secret = match &self.secret {
            Some(hex) => crate::run::blind::Secret::from_hex(hex)
                .map_err(|e| Error::Usage(format!("--secret: {e}")))?,
            None => crate::run::blind::Secret::random().map_err(Error::Internal)?,
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
            retries: self.retries,
            retry_backoff: Duration::from_millis(self.retry_backoff_ms),
            run_retries: self.run_retries,
            case_timeout: self.case_timeout_ms.map(Duration::from_millis),
            phrasing: self.phrasing,
            variants,
        };
        let adapter = connect(&profile, &self.device, &suite, self.seed, opts.turn_timeout)?;
        let meta = ProfileMeta {
            path: self.device.display().to_string(),
            sha256: profile_sha,
        };
        let results = ctx.runtime.get()?.block_on(crate::run::run(
            &suite,
            &profile,
            meta,
            adapter,
            opts,
            Some(journal),
        ))?;
        let mut results = results;
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
        write_file(
            &out.join("results.json"),
            results.to_canonical_json().as_bytes(),
        )?;
        write_outputs(&results, &out, self.lang, &Format::ALL)?;
        print_summary(&results, &out, ctx.stdout);
        if !refused.is_empty() {
            let mut text = String::from("  certificate refused:\n");
            for why in &refused {
                text.push_str(&format!("    - {why}\n"));
            }
            let _ = ctx.stdout.write_all(text.as_bytes());
            return Ok(ExitCode::CertificateRefused);
        }
        if let Some(c) = &results.certification.certificate {
            let _ = writeln!(ctx.stdout, "  certificate {} issued {}", c.id, c.issued);
        }
        Ok(exit_code_for(
            &results,
            &suite.framework,
            self.require_level.as_deref(),
        ))
    }
}

impl RunArgs {
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

fn default_out_dir(device: &Path) -> PathBuf {
    let stem = device
        .file_stem()
        .map_or("run".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("reports").join(stem)
}

fn exit_code_for(results: &Results, fw: &Framework, required: Option<&str>) -> ExitCode {
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

fn print_summary(results: &Results, out: &Path, w: &mut dyn Write) {
    let lang = crate::report::console::console_lang(|k| std::env::var(k).ok());
    for l in crate::report::console::summary(results, out, lang) {
        let _ = writeln!(w, "{l}");
    }
}
