//! Coverage of a suite: per device category, how many cases sit in each level × element
//! cell. Used by `ailevel list --coverage` and by the test that holds suites to the rule in
//! docs/suites.md.

use std::collections::BTreeMap;

use crate::suite::LoadedSuite;

#[derive(Debug, Clone, PartialEq)]
pub struct CategoryCoverage {
    pub category: String,
    /// Cases that apply to the category: its own and `common`.
    pub total: usize,
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
            let mut total = 0;
            for lc in suite
                .cases
                .iter()
                .filter(|c| c.category == cat.id || c.category == super::COMMON)
            {
                total += 1;
                *cells
                    .entry((lc.case.level.clone(), lc.case.element.clone()))
                    .or_insert(0) += 1;
            }
            CategoryCoverage {
                category: cat.id.clone(),
                total,
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
        out.push_str(&format!("{} — {} cases\n", c.category, c.total));
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
