//! The Markdown summary's view model and its escaping. Sized for a CI job summary or a pull
//! request comment: the level, the ladder, what blocks the next level and why, the counts.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::results::{CaseResult, Results, TrialOutcome, TrialRecord, Verdict};
use crate::text::truncate;

use super::messages as m;
use super::names::{self, Names, i18n};
use super::source::TrialSource;
use super::{Lang, ReportError};

/// Blocking cases listed at most; the rest are counted. Keeps a comment under GitHub's limit.
const MAX_BLOCKING: usize = 30;
/// Longest text in one table cell, in bytes.
const MAX_CELL: usize = 300;

#[derive(Serialize)]
pub(super) struct View {
    t: Map<String, Value>,
    level: String,
    provisional: bool,
    device: String,
    declared: String,
    verdicts: String,
    framework: String,
    framework_sha256: String,
    suite_sha256: String,
    harness: String,
    seed: String,
    notices: Vec<String>,
    ladder: Vec<LadderLine>,
    blocking: Vec<BlockingLine>,
    more_blocking: Option<String>,
    /// Verdict counts per clause of the standard, so a lab can read results beside the text.
    clauses: Vec<ClauseLine>,
}

#[derive(Serialize)]
struct ClauseLine {
    clause: String,
    pass: u32,
    fail: u32,
    inconclusive: u32,
    not_applicable: u32,
}

#[derive(Serialize)]
struct LadderLine {
    level: String,
    mark: &'static str,
    held: &'static str,
    reasons: String,
}

#[derive(Serialize)]
struct BlockingLine {
    case: String,
    level: String,
    verdict: String,
    check: String,
}

/// The trials come from `source`, a case at a time: all of them once for the notices' tally of
/// tool use, then the blocking cases listed, for their first failure.
pub(super) fn view(
    r: &Results,
    lang: Lang,
    source: &mut dyn TrialSource,
) -> Result<View, ReportError> {
    let names = Names {
        fw: &r.framework.definition,
        lang,
    };
    let s = &r.summary;
    let level = match &r.grade.level {
        Some(id) => match names.level_ref(id) {
            Some(l) => format!("{} {} {}", l.id, l.name.zh, l.name.en),
            None => id.clone(),
        },
        None => names.no_level(r, lang),
    };
    let declared = match (&r.grade.declared_level, r.grade.meets_declared) {
        (Some(d), Some(true)) => format!("{} — ✅ {}", names.level(d), m::DECLARED_MET.get(lang)),
        (Some(d), None) if r.grade.partial => {
            format!(
                "{} — {}",
                names.level(d),
                m::DECLARED_NOT_EVALUATED.get(lang)
            )
        }
        (Some(d), _) => format!("{} — ❌ {}", names.level(d), m::DECLARED_NOT_MET.get(lang)),
        (None, _) => m::DECLARED_NONE.get(lang).to_string(),
    };
    let mut tools = names::ToolUse::default();
    for c in &r.cases {
        source.each_trial(c, &mut |t| {
            tools.add([t]);
            Ok(())
        })?;
    }
    let notices = names::notices_with(r, &names, &tools)
        .into_iter()
        .map(|(_, text)| truncate(&text, MAX_CELL * 2))
        .collect();
    let blocking_cases: Vec<&CaseResult> = r
        .grade
        .blocking
        .iter()
        .filter_map(|id| r.cases.iter().find(|c| &c.id == id))
        .collect();
    let unknown = r.grade.blocking.len() - blocking_cases.len();
    let hidden = blocking_cases.len().saturating_sub(MAX_BLOCKING) + unknown;
    let mut blocking = Vec::new();
    for c in blocking_cases.into_iter().take(MAX_BLOCKING) {
        let mut failure = None;
        source.each_trial(c, &mut |t| {
            if failure.is_none() && t.outcome != TrialOutcome::Pass {
                failure = Some(trial_failure(c, t, lang));
            }
            Ok(())
        })?;
        let check = truncate(
            &failure.unwrap_or_else(|| names::case_reason(c, lang)),
            MAX_CELL,
        );
        blocking.push(BlockingLine {
            case: truncate(&format!("{} {}", c.id, i18n(&c.title, lang)), MAX_CELL),
            level: names.level(&c.level),
            verdict: truncate(
                &format!(
                    "{}{}{}",
                    names::verdict(c.verdict, lang),
                    m::COLON.get(lang),
                    names::case_reason(c, lang)
                ),
                MAX_CELL,
            ),
            check,
        });
    }
    Ok(View {
        t: m::table(lang),
        level,
        provisional: r.grade.provisional,
        device: format!(
            "{} {} · {} · {}",
            r.device.vendor, r.device.model, r.device.category, r.device.firmware
        ),
        declared,
        verdicts: m::VERDICT_COUNTS.fill(
            lang,
            &[
                ("pass", &s.pass.to_string()),
                ("fail", &s.fail.to_string()),
                ("inconclusive", &s.inconclusive.to_string()),
                ("not_applicable", &s.not_applicable.to_string()),
                ("cases", &s.cases.to_string()),
                ("trials", &s.trials.to_string()),
                ("errors", &s.trial_errors.to_string()),
            ],
        ),
        framework: format!(
            "{} {}",
            r.framework.definition.name.get(lang == Lang::Zh),
            r.framework.definition.version
        ),
        framework_sha256: r.framework.sha256.clone(),
        suite_sha256: r.suite.sha256.clone(),
        harness: format!("{} {}", r.harness.name, r.harness.version),
        seed: r.run.seed.to_string(),
        notices,
        ladder: r
            .grade
            .ladder
            .iter()
            .map(|step| LadderLine {
                level: names.level(&step.level),
                mark: match (step.held, step.incomplete) {
                    (true, _) => "✅",
                    (false, true) => "❔",
                    (false, false) => "❌",
                },
                held: match (step.held, step.incomplete) {
                    (true, _) => m::HELD_YES,
                    (false, true) => m::HELD_INCOMPLETE,
                    (false, false) => m::HELD_NO,
                }
                .get(lang),
                reasons: if step.reasons.is_empty() {
                    "—".to_string()
                } else {
                    whole_reasons(&names::ladder_reasons(step, lang), MAX_CELL * 2, lang)
                },
            })
            .collect(),
        blocking,
        more_blocking: (hidden > 0).then(|| m::MORE.fill(lang, &[("n", &hidden.to_string())])),
        clauses: by_clause(r),
    })
}

