//! The JUnit XML report, for CI systems that show test results: one `<testsuite>` per level of
//! the framework, one `<testcase>` per case. A failing case carries, for each failing trial,
//! its first failing check, and every device error; an inconclusive case is an `<error>`; a
//! case that does not apply is `<skipped>` with the reason.
//!
//! CI gates on a level: the one `run --require-level` recorded, else the declared one. A case
//! above it that did not pass is `<skipped>` with why (its verdict and reason), not a failure:
//! an L2 phone that holds L2 is green even though it fails L3 cases. Property names are
//! fixed English keys in every report language; only values are localised.
//!
//! Nothing here reads a clock: the only times written are the durations recorded in the
//! results, so the same results give the same bytes.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use crate::results::{CaseResult, Results, TrialOutcome, TrialRecord, Verdict};
use crate::text::truncate;

use super::messages as m;
use super::names::{self, Names, i18n};
use super::source::TrialSource;
use super::{Lang, ReportError};

/// Failure lines listed per case; the rest are counted. CI systems show the whole text.
const MAX_LINES: usize = 50;
/// Longest line of a failure description, in bytes.
const MAX_LINE: usize = 500;

/// Each case's trials come from `source`, one case at a time: a test case keeps only its time
/// and its lines of evidence, not the trials.
pub(super) fn render(
    r: &Results,
    lang: Lang,
    source: &mut dyn TrialSource,
) -> Result<String, ReportError> {
    let names = Names {
        fw: &r.framework.definition,
        lang,
    };
    let grade = match &r.grade.level {
        Some(id) => names.level(id),
        None => names.no_level(r, lang),
    };
    let mut report = Report::new(format!(
        "{} — {} {} — {grade}",
        r.harness.name, r.device.vendor, r.device.model
    ));
    report.set_time(millis(r.run.duration_ms as f64).unwrap_or_default());

    // Framework order, then any level the framework does not name, so no case is lost.
    let mut levels: Vec<&str> = r
        .framework
        .definition
        .levels
        .iter()
        .map(|l| l.id.as_str())
        .collect();
    let mut unknown: Vec<&str> = r
        .cases
        .iter()
        .map(|c| c.level.as_str())
        .filter(|l| !levels.contains(l))
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    levels.extend(unknown);

    let gate = gate_level(r);
    let gate_rank = gate.map(|g| rank(r, g));
    for level in levels {
        let above = gate.filter(|_| gate_rank.is_some_and(|g| rank(r, level) > g));
        let mut suite = TestSuite::new(names.level(level));
        suite.add_properties(suite_properties(r, level, &grade, gate, lang));
        let mut cases: Vec<&CaseResult> = r.cases.iter().filter(|c| c.level == level).collect();
        cases.sort_by(|a, b| a.id.cmp(&b.id));
        let mut total = Duration::ZERO;
        for case in cases {
            let mut trials = Trials::default();
            source.each_trial(case, &mut |t| {
                trials.add(t, lang);
                Ok(())
            })?;
            let test = test_case(case, trials, above, lang);
            total += test.time.unwrap_or_default();
            suite.add_test_case(test);
        }
        suite.set_time(total);
        report.add_test_suite(suite);
    }
    report.to_string().map_err(ReportError::Junit)
}

/// The level CI gates on: the required one when the run recorded it, else the declared one.
/// `None` when neither is set, or the framework does not know it (then nothing is skipped).
fn gate_level(r: &Results) -> Option<&str> {
    r.run
        .required_level
        .as_deref()
        .or(r.grade.declared_level.as_deref())
        .filter(|l| r.framework.definition.levels.iter().any(|x| x.id == *l))
}

/// 1-based position of a level in the framework; a level it does not name ranks above all.
fn rank(r: &Results, level: &str) -> usize {
    let levels = &r.framework.definition.levels;
    levels
        .iter()
        .position(|x| x.id == level)
        .map_or(levels.len() + 1, |i| i + 1)
}

/// What a CI reader needs beside the cases: whether the level is held and why not, the level
/// CI gates on and whether this one counts toward it, and which run this is.
fn suite_properties(
    r: &Results,
    level: &str,
    grade: &str,
    gate: Option<&str>,
    lang: Lang,
) -> Vec<Property> {
    let step = r.grade.ladder.iter().find(|s| s.level == level);
    let held = match step {
        Some(s) if s.held => m::HELD_YES,
        Some(s) if s.incomplete => m::HELD_INCOMPLETE,
        Some(_) => m::HELD_NO,
        None => m::NOT_GRADED,
    };
    let mut props = vec![
        Property::new("level", level),
        Property::new("held", held.get(lang)),
    ];
    if let Some(s) = step.filter(|s| !s.reasons.is_empty()) {
        props.push(Property::new(
            "reasons",
            one_line(&names::ladder_reasons(s, lang).join("; "), MAX_LINE * 4),
        ));
    }
    if let Some(inc) = r.grade.incomplete.as_ref().filter(|i| i.level == level) {
        props.push(Property::new("rerun", inc.cases.join(" ")));
    }
    if let Some(gate) = gate {
        let counts = rank(r, level) <= rank(r, gate);
        props.push(Property::new("required_level", gate));
        props.push(Property::new("counts_toward_required", counts.to_string()));
    }
    props.extend([
        Property::new("grade", grade),
        Property::new(
            "device",
            format!(
                "{} {} {} {}",
                r.device.vendor, r.device.model, r.device.category, r.device.firmware
            ),
        ),
        Property::new(
            "framework",
            format!(
                "{} {}",
                r.framework.definition.name.get(lang == Lang::Zh),
                r.framework.definition.version
            ),
        ),
        Property::new("framework_sha256", &r.framework.sha256),
        Property::new("suite_sha256", &r.suite.sha256),
        Property::new("seed", r.run.seed.to_string()),
    ]);
    if !r.run.retry_rounds.is_empty() {
        props.push(Property::new(
            "retry_rounds",
            r.run.retry_rounds.len().to_string(),
        ));
    }
    props
}

