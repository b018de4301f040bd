//! The HTML report's view model: everything the template shows, computed, labelled and ordered
//! here. Device text is carried as plain strings; the template escapes it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::device::DeviceError;
use crate::device::protocol::{Input, Media, Turn};
use crate::results::{
    CaseResult, FileRef, FixtureData, Judgement, LevelScore, ModeSummary, Results, TrialOutcome,
    TrialRecord, TrialStats, TurnRecord, Verdict,
};
use crate::suite::model::{Mode, PassRule};
use crate::text::truncate;

use super::charts::{self, Histogram, ScoreBar};
use super::evidence::{
    self, ActionView, BriefTrial, CaseView, CheckView, ErrorView, EventView, Evidence,
    EvidenceView, FixtureLink, InputView, JudgementView, MediaView, ResponseView, TrialView,
    TurnView,
};
use super::messages::{self as m, Msg};
use super::names::{self, Names, i18n};
use super::source::TrialSource;
use super::{Lang, ReportError, SCRIPT, STYLE, csp};

/// Longest device text shown per field; beyond it the report would only grow, not inform.
const MAX_TEXT: usize = 64 * 1024;
/// Longest failure reason in a summarised trial's line, in characters. The harness's
/// sentences quote device text already cut at scoring, so a real reason fits whole; only a
/// hostile one (a device error of any length) is cut, marked `…`.
const MAX_BRIEF: usize = 600;
/// Largest base64 media embedded per item; larger stimuli or speech are only described.
const MAX_MEDIA_B64: usize = 2 * 1024 * 1024;
/// Per case, the passing trials shown with their whole transcript; later passing trials are
/// one line each. Beyond a few, passing transcripts repeat one another, and a 10,000-trial run
/// would otherwise give a page too large to open (docs/reports.md has the measurements).
const FULL_PASSING: usize = 3;
/// Per case, the failed or errored trials shown with their whole transcript. They are the
/// evidence a reader looks for, so more are kept, but still a bounded number.
const FULL_NOT_PASSING: usize = 10;
/// Deflate level of each case's packed evidence: fixed, so the same results give the same
/// bytes; 6 is zlib's default balance of size and time.
const PACK_LEVEL: u8 = 6;
/// The largest evidence, in bytes of HTML, written as it is rather than packed: below about
/// this, deflate and base64 give back hardly fewer bytes than they take.
const INLINE_MAX: usize = 2048;
/// Opens and closes a case's packed evidence in the page; [`unpack_evidence`] and
/// `templates/report.js` look for exactly these bytes.
const PACKED_OPEN: &str = "<div class=\"evidence\" data-z=\"";
const PACKED_CLOSE: &str = "</div>";

#[derive(Serialize)]
pub(super) struct View<'a> {
    lang: &'static str,
    t: Map<String, Value>,
    csp: String,
    style: &'static str,
    script: &'static str,
    title: String,
    generator: String,
    subject: String,
    certificate: super::certificate::CertificateView,
    badge: Badge,
    declared: Declared,
    blocking: Vec<CaseLink>,
    notices: Vec<Notice>,
    device_rows: Vec<Row>,
    run_rows: Vec<Row>,
    suite_files: &'a [FileRef],
    suite_file_count: usize,
    tiles: Vec<Tile>,
    ladder: Vec<LadderRow>,
    scores: Vec<LevelScores>,
    latency: Option<Histogram>,
    modes: Vec<ModeRow>,
    filters: Filters,
    /// Every case's rows, written by [`evidence::case_row`]; the page's `cases` slot.
    #[serde(skip)]
    cases_html: Spool,
    /// Said above the case table when some trials are only summarised.
    brief_note: Option<String>,
    has_fixtures: bool,
    #[serde(skip)]
    language: Lang,
    /// The run's fixtures by path, each embedded once: the page's `fixtures` slot.
    #[serde(skip)]
    fixtures: Vec<&'a FixtureData>,
    footer: String,
}

impl View<'_> {
    /// What the page's slot `name` holds (`templates/report.html.hbs`).
    pub(super) fn write_slot(
        &self,
        name: &str,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        match name {
            "cases" => self.cases_html.copy_to(out),
            "fixtures" => {
                let lang = self.language;
                let mut row = String::new();
                for f in &self.fixtures {
                    row.clear();
                    fixture_row(f, lang, &mut row);
                    out.write_all(row.as_bytes())?;
                }
                Ok(())
            }
            _ => Err(std::io::Error::other(format!(
                "the page has no slot `{name}`"
            ))),
        }
    }
}

#[derive(Serialize)]
struct Badge {
    code: Option<String>,
    zh: String,
    en: String,
    /// 1-based position of the level in the framework, 0 below L1: picks the colour.
    rank: usize,
    provisional: bool,
}

#[derive(Serialize)]
struct Declared {
    text: String,
    /// `met`, `not-met` or `none`.
    class: &'static str,
}

#[derive(Serialize)]
struct CaseLink {
    id: String,
    anchor: String,
    /// False when the id names no case in the results: shown, but not as a dead link.
    linked: bool,
}

#[derive(Serialize)]
struct Notice {
    /// `info` or `warn`.
    class: &'static str,
    text: String,
}

#[derive(Serialize)]
struct Row {
    label: &'static str,
    value: String,
    /// Hashes and ids: monospaced and breakable anywhere.
    mono: bool,
}

#[derive(Serialize)]
struct Tile {
    label: &'static str,
    value: u32,
    class: &'static str,
}

#[derive(Serialize)]
struct LadderRow {
    id: String,
    name: String,
    summary: String,
    clause: String,
    provisional: bool,
    /// `held`, `not-held` or `not-graded`.
    status: &'static str,
    status_label: &'static str,
    mark: &'static str,
    thresholds: Option<String>,
    thresholds_provisional: bool,
    pass_rules: Option<String>,
    reasons: Vec<String>,
    blocking: Vec<CaseLink>,
}

#[derive(Serialize)]
struct LevelScores {
    id: String,
    name: String,
    thresholds_provisional: bool,
    rows: Vec<ScoreRow>,
}

