//! `ailevel diff`: what changed between two runs of the same suite — the level, the cases
//! that newly fail and those fixed, every verdict change grouped by element and by clause,
//! and turn latency. Pure like every rendering: the same two results give the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::results::{CaseResult, Results, Verdict};

use super::messages as m;
use super::names::Names;
use super::source::{HeldTrials, TrialSource};
use super::{Lang, ReportError};

/// One case whose verdict differs; `None` where the case is not in that run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub id: String,
    pub level: String,
    pub element: String,
    pub clause: String,
    pub mandatory: bool,
    pub base: Option<Verdict>,
    pub new: Option<Verdict>,
}

/// Turn latency over every answered turn of a run, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Latency {
    pub turns: usize,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub base_level: Option<String>,
    pub new_level: Option<String>,
    /// +1 up, -1 down, 0 the same, by rank in the new run's framework.
    pub level_change: i32,
    /// Cases that did not fail in the base (passed, not applicable or absent) and fail or are
    /// inconclusive now.
    pub new_failures: Vec<String>,
    /// Cases that failed or were inconclusive in the base and pass now.
    pub fixes: Vec<String>,
    /// Every case whose verdict differs, in id order.
    pub changed: Vec<Change>,
    /// Changed case ids per element and per clause reference.
    pub by_element: BTreeMap<String, Vec<String>>,
    pub by_clause: BTreeMap<String, Vec<String>>,
    pub base_latency: Latency,
    pub new_latency: Latency,
    /// What makes the two runs not strictly comparable: another suite, framework or device.
    pub caveats: Vec<Caveat>,
    /// A lower level, or any new failure.
    pub regression: bool,
}

/// Which of the two runs a caveat is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Which {
    Base,
    New,
}

/// Why two runs are not strictly comparable. Kept as data, not text, so `--format json` has
/// stable keys and each report language words it itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Caveat {
    DifferentSuite,
    DifferentFramework,
    DifferentCategory { base: String, new: String },
    Partial { run: Which },
    Aborted { run: Which },
}

impl Caveat {
    pub fn text(&self, lang: Lang) -> String {
        let which = |w: &Which| match w {
            Which::Base => m::DIFF_RUN_BASE.get(lang),
            Which::New => m::DIFF_RUN_NEW.get(lang),
        };
        match self {
            Caveat::DifferentSuite => m::DIFF_CAVEAT_SUITE.get(lang).to_string(),
            Caveat::DifferentFramework => m::DIFF_CAVEAT_FRAMEWORK.get(lang).to_string(),
            Caveat::DifferentCategory { base, new } => {
                m::DIFF_CAVEAT_CATEGORY.fill(lang, &[("base", base), ("new", new)])
            }
            Caveat::Partial { run } => m::DIFF_CAVEAT_PARTIAL.fill(lang, &[("run", which(run))]),
            Caveat::Aborted { run } => m::DIFF_CAVEAT_ABORTED.fill(lang, &[("run", which(run))]),
        }
    }
}

fn failing(v: Option<Verdict>) -> bool {
    matches!(v, Some(Verdict::Fail | Verdict::Inconclusive))
}

pub fn compare(base: &Results, new: &Results) -> Diff {
    compare_from(base, &mut HeldTrials, new, &mut HeldTrials).expect("held trials never fail")
}

