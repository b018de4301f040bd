//! The results model: the one record of a run from which every report is rendered and every
//! verdict can be re-derived. Serialised as `results.json` (`"schema": "ailevel.results/1"`);
//! field order is fixed by these structs, so the same results give the same bytes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::device::DeviceError;
use crate::device::protocol::{Info, Input, Turn};
use crate::suite::model::{Check, I18n, Mode};
/// Suite files and fixtures are recorded as the suite loader describes them.
pub use crate::suite::model::{FileRef, FixtureData};

fn is_zero(n: &u32) -> bool {
    *n == 0
}

pub const RESULTS_SCHEMA: &str = "ailevel.results/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Results {
    pub schema: String,
    pub harness: Harness,
    pub run: RunInfo,
    pub framework: FrameworkRef,
    pub suite: SuiteRef,
    pub device: DeviceRef,
    /// The lab and session records, the identity comparison and the certificate: see
    /// [`Certification`].
    #[serde(default, skip_serializing_if = "Certification::is_empty")]
    pub certification: Certification,
    pub cases: Vec<CaseResult>,
    pub scores: Vec<LevelScore>,
    pub grade: Grade,
    pub summary: Summary,
    /// Verdict counts per mode: end-side, device-cloud and any.
    pub modes: Vec<ModeSummary>,
    /// Audio and image fixtures sent in this run, stored once; turn inputs refer to them as
    /// `sha256:<hex>` in place of their data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixtures: Vec<FixtureData>,
}

/// What a lab adds to a run: who, where, on what sample; whether the device is the one the
/// profile names; and the certificate, when `run --certify` issued one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    /// The lab file the run used (`--lab` or `AILEVEL_LAB`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lab: Option<crate::lab::LabRef>,
    /// The session file (`--session`), with any flags that overrode it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<crate::lab::Session>,
    /// The device's identity, as declared (profile, sample record) and as it reported itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identity: Vec<crate::device::identity::IdentityField>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<crate::lab::Certificate>,
}

impl Certification {
    pub fn is_empty(&self) -> bool {
        self == &Certification::default()
    }