#[derive(Serialize)]
struct ScoreRow {
    name: String,
    primary: bool,
    overall: bool,
    value: String,
    counts: String,
    threshold: Option<String>,
    bar: Option<ScoreBar>,
    below: bool,
}

#[derive(Serialize)]
struct ModeRow {
    label: &'static str,
    total: bool,
    cases: u32,
    pass: u32,
    fail: u32,
    inconclusive: u32,
    not_applicable: u32,
}

#[derive(Serialize)]
struct Filters {
    levels: Vec<Opt>,
    elements: Vec<Opt>,
    verdicts: Vec<Opt>,
    modes: Vec<Opt>,
}

#[derive(Serialize)]
struct Opt {
    value: String,
    label: String,
}

pub(super) fn view<'a>(
    r: &'a Results,
    lang: Lang,
    source: &mut dyn TrialSource,
) -> Result<View<'a>, ReportError> {
    let names = Names {
        fw: &r.framework.definition,
        lang,
    };
    let case_ids: Vec<&str> = r.cases.iter().map(|c| c.id.as_str()).collect();
    let link = |id: &String| CaseLink {
        id: id.clone(),
        anchor: anchor(id),
        linked: case_ids.contains(&id.as_str()),
    };
    let pass = cases(r, &names, source)?;
    let notice_list = names::notices_with(r, &names, &pass.tools);
    let digest = source.results_digest(r);
    let subject = format!("{} {}", r.device.vendor, r.device.model);
    Ok(View {
        lang: lang.as_str(),
        t: m::table(lang),
        csp: csp::policy(STYLE, SCRIPT),
        style: STYLE,
        script: SCRIPT,
        title: format!("{} — {}", m::REPORT_TITLE.get(lang), subject),
        generator: format!("{} {}", r.harness.name, r.harness.version),
        subject,
        certificate: super::certificate::view(r, &names, &notice_list, &digest),
        badge: badge(r, &names),
        declared: declared(r, &names),
        blocking: r.grade.blocking.iter().map(&link).collect(),
        notices: notices(notice_list),
        device_rows: device_rows(r, lang),
        run_rows: run_rows(r, lang),
        suite_files: &r.suite.files,
        suite_file_count: r.suite.files.len(),
        tiles: tiles(r, lang),
        ladder: ladder(r, &names, &link),
        scores: scores(r, &names),
        latency: charts::latency_histogram(&pass.latencies.concat(), lang),
        modes: modes(r, lang),
        filters: filters(r, &names),
        brief_note: brief_note(pass.brief, lang),
        cases_html: pass.rows,
        has_fixtures: !r.fixtures.is_empty(),
        language: lang,
        fixtures: sorted_fixtures(r),
        footer: m::GENERATED_BY.fill(
            lang,
            &[
                (
                    "harness",
                    &format!("{} {}", r.harness.name, r.harness.version),
                ),
                ("schema", &r.schema),
            ],
        ),
    })
}

fn anchor(id: &str) -> String {
    format!("case-{id}")
}

fn badge(r: &Results, names: &Names) -> Badge {
    match &r.grade.level {
        Some(id) => {
            let level = names.level_ref(id);
            Badge {
                code: Some(id.clone()),
                zh: level.map_or_else(String::new, |l| l.name.zh.clone()),
                en: level.map_or_else(String::new, |l| l.name.en.clone()),
                rank: level.map_or(0, |_| names.level_rank(id) + 1),
                provisional: r.grade.provisional,
            }
        }
        None => Badge {
            code: None,
            zh: names.no_level(r, Lang::Zh),
            en: names.no_level(r, Lang::En),
            rank: 0,
            provisional: false,
        },
    }
}

fn declared(r: &Results, names: &Names) -> Declared {
    let lang = names.lang;
    match (&r.grade.declared_level, r.grade.meets_declared) {
        (Some(level), met) => {
            let (word, class) = match met {
                None if r.grade.partial => (m::DECLARED_NOT_EVALUATED, "none"),
                Some(true) => (m::DECLARED_MET, "met"),
                Some(false) | None => (m::DECLARED_NOT_MET, "not-met"),
            };
            Declared {
                text: format!("{} — {}", names.level(level), word.get(lang)),
                class,
            }
        }
        (None, _) => Declared {
            text: m::DECLARED_NONE.get(lang).to_string(),
            class: "none",
        },
    }
}

fn notices(list: Vec<(bool, String)>) -> Vec<Notice> {
    list.into_iter()
        .map(|(warning, text)| Notice {
            class: if warning { "warn" } else { "info" },
            text,
        })
        .collect()
}

fn row(label: Msg, lang: Lang, value: impl Into<String>) -> Row {
    Row {
        label: label.get(lang),
        value: value.into(),
        mono: false,
    }
}

fn mono(label: Msg, lang: Lang, value: impl Into<String>) -> Row {
    Row {
        mono: true,
        ..row(label, lang, value)
    }
}

fn device_rows(r: &Results, lang: Lang) -> Vec<Row> {
    let d = &r.device;
    let none = || m::NONE.get(lang).to_string();
    let mut rows = vec![
        row(m::VENDOR, lang, &d.vendor),
        row(m::MODEL, lang, &d.model),
        row(m::CATEGORY, lang, category(r, lang)),
        row(m::FIRMWARE, lang, &d.firmware),
        row(
            m::DECLARED_LEVEL,
            lang,
            d.declared_level.clone().unwrap_or_else(none),
        ),
        row(
            m::FEATURES,
            lang,
            if d.features.is_empty() {
                none()
            } else {
                features(r, lang)
            },
        ),
        row(m::ADAPTER, lang, &d.adapter),
        mono(m::PROFILE, lang, &d.profile),
        mono(m::PROFILE_SHA256, lang, &d.profile_sha256),
    ];
    let reported = match &d.info {
        None => m::NOT_REPORTED.get(lang).to_string(),
        Some(info) => {
            let mut s = format!(
                "{} · {} {} · {} · {}",
                info.protocol, info.vendor, info.model, info.category, info.firmware
            );
            if let Some(mi) = &info.model_info {
                let place = if mi.on_device {
                    m::ON_DEVICE
                } else {
                    m::OFF_DEVICE
                };
                s.push_str(&format!(
                    " · {}: {} {} ({})",
                    m::AI_MODEL.get(lang),
                    mi.name,
                    mi.version,
                    place.get(lang)
                ));
            }
            s
        }
    };
    rows.push(row(m::REPORTED_INFO, lang, truncate(&reported, MAX_TEXT)));
    rows
}

