//! `ailevel catalog revoke CERT --reason TEXT`: an event in the certificate's history; the
//! entry itself is never changed.

use clap::Args;

use super::{DbArg, date_or_today};
use crate::commands::Context;
use crate::commands::shared::print;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Args)]
pub struct RevokeArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// The certificate id.
    pub cert: String,
    /// Why, shown to staff and customers.
    #[arg(long)]
    pub reason: String,
    /// The day the revocation takes effect, `YYYY-MM-DD` [default: today, Beijing time].
    #[arg(long)]
    pub date: Option<String>,
    /// Who revokes it, kept in the history.
    #[arg(long)]
    pub by: Option<String>,
}

impl RevokeArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        if self.reason.trim().is_empty() {
            return Err(Error::Usage("--reason must say why".into()));
        }
        let date = date_or_today(self.date.as_deref())?.to_string();
        let mut store = self.db.open()?;
        store.revoke(&self.cert, &date, self.reason.trim(), self.by.as_ref())?;
        print(
            ctx.stdout,
            format!(
                "revoked {} from {date}: {}\n",
                self.cert,
                self.reason.trim()
            )
            .as_bytes(),
        )
    }
}
