//! The runner: every applicable case × trials against one device, each trial in a fresh
//! session, with a per-device concurrency limit and per-call timeouts. Trials whose cases
//! change device-wide state (setup ops, end-side network switch) run alone between resets.

pub mod blind;
pub mod calls;
pub mod journal;
pub mod judge;
pub mod plan;
pub mod progress;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::device::protocol::Control;
use crate::device::{Adapter, DeviceError, Profile, SessionId, SessionRequest};
use crate::hash::sha256_hex;
use crate::results::{
    Attempt, CaseResult, DeviceRef, DeviceSeeds, FrameworkRef, Harness, Results, RunInfo, SuiteRef,
    TrialOutcome, TrialRecord, TurnRecord, Verdict,
};
use crate::suite::model::{Case, CaseTurn, Check, Phrasings};
use crate::suite::phrasing::{Phrasing, PhrasingPool, PhrasingUse};
use crate::suite::{LoadedSuite, VariantPool};
use calls::{Budget, Calls, Kind, round_ms};
use journal::Journal;
use plan::{PlannedCase, input_for};
use progress::Progress;

/// After this many consecutive trials end with the device unreachable, the run stops
/// trying: the remaining trials are recorded as errors and the run is marked aborted.
const MAX_CONSECUTIVE_FATAL: u32 = 3;

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub seed: u64,
    pub trials_override: Option<u32>,
    pub concurrency: u32,
    pub turn_timeout: Duration,
    pub locale: String,
    pub quiet: bool,
    /// The language of the progress lines.
    pub console_lang: crate::msg::Lang,
    /// Grades `judge` checks; without it, cases that have them are not applicable.
    pub judge: Option<Arc<judge::Judge>>,
    /// Retries one trial may spend, in place and restarts together (0: never retry).
    pub retries: u32,
    /// Wait before the first retry; doubled for each further one, with seeded jitter.
    pub retry_backoff: Duration,
    /// Retries the whole run may spend [default: 4 per planned trial].
    pub run_retries: Option<u64>,
    /// Bound on one trial, all its attempts included.
    pub case_timeout: Option<Duration>,
    /// Keys the session seeds and the run order; see [`blind`].
    pub secret: blind::Secret,
    /// Which seed session requests carry: keyed with the secret, except for the in-process
    /// reference simulator.
    pub device_seeds: DeviceSeeds,
    /// Whether trials draw their phrasings or all send the canonical one.
    pub phrasing: Phrasing,
    /// A lab's private phrasings, drawn together with the suite's.
    pub variants: Option<Arc<VariantPool>>,
}

impl RunOptions {
    /// `ailevel run`'s defaults for `seed` and `secret`: canonical phrasings, one trial at a
    /// time, 30 s per call, zh-CN, 12 retries from 20 ms, the secret keying every device seed.
    /// Library callers change what they need with struct update syntax.
    pub fn new(seed: u64, secret: blind::Secret) -> Self {
        Self {
            seed,
            trials_override: None,
            concurrency: 1,
            turn_timeout: Duration::from_secs(30),
            locale: "zh-CN".into(),
            quiet: true,
            console_lang: crate::msg::Lang::En,
            judge: None,
            retries: 12,
            retry_backoff: Duration::from_millis(20),
            run_retries: None,
            case_timeout: None,
            secret,
            device_seeds: DeviceSeeds::Secret,
            phrasing: Phrasing::Canonical,
            variants: None,
        }
    }
}

/// The in-process reference simulator gets each trial's own seed, so its runs reproduce from
/// `--seed` alone; every device ailevel talks to gets seeds keyed with the secret.
pub fn device_seeds_for(profile: &Profile) -> DeviceSeeds {
    match profile.adapter {
        crate::device::AdapterConfig::Sim(_) => DeviceSeeds::Trial,
        _ => DeviceSeeds::Secret,
    }
}

/// Where the profile came from, for the results header.
pub struct ProfileMeta {
    pub path: String,
    pub sha256: String,
}

struct Shared {
    adapter: Arc<dyn Adapter>,
    opts: RunOptions,
    fatal_streak: AtomicU32,
    /// Set on SIGINT/SIGTERM: trials not yet started are not started.
    stopping: AtomicBool,
    calls: Calls,
    progress: Mutex<Progress>,
    journal: Option<Journal>,
    /// Checks' regexes, compiled once for the whole run.
    evaluator: crate::score::Evaluator,
    /// Fixture data by path, loaded and verified with the suite.
    fixtures: std::collections::BTreeMap<String, crate::results::FixtureData>,
}

