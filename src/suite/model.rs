//! The user-facing suite and framework formats. Every struct denies unknown keys: a typo in a
//! suite must be an error, never a silently ignored expectation.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Text in both working languages of the standard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct I18n {
    #[serde(rename = "zh-CN")]
    pub zh: String,
    pub en: String,
}

/// A name given in one form for every language, or in both working languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Name {
    One(String),
    Both(I18n),
}

impl Name {
    /// The Chinese form when `zh`, else the English; a one-form name is both.
    pub fn get(&self, zh: bool) -> &str {
        match self {
            Name::One(s) => s,
            Name::Both(t) if zh => &t.zh,
            Name::Both(t) => &t.en,
        }
    }
}

/// The English form, as written where one language must serve (attestations, logs).
impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.get(false))
    }
}

// ---------------------------------------------------------------- framework

/// `suites/framework.yaml`: the levels, elements and thresholds, as data a lab can replace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// Always `ailevel.framework/1`.
    pub schema: String,
    pub name: Name,
    pub version: String,
    /// True while the numbers below are the project's reading, not the licensed text's.
    pub provisional: bool,
    pub notice: I18n,
    pub elements: Vec<Element>,
    pub levels: Vec<Level>,
    pub categories: Vec<Category>,
    /// The device features suites and profiles may name.
    pub features: Vec<Feature>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Feature {
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    pub name: I18n,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Element {
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    pub name: I18n,
    /// The clause of the standard this element comes from, e.g. `177.1 §7.1`.
    pub clause: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// Unique, e.g. `L1`. Levels are listed from the lowest up: the order is the ladder.
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"))]
    pub id: String,
    pub name: I18n,
    pub summary: I18n,
    pub clause: String,
    /// L4 is graded but reported as provisional: the standard leaves it to later revisions.
    #[serde(default)]
    pub provisional: bool,
    pub primary_elements: Vec<String>,
    /// Trials per case when the case does not say.
    pub default_trials: u32,
    pub pass_rules: PassRules,
    pub thresholds: Thresholds,
}

/// How a case's trials become its verdict, for mandatory and optional cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PassRules {
    pub mandatory: PassRule,
    pub optional: PassRule,
}

/// `all`: every valid trial passes; `rate`: the observed pass rate is at least `min_rate`.
/// Either way at least `min_valid` trials must have run without a device error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, tag = "rule", rename_all = "snake_case")]
pub enum PassRule {
    All {
        #[serde(default = "one")]
        min_valid: u32,
    },
    Rate {
        #[schemars(range(min = 0.0, max = 1.0))]
        min_rate: f64,
        #[serde(default = "one")]
        min_valid: u32,
    },
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Minimum score of each primary element at this level (0–1).
    #[schemars(range(min = 0.0, max = 1.0))]
    pub primary_element_min: f64,
    /// Minimum weighted share of passed applicable cases at this level (0–1).
    #[schemars(range(min = 0.0, max = 1.0))]
    pub overall_min: f64,
    /// True when these numbers are the project's choice, not the standard's.
    pub provisional: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// What suites' and profiles' `category` name, e.g. `phone`; unique, and not `common`
    /// (the suites every category runs).
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    pub name: I18n,
    /// The part of the series, e.g. `177.3`.
    pub part: String,
    /// Features every device of the category must have, whatever its profile declares.
    #[serde(default)]
    pub required_features: Vec<String>,
    /// The category's own action vocabulary, relative to the suite directory (e.g.
    /// `actions/car.yaml`), loaded with the shared `actions.yaml` when the file is there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[^/\\].*\.ya?ml$"))]
    pub actions: Option<String>,
}

// ---------------------------------------------------------------- suites

/// One suite file: a list of cases for one category (or `common`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuiteFile {
    /// Always `ailevel.suite/1`.
    pub schema: String,
    pub title: I18n,
    /// A category of the framework, or `common` for cases every category runs.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub category: String,
    pub cases: Vec<Case>,
}