    /// Identity fields whose declared and reported values differ.
    pub fn identity_findings(
        &self,
    ) -> impl Iterator<Item = &crate::device::identity::IdentityField> {
        self.identity.iter().filter(|f| f.is_finding())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModeSummary {
    pub mode: Mode,
    pub cases: u32,
    pub pass: u32,
    pub fail: u32,
    pub inconclusive: u32,
    pub not_applicable: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Harness {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunInfo {
    pub seed: u64,
    pub locale: String,
    /// `--trials` when given: overrides every case's and level's trial count.
    pub trials_override: Option<u32>,
    pub concurrency: u32,
    pub turn_timeout_ms: u64,
    /// RFC 3339, wall clock: volatile, excluded from comparisons.
    pub started_at: String,
    pub finished_at: String,
    pub duration_ms: u64,
    /// True when the device failed so badly that some trials could not run.
    pub aborted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abort_reason: Option<String>,
    /// `abort_reason` as a catalogue message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abort_message: Option<crate::msg::Message>,
    /// Times a failed device call was allowed to be retried (`run --retries`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub retries: u32,
    /// Bound on one trial, all its attempts included, when one was set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_timeout_ms: Option<u64>,
    /// The run's secret, 64 hex digits: the key of the session seeds sent to the device and of
    /// the order trials ran in. Random unless `run --secret` pinned it; recorded only when the
    /// run is over, and `run --secret` with it reproduces the run exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub secret: Option<String>,
    /// How the session seeds sent to the device were made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_seeds: Option<DeviceSeeds>,
    /// Which phrasings trials sent (`run --phrasing`); absent in results made before pools,
    /// which sent the canonical ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrasing: Option<crate::suite::phrasing::Phrasing>,
    /// The private variant pool the draw included (`run --variants`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variants: Option<VariantsRef>,
    /// The level CI required (`run --require-level`, or the declared one under
    /// `--require-declared`); JUnit counts cases up to it and reports those above as skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_level: Option<String>,
    /// The cases the run was limited to (`run --case`, `--level`, `--element`, `--clause`);
    /// absent when it covered the whole suite. A selected run is partial: no level is graded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<crate::suite::select::Selection>,
    /// Set when the run stopped before every planned trial ran (SIGINT/SIGTERM, or a
    /// process that died and whose journal these results were built from): the results are
    /// incomplete, and `run --resume DIR` continues the run from its journal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<Interrupted>,
    /// The `ailevel retry` rounds run on these results, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retry_rounds: Vec<RetryRound>,
}

/// How far an interrupted run got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Interrupted {
    /// `SIGINT` or `SIGTERM`; absent when the process died without writing results and these
    /// were built from its journal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<String>,
    /// Trials recorded, of those planned.
    pub trials_run: u64,
    pub trials_planned: u64,
}

/// A private variant pool as used by a run: which one, and how much of it trials sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VariantsRef {
    /// The directory or file as given.
    pub path: String,
    /// Over every file's relative path and SHA-256, as for a suite.
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub sha256: String,
    /// Private phrasings the pool holds.
    pub phrasings: usize,
    /// Turns of trials that sent a private phrasing.
    pub drawn: usize,
}

/// The seed a session request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeviceSeeds {
    /// Keyed with the run's secret: nothing a device knows (the suite, the run seed) tells
    /// which case or trial a session belongs to.
    Secret,
    /// The trial's own seed, for the in-process reference simulator, which is no adversary:
    /// its runs then reproduce from `--seed` alone.
    Trial,
}

/// The framework the run was graded under, stored once: reports take its names and
/// thresholds from here and `regrade` its rules, so neither needs the suite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrameworkRef {
    /// SHA-256 of the framework file as loaded.
    pub sha256: String,
    /// The whole framework as loaded.
    pub definition: crate::suite::model::Framework,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuiteRef {
    /// The suite directory as given on the command line.
    pub path: String,
    /// Hash over every loaded file's relative path and SHA-256.
    pub sha256: String,
    pub files: Vec<FileRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceRef {
    pub profile: String,
    pub profile_sha256: String,
    pub vendor: String,
    pub model: String,
    pub category: String,
    pub firmware: String,
    /// The profile's `build_fingerprint`, `serial` and `imei`, when it gives them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_fingerprint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imei: Option<String>,
    pub declared_level: Option<String>,
    pub features: Vec<String>,
    pub adapter: String,
    /// The adapter settings that shape the answers — endpoint, model, temperature, seed —
    /// without secrets (see `AdapterConfig::recorded_settings`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapter_settings: Option<serde_json::Map<String, Value>>,
    /// What the device itself reported through `info`, if it answered.
    pub info: Option<Info>,
    /// Where the device's own `info.features` contradicts the profile's declaration.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feature_conflicts: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    Inconclusive,
    NotApplicable,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Inconclusive => "inconclusive",
            Verdict::NotApplicable => "not_applicable",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseResult {
    pub id: String,
    pub title: I18n,
    pub file: String,
    pub level: String,
    pub element: String,
    pub mandatory: bool,
    pub mode: Mode,
    pub clause: String,
    pub weight: f64,
    pub verdict: Verdict,
    /// Why the verdict is what it is, in a sentence.
    pub reason: String,
    /// `reason` as a catalogue message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<crate::msg::Message>,
    pub trials_planned: u32,
    pub passed: u32,
    pub failed: u32,
    pub errored: u32,
    /// Pass-rate statistics over the valid trials; absent when none ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<TrialStats>,
    /// The case as run, so checks can be re-evaluated from results alone.
    pub turns: Vec<crate::suite::model::CaseTurn>,
    /// The case's trials (its latest round's, after a retry), in index order.
    // Held here, or, while `write_streamed` writes a streamed run, read from its journal.
    #[serde(serialize_with = "stream::trials")]
    pub trials: Vec<TrialRecord>,
    /// The rounds `ailevel retry` replaced, oldest first: each kept whole (its verdict and
    /// trials), so every attempt stays on record. `trials` above are the latest round's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<EarlierRound>,
}

/// A round of a case that a later `ailevel retry` round replaced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EarlierRound {
    /// 0 for the run itself, N for the N-th `retry`.
    pub round: u32,
    pub verdict: Verdict,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<crate::msg::Message>,
    pub passed: u32,
    pub failed: u32,
    pub errored: u32,
    pub trials: Vec<TrialRecord>,
}

/// One `ailevel retry` of the run: what it reran, on which device, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetryRound {
    /// 1 for the first retry; the `round` of the trials it ran.
    pub round: u32,
    /// The verdicts retried (`--only`): `fail`, `inconclusive`.
    pub only: Vec<Verdict>,
    /// The profile the round ran with, and its SHA-256 (the run's own, or `--device`).
    pub profile: String,
    pub profile_sha256: String,
    pub started_at: String,
    pub finished_at: String,
    /// The cases rerun, in suite order.
    pub cases: Vec<String>,
}

/// How often a case passed: the observed rate, its Wilson 95 % interval, and the two
/// k-trial summaries used for agents — pass^k (every one of k passed: reliability) and
/// pass@k (at least one passed: capability).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrialStats {
    /// Valid trials (those without a device error): the k of pass^k and pass@k.
    pub k: u32,
    pub pass_rate: f64,
    pub wilson_low: f64,
    pub wilson_high: f64,
    pub pass_hat_k: bool,
    pub pass_at_k: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrialOutcome {
    Pass,
    Fail,
    Error,
}

/// One trial: a fresh session through every turn of a case. Written to `trials.jsonl` as
/// soon as it finishes, so an interrupted run loses nothing that completed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrialRecord {
    pub case: String,
    pub index: u32,
    pub seed: u64,
    pub outcome: TrialOutcome,
    /// Setup ops sent before the first turn (wire names).
    pub setup: Vec<String>,
    /// The parameter row drawn for this trial, if the case has `params`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub params: std::collections::BTreeMap<String, String>,
    /// Which phrasing each text turn sent; the text is in the turn's `input`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phrasings: Vec<crate::suite::phrasing::PhrasingUse>,
    pub turns: Vec<TurnRecord>,
    /// Device error that ended the trial early, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<DeviceError>,
    /// Every retried device call of the trial, in order: calls repeated in place, and
    /// attempts abandoned for a fresh start. `turns` and `error` above are the last attempt's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<Attempt>,
    pub duration_ms: f64,
    /// Which round ran the trial: 0 the run itself, N the N-th `ailevel retry`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub round: u32,
}

