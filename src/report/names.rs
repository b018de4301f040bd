//! How framework ids, enums and numbers read in a report. Level and element names come from
//! the framework recorded in the results, so a lab's own framework names its own levels.

use serde_json::Value;

use crate::device::protocol::ServedBy;
use crate::results::{Results, TrialOutcome, TrialRecord, Verdict};
use crate::suite::model::{Check, Framework, I18n, Level, Mode};

use super::Lang;
use super::messages as m;

pub(super) fn i18n(text: &I18n, lang: Lang) -> &str {
    match lang {
        Lang::Zh => &text.zh,
        Lang::En => &text.en,
    }
}

/// Lookups into the framework the run used.
pub(super) struct Names<'a> {
    pub fw: &'a Framework,
    pub lang: Lang,
}

impl<'a> Names<'a> {
    pub fn level_ref(&self, id: &str) -> Option<&'a Level> {
        self.fw.levels.iter().find(|l| l.id == id)
    }

    /// Position of a level in the framework, for ordering; unknown levels sort last.
    pub fn level_rank(&self, id: &str) -> usize {
        self.fw
            .levels
            .iter()
            .position(|l| l.id == id)
            .unwrap_or(self.fw.levels.len())
    }

    /// What stands for the level when there is none: "partial run, not graded" for a run
    /// limited to a selection, else [`Names::below_lowest`].
    pub fn no_level(&self, r: &Results, lang: Lang) -> String {
        if r.grade.partial {
            m::PARTIAL_NOT_GRADED.get(lang).to_string()
        } else {
            self.below_lowest(lang)
        }
    }

    /// "未达 L1" or "below L1", named by the framework's lowest level: no level is held.
    pub fn below_lowest(&self, lang: Lang) -> String {
        let lowest = self.fw.levels.first().map_or("", |l| l.id.as_str());
        m::BELOW_LOWEST.fill(lang, &[("level", lowest)])
    }

    /// "L3 辅助级" or "L3 Assistant"; the bare id for a level the framework does not name.
    pub fn level(&self, id: &str) -> String {
        match self.level_ref(id) {
            Some(l) => format!("{} {}", l.id, i18n(&l.name, self.lang)),
            None => id.to_string(),
        }
    }

    pub fn element(&self, id: &str) -> String {
        self.fw
            .elements
            .iter()
            .find(|e| e.id == id)
            .map_or_else(|| id.to_string(), |e| i18n(&e.name, self.lang).to_string())
    }

    pub fn element_rank(&self, id: &str) -> usize {
        self.fw
            .elements
            .iter()
            .position(|e| e.id == id)
            .unwrap_or(self.fw.elements.len())
    }

    /// The framework's provisional levels, named and joined, or `None` when there are none.
    pub fn provisional_levels(&self) -> Option<String> {
        self.joined_levels(|l| l.provisional)
    }

    pub fn provisional_threshold_levels(&self) -> Option<String> {
        self.joined_levels(|l| l.thresholds.provisional)
    }

    fn joined_levels(&self, pick: impl Fn(&Level) -> bool) -> Option<String> {
        let names: Vec<String> = self
            .fw
            .levels
            .iter()
            .filter(|l| pick(l))
            .map(|l| self.level(&l.id))
            .collect();
        let sep = match self.lang {
            Lang::Zh => "、",
            Lang::En => ", ",
        };
        (!names.is_empty()).then(|| names.join(sep))
    }
}

/// The device's answered turns and the tools they called, tallied one case's trials at a
/// time so a renderer that gets trials case by case need not hold them all.
#[derive(Default)]
pub(super) struct ToolUse {
    turns: usize,
    used: usize,
    names: std::collections::BTreeSet<String>,
}

impl ToolUse {
    pub(super) fn add<'a>(
        &mut self,
        trials: impl IntoIterator<Item = &'a crate::results::TrialRecord>,
    ) {
        for resp in trials
            .into_iter()
            .flat_map(|t| &t.turns)
            .filter_map(|t| t.response.as_ref())
        {
            self.turns += 1;
            if !resp.actions.is_empty() || resp.needs_confirmation == Some(true) {
                self.used += 1;
            }
            for a in &resp.actions {
                if !self.names.contains(&a.name) {
                    self.names.insert(a.name.clone());
                }
            }
        }
    }
}

