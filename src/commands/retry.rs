//! `ailevel retry DIR [--only failed,inconclusive] [--device PROFILE]`: rerun a run's failed
//! and inconclusive cases into the same run directory, as Android CTS's `run retry` does. The
//! new round's trials decide each rerun case; the rounds before stay in its `earlier` list and
//! in the journal, so every attempt is on record (docs/ci.md, "Retrying").

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;

use super::Context;
use super::shared::{connect, write_file, write_outputs};
use super::values::Named;
use crate::error::{Error, ExitCode, Result};
use crate::report::{Format, Lang};
use crate::results::{EarlierRound, Interrupted, Results, RetryRound, Verdict};
use crate::run::ProfileMeta;
use crate::run::journal::{self, Journal, Target};

#[derive(Debug, Clone, Args)]
pub struct RetryArgs {
    /// The run directory: its results.json (else its journal trials.jsonl) and trials.jsonl.
    pub dir: PathBuf,
    /// Which cases to rerun, comma-separated: `failed`, `inconclusive`.
    #[arg(long, value_delimiter = ',', default_value = "failed,inconclusive")]
    pub only: Vec<String>,
    /// Device profile to rerun on [default: the run's own, which must still have its hash].
    /// Another profile must describe the same device (vendor, model, category, firmware,
    /// fingerprint, serial, IMEI, declared level, features); only how it is reached may differ.
    #[arg(long)]
    pub device: Option<PathBuf>,
    /// As for `run`: on SIGINT or SIGTERM the trials under way get this long to finish; the
    /// run's results are then left as they were.
    #[arg(long, default_value_t = 5_000, value_name = "MS")]
    pub grace_ms: u64,
    /// Report language: zh-CN or en [default: zh-CN].
    #[arg(long, value_parser = Named::<Lang>::new(), hide_possible_values = true)]
    pub lang: Option<Lang>,
    /// Reports to write again besides results.json, as for `run`.
    #[arg(long, value_delimiter = ',', default_value = "html,junit,md", value_parser = Named::<Format>::new(), hide_possible_values = true)]
    pub format: Vec<Format>,
    /// No progress output.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `--only` as verdicts, in the order given; an unknown word is a usage error.
fn parse_only(words: &[String]) -> Result<Vec<Verdict>> {
    let mut only = Vec::new();
    for w in words {
        let v = match w.trim() {
            "failed" | "fail" => Verdict::Fail,
            "inconclusive" => Verdict::Inconclusive,
            other => {
                return Err(Error::Usage(format!(
                    "--only: `{other}` is not a verdict to retry; give failed, inconclusive or \
                     both (comma-separated)"
                )));
            }
        };
        if !only.contains(&v) {
            only.push(v);
        }
    }
    if only.is_empty() {
        return Err(Error::Usage(
            "--only: give failed, inconclusive or both".into(),
        ));
    }
    Ok(only)
}

impl RetryArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<ExitCode> {
        let only = parse_only(&self.only)?;
        let dir = &self.dir;
        let journal_path = dir.join("trials.jsonl");
        if !dir.is_dir() || !journal_path.exists() {
            return Err(Error::invalid(
                dir,
                "holds no journal (trials.jsonl): not a run directory, and a retry needs the \
                 inputs and settings the journal records",
            ));
        }
        let read = journal::read(&journal_path)?;
        let header = read.header.clone().ok_or_else(|| {
            Error::invalid(
                &journal_path,
                "its header line is incomplete: the run ended before recording any trial; \
                 run it again",
            )
        })?;
        let mut results = super::resume::read_run(dir)?;
        if results.suite.sha256 != header.suite.sha256
            || results.framework.sha256 != header.framework.sha256
            || results.run.seed != header.seed
        {
            return Err(Error::invalid(
                dir.join("results.json"),
                "is not the run its journal trials.jsonl records (suite, framework or seed \
                 differ)",
            ));
        }
        let fw = results.framework.definition.clone();
        let selected: Vec<String> = results
            .cases
            .iter()
            .filter(|c| only.contains(&c.verdict))
            .map(|c| c.id.clone())
            .collect();
        let what = only
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(" or ");
        if selected.is_empty() {
            let _ = writeln!(
                ctx.stdout,
                "nothing to retry: no case in {} is {what}; its results are unchanged",
                dir.display()
            );
            return Ok(super::run::exit_code_for(
                &results,
                &fw,
                results.run.required_level.as_deref(),
            ));
        }