/// A device call that failed transiently (refused, reset, timeout, 5xx) and was retried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attempt {
    /// The call: `turn`, `state`, `open_session`, `close`, or a control op's name.
    pub call: String,
    /// True when the trial was run again from the start on a fresh session (after a failed
    /// turn, or a call that kept failing); false when the call, being idempotent, was
    /// simply repeated and the trial went on.
    pub restarted: bool,
    /// For a restart: the abandoned attempt's turns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub turns: Vec<TurnRecord>,
    pub error: DeviceError,
    /// For a restart, the abandoned attempt's duration; otherwise the failed call's.
    pub duration_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TurnRecord {
    pub input: Input,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Turn>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<DeviceError>,
    /// Device state after the turn, fetched when a check needs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<Value>,
    /// Harness-measured time from sending the input to a complete answer.
    pub latency_ms: f64,
    pub checks: Vec<CheckOutcome>,
    /// A judge's verdict for each `judge` check of the turn, in order, with its full answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub judgements: Vec<Judgement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Judgement {
    pub rubric: String,
    pub model: String,
    pub temperature: f64,
    pub seed: Option<u64>,
    /// The judge's decision; absent when it could not be obtained or read.
    pub pass: Option<bool>,
    pub reason: String,
    /// The judge's full answer, as evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckOutcome {
    pub check: Check,
    pub passed: bool,
    pub reason: String,
    /// `reason` as a catalogue message, so reports can give it in their own language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<crate::msg::Message>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelScore {
    pub level: String,
    pub elements: Vec<ElementScore>,
    /// Weighted share of passed applicable cases at this level; null when none applied.
    pub overall: Option<f64>,
    pub applicable: u32,
    pub passed: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ElementScore {
    pub element: String,
    pub primary: bool,
    pub score: Option<f64>,
    pub applicable: u32,
    pub passed: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// The highest level whose levels 1..N all hold; null below L1.
    pub level: Option<String>,
    pub provisional: bool,
    pub declared_level: Option<String>,
    /// Whether the declared level (if any) was reached.
    pub meets_declared: Option<bool>,
    pub ladder: Vec<LadderStep>,
    /// Cases that keep the device from the next level.
    pub blocking: Vec<String>,
    /// True when the run covered only a selection of the cases (`run.selection`): the ladder
    /// says how the selected cases went, but no level is decided from a subset.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// Set when the first level not held is blocked only by inconclusive mandatory cases:
    /// the evidence neither holds nor refuses that level, so it is "incomplete", not "not
    /// held", and rerunning those cases decides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incomplete: Option<Incomplete>,
}

/// A level the run could not decide: every reason it is not held is an inconclusive
/// mandatory case (a device error, a hang, too few valid trials), none a failure or a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Incomplete {
    /// The level left undecided: the one above `grade.level`.
    pub level: String,
    /// The inconclusive cases to rerun, in suite order.
    pub cases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LadderStep {
    pub level: String,
    pub held: bool,
    pub provisional: bool,
    pub reasons: Vec<String>,
    /// `reasons` as catalogue messages, one for one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<crate::msg::Message>,
    pub blocking_cases: Vec<String>,
    /// Not held only for want of evidence: no mandatory case failed, and the level would hold
    /// were its inconclusive cases to pass (see `grade.incomplete`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub incomplete: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub cases: u32,
    pub pass: u32,
    pub fail: u32,
    pub inconclusive: u32,
    pub not_applicable: u32,
    pub trials: u32,
    pub trial_errors: u32,
}

impl Results {
    /// The device's identity, declared against reported: the profile's fields, the sample's
    /// serial from the session (else the profile's), and the device's `info`. Empty when the
    /// device never answered `info`.
    pub fn derive_identity(&self) -> Vec<crate::device::identity::IdentityField> {
        let d = &self.device;
        let Some(info) = &d.info else {
            return Vec::new();
        };
        let serial = self
            .certification
            .session
            .as_ref()
            .and_then(|s| s.sample.as_ref())
            .and_then(|s| s.serial.as_deref())
            .or(d.serial.as_deref());
        let declared = crate::device::identity::Declared {
            vendor: &d.vendor,
            model: &d.model,
            category: &d.category,
            firmware: &d.firmware,
            build_fingerprint: d.build_fingerprint.as_deref(),
            serial,
        };
        crate::device::identity::compare(&declared, info)
    }

    /// Canonical bytes: pretty JSON with the structs' field order and a final newline.
    pub fn to_canonical_json(&self) -> String {
        let mut out = Vec::with_capacity(1 << 16);
        let mut ser = serde_json::Serializer::with_formatter(&mut out, pretty::Pretty::default());
        self.serialize(&mut ser).expect("results serialise");
        out.push(b'\n');
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }
}

/// The trials of a streamed run's cases, one at a time and in case order: what
/// [`write_streamed`] writes in place of each case's (empty) `trials`.
pub trait TrialSource {
    /// How many trials the next case has; called once per case, in order.
    fn next_case(&mut self) -> Result<usize, String>;
    /// The next case's trials, `next_case()` times, in index order.
    fn next_trial(&mut self) -> Result<TrialRecord, String>;
}

/// Write `results` — whose cases hold no trials — to `w` in exactly the bytes
/// [`Results::to_canonical_json`] gives for the same results with every case's trials in
/// place, taking the trials from `source` as they are written, so a run of any size is
/// written in memory for one trial.
pub fn write_streamed<W: std::io::Write>(
    results: &Results,
    source: Box<dyn TrialSource>,
    w: &mut W,
) -> Result<(), String> {
    let previous = stream::SOURCE.with(|s| s.borrow_mut().replace(source));
    let mut ser = serde_json::Serializer::with_formatter(&mut *w, pretty::Pretty::default());
    let written = results.serialize(&mut ser).map_err(|e| e.to_string());
    stream::SOURCE.with(|s| *s.borrow_mut() = previous);
    written?;
    w.write_all(b"\n").map_err(|e| e.to_string())
}

/// Put every case's trials from `source` into `results`, whose cases hold none.
pub fn fill(results: &mut Results, source: &mut dyn TrialSource) -> Result<(), String> {
    for case in &mut results.cases {
        let n = source.next_case()?;
        case.trials.reserve_exact(n);
        for _ in 0..n {
            case.trials.push(source.next_trial()?);
        }
    }
    Ok(())
}

mod pretty {
    use std::io::{self, Write};

    use serde_json::ser::Formatter;

    /// A line break and the indentation of the 64 levels that fit.
    const BREAK: [u8; 1 + 2 * 64] = {
        let mut b = [b' '; 1 + 2 * 64];
        b[0] = b'\n';
        b
    };

    /// serde_json's `PrettyFormatter` (two-space indents), byte for byte, writing each line
    /// break with its indentation in one call: it wrote one per level, and those calls were a
    /// fifth of the time of writing a results file.
    #[derive(Default)]
    pub(crate) struct Pretty {
        level: usize,
        has_value: bool,
    }

    impl Pretty {
        fn line<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
            match BREAK.get(..1 + 2 * self.level) {
                Some(line) => w.write_all(line),
                None => {
                    w.write_all(b"\n")?;
                    (0..self.level).try_for_each(|_| w.write_all(b"  "))
                }
            }
        }

        fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
            self.level += 1;
            self.has_value = false;
            w.write_all(bracket)
        }

        fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
            self.level -= 1;
            if self.has_value {
                self.line(w)?;
            }
            w.write_all(bracket)
        }

        fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
            if !first {
                w.write_all(b",")?;
            }
            self.line(w)
        }
    }

    impl Formatter for Pretty {
        fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.open(w, b"[")
        }

        fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.close(w, b"]")
        }

        fn begin_array_value<W: ?Sized + Write>(
            &mut self,
            w: &mut W,
            first: bool,
        ) -> io::Result<()> {
            self.item(w, first)
        }

        fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
            self.has_value = true;
            Ok(())
        }

        fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.open(w, b"{")
        }

        fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.close(w, b"}")
        }

        fn begin_object_key<W: ?Sized + Write>(
            &mut self,
            w: &mut W,
            first: bool,
        ) -> io::Result<()> {
            self.item(w, first)
        }

        fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            w.write_all(b": ")
        }

        fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
            self.has_value = true;
            Ok(())
        }
    }

    #[cfg(test)]
    mod tests {
        use serde::Serialize;
        use serde_json::json;

        use super::Pretty;

        fn ours(v: &impl Serialize) -> String {
            let mut out = Vec::new();
            v.serialize(&mut serde_json::Serializer::with_formatter(
                &mut out,
                Pretty::default(),
            ))
            .unwrap();
            String::from_utf8(out).unwrap()
        }

        #[test]
        fn writes_what_serde_json_pretty_prints() {
            let mut deep = json!("bottom");
            for i in 0..70 {
                deep = if i % 2 == 0 {
                    json!([deep, {}])
                } else {
                    json!({"k": deep, "e": []})
                };
            }
            let values = [
                json!({}),
                json!([]),
                json!({"a": [], "b": {}, "c": [1, {"d": null, "e": "x\n\"y"}], "f": 1.5}),
                deep,
            ];
            for v in &values {
                assert_eq!(ours(v), serde_json::to_string_pretty(v).unwrap());
            }
            let fixture: super::super::Results =
                serde_json::from_str(include_str!("../tests/data/report-fixture.results.json"))
                    .unwrap();
            assert_eq!(
                ours(&fixture),
                serde_json::to_string_pretty(&fixture).unwrap()
            );
        }
    }
}