/// Run the suite against the device and return graded results.
pub async fn run(
    suite: &LoadedSuite,
    profile: &Profile,
    meta: ProfileMeta,
    adapter: Arc<dyn Adapter>,
    opts: RunOptions,
    journal: Option<Journal>,
) -> Result<Results, crate::Error> {
    let ran = run_with(
        suite,
        profile,
        meta,
        adapter,
        opts,
        journal,
        Continue::default(),
    )
    .await?;
    Ok(ran.results)
}

/// What [`run_with`] ends with.
pub struct Ran {
    /// Graded. A streamed run's cases hold no trials: those are in its journal.
    pub results: Results,
    pub streamed: Option<Streamed>,
}

/// What a streamed run keeps of its trials, besides the journal they are in.
pub struct Streamed {
    /// One per case of the results, in order: what grading needs of its trials
    /// (`grade::derive_tallied`).
    pub tallies: Vec<crate::grade::Tally>,
    /// Scores the trials as they are read back (`journal::Stored`).
    pub evaluator: crate::score::Evaluator,
}

/// The trials that finished: held per case, or — streamed — scored, folded into their
/// case's tally and dropped (the journal has them).
struct Kept {
    streamed: Option<(Vec<crate::grade::Tally>, crate::score::Evaluator)>,
    trials: Vec<Vec<TrialRecord>>,
    /// Private-pool phrasings the kept trials sent: results record it, and a streamed run
    /// no longer has the trials to count them from.
    private_drawn: usize,
}

impl Kept {
    /// A trial an earlier process recorded (a resumed run's): scored again, as
    /// [`crate::grade::derive`] scores it, before it is kept.
    fn keep_prior(&mut self, planned: &[PlannedCase], ci: usize, mut rec: TrialRecord) {
        if let Some((_, ev)) = &self.streamed {
            crate::grade::rescore_trial(ev, &planned[ci].loaded.case.turns, &mut rec);
        }
        self.keep(ci, rec);
    }

    /// A trial: one [`run_trial`] scored with the run's evaluator, or one scored again by
    /// [`Kept::keep_prior`].
    fn keep(&mut self, ci: usize, rec: TrialRecord) {
        self.private_drawn += rec
            .phrasings
            .iter()
            .filter(|p| p.pool == PhrasingPool::Private)
            .count();
        match &mut self.streamed {
            Some((tallies, _)) => tallies[ci].add(&rec),
            None => self.trials[ci].push(rec),
        }
    }

    fn count(&self) -> u64 {
        match &self.streamed {
            Some((tallies, _)) => tallies.iter().map(|t| u64::from(t.trials)).sum(),
            None => self.trials.iter().map(|t| t.len() as u64).sum(),
        }
    }
}

/// What a run continues and how it may be stopped.
#[derive(Default)]
pub struct Continue {
    /// Trials a resumed run already has (from its journal), by case and index: not run again.
    pub prior: Vec<TrialRecord>,
    /// On SIGINT or SIGTERM start no further trial, give the trials under way `grace` to
    /// finish (then cancel them: they are not recorded, and run again on resume), and return
    /// results marked interrupted.
    pub signals: bool,
    pub grace: Duration,
    /// Keep the trials only in the journal (when there is one), each folded into its case's
    /// tally as it finishes, so memory does not grow with the run: see [`Ran::streamed`].
    pub stream: bool,
}

