//! `ailevel merge DIR…`: the results of `run --shard K/N` processes put back together into
//! one run, graded as the unsharded run would be.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use clap::Args;

use super::Context;
use super::shared::{write_file, write_outputs};
use super::values::Named;
use crate::error::{Error, ExitCode, Result};
use crate::report::{Format, Lang};
use crate::results::Results;

#[derive(Debug, Clone, Args)]
pub struct MergeArgs {
    /// The shards' output directories (or their results files), one per K of N.
    #[arg(required = true, num_args = 1..)]
    pub shards: Vec<PathBuf>,
    /// Where to write the merged results.json and reports.
    #[arg(long)]
    pub out: PathBuf,
    /// The suite the shards ran, to put the cases back in its order when its hash matches
    /// (else: by file, then id). Default: `suites`, the built-in suites when there is none.
    #[arg(long, default_value = "suites")]
    pub suite: PathBuf,
    /// Report language: zh-CN or en.
    #[arg(long, default_value = "zh-CN", value_parser = Named::<Lang>::new(), hide_possible_values = true)]
    pub lang: Lang,
}

impl MergeArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<ExitCode> {
        let runs = self
            .shards
            .iter()
            .map(|p| super::diff::read_run(p).map(|r| (p.clone(), r)))
            .collect::<Result<Vec<_>>>()?;
        // Only for the order of the cases: a suite that is not the shards' is not used.
        let order: Option<Vec<String>> = super::shared::load_suite(&self.suite, None)
            .ok()
            .filter(|s| {
                runs.first()
                    .is_some_and(|(_, r)| r.suite.sha256 == s.sha256)
            })
            .map(|s| s.cases.iter().map(|c| c.case.id.clone()).collect());
        let merged = merge(runs, order.as_deref())?;
        std::fs::create_dir_all(&self.out).map_err(|source| Error::Write {
            path: self.out.clone(),
            source,
        })?;
        write_file(
            &self.out.join("results.json"),
            merged.to_canonical_json().as_bytes(),
        )?;
        write_outputs(&merged, &self.out, self.lang, &Format::ALL)?;
        let lang = crate::report::console::console_lang(|k| std::env::var(k).ok());
        for l in crate::report::console::summary(&merged, &self.out, lang, &Format::ALL) {
            let _ = writeln!(ctx.stdout, "{l}");
        }
        Ok(if merged.run.aborted {
            ExitCode::Device
        } else if merged.grade.incomplete.is_some() {
            ExitCode::Incomplete
        } else {
            ExitCode::Ok
        })
    }
}