/// As many whole reasons as fit in about `max` bytes (always the first), then how many more
/// there are: a sentence is never cut in the middle.
fn whole_reasons(reasons: &[String], max: usize, lang: Lang) -> String {
    let mut out = String::new();
    let mut shown = 0;
    for r in reasons {
        if shown > 0 && out.len() + r.len() + 2 > max {
            break;
        }
        if shown > 0 {
            out.push_str("; ");
        }
        out.push_str(r);
        shown += 1;
    }
    if shown < reasons.len() {
        out.push_str("; ");
        out.push_str(&m::MORE.fill(lang, &[("n", &(reasons.len() - shown).to_string())]));
    }
    out
}

fn by_clause(r: &Results) -> Vec<ClauseLine> {
    let mut map: std::collections::BTreeMap<&str, [u32; 4]> = std::collections::BTreeMap::new();
    for c in &r.cases {
        let slot = match c.verdict {
            Verdict::Pass => 0,
            Verdict::Fail => 1,
            Verdict::Inconclusive => 2,
            Verdict::NotApplicable => 3,
        };
        map.entry(c.clause.as_str()).or_default()[slot] += 1;
    }
    map.into_iter()
        .map(
            |(clause, [pass, fail, inconclusive, not_applicable])| ClauseLine {
                clause: truncate(clause, MAX_CELL),
                pass,
                fail,
                inconclusive,
                not_applicable,
            },
        )
        .collect()
}

