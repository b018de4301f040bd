//! `ailevel catalog show CERT`: one entry, its state and its whole history.

use clap::Args;

use super::{DbArg, date_or_today, json, listed};
use crate::catalog::State;
use crate::catalog::store::Filter;
use crate::commands::Context;
use crate::commands::shared::print;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// The certificate id.
    pub cert: String,
    /// The state as on this day, `YYYY-MM-DD` [default: today, Beijing time].
    #[arg(long)]
    pub date: Option<String>,
    /// JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

impl ShowArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        let date = date_or_today(self.date.as_deref())?;
        let mut store = self.db.open()?;
        let rows = listed(&mut store, &Filter::Cert(self.cert.clone()), date)?;
        let Some(l) = rows.first() else {
            return Err(Error::Usage(format!(
                "certificate {} is not in the catalogue",
                self.cert
            )));
        };
        if self.json {
            return print(ctx.stdout, json(l)?.as_bytes());
        }
        let e = &l.entry;
        let mut t = format!(
            "certificate  {}\nstate        {}{}\nproduct      {} {} ({})\nfirmware     {}\nlevel        {}{}\nframework    {}\nlab          {} — {} / {}\nsigned by    {}\nissued       {}\nvalid until  {}\nresults      sha256 {}\n",
            e.cert_id,
            l.state.name(),
            match &l.state {
                State::Superseded { by } => format!(" by {by}"),
                State::Revoked { date, reason } => format!(" on {date}: {reason}"),
                State::Expired { on } => format!(" on {on}"),
                _ => String::new(),
            },
            e.vendor,
            e.model,
            e.category,
            e.firmware,
            e.level.as_deref().unwrap_or("none"),
            if e.provisional { " (provisional)" } else { "" },
            e.framework,
            e.lab_accreditation,
            e.lab_name_zh,
            e.lab_name_en,
            e.signing_key_id,
            e.issued,
            e.valid_until.as_deref().unwrap_or("-"),
            e.results_sha256,
        );
        if e.name_zh.is_some() || e.name_en.is_some() {
            t.push_str(&format!(
                "names        {} / {}\n",
                e.name_zh.as_deref().unwrap_or("-"),
                e.name_en.as_deref().unwrap_or("-")
            ));
        }
        if !e.skus.is_empty() {
            t.push_str(&format!("SKUs         {}\n", e.skus.join(", ")));
        }
        t.push_str("history\n");
        for ev in &e.events {
            t.push_str(&format!(
                "  {} {}{}{}{}\n",
                ev.at,
                ev.kind,
                ev.date
                    .as_deref()
                    .map(|d| format!(" from {d}"))
                    .unwrap_or_default(),
                ev.reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default(),
                ev.actor
                    .as_deref()
                    .map(|a| format!(" (by {a})"))
                    .unwrap_or_default(),
            ));
        }
        print(ctx.stdout, t.as_bytes())
    }
}