/// [`compare`], with each run's trials (read only for turn latency) from its source.
pub fn compare_from(
    base: &Results,
    base_trials: &mut dyn TrialSource,
    new: &Results,
    new_trials: &mut dyn TrialSource,
) -> Result<Diff, ReportError> {
    fn index(r: &Results) -> BTreeMap<&str, &CaseResult> {
        r.cases.iter().map(|c| (c.id.as_str(), c)).collect()
    }
    let (b, n) = (index(base), index(new));
    let ids: BTreeSet<&str> = b.keys().chain(n.keys()).copied().collect();
    let mut changed = Vec::new();
    let (mut new_failures, mut fixes) = (Vec::new(), Vec::new());
    for id in ids {
        let (bc, nc) = (b.get(id), n.get(id));
        let (bv, nv) = (bc.map(|c| c.verdict), nc.map(|c| c.verdict));
        if bv == nv {
            continue;
        }
        if failing(nv) && !failing(bv) {
            new_failures.push(id.to_string());
        }
        if failing(bv) && nv == Some(Verdict::Pass) {
            fixes.push(id.to_string());
        }
        let c = nc.or(bc).expect("in one of the runs");
        changed.push(Change {
            id: id.to_string(),
            level: c.level.clone(),
            element: c.element.clone(),
            clause: c.clause.clone(),
            mandatory: c.mandatory,
            base: bv,
            new: nv,
        });
    }
    let mut by_element: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut by_clause: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in &changed {
        by_element
            .entry(c.element.clone())
            .or_default()
            .push(c.id.clone());
        for clause in c.clause.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            by_clause
                .entry(clause.to_string())
                .or_default()
                .push(c.id.clone());
        }
    }
    let fw = &new.framework.definition;
    let rank = |l: &Option<String>| crate::grade::rank(fw, l.as_deref()) as i32;
    let level_change = (rank(&new.grade.level) - rank(&base.grade.level)).signum();
    let mut caveats = Vec::new();
    if base.suite.sha256 != new.suite.sha256 {
        caveats.push(Caveat::DifferentSuite);
    }
    if base.framework.sha256 != new.framework.sha256 {
        caveats.push(Caveat::DifferentFramework);
    }
    if base.device.category != new.device.category {
        caveats.push(Caveat::DifferentCategory {
            base: base.device.category.clone(),
            new: new.device.category.clone(),
        });
    }
    for (r, run) in [(base, Which::Base), (new, Which::New)] {
        if r.grade.partial {
            caveats.push(Caveat::Partial { run });
        }
        if r.run.aborted {
            caveats.push(Caveat::Aborted { run });
        }
    }
    Ok(Diff {
        base_level: base.grade.level.clone(),
        new_level: new.grade.level.clone(),
        level_change,
        regression: level_change < 0 || !new_failures.is_empty(),
        new_failures,
        fixes,
        changed,
        by_element,
        by_clause,
        base_latency: latency(base, base_trials)?,
        new_latency: latency(new, new_trials)?,
        caveats,
    })
}