/// [`run`], continuing `cont.prior` and stopping on a signal when `cont.signals`.
pub async fn run_with(
    suite: &LoadedSuite,
    profile: &Profile,
    meta: ProfileMeta,
    adapter: Arc<dyn Adapter>,
    opts: RunOptions,
    journal: Option<Journal>,
    cont: Continue,
) -> Result<Ran, crate::Error> {
    let started = chrono::Utc::now();
    let clock = Instant::now();
    let planned = Arc::new(plan::plan(
        suite,
        profile,
        opts.trials_override,
        opts.judge.is_some(),
    ));
    let total: u64 = planned
        .iter()
        .filter(|p| p.applicable.is_ok())
        .map(|p| u64::from(p.trials))
        .sum();
    // The trials the journal already has go straight to the results, each once.
    let mut prior: std::collections::BTreeMap<(String, u32), TrialRecord> = cont
        .prior
        .into_iter()
        .map(|t| ((t.case.clone(), t.index), t))
        .collect();
    let evaluator = crate::score::Evaluator::new(
        planned
            .iter()
            .flat_map(|p| {
                crate::suite::params::all_checks(&p.loaded.case.turns, &p.loaded.case.params)
            })
            .collect::<Vec<_>>()
            .iter(),
    );
    let mut kept = Kept {
        streamed: (cont.stream && journal.is_some())
            .then(|| (vec![Default::default(); planned.len()], evaluator.clone())),
        trials: vec![Vec::new(); planned.len()],
        private_drawn: 0,
    };
    let mut todo = [Vec::new(), Vec::new()];
    for exclusive in [false, true] {
        for (ci, index) in run_order(&planned, &opts, exclusive) {
            match prior.remove(&(planned[ci].loaded.case.id.clone(), index)) {
                Some(t) => kept.keep_prior(&planned, ci, t),
                None => todo[usize::from(exclusive)].push((ci, index)),
            }
        }
    }
    drop(prior);
    let [todo_shared, todo_exclusive] = todo;
    let remaining = (todo_shared.len() + todo_exclusive.len()) as u64;
    let budget = Budget {
        retries: opts.retries,
        retry_backoff: opts.retry_backoff,
        seed: opts.seed,
        turn_timeout: opts.turn_timeout,
        run_retries: opts.run_retries,
    };
    let calls = Calls::new(&budget, total);
    // Before the run: not recorded in any trial, but retried as any safe call.
    let mut before = Vec::new();
    let info = calls
        .retrying(0, "info", &mut before, || adapter.info())
        .await
        .map_err(|e| crate::Error::Device(format!("`info` failed: {e}")))?;
    if let Some(j) = &journal {
        j.device_info(&info);
    }
    // Start from factory state; a device without `reset` is still usable for cases without setup.
    before.clear();
    match calls
        .retrying(0, "reset", &mut before, || adapter.control(&Control::Reset))
        .await
    {
        Ok(()) | Err(DeviceError::Unsupported { .. }) => {}
        Err(e) => return Err(crate::Error::Device(format!("`reset` failed: {e}"))),
    }
    let shared = Arc::new(Shared {
        adapter,
        progress: Mutex::new(Progress::new(remaining, opts.quiet, opts.console_lang)),
        opts: opts.clone(),
        fatal_streak: AtomicU32::new(0),
        stopping: AtomicBool::new(false),
        calls,
        journal,
        evaluator,
        fixtures: suite.fixtures.clone(),
    });
    let mut stop: std::pin::Pin<Box<dyn std::future::Future<Output = &'static str> + Send>> =
        if cont.signals {
            Box::pin(shutdown_signal())
        } else {
            Box::pin(std::future::pending())
        };
    let mut interrupted: Option<&'static str> = None;

    // Shared trials first, concurrently; then the exclusive ones, one at a time. Each group
    // in an order shuffled with the secret, so the position of a session says nothing.
    // At most `concurrency` trials are under way, each started as another ends, in this
    // order: a task made up front for every trial held its case's copy for the whole run.
    let limit = opts.concurrency.max(1) as usize;
    let mut todo_shared = todo_shared.into_iter();
    let mut tasks = tokio::task::JoinSet::new();
    let mut keep = |joined: Option<Result<(usize, TrialRecord), _>>| match joined {
        Some(Ok((ci, rec))) => {
            kept.keep(ci, rec);
            true
        }
        Some(_) => true,
        None => false,
    };
    loop {
        while tasks.len() < limit {
            let Some((ci, index)) = todo_shared.next() else {
                break;
            };
            let (shared, planned) = (shared.clone(), planned.clone());
            tasks.spawn(async move { (ci, run_trial(&shared, &planned[ci], index).await) });
        }
        tokio::select! {
            joined = tasks.join_next() => if !keep(joined) { break },
            sig = &mut stop, if interrupted.is_none() => {
                interrupted = Some(sig);
                shared.stopping.store(true, Ordering::SeqCst);
                let until = tokio::time::Instant::now() + cont.grace;
                // Ends when every task is done, or at the grace's end, when the rest are
                // cancelled (and a cancelled task ends at once).
                while let Ok(joined) = tokio::time::timeout_at(until, tasks.join_next()).await {
                    if !keep(joined) {
                        break;
                    }
                }
                tasks.abort_all();
                while keep(tasks.join_next().await) {}
                break;
            }
        }
    }
    for (ci, index) in todo_exclusive {
        if interrupted.is_some() {
            break;
        }
        let trial = run_trial(&shared, &planned[ci], index);
        tokio::pin!(trial);
        tokio::select! {
            rec = &mut trial => kept.keep(ci, rec),
            sig = &mut stop => {
                interrupted = Some(sig);
                if let Ok(rec) = tokio::time::timeout(cont.grace, &mut trial).await {
                    kept.keep(ci, rec);
                }
            }
        }
    }
    let aborted = shared.fatal_streak.load(Ordering::SeqCst) >= MAX_CONSECUTIVE_FATAL;
    let shared = Arc::into_inner(shared)
        .ok_or_else(|| crate::Error::Device("runner tasks still alive".into()))?;
    shared.progress.into_inner().finish();
    if let Some(j) = shared.journal {
        j.finish()?;
    }
    let interrupted = interrupted.map(|sig| crate::results::Interrupted {
        signal: Some(sig.to_string()),
        trials_run: kept.count(),
        trials_planned: total,
    });
    let abort_message =
        aborted.then(|| crate::msg::ABORTED_UNREACHABLE.with("n", MAX_CONSECUTIVE_FATAL));
    let finished = chrono::Utc::now();
    let timing = Timing {
        started_at: started.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        finished_at: finished.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        duration_ms: clock.elapsed().as_millis() as u64,
    };
    let mut results = assemble(
        suite,
        profile,
        meta,
        Some(info),
        &opts,
        Arc::try_unwrap(planned).unwrap_or_else(|shared| (*shared).clone()),
        kept.trials,
        timing,
    );
    results.run.aborted = aborted;
    results.run.abort_reason = abort_message.as_ref().map(crate::msg::Message::en);
    results.run.abort_message = abort_message;
    results.run.interrupted = interrupted;
    if let Some(v) = &mut results.run.variants {
        v.drawn = kept.private_drawn;
    }
    let streamed = kept.streamed.map(|(tallies, evaluator)| {
        crate::grade::derive_tallied(&suite.framework, &mut results, &tallies);
        Streamed { tallies, evaluator }
    });
    if streamed.is_none() {
        crate::grade::derive(&suite.framework, &mut results);
    }
    Ok(Ran { results, streamed })
}

