//! The summary `run` prints when it finishes, in the console's language: the level, each
//! step of the ladder, what blocks the next level, the counts, and where the files are.
//! Pure, like every other rendering: a function of the results and the language.

use std::path::Path;

use crate::results::{Results, TrialRecord};

use super::messages as m;
use super::names;
use super::source::{HeldTrials, TrialSource};
use super::{Format, Lang, ReportError};

/// The lines of the summary, each without its newline.
pub fn summary(results: &Results, out: &Path, lang: Lang, written: &[Format]) -> Vec<String> {
    summary_from(results, out, lang, written, &mut HeldTrials).expect("held trials never fail")
}

/// [`summary`], with the trials of the blocking cases (the only ones it reads) from `source`.
pub fn summary_from(
    results: &Results,
    out: &Path,
    lang: Lang,
    written: &[Format],
    source: &mut dyn TrialSource,
) -> Result<Vec<String>, ReportError> {
    let fw = &results.framework.definition;
    let g = &results.grade;
    let d = &results.device;
    let level = match g
        .level
        .as_deref()
        .and_then(|l| fw.levels.iter().find(|x| x.id == l))
    {
        Some(l) => format!("{} {} ({})", l.id, l.name.zh, l.name.en),
        None if g.partial => m::PARTIAL_NOT_GRADED.get(lang).to_string(),
        None => m::CON_BELOW.fill(
            lang,
            &[("level", fw.levels.first().map_or("", |l| l.id.as_str()))],
        ),
    };
    let mut lines = vec![m::CON_HEADLINE.fill(
        lang,
        &[
            ("vendor", &d.vendor),
            ("model", &d.model),
            ("category", &d.category),
            ("firmware", &d.firmware),
            ("level", &level),
            (
                "provisional",
                if g.provisional {
                    m::CON_PROVISIONAL.get(lang)
                } else {
                    ""
                },
            ),
        ],
    )];
    if let Some(sel) = results.run.selection.as_ref().filter(|_| g.partial) {
        lines.push(format!(
            "  {}",
            m::NOTICE_PARTIAL.fill(lang, &[("selection", &sel.describe())])
        ));
    }
    if let (Some(declared), Some(false)) = (&g.declared_level, g.meets_declared) {
        lines.push(m::CON_DECLARED_MISSED.fill(lang, &[("level", declared)]));
    }
    // Reasons in full for the first level not held; above it, a count is enough.
    let first_gap = g.ladder.iter().position(|s| !s.held);
    for (i, step) in g.ladder.iter().enumerate() {
        let level = ("level", step.level.as_str());
        let line = match (step.held, Some(i) == first_gap) {
            (true, _) => m::CON_HELD.fill(lang, &[level]),
            (false, true) => if step.incomplete {
                m::CON_STEP_INCOMPLETE
            } else {
                m::CON_NOT_HELD
            }
            .fill(
                lang,
                &[
                    level,
                    ("reasons", &names::ladder_reasons(step, lang).join("; ")),
                ],
            ),
            (false, false) => match step.reasons.len() {
                1 => m::CON_NOT_HELD_ONE.fill(lang, &[level]),
                n => m::CON_NOT_HELD_COUNT.fill(lang, &[level, ("n", &n.to_string())]),
            },
        };
        lines.push(line);
    }
    if let Some(inc) = &g.incomplete {
        lines.push(m::CON_INCOMPLETE.fill(
            lang,
            &[("level", &inc.level), ("cases", &inc.cases.join(", "))],
        ));
    }
    if !g.blocking.is_empty() {
        lines.push(m::CON_BLOCKING.get(lang).to_string());
        for id in &g.blocking {
            let mut reason = String::new();
            if let Some(c) = results.cases.iter().find(|c| &c.id == id) {
                let mut failure = None;
                source.each_trial(c, &mut |t| {
                    if failure.is_none() {
                        failure = trial_failure(t, lang);
                    }
                    Ok(())
                })?;
                reason = failure.unwrap_or_else(|| names::case_reason(c, lang));
            }
            lines.push(format!("    {id}: {reason}"));
        }
    }
    let s = &results.summary;
    lines.push(m::CON_COUNTS.fill(
        lang,
        &[
            ("pass", &s.pass.to_string()),
            ("fail", &s.fail.to_string()),
            ("inconclusive", &s.inconclusive.to_string()),
            ("not_applicable", &s.not_applicable.to_string()),
            ("trials", &s.trials.to_string()),
            ("errors", &s.trial_errors.to_string()),
            (
                "seconds",
                &format!("{:.1}", results.run.duration_ms as f64 / 1000.0),
            ),
        ],
    ));
    if results.run.aborted {
        let why = crate::msg::localise(
            results.run.abort_reason.as_deref().unwrap_or("—"),
            results.run.abort_message.as_ref(),
            lang,
        );
        lines.push(m::CON_ABORTED.fill(lang, &[("reason", &why)]));
    }
    if let Some(i) = &results.run.interrupted {
        let dir = out.display().to_string();
        lines.push(super::names::interrupted(m::CON_INTERRUPTED, i, lang, &dir));
    }
    let path = |f: &str| out.join(f).display().to_string();
    lines.push(m::CON_RESULTS.fill(lang, &[("path", &path("results.json"))]));
    if written.contains(&Format::Html) {
        lines.push(m::CON_REPORT.fill(lang, &[("path", &path("report.html"))]));
    }
    Ok(lines)
}