mod stream {
    use std::cell::RefCell;

    use serde::ser::{Error, SerializeSeq, Serializer};

    use super::{TrialRecord, TrialSource};

    thread_local! {
        /// Set only while [`super::write_streamed`] runs on this thread.
        pub(super) static SOURCE: RefCell<Option<Box<dyn TrialSource>>> =
            const { RefCell::new(None) };
    }

    /// A case's `trials`: the held ones, or the source's when one is set (then the case holds
    /// none). Written through the same serializer calls as a `Vec`, so the bytes are too.
    pub(super) fn trials<S: Serializer>(held: &[TrialRecord], ser: S) -> Result<S::Ok, S::Error> {
        let mut source = SOURCE.with(|s| s.borrow_mut().take());
        let Some(src) = source.as_mut() else {
            return ser.collect_seq(held);
        };
        let result = (|| {
            if !held.is_empty() {
                return Err(S::Error::custom(
                    "a streamed case must not hold trials itself",
                ));
            }
            let n = src.next_case().map_err(S::Error::custom)?;
            let mut seq = ser.serialize_seq(Some(n))?;
            for _ in 0..n {
                let trial = src.next_trial().map_err(S::Error::custom)?;
                seq.serialize_element(&trial)?;
            }
            seq.end()
        })();
        SOURCE.with(|s| *s.borrow_mut() = source);
        result
    }
}

