//! `ailevel catalog check --policy FILE (--cert ID | --model M | --sku S) [--firmware V]`:
//! eligible (exit 0) or not (exit 1), with every reason.

use std::path::PathBuf;

use clap::Args;

use super::{DbArg, date_or_today, json};
use crate::catalog::check::{Outcome, Query, lookup};
use crate::catalog::policy;
use crate::commands::Context;
use crate::commands::shared::print;
use crate::error::{ExitCode, Result};

#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("unit").required(true).args(["cert", "model", "sku"])))]
pub struct CheckArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// The eligibility policy (TOML, schemas/catalog-policy.schema.json).
    #[arg(long, env = "AILEVEL_POLICY")]
    pub policy: PathBuf,
    /// A certificate id.
    #[arg(long)]
    pub cert: Option<String>,
    /// A model name (spacing, full-width characters and case do not matter).
    #[arg(long)]
    pub model: Option<String>,
    /// The vendor, when a model name is not unique.
    #[arg(long, requires = "model")]
    pub vendor: Option<String>,
    /// A SKU.
    #[arg(long)]
    pub sku: Option<String>,
    /// The unit's firmware version.
    #[arg(long)]
    pub firmware: Option<String>,
    /// Check as on this day, `YYYY-MM-DD` [default: today, Beijing time].
    #[arg(long)]
    pub date: Option<String>,
    /// JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Reasons in this language: `zh-CN` or `en`.
    #[arg(long, default_value = "zh-CN", value_parser = ["zh-CN", "en"])]
    pub lang: String,
}

impl CheckArgs {
    pub fn query(&self) -> Query {
        Query {
            cert: self.cert.clone(),
            vendor: self.vendor.clone(),
            model: self.model.clone(),
            sku: self.sku.clone(),
            firmware: self.firmware.clone(),
        }
    }

    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<ExitCode> {
        let policy = policy::load(&self.policy)?;
        let date = date_or_today(self.date.as_deref())?;
        let mut store = self.db.open()?;
        let outcome = lookup(&mut store, &policy, &self.query(), date)?;
        let text = if self.json {
            json(&outcome)?
        } else {
            render(&outcome, self.lang == "en")
        };
        print(ctx.stdout, text.as_bytes())?;
        Ok(if outcome.eligible {
            ExitCode::Ok
        } else {
            ExitCode::BelowRequired
        })
    }
}

/// The answer as staff read it.
pub fn render(o: &Outcome, en: bool) -> String {
    let pick = |r: &crate::catalog::check::Reason| if en { r.en.clone() } else { r.zh.clone() };
    let mut t = format!(
        "{}  {}\n{}: {}\n",
        if o.eligible {
            if en {
                "ELIGIBLE"
            } else {
                "符合条件 ELIGIBLE"
            }
        } else if en {
            "NOT ELIGIBLE"
        } else {
            "不符合条件 NOT ELIGIBLE"
        },
        o.query.describe(),
        if en { "policy" } else { "政策" },
        if en {
            &o.policy.name_en
        } else {
            &o.policy.name_zh
        },
    );
    for r in &o.reasons {
        t.push_str(&format!(
            "  {} {}\n",
            if r.ok { "ok  " } else { "FAIL" },
            pick(r)
        ));
    }
    for v in &o.entries {
        t.push_str(&format!(
            "{} {} {} firmware {} level {} {}\n",
            v.cert_id,
            v.vendor,
            v.model,
            v.firmware,
            v.level.as_deref().unwrap_or("none"),
            v.state.name()
        ));
        for r in &v.reasons {
            t.push_str(&format!(
                "    {} {}\n",
                if r.ok { "ok  " } else { "FAIL" },
                pick(r)
            ));
        }
    }
    t
}
