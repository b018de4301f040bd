//! `ailevel catalog export --csv|--json`: every entry with its state on a date.

use std::path::PathBuf;

use clap::Args;

use super::{DbArg, date_or_today, json, listed};
use crate::catalog::store::Filter;
use crate::catalog::{Listed, State};
use crate::commands::Context;
use crate::commands::shared::{print, write_file};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("format").required(true).args(["csv", "json"])))]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// CSV, one row per certificate (UTF-8, header row; SKUs joined by `;`).
    #[arg(long)]
    pub csv: bool,
    /// JSON: an array of entries with their history and state.
    #[arg(long)]
    pub json: bool,
    /// Write here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// States as on this day, `YYYY-MM-DD` [default: today, Beijing time].
    #[arg(long)]
    pub date: Option<String>,
}

/// The CSV columns, in order.
pub const CSV_COLUMNS: [&str; 19] = [
    "cert_id",
    "state",
    "state_detail",
    "vendor",
    "model",
    "firmware",
    "category",
    "level",
    "provisional",
    "lab_accreditation",
    "lab_name_zh",
    "lab_name_en",
    "issued",
    "valid_until",
    "name_zh",
    "name_en",
    "skus",
    "results_sha256",
    "added_at",
];

impl ExportArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        let date = date_or_today(self.date.as_deref())?;
        let mut store = self.db.open()?;
        let rows = listed(&mut store, &Filter::All, date)?;
        let bytes = if self.json {
            json(&rows)?.into_bytes()
        } else {
            csv(&rows)?
        };
        match &self.out {
            Some(p) => write_file(p, &bytes),
            None => print(ctx.stdout, &bytes),
        }
    }
}

fn csv(rows: &[Listed]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| Error::Internal(format!("could not write CSV: {e}"));
    w.write_record(CSV_COLUMNS).map_err(fail)?;
    for l in rows {
        let e = &l.entry;
        let detail = match &l.state {
            State::Superseded { by } => format!("by {by}"),
            State::Revoked { date, reason } => format!("{date}: {reason}"),
            State::Expired { on } => on.clone(),
            _ => String::new(),
        };
        w.write_record([
            e.cert_id.as_str(),
            l.state.name(),
            &detail,
            &e.vendor,
            &e.model,
            &e.firmware,
            &e.category,
            e.level.as_deref().unwrap_or(""),
            if e.provisional { "true" } else { "false" },
            &e.lab_accreditation,
            &e.lab_name_zh,
            &e.lab_name_en,
            &e.issued,
            e.valid_until.as_deref().unwrap_or(""),
            e.name_zh.as_deref().unwrap_or(""),
            e.name_en.as_deref().unwrap_or(""),
            &e.skus.join(";"),
            &e.results_sha256,
            &e.added_at,
        ])
        .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| Error::Internal(format!("could not write CSV: {e}")))
}