/// Largest results file we read.
pub const MAX_RESULTS_BYTES: u64 = 512 * 1024 * 1024;

/// Read and validate a results file (schema, then types).
pub fn read(path: &std::path::Path) -> crate::error::Result<Results> {
    let bytes = crate::files::read_bytes(path, MAX_RESULTS_BYTES)?;
    parse(path, &bytes)
}

/// Validate and parse the bytes of a results file read from `path`.
///
/// The trials are most of a big file. So the schema checks the rest, the head, with each
/// case's `trials` skipped unbuilt, and serde (unknown fields denied, the same types the
/// schema is generated from) checks the trials while it builds them. Only a file that fails
/// is validated whole against the schema, so it gets the same problems as before.
pub fn parse(path: &std::path::Path, bytes: &[u8]) -> crate::error::Result<Results> {
    use crate::error::Error;
    let schema_problems = |value: &Value| {
        crate::files::schema_problems(path, crate::schema::Kind::Results, value, |_| (None, None))
    };
    if let Ok(head::Head(value)) = serde_json::from_slice::<head::Head>(bytes) {
        let problems = schema_problems(&value);
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        if let Ok(results) = serde_json::from_slice::<Results>(bytes) {
            return Ok(results);
        }
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| syntax(path, &e))?;
    let problems = schema_problems(&value);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    // Valid by the schema, refused by the types: serde says where.
    serde_json::from_slice::<Results>(bytes).map_err(|e| syntax(path, &e))
}