/// For a chat endpoint offered tools: how many answered turns called one, and which —
/// a warning when none did, since every `no_action` check then passes for free.
fn tools_notice(r: &Results, tools: &ToolUse, lang: Lang) -> Option<(bool, String)> {
    let offered = r
        .device
        .adapter_settings
        .as_ref()?
        .get("tools_offered")?
        .as_array()?
        .len();
    let (turns, used) = (tools.turns, tools.used);
    let fill = [
        ("offered", offered.to_string()),
        ("used", used.to_string()),
        ("turns", turns.to_string()),
        (
            "names",
            tools
                .names
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ];
    let fill: Vec<(&str, &str)> = fill.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Some(if used == 0 && turns > 0 {
        (true, m::NOTICE_TOOLS_UNUSED.fill(lang, &fill))
    } else {
        (false, m::NOTICE_TOOLS_USED.fill(lang, &fill))
    })
}

/// What a reader must know before trusting the level, each flagged when it is a warning:
/// an aborted run, contradictory feature declarations, and the provisional parts of the
/// framework; `tools` is the trials' tool use, tallied a case at a time by the caller.
pub(super) fn notices_with(r: &Results, names: &Names, tools: &ToolUse) -> Vec<(bool, String)> {
    let lang = names.lang;
    let mut out = Vec::new();
    if let Some(sel) = r.run.selection.as_ref().filter(|_| r.grade.partial) {
        out.push((
            true,
            m::NOTICE_PARTIAL.fill(lang, &[("selection", &sel.describe())]),
        ));
    }
    if let Some(inc) = &r.grade.incomplete {
        out.push((
            true,
            m::NOTICE_INCOMPLETE.fill(
                lang,
                &[
                    ("level", &names.level(&inc.level)),
                    ("cases", &inc.cases.join(", ")),
                ],
            ),
        ));
    }
    if r.run.aborted {
        let reason = crate::msg::localise(
            r.run.abort_reason.as_deref().unwrap_or("—"),
            r.run.abort_message.as_ref(),
            lang,
        );
        out.push((true, m::NOTICE_ABORTED.fill(lang, &[("reason", &reason)])));
    }
    if let Some(i) = &r.run.interrupted {
        out.push((true, interrupted(m::NOTICE_INTERRUPTED, i, lang, "")));
    }
    if !r.run.retry_rounds.is_empty() {
        let cases: Vec<String> = r
            .cases
            .iter()
            .filter(|c| !c.earlier.is_empty())
            .map(|c| format!("{} ({})", c.id, rounds(c, lang)))
            .collect();
        out.push((
            false,
            m::NOTICE_RETRIED.fill(
                lang,
                &[
                    ("rounds", &r.run.retry_rounds.len().to_string()),
                    ("cases", &cases.join("; ")),
                ],
            ),
        ));
    }
    if !r.device.feature_conflicts.is_empty() {
        let conflicts = r.device.feature_conflicts.join("; ");
        out.push((
            true,
            m::NOTICE_FEATURE_CONFLICTS.fill(lang, &[("conflicts", &conflicts)]),
        ));
    }
    if let Some(n) = tools_notice(r, tools, lang) {
        out.push(n);
    }
    if let Some(v) = &r.run.variants {
        out.push((
            false,
            m::NOTICE_VARIANTS.fill(
                lang,
                &[
                    ("sha256", &v.sha256),
                    ("drawn", &v.drawn.to_string()),
                    ("phrasings", &v.phrasings.to_string()),
                ],
            ),
        ));
    }
    // The framework's notice is about its provisional status: a framework that marks
    // nothing provisional (a lab's, with the licensed values) shows none of it.
    let notice = i18n(&r.framework.definition.notice, lang);
    if r.framework.definition.provisional && !notice.trim().is_empty() {
        out.push((false, notice.to_string()));
    }
    if let Some(levels) = names.provisional_levels() {
        out.push((
            false,
            m::NOTICE_PROVISIONAL_LEVELS.fill(lang, &[("levels", &levels)]),
        ));
    }
    if let Some(levels) = names.provisional_threshold_levels() {
        out.push((
            false,
            m::NOTICE_THRESHOLDS.fill(lang, &[("levels", &levels)]),
        ));
    }
    out
}

pub(super) fn verdict(v: Verdict, lang: Lang) -> &'static str {
    match v {
        Verdict::Pass => m::VERDICT_PASS,
        Verdict::Fail => m::VERDICT_FAIL,
        Verdict::Inconclusive => m::VERDICT_INCONCLUSIVE,
        Verdict::NotApplicable => m::VERDICT_NOT_APPLICABLE,
    }
    .get(lang)
}