/// One case; `above` is the gate level when the case's level is above it.
fn test_case(c: &CaseResult, trials: Trials, above: Option<&str>, lang: Lang) -> TestCase {
    let status = match (c.verdict, above) {
        (Verdict::Pass, _) => TestCaseStatus::success(),
        (Verdict::Fail | Verdict::Inconclusive, Some(gate)) => {
            let mut s = TestCaseStatus::skipped();
            let why = m::ABOVE_REQUIRED.fill(
                lang,
                &[
                    ("level", &c.level),
                    ("required", gate),
                    ("verdict", names::verdict(c.verdict, lang)),
                    ("reason", &names::case_reason(c, lang)),
                ],
            );
            s.set_message(one_line(&why, MAX_LINE))
                .set_type(c.verdict.as_str());
            if let Some(lines) = trials.evidence(lang) {
                s.set_description(lines);
            }
            s
        }
        (Verdict::Fail, None) => non_success(c, &trials, NonSuccessKind::Failure, lang),
        (Verdict::Inconclusive, None) => non_success(c, &trials, NonSuccessKind::Error, lang),
        (Verdict::NotApplicable, _) => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(one_line(&names::case_reason(c, lang), MAX_LINE))
                .set_type(c.verdict.as_str());
            s
        }
    };
    let mut test = TestCase::new(
        one_line(&format!("{} {}", c.id, i18n(&c.title, lang)), MAX_LINE),
        status,
    );
    test.set_classname(classname(&c.file));
    if let Some(time) = millis(trials.ms).filter(|_| trials.seen > 0) {
        test.set_time(time);
    }
    test.add_properties([
        Property::new("clause", &c.clause),
        Property::new("element", &c.element),
        Property::new("mandatory", c.mandatory.to_string()),
        Property::new("mode", c.mode.as_str()),
        Property::new("trials", format!("{}/{}", c.passed, c.trials_planned)),
    ]);
    if !c.earlier.is_empty() {
        test.add_properties([Property::new("retried", names::rounds(c, lang))]);
    }
    test
}

/// The case's suite file without its extension, e.g. `phone/l1-commands`: the category folder
/// and the file, which CI systems group by.
fn classname(file: &str) -> String {
    let stem = file
        .strip_suffix(".yaml")
        .or_else(|| file.strip_suffix(".yml"))
        .unwrap_or(file);
    one_line(stem, MAX_LINE)
}

fn non_success(
    c: &CaseResult,
    trials: &Trials,
    kind: NonSuccessKind,
    lang: Lang,
) -> TestCaseStatus {
    let mut s = TestCaseStatus::non_success(kind);
    s.set_message(one_line(&names::case_reason(c, lang), MAX_LINE))
        .set_type(c.verdict.as_str());
    if let Some(lines) = trials.evidence(lang) {
        s.set_description(lines);
    }
    s
}

/// What a test case says of its trials, taken in index order: their time, and one line per
/// trial that did not pass (its first failing check, or the device error that ended it), the
/// first [`MAX_LINES`] of them.
#[derive(Default)]
struct Trials {
    seen: usize,
    ms: f64,
    lines: Vec<String>,
    hidden: usize,
}

impl Trials {
    fn add(&mut self, t: &TrialRecord, lang: Lang) {
        self.seen += 1;
        self.ms += t.duration_ms;
        if t.outcome == TrialOutcome::Pass {
            return;
        }
        if self.lines.len() < MAX_LINES {
            self.lines.push(one_line(&trial_line(t, lang), MAX_LINE));
        } else {
            self.hidden += 1;
        }
    }

    /// The lines, and how many more there were; `None` when every trial passed.
    fn evidence(&self, lang: Lang) -> Option<String> {
        if self.lines.is_empty() {
            return None;
        }
        let mut text = self.lines.join("\n");
        if self.hidden > 0 {
            text.push('\n');
            text.push_str(&m::MORE.fill(lang, &[("n", &self.hidden.to_string())]));
        }
        Some(text)
    }
}

fn trial_line(t: &TrialRecord, lang: Lang) -> String {
    let trial = format!("{} #{}", m::TRIAL.get(lang), t.index + 1);
    let colon = m::COLON.get(lang);
    match names::trial_failure(t, lang) {
        Some((Some(turn), why)) => format!(
            "{trial}, {}{colon}{why}",
            m::TURN.fill(lang, &[("n", &turn.to_string())])
        ),
        Some((None, why)) => format!("{trial}{colon}{why}"),
        None => format!("{trial}{colon}{}", names::outcome(t.outcome, lang)),
    }
}

/// Attribute values lose their newlines in XML parsers, so say it on one line. Characters
/// that reorder or hide text (device text may carry them) are shown as `[U+202E]`, as in
/// every other report, so a CI page cannot be made to read backwards.
fn one_line(s: &str, max: usize) -> String {
    truncate(
        &crate::text::visible_controls(&s.replace(['\r', '\n'], " ")),
        max,
    )
}

/// A recorded duration in milliseconds; `None` for values no clock gives (negative, NaN).
fn millis(ms: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(ms / 1000.0).ok()
}