        let inputs = super::resume::Inputs::load(&journal_path, &header, self.device.as_deref())?;
        let super::resume::Inputs {
            mut suite,
            profile,
            mut opts,
            profile_sha,
        } = inputs;
        if let Some(given) = &self.device {
            same_device(&results, &profile, given)?;
        }
        // The run's own secret, so session seeds are the run's: recorded in results.json once
        // it finished, else kept in DIR/secret.
        if let Some(hex) = &results.run.secret {
            opts.secret = crate::run::blind::Secret::from_hex(hex)
                .map_err(|e| Error::invalid(dir.join("results.json"), format!("secret: {e}")))?;
        } else if !header.secret.pinned && journal::secret_path(&journal_path).exists() {
            opts.secret = super::resume::secret(dir, &header, None)?;
        }
        let secret_hex = opts.secret.to_hex();
        opts.quiet = self.quiet;
        opts.console_lang = self.console_lang();
        let round = 1 + results
            .cases
            .iter()
            .flat_map(|c| c.earlier.iter().flat_map(|e| &e.trials).chain(&c.trials))
            .chain(&read.trials)
            .map(|t| t.round)
            .max()
            .unwrap_or(0);
        suite.cases.retain(|c| selected.contains(&c.case.id));

        let device = self
            .device
            .clone()
            .unwrap_or_else(|| PathBuf::from(&header.device.profile));
        let started_at = now();
        let journal = Journal::create(
            &journal_path,
            Target::Append {
                valid_len: read.valid_len,
            },
        )
        .map_err(|source| Error::Write {
            path: journal_path.clone(),
            source,
        })?
        .for_round(round);
        let adapter = connect(&profile, &device, &suite, header.seed, opts.turn_timeout)?;
        let meta = ProfileMeta {
            path: device.display().to_string(),
            sha256: profile_sha.clone(),
        };
        let cont = crate::run::Continue {
            prior: Vec::new(),
            signals: true,
            grace: Duration::from_millis(self.grace_ms),
            // The rerun cases' trials are merged into the run's results below, so they are held.
            stream: false,
        };
        let rerun = ctx
            .runtime
            .get()?
            .block_on(crate::run::run_with(
                &suite,
                &profile,
                meta,
                adapter,
                opts,
                Some(journal),
                cont,
            ))?
            .results;
        if let Some(i) = &rerun.run.interrupted {
            let _ = writeln!(
                ctx.stdout,
                "retry round {round} interrupted after {} of {} trials: {} is unchanged (the \
                 trials that ran are in its journal); run `ailevel retry {}` again",
                i.trials_run,
                i.trials_planned,
                dir.join("results.json").display(),
                dir.display()
            );
            return Ok(ExitCode::Incomplete);
        }

        let mut rerun_cases: std::collections::BTreeMap<String, crate::results::CaseResult> =
            rerun.cases.into_iter().map(|c| (c.id.clone(), c)).collect();
        let mut retried = Vec::new();
        for case in &mut results.cases {
            let Some(new) = rerun_cases.remove(&case.id) else {
                continue;
            };
            // A case that does not apply on this profile has no new round to replace the old.
            if new.trials_planned == 0 || !selected.contains(&case.id) {
                continue;
            }
            let was = case.trials.iter().map(|t| t.round).max().unwrap_or(0);
            case.earlier.push(EarlierRound {
                round: was,
                verdict: case.verdict,
                reason: case.reason.clone(),
                message: case.message.clone(),
                passed: case.passed,
                failed: case.failed,
                errored: case.errored,
                trials: std::mem::take(&mut case.trials),
            });
            case.trials = new.trials;
            for t in &mut case.trials {
                t.round = round;
            }
            case.trials_planned = new.trials_planned;
            retried.push(case.id.clone());
        }
        results.run.retry_rounds.push(RetryRound {
            round,
            only: only.clone(),
            profile: device.display().to_string(),
            profile_sha256: profile_sha,
            started_at,
            finished_at: now(),
            cases: retried.clone(),
        });
        // The latest round decides whether the device failed so badly trials could not run.
        results.run.aborted = rerun.run.aborted;
        results.run.abort_reason = rerun.run.abort_reason;
        results.run.abort_message = rerun.run.abort_message;
        if results.run.interrupted.is_some() {
            let ran: u64 = results.cases.iter().map(|c| c.trials.len() as u64).sum();
            let planned: u64 = results
                .cases
                .iter()
                .map(|c| u64::from(c.trials_planned))
                .sum();
            results.run.interrupted = (ran < planned).then(|| Interrupted {
                signal: results
                    .run
                    .interrupted
                    .as_ref()
                    .and_then(|i| i.signal.clone()),
                trials_run: ran,
                trials_planned: planned,
            });
        }
        let complete = results.run.interrupted.is_none();
        if complete && results.run.secret.is_none() {
            results.run.secret = Some(secret_hex);
        }
        // A certificate vouches for the results it was issued on, not for these.
        results.certification.certificate = None;
        crate::grade::derive(&fw, &mut results);