pub(super) fn outcome(o: TrialOutcome, lang: Lang) -> &'static str {
    match o {
        TrialOutcome::Pass => m::OUTCOME_PASS,
        TrialOutcome::Fail => m::OUTCOME_FAIL,
        TrialOutcome::Error => m::OUTCOME_ERROR,
    }
    .get(lang)
}

pub(super) fn outcome_str(o: TrialOutcome) -> &'static str {
    match o {
        TrialOutcome::Pass => "pass",
        TrialOutcome::Fail => "fail",
        TrialOutcome::Error => "error",
    }
}

pub(super) fn mode(md: Mode, lang: Lang) -> &'static str {
    match md {
        Mode::EndSide => m::MODE_END_SIDE,
        Mode::DeviceCloud => m::MODE_DEVICE_CLOUD,
        Mode::Any => m::MODE_ANY,
    }
    .get(lang)
}

pub(super) fn served_by(s: ServedBy, lang: Lang) -> &'static str {
    match s {
        ServedBy::Device => m::SERVED_DEVICE,
        ServedBy::Cloud => m::SERVED_CLOUD,
        ServedBy::Hybrid => m::SERVED_HYBRID,
    }
    .get(lang)
}

pub(super) fn yes_no(b: bool, lang: Lang) -> &'static str {
    if b { m::YES.get(lang) } else { m::NO.get(lang) }
}