/// SIGINT (Ctrl-C) or SIGTERM (what CI runners and Kubernetes send before killing).
async fn shutdown_signal() -> &'static str {
    let term = async {
        #[cfg(unix)]
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
            return;
        }
        std::future::pending::<()>().await
    };
    tokio::select! {
        Ok(()) = tokio::signal::ctrl_c() => "SIGINT",
        () = term => "SIGTERM",
    }
}

/// Wall-clock times of a run, for its results.
pub struct Timing {
    pub started_at: String,
    pub finished_at: String,
    pub duration_ms: u64,
}

/// Results from planned cases and their trials: what the runner ends with, and what a
/// journal is turned into. Graded by the caller (`grade::derive`).
#[allow(clippy::too_many_arguments)]
pub fn assemble(
    suite: &LoadedSuite,
    profile: &Profile,
    meta: ProfileMeta,
    info: Option<crate::device::protocol::Info>,
    opts: &RunOptions,
    planned: Vec<PlannedCase>,
    trials: Vec<Vec<TrialRecord>>,
    timing: Timing,
) -> Results {
    let fw = &suite.framework;
    let used_fixtures: std::collections::BTreeSet<&str> = planned
        .iter()
        .filter(|p| p.applicable.is_ok())
        .flat_map(|p| &p.loaded.case.turns)
        .flat_map(|t| [&t.input.audio, &t.input.image])
        .flatten()
        .map(|m| m.file.as_str())
        .collect();
    let fixtures = suite
        .fixtures
        .values()
        .filter(|f| used_fixtures.contains(f.path.as_str()))
        .cloned()
        .collect();
    let cases = planned
        .into_iter()
        .zip(trials)
        .map(|(pc, trials)| {
            let c = &pc.loaded.case;
            let (planned_n, reason, message) = match &pc.applicable {
                Ok(()) => (pc.trials, String::new(), None),
                Err(why) => (0, why.en(), Some(why.clone())),
            };
            CaseResult {
                id: c.id.clone(),
                title: c.title.clone(),
                file: pc.loaded.file.clone(),
                level: c.level.clone(),
                element: c.element.clone(),
                mandatory: c.mandatory,
                mode: c.mode,
                clause: c.clause.clone(),
                weight: c.weight.unwrap_or(1.0),
                verdict: Verdict::NotApplicable,
                reason,
                message,
                trials_planned: planned_n,
                passed: 0,
                failed: 0,
                errored: 0,
                stats: None,
                turns: c.turns.clone(),
                trials,
                earlier: Vec::new(),
            }
        })
        .collect();
    let feature_conflicts = info
        .as_ref()
        .map(|i| feature_conflicts(fw, profile, &i.features))
        .unwrap_or_default();
    let mut results = Results {
        schema: crate::results::RESULTS_SCHEMA.into(),
        harness: Harness {
            name: "ailevel".into(),
            version: crate::HARNESS_VERSION.into(),
        },
        run: RunInfo {
            seed: opts.seed,
            locale: opts.locale.clone(),
            trials_override: opts.trials_override,
            concurrency: opts.concurrency,
            turn_timeout_ms: opts.turn_timeout.as_millis() as u64,
            started_at: timing.started_at,
            finished_at: timing.finished_at,
            duration_ms: timing.duration_ms,
            aborted: false,
            abort_reason: None,
            abort_message: None,
            retries: opts.retries,
            case_timeout_ms: opts.case_timeout.map(|t| t.as_millis() as u64),
            secret: Some(opts.secret.to_hex()),
            device_seeds: Some(opts.device_seeds),
            phrasing: Some(opts.phrasing),
            variants: None,
            required_level: None,
            selection: None,
            interrupted: None,
            retry_rounds: Vec::new(),
        },
        framework: framework_ref(suite),
        suite: SuiteRef {
            path: suite.root.display().to_string(),
            sha256: suite.sha256.clone(),
            files: suite.files.clone(),
        },
        device: DeviceRef {
            profile: meta.path,
            profile_sha256: meta.sha256,
            vendor: profile.vendor.clone(),
            model: profile.model.clone(),
            category: profile.category.clone(),
            firmware: profile.firmware.clone(),
            build_fingerprint: profile.build_fingerprint.clone(),
            serial: profile.serial.clone(),
            imei: profile.imei.clone(),
            declared_level: profile.declared_level.clone(),
            features: profile.features.clone(),
            adapter: profile.adapter.kind().into(),
            adapter_settings: recorded_settings(profile, suite),
            feature_conflicts,
            info,
        },
        certification: Default::default(),
        cases,
        scores: Vec::new(),
        grade: crate::grade::grade(fw, &[], &[], None),
        summary: crate::results::Summary {
            cases: 0,
            pass: 0,
            fail: 0,
            inconclusive: 0,
            not_applicable: 0,
            trials: 0,
            trial_errors: 0,
        },
        modes: Vec::new(),
        fixtures,
    };
    results.certification.identity = results.derive_identity();
    results.run.variants = opts
        .variants
        .as_ref()
        .map(|pool| crate::results::VariantsRef {
            path: pool.path.display().to_string(),
            sha256: pool.sha256.clone(),
            phrasings: pool.phrasings,
            drawn: results
                .cases
                .iter()
                .flat_map(|c| &c.trials)
                .flat_map(|t| &t.phrasings)
                .filter(|p| p.pool == PhrasingPool::Private)
                .count(),
        });
    results
}

