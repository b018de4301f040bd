//! `ailevel list`: the cases that apply to a device (and those that do not, with why), or
//! the suite's coverage matrix.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::Context;
use super::shared::{SelectArgs, apply_selection, load_inputs_without_fixtures};
use crate::device::Profile;
use crate::error::{Error, Result};
use crate::run::plan::PlannedCase;
use crate::suite;
use crate::suite::LoadedSuite;
use crate::suite::select::Selection;

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Device profile; required unless --coverage.
    #[arg(long, required_unless_present = "coverage")]
    pub device: Option<PathBuf>,
    /// Print, per category, the level × element matrix with case counts.
    #[arg(long)]
    pub coverage: bool,
    /// With --coverage: also list every case with its phrasings per turn (zh and en).
    #[arg(long, requires = "coverage")]
    pub phrasings: bool,
    /// With --coverage --phrasings: count a private variant pool's phrasings too.
    #[arg(
        long,
        value_name = "DIR",
        env = "AILEVEL_VARIANTS",
        hide_env_values = true
    )]
    pub variants: Option<PathBuf>,
    /// Group the cases: clause, level or element.
    #[arg(long)]
    pub group_by: Option<GroupBy>,
    #[arg(long, default_value = "suites")]
    pub suite: PathBuf,
    #[arg(long)]
    pub framework: Option<PathBuf>,
    #[arg(long)]
    pub trials: Option<u32>,
    #[command(flatten)]
    pub select: SelectArgs,
    /// Print the cases as one JSON object instead of a table (not with --coverage).
    #[arg(long, conflicts_with = "coverage")]
    pub json: bool,
}

/// How `list` groups its rows (without it: suite order). No doc comments on the variants:
/// clap would turn them into a long help listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    // By the clause of the standard each case traces to.
    Clause,
    Level,
    Element,
}

impl ListArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        match (self.coverage, &self.device) {
            (true, _) => self.coverage(ctx.stdout),
            (false, Some(device)) => {
                let (mut suite, profile, _) =
                    load_inputs_without_fixtures(&self.suite, self.framework.as_deref(), device)?;
                let selection = apply_selection(&mut suite, self.select.selection())?;
                if self.json {
                    list_json(
                        &suite,
                        &profile,
                        selection.as_ref(),
                        self.trials,
                        ctx.stdout,
                    )
                } else {
                    list(
                        &suite,
                        &profile,
                        selection.as_ref(),
                        self.trials,
                        self.group_by,
                        ctx.stdout,
                    )
                }
            }
            (false, None) => Err(Error::Usage(
                "--device is required unless --coverage".into(),
            )),
        }
    }
}

impl ListArgs {
    /// Per category, the level × element matrix of case counts; with `--phrasings`, every
    /// case's phrasings per turn.
    fn coverage(&self, w: &mut dyn Write) -> Result<()> {
        let suite = super::shared::load_suite(&self.suite, self.framework.as_deref())?;
        let cov = suite::coverage::coverage(&suite);
        let _ = write!(w, "{}", suite::coverage::render(&suite, &cov));
        if self.phrasings {
            let pool = match &self.variants {
                Some(path) => Some(suite::load_variants(path, &suite)?),
                None => None,
            };
            let _ = write!(
                w,
                "{}",
                suite::coverage::render_phrasings(&suite, pool.as_ref())
            );
        }
        Ok(())
    }
}

/// `list --json`: every case in suite order with whether it applies to the device and, if
/// not, why — under fixed English keys.
fn list_json(
    suite: &LoadedSuite,
    profile: &Profile,
    selection: Option<&Selection>,
    trials: Option<u32>,
    w: &mut dyn Write,
) -> Result<()> {
    use serde_json::json;
    let planned = crate::run::plan::plan(suite, profile, trials, false);
    let cases: Vec<_> = planned
        .iter()
        .map(|p| {
            let c = &p.loaded.case;
            json!({
                "id": c.id,
                "level": c.level,
                "element": c.element,
                "clause": c.clause,
                "mandatory": c.mandatory,
                "mode": c.mode.as_str(),
                "trials": p.trials,
                "title": {"zh": c.title.zh, "en": c.title.en},
                "file": p.loaded.file,
                "applicable": p.applicable.is_ok(),
                "not_applicable_reason": p.applicable.as_ref().err().map(ToString::to_string),
            })
        })
        .collect();
    let doc = json!({
        "device": {
            "vendor": profile.vendor,
            "model": profile.model,
            "category": profile.category,
        },
        "selection": selection,
        "applicable": planned.iter().filter(|p| p.applicable.is_ok()).count(),
        "cases": cases,
    });
    super::shared::print(w, format!("{doc}\n").as_bytes())
}

fn list(
    suite: &LoadedSuite,
    profile: &Profile,
    selection: Option<&Selection>,
    trials: Option<u32>,
    group: Option<GroupBy>,
    w: &mut dyn Write,
) -> Result<()> {
    let mut planned = crate::run::plan::plan(suite, profile, trials, false);
    let key = |p: &PlannedCase| -> String {
        let c = &p.loaded.case;
        match group {
            None => String::new(),
            Some(GroupBy::Clause) => c.clause.clone(),
            Some(GroupBy::Level) => c.level.clone(),
            Some(GroupBy::Element) => c.element.clone(),
        }
    };
    // Stable sort: within a group, suite order.
    planned.sort_by_key(|p| key(p));
    let mut current: Option<String> = None;
    let mut na = Vec::new();
    let _ = writeln!(
        w,
        "{:<44} {:<3} {:<11} {:<4} {:<12} {:>6}  {:<22} title",
        "case", "lvl", "element", "mand", "mode", "trials", "clause"
    );
    for p in &planned {
        let c = &p.loaded.case;
        if group.is_some() && p.applicable.is_ok() && current.as_deref() != Some(key(p).as_str()) {
            current = Some(key(p));
            let _ = writeln!(w, "\n[{}]", key(p));
        }
        match &p.applicable {
            Ok(()) => {
                let _ = writeln!(
                    w,
                    "{:<44} {:<3} {:<11} {:<4} {:<12} {:>6}  {:<22} {}",
                    c.id,
                    c.level,
                    c.element,
                    if c.mandatory { "yes" } else { "no" },
                    c.mode.as_str(),
                    p.trials,
                    c.clause,
                    c.title.en
                );
            }
            Err(why) => na.push((c.id.clone(), why.clone())),
        }
    }
    let applicable = planned.len() - na.len();
    let _ = writeln!(
        w,
        "\n{applicable} applicable case(s) for {} {} ({})",
        profile.vendor, profile.model, profile.category
    );
    if let Some(sel) = selection {
        let _ = writeln!(w, "selected by {}", sel.describe());
    }
    if !na.is_empty() {
        let _ = writeln!(w, "{} not applicable:", na.len());
        for (id, why) in na {
            let _ = writeln!(w, "  {id}: {why}");
        }
    }
    Ok(())
}