/// Check that the runs are the N shards of one run — same suite, framework, profile, variant
/// pool, seed and settings, shards 1..N each once, no case twice — and merge them.
/// `order`: the suite's case ids in suite order, when known.
pub fn merge(runs: Vec<(PathBuf, Results)>, order: Option<&[String]>) -> Result<Results> {
    let bad = |p: &PathBuf, why: String| Error::invalid(p, why);
    let (first_path, first) = runs.first().expect("clap requires one").clone();
    let count = match first.run.selection.as_ref().and_then(|s| s.shard) {
        Some(s) => s.count,
        None => return Err(bad(&first_path, "not a shard (`run --shard K/N`)".into())),
    };
    let same = |r: &Results| {
        let mut v = vec![
            ("suite SHA-256", r.suite.sha256.clone()),
            ("framework SHA-256", r.framework.sha256.clone()),
            ("profile SHA-256", r.device.profile_sha256.clone()),
            ("seed", r.run.seed.to_string()),
            ("locale", r.run.locale.clone()),
            ("trials override", format!("{:?}", r.run.trials_override)),
            ("phrasing", format!("{:?}", r.run.phrasing)),
            (
                "variant pool SHA-256",
                r.run
                    .variants
                    .as_ref()
                    .map_or("none".into(), |v| v.sha256.clone()),
            ),
            ("harness version", r.harness.version.clone()),
        ];
        // The selection apart from the shard must be the same too.
        let mut sel = r.run.selection.clone().unwrap_or_default();
        sel.shard = None;
        v.push(("selection", sel.describe()));
        v
    };
    let want = same(&first);
    let mut seen_shards = BTreeSet::new();
    let mut seen_cases: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (path, r) in &runs {
        let shard = r
            .run
            .selection
            .as_ref()
            .and_then(|s| s.shard)
            .ok_or_else(|| bad(path, "not a shard (`run --shard K/N`)".into()))?;
        if shard.count != count {
            return Err(bad(
                path,
                format!(
                    "shard {shard}, but {} is a shard of {count}",
                    first_path.display()
                ),
            ));
        }
        if !seen_shards.insert(shard.index) {
            return Err(bad(path, format!("shard {shard} is given twice")));
        }
        for ((what, a), (_, b)) in want.iter().zip(same(r)) {
            if *a != b {
                return Err(bad(
                    path,
                    format!(
                        "its {what} ({b}) differs from {}'s ({a})",
                        first_path.display()
                    ),
                ));
            }
        }
        for c in &r.cases {
            if let Some(other) = seen_cases.insert(c.id.clone(), path.clone()) {
                return Err(bad(
                    path,
                    format!("case {} is also in {}", c.id, other.display()),
                ));
            }
        }
    }
    let missing: Vec<String> = (1..=count)
        .filter(|k| !seen_shards.contains(k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "incomplete: shard(s) {} missing",
            missing.join(", ")
        )));
    }

    let mut merged = first.clone();
    // Cases in the order of the suite's files, then of their ids, whichever shard ran them.
    let file_order: BTreeMap<&str, usize> = first
        .suite
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();
    let position: BTreeMap<&str, usize> = order
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let mut cases: Vec<_> = runs.iter().flat_map(|(_, r)| r.cases.clone()).collect();
    cases.sort_by(|a, b| {
        let pa = position.get(a.id.as_str()).copied().unwrap_or(usize::MAX);
        let pb = position.get(b.id.as_str()).copied().unwrap_or(usize::MAX);
        let fa = file_order
            .get(a.file.as_str())
            .copied()
            .unwrap_or(usize::MAX);
        let fb = file_order
            .get(b.file.as_str())
            .copied()
            .unwrap_or(usize::MAX);
        pa.cmp(&pb)
            .then_with(|| fa.cmp(&fb))
            .then_with(|| a.id.cmp(&b.id))
    });
    merged.cases = cases;
    let mut fixtures = BTreeMap::new();
    for (_, r) in &runs {
        for f in &r.fixtures {
            fixtures
                .entry(f.sha256.clone())
                .or_insert_with(|| f.clone());
        }
    }
    merged.fixtures = fixtures.into_values().collect();
    let run = &mut merged.run;
    run.started_at = runs
        .iter()
        .map(|(_, r)| r.run.started_at.clone())
        .min()
        .unwrap_or_default();
    run.finished_at = runs
        .iter()
        .map(|(_, r)| r.run.finished_at.clone())
        .max()
        .unwrap_or_default();
    run.duration_ms = runs
        .iter()
        .map(|(_, r)| r.run.duration_ms)
        .max()
        .unwrap_or(0);
    run.aborted = runs.iter().any(|(_, r)| r.run.aborted);
    if let Some((_, r)) = runs.iter().find(|(_, r)| r.run.aborted) {
        run.abort_reason = r.run.abort_reason.clone();
        run.abort_message = r.run.abort_message.clone();
    }
    // One secret per process unless pinned: keep it only when every shard had the same.
    if runs.iter().any(|(_, r)| r.run.secret != first.run.secret) {
        run.secret = None;
    }
    if let Some(v) = &mut run.variants {
        v.drawn = runs
            .iter()
            .filter_map(|(_, r)| r.run.variants.as_ref())
            .map(|v| v.drawn)
            .sum();
    }
    run.selection = first.run.selection.clone().and_then(|mut s| {
        s.shard = None;
        (!s.is_empty()).then_some(s)
    });
    merged.certification.certificate = None;
    let fw = merged.framework.definition.clone();
    crate::grade::derive(&fw, &mut merged);
    Ok(merged)
}