/// The turns trial `trial` sends, each text turn reduced to the one phrasing drawn for it
/// (in the language the locale selects), and which phrasings those are.
pub fn phrase_turns(
    case: &Case,
    turns: &[CaseTurn],
    trial: u32,
    opts: &RunOptions,
) -> (Vec<CaseTurn>, Vec<PhrasingUse>) {
    let english = opts.locale.starts_with("en");
    let mut used = Vec::new();
    let turns = turns
        .iter()
        .enumerate()
        .map(|(ti, turn)| {
            let mut turn = turn.clone();
            let en = english && turn.input.text_en.is_some();
            let slot = if en {
                &mut turn.input.text_en
            } else {
                &mut turn.input.text
            };
            if let Some(public) = slot.as_ref() {
                let private = opts
                    .variants
                    .as_ref()
                    .map_or(&[][..], |p| p.phrasings_for(&case.id, ti, en));
                if let Some((u, text)) = crate::suite::phrasing::choose(
                    opts.phrasing,
                    opts.seed,
                    &case.id,
                    ti,
                    trial,
                    public.items(),
                    private,
                ) {
                    used.push(u);
                    *slot = Some(Phrasings::One(text));
                }
            }
            turn
        })
        .collect();
    (turns, used)
}

/// The profile is the device's conformance statement; when the device itself reports
/// otherwise, or the profile leaves out what its category must have, the report says so
/// rather than silently trusting either side.
fn feature_conflicts(
    fw: &crate::suite::Framework,
    profile: &Profile,
    reported: &[String],
) -> Vec<String> {
    let declared = &profile.features;
    let mut out: Vec<String> = fw
        .categories
        .iter()
        .filter(|c| c.id == profile.category)
        .flat_map(|c| &c.required_features)
        .filter(|f| !declared.contains(f))
        .map(|f| {
            format!(
                "a {} must have `{f}`; the profile does not declare it, its cases run anyway",
                profile.category
            )
        })
        .collect();
    if reported.is_empty() {
        return out;
    }
    out.extend(
        declared
            .iter()
            .filter(|f| !reported.contains(f))
            .map(|f| format!("profile declares `{f}`, the device does not report it")),
    );
    out.extend(
        reported
            .iter()
            .filter(|f| !declared.contains(f))
            .map(|f| format!("the device reports `{f}`, the profile does not declare it")),
    );
    out
}

pub fn framework_ref(suite: &LoadedSuite) -> FrameworkRef {
    framework_ref_of(&suite.framework, &suite.framework_sha256)
}

/// The adapter's settings for results; for a chat endpoint offered tools, with the tools'
/// names (`tools_offered`), so a report can say whether the model ever used them.
fn recorded_settings(
    profile: &Profile,
    suite: &LoadedSuite,
) -> Option<serde_json::Map<String, serde_json::Value>> {
    let mut settings = profile.adapter.recorded_settings()?;
    if let crate::device::AdapterConfig::Openai(cfg) = &profile.adapter
        && cfg.tools.unwrap_or(true)
    {
        let mut names: Vec<String> = suite
            .actions_for(&profile.category)
            .actions
            .iter()
            .map(|a| a.name.clone())
            .collect();
        names.push(crate::device::openai::CONFIRM_TOOL.into());
        settings.insert("tools_offered".into(), serde_json::json!(names));
    }
    Some(settings)
}

