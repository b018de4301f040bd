//! Runs carried on from their journal: `run --resume DIR` continues one, and `regrade`,
//! `report` (and anything that reads a run) accept a directory holding only a journal, whose
//! results are built from it (docs/reports.md, "The journal").

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::shared::{apply_selection, device_path, load_suite};
use crate::error::{Error, Result};
use crate::results::{Interrupted, Results};
use crate::run::journal::{self, Header};
use crate::run::{ProfileMeta, RunOptions, Timing, plan};

/// A results file, or a run directory: its results.json, else the results its trials.jsonl
/// gives. A `trials.jsonl` may be named directly too.
pub(super) fn read_run(path: &Path) -> Result<Results> {
    if path.is_dir() {
        let results = path.join("results.json");
        if results.exists() {
            return crate::results::read(&results);
        }
        let journal = path.join("trials.jsonl");
        if journal.exists() {
            return from_journal(&journal);
        }
        return Err(Error::invalid(
            path,
            "holds neither results.json nor trials.jsonl: not a run directory",
        ));
    }
    if path.file_name().is_some_and(|n| n == "trials.jsonl") {
        return from_journal(path);
    }
    crate::results::read(path)
}

/// Results from a journal alone: the suite, framework, profile and variant pool the header
/// names are loaded again — each must still have the hash it had — the trials planned as the
/// run planned them, and graded. Trials the journal lacks leave the results marked
/// interrupted; their cases are inconclusive.
pub fn from_journal(path: &Path) -> Result<Results> {
    let read = journal::read(path)?;
    let header = read.header.ok_or_else(|| {
        Error::invalid(
            path,
            "its header line is incomplete: the run ended before recording any trial",
        )
    })?;
    let inputs = Inputs::load(path, &header, None)?;
    let Inputs {
        suite,
        profile,
        opts,
        ..
    } = inputs;
    let planned = plan::plan(
        &suite,
        &profile,
        opts.trials_override,
        header.judge.is_some(),
    );
    let total: u64 = planned
        .iter()
        .filter(|p| p.applicable.is_ok())
        .map(|p| u64::from(p.trials))
        .sum();
    let position: std::collections::BTreeMap<&str, usize> = planned
        .iter()
        .enumerate()
        .map(|(i, p)| (p.loaded.case.id.as_str(), i))
        .collect();
    let mut trials = vec![Vec::new(); planned.len()];
    for t in read.trials {
        if let Some(&ci) = position.get(t.case.as_str()) {
            let pc = &planned[ci];
            if pc.applicable.is_ok() && t.index < pc.trials {
                trials[ci].push(t);
            }
        }
    }
    // A case `ailevel retry` reran: its latest round's trials are its own, the rounds before
    // are kept as earlier ones (graded below with the rest).
    let mut earlier: Vec<Vec<crate::results::EarlierRound>> = vec![Vec::new(); planned.len()];
    for (ci, ts) in trials.iter_mut().enumerate() {
        let latest = ts.iter().map(|t| t.round).max().unwrap_or(0);
        if latest == 0 {
            continue;
        }
        let mut rounds: std::collections::BTreeMap<u32, Vec<crate::results::TrialRecord>> =
            Default::default();
        for t in std::mem::take(ts) {
            rounds.entry(t.round).or_default().push(t);
        }
        *ts = rounds.remove(&latest).unwrap_or_default();
        earlier[ci] = rounds
            .into_iter()
            .map(|(round, trials)| crate::results::EarlierRound {
                round,
                verdict: crate::results::Verdict::Inconclusive,
                reason: String::new(),
                message: None,
                passed: 0,
                failed: 0,
                errored: 0,
                trials,
            })
            .collect();
    }
    let ran: u64 = trials.iter().map(|t| t.len() as u64).sum();
    let meta = ProfileMeta {
        path: header.device.profile.clone(),
        sha256: header.device.profile_sha256.clone(),
    };
    let timing = Timing {
        started_at: header.started_at.clone(),
        finished_at: header.started_at.clone(),
        duration_ms: 0,
    };
    let mut results = crate::run::assemble(
        &suite,
        &profile,
        meta,
        header.device.info.clone(),
        &opts,
        planned,
        trials,
        timing,
    );
    for (case, e) in results.cases.iter_mut().zip(earlier) {
        case.earlier = e;
    }
    results.run.secret = header.secret.hex.clone();
    results.run.selection = header.settings.selection.clone();
    results.run.interrupted = (ran < total).then_some(Interrupted {
        signal: None,
        trials_run: ran,
        trials_planned: total,
    });
    crate::grade::derive(&suite.framework, &mut results);
    Ok(results)
}

pub(super) struct Inputs {
    pub suite: crate::suite::LoadedSuite,
    pub profile: crate::device::Profile,
    pub opts: RunOptions,
    /// SHA-256 of the profile loaded.
    pub profile_sha: String,
}