/// The trial's device error or first failing check's reason; `None` when it has neither.
/// A case's blocking reason is its first trial's that has one.
fn trial_failure(t: &TrialRecord, lang: Lang) -> Option<String> {
    let trial = (t.index + 1).to_string();
    if let Some(e) = &t.error {
        return Some(m::CON_TRIAL_ERROR.fill(
            lang,
            &[("trial", &trial), ("error", &names::device_error(e, lang))],
        ));
    }
    for (i, turn) in t.turns.iter().enumerate() {
        if let Some(c) = turn.checks.iter().find(|c| !c.passed) {
            return Some(m::CON_TRIAL_CHECK.fill(
                lang,
                &[
                    ("trial", &trial),
                    ("turn", &(i + 1).to_string()),
                    ("reason", &names::check_reason(c, lang)),
                ],
            ));
        }
    }
    None
}

/// The console's language, from the locale environment as gettext reads it (`LC_ALL`, then
/// `LC_MESSAGES`, then `LANG`): Chinese for a `zh` locale, English otherwise.
/// What `run --certify` says about the certificate: its number, or each reason it was
/// refused, in the console's language.
pub fn certificate(
    refused: &[crate::msg::Message],
    cert: Option<&crate::lab::Certificate>,
    lang: Lang,
) -> Vec<String> {
    if !refused.is_empty() {
        let mut lines = vec![m::CON_CERT_REFUSED.get(lang).to_string()];
        lines.extend(
            refused
                .iter()
                .map(|why| format!("    - {}", crate::msg::localise(&why.en(), Some(why), lang))),
        );
        return lines;
    }
    cert.map(|c| m::CON_CERT_ISSUED.fill(lang, &[("id", &c.id), ("issued", &c.issued)]))
        .into_iter()
        .collect()
}

/// The heading of the baseline comparison `run --baseline` prints.
pub fn baseline(path: &str, lang: Lang) -> String {
    m::CON_BASELINE.fill(lang, &[("path", path)])
}

pub fn console_lang(var: impl Fn(&str) -> Option<String>) -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| var(k).filter(|v| !v.is_empty()));
    match locale {
        Some(l) if l.starts_with("zh") => Lang::Zh,
        _ => Lang::En,
    }
}

/// The summary as one JSON object for scripts (`run --json`): the same facts as
/// [`summary`], under fixed English keys, with `gate` saying whether `--require-level` or
/// `--require-declared` passed and, if not, why (`shortfall`: indent and English sentence).
pub fn summary_json(
    results: &Results,
    out: &Path,
    shortfall: &[(u8, crate::msg::Message)],
    written: &[Format],
) -> serde_json::Value {
    use serde_json::json;
    let g = &results.grade;
    let d = &results.device;
    let ladder: Vec<_> = g
        .ladder
        .iter()
        .map(|s| json!({"level": s.level, "held": s.held, "reasons": s.reasons}))
        .collect();
    let gate = results.run.required_level.as_ref().map(|req| {
        json!({
            "required_level": req,
            "met": shortfall.is_empty(),
            "why": shortfall
                .iter()
                .map(|(indent, m)| json!({"indent": indent, "text": m.en(), "message": m}))
                .collect::<Vec<_>>(),
        })
    });
    let path = |f: &str| out.join(f).display().to_string();
    json!({
        "device": {
            "vendor": d.vendor,
            "model": d.model,
            "category": d.category,
            "firmware": d.firmware,
        },
        "level": g.level,
        "provisional": g.provisional,
        "partial": g.partial,
        "selection": results.run.selection,
        "declared_level": g.declared_level,
        "meets_declared": g.meets_declared,
        "gate": gate,
        "ladder": ladder,
        "blocking": g.blocking,
        "incomplete": g.incomplete,
        "summary": results.summary,
        "aborted": results.run.aborted,
        "abort_reason": results.run.abort_reason,
        "duration_ms": results.run.duration_ms,
        "results": path("results.json"),
        // Null for a report `--format` left out.
        "report": written.contains(&Format::Html).then(|| path("report.html")),
        "junit": written.contains(&Format::Junit).then(|| path("junit.xml")),
        "markdown": written.contains(&Format::Markdown).then(|| path("summary.md")),
    })
}