/// One requirement, tested by one or more turns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Unique across all loaded suites, e.g. `phone.alarm.create`.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9_.-]*$"))]
    pub id: String,
    pub title: I18n,
    /// A level of the framework.
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"))]
    pub level: String,
    /// The primary capability element this case tests.
    pub element: String,
    pub mandatory: bool,
    #[serde(default)]
    pub mode: Mode,
    /// The clause of the standard the case traces to, e.g. `177.3 §5.2, Annex C`.
    pub clause: String,
    /// Device features the case needs; a device without them cannot run it.
    #[serde(default)]
    pub features: Vec<String>,
    /// Trials; defaults to the level's `default_trials`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000))]
    pub trials: Option<u32>,
    /// Weight in the element score (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0))]
    pub weight: Option<f64>,
    /// Slot values drawn per trial with the run's seed, so a device cannot pass by
    /// memorising the suite: one row is drawn, and `${name}` in inputs, setup and checks is
    /// replaced by the row's value. Every row has the same names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<std::collections::BTreeMap<String, String>>,
    /// Control ops run after a reset and before the first turn.
    #[serde(default)]
    pub setup: Vec<SetupOp>,
    #[schemars(length(min = 1))]
    pub turns: Vec<CaseTurn>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// On the terminal alone: the runner switches the network off first.
    EndSide,
    DeviceCloud,
    #[default]
    Any,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::EndSide => "end-side",
            Mode::DeviceCloud => "device-cloud",
            Mode::Any => "any",
        }
    }
}

/// A setup step: the same ops as the protocol's `Control`, strictly parsed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, tag = "op", rename_all = "snake_case")]
pub enum SetupOp {
    SetNetwork {
        online: bool,
    },
    SetClock {
        now: String,
    },
    SetScene {
        scene: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        noise_db: Option<f64>,
    },
    SeedMemory {
        facts: Vec<String>,
    },
    LinkDevice {
        id: String,
        category: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseTurn {
    pub input: CaseInput,
    /// Every check must pass for the turn to pass.
    #[serde(default)]
    pub expect: Vec<Check>,
}

/// What the tester says or shows. `text` is Chinese; `text_en` an English variant used
/// when the run's locale is `en`. Either may list several phrasings of the same request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Phrasings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_en: Option<Phrasings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<CaseEvent>,
    /// Speech: a WAV file under the suite directory, checked against its SHA-256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<MediaRef>,
    /// A picture (PNG or JPEG) under the suite directory, checked against its SHA-256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<MediaRef>,
}

/// A fixture file and the hash it must have; a mismatch is a suite error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaRef {
    /// Path relative to the suite directory, e.g. `fixtures/car/ac-22-cabin-10db.wav`.
    pub file: String,
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseEvent {
    pub kind: String,
    #[serde(default)]
    pub data: Map<String, Value>,
}

/// One phrasing of a request, or several that mean the same and must satisfy the same checks
/// (word order, register, omitted words, numerals, relative times…). The first is the
/// canonical one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Phrasings {
    One(String),
    Many(#[schemars(length(min = 1))] Vec<String>),
}

impl Phrasings {
    pub fn items(&self) -> &[String] {
        match self {
            Phrasings::One(s) => std::slice::from_ref(s),
            Phrasings::Many(v) => v,
        }
    }

    /// The canonical phrasing: the first.
    pub fn first(&self) -> &str {
        self.items().first().map_or("", String::as_str)
    }
}

impl From<&str> for Phrasings {
    fn from(s: &str) -> Self {
        Phrasings::One(s.to_string())
    }
}

/// One string or a list of alternatives (synonyms, or the same word in both languages).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn items(&self) -> &[String] {
        match self {
            OneOrMany::One(s) => std::slice::from_ref(s),
            OneOrMany::Many(v) => v,
        }
    }
}

