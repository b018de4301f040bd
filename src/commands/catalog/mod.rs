//! `ailevel catalog …`: the trade-in programme's product catalogue (docs/catalog.md). One
//! file per subcommand; each opens the database named by `--db` (or `AILEVEL_CATALOG`).

mod add;
mod check;
mod export;
mod import;
mod list;
mod revoke;
mod serve;
mod show;
mod trust;

use clap::{Args, Subcommand};

use super::Context;
use crate::catalog::Store;
use crate::error::{Error, ExitCode, Result};

pub use add::AddArgs;
pub use check::CheckArgs;
pub use export::ExportArgs;
pub use import::ImportArgs;
pub use list::ListArgs;
pub use revoke::RevokeArgs;
pub use serve::ServeArgs;
pub use show::ShowArgs;
pub use trust::TrustArgs;

#[derive(Debug, Args)]
pub struct CatalogArgs {
    #[command(subcommand)]
    pub command: CatalogCommand,
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Trust a lab's public key: only envelopes it signed can be added.
    Trust(TrustArgs),
    /// Add a certificate: its envelope and results must pass every `verify` check against
    /// the catalogue's trusted keys (exit 7 otherwise, nothing added).
    Add(AddArgs),
    /// Revoke a certificate from a date, with a reason; its history keeps both.
    Revoke(RevokeArgs),
    /// List entries with their state, optionally those matching a search.
    List(ListArgs),
    /// One entry in full: its dates, SKUs, state and history.
    Show(ShowArgs),
    /// Every entry as CSV or JSON.
    Export(ExportArgs),
    /// Whether a unit is eligible under a policy, with every reason; exit 0 eligible, 1 not.
    Check(CheckArgs),
    /// Check a store's whole list (CSV): one result row per input row, bad rows with their line.
    ImportSkus(ImportArgs),
    /// The staff page and its JSON API (read-only unless an admin token is set).
    Serve(ServeArgs),
}

impl CatalogArgs {
    pub fn exec(self, ctx: &mut Context<'_>) -> Result<ExitCode> {
        match self.command {
            CatalogCommand::Trust(a) => a.exec(ctx).map(|()| ExitCode::Ok),
            CatalogCommand::Add(a) => a.exec(ctx),
            CatalogCommand::Revoke(a) => a.exec(ctx).map(|()| ExitCode::Ok),
            CatalogCommand::List(a) => a.exec(ctx).map(|()| ExitCode::Ok),
            CatalogCommand::Show(a) => a.exec(ctx).map(|()| ExitCode::Ok),
            CatalogCommand::Export(a) => a.exec(ctx).map(|()| ExitCode::Ok),
            CatalogCommand::Check(a) => a.exec(ctx),
            CatalogCommand::ImportSkus(a) => a.exec(ctx).map(|()| ExitCode::Ok),
            CatalogCommand::Serve(a) => a.exec(ctx).map(|()| ExitCode::Ok),
        }
    }
}

/// The database every subcommand takes.
#[derive(Debug, Clone, Args)]
pub struct DbArg {
    /// The catalogue: `sqlite:PATH` (created when missing) or
    /// `postgres://USER[:PASSWORD]@HOST:PORT/DB`.
    #[arg(long, env = "AILEVEL_CATALOG", default_value = "sqlite:catalog.db")]
    pub db: String,
}

impl DbArg {
    pub fn open(&self) -> Result<Store> {
        Store::open(&self.db)
    }
}

/// `--date YYYY-MM-DD`, or today in Beijing time.
fn date_or_today(date: Option<&str>) -> Result<chrono::NaiveDate> {
    match date {
        None => Ok(crate::catalog::today()),
        Some(d) => crate::catalog::parse_date(d)
            .ok_or_else(|| Error::Usage(format!("--date `{d}` is not a date (YYYY-MM-DD)"))),
    }
}

use crate::catalog::listed;

fn json(v: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .map_err(|e| Error::Internal(format!("could not encode JSON: {e}")))
}