/// Why a failing trial (the case's first) failed: its first failing check, or the device
/// error that ended it; the case's own reason when the trial says no more.
fn trial_failure(c: &CaseResult, trial: &TrialRecord, lang: Lang) -> String {
    for turn in &trial.turns {
        if let Some(check) = turn.checks.iter().find(|ch| !ch.passed) {
            let (kind, _) = names::check_parts(&check.check);
            return format!(
                "{kind}{}{}",
                m::COLON.get(lang),
                names::check_reason(check, lang)
            );
        }
        if let Some(e) = &turn.error {
            return format!(
                "{}{}{}",
                m::DEVICE_ERROR.get(lang),
                m::COLON.get(lang),
                names::device_error(e, lang)
            );
        }
    }
    match &trial.error {
        Some(e) => format!(
            "{}{}{}",
            m::DEVICE_ERROR.get(lang),
            m::COLON.get(lang),
            names::device_error(e, lang)
        ),
        None => names::case_reason(c, lang),
    }
}

/// U+2060 WORD JOINER: invisible, and it breaks what GitHub would otherwise turn into a
/// mention (`@everyone`), an issue reference or an autolink (`http://…`, `www.…`).
const JOINER: char = '\u{2060}';

/// Escape text for Markdown (summary.md, diff.md, the GitHub step summary), since device and
/// suite text lands in pull-request comments: table pipes, HTML angle brackets and entities,
/// code spans, links, emphasis and strike-through (`* _ ~`), backslashes and newlines (which
/// would end a table row); mentions, `#123` references and autolinks are broken with a word
/// joiner. Other text, Chinese included, is left as it is.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let s = s.replace('\r', "");
    let s = crate::text::visible_controls(&s);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '|' | '`' | '[' | ']' | '*' | '_' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push(' '),
            '@' | '#' => {
                out.push(c);
                out.push(JOINER);
            }
            ':' if chars.peek() == Some(&'/') => {
                out.push(c);
                out.push(JOINER);
            }
            '.' if out.len() >= 3
                && out.as_bytes()[out.len() - 3..].eq_ignore_ascii_case(b"www") =>
            {
                out.push(JOINER);
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ladder_reasons_are_never_cut_mid_sentence() {
        let reasons: Vec<String> = (0..40)
            .map(|i| format!("mandatory case phone.case-{i:02} failed"))
            .collect();
        let text = whole_reasons(&reasons, 600, Lang::En);
        assert!(text.len() < 700, "{text}");
        let (listed, more) = text.rsplit_once("; ").unwrap();
        for part in listed.split("; ") {
            assert!(reasons.contains(&part.to_string()), "cut: {part}");
        }
        let n = listed.split("; ").count();
        assert_eq!(more, format!("{} more not listed", 40 - n));
        assert_eq!(
            whole_reasons(&reasons[..2], 600, Lang::En),
            reasons[..2].join("; ")
        );
    }

    #[test]
    fn escape_neutralises_markdown_and_html() {
        assert_eq!(escape("a|b"), r"a\|b");
        assert_eq!(escape("<script>"), "&lt;script&gt;");
        assert_eq!(escape("`code`"), r"\`code\`");
        assert_eq!(
            escape("[x](javascript:alert(1))"),
            r"\[x\](javascript:alert(1))"
        );
        assert_eq!(escape("[x](http://evil)"), "\\[x\\](http:\u{2060}//evil)");
        assert_eq!(escape("@everyone"), "@\u{2060}everyone");
        assert_eq!(escape("#12"), "#\u{2060}12");
        assert_eq!(
            escape("**bold** _i_ ~~s~~"),
            r"\*\*bold\*\* \_i\_ \~\~s\~\~"
        );
        assert_eq!(
            escape("see www.evil.example"),
            "see www\u{2060}.evil.example"
        );
        assert_eq!(escape("<img src=x>"), "&lt;img src=x&gt;");
        // Chinese text passes as it is.
        assert_eq!(
            escape("已为你设置明天 07:00 的闹钟。"),
            "已为你设置明天 07:00 的闹钟。"
        );
        assert_eq!(escape("a\r\nb"), "a b");
        assert_eq!(escape("a\u{202E}b\u{2066}"), r"a\[U+202E\]b\[U+2066\]");
        assert_eq!(escape(r"\|"), r"\\\|");
        assert_eq!(escape("&lt;"), "&amp;lt;");
    }
}