        let before: std::collections::BTreeMap<&str, Verdict> = results
            .cases
            .iter()
            .filter_map(|c| c.earlier.last().map(|e| (c.id.as_str(), e.verdict)))
            .collect();
        write_file(
            &dir.join("results.json"),
            results.to_canonical_json().as_bytes(),
        )?;
        if complete {
            let _ = std::fs::remove_file(journal::secret_path(&journal_path));
        }
        write_outputs(&results, dir, self.report_lang(), &self.format)?;

        let lang = self.console_lang();
        let _ = writeln!(
            ctx.stdout,
            "retry round {round}: {} {what} case(s) rerun on {}",
            retried.len(),
            device.display()
        );
        for c in results.cases.iter().filter(|c| retried.contains(&c.id)) {
            let was = before.get(c.id.as_str()).copied().unwrap_or(c.verdict);
            let _ = writeln!(
                ctx.stdout,
                "  {}: {} -> {}",
                c.id,
                was.as_str(),
                c.verdict.as_str()
            );
        }
        super::run::print_summary(&results, dir, &self.format, lang, ctx.stdout);
        Ok(super::run::exit_code_for(
            &results,
            &fw,
            results.run.required_level.as_deref(),
        ))
    }

    fn report_lang(&self) -> Lang {
        self.lang.unwrap_or(Lang::Zh)
    }

    fn console_lang(&self) -> Lang {
        self.lang
            .unwrap_or_else(|| crate::report::console::console_lang(|k| std::env::var(k).ok()))
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// `--device` must describe the device the run tested: every field of the conformance
/// statement as recorded, so a retry cannot swap in another product; only `[adapter]` (how
/// the device is reached) may differ.
fn same_device(results: &Results, p: &crate::device::Profile, given: &Path) -> Result<()> {
    let d = &results.device;
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
    let pairs = [
        ("vendor", d.vendor.clone(), p.vendor.clone()),
        ("model", d.model.clone(), p.model.clone()),
        ("category", d.category.clone(), p.category.clone()),
        ("firmware", d.firmware.clone(), p.firmware.clone()),
        (
            "build_fingerprint",
            text(&d.build_fingerprint),
            text(&p.build_fingerprint),
        ),
        ("serial", text(&d.serial), text(&p.serial)),
        ("imei", text(&d.imei), text(&p.imei)),
        (
            "declared_level",
            text(&d.declared_level),
            text(&p.declared_level),
        ),
        ("features", d.features.join(", "), p.features.join(", ")),
    ];
    let diffs: Vec<String> = pairs
        .iter()
        .filter(|(_, a, b)| a != b)
        .map(|(what, a, b)| format!("{what}: the run has {a}, this profile has {b}"))
        .collect();
    if diffs.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "--device {}: not the device the run tested, so it cannot be retried on it:\n  {}",
        given.display(),
        diffs.join("\n  ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_takes_the_two_verdicts_and_refuses_other_words() {
        let words = |s: &str| s.split(',').map(String::from).collect::<Vec<_>>();
        assert_eq!(
            parse_only(&words("inconclusive,failed,failed")).unwrap(),
            [Verdict::Inconclusive, Verdict::Fail]
        );
        let err = parse_only(&words("failed,passed")).unwrap_err().to_string();
        assert!(err.contains("`passed` is not a verdict to retry"), "{err}");
        assert_eq!(
            parse_only(&words("passed")).unwrap_err().exit_code(),
            ExitCode::Invalid
        );
    }
}