impl Inputs {
    /// The journal's inputs loaded again from where it says they were, each checked against
    /// its recorded hash. `device` replaces the journal's profile (`retry --device`): its hash
    /// is then not compared; the caller checks it describes the same device.
    pub(super) fn load(journal: &Path, h: &Header, device: Option<&Path>) -> Result<Inputs> {
        let changed = |what: &str, given: &str, now: &str, then: &str| {
            Error::invalid(
                journal,
                format!(
                    "its {what} {given} has changed since the run (SHA-256 {now} now, {then} in \
                     the journal), so its trials cannot be graded with it"
                ),
            )
        };
        let suite_dir = h.suite.path.clone().unwrap_or_else(|| "suites".into());
        let fw_path = h.framework.path.as_deref().map(Path::new);
        let mut suite = load_suite(Path::new(&suite_dir), fw_path)?;
        if suite.sha256 != h.suite.sha256 {
            return Err(changed("suite", &suite_dir, &suite.sha256, &h.suite.sha256));
        }
        if suite.framework_sha256 != h.framework.sha256 {
            let given = h.framework.path.as_deref().unwrap_or("framework.yaml");
            return Err(changed(
                "framework",
                given,
                &suite.framework_sha256,
                &h.framework.sha256,
            ));
        }
        let given = device;
        let device = given.unwrap_or(Path::new(&h.device.profile));
        let (profile, sha) = crate::device::load_profile(&device_path(device)?, &suite.framework)?;
        if given.is_none() && sha != h.device.profile_sha256 {
            return Err(changed(
                "profile",
                &h.device.profile,
                &sha,
                &h.device.profile_sha256,
            ));
        }
        if let Some(sel) = &h.settings.selection {
            apply_selection(&mut suite, sel.clone())?;
        }
        let variants = match &h.variants {
            Some(v) => {
                let given = v.path.clone().unwrap_or_default();
                let pool = crate::suite::load_variants(Path::new(&given), &suite)?;
                if pool.sha256 != v.sha256 {
                    return Err(changed("variant pool", &given, &pool.sha256, &v.sha256));
                }
                Some(Arc::new(pool))
            }
            None => None,
        };
        let s = &h.settings;
        // Only for assembling results: nothing here is sent to a device.
        let secret = match &h.secret.hex {
            Some(hex) => crate::run::blind::Secret::from_hex(hex)
                .map_err(|e| Error::invalid(journal, format!("secret: {e}")))?,
            None => crate::run::blind::Secret::random().map_err(Error::Internal)?,
        };
        let opts = RunOptions {
            seed: h.seed,
            trials_override: s.trials_override,
            concurrency: s.concurrency,
            turn_timeout: Duration::from_millis(s.turn_timeout_ms),
            locale: s.locale.clone(),
            quiet: true,
            // Quiet: no progress lines to word.
            console_lang: crate::msg::Lang::En,
            judge: None,
            retries: s.retries,
            retry_backoff: Duration::from_millis(s.retry_backoff_ms),
            run_retries: s.run_retries,
            case_timeout: s.case_timeout_ms.map(Duration::from_millis),
            secret,
            device_seeds: s.device_seeds,
            phrasing: s.phrasing,
            variants,
        };
        Ok(Inputs {
            suite,
            profile,
            opts,
            profile_sha: sha,
        })
    }
}

/// What `run --resume DIR` starts from.
pub(super) struct Resumed {
    /// The journal's header and trials; None when there is no journal (or only a torn
    /// header): nothing ran, and the run starts afresh in DIR.
    pub journal: Option<(Header, journal::Read)>,
}

/// Read DIR's journal for a resume. A finished run (a results.json not marked interrupted)
/// is refused: there is nothing to continue.
pub(super) fn prepare(dir: &Path) -> Result<Resumed> {
    let results = dir.join("results.json");
    if results.exists() {
        let r = crate::results::read(&results)?;
        if r.run.interrupted.is_none() {
            return Err(Error::Usage(format!(
                "--resume {}: the run there is finished ({}); nothing to continue",
                dir.display(),
                results.display()
            )));
        }
    }
    let path = dir.join("trials.jsonl");
    if !path.exists() {
        return Ok(Resumed { journal: None });
    }
    let read = journal::read(&path)?;
    if read.trials.iter().any(|t| t.round > 0) {
        return Err(Error::Usage(format!(
            "--resume {}: the run there was retried (`ailevel retry`); rerun its inconclusive \
             cases with `ailevel retry {} --only inconclusive`",
            dir.display(),
            dir.display()
        )));
    }
    Ok(Resumed {
        journal: read.header.clone().map(|h| (h, read)),
    })
}

/// The secret a resumed run must use: the journal's when pinned (then `--secret` must give
/// it again), else the one kept in DIR/secret, or `--secret` when it is that one.
pub(super) fn secret(
    dir: &Path,
    header: &Header,
    given: Option<&str>,
) -> Result<crate::run::blind::Secret> {
    let matches = |s: &crate::run::blind::Secret| {
        crate::hash::sha256_hex(&hex::decode(s.to_hex()).unwrap_or_default())
            == header.secret.sha256
    };
    if let Some(hex) = given {
        let s = crate::run::blind::Secret::from_hex(hex)
            .map_err(|e| Error::Usage(format!("--secret: {e}")))?;
        if !matches(&s) {
            return Err(Error::Usage(format!(
                "--resume {}: --secret is not the secret the run began with (its SHA-256 is in \
                 the journal)",
                dir.display()
            )));
        }
        return Ok(s);
    }
    if header.secret.pinned {
        return Err(Error::Usage(format!(
            "--resume {}: the run began with a pinned --secret; give the same --secret again",
            dir.display()
        )));
    }
    let path = journal::secret_path(&dir.join("trials.jsonl"));
    let text = crate::files::read_text(&path, 1024)?;
    let s = crate::run::blind::Secret::from_hex(&text).map_err(|e| Error::invalid(&path, e))?;
    if !matches(&s) {
        return Err(Error::invalid(
            &path,
            "not the secret the run began with (its SHA-256 is in the journal)",
        ));
    }
    Ok(s)
}