/// Every answered turn's latency is kept, a number per turn, for the exact percentiles.
fn latency(r: &Results, source: &mut dyn TrialSource) -> Result<Latency, ReportError> {
    let mut ms: Vec<f64> = Vec::new();
    for c in &r.cases {
        source.each_trial(c, &mut |t| {
            ms.extend(
                t.turns
                    .iter()
                    .filter(|t| t.response.is_some() && t.latency_ms.is_finite())
                    .map(|t| t.latency_ms),
            );
            Ok(())
        })?;
    }
    ms.sort_by(f64::total_cmp);
    // Nearest rank: the smallest value with at least q of the turns at or below it.
    let q = |q: f64| {
        (!ms.is_empty()).then(|| ms[((q * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1])
    };
    Ok(Latency {
        turns: ms.len(),
        p50_ms: q(0.50),
        p95_ms: q(0.95),
    })
}

fn verdict(v: Option<Verdict>, lang: Lang) -> String {
    match v {
        Some(v) => super::names::verdict(v, lang).to_string(),
        None => m::DIFF_ABSENT.get(lang).to_string(),
    }
}

fn level_name(r: &Results, level: &Option<String>, lang: Lang) -> String {
    let names = Names {
        fw: &r.framework.definition,
        lang,
    };
    match level {
        Some(l) => names.level(l),
        None => names.no_level(r, lang),
    }
}

fn ms(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{v:.0} ms"))
}

fn delta(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        // Rounded first, so a change under half a millisecond is "±0", never "-0".
        (Some(a), Some(b)) => match (b - a).round() {
            0.0 => "±0 ms".into(),
            d => format!("{d:+.0} ms"),
        },
        _ => "—".into(),
    }
}

/// "p50 a → b (±c), p95 a → b (±c)", the same in every format.
fn latency_change(d: &Diff) -> String {
    let (b, n) = (&d.base_latency, &d.new_latency);
    format!(
        "p50 {} → {} ({}), p95 {} → {} ({})",
        ms(b.p50_ms),
        ms(n.p50_ms),
        delta(b.p50_ms, n.p50_ms),
        ms(b.p95_ms),
        ms(n.p95_ms),
        delta(b.p95_ms, n.p95_ms)
    )
}

/// Plain text for a terminal.
pub fn render_text(d: &Diff, base: &Results, new: &Results, lang: Lang) -> String {
    let mut s = String::new();
    let arrow = match d.level_change {
        1 => "↑",
        -1 => "↓",
        _ => "=",
    };
    s.push_str(&format!(
        "{}: {} → {} ({arrow})\n",
        m::LEVEL.get(lang),
        level_name(base, &d.base_level, lang),
        level_name(new, &d.new_level, lang)
    ));
    for c in &d.caveats {
        s.push_str(&format!("  ! {}\n", c.text(lang)));
    }
    let list = |s: &mut String, title: m::Msg, ids: &[String]| {
        s.push_str(&format!("{} ({}):\n", title.get(lang), ids.len()));
        for id in ids {
            s.push_str(&format!("  {id}\n"));
        }
    };
    list(&mut s, m::DIFF_NEW_FAILURES, &d.new_failures);
    list(&mut s, m::DIFF_FIXES, &d.fixes);
    s.push_str(&format!(
        "{} ({}):\n",
        m::DIFF_CHANGED.get(lang),
        d.changed.len()
    ));
    for c in &d.changed {
        s.push_str(&format!(
            "  {:<44} {:<3} {:<11} {} → {}\n",
            c.id,
            c.level,
            c.element,
            verdict(c.base, lang),
            verdict(c.new, lang)
        ));
    }
    s.push_str(&format!("{}:\n", m::DIFF_BY_ELEMENT.get(lang)));
    for (e, ids) in &d.by_element {
        s.push_str(&format!("  {e}: {}\n", ids.len()));
    }
    s.push_str(&format!("{}:\n", m::DIFF_BY_CLAUSE.get(lang)));
    for (c, ids) in &d.by_clause {
        s.push_str(&format!("  {c}: {}\n", ids.len()));
    }
    s.push_str(&format!(
        "{}: {}\n",
        m::DIFF_LATENCY.get(lang),
        latency_change(d)
    ));
    s.push_str(if d.regression {
        m::DIFF_REGRESSION.get(lang)
    } else {
        m::DIFF_NO_REGRESSION.get(lang)
    });
    s.push('\n');
    s
}

/// Markdown for a pull-request comment: the headline and counts, then the changed cases in
/// a collapsed table so a long list does not flood the thread.
pub fn render_markdown(d: &Diff, base: &Results, new: &Results, lang: Lang) -> String {
    // Level names, caveats and case ids come from the results file: escaped as summary.md is.
    let cell = super::markdown::escape;
    let mut s = String::new();
    let mark = if d.regression { "❌" } else { "✅" };
    s.push_str(&format!(
        "### {mark} {}: {} → {}\n\n",
        m::LEVEL.get(lang),
        cell(&level_name(base, &d.base_level, lang)),
        cell(&level_name(new, &d.new_level, lang))
    ));
    for c in &d.caveats {
        s.push_str(&format!("> ⚠️ {}\n", cell(&c.text(lang))));
    }
    if !d.caveats.is_empty() {
        s.push('\n');
    }
    s.push_str(&format!(
        "- **{}**: {}\n- **{}**: {}\n- **{}**: {}\n- **{}**: {}\n\n",
        m::DIFF_NEW_FAILURES.get(lang),
        d.new_failures.len(),
        m::DIFF_FIXES.get(lang),
        d.fixes.len(),
        m::DIFF_CHANGED.get(lang),
        d.changed.len(),
        m::DIFF_LATENCY.get(lang),
        latency_change(d)
    ));
    if !d.changed.is_empty() {
        s.push_str(&format!(
            "<details><summary>{} ({})</summary>\n\n| case | level | element | clause | before | after |\n|---|---|---|---|---|---|\n",
            m::DIFF_CHANGED.get(lang),
            d.changed.len()
        ));
        for c in &d.changed {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                cell(&c.id),
                cell(&c.level),
                cell(&c.element),
                cell(&c.clause),
                verdict(c.base, lang),
                verdict(c.new, lang)
            ));
        }
        s.push_str("\n</details>\n");
    }
    s
}
