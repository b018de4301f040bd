//! `ailevel catalog trust KEY.pub…`: the lab keys whose envelopes the catalogue accepts.

use std::path::PathBuf;

use clap::Args;
use ed25519_dalek::pkcs8::EncodePublicKey;

use super::DbArg;
use crate::attest::keys;
use crate::commands::Context;
use crate::commands::shared::print;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Args)]
pub struct TrustArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// Public keys (PEM, as `ailevel keygen` writes `.pub`).
    #[arg(required = true)]
    pub keys: Vec<PathBuf>,
    /// A note kept with the key, e.g. the lab's name.
    #[arg(long)]
    pub note: Option<String>,
}

impl TrustArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        let parsed = self
            .keys
            .iter()
            .map(|p| keys::read_public(p))
            .collect::<Result<Vec<_>>>()?;
        let mut store = self.db.open()?;
        let mut text = String::new();
        for k in parsed {
            let id = keys::key_id(&k);
            let pem = k
                .to_public_key_pem(Default::default())
                .map_err(|e| Error::Internal(format!("could not encode the key: {e}")))?;
            let new = store.trust(&id, &pem, self.note.as_ref())?;
            text.push_str(&format!(
                "{} {id}\n",
                if new { "trusted" } else { "already trusted" }
            ));
        }
        print(ctx.stdout, text.as_bytes())
    }
}