/// One expectation about a turn. Each evaluates to pass/fail with a human reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Check {
    /// The reply contains at least one of these (after folding width, case and spaces).
    Contains(OneOrMany),
    /// The reply contains none of these.
    NotContains(OneOrMany),
    /// The reply matches this regular expression (after folding width and spaces).
    Matches(String),
    /// An action with this name whose args include these (times and numbers normalised).
    Action(ActionCheck),
    /// No action with this name (`*`: no action at all) was taken in this turn.
    NoAction(String),
    /// The device state after this turn has this value at a JSON pointer.
    State(StateCheck),
    /// The harness-measured latency of this turn is at most this many milliseconds.
    LatencyMs(u64),
    /// The device asked for confirmation and did not yet take this action.
    ConfirmBefore(String),
    /// The turn was served by one of these (`device`, `cloud`, `hybrid`).
    ServedBy(Vec<super::super::device::protocol::ServedBy>),
    /// A model grades the open answer against a rubric (needs `run --judge PROFILE`).
    /// Never the only check of a mandatory case.
    Judge(JudgeCheck),
    /// At least one of these passes: for a task an honest assistant may do either way, such
    /// as a translation done by the tool or given in the reply. No `judge` inside.
    AnyOf(Vec<Check>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JudgeCheck {
    /// What a good answer does, in words a grader can apply.
    #[schemars(length(min = 1))]
    pub rubric: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionCheck {
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"))]
    pub name: String,
    /// Expected args, matched as a subset of the actual args.
    #[serde(default)]
    pub args: Map<String, Value>,
    /// Exact number of matching actions; default: at least one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StateCheck {
    /// RFC 6901 JSON pointer into the session state, e.g. `/alarms/0/time`.
    pub pointer: String,
    /// The value there equals this (times and numbers normalised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Value>,
    /// Whether a value exists there at all (default true when `equals` is absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
}

// ---------------------------------------------------------------- action vocabulary

/// `suites/actions.yaml`: the action names devices may report, each with a JSON Schema for
/// its `args`. Suites may only expect actions named here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionVocabulary {
    /// Always `ailevel.actions/1`.
    pub schema: String,
    pub actions: Vec<ActionDef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionDef {
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"))]
    pub name: String,
    pub description: I18n,
    /// JSON Schema of the action's `args` object.
    pub args: Value,
}

// A loaded file, by its path relative to the suite directory, and its SHA-256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    pub path: String,
    pub sha256: String,
}

// An audio or image fixture a case sends, verified against its hash at load time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureData {
    /// Path relative to the suite directory.
    pub path: String,
    pub sha256: String,
    /// `wav`, `png` or `jpeg`.
    pub format: String,
    // Shared: a run keeps the suite's fixtures and its results' copy of those it sent, and a
    // fixture is megabytes of base64.
    pub data_b64: std::sync::Arc<str>,
}

// ---------------------------------------------------------------- private variant pools

/// A private variant file (`run --variants DIR`): more phrasings of the public cases' turns,
/// kept by a lab and never published, so that no device can be tuned to every text it may be
/// sent. Each is validated against the suite: the case and turn must exist, and so must the
/// text being varied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VariantFile {
    /// Always `ailevel.variants/1`.
    pub schema: String,
    #[schemars(length(min = 1))]
    pub variants: Vec<CaseVariants>,
}

/// Private phrasings for one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseVariants {
    /// The id of a case in the suite, e.g. `phone.alarm.create`.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9_.-]*$"))]
    pub case: String,
    #[schemars(length(min = 1))]
    pub turns: Vec<TurnVariants>,
}

/// Private phrasings of one turn's text, in either language. They join the suite's own
/// phrasings of that turn in the draw, and must satisfy the same checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TurnVariants {
    /// Which turn of the case, counted from 1 as reports count them.
    #[schemars(range(min = 1))]
    pub turn: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Phrasings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_en: Option<Phrasings>,
}