/// The results' record of a framework: its identity, presentation data and full definition.
pub fn framework_ref_of(fw: &crate::suite::Framework, sha256: &str) -> FrameworkRef {
    FrameworkRef {
        sha256: sha256.to_string(),
        definition: fw.clone(),
    }
}

async fn with_timeout<T>(
    limit: Duration,
    fut: impl std::future::Future<Output = Result<T, DeviceError>>,
) -> Result<T, DeviceError> {
    match tokio::time::timeout(limit, fut).await {
        Ok(r) => r,
        Err(_) => Err(DeviceError::Timeout {
            ms: limit.as_millis() as u64,
        }),
    }
}

/// A trial's seed: derived from the run seed and the case, so it does not depend on the
/// order trials happen to start in.
pub fn trial_seed(run_seed: u64, case: &str, index: u32) -> u64 {
    let h = sha256_hex(format!("{run_seed}\0{case}\0{index}").as_bytes());
    u64::from_str_radix(&h[..16], 16).unwrap_or(run_seed)
}

/// The applicable trials of one group (exclusive or shared), as (case, trial) in run order.
fn run_order(planned: &[PlannedCase], opts: &RunOptions, exclusive: bool) -> Vec<(usize, u32)> {
    let mut order: Vec<(u64, usize, u32)> = planned
        .iter()
        .enumerate()
        .filter(|(_, pc)| pc.applicable.is_ok() && pc.exclusive() == exclusive)
        .flat_map(|(ci, pc)| {
            (0..pc.trials).map(move |index| {
                let key = opts.secret.order_key(opts.seed, &pc.loaded.case.id, index);
                (key, ci, index)
            })
        })
        .collect();
    order.sort_unstable();
    order
        .into_iter()
        .map(|(_, ci, index)| (ci, index))
        .collect()
}

async fn run_trial(shared: &Shared, pc: &PlannedCase, index: u32) -> TrialRecord {
    let case = &pc.loaded.case;
    let opts = &shared.opts;
    let seed = trial_seed(opts.seed, &case.id, index);
    let row = crate::suite::params::draw(case, seed);
    // Phrasings first, then the row: a private phrasing may hold `${name}` too.
    let (phrased, phrasings) = phrase_turns(case, &case.turns, index, opts);
    let turns: Vec<CaseTurn> = phrased
        .iter()
        .map(|t| crate::suite::params::fill_turn(t, &row))
        .collect();
    let session_seed = match opts.device_seeds {
        DeviceSeeds::Secret => opts.secret.session_seed(seed),
        DeviceSeeds::Trial => seed,
    };
    let setup = pc.setup(&row);
    let started = Instant::now();
    let mut rec = TrialRecord {
        case: case.id.clone(),
        index,
        seed,
        outcome: TrialOutcome::Error,
        setup: setup.iter().map(|c| c.op_name().to_string()).collect(),
        params: row,
        phrasings,
        turns: Vec::new(),
        error: None,
        attempts: Vec::new(),
        duration_ms: 0.0,
        round: 0,
    };
    if shared.fatal_streak.load(Ordering::SeqCst) >= MAX_CONSECUTIVE_FATAL {
        rec.error = Some(DeviceError::Unreachable {
            message: "not run: the run was aborted after the device became unreachable".into(),
        });
    } else if let Err(e) = attempt_trial(shared, pc, &setup, &turns, session_seed, &mut rec).await {
        // A device that cannot even start a session — refused, or timing out and failing
        // before the first turn — counts towards aborting the run; one slow or failing
        // case does not.
        if e.is_fatal() || (e.is_transient() && rec.turns.is_empty()) {
            shared.fatal_streak.fetch_add(1, Ordering::SeqCst);
        }
        rec.error = Some(e);
    } else {
        shared.fatal_streak.store(0, Ordering::SeqCst);
    }
    rec.duration_ms = round_ms(started.elapsed());
    // Scored here for the journal and progress; `grade::derive` recomputes the same.
    crate::score::verdict::score_trial(&shared.evaluator, &turns, &mut rec);
    shared
        .progress
        .lock()
        .await
        .trial_done(&case.id, index, rec.outcome);
    // Last, after every await: a trial cancelled at the end of an interrupted run's grace is
    // either in the journal and in the results, or in neither.
    if let Some(j) = &shared.journal {
        j.record(&rec);
    }
    rec
}

/// A device call that failed, which call it was, and whether restarting the trial could
/// help (not for an answer the device gave but could not keep within bounds).
struct Failure {
    call: String,
    error: DeviceError,
    restartable: bool,
}