/// A share as a percentage with at most one decimal, so that 79.5 % never reads as 80 %.
pub(super) fn pct(x: f64) -> String {
    // Adding 0.0 turns a negative zero, which sums of zero weights can give, into 0.
    let p = (x * 1000.0).round() / 10.0 + 0.0;
    if p.fract() == 0.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// Milliseconds with a precision that suits the magnitude: simulators answer in microseconds,
/// real devices in seconds.
pub(super) fn ms(v: f64) -> String {
    if v < 1.0 {
        format!("{v:.2} ms")
    } else if v < 100.0 {
        format!("{v:.1} ms")
    } else {
        format!("{v:.0} ms")
    }
}

pub(super) fn duration_ms(total: u64) -> String {
    if total < 1000 {
        format!("{total} ms")
    } else if total < 60_000 {
        format!("{:.1} s", total as f64 / 1000.0)
    } else {
        let s = total / 1000;
        format!("{} min {} s", s / 60, s % 60)
    }
}

/// Why a trial did not pass: the 1-based turn and the first failing check there (its kind and
/// reason — the reason already quotes what was expected), or the device error that ended it.
/// `None` for a passing trial.
pub(super) fn trial_failure(t: &TrialRecord, lang: Lang) -> Option<(Option<usize>, String)> {
    if t.outcome == TrialOutcome::Pass {
        return None;
    }
    let colon = m::COLON.get(lang);
    let label = m::DEVICE_ERROR.get(lang);
    for (i, turn) in t.turns.iter().enumerate() {
        if let Some(check) = turn.checks.iter().find(|c| !c.passed) {
            let (kind, _) = check_parts(&check.check);
            return Some((
                Some(i + 1),
                format!("{kind}{colon}{}", check_reason(check, lang)),
            ));
        }
        if let Some(e) = &turn.error {
            return Some((
                Some(i + 1),
                format!("{label}{colon}{}", device_error(e, lang)),
            ));
        }
    }
    Some(match &t.error {
        Some(e) => (None, format!("{label}{colon}{}", device_error(e, lang))),
        None => (None, outcome(t.outcome, lang).to_string()),
    })
}

/// A check as its variant name and its argument, read from its serialised form so every
/// variant, present and future, shows the way suites write it.
pub(super) fn check_parts(check: &Check) -> (String, String) {
    match serde_json::to_value(check) {
        Ok(Value::Object(map)) if map.len() == 1 => {
            let (kind, arg) = map.into_iter().next().expect("one entry");
            let spec = match arg {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (kind, spec)
        }
        Ok(Value::String(kind)) => (kind, String::new()),
        Ok(other) => (String::new(), other.to_string()),
        Err(e) => (String::new(), e.to_string()),
    }
}

/// A check's reason in the report's language.
pub(super) fn check_reason(c: &crate::results::CheckOutcome, lang: Lang) -> String {
    crate::msg::localise(&c.reason, c.message.as_ref(), lang)
}

/// A case's verdict reason in the report's language.
pub(super) fn case_reason(c: &crate::results::CaseResult, lang: Lang) -> String {
    crate::msg::localise(&c.reason, c.message.as_ref(), lang)
}

/// A ladder step's reasons in the report's language; the stored English when the messages
/// are missing or do not match the reasons one for one (an older or edited file).
pub(super) fn ladder_reasons(s: &crate::results::LadderStep, lang: Lang) -> Vec<String> {
    if s.messages.len() != s.reasons.len() {
        return s.reasons.clone();
    }
    s.reasons
        .iter()
        .zip(&s.messages)
        .map(|(text, m)| crate::msg::localise(text, Some(m), lang))
        .collect()
}

/// A device error in the report's language. The library or device detail inside it is shown
/// as recorded: it is evidence, not the harness's sentence.
pub(super) fn device_error(e: &crate::device::DeviceError, lang: Lang) -> String {
    use crate::device::DeviceError as E;
    match e {
        E::Timeout { ms } => m::ERR_TIMEOUT.fill(lang, &[("ms", &ms.to_string())]),
        E::Unreachable { message } => m::ERR_UNREACHABLE.fill(lang, &[("detail", message)]),
        E::Transport { message } => m::ERR_TRANSPORT.fill(lang, &[("detail", message)]),
        E::Protocol { message, .. } => m::ERR_PROTOCOL.fill(lang, &[("detail", message)]),
        E::Device { code, message } => {
            m::ERR_DEVICE.fill(lang, &[("code", code), ("detail", message)])
        }
        E::Http {
            status,
            code,
            message,
            ..
        } => m::ERR_HTTP.fill(
            lang,
            &[
                ("status", &status.to_string()),
                ("code", code),
                ("detail", message),
            ],
        ),
        E::Unsupported { op } => m::ERR_UNSUPPORTED.fill(lang, &[("op", op)]),
    }
}

/// A retried case's verdict in each round, oldest first: `fail → pass`.
pub(super) fn rounds(c: &crate::results::CaseResult, lang: Lang) -> String {
    c.earlier
        .iter()
        .map(|e| e.verdict)
        .chain([c.verdict])
        .map(|v| verdict(v, lang))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// The interruption of a run in `lang`, from `template` (the report notice, or the console
/// line with the directory to resume).
pub(super) fn interrupted(
    template: m::Msg,
    i: &crate::results::Interrupted,
    lang: Lang,
    dir: &str,
) -> String {
    let signal = match &i.signal {
        Some(s) => s.clone(),
        None => m::SIGNAL_NONE.fill(lang, &[]),
    };
    template.fill(
        lang,
        &[
            ("signal", &signal),
            ("run", &i.trials_run.to_string()),
            ("planned", &i.trials_planned.to_string()),
            ("dir", dir),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_keep_a_decimal_near_thresholds() {
        assert_eq!(pct(0.8), "80%");
        assert_eq!(pct(0.795), "79.5%");
        assert_eq!(pct(1.0), "100%");
        assert_eq!(pct(2.0 / 3.0), "66.7%");
        assert_eq!(pct(-0.0), "0%");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_ms(950), "950 ms");
        assert_eq!(duration_ms(12_345), "12.3 s");
        assert_eq!(duration_ms(125_000), "2 min 5 s");
        assert_eq!(ms(0.25), "0.25 ms");
        assert_eq!(ms(42.0), "42.0 ms");
        assert_eq!(ms(1234.4), "1234 ms");
    }
}