fn syntax(path: &std::path::Path, e: &serde_json::Error) -> crate::error::Error {
    crate::error::Error::Invalid(vec![crate::error::Problem {
        file: path.to_path_buf(),
        line: Some(e.line()),
        column: Some(e.column()),
        field: None,
        message: e.to_string(),
    }])
}

/// A results file as JSON with every case's `trials` left out (read past, not built).
mod head {
    use std::fmt;

    use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Value};

    pub(super) struct Head(pub(super) Value);

    impl<'de> de::Deserialize<'de> for Head {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_map(Object { skip_trials: false }).map(Head)
        }
    }

    /// An object whose values are kept as JSON; at the top, `cases` is a list of objects
    /// whose `trials` are skipped and recorded as an empty list.
    struct Object {
        skip_trials: bool,
    }

    impl<'de> Visitor<'de> for Object {
        type Value = Value;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut out = Map::new();
            while let Some(key) = map.next_key::<String>()? {
                let value = match key.as_str() {
                    "trials" if self.skip_trials => {
                        map.next_value::<IgnoredAny>()?;
                        Value::Array(Vec::new())
                    }
                    "cases" if !self.skip_trials => map.next_value::<Cases>()?.0,
                    _ => map.next_value::<Value>()?,
                };
                out.insert(key, value);
            }
            Ok(Value::Object(out))
        }
    }

    struct Cases(Value);

    impl<'de> de::Deserialize<'de> for Cases {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_seq(CaseList).map(Cases)
        }
    }

    struct CaseList;

    impl<'de> Visitor<'de> for CaseList {
        type Value = Value;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of cases")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut cases = Vec::new();
            while let Some(case) = seq.next_element::<Case>()? {
                cases.push(case.0);
            }
            Ok(Value::Array(cases))
        }
    }

    struct Case(Value);

    impl<'de> de::Deserialize<'de> for Case {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_map(Object { skip_trials: true }).map(Case)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const FIXTURE: &str = include_str!("../tests/data/report-fixture.results.json");

    fn problems(text: &str) -> Vec<crate::error::Problem> {
        match parse(Path::new("r.json"), text.as_bytes()) {
            Err(crate::error::Error::Invalid(p)) => p,
            other => panic!("expected problems, got {:?}", other.map(|_| ())),
        }
    }

    /// The fast path builds what validating the whole file as JSON and converting it did.
    #[test]
    fn a_valid_file_parses_to_what_the_whole_value_gives() {
        let fast = parse(Path::new("r.json"), FIXTURE.as_bytes()).unwrap();
        let value: Value = serde_json::from_str(FIXTURE).unwrap();
        let slow: Results = serde_json::from_value(value).unwrap();
        assert_eq!(fast.to_canonical_json(), slow.to_canonical_json());
        assert_eq!(fast.to_canonical_json(), FIXTURE);
    }

    /// What the schema refuses is refused as before, in the head or in a trial (a file that
    /// fails the fast path is validated whole), naming the field.
    #[test]
    fn bad_heads_and_bad_trials_are_refused_where_they_are() {
        let mut value: Value = serde_json::from_str(FIXTURE).unwrap();
        value["summary"]["cases"] = Value::String("many".into());
        let head = problems(&serde_json::to_string_pretty(&value).unwrap());
        assert_eq!(head.len(), 1, "{head:?}");
        assert_eq!(head[0].field.as_deref(), Some("/summary/cases"));

        let text = FIXTURE.replacen("\"index\": 0,", "\"index\": 0, \"smuggled\": true,", 1);
        let trial = problems(&text);
        assert_eq!(trial.len(), 1, "{trial:?}");
        assert!(trial[0].message.contains("smuggled"), "{trial:?}");
        assert_eq!(trial[0].field.as_deref(), Some("/cases/0/trials/0"));

        let cases = FIXTURE.replacen("\"cases\": [", "\"cases\": [7, ", 1);
        assert!(!problems(&cases).is_empty());
        assert!(!problems("[]").is_empty());
        assert_eq!(problems("{").len(), 1);
    }
}