fn failed(call: &str) -> impl FnOnce(DeviceError) -> Failure + '_ {
    move |error| Failure {
        call: call.to_string(),
        restartable: error.is_disturbance(),
        error,
    }
}

/// What an attempt has under way, kept outside its future so that a caller that gives up on
/// it (the case timeout) can still record the turn in flight and close the session.
#[derive(Default)]
struct InFlight {
    session: Option<SessionId>,
    turn_started: Option<Instant>,
    /// Restarts of the trial before this attempt: later ones allow turns more time.
    restarts: u32,
}

/// Drive the trial; after a transient device error that in-place retries did not cure — a
/// failed turn, above all — drive it again from the start (reset, setup, a fresh session),
/// up to `opts.retries` times, each abandoned attempt kept in `rec.attempts`. Never
/// restarted: a trial in which a check already failed (a retry could only turn a failure
/// into a pass), one whose turns all got answers (its checks can be scored), and one past
/// the case timeout.
async fn attempt_trial(
    shared: &Shared,
    pc: &PlannedCase,
    setup: &[Control],
    turns: &[CaseTurn],
    seed: u64,
    rec: &mut TrialRecord,
) -> Result<(), DeviceError> {
    let opts = &shared.opts;
    let deadline = opts.case_timeout.map(|t| tokio::time::Instant::now() + t);
    let mut restarts = 0;
    loop {
        let started = Instant::now();
        let mut flight = InFlight {
            restarts,
            ..InFlight::default()
        };
        let driven = drive(shared, pc, setup, turns, seed, rec, &mut flight);
        let result = match deadline {
            None => driven.await,
            Some(at) => match tokio::time::timeout_at(at, driven).await {
                Ok(r) => r,
                Err(_) => {
                    let error = DeviceError::Timeout {
                        ms: opts.case_timeout.map_or(0, |t| t.as_millis() as u64),
                    };
                    // The turn in flight, if any, is on record as the one that ran out of time.
                    if let (Some(_), Some(t0), Some(turn)) = (
                        &flight.session,
                        flight.turn_started,
                        turns.get(rec.turns.len()),
                    ) {
                        rec.turns.push(TurnRecord {
                            input: input_for(&turn.input, &opts.locale, &shared.fixtures).1,
                            response: None,
                            error: Some(error.clone()),
                            state: None,
                            latency_ms: round_ms(t0.elapsed()),
                            checks: Vec::new(),
                            judgements: Vec::new(),
                        });
                    }
                    abandon(shared, pc, flight.session).await;
                    return Err(error);
                }
            },
        };
        let Err(Failure {
            call,
            error,
            restartable,
        }) = result
        else {
            return Ok(());
        };
        let backoff = shared.calls.wait_after(&error, !seed, restarts);
        let in_time = deadline.is_none_or(|at| tokio::time::Instant::now() + backoff < at);
        // The budget is taken last: only a restart that happens spends it.
        if !restartable
            || !in_time
            || all_answered(turns, rec)
            || check_failed(shared, turns, rec)
            || shared.calls.take(restarts).is_err()
        {
            return Err(error);
        }
        rec.attempts.push(Attempt {
            call,
            restarted: true,
            turns: std::mem::take(&mut rec.turns),
            error,
            duration_ms: round_ms(started.elapsed()),
        });
        tokio::time::sleep(backoff).await;
        restarts += 1;
    }
}

fn all_answered(turns: &[CaseTurn], rec: &TrialRecord) -> bool {
    rec.turns.len() == turns.len()
        && rec
            .turns
            .iter()
            .all(|t| t.error.is_none() && t.response.is_some())
}

/// Whether a check of an answered turn has failed already.
fn check_failed(shared: &Shared, turns: &[CaseTurn], rec: &TrialRecord) -> bool {
    let mut scored = rec.clone();
    crate::score::verdict::score_trial(&shared.evaluator, turns, &mut scored);
    scored
        .turns
        .iter()
        .filter(|t| t.error.is_none())
        .any(|t| t.checks.iter().any(|c| !c.passed))
}

/// After the case timeout: close the session and reset, as far as the device still answers,
/// so the next trial starts clean.
async fn abandon(shared: &Shared, pc: &PlannedCase, session: Option<SessionId>) {
    let dev = &shared.adapter;
    let limit = shared.opts.turn_timeout;
    if let Some(s) = session {
        let _ = with_timeout(limit, dev.close(&s)).await;
    }
    if pc.exclusive() {
        let _ = with_timeout(limit, dev.control(&Control::Reset)).await;
    }
}

