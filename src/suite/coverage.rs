//! Coverage of a suite: per device category, how many cases sit in each level × element
//! cell, and how many phrasings each case's turns have. Used by `ailevel list --coverage` and
//! by the tests that hold suites to the rules in docs/suites.md.

use std::collections::BTreeMap;

use crate::suite::model::Case;
use crate::suite::{LoadedSuite, VariantPool};

#[derive(Debug, Clone, PartialEq)]
pub struct CategoryCoverage {
    pub category: String,
    /// Cases that apply to the category: its own and `common`.
    pub total: usize,
    /// The category's own cases (`common` left out).
    pub own: usize,
    /// (level, element) → count.
    pub cells: BTreeMap<(String, String), usize>,
}

impl CategoryCoverage {
    pub fn cell(&self, level: &str, element: &str) -> usize {
        self.cells
            .get(&(level.to_string(), element.to_string()))
            .copied()
            .unwrap_or(0)
    }

    pub fn level_total(&self, level: &str) -> usize {
        self.cells
            .iter()
            .filter(|((l, _), _)| l == level)
            .map(|(_, n)| n)
            .sum()
    }
}

pub fn coverage(suite: &LoadedSuite) -> Vec<CategoryCoverage> {
    suite
        .framework
        .categories
        .iter()
        .map(|cat| {
            let mut cells = BTreeMap::new();
            let (mut total, mut own) = (0, 0);
            for lc in suite
                .cases
                .iter()
                .filter(|c| c.category == cat.id || c.category == super::COMMON)
            {
                total += 1;
                own += usize::from(lc.category == cat.id);
                *cells
                    .entry((lc.case.level.clone(), lc.case.element.clone()))
                    .or_insert(0) += 1;
            }
            CategoryCoverage {
                category: cat.id.clone(),
                total,
                own,
                cells,
            }
        })
        .collect()
}

/// The matrix as text, one block per category with cases.
pub fn render(suite: &LoadedSuite, cov: &[CategoryCoverage]) -> String {
    let fw = &suite.framework;
    let mut out = String::new();
    for c in cov.iter().filter(|c| c.total > 0) {
        out.push_str(&format!(
            "{} — {} cases ({} own, {} common)\n",
            c.category,
            c.total,
            c.own,
            c.total - c.own
        ));
        out.push_str(&format!("{:<6}", "level"));
        for e in &fw.elements {
            out.push_str(&format!("{:>12}", e.id));
        }
        out.push_str(&format!("{:>8}\n", "total"));
        for l in &fw.levels {
            out.push_str(&format!("{:<6}", l.id));
            for e in &fw.elements {
                out.push_str(&format!("{:>12}", c.cell(&l.id, &e.id)));
            }
            out.push_str(&format!("{:>8}\n", c.level_total(&l.id)));
        }
        out.push('\n');
    }
    out
}

/// The fewest phrasings a turn's text needs: preset-command (L1) cases vary within the forms
/// such a terminal accepts, so two; free paraphrase from L2 up, four. docs/suites.md.
pub fn min_phrasings(level: &str) -> usize {
    if level == "L1" { 2 } else { 4 }
}

/// Phrasings per turn of a case: the suite's Chinese (`text`) and English (`text_en`) ones,
/// `None` where the turn has no such text, each with the private pool's added.
pub fn phrasings(case: &Case, pool: Option<&VariantPool>) -> Vec<[Option<usize>; 2]> {
    case.turns
        .iter()
        .enumerate()
        .map(|(t, turn)| {
            let count = |p: &Option<super::model::Phrasings>, en: bool| {
                p.as_ref().map(|p| {
                    p.items().len()
                        + pool.map_or(0, |pool| pool.phrasings_for(&case.id, t, en).len())
                })
            };
            [
                count(&turn.input.text, false),
                count(&turn.input.text_en, true),
            ]
        })
        .collect()
}

/// Every text turn below [`min_phrasings`]: (case id, turn from 1, `text` or `text_en`, how
/// many it has, how many it needs).
pub fn shortfalls(suite: &LoadedSuite) -> Vec<(String, usize, &'static str, usize, usize)> {
    let mut out = Vec::new();
    for lc in &suite.cases {
        let need = min_phrasings(&lc.case.level);
        for (t, counts) in phrasings(&lc.case, None).iter().enumerate() {
            for (key, n) in [("text", counts[0]), ("text_en", counts[1])] {
                if let Some(n) = n.filter(|n| *n < need) {
                    out.push((lc.case.id.clone(), t + 1, key, n, need));
                }
            }
        }
    }
    out
}

/// Per category, every case with its phrasings per turn (`zh 4·4 en 4·4`), private ones
/// included when a pool is given, and the turns below the minimum counted.
pub fn render_phrasings(suite: &LoadedSuite, pool: Option<&VariantPool>) -> String {
    let mut out = String::new();
    let cats = suite.framework.categories.iter().map(|c| c.id.as_str());
    for cat in std::iter::once("common").chain(cats) {
        let cases: Vec<&Case> = suite
            .cases
            .iter()
            .filter(|lc| lc.category == cat)
            .map(|lc| &lc.case)
            .collect();
        if cases.is_empty() {
            continue;
        }
        let mut short = 0;
        let mut lines = String::new();
        for case in &cases {
            let counts = phrasings(case, pool);
            let need = min_phrasings(&case.level);
            let join = |i: usize| -> Option<String> {
                let per: Vec<String> = counts
                    .iter()
                    .map(|c| c[i].map_or("-".into(), |n| n.to_string()))
                    .collect();
                counts.iter().any(|c| c[i].is_some()).then(|| per.join("·"))
            };
            short += counts
                .iter()
                .flatten()
                .flatten()
                .filter(|n| **n < need)
                .count();
            let private = pool.map_or(0, |p| p.count_for(&case.id));
            let line = format!(
                "  {:<48} {:<2}  zh {:<12} en {:<12}{}",
                case.id,
                case.level,
                join(0).unwrap_or_else(|| "-".into()),
                join(1).unwrap_or_else(|| "-".into()),
                if private > 0 {
                    format!(" (+{private} private)")
                } else {
                    String::new()
                }
            );
            lines.push_str(line.trim_end());
            lines.push('\n');
        }
        out.push_str(&format!(
            "{cat} — {} cases; phrasings per turn; text turns below the minimum (L1 2, L2+ 4): {short}\n",
            cases.len()
        ));
        out.push_str(&lines);
        out.push('\n');
    }
    out
}
