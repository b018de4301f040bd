//! `ailevel catalog list [--search TEXT]`: entries with their state on a date.

use clap::Args;

use super::{DbArg, date_or_today, json, listed};
use crate::catalog::Listed;
use crate::catalog::store::Filter;
use crate::commands::Context;
use crate::commands::shared::print;
use crate::error::Result;

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// Only entries whose brand, model, SKU, name or certificate id contains this (spacing,
    /// full-width characters and case do not matter).
    #[arg(long)]
    pub search: Option<String>,
    /// At most this many entries with --search.
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
    /// States as on this day, `YYYY-MM-DD` [default: today, Beijing time].
    #[arg(long)]
    pub date: Option<String>,
    /// JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

impl ListArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        let date = date_or_today(self.date.as_deref())?;
        let mut store = self.db.open()?;
        let filter = match &self.search {
            Some(text) => Filter::Search {
                text: text.clone(),
                limit: self.limit.max(1),
            },
            None => Filter::All,
        };
        let rows = listed(&mut store, &filter, date)?;
        let text = if self.json {
            json(&rows)?
        } else {
            table(&rows)
        };
        print(ctx.stdout, text.as_bytes())
    }
}

/// One line per entry: id, state, level, category, vendor, model, firmware, issue date.
pub(super) fn table(rows: &[Listed]) -> String {
    let mut out = String::new();
    for l in rows {
        let e = &l.entry;
        out.push_str(&format!(
            "{:<24} {:<11} {:<4} {:<8} {} {} | firmware {} | issued {}\n",
            e.cert_id,
            l.state.name(),
            e.level.as_deref().unwrap_or("-"),
            e.category,
            e.vendor,
            e.model,
            e.firmware,
            e.issued
        ));
    }
    out.push_str(&format!(
        "{} entr{}\n",
        rows.len(),
        if rows.len() == 1 { "y" } else { "ies" }
    ));
    out
}