/// Setup, session, turns, teardown: one attempt. A device error ends it; the caller decides
/// whether to run the trial again, and it never counts as a pass.
async fn drive(
    shared: &Shared,
    pc: &PlannedCase,
    setup: &[Control],
    turns: &[CaseTurn],
    seed: u64,
    rec: &mut TrialRecord,
    flight: &mut InFlight,
) -> Result<(), Failure> {
    let dev = &shared.adapter;
    let opts = &shared.opts;
    let calls = &shared.calls;
    if pc.exclusive() {
        calls
            .retrying(seed, "reset", &mut rec.attempts, || {
                dev.control(&Control::Reset)
            })
            .await
            .or_else(ignore_unsupported)
            .map_err(failed("reset"))?;
        for op in setup {
            calls
                .retrying(seed, op.op_name(), &mut rec.attempts, || dev.control(op))
                .await
                .map_err(failed(op.op_name()))?;
        }
    }
    let req = SessionRequest {
        locale: Some(opts.locale.clone()),
        user: None,
        seed: Some(seed),
    };
    // A lost answer to `open_session` leaves an unused session on the device; harmless.
    let opened = calls
        .retrying(seed, "open_session", &mut rec.attempts, || {
            dev.open_session(&req)
        })
        .await
        .map_err(failed("open_session"))?;
    let id = flight.session.insert(opened).clone();
    let outcome = drive_turns(
        shared,
        turns,
        &id,
        seed,
        flight.restarts,
        rec,
        &mut flight.turn_started,
    )
    .await;
    // Close and reset even after a failed turn, so the next trial starts clean.
    let closed = calls
        .retrying(seed, "close", &mut rec.attempts, || dev.close(&id))
        .await;
    flight.session = None;
    if pc.exclusive() {
        calls
            .retrying(seed, "reset", &mut rec.attempts, || {
                dev.control(&Control::Reset)
            })
            .await
            .or_else(ignore_unsupported)
            .map_err(failed("reset"))?;
    }
    outcome.and(closed.or_else(ignore_unsupported).map_err(failed("close")))
}

fn ignore_unsupported(e: DeviceError) -> Result<(), DeviceError> {
    match e {
        DeviceError::Unsupported { .. } => Ok(()),
        e => Err(e),
    }
}

async fn drive_turns(
    shared: &Shared,
    turns: &[CaseTurn],
    session: &SessionId,
    seed: u64,
    restarts: u32,
    rec: &mut TrialRecord,
    turn_started: &mut Option<Instant>,
) -> Result<(), Failure> {
    let dev = &shared.adapter;
    for turn in turns {
        let (input, recorded) = input_for(&turn.input, &shared.opts.locale, &shared.fixtures);
        let t0 = *turn_started.insert(Instant::now());
        let answer = shared
            .calls
            .timed(Kind::Turn, restarts, dev.turn(session, &input))
            .await;
        let latency_ms = round_ms(t0.elapsed());
        let response = match answer {
            Ok(mut r) => match r.limit() {
                None => r,
                // Kept, cut, as evidence: its checks still count against it, but an answer
                // the device could not keep within bounds never passes.
                Some(finding) => {
                    let e = DeviceError::Protocol {
                        message: finding,
                        evidence: None,
                    };
                    rec.turns.push(TurnRecord {
                        input: recorded,
                        response: Some(r),
                        error: Some(e.clone()),
                        state: None,
                        latency_ms,
                        checks: Vec::new(),
                        judgements: Vec::new(),
                    });
                    return Err(Failure {
                        call: "turn".into(),
                        error: e,
                        restartable: false,
                    });
                }
            },
            Err(e) => {
                rec.turns.push(TurnRecord {
                    input: recorded,
                    response: None,
                    error: Some(e.clone()),
                    state: None,
                    latency_ms,
                    checks: Vec::new(),
                    judgements: Vec::new(),
                });
                return Err(failed("turn")(e));
            }
        };
        let mut judgements = Vec::new();
        if let Some(judge) = &shared.opts.judge {
            for check in &turn.expect {
                if let Check::Judge(j) = check {
                    let asked = input.text.as_deref().unwrap_or("");
                    judgements.push(judge.grade(&j.rubric, asked, &response).await);
                }
            }
        }
        // A failed state fetch keeps the answer that came before it, as evidence.
        let (state, error) = if turn.expect.iter().any(|c| matches!(c, Check::State(_))) {
            match shared
                .calls
                .retrying(seed, "state", &mut rec.attempts, || dev.state(session))
                .await
            {
                Ok(v) => (Some(v), None),
                Err(e) => (None, Some(e)),
            }
        } else {
            (None, None)
        };
        rec.turns.push(TurnRecord {
            input: recorded,
            response: Some(response),
            error: error.clone(),
            state,
            latency_ms,
            checks: Vec::new(),
            judgements,
        });
        if let Some(e) = error {
            return Err(failed("state")(e));
        }
    }
    Ok(())
}