/// The category as the framework names it, with its part of the standard: "手机 (phone, 177.3)".
fn category(r: &Results, lang: Lang) -> String {
    let id = &r.device.category;
    match r
        .framework
        .definition
        .categories
        .iter()
        .find(|c| &c.id == id)
    {
        Some(c) => format!("{} ({id}, {})", i18n(&c.name, lang), c.part),
        None => id.clone(),
    }
}

fn features(r: &Results, lang: Lang) -> String {
    let name = |id: &String| {
        r.framework
            .definition
            .features
            .iter()
            .find(|f| &f.id == id)
            .map_or_else(|| id.clone(), |f| format!("{} ({id})", i18n(&f.name, lang)))
    };
    r.device
        .features
        .iter()
        .map(name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn run_rows(r: &Results, lang: Lang) -> Vec<Row> {
    let none = || m::NONE.get(lang).to_string();
    let mut rows = vec![
        row(
            m::FRAMEWORK,
            lang,
            format!(
                "{} {}",
                r.framework.definition.name.get(lang == Lang::Zh),
                r.framework.definition.version
            ),
        ),
        mono(m::FRAMEWORK_SHA256, lang, &r.framework.sha256),
        mono(m::SUITE, lang, &r.suite.path),
        mono(m::SUITE_SHA256, lang, &r.suite.sha256),
        row(
            m::HARNESS,
            lang,
            format!("{} {}", r.harness.name, r.harness.version),
        ),
        mono(m::SEED, lang, r.run.seed.to_string()),
        row(m::LOCALE, lang, &r.run.locale),
        row(
            m::TRIALS_OVERRIDE,
            lang,
            r.run.trials_override.map_or_else(none, |n| n.to_string()),
        ),
        row(m::CONCURRENCY, lang, r.run.concurrency.to_string()),
        row(
            m::TURN_TIMEOUT,
            lang,
            names::duration_ms(r.run.turn_timeout_ms),
        ),
        mono(
            m::STARTED,
            lang,
            super::certificate::time(r, &r.run.started_at),
        ),
        mono(
            m::FINISHED,
            lang,
            super::certificate::time(r, &r.run.finished_at),
        ),
        row(m::DURATION, lang, names::duration_ms(r.run.duration_ms)),
    ];
    // Results made before phrasing pools record no mode; their page stays as it was.
    if let Some(p) = r.run.phrasing {
        let text = match p {
            crate::suite::phrasing::Phrasing::Drawn => m::PHRASING_DRAWN,
            crate::suite::phrasing::Phrasing::Canonical => m::PHRASING_CANONICAL,
        };
        let after_seed = rows
            .iter()
            .position(|x| x.label == m::SEED.get(lang))
            .map_or(rows.len(), |i| i + 1);
        rows.insert(after_seed, row(m::PHRASING, lang, text.get(lang)));
    }
    rows
}

fn tiles(r: &Results, lang: Lang) -> Vec<Tile> {
    let s = &r.summary;
    let tile = |label: Msg, value, class| Tile {
        label: label.get(lang),
        value,
        class,
    };
    vec![
        tile(m::CASES, s.cases, "total"),
        tile(m::VERDICT_PASS, s.pass, "v-pass"),
        tile(m::VERDICT_FAIL, s.fail, "v-fail"),
        tile(m::VERDICT_INCONCLUSIVE, s.inconclusive, "v-inconclusive"),
        tile(
            m::VERDICT_NOT_APPLICABLE,
            s.not_applicable,
            "v-not_applicable",
        ),
        tile(m::TRIALS, s.trials, "total"),
        tile(
            m::TRIAL_ERRORS,
            s.trial_errors,
            if s.trial_errors > 0 {
                "v-fail"
            } else {
                "total"
            },
        ),
    ]
}

fn ladder(r: &Results, names: &Names, link: &dyn Fn(&String) -> CaseLink) -> Vec<LadderRow> {
    let lang = names.lang;
    let mut rows: Vec<LadderRow> = r
        .framework
        .definition
        .levels
        .iter()
        .map(|level| {
            let step = r.grade.ladder.iter().find(|s| s.level == level.id);
            let (status, label, mark) = match step {
                Some(s) if s.held => ("held", m::HELD_YES, "✓"),
                Some(s) if s.incomplete => ("incomplete", m::HELD_INCOMPLETE, "?"),
                Some(_) => ("not-held", m::HELD_NO, "✗"),
                None => ("not-graded", m::NOT_GRADED, "–"),
            };
            LadderRow {
                id: level.id.clone(),
                name: i18n(&level.name, lang).to_string(),
                summary: i18n(&level.summary, lang).to_string(),
                clause: level.clause.clone(),
                provisional: level.provisional || step.is_some_and(|s| s.provisional),
                status,
                status_label: label.get(lang),
                mark,
                thresholds: Some(m::THRESHOLDS_TEXT.fill(
                    lang,
                    &[
                        ("primary", &names::pct(level.thresholds.primary_element_min)),
                        ("overall", &names::pct(level.thresholds.overall_min)),
                    ],
                )),
                thresholds_provisional: level.thresholds.provisional,
                pass_rules: pass_rules(r, &level.id, lang),
                reasons: step
                    .map(|s| names::ladder_reasons(s, lang))
                    .unwrap_or_default(),
                blocking: step
                    .map(|s| s.blocking_cases.iter().map(link).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    // Steps for levels the framework does not list would be a grading defect; show them
    // rather than hide evidence.
    for step in r
        .grade
        .ladder
        .iter()
        .filter(|s| names.level_ref(&s.level).is_none())
    {
        let (status, label, mark) = if step.held {
            ("held", m::HELD_YES, "✓")
        } else {
            ("not-held", m::HELD_NO, "✗")
        };
        rows.push(LadderRow {
            id: step.level.clone(),
            name: String::new(),
            summary: String::new(),
            clause: String::new(),
            provisional: step.provisional,
            status,
            status_label: label.get(lang),
            mark,
            thresholds: None,
            thresholds_provisional: false,
            pass_rules: None,
            reasons: names::ladder_reasons(step, lang),
            blocking: step.blocking_cases.iter().map(link).collect(),
        });
    }
    rows
}

/// How the level turns trials into verdicts, from the framework definition in the results.
fn pass_rules(r: &Results, level: &str, lang: Lang) -> Option<String> {
    let def = r
        .framework
        .definition
        .levels
        .iter()
        .find(|l| l.id == level)?;
    let rule = |rule: PassRule| match rule {
        PassRule::All { min_valid } => {
            m::RULE_ALL.fill(lang, &[("min_valid", &min_valid.to_string())])
        }
        PassRule::Rate {
            min_rate,
            min_valid,
        } => m::RULE_RATE.fill(
            lang,
            &[
                ("rate", &names::pct(min_rate)),
                ("min_valid", &min_valid.to_string()),
            ],
        ),
    };
    Some(m::PASS_RULES_TEXT.fill(
        lang,
        &[
            ("mandatory", &rule(def.pass_rules.mandatory)),
            ("optional", &rule(def.pass_rules.optional)),
            ("trials", &def.default_trials.to_string()),
        ],
    ))
}

fn scores(r: &Results, names: &Names) -> Vec<LevelScores> {
    let mut levels: Vec<&LevelScore> = r.scores.iter().collect();
    levels.sort_by_key(|s| names.level_rank(&s.level));
    levels
        .into_iter()
        .map(|s| {
            let level = names.level_ref(&s.level);
            let mut elements: Vec<_> = s.elements.iter().collect();
            elements.sort_by_key(|e| names.element_rank(&e.element));
            let mut rows: Vec<ScoreRow> = elements
                .into_iter()
                .map(|e| {
                    // Only primary elements have a threshold of their own.
                    let threshold = level
                        .filter(|_| e.primary)
                        .map(|l| l.thresholds.primary_element_min);
                    ScoreRow {
                        primary: e.primary,
                        ..score_row(
                            names,
                            names.element(&e.element),
                            e.score,
                            threshold,
                            (e.passed, e.applicable),
                        )
                    }
                })
                .collect();
            rows.push(ScoreRow {
                overall: true,
                ..score_row(
                    names,
                    m::OVERALL.get(names.lang).to_string(),
                    s.overall,
                    level.map(|l| l.thresholds.overall_min),
                    (s.passed, s.applicable),
                )
            });
            LevelScores {
                id: s.level.clone(),
                name: names.level(&s.level),
                thresholds_provisional: level.is_some_and(|l| l.thresholds.provisional),
                rows,
            }
        })
        .collect()
}

fn score_row(
    names: &Names,
    name: String,
    score: Option<f64>,
    threshold: Option<f64>,
    (passed, applicable): (u32, u32),
) -> ScoreRow {
    ScoreRow {
        name,
        primary: false,
        overall: false,
        value: score.map_or_else(|| m::NO_SCORE.get(names.lang).to_string(), names::pct),
        counts: format!("{passed}/{applicable}"),
        threshold: threshold.map(names::pct),
        bar: score.map(|s| charts::score_bar(s, threshold)),
        below: score.is_some_and(|s| charts::below(s, threshold)),
    }
}

/// The runner's per-mode split, in mode order, and the totals from the summary.
fn modes(r: &Results, lang: Lang) -> Vec<ModeRow> {
    let mut split: Vec<&ModeSummary> = r.modes.iter().collect();
    split.sort_by_key(|s| MODES.iter().position(|m| *m == s.mode));
    let mut rows: Vec<ModeRow> = split
        .into_iter()
        .map(|s| ModeRow {
            label: names::mode(s.mode, lang),
            total: false,
            cases: s.cases,
            pass: s.pass,
            fail: s.fail,
            inconclusive: s.inconclusive,
            not_applicable: s.not_applicable,
        })
        .collect();
    let t = &r.summary;
    rows.push(ModeRow {
        label: m::TOTAL.get(lang),
        total: true,
        cases: t.cases,
        pass: t.pass,
        fail: t.fail,
        inconclusive: t.inconclusive,
        not_applicable: t.not_applicable,
    });
    rows
}

const VERDICTS: [Verdict; 4] = [
    Verdict::Pass,
    Verdict::Fail,
    Verdict::Inconclusive,
    Verdict::NotApplicable,
];
const MODES: [Mode; 3] = [Mode::EndSide, Mode::DeviceCloud, Mode::Any];

/// Filter choices: only values that occur, in framework order.
fn filters(r: &Results, names: &Names) -> Filters {
    let mut levels: Vec<&str> = r.cases.iter().map(|c| c.level.as_str()).collect();
    levels.sort_by_key(|l| (names.level_rank(l), *l));
    levels.dedup();
    let mut elements: Vec<&str> = r.cases.iter().map(|c| c.element.as_str()).collect();
    elements.sort_by_key(|e| (names.element_rank(e), *e));
    elements.dedup();
    Filters {
        levels: levels
            .into_iter()
            .map(|l| Opt {
                value: l.to_string(),
                label: names.level(l),
            })
            .collect(),
        elements: elements
            .into_iter()
            .map(|e| Opt {
                value: e.to_string(),
                label: names.element(e),
            })
            .collect(),
        verdicts: VERDICTS
            .into_iter()
            .filter(|v| r.cases.iter().any(|c| c.verdict == *v))
            .map(|v| Opt {
                value: v.as_str().to_string(),
                label: names::verdict(v, names.lang).to_string(),
            })
            .collect(),
        modes: MODES
            .into_iter()
            .filter(|md| r.cases.iter().any(|c| c.mode == *md))
            .map(|md| Opt {
                value: md.as_str().to_string(),
                label: names::mode(md, names.lang).to_string(),
            })
            .collect(),
    }
}

/// What one pass over the trials, a case at a time, gives the page.
struct Pass {
    rows: Spool,
    /// Every turn's latency, per case in the results' order, so the histogram's sums are
    /// taken in one order whatever order the cases are shown in.
    latencies: Vec<Vec<f64>>,
    /// How many trials of the whole run are only summarised.
    brief: usize,
    tools: names::ToolUse,
}

/// All cases, by level in framework order, then by id, each with its trials from `source`.
fn cases(r: &Results, names: &Names, source: &mut dyn TrialSource) -> Result<Pass, ReportError> {
    let mut sorted: Vec<(usize, &CaseResult)> = r.cases.iter().enumerate().collect();
    sorted.sort_by(|(_, a), (_, b)| {
        (names.level_rank(&a.level), &a.id).cmp(&(names.level_rank(&b.level), &b.id))
    });
    let mut pass = Pass {
        rows: Spool::default(),
        latencies: vec![Vec::new(); r.cases.len()],
        brief: 0,
        tools: names::ToolUse::default(),
    };
    let mut packer = Packer::new(names.lang);
    let mut row = String::new();
    for (i, c) in sorted {
        let blocking = r.grade.blocking.contains(&c.id);
        let mut shown = Shown::default();
        let latencies = &mut pass.latencies[i];
        let tools = &mut pass.tools;
        source.each_trial(c, &mut |t| {
            latencies.extend(t.turns.iter().map(|t| t.latency_ms));
            tools.add([t]);
            shown.add(t, names.lang, &r.fixtures);
            Ok(())
        })?;
        let (view, brief) = case_view(c, shown, names, blocking, &mut packer);
        pass.brief += brief;
        row.clear();
        evidence::case_row(&view, names.lang, &mut row);
        pass.rows.push(&row).map_err(|source| ReportError::Write {
            format: "html",
            source,
        })?;
    }
    Ok(pass)
}

/// Above this many bytes the case rows go to a temporary file instead of memory.
const SPOOL_IN_MEMORY: usize = 4 << 20;

/// The case table's rows, in the order written: in memory while small, then in an anonymous
/// temporary file, so a page of 100,000 trials does not hold its evidence (tens of MB) in
/// memory until the head before the table, which needs every case seen, is written.
#[derive(Default)]
struct Spool {
    text: String,
    /// Written a case's row at a time, each one write.
    file: Option<std::fs::File>,
}

impl Spool {
    fn push(&mut self, row: &str) -> std::io::Result<()> {
        use std::io::Write;
        if let Some(f) = &mut self.file {
            return f.write_all(row.as_bytes());
        }
        self.text.push_str(row);
        if self.text.len() > SPOOL_IN_MEMORY {
            let mut f = tempfile::tempfile()?;
            f.write_all(self.text.as_bytes())?;
            self.text = String::new();
            self.file = Some(f);
        }
        Ok(())
    }

    /// Write every row, in order, into `out`.
    fn copy_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        use std::io::Seek;
        out.write_all(self.text.as_bytes())?;
        if let Some(mut f) = self.file.as_ref() {
            f.seek(std::io::SeekFrom::Start(0))?;
            std::io::copy(&mut f, out)?;
        }
        Ok(())
    }
}

/// Lays out one case's trials ([`evidence::write`]) and packs them: deflated at a fixed
/// level, then base64, so the same trials always give the same bytes.
struct Packer {
    lang: Lang,
    deflater: Deflater,
    html: String,
}

/// zlib deflate at [`PACK_LEVEL`] with one compressor for the whole page: a fresh one
/// allocates and clears about 300 KB of tables, more than most cases' evidence. A reset
/// compressor writes exactly the bytes a fresh one would (a test checks).
struct Deflater {
    compressor: Box<miniz_oxide::deflate::core::CompressorOxide>,
    out: Vec<u8>,
}

impl Deflater {
    fn new() -> Deflater {
        use miniz_oxide::deflate::core::{CompressorOxide, create_comp_flags_from_zip_params};
        // Window bits > 0 selects the zlib wrapper, as `compress_to_vec_zlib` does.
        let flags = create_comp_flags_from_zip_params(PACK_LEVEL.into(), 1, 0);
        Deflater {
            compressor: Box::new(CompressorOxide::new(flags)),
            out: Vec::new(),
        }
    }

    fn deflate(&mut self, mut input: &[u8]) -> &[u8] {
        use miniz_oxide::deflate::core::{TDEFLFlush, TDEFLStatus, compress};
        self.compressor.reset();
        self.out.clear();
        self.out.resize((input.len() / 2).max(64), 0);
        let mut at = 0;
        loop {
            let (status, read, written) = compress(
                &mut self.compressor,
                input,
                &mut self.out[at..],
                TDEFLFlush::Finish,
            );
            at += written;
            match status {
                TDEFLStatus::Done => break,
                TDEFLStatus::Okay if read <= input.len() => {
                    input = &input[read..];
                    if self.out.len() - at < 64 {
                        let more = self.out.len();
                        self.out.resize(self.out.len() + more, 0);
                    }
                }
                // The compressor reports an error only for misuse (a bad flush sequence),
                // which this loop never makes.
                _ => unreachable!("deflate failed: {status:?}"),
            }
        }
        &self.out[..at]
    }
}

impl Packer {
    fn new(lang: Lang) -> Packer {
        Packer {
            lang,
            deflater: Deflater::new(),
            html: String::new(),
        }
    }

    fn pack(&mut self, evidence: &EvidenceView) -> Evidence {
        self.html.clear();
        evidence::write(evidence, self.lang, &mut self.html);
        if self.html.len() <= INLINE_MAX {
            return Evidence::Inline(self.html.clone());
        }
        Evidence::Packed(BASE64.encode(self.deflater.deflate(self.html.as_bytes())))
    }
}

/// The page as a browser shows it once every case has been opened: each case's packed
/// evidence inflated in place. `None` when a packed block is not one this module wrote.
/// For tests and tools that read a report's text rather than open it in a browser.
pub fn unpack_evidence(page: &str) -> Option<String> {
    let mut out = String::with_capacity(page.len() * 4);
    let mut rest = page;
    while let Some(start) = rest.find(PACKED_OPEN) {
        out.push_str(&rest[..start]);
        rest = &rest[start + PACKED_OPEN.len()..];
        let end = rest.find('"')?;
        // The page's escaping writes base64's padding `=` as a character reference.
        let b64 = rest[..end].replace("&#x3D;", "=");
        let deflated = BASE64.decode(b64).ok()?;
        let html = miniz_oxide::inflate::decompress_to_vec_zlib(&deflated).ok()?;
        rest = &rest[end + 1..];
        // What the page shows until the evidence is inflated: replaced, as the script does.
        let close = rest.find(PACKED_CLOSE)?;
        rest = &rest[close + PACKED_CLOSE.len()..];
        out.push_str("<div class=\"evidence\">");
        out.push_str(std::str::from_utf8(&html).ok()?);
        out.push_str(PACKED_CLOSE);
    }
    out.push_str(rest);
    Some(out)
}

/// A case's trials, taken in index order, as the page shows them: the first
/// [`FULL_PASSING`] passing and the first [`FULL_NOT_PASSING`] other trials in full, the rest
/// one line each.
#[derive(Default)]
struct Shown {
    full: Vec<TrialView>,
    brief: Vec<BriefTrial>,
    passing: usize,
    other: usize,
}

impl Shown {
    fn add(&mut self, t: &TrialRecord, lang: Lang, fixtures: &[FixtureData]) {
        let (seen, max) = if t.outcome == TrialOutcome::Pass {
            (&mut self.passing, FULL_PASSING)
        } else {
            (&mut self.other, FULL_NOT_PASSING)
        };
        *seen += 1;
        if *seen <= max {
            self.full.push(trial_view(t, lang, fixtures));
        } else {
            self.brief.push(brief_trial(t, lang));
        }
    }
}

/// How many trials of the whole run are summarised, said once above the cases.
fn brief_note(brief: usize, lang: Lang) -> Option<String> {
    (brief > 0).then(|| {
        m::BRIEF_NOTE.fill(
            lang,
            &[
                ("n", &brief.to_string()),
                ("pass", &FULL_PASSING.to_string()),
                ("fail", &FULL_NOT_PASSING.to_string()),
            ],
        )
    })
}

fn brief_trial(t: &TrialRecord, lang: Lang) -> BriefTrial {
    let failure = names::trial_failure(t, lang);
    BriefTrial {
        number: t.index + 1,
        seed: t.seed,
        outcome: names::outcome_str(t.outcome),
        outcome_label: names::outcome(t.outcome, lang),
        duration: names::ms(t.duration_ms),
        turn: failure
            .as_ref()
            .and_then(|(turn, _)| *turn)
            .map(|n| m::TURN.fill(lang, &[("n", &n.to_string())])),
        failure: failure.map(|(_, why)| crate::text::clip(&why, MAX_BRIEF)),
    }
}

/// The case's row and packed evidence, and how many of its trials are only summarised.
fn case_view(
    c: &CaseResult,
    shown: Shown,
    names: &Names,
    blocking: bool,
    packer: &mut Packer,
) -> (CaseView, usize) {
    let lang = names.lang;
    let summarised = shown.brief.len();
    let evidence = packer.pack(&EvidenceView {
        trials: shown.full,
        brief_note: (summarised > 0)
            .then(|| m::BRIEF_CASE.fill(lang, &[("n", &summarised.to_string())])),
        brief: shown.brief,
    });
    let view = CaseView {
        id: c.id.clone(),
        anchor: anchor(&c.id),
        title: i18n(&c.title, lang).to_string(),
        level: c.level.clone(),
        level_name: names.level(&c.level),
        element: c.element.clone(),
        element_name: names.element(&c.element),
        mandatory: c.mandatory,
        mandatory_label: names::yes_no(c.mandatory, lang),
        mode: c.mode.as_str(),
        mode_label: names::mode(c.mode, lang),
        clause: c.clause.clone(),
        file: c.file.clone(),
        weight: format!("{}", c.weight),
        verdict: c.verdict.as_str(),
        verdict_label: names::verdict(c.verdict, lang),
        reason: names::case_reason(c, lang),
        passed: c.passed,
        planned: c.trials_planned,
        counts: m::TRIAL_COUNTS.fill(
            lang,
            &[
                ("passed", &c.passed.to_string()),
                ("failed", &c.failed.to_string()),
                ("errored", &c.errored.to_string()),
                ("planned", &c.trials_planned.to_string()),
            ],
        ),
        stats: c.stats.as_ref().map(|st| stats_text(st, lang)),
        blocking,
        evidence,
    };
    (view, summarised)
}

fn stats_text(st: &TrialStats, lang: Lang) -> String {
    let mark = |b: bool| if b { "✓" } else { "✗" };
    m::TRIAL_STATS.fill(
        lang,
        &[
            ("rate", &names::pct(st.pass_rate)),
            ("low", &names::pct(st.wilson_low)),
            ("high", &names::pct(st.wilson_high)),
            ("k", &st.k.to_string()),
            ("hat", mark(st.pass_hat_k)),
            ("at", mark(st.pass_at_k)),
        ],
    )
}

fn trial_view(t: &TrialRecord, lang: Lang, fixtures: &[FixtureData]) -> TrialView {
    TrialView {
        number: t.index + 1,
        seed: t.seed,
        outcome: names::outcome_str(t.outcome),
        outcome_label: names::outcome(t.outcome, lang),
        open: t.outcome != TrialOutcome::Pass,
        duration: names::ms(t.duration_ms),
        setup: (!t.setup.is_empty()).then(|| t.setup.join(", ")),
        params: (!t.params.is_empty()).then(|| {
            let pairs: Vec<String> = t.params.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            truncate(&pairs.join(", "), MAX_TEXT)
        }),
        error: t.error.as_ref().map(|e| error_view(e, lang)),
        turns: t
            .turns
            .iter()
            .enumerate()
            .map(|(i, turn)| turn_view(i + 1, turn, lang, fixtures))
            .collect(),
    }
}

fn error_view(e: &DeviceError, lang: Lang) -> ErrorView {
    ErrorView {
        message: truncate(&names::device_error(e, lang), MAX_TEXT),
        evidence: match e {
            DeviceError::Protocol {
                evidence: Some(evidence),
                ..
            } => Some(truncate(evidence, MAX_TEXT)),
            _ => None,
        },
    }
}

fn turn_view(n: usize, t: &TurnRecord, lang: Lang, fixtures: &[FixtureData]) -> TurnView {
    TurnView {
        label: m::TURN.fill(lang, &[("n", &n.to_string())]),
        ok: t.error.is_none() && t.checks.iter().all(|c| c.passed),
        input: input_view(&t.input, lang, fixtures),
        response: t.response.as_ref().map(|r| response_view(r, lang)),
        error: t.error.as_ref().map(|e| error_view(e, lang)),
        latency: names::ms(t.latency_ms),
        checks: t
            .checks
            .iter()
            .map(|c| {
                let (kind, spec) = names::check_parts(&c.check);
                CheckView {
                    passed: c.passed,
                    mark: if c.passed { "✓" } else { "✗" },
                    status_label: if c.passed {
                        m::CHECK_PASS
                    } else {
                        m::CHECK_FAIL
                    }
                    .get(lang),
                    kind,
                    spec: truncate(&spec, MAX_TEXT),
                    reason: truncate(&names::check_reason(c, lang), MAX_TEXT),
                }
            })
            .collect(),
        judgements: t
            .judgements
            .iter()
            .map(|j| judgement_view(j, lang))
            .collect(),
        state: t.state.as_ref().map(|s| {
            truncate(
                &serde_json::to_string_pretty(s).unwrap_or_default(),
                MAX_TEXT,
            )
        }),
    }
}

fn judgement_view(j: &Judgement, lang: Lang) -> JudgementView {
    let (class, mark, status) = match j.pass {
        Some(true) => ("ok", "✓", m::CHECK_PASS),
        Some(false) => ("bad", "✗", m::CHECK_FAIL),
        None => ("bad", "?", m::JUDGE_UNDECIDED),
    };
    let seed = j
        .seed
        .map_or_else(|| m::NONE.get(lang).to_string(), |s| s.to_string());
    JudgementView {
        class,
        mark,
        status_label: status.get(lang),
        model: truncate(&j.model, MAX_BRIEF),
        settings: m::JUDGE_SETTINGS.fill(
            lang,
            &[("temperature", &j.temperature.to_string()), ("seed", &seed)],
        ),
        rubric: truncate(&j.rubric, MAX_TEXT),
        reason: truncate(&j.reason, MAX_TEXT),
        answer: j.answer.as_deref().map(|a| truncate(a, MAX_TEXT)),
        error: j.error.as_deref().map(|e| truncate(e, MAX_TEXT)),
    }
}

fn input_view(input: &Input, lang: Lang, fixtures: &[FixtureData]) -> InputView {
    let media = |m: &Media, kind| match m.data_b64.strip_prefix("sha256:") {
        Some(hash) => fixture_ref(hash, fixtures, lang),
        None => media_view(m, kind, lang),
    };
    InputView {
        text: input.text.as_deref().map(|s| truncate(s, MAX_TEXT)),
        event: input.event.as_ref().map(|e| EventView {
            kind: e.kind.clone(),
            data: (!e.data.is_empty())
                .then(|| truncate(&Value::Object(e.data.clone()).to_string(), MAX_TEXT)),
        }),
        audio: input.audio.as_ref().map(|a| media(a, MediaKind::Audio)),
        image: input.image.as_ref().map(|i| media(i, MediaKind::Image)),
    }
}

fn response_view(r: &Turn, lang: Lang) -> ResponseView {
    ResponseView {
        text: r.output.text.as_deref().map(|s| truncate(s, MAX_TEXT)),
        // The protocol's speech carries no format; ATP/1 audio is WAV.
        speech: r.output.speech_b64.as_ref().map(|b64| {
            media_view(
                &Media {
                    format: "wav".to_string(),
                    data_b64: b64.clone(),
                },
                MediaKind::Audio,
                lang,
            )
        }),
        actions: r
            .actions
            .iter()
            .map(|a| ActionView {
                name: a.name.clone(),
                target: a.target.clone(),
                args: truncate(&Value::Object(a.args.clone()).to_string(), MAX_TEXT),
            })
            .collect(),
        needs_confirmation: match r.needs_confirmation {
            Some(b) => names::yes_no(b, lang),
            None => m::NOT_REPORTED.get(lang),
        },
        served_by: r
            .served_by
            .map_or_else(|| m::NOT_REPORTED.get(lang), |s| names::served_by(s, lang)),
        timing: r.timing.as_ref().and_then(|t| {
            let mut parts = Vec::new();
            if let Some(v) = t.first_output_ms {
                parts.push(format!("{} {}", m::FIRST_OUTPUT.get(lang), names::ms(v)));
            }
            if let Some(v) = t.total_ms {
                parts.push(format!("{} {}", m::TOTAL_TIME.get(lang), names::ms(v)));
            }
            (!parts.is_empty()).then(|| parts.join(", "))
        }),
    }
}

#[derive(Clone, Copy)]
enum MediaKind {
    Audio,
    Image,
}

/// MIME type for a media format a browser can show. Only raster images: an SVG, even as an
/// `<img>`, is a document the device wrote.
fn mime(format: &str, kind: MediaKind) -> Option<&'static str> {
    let f = format.to_ascii_lowercase();
    match kind {
        MediaKind::Image => match f.as_str() {
            "png" => Some("image/png"),
            "jpeg" | "jpg" => Some("image/jpeg"),
            "gif" => Some("image/gif"),
            "webp" => Some("image/webp"),
            _ => None,
        },
        MediaKind::Audio => match f.as_str() {
            "wav" | "wave" => Some("audio/wav"),
            "mp3" | "mpeg" => Some("audio/mpeg"),
            "ogg" | "opus" => Some("audio/ogg"),
            "flac" => Some("audio/flac"),
            "webm" => Some("audio/webm"),
            _ => None,
        },
    }
}

fn media_view(media: &Media, kind: MediaKind, lang: Lang) -> MediaView {
    let format = truncate(&media.format, 64);
    let padding = media
        .data_b64
        .bytes()
        .rev()
        .take_while(|b| *b == b'=')
        .count();
    let bytes = (media.data_b64.len() / 4 * 3).saturating_sub(padding);
    match mime(&media.format, kind) {
        _ if !csp::is_base64(&media.data_b64) => MediaView {
            src: None,
            note: Some(m::MEDIA_INVALID.fill(lang, &[("format", &format)])),
            fixture: None,
        },
        Some(mime) if media.data_b64.len() <= MAX_MEDIA_B64 => MediaView {
            src: Some(format!("data:{mime};base64,{}", media.data_b64)),
            note: None,
            fixture: None,
        },
        _ => MediaView {
            src: None,
            note: Some(
                m::MEDIA_OMITTED.fill(lang, &[("format", &format), ("bytes", &bytes.to_string())]),
            ),
            fixture: None,
        },
    }
}

fn fixture_anchor(sha256: &str) -> String {
    format!("fixture-{sha256}")
}

/// A recorded input that names a fixture by hash: a link to it, or a note when the results
/// do not carry it.
fn fixture_ref(hash: &str, fixtures: &[FixtureData], lang: Lang) -> MediaView {
    match fixtures.iter().find(|f| f.sha256 == hash) {
        Some(f) => MediaView {
            src: None,
            note: None,
            fixture: Some(FixtureLink {
                anchor: fixture_anchor(&f.sha256),
                path: f.path.clone(),
            }),
        },
        None => MediaView {
            src: None,
            note: Some(m::FIXTURE_MISSING.fill(lang, &[("sha256", &truncate(hash, 64))])),
            fixture: None,
        },
    }
}

/// The run's fixtures by path.
fn sorted_fixtures(r: &Results) -> Vec<&FixtureData> {
    let mut sorted: Vec<&FixtureData> = r.fixtures.iter().collect();
    sorted.sort_by(|a, b| (&a.path, &a.sha256).cmp(&(&b.path, &b.sha256)));
    sorted
}

/// A row of the page's fixture table, with the fixture embedded.
fn fixture_row(f: &FixtureData, lang: Lang, out: &mut String) {
    let audio = mime(&f.format, MediaKind::Audio).is_some();
    let kind = if audio {
        MediaKind::Audio
    } else {
        MediaKind::Image
    };
    let media = Media {
        format: f.format.clone(),
        data_b64: f.data_b64.to_string(),
    };
    evidence::fixture_row(
        &fixture_anchor(&f.sha256),
        f,
        audio,
        &media_view(&media, kind, lang),
        lang,
        out,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spooled_rows_come_back_whole_and_in_order() {
        let mut spool = Spool::default();
        let mut want = String::new();
        for i in 0..6 {
            let row = format!("<tr id=\"r{i}\">{}</tr>\n", "證".repeat(400_000));
            spool.push(&row).unwrap();
            want.push_str(&row);
        }
        assert!(
            spool.file.is_some(),
            "past the limit the rows are in a file"
        );
        assert!(spool.text.len() <= SPOOL_IN_MEMORY);
        for _ in 0..2 {
            let mut got = Vec::new();
            spool.copy_to(&mut got).unwrap();
            assert!(
                got == want.as_bytes(),
                "{} bytes, want {}",
                got.len(),
                want.len()
            );
        }
    }

    #[test]
    fn a_reused_compressor_writes_what_a_fresh_one_writes() {
        let mut d = Deflater::new();
        let big: String = (0..40_000)
            .map(|i| format!("<p>{}</p>", i * 7919 % 1000))
            .collect();
        for input in [
            "",
            "a",
            "证据 evidence ".repeat(300).as_str(),
            big.as_str(),
            "tail",
        ] {
            let fresh = miniz_oxide::deflate::compress_to_vec_zlib(input.as_bytes(), PACK_LEVEL);
            assert_eq!(
                d.deflate(input.as_bytes()),
                fresh.as_slice(),
                "{} bytes",
                input.len()
            );
        }
    }

    /// A summarised trial's failure line keeps the harness's sentence whole: a Chinese
    /// reason of 243 characters (729 bytes, past the old 300-byte cut) to its last character;
    /// only a hostile length is cut, marked.
    #[test]
    fn a_trial_failure_reason_is_not_cut_mid_sentence() {
        let mut r = super::super::fixture::results();
        let reason = format!("{}。句末", "回复不含预期内容".repeat(30));
        let trial = r
            .cases
            .iter_mut()
            .flat_map(|c| &mut c.trials)
            .find(|t| t.turns.iter().any(|u| u.checks.iter().any(|c| !c.passed)))
            .expect("a trial with a failed check");
        fn failed(t: &mut TrialRecord) -> &mut crate::results::CheckOutcome {
            t.turns
                .iter_mut()
                .flat_map(|t| &mut t.checks)
                .find(|c| !c.passed)
                .unwrap()
        }
        let check = failed(trial);
        check.reason = reason.clone();
        check.message = None;
        let line = brief_trial(trial, Lang::Zh).failure.unwrap();
        assert!(line.ends_with(&reason), "cut: {line}");

        failed(trial).reason = "长".repeat(5000);
        let line = brief_trial(trial, Lang::Zh).failure.unwrap();
        assert!(
            line.ends_with('…') && line.chars().count() == MAX_BRIEF + 1,
            "{line}"
        );
    }
}
